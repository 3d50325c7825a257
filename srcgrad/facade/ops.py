"""Primitive operations on Tensors: the forward runs on the arrays, the derivative is the registry's.

`apply(rule, forward, args, kwargs)` runs `forward` on the unwrapped arguments
and, when grad mode is on and some argument requires grad, records an OpNode
whose backward is `srcgrad.pullbacks.pullback(rule, ...)`: the rule's reverse
template expanded into a standalone function.  There is no derivative table in
this package; every primitive Tensor op, operator, method and NumPy call goes
through here.

Arguments may be Tensors, constants, or lists/tuples holding Tensors (the
`arrays` of np.concatenate); only positional arguments can carry gradient.
"""

import dis

import numpy as np

from .. import pullbacks
from ..analysis import kinds as K
from ..runtime import sum_to
from . import grad_mode, higher
from . import tensor as T
from .errors import TensorError, UnsupportedOpError
from .graph import Node, check_saved, save


def unwrap(v):
    """The plain value of an argument: Tensor -> its array, containers of Tensors -> of arrays."""
    if isinstance(v, T.Tensor):
        return v._data
    if type(v) in (list, tuple) and any(isinstance(i, T.Tensor) for i in v):
        return type(v)(unwrap(i) for i in v)
    return v


def requires(v):
    if isinstance(v, T.Tensor):
        return v._requires_grad
    if type(v) in (list, tuple):
        return any(isinstance(i, T.Tensor) and i._requires_grad for i in v)
    return False


def apply(rule, forward, args, kwargs=None, name=None):
    """Run one primitive on Tensors and record it; returns a Tensor."""
    Tensor = T.Tensor
    raw = [a._data if isinstance(a, Tensor) else unwrap(a) for a in args]
    if kwargs:
        rawkw = {k: unwrap(v) for k, v in kwargs.items()}
        out = forward(*raw, **rawkw)
    else:
        kwargs = rawkw = {}
        out = forward(*raw)
    if type(out) is not np.ndarray:
        out = np.asarray(out)
    if rule is None or rule.nondiff or out.dtype.kind not in "fc" \
            or not grad_mode.is_grad_enabled():
        return Tensor._wrap(out)
    active = tuple([a._requires_grad if isinstance(a, Tensor) else requires(a) for a in args])
    if True not in active:
        return Tensor._wrap(out)
    if kwargs and any(requires(v) for v in kwargs.values()):
        bad = next(k for k, v in kwargs.items() if requires(v))
        raise TensorError(f"{rule.name}: gradient cannot flow into keyword argument `{bad}`; "
                          "pass it positionally")
    pb, reads_z = _pullback(rule, active, rawkw, raw)
    node = OpNode(name or rule.name, pb, args, active, rawkw, out)
    result = Tensor._from_node(out, node)
    if rule.aliases:
        _share_version(result, args[0])
    if reads_z:
        node.z_counter, node.z_version = result._version, result._version[0]
    return result


# (rule, its templates, active, keywords, argument kinds) -> pullback and whether it reads
# the output z.  pullbacks.pullback has its own cache; this one skips its key building and
# lock on the path every recorded operation takes.  A template registered later (a new
# `reverse`, one more variant) changes the key; each entry holds the rule and template whose
# ids it is keyed by, so those ids cannot be reused while it exists.
_pullbacks = {}


def _pullback(rule, active, rawkw, raw):
    kinds = tuple([kind(r) for r in raw])
    key = (id(rule), id(rule.reverse), len(rule.variants), active, tuple(rawkw), kinds)
    found = _pullbacks.get(key)
    if found is None:
        if rule.reverse is None and not rule.variants:
            raise UnsupportedOpError(f"{rule.name} has no reverse template, so it cannot be "
                                     "recorded on a Tensor that requires grad")
        pb = pullbacks.pullback(rule, len(raw), active, tuple(rawkw), kinds)
        found = _pullbacks[key] = (pb, "z" in reads(pb), rule, rule.reverse)
    return found[0], found[1]


_ARRAY_KINDS = [K.array(n) for n in range(65)]     # NumPy allows up to 64 dimensions


def kind(v):
    """K.of_value(v), without formatting a string for an array."""
    if type(v) is np.ndarray:
        return _ARRAY_KINDS[v.ndim]
    return K.of_value(v)


_reads = {}


def reads(pb):
    """Parameters the pullback's body reads (an in-place update of others is harmless)."""
    names = _reads.get(pb)
    if names is None:
        names = set()
        for ins in dis.get_instructions(pb.fn):
            if ins.opname.startswith("LOAD_FAST"):
                names.update(ins.argval if isinstance(ins.argval, tuple) else (ins.argval,))
        _reads[pb] = names = frozenset(names)
    return names


def _share_version(result, source):
    # a view shares its base's version counter, so an in-place update of either is seen
    if isinstance(source, T.Tensor) and np.shares_memory(result._data, source._data):
        result._version = source._version
        result._is_view = True


class OpNode(Node):
    """A recorded primitive: its pullback and what the pullback reads.

    `nested` is set when some argument is a list or tuple of Tensors (np.concatenate):
    only then does a pullback result have to be split per item.
    """

    __slots__ = ("op", "pb", "args", "active", "kwargs", "z", "z_counter", "z_version", "saved",
                 "nested")

    def __init__(self, op, pb, args, active, kwargs, z):
        edges, shapes, tensors = [], [], []
        nested = False
        Tensor = T.Tensor
        for a, act in zip(args, active):
            if isinstance(a, Tensor):
                tensors.append(a)
                if act:
                    edges.append(a._edge())
                    data = a._data
                    shapes.append((data.shape, data.dtype))
            elif type(a) in (list, tuple):
                nested = True
                for i in a:
                    if isinstance(i, Tensor):
                        tensors.append(i)
                        if act and i._requires_grad:
                            edges.append(i._edge())
                            shapes.append((i._data.shape, i._data.dtype))
        Node.__init__(self, edges, shapes)
        self.op, self.pb, self.args, self.active, self.kwargs, self.z = op, pb, args, active, kwargs, z
        self.z_counter, self.z_version = None, 0
        self.saved = save(tensors)
        self.nested = nested

    def name(self):
        return _backward_name(self.op)

    def release(self):
        self.freed = True
        self.args = self.kwargs = self.z = self.saved = None

    def apply(self, grad, create_graph):
        if self.freed:
            self.check_freed()
        check_saved(self.saved, self)
        if self.z_counter is not None and self.z_counter[0] != self.z_version:
            raise TensorError(f"the output of {self.name()} was modified in place after it was "
                              "saved for backward; do the update out of place")
        if create_graph:
            outs = higher.run(self, grad)
        else:
            Tensor = T.Tensor
            outs = self.pb.fn(grad, self.z, *[a._data if isinstance(a, Tensor) else unwrap(a)
                                              for a in self.args], **self.kwargs)
        if self.nested:
            grads = []
            for a, act, g in zip(self.args, self.active, outs):
                if not act:
                    continue
                if type(a) in (list, tuple):
                    for j, item in enumerate(a):
                        if isinstance(item, T.Tensor) and item._requires_grad:
                            grads.append(None if _zero(g) else g[j])
                else:
                    grads.append(g)
        else:
            grads = [g for g, act in zip(outs, self.active) if act]
        return [fit(g, shape, dtype, self) for g, (shape, dtype) in zip(grads, self.shapes)]


def _zero(g):
    return g is None or (type(g) is int and g == 0)


def fit(g, shape, dtype, node):
    """`g` made an input's gradient: summed down or broadcast up to `shape`, cast to `dtype`."""
    if type(g) is np.ndarray and g.dtype == dtype and g.shape == shape:
        return g
    if _zero(g):
        return None
    tensor = isinstance(g, T.Tensor)
    if not tensor:
        g = np.asarray(g)
    if g.shape != shape:
        try:
            full = np.broadcast_shapes(g.shape, shape)
        except ValueError:
            full = None
        if full == tuple(shape):
            g = g + np.zeros(shape, g.dtype) if not tensor else g * T.Tensor._wrap(np.ones(shape, g.dtype))
        elif full == g.shape:
            g = sum_to(g, shape)
        else:
            raise TensorError(f"{node.name()} returned a gradient of shape {g.shape} for an input "
                              f"of shape {shape} (srcgrad internal error: please report it)")
    if dtype is not None and g.dtype != dtype:
        if g.dtype.kind == "c" and dtype.kind != "c":
            g = np.real(g)
        g = g.astype(dtype)
    return g


_NAMES = {"truediv": "Div", "x[index]": "Index", "T": "Transpose", "matmul": "MatMul",
          "absolute": "Abs", "negative": "Neg", "neg": "Neg"}


def _backward_name(op):
    short = op.rsplit(".", 1)[-1]
    short = _NAMES.get(op, _NAMES.get(short, short))
    return short[:1].upper() + short[1:] + "Backward"
