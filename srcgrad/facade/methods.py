"""Operators and PyTorch-style methods of Tensor, each one registry primitive (or a few).

Every entry names the registry key whose template gives its derivative:
operators use the `operator` module's rules, methods the `ndarray` method
rules (`registry.method("sum")`), math functions the NumPy ufunc rules.
Composite methods (`relu`, `sigmoid`) are written with those primitives, so
they need no derivative of their own.

PyTorch keyword names are accepted beside NumPy's: `dim`/`axis`,
`keepdim`/`keepdims`.  `t.max(dim=d)` returns `(values, indices)` like
PyTorch; `t.max(axis=d)` returns the values like NumPy.
"""

import operator
from collections import namedtuple

import numpy as np

from ..rules import registry
from ..rules.registry import attribute, method
from . import ops

_rule = registry.lookup
MaxMin = namedtuple("MaxMin", "values indices")


def _binary(op):
    rule = _rule(op)

    def forward(self, other):
        return ops.apply(rule, op, (self, other))

    def reflected(self, other):
        return ops.apply(rule, op, (other, self))
    return forward, reflected


def _compare(op):
    rule = _rule(op)

    def compare(self, other):
        return ops.apply(rule, op, (self, other))
    return compare


def _ufunc(fn):
    rule = _rule(fn)

    def call(self):
        return ops.apply(rule, fn, (self,))
    call.__name__ = fn.__name__
    call.__doc__ = f"Elementwise {fn.__name__} (derivative: the template of numpy.{fn.__name__})."
    return call


def _axis(dim, axis):
    if dim is not None and axis is not None:
        raise TypeError("pass dim or axis, not both")
    axis = dim if dim is not None else axis
    return tuple(axis) if isinstance(axis, list) else axis


def _reduction(name):
    rule = _rule(method(name))

    def reduce(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        kw = {"axis": _axis(dim, axis), "keepdims": bool(keepdim if keepdims is None else keepdims)}
        return ops.apply(rule, lambda a, **k: getattr(a, name)(**k), (self,), kw)
    reduce.__name__ = name
    return reduce


class Methods:
    """Mixed into Tensor: arithmetic, comparisons and the PyTorch method surface."""

    __slots__ = ()

    __add__, __radd__ = _binary(operator.add)
    __sub__, __rsub__ = _binary(operator.sub)
    __mul__, __rmul__ = _binary(operator.mul)
    __truediv__, __rtruediv__ = _binary(operator.truediv)
    __pow__, __rpow__ = _binary(operator.pow)
    __matmul__, __rmatmul__ = _binary(operator.matmul)
    __mod__, __rmod__ = _binary(operator.mod)
    __floordiv__, __rfloordiv__ = _binary(operator.floordiv)
    __lt__ = _compare(operator.lt)
    __le__ = _compare(operator.le)
    __gt__ = _compare(operator.gt)
    __ge__ = _compare(operator.ge)
    __eq__ = _compare(operator.eq)
    __ne__ = _compare(operator.ne)

    def __neg__(self):
        return ops.apply(_rule(operator.neg), operator.neg, (self,))

    def __pos__(self):
        return ops.apply(_rule(operator.pos), operator.pos, (self,))

    def __abs__(self):
        return ops.apply(_rule(np.abs), np.abs, (self,))

    exp, log, sin, cos, tan, tanh, sqrt, abs = map(
        _ufunc, (np.exp, np.log, np.sin, np.cos, np.tan, np.tanh, np.sqrt, np.abs))
    sum = _reduction("sum")
    mean = _reduction("mean")

    def pow(self, exponent):
        return self ** exponent

    def max(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        return _extremum(self, "max", dim, keepdim, axis, keepdims)

    def min(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        return _extremum(self, "min", dim, keepdim, axis, keepdims)

    def relu(self):
        # where(x > 0, x, 0): gradient 0 at 0 and no -0.0 in the output, as in PyTorch
        return np.where(self > 0, self, 0.0)

    def sigmoid(self):
        # the tanh form cannot overflow, unlike 1 / (1 + exp(-x))
        return 0.5 * (np.tanh(0.5 * self) + 1.0)

    def clamp(self, min=None, max=None):   # noqa: A002 -- PyTorch's names
        if min is None and max is None:
            raise TypeError("clamp: at least one of min and max must be given")
        return ops.apply(_rule(np.clip), np.clip, (self, min, max))

    clip = clamp

    # --- shape ------------------------------------------------------------------------------

    def reshape(self, *shape):
        return ops.apply(_rule(method("reshape")), lambda a, *s: a.reshape(*s), (self, *shape))

    view = reshape

    def flatten(self):
        return self.reshape(-1)

    @property
    def T(self):   # noqa: N802
        return ops.apply(_rule(attribute("T")), lambda a: a.T, (self,))

    def t(self):
        if self.ndim > 2:
            raise ValueError(f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
        return self.T

    def transpose(self, dim0, dim1):
        """PyTorch's transpose: swap two dimensions (use permute for a full permutation)."""
        perm = list(range(self.ndim))
        perm[dim0], perm[dim1] = perm[dim1], perm[dim0]
        return self.permute(*perm)

    def permute(self, *dims):
        dims = tuple(dims[0]) if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
        return ops.apply(_rule(method("transpose")), lambda a, p: a.transpose(p), (self, dims))

    def clone(self):
        return ops.apply(_rule(method("copy")), lambda a: a.copy(), (self,))

    def astype(self, dtype):
        return ops.apply(_rule(method("astype")), lambda a, d: a.astype(d), (self, dtype))

    def to(self, dtype):
        return self.astype(dtype)

    def float(self):
        return self.astype(np.float32)

    def double(self):
        return self.astype(np.float64)


def _extremum(t, name, dim, keepdim, axis, keepdims):
    keep = bool(keepdim if keepdims is None else keepdims)
    values = ops.apply(_rule(method(name)), lambda a, **k: getattr(a, name)(**k), (t,),
                       {"axis": _axis(dim, axis), "keepdims": keep})
    if dim is None:
        return values
    arg = np.argmax if name == "max" else np.argmin
    indices = arg(t.data, axis=dim, keepdims=keep)
    return MaxMin(values, type(t)._wrap(np.asarray(indices)))
