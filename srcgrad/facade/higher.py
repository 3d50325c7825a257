"""create_graph=True for primitives: the registry's pullback, run on Tensors.

A pullback is ordinary NumPy code, so calling it with Tensors records the
backward computation as new graph nodes, which is what makes `.grad`
differentiable again.  The NumPy calls inside it dispatch to Tensors by
themselves; the srcgrad.runtime helpers it calls are another matter, since
several take fast paths on `type(x) is np.ndarray` that would silently drop a
Tensor's graph.  So each helper a pullback closes over is one of:

* SAFE       -- reads only shapes, or reaches Tensors through NumPy dispatch
                and Tensor methods alone (a graph cut inside raises, see
                grad_mode.recording_backward);
* SUBSTITUTE -- swapped for a version below written with recorded Tensor
                operations (themselves registry primitives);
* anything else -- the pullback refuses to run on Tensors, with an error naming
                the operation and the helper.

The substitution rebinds the generated function's closure cells; the compiled
code itself is shared with the array path.
"""

import types

import numpy as np

from .. import runtime
from ..runtime import ops as rops
from . import grad_mode
from . import tensor as T
from .errors import UnsupportedOpError

_SAFE = {runtime.keep_reduced, runtime.reduced_count, runtime.sign, runtime.add, runtime.sum_to,
         runtime.normalize_axis, rops.tie_split, rops.clip_mask, rops.inverse_permutation,
         rops.matmul_grad_x, rops.matmul_grad_y, rops.pow_grad_exponent,
         rops.transpose_method_grad}


def _zero(g):
    return type(g) is int and g == 0


def _tensor(g):
    return isinstance(g, T.Tensor)


def unbroadcast(g, x):
    """runtime.unbroadcast for a Tensor adjoint: sum down to x's shape."""
    if not _tensor(g):
        return runtime.unbroadcast(g, np.zeros(np.shape(x)) if _tensor(x) else x)
    shape = np.shape(x)
    return g if g.shape == shape else runtime.sum_to(g, shape)


def broadcast_back(g, x, axis=None, keepdims=False):
    """runtime.broadcast_back for a Tensor adjoint: spread g over x's shape."""
    if _zero(g):
        return 0
    shape = np.shape(x)
    if not _tensor(g):
        g = T.Tensor._wrap(np.asarray(g))
    if not keepdims and axis is not None:
        kept = list(shape)
        for a in runtime.normalize_axis(axis, len(shape)):
            kept[a] = 1
        g = g.reshape(tuple(kept))
    return g * T.Tensor._wrap(np.ones(shape, g.dtype))


def add_at(acc, x, index, g):
    """runtime.add_at for a Tensor adjoint: scatter g into zeros shaped like x.

    Written as a gather from g (`np.where(hit, g.ravel()[source], 0)`), whose own
    derivative is again a scatter, so any order works.  A scatter that adds
    several elements into one place (repeated fancy indices) is refused.
    """
    if _zero(g):
        return acc
    shape = np.shape(x)
    n = int(np.prod(shape))
    where = np.arange(n).reshape(shape)[index]
    if not _tensor(g):
        g = T.Tensor._wrap(np.asarray(g))
    g = g * T.Tensor._wrap(np.ones(where.shape, g.dtype)) if g.shape != where.shape else g
    flat = where.reshape(-1)
    if np.unique(flat).size != flat.size:
        raise UnsupportedOpError("create_graph=True through indexing that reads an element more "
                                 "than once (repeated indices) is not supported")
    source = np.zeros(n, np.intp)
    source[flat] = np.arange(flat.size)
    hit = np.zeros(n, bool)
    hit[flat] = True
    out = np.where(hit, g.reshape(-1)[source], 0.0).reshape(shape)
    return out if _zero(acc) else acc + out


def sub_at(acc, x, index, g):
    return add_at(acc, x, index, -g)


def extremum_grad(g, x, z, axis=None, keepdims=False):
    """rops.extremum_grad for a Tensor adjoint: its general form, in recorded operations."""
    return broadcast_back(g, x, axis, keepdims) * rops.tie_split(x, z, axis, keepdims)


_SUBSTITUTES = {runtime.unbroadcast: unbroadcast, runtime.broadcast_back: broadcast_back,
                runtime.add_at: add_at, runtime.set_at: add_at, runtime.sub_at: sub_at,
                rops.extremum_grad: extremum_grad}
_cache = {}


def _refuse(op, helper):
    def refuse(*args, **kwargs):
        raise UnsupportedOpError(
            f"create_graph=True through {op} is not supported: its pullback calls the runtime "
            f"helper `{helper}`, which works on arrays only. Use create_graph=False, or write the "
            "operation with other Tensor operations")
    return refuse


def on_tensors(pb, op):
    """The pullback function with its helpers made Tensor-aware (cached per pullback)."""
    fn = _cache.get(id(pb))
    if fn is not None and fn[0] is pb:
        return fn[1]
    code, closure = pb.fn.__code__, pb.fn.__closure__ or ()
    cells = []
    for name, cell in zip(code.co_freevars, closure):
        value = cell.cell_contents
        if value in _SUBSTITUTES:
            value = _SUBSTITUTES[value]
        elif callable(value) and getattr(value, "__module__", "").startswith("srcgrad.runtime") \
                and value not in _SAFE:
            value = _refuse(op, name)
        cells.append(types.CellType(value))
    made = types.FunctionType(code, pb.fn.__globals__, pb.fn.__name__, pb.fn.__defaults__,
                              tuple(cells) or None)
    made.__kwdefaults__ = pb.fn.__kwdefaults__
    _cache[id(pb)] = (pb, made)
    return made


def run(node, grad):
    """Apply an OpNode's pullback to a Tensor gradient, recording the computation."""
    from .ops import unwrap
    fn = on_tensors(node.pb, node.name())
    args = [a if _requires(a) else unwrap(a) for a in node.args]
    z = T.Tensor._from_node(node.z, node)
    g = grad if _tensor(grad) else T.Tensor._wrap(np.asarray(grad))
    with grad_mode.recording_backward():
        outs = fn(g, z, *args, **node.kwargs)
    return [o if o is None or _zero(o) or _tensor(o) or isinstance(o, list)
            else T.Tensor._wrap(np.asarray(o)) for o in outs]


def _requires(a):
    if _tensor(a):
        return a.requires_grad
    if type(a) in (list, tuple):
        return any(_tensor(i) and i.requires_grad for i in a)
    return False
