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
order.  Hessian-vector products transform the same kind of function, with the
tangent `v` in place of 1 (reverse mode over the tangent sweep), and the
Hessian is one such product per input element.
"""

import inspect
import itertools
import weakref

import numpy as np

from . import cache, loader
from .analysis import kinds as K
from .errors import ArgumentError
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
    sig = inspect.signature(fn)
    params = list(sig.parameters)
    for p in sig.parameters.values():
        if p.kind not in (p.POSITIONAL_OR_KEYWORD, p.POSITIONAL_ONLY):
            raise ArgumentError(f"higher derivatives of {fn.__qualname__} need plain positional "
                                f"parameters; `{p.name}` is {p.kind.description}")
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
    text = "\n".join(lines)
    filename = f"<srcgrad {kind} of {fn.__qualname__} #{next(_counter)}>"
    loader.register_source(filename, text)
    namespace = {"__name__": _MODULE, jvp_name: c.jvp, "check_scalar": check_scalar}
    code = compile(text, filename, "exec")
    exec(code, namespace)
    made = namespace[name]
    if fn.__defaults__ and not tangent_param:
        made.__defaults__ = fn.__defaults__
    made.__qualname__ = f"{kind}({fn.__qualname__})"
    made.__srcgrad_derived__ = True
    return made


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

def hvp(fn, wrt=0):
    """`hvp(f)(x, v)`: the Hessian of scalar `f` at `x` times `v`, without forming the Hessian.

    Computed by reverse mode over the generated tangent code of `f` (the
    directional derivative along `v`), so it costs a small multiple of one gradient.
    """
    from .api import GradFunction, _wrt_names
    fn = unwrap(fn)
    params = list(inspect.signature(fn).parameters)
    (name,), _ = _wrt_names(fn, params, wrt)
    tangent = f"{name}_direction"
    while tangent in params:
        tangent += "_"
    outers = {}

    def hvp_fn(*args):
        if len(args) != len(params) + 1:
            raise ArgumentError(f"hvp({fn.__qualname__}) takes the arguments of {fn.__qualname__} "
                                f"and then the vector v: {len(params) + 1} in all, got {len(args)}")
        x, v = args[params.index(name)], args[-1]
        if np.shape(v) != np.shape(x):
            raise ArgumentError(f"v has shape {np.shape(v)}, but `{name}` has shape {np.shape(x)}")
        kinds = {p: K.of_value(a) for p, a in zip(params, args)}
        key = tuple(sorted(kinds.items()))
        outer = outers.get(key)
        if outer is None:
            directional = _tangent_function(fn, name, tangent, "directional", kinds)
            outer = outers[key] = GradFunction(directional, name)
        hvp_fn.last = outer
        return outer(*args)

    hvp_fn.__name__ = f"hvp_{fn.__name__}"
    hvp_fn.__doc__ = f"Hessian of {fn.__qualname__} (wrt {name}) times a vector: hvp(*args, v)."
    hvp_fn.last = None
    return hvp_fn


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
