"""The Tensor object: a NumPy array, whether it requires grad, and how it was made.

    >>> from srcgrad.facade import tensor
    >>> a = tensor(2.0, requires_grad=True)
    >>> (a * 4).backward()
    >>> a.grad
    tensor(4.)

Guarantees:
* `data` is always an `np.ndarray` (0-d for scalars); only float and complex
  Tensors may require grad.
* A Tensor made by a recorded operation has `grad_fn` set and is not a leaf;
  `grad` is filled only on leaves that require grad (and on non-leaves after
  `retain_grad()`).
* Every arithmetic operator, method and NumPy call is one primitive from the
  template registry (see `ops.apply`); the torch-style methods are in `methods.py`.
* In-place updates (`w -= lr * w.grad`, `t[i] = v`, `zero_()`) change `data`
  in place and bump a version counter shared with views, so a value saved for
  backward that changes afterwards raises instead of giving a wrong gradient.
"""

import operator
import weakref

import numpy as np

from ..rules import registry
from ..rules.constructs import GETITEM
from . import engine, grad_mode, interop, methods
from . import ops as _ops
from .errors import LEAF_INPLACE, NOT_FLOAT, TensorError
from .graph import AccumulateGrad, HookHandle, HookList


def _check_float(data):
    if data.dtype.kind not in "fc":
        raise TensorError(f"{NOT_FLOAT} (got dtype {data.dtype}; convert with .astype(float) or "
                          "build it from floats)")


class Tensor(methods.Methods, interop.Interop):
    """An array that records the operations applied to it, for `backward()`."""

    __slots__ = ("_data", "_requires_grad", "grad_fn", "_grad", "_version", "_is_view",
                 "_accumulator", "_hooks", "__weakref__")
    __hash__ = object.__hash__      # comparisons return Tensors, identity stays the hash

    def __init__(self, data, dtype=None, requires_grad=False):
        if isinstance(data, Tensor):
            data = data._data
        self._data = np.array(data, dtype=dtype)
        self._requires_grad = False
        self.grad_fn = None
        self._grad = None
        self._version = [0]
        self._is_view = False
        self._accumulator = None
        self._hooks = None
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _wrap(cls, data):
        """A Tensor around `data` (no copy), not requiring grad."""
        t = cls.__new__(cls)
        t._data = data if type(data) is np.ndarray else np.asarray(data)
        t._requires_grad = False
        t.grad_fn = None
        t._grad = None
        t._version = [0]
        t._is_view = False
        t._accumulator = None
        t._hooks = None
        return t

    @classmethod
    def _from_node(cls, data, node):
        t = cls._wrap(data)
        t._requires_grad = True
        t.grad_fn = node
        return t

    # --- attributes -------------------------------------------------------------------------

    @property
    def data(self):
        """The array (a Tensor in PyTorch; here the NumPy array itself, shared, not copied)."""
        return self._data

    @data.setter
    def data(self, value):
        self._data = np.asarray(value._data if isinstance(value, Tensor) else value)

    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad=True):
        """Mark a leaf as requiring grad (in place); returns self."""
        if self.grad_fn is not None:
            if requires_grad:
                return self
            raise TensorError("you can only change requires_grad flags of leaf variables. If you "
                              "want to use a computed variable in a subgraph that doesn't require "
                              "differentiation use var_no_grad = var.detach().")
        if requires_grad:
            _check_float(self._data)
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def grad(self):
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None and not isinstance(value, Tensor):
            value = Tensor._wrap(np.asarray(value))
        if value is not None and value.shape != self.shape:
            raise TensorError(f"assigned grad has shape {value.shape} but the tensor has shape "
                              f"{self.shape}")
        self._grad = value

    @property
    def shape(self):
        return self._data.shape

    @property
    def dtype(self):
        return self._data.dtype

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        return self._data.ndim

    def size(self, dim=None):
        """The shape (a tuple), or its length along `dim`."""
        return self._data.shape if dim is None else self._data.shape[dim]

    def numel(self):
        return self._data.size

    def __len__(self):
        if not self._data.ndim:
            raise TypeError("len() of a 0-d tensor")
        return len(self._data)

    def __iter__(self):
        if not self._data.ndim:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self._data)))

    # --- conversions ------------------------------------------------------------------------

    def _plain(self, what):
        if self._requires_grad and grad_mode.in_recorded_backward():
            raise TensorError(f"{what} of a Tensor that requires grad would cut the graph that "
                              "create_graph=True is recording; use Tensor operations instead")
        return self._data

    def item(self):
        """The value of a one-element Tensor as a Python number."""
        if self._data.size != 1:
            raise TensorError(f"a Tensor with {self._data.size} elements cannot be converted to "
                              "a Python scalar")
        return self._plain("item()").item()

    def numpy(self):
        """The array (shared). Like PyTorch, refused while the Tensor requires grad."""
        if self._requires_grad:
            raise TensorError("Can't call numpy() on Tensor that requires grad. Use "
                              "tensor.detach().numpy() instead.")
        return self._data

    def tolist(self):
        return self._plain("tolist()").tolist()

    def __array__(self, dtype=None, copy=None):
        data = self._plain("np.asarray()")
        if dtype is not None and data.dtype != dtype:
            return data.astype(dtype)
        return data.copy() if copy else data

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __complex__(self):
        return complex(self.item())

    def __bool__(self):
        if self._data.size != 1:
            raise TensorError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data)

    def __index__(self):
        if self._data.dtype.kind not in "iub":
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return self._data.item().__index__()

    def detach(self):
        """A Tensor sharing this data, cut from the graph (shares the version counter)."""
        t = Tensor._wrap(self._data)
        t._version = self._version
        return t

    def detach_(self):
        if self._is_view:
            raise TensorError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self._requires_grad = False
        return self

    # --- graph ------------------------------------------------------------------------------

    def _edge(self):
        """The node gradients for this tensor go to: grad_fn, or the leaf's accumulator."""
        if self.grad_fn is not None:
            return self.grad_fn
        acc = self._accumulator() if self._accumulator is not None else None
        if acc is None:
            acc = AccumulateGrad(self)
            self._accumulator = weakref.ref(acc)
        return acc

    def retain_grad(self):
        """Keep `.grad` of this non-leaf after backward (a no-op on leaves)."""
        if not self._requires_grad:
            raise TensorError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None:
            self.grad_fn.retained = weakref.ref(self)

    @property
    def retains_grad(self):
        node = self.grad_fn
        return node is not None and node.retained is not None and node.retained() is self

    def register_hook(self, hook):
        """Call `hook(grad)` when this tensor's gradient is computed; a non-None return
        replaces the gradient.  Returns a handle with `.remove()`."""
        if not self._requires_grad:
            raise TensorError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            if self.grad_fn.pre_hooks is None:
                self.grad_fn.pre_hooks = HookList()
            hooks = self.grad_fn.pre_hooks
        else:
            if self._hooks is None:
                self._hooks = HookList()
            hooks = self._hooks
        hooks.append(hook)
        return HookHandle(hooks, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate d(self)/d(leaf) into `.grad` of the leaves (PyTorch semantics)."""
        engine.backward([self], None if gradient is None else [gradient], retain_graph,
                        create_graph, inputs)

    # --- in-place updates -------------------------------------------------------------------

    def _inplace(self, op, other):
        record = grad_mode.is_grad_enabled() and (self._requires_grad or _ops.requires(other))
        if not record:
            op(self._data, _ops.unwrap(other), out=self._data)
            self._version[0] += 1
            return self
        if self.grad_fn is None and self._requires_grad:
            raise TensorError(LEAF_INPLACE)
        if self._is_view:
            raise TensorError("in-place update of a view of a Tensor that requires grad is not "
                              "recorded by srcgrad; write `y = y <op> x` instead")
        # record `self <op>= other` as `self = old <op> other`, keeping self's identity
        old = Tensor._wrap(self._data.copy())
        old._requires_grad, old.grad_fn = self._requires_grad, self.grad_fn
        new = _ops.apply(registry.lookup(op), op, (old, other))
        self._data[...] = new._data
        self._version[0] += 1
        self._requires_grad, self.grad_fn = new._requires_grad, new.grad_fn
        return self

    def __iadd__(self, other):
        return self._inplace(np.add, other)

    def __isub__(self, other):
        return self._inplace(np.subtract, other)

    def __imul__(self, other):
        return self._inplace(np.multiply, other)

    def __itruediv__(self, other):
        return self._inplace(np.true_divide, other)

    def zero_(self):
        return self.fill_(0)

    def fill_(self, value):
        if grad_mode.is_grad_enabled() and self._requires_grad:
            raise TensorError(LEAF_INPLACE if self.grad_fn is None else
                              "fill_/zero_ on a Tensor that requires grad is not recorded by "
                              "srcgrad; build a new tensor instead")
        self._data[...] = value
        self._version[0] += 1
        return self

    def copy_(self, src):
        if grad_mode.is_grad_enabled() and (self._requires_grad or _ops.requires(src)):
            raise TensorError("copy_ into a Tensor that requires grad (or from one) is not "
                              "recorded by srcgrad; do it under `with srcgrad.no_grad():`")
        self._data[...] = _ops.unwrap(src)
        self._version[0] += 1
        return self

    # --- indexing ---------------------------------------------------------------------------

    def __getitem__(self, index):
        return _ops.apply(registry.lookup(GETITEM), operator.getitem, (self, _index(index)))

    def __setitem__(self, index, value):
        if grad_mode.is_grad_enabled() and (self._requires_grad or _ops.requires(value)):
            raise TensorError(
                "assigning into a Tensor that requires grad (or assigning a value that requires "
                "grad) is not recorded by srcgrad: do it under `with srcgrad.no_grad():`, or build "
                "the result out of place (e.g. with np.where or np.concatenate)")
        self._data[_index(index)] = _ops.unwrap(value)
        self._version[0] += 1

    # --- repr -------------------------------------------------------------------------------

    def __repr__(self):
        return _format(self)


def _index(index):
    if isinstance(index, tuple):
        return tuple(_ops.unwrap(i) for i in index)
    return _ops.unwrap(index)


_QUIET_DTYPES = (np.dtype(np.float64), np.dtype(np.int64), np.dtype(np.bool_),
                 np.dtype(np.complex128))


def _format(t):
    """PyTorch's layout: tensor([[1., 2.],\\n        [3., 4.]], requires_grad=True)."""
    data = t._data
    if data.ndim == 0:
        body = np.array2string(data.reshape(1), separator=", ", precision=4)[1:-1].strip()
    else:
        body = np.array2string(data, separator=", ", prefix="tensor(", precision=4, threshold=1000)
    extras = []
    if data.dtype not in _QUIET_DTYPES:
        extras.append(f"dtype={data.dtype}")
    if t.grad_fn is not None:
        extras.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t._requires_grad:
        extras.append("requires_grad=True")
    return "tensor(" + ", ".join([body] + extras) + ")"


def tensor(data, dtype=None, requires_grad=False):
    """A new leaf Tensor holding a copy of `data` (NumPy dtype rules: Python floats -> float64)."""
    return Tensor(data, dtype=dtype, requires_grad=requires_grad)
