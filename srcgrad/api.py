"""grad, value_and_grad, function, source, show: arguments -> compiled pair -> gradients."""

import functools
import inspect

import numpy as np

from . import cache, pipeline, runtime
from .analysis import kinds as K
from .errors import ArgumentError
from .source import unwrap


class GradFunction:
    def __init__(self, fn, wrt=0, preserve_result=False, with_value=False, has_aux=False,
                 holomorphic=False):
        self.inner = fn if isinstance(fn, GradFunction) else None
        if self.inner is not None:                # grad(grad(f)): transform generated code
            from .higher import derivative_function
            fn = derivative_function(self.inner)
        self.fn = unwrap(fn)
        self.sig = inspect.signature(self.fn)
        self.params = [p for p in self.sig.parameters]
        # every parameter a plain positional one: a full positional call needs no binding
        self._plain = all(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                          for p in self.sig.parameters.values())
        self.wrt, self.single = _wrt_names(self.fn, self.params, wrt)
        self._wrt_at = [self.params.index(w) for w in self.wrt]
        self.preserve_result = preserve_result
        self.with_value = with_value
        self.has_aux = has_aux
        self.holomorphic = holomorphic
        self._compiled = {}       # argument kinds -> compiled pair for any shapes
        self._called = {}         # argument kinds -> the pair the last call used
        self._shaped = {}         # (kinds, shape pattern) -> compiled pair
        self._patterns = {}       # argument shapes -> their shape pattern
        self.__name__ = f"grad_{getattr(self.fn, '__name__', 'f')}"
        self.__doc__ = f"Gradient of {self.fn.__qualname__} with respect to {', '.join(self.wrt)}."

    def _bind(self, args, kwargs):
        """(argument values by parameter, with defaults; their kinds)."""
        if self._positional(args, kwargs):
            values = dict(zip(self.params, args))
            return values, {p: K.of_value(v) for p, v in values.items()}
        bound = self.sig.bind(*args, **kwargs)
        bound.apply_defaults()
        values = bound.arguments
        return values, {p: K.of_value(v) for p, v in values.items()}

    def split(self, *args, **kwargs):
        """(compiled, bound argument values) for these arguments: the shared split pair."""
        values, kinds = self._bind(args, kwargs)
        return self.for_call(kinds, values), values

    def _positional(self, args, kwargs):
        """True for a call that gives every parameter positionally: no binding needed."""
        return self._plain and not kwargs and len(args) == len(self.params)

    def compiled_for(self, kinds):
        return self._compiled_at(tuple(kinds.get(p, K.UNKNOWN) for p in self.params))

    def _compiled_at(self, key):
        """The compiled pair for argument kinds `key` (one per parameter, in order)."""
        c = self._compiled.get(key)
        if c is None or not c.guards_hold():
            c = self._compiled[key] = self._compile(key)
        return c

    def _compile(self, key, pattern=None):
        kinds = dict(zip(self.params, key))
        fn = self.fn
        if self.inner is not None:            # the inner derivative, specialized to kinds
            from .higher import derivative_function
            fn = derivative_function(self.inner, kinds)
        options = pipeline.options_from_env()
        if pattern is not None:
            options["shapes"] = pattern
        self._last = cache.get(fn, self.wrt, kinds, options)
        return self._last

    def for_call(self, kinds, values):
        """The compiled pair for one call with argument `values` (by parameter) of `kinds`."""
        return self._for_call(tuple(kinds.get(p, K.UNKNOWN) for p in self.params),
                              [values.get(p) for p in self.params])

    def _for_call(self, key, values):
        """The compiled pair for a call: compiled for the arguments' shape pattern the
        first time; later calls check the pattern only when the code relies on it."""
        if self.inner is not None:
            return self._compiled_at(key)
        c = self._called.get(key)
        if c is not None and not c.shaped and c.guards_hold():
            return c
        shapes = tuple([v.shape if type(v) is np.ndarray else None for v in values])
        pattern = self._patterns.get(shapes)
        if pattern is None:
            if len(self._patterns) > 256:
                self._patterns.clear()
            pattern = self._patterns[shapes] = runtime.shape_pattern(self.params, values)
        c = self._shaped.get((key, pattern))
        if c is None or not c.guards_hold():
            c = self._shaped[(key, pattern)] = self._compile(key, pattern)
            self._called[key] = c
            if not c.shaped:                  # good for any shapes: the generic pair too
                self._compiled[key] = c
        self._last = c
        return c

    def __call__(self, *args, **kwargs):
        if self._positional(args, kwargs):
            c = self._for_call(tuple([K.of_value(a) for a in args]), args)
            inputs = [args[i] for i in self._wrt_at]
        else:
            values, kinds = self._bind(args, kwargs)
            c = self.for_call(kinds, values)
            inputs = [values[w] for w in self.wrt]
        for w, v in zip(self.wrt, inputs):
            if type(v) is not np.ndarray or v.dtype.kind not in "fc":
                _check_wrt_value(self.fn, w, v)
        out, tape = c.forward(*args, **kwargs)
        if self.has_aux:
            if not isinstance(out, tuple) or len(out) != 2:
                raise ArgumentError(f"has_aux=True: {self.fn.__qualname__} must return a pair "
                                    f"(loss, aux), but returned {_describe(out)}")
            out, aux = out
        if type(out) is not float and type(out) is not np.float64 and (
                np.size(out) != 1 or (np.iscomplexobj(out) and not self.holomorphic)):
            raise ArgumentError(
                f"{self.fn.__qualname__} returned {_describe(out)}; grad needs a real scalar output "
                "(or holomorphic=True for a complex function that is complex-differentiable). "
                "For array outputs use a vector-Jacobian product (srcgrad.vjp).")
        seed = runtime.seed_like(out)
        try:
            raw = c.backward(tape, [seed, 0] if self.has_aux else seed)
        except (ZeroDivisionError, ValueError, OverflowError):
            # Python floats and the math module raise where NumPy gives inf or nan
            # (sqrt'(0), 0 ** -1, sin(inf)): rerun the general (NumPy) code on NumPy
            # scalars so the gradient behaves as NumPy would
            args, kwargs = runtime.numpy_scalars(args), runtime.numpy_scalars(kwargs)
            c = self.compiled_for({p: K.UNKNOWN for p in self.params})
            out, tape = c.forward(*args, **kwargs)
            if self.has_aux:
                out, aux = out
            seed = np.float64(seed) if type(seed) is float else seed
            raw = c.backward(tape, [seed, 0] if self.has_aux else seed)
        if len(self.wrt) == 1:
            raw = (raw,)
        grads = runtime.finish_grads(raw, inputs, conj=not self.holomorphic)
        result = grads[0] if self.single else grads
        if self.with_value:
            return ((out, aux), result) if self.has_aux else (out, result)
        if self.has_aux:
            result = (result, aux)
        if self.preserve_result:
            return result, out
        return result

    @property
    def source(self):
        """The generated source last used by this gradient (the generic one before any call)."""
        last = getattr(self, "_last", None)
        if last is not None:
            return last.source
        return source(self.fn, self.wrt if not self.single else self.wrt[0])

    def __repr__(self):
        return f"<srcgrad gradient of {self.fn.__qualname__} wrt {', '.join(self.wrt)}>"


def _describe(out):
    if isinstance(out, np.ndarray):
        return f"an array of shape {out.shape}"
    return f"a {type(out).__name__}"


def _wrt_names(fn, params, wrt):
    single = not isinstance(wrt, (tuple, list))
    items = [wrt] if single else list(wrt)
    names = []
    for w in items:
        if isinstance(w, int) and not isinstance(w, bool):
            if not -len(params) <= w < len(params):
                raise ArgumentError(f"wrt={w} is out of range: {fn.__qualname__} takes "
                                    f"{len(params)} argument(s) ({', '.join(params)})")
            names.append(params[w])
        elif isinstance(w, str):
            if w not in params:
                raise ArgumentError(f"wrt={w!r}: {fn.__qualname__} has no parameter named {w!r} "
                                    f"(parameters: {', '.join(params)})")
            names.append(w)
        else:
            raise ArgumentError(f"wrt must be a position, a parameter name or a tuple of those, got {w!r}")
    return names, single


def _check_wrt_value(fn, name, value):
    if isinstance(value, (bool, np.bool_)) or (isinstance(value, (int, np.integer))):
        raise ArgumentError(
            f"wrt points at argument `{name}` of {fn.__qualname__}, which is an integer ({value!r}); "
            "srcgrad differentiates with respect to floating-point values: pass a float")
    if isinstance(value, np.ndarray) and value.dtype.kind not in "fc":
        raise ArgumentError(
            f"wrt points at argument `{name}` of {fn.__qualname__}, an array of dtype {value.dtype}; "
            "srcgrad differentiates with respect to floating-point arrays: convert it with .astype(float)")


def grad(fn=None, wrt=0, *, preserve_result=False, has_aux=False, holomorphic=False):
    """The gradient function of `fn` with respect to the argument(s) `wrt`.

    has_aux=True: `fn` returns `(loss, aux)`; the gradient function returns `(grads, aux)`.
    Complex arguments of a real loss get PyTorch's convention (`z -= lr * grad` descends);
    holomorphic=True differentiates a complex-valued holomorphic function: f'(z).
    """
    options = dict(has_aux=has_aux, holomorphic=holomorphic)
    if fn is None:
        return lambda f: GradFunction(f, wrt, preserve_result, **options)
    return GradFunction(fn, wrt, preserve_result, **options)


def value_and_grad(fn, wrt=0, *, has_aux=False):
    """A function returning (value, gradient) of `fn` (`((value, aux), gradient)` with has_aux)."""
    return GradFunction(fn, wrt, with_value=True, has_aux=has_aux)


def source(fn, wrt=0, kinds=None, mode="reverse"):
    """The generated source of `fn`'s derivative, as a string.

    mode="reverse": the forward-with-tape and backward functions grad() runs;
    mode="forward": the tangent function jvp() runs.  `kinds` specializes the code
    to argument kinds (e.g. {"x": "num"}); without it the code is the general one.
    """
    fn = unwrap(fn)
    params = list(inspect.signature(fn).parameters)
    names, _ = _wrt_names(fn, params, wrt)
    if mode not in ("reverse", "forward"):
        raise ArgumentError(f"mode must be 'reverse' or 'forward', got {mode!r}")
    return pipeline.compile_split(fn, names, dict(kinds or {}), {"mode": mode}).source


def show(fn, wrt=0, kinds=None, mode="reverse"):
    """Print the generated derivative source of `fn`."""
    print(source(fn, wrt, kinds, mode))


# --- Function ------------------------------------------------------------------------------

# Functions called with arguments of these types go to the matching handler instead of
# running plainly (the Tensor facade registers itself here).
_call_handlers = []


def register_call_handler(types_, handler):
    _call_handlers.append((tuple(types_), handler))


class Function:
    """A user function that calls exactly like the original and carries its compiled gradient.

    `f.grad(wrt)` and `f.value_and_grad(wrt)` give gradient functions; `f.source(wrt)`
    the generated code.  Called on Tensors that require gradient, it records one graph
    node whose backward is the compiled backward function.
    """

    def __init__(self, fn):
        fn = unwrap(fn)
        functools.update_wrapper(self, fn)
        self.__srcgrad_function__ = fn
        self.fn = fn
        self._grads = {}

    def __call__(self, *args, **kwargs):
        if _call_handlers:
            for types_, handler in _call_handlers:
                if any(isinstance(a, types_) for a in args) or \
                        any(isinstance(v, types_) for v in kwargs.values()):
                    return handler(self, args, kwargs)
        return self.fn(*args, **kwargs)

    def grad(self, wrt=0, preserve_result=False):
        key = (wrt if not isinstance(wrt, list) else tuple(wrt), preserve_result, False)
        g = self._grads.get(key)
        if g is None:
            g = self._grads[key] = GradFunction(self.fn, wrt, preserve_result)
        return g

    def value_and_grad(self, wrt=0):
        key = (wrt if not isinstance(wrt, list) else tuple(wrt), False, True)
        g = self._grads.get(key)
        if g is None:
            g = self._grads[key] = GradFunction(self.fn, wrt, with_value=True)
        return g

    def source(self, wrt=0, kinds=None):
        return source(self.fn, wrt, kinds)

    def __repr__(self):
        return f"<srcgrad.Function {self.fn.__qualname__}>"

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return functools.partial(self, obj)


def function(fn):
    """Decorator: wrap `fn` in a srcgrad.Function."""
    return Function(fn)
