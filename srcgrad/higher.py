"""Higher derivatives by transforming generated derivative code again.

The derivative of a function with respect to one scalar argument is its
tangent along 1, so `grad(f)` (scalar `x`) can be written as a small function
that calls the forward-mode code of `f`:

    def d_f(x, n):
        check_scalar(x, 'x', 'f')
        return f_jvp(x, n, x_dot=1.0)

That function has source (registered with linecache) and so does `f_jvp`, so
`grad(grad(f))` is simply the reverse-mode transformation of `d_f`: the second
derivative is generated code derived from generated code, and so on to any
order.

Hessian-vector products go the other way round, forward over reverse.  The
gradient of `f` is itself a small generated function,

    def gradient_f(x, n):
        value, tape = f_forward(x, n)
        return f_backward(tape, seed_like(value))

and `H v` is its tangent along `v`: one forward-mode sweep over the forward
and backward code of `f` (whose tape stack uses plain `append`/`pop`, which
forward mode differentiates).  The Hessian is one such product per input
element.  Gradient code that calls a helper without a tangent template falls
back to reverse mode over the tangent code of `f` along `v`, which gives the
same numbers.
"""

import inspect
import itertools
import weakref

import numpy as np

from . import cache, loader, pipeline, runtime
from .analysis import kinds as K
from .errors import ArgumentError, NoTemplateError
from .products import tangent_keywords, unit_vectors
from .source import unwrap

_MODULE = "srcgrad_derived"        # not a library module: the compiler reads these functions
_counter = itertools.count(1)
_made = weakref.WeakKeyDictionary()       # fn -> {(wrt, kind, kinds): generated function}


def check_scalar(value, name, fn_name):
    """Refuse an array where a scalar derivative is taken (it would silently be a sum)."""
    if np.ndim(value) != 0:
        raise ArgumentError(
            f"grad(grad({fn_name})) needs `{name}` to be a scalar, but it has shape {np.shape(value)}; "
            f"the inner gradient is then an array. Use srcgrad.hessian or srcgrad.hvp.")


def _tangent_function(fn, wrt_name, tangent_param, kind, kinds=None):
    """A generated function of fn's parameters (+ `tangent_param`) returning fn's tangent.

    `kinds` (argument kinds) specializes the tangent code it calls, as for a gradient.
    """
    fn = unwrap(fn)
    key = (wrt_name, tangent_param, kind, tuple(sorted((kinds or {}).items())))
    made = _made.setdefault(fn, {})
    if key not in made:
        made[key] = _generate(fn, wrt_name, tangent_param, kind, kinds)
    return made[key]


def _generate(fn, wrt_name, tangent_param, kind, kinds):
    params = _plain_params(fn)
    own_kinds = {p: k for p, k in (kinds or {}).items() if p in params}
    c = cache.get(fn, (wrt_name,), own_kinds, {"mode": "forward", "tangent_only": True})
    jvp_name = f"{fn.__name__}_jvp"
    name = f"{kind}_{fn.__name__}"
    args = ", ".join(params)
    own = params + ([tangent_param] if tangent_param else [])
    seed = tangent_param if tangent_param else "1.0"
    lines = [f"def {name}({', '.join(own)}):"]
    if not tangent_param:
        lines.append(f"    check_scalar({wrt_name}, {wrt_name!r}, {fn.__qualname__!r})")
    (keyword,) = tangent_keywords(c.jvp, 1)
    lines += [f"    return {jvp_name}({args}, {keyword}={seed})", ""]
    made = _define(fn, kind, name, lines, {jvp_name: c.jvp, "check_scalar": check_scalar})
    if fn.__defaults__ and not tangent_param:
        made.__defaults__ = fn.__defaults__
    made.__srcgrad_origin__ = (fn, repr((kind, wrt_name, tangent_param,
                                         tuple(sorted(own_kinds.items())))))
    return made


def _define(fn, kind, name, lines, names):
    """Compile the generated function `name` (source `lines`, free `names`) derived from fn."""
    text = "\n".join(lines)
    filename = f"<srcgrad {kind} of {fn.__qualname__} #{next(_counter)}>"
    loader.register_source(filename, text)
    namespace = {"__name__": _MODULE, **names}
    exec(compile(text, filename, "exec"), namespace)
    made = namespace[name]
    made.__qualname__ = f"{kind}({fn.__qualname__})"
    made.__srcgrad_derived__ = True
    return made


def _plain_params(fn):
    sig = inspect.signature(fn)
    for p in sig.parameters.values():
        if p.kind not in (p.POSITIONAL_OR_KEYWORD, p.POSITIONAL_ONLY):
            raise ArgumentError(f"higher derivatives of {fn.__qualname__} need plain positional "
                                f"parameters; `{p.name}` is {p.kind.description}")
    return list(sig.parameters)


# Passes whose output (updates in place, a runtime sum helper) would cost more to
# differentiate again than they save: code that is differentiated again goes without.
_PLAIN_CODE = ("hoist-outer", "batch-taped", "assign-parts", "in-place-add")


def gradient_options():
    """Options of the first-order code that forward mode differentiates again."""
    options = pipeline.options_from_env()
    off = tuple(sorted(set(options.get("disable", ())) | set(_PLAIN_CODE)))
    return {**options, "disable": off, "plain_stack": True}


def gradient_function(fn, wrt_name, kinds):
    """A generated function of fn's parameters returning fn's gradient with respect to wrt_name.

    It calls f's forward and backward code (compiled with plain stack pushes and pops), so
    its tangent along `v` is the Hessian of f times v.  Cached like first-order code: on
    disk under a key made from f's own source and that of its callees.
    """
    fn = unwrap(fn)
    key = ("gradient", wrt_name, tuple(sorted(kinds.items())))
    made = _made.setdefault(fn, {})
    if key not in made:
        params = _plain_params(fn)
        own_kinds = {p: k for p, k in kinds.items() if p in params}
        options = gradient_options()
        c = cache.get(fn, (wrt_name,), own_kinds, options)
        fwd, bwd = c.forward.__name__, c.backward.__name__
        value, tape = _fresh("value", params), _fresh("tape", params)
        args = ", ".join(params)
        lines = [f"def gradient_{fn.__name__}({args}):",
                 f"    {value}, {tape} = {fwd}({args})",
                 f"    return {bwd}({tape}, seed_like({value}))", ""]
        g = _define(fn, "gradient", f"gradient_{fn.__name__}", lines,
                    {fwd: c.forward, bwd: c.backward, "seed_like": runtime.seed_like})
        g.__srcgrad_origin__ = (fn, repr(("gradient", wrt_name, tuple(sorted(own_kinds.items())),
                                          tuple(sorted(options.items())))))
        out_kind = _output_kind(c.forward)
        if out_kind is not None:            # so the seed, and the backward's code, know it
            g.__srcgrad_kinds__ = {value: out_kind}
        made[key] = g
    return made[key]


def _output_kind(forward):
    """The kind of the value a generated forward function returns (`return out, tape`)."""
    import ast
    import textwrap
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(forward)))
    except (OSError, SyntaxError):
        return None
    ret = tree.body[0].body[-1]
    if not (isinstance(ret, ast.Return) and isinstance(ret.value, ast.Tuple)
            and isinstance(ret.value.elts[0], ast.Name)):
        return None
    return getattr(forward, "__srcgrad_kinds__", {}).get(ret.value.elts[0].id)


def _fresh(base, taken):
    while base in taken:
        base += "_"
    return base


def derivative_function(gf, kinds=None):
    """The Python function computing the gradient function `gf` (one scalar argument)."""
    if len(gf.wrt) != 1 or not gf.single:
        raise ArgumentError(
            f"grad of a gradient needs the inner gradient to be one scalar (one `wrt` argument); "
            f"{gf!r} has wrt={tuple(gf.wrt)}. Use srcgrad.hessian or srcgrad.jacobian.")
    if gf.preserve_result or gf.with_value:
        raise ArgumentError("grad of value_and_grad or of grad(..., preserve_result=True) is not "
                            "defined: differentiate grad(f) itself")
    return _tangent_function(gf.fn, gf.wrt[0], None, "d", kinds)


# --- Hessians ----------------------------------------------------------------------------------

class HessianProduct:
    """`hvp(f)(*args, v)`: the Hessian of scalar `f` at `args` times `v`, without forming it.

    Forward mode over the generated gradient of `f`: one tangent sweep along `v` over
    f's forward and backward code.  Where that code calls a helper without a tangent
    template, reverse mode over f's tangent code along `v` instead (same numbers).
    `.method` says which ran last, `.source` shows its generated code.
    """

    def __init__(self, fn, wrt=0):
        from .api import _wrt_names
        self.fn = fn = unwrap(fn)
        self.params = list(inspect.signature(fn).parameters)
        (self.name,), _ = _wrt_names(fn, self.params, wrt)
        self._made = {}             # argument kinds -> (method, compiled or GradFunction)
        self.last = None
        self.method = None
        self.__name__ = f"hvp_{fn.__name__}"
        self.__doc__ = f"Hessian of {fn.__qualname__} (wrt {self.name}) times a vector: hvp(*args, v)."

    def __call__(self, *args):
        fn, params, name = self.fn, self.params, self.name
        if len(args) != len(params) + 1:
            raise ArgumentError(f"hvp({fn.__qualname__}) takes the arguments of {fn.__qualname__} "
                                f"and then the vector v: {len(params) + 1} in all, got {len(args)}")
        x, v = args[params.index(name)], args[-1]
        if np.shape(v) != np.shape(x):
            raise ArgumentError(f"v has shape {np.shape(v)}, but `{name}` has shape {np.shape(x)}")
        kinds = {p: K.of_value(a) for p, a in zip(params, args)}
        method, made = self.compiled_for(kinds)
        self.method, self.last = method, made
        if method == "reverse-over-forward":
            return made(*args)
        (keyword,) = tangent_keywords(made.jvp, 1)
        return runtime.as_grad(made.jvp(*args[:-1], **{keyword: v}), x)

    def compiled_for(self, kinds, method=None):
        """(method, code) for these argument kinds; `method` forces one of the two orders."""
        key = (tuple(sorted(kinds.items())), method)
        if key not in self._made:
            self._made[key] = self._compile(kinds, method)
        return self._made[key]

    def _compile(self, kinds, method):
        if method != "reverse-over-forward":
            try:
                g = gradient_function(self.fn, self.name, kinds)
                return "forward-over-reverse", cache.get(g, (self.name,), kinds,
                                                         {"mode": "forward", "tangent_only": True})
            except NoTemplateError:
                if method is not None:
                    raise
        from .api import GradFunction
        tangent = _fresh(f"{self.name}_direction", self.params)
        directional = _tangent_function(self.fn, self.name, tangent, "directional", kinds)
        return "reverse-over-forward", GradFunction(directional, self.name)

    @property
    def source(self):
        """The generated code the last call ran (None before the first call)."""
        return None if self.last is None else self.last.source

    def __repr__(self):
        return f"<srcgrad Hessian-vector product of {self.fn.__qualname__} wrt {self.name}>"


def hvp(fn, wrt=0):
    """`hvp(f)(x, v)`: the Hessian of scalar `f` at `x` times `v`, without forming the Hessian.

    Forward mode over the generated gradient code of `f` (the directional derivative
    of the gradient along `v`), so it costs a small multiple of one gradient.
    """
    return HessianProduct(fn, wrt)


def hessian(fn, wrt=0):
    """`hessian(f)(*args)`: the matrix of second derivatives of scalar `f`, shape x.shape * 2."""
    fn = unwrap(fn)
    product = hvp(fn, wrt)
    from .api import _wrt_names
    params = list(inspect.signature(fn).parameters)
    (name,), _ = _wrt_names(fn, params, wrt)
    index = params.index(name)

    def hessian_fn(*args):
        x = args[index]
        if isinstance(x, (int, np.integer)) or (isinstance(x, np.ndarray) and x.dtype.kind not in "fc"):
            raise ArgumentError(f"hessian differentiates with respect to floats; `{name}` is {x!r}")
        shape = np.shape(x)
        dtype = np.result_type(np.asarray(x).dtype, np.float32)
        rows = [product(*args, e) for e in unit_vectors(shape, dtype, type(x)(1))]
        result = np.array(rows, dtype).reshape(shape + shape)
        return float(result) if not shape and isinstance(x, float) else result

    hessian_fn.__name__ = f"hessian_{fn.__name__}"
    hessian_fn.__doc__ = f"Hessian of {fn.__qualname__} with respect to {name}."
    return hessian_fn
