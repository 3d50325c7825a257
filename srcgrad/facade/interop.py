"""NumPy calls on Tensors: `np.sin(t)`, `np.sum(t, axis=0)`, `np.matmul(a, b)`, ...

NumPy hands any call that involves a Tensor to `__array_ufunc__` (ufuncs) or
`__array_function__` (everything else).  Guarantees:
* a function with a reverse template in the registry runs as one recorded
  primitive (`ops.apply`), so an undecorated NumPy function works on Tensors,
  op by op;
* a function marked non-differentiable, or any function while nothing needs
  grad, runs on the arrays; array results come back as Tensors, other results
  (shapes, Python numbers, booleans) as they are;
* anything else on a Tensor that requires grad raises UnsupportedOpError
  naming the function: never a result silently cut from the graph.
`np.asarray(t)` is not dispatched: it returns the data (`Tensor.__array__`).
"""

import numpy as np

from ..rules import registry
from . import grad_mode
from . import ops
from .errors import UnsupportedOpError


def _plain(result, wrap):
    if isinstance(result, np.ndarray):
        return wrap(result)
    if type(result) in (tuple, list) and result and all(isinstance(r, np.ndarray) for r in result):
        return type(result)(wrap(r) for r in result)
    return result


def _unsupported(what, hint=""):
    raise UnsupportedOpError(
        f"{what} is not supported on a Tensor that requires grad: srcgrad has no derivative "
        f"template for it{hint}. Call it on t.detach() if no gradient should flow, or register a "
        "template with @srcgrad.adjoint")


class Interop:
    """Mixed into Tensor: the NumPy dispatch protocols."""

    __slots__ = ()

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        out = kwargs.pop("out", None)
        if method == "__call__" and out is None:
            rule = registry.lookup(ufunc)
            if rule is not None and (rule.nondiff or rule.reverse is not None or rule.variants):
                return ops.apply(rule, ufunc, inputs, kwargs)
        if grad_mode.is_grad_enabled() and any(ops.requires(i) for i in inputs):
            name = f"numpy.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
            _unsupported(name, " with out=" if out is not None else "")
        raw = [ops.unwrap(i) for i in inputs]
        if out is not None:
            return self._into(out, getattr(ufunc, method)(*raw, out=tuple(ops.unwrap(o) for o in out),
                                                          **kwargs))
        return _plain(getattr(ufunc, method)(*raw, **kwargs), type(self)._wrap)

    def _into(self, out, result):
        # an out= Tensor was written in place (only allowed while nothing is recorded)
        for o in out:
            if hasattr(o, "_version"):
                if o._requires_grad and grad_mode.is_grad_enabled():
                    _unsupported("writing into a Tensor that requires grad with out=")
                o._version[0] += 1
        return out[0] if len(out) == 1 else out

    def __array_function__(self, func, types, args, kwargs):
        rule = registry.lookup(func)
        if rule is not None and (rule.nondiff or rule.reverse is not None or rule.variants):
            if rule.nondiff:
                raw = [ops.unwrap(a) for a in args]
                rawkw = {k: ops.unwrap(v) for k, v in kwargs.items()}
                return _plain(func(*raw, **rawkw), type(self)._wrap)
            if "out" not in kwargs or kwargs["out"] is None:
                return ops.apply(rule, func, args, kwargs)
        needs = grad_mode.is_grad_enabled() and (
            any(ops.requires(a) for a in args) or any(ops.requires(v) for v in kwargs.values()))
        if needs:
            _unsupported(registry.display_name(func))
        raw = [ops.unwrap(a) for a in args]
        rawkw = {k: ops.unwrap(v) for k, v in kwargs.items()}
        return _plain(func(*raw, **rawkw), type(self)._wrap)
