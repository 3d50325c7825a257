"""Helpers of the shape, layout and selection templates."""

import numpy as np

from . import _zero, shape_only, sum_to, unbroadcast, zero_passes
from .kernels import float_type
from .ops import _filled, split_like
from .reductions import filled, index_map, items_grad, scatter_flat

_ndarray = np.ndarray

# --- shape and layout ----------------------------------------------------------

@zero_passes
def rollaxis_grad(g, x, axis, start=0):
    """Adjoint of np.rollaxis(x, axis, start): move the axis back."""
    nd = np.ndim(x)
    axis = axis % nd
    start = start + nd if start < 0 else start
    dest = start - 1 if start > axis else start
    return np.moveaxis(g, dest, axis) if dest != axis else g


def _joined(arrays, how):
    """The arrays np.hstack/vstack/dstack/column_stack actually concatenate, and the axis."""
    if how == "vstack":
        return [np.atleast_2d(a) for a in arrays], 0
    if how == "dstack":
        return [np.atleast_3d(a) for a in arrays], 2
    if how == "column_stack":
        return [np.reshape(a, (-1, 1)) if np.ndim(a) < 2 else a for a in arrays], 1
    parts = [np.atleast_1d(a) for a in arrays]
    return parts, 0 if parts and parts[0].ndim == 1 else 1


@shape_only(1)
def join_grad(g, arrays, how):
    """Adjoint of np.hstack/vstack/dstack/column_stack: one piece per joined array."""
    if _zero(g):
        return 0
    parts, axis = _joined(arrays, how)
    return [p.reshape(np.shape(a)) for p, a in zip(split_like(g, parts, axis), arrays)]


def join_tangent(tangents, arrays, how):
    parts, axis = _joined(_filled(tangents, arrays), how)
    return np.concatenate(parts, axis=axis)


@shape_only(1)
def unconcatenate(g, arrays, axis=0):
    """Adjoint of np.concatenate, also for axis=None (the arrays were flattened)."""
    if _zero(g):
        return 0
    if axis is None:
        flat = split_like(g, [np.ravel(a) for a in arrays], 0)
        return [p.reshape(np.shape(a)) for p, a in zip(flat, arrays)]
    return split_like(g, arrays, axis)


def split_axis(x, how):
    """The axis np.split/hsplit/vsplit/dsplit cut along."""
    if how == "hsplit":
        return 0 if np.ndim(x) == 1 else 1
    return {"vsplit": 0, "dsplit": 2}[how]


@shape_only(2)
def unsplit(g, x, pieces, axis=0):
    """Adjoint of np.split and friends: the pieces' adjoints joined back (zeros where none)."""
    if _zero(g):
        return 0
    return np.concatenate(items_grad(g, pieces), axis=axis).reshape(np.shape(x))


@shape_only(1)
def restack(g, x, axis=0):
    """Adjoint of np.unstack: the items' adjoints stacked back."""
    if _zero(g):
        return 0
    moved = np.moveaxis(np.zeros(np.shape(x)), axis, 0)
    return np.stack(items_grad(g, list(moved)), axis=axis)


@shape_only(1)
def broadcast_arrays_tangent(tangents, args):
    shape = np.broadcast_shapes(*[np.shape(a) for a in args])
    return tuple(np.broadcast_to(t, shape) if not _zero(t) else np.zeros(shape) for t in tangents)


def meshgrid_grad(g, xi, i, indexing="xy"):
    """Adjoint of argument `i` of np.meshgrid: its output summed over the other axes."""
    gi = 0 if _zero(g) else g[i]
    if _zero(gi):
        return 0
    n = len(xi)
    axis = i
    if indexing == "xy" and n > 1 and i < 2:
        axis = 1 - i
    gi = np.asarray(gi)
    return np.sum(gi, axis=tuple(a for a in range(gi.ndim) if a != axis)).reshape(np.shape(xi[i]))


def meshgrid_tangent(tangents, xi, copy=True, sparse=False, indexing="xy"):
    filled = _filled(tangents, xi)
    return tuple(np.meshgrid(*filled, copy=True, sparse=sparse, indexing=indexing))


def linspace_weights(num, endpoint=True):
    """The fraction of the way from start to stop of each of np.linspace's points."""
    div = (num - 1) if endpoint else num
    return np.arange(num) / div if div > 0 else np.zeros(num)


def linspace_grad(g, start, stop, num=50, endpoint=True, axis=0, which=0):
    """Adjoint of np.linspace's `start` (which=0) or `stop` (which=1)."""
    if _zero(g):
        return 0
    w = linspace_weights(num, endpoint)
    w = w if which == 1 else 1 - w
    if num == 1 and which == 1:
        w = np.zeros(1)
    g = np.moveaxis(np.asarray(g, dtype=float), axis, 0)
    out = np.tensordot(w, g, axes=(0, 0))
    return unbroadcast(out, (start, stop)[which])


def linspace_tangent(ts, te, z, num=50, endpoint=True, axis=0):
    w = linspace_weights(num, endpoint)
    if num == 1:
        w = np.zeros(1)
    shape = np.shape(np.moveaxis(np.asarray(z), axis, 0))
    out = 0
    for t, wt in ((ts, 1 - w), (te, w)):
        if not _zero(t):
            out = out + wt.reshape((-1,) + (1,) * (len(shape) - 1)) * t
    return np.moveaxis(np.broadcast_to(out, shape), 0, axis)


def pad_index_map(x, pad_width, mode="constant", reflect_type="even"):
    """Flat positions of x's elements in np.pad's result, -1 for the constant fill."""
    if mode not in ("constant", "edge", "reflect", "symmetric", "wrap", "empty"):
        raise NotImplementedError(f"srcgrad: np.pad gradient for mode={mode!r}")
    idx = index_map(x)
    if mode in ("constant", "empty"):
        return np.pad(idx, pad_width, mode="constant", constant_values=-1)
    if mode in ("reflect", "symmetric"):
        if reflect_type != "even":
            raise NotImplementedError("srcgrad: np.pad gradient for reflect_type='odd'")
        return np.pad(idx, pad_width, mode=mode)
    return np.pad(idx, pad_width, mode=mode)


def pad_fill_grad(g, x, pad_width, mode="constant", constant_values=0):
    """Adjoint of np.pad's scalar `constant_values`: the sum over the padding."""
    if _zero(g):
        return 0
    if mode != "constant" or np.ndim(constant_values) != 0:
        raise NotImplementedError("srcgrad: np.pad gradient for per-axis constant_values")
    return np.sum(np.where(pad_index_map(x, pad_width) < 0, g, 0.0))


def pad_tangent(ta, tc, x, pad_width, mode="constant", reflect_type="even"):
    """Tangent of np.pad: the array's tangent moved like its values, the fill's in the padding."""
    m = pad_index_map(x, pad_width, mode, reflect_type)
    inner = np.ravel(filled(ta, x))[np.maximum(m, 0)]
    return np.where(m >= 0, inner, 0.0 if _zero(tc) else tc)


def insert_index_maps(arr, obj, values, axis=None):
    """np.insert applied to position maps: >= 0 from `arr`, <= -1 from `values` (-1 - k)."""
    vals = -1 - np.arange(np.size(values)).reshape(np.shape(values))
    return np.insert(index_map(arr), obj, vals, axis=axis)


def insert_grad_values(g, arr, obj, values, axis=None):
    """Adjoint of np.insert's `values`."""
    if _zero(g):
        return 0
    m = np.ravel(insert_index_maps(arr, obj, values, axis))
    sel = m < 0
    out = np.zeros(np.size(values))
    np.add.at(out, -1 - m[sel], np.ravel(g)[sel])
    return out.reshape(np.shape(values))


def append_grad(g, arr, values, axis=None, which=0):
    """Adjoint of np.append's `arr` (which=0) or `values` (which=1)."""
    if _zero(g):
        return 0
    g = np.asarray(g)
    if axis is None:
        n = np.size(arr)
        part = g[:n] if which == 0 else g[n:]
    else:
        n = np.shape(arr)[axis]
        part = np.take(g, range(n) if which == 0 else range(n, g.shape[axis]), axis=axis)
    return part.reshape(np.shape((arr, values)[which]))


def cross_grad(g, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None, which=0):
    """Adjoint of np.cross for 3-vectors and 2-vectors."""
    if _zero(g):
        return 0
    if axis is not None:
        axisa = axisb = axisc = axis
    am, bm = np.moveaxis(np.asarray(a), axisa, -1), np.moveaxis(np.asarray(b), axisb, -1)
    if am.shape[-1] != bm.shape[-1]:
        raise NotImplementedError("srcgrad: np.cross gradient for a 2-vector with a 3-vector")
    if am.shape[-1] == 3:
        gm = np.moveaxis(np.asarray(g), axisc, -1)
        out = np.cross(bm, gm) if which == 0 else np.cross(gm, am)
    else:                                   # z = a0 b1 - a1 b0
        g = np.asarray(g)[..., None]
        other = bm if which == 0 else am
        out = g * np.stack([other[..., 1], -other[..., 0]], axis=-1)
        out = out if which == 0 else -out
    src, src_axis = (a, b)[which], (axisa, axisb)[which]
    moved_shape = np.shape(np.moveaxis(np.asarray(src), src_axis, -1))
    return np.moveaxis(sum_to(np.asarray(out), moved_shape), -1, src_axis)


# --- selection ---------------------------------------------------------------------

@shape_only(1)
def take_along_axis_grad(g, x, indices, axis=-1):
    """Adjoint of np.take_along_axis: scatter-add back along the axis."""
    if _zero(g):
        return 0
    if axis is None:
        return scatter_flat(g, x, np.asarray(indices))
    out = np.zeros(np.shape(x), dtype=float_type(g))
    ax = axis % np.ndim(x)
    idx = np.asarray(indices)
    grid = list(np.ix_(*[np.arange(n) for n in idx.shape]))
    grid[ax] = idx
    np.add.at(out, tuple(np.broadcast_arrays(*grid)), np.broadcast_to(g, idx.shape))
    return out


def choose_grad(g, a, choices, mode="raise"):
    """Adjoint of np.choose's choices: each choice gets the gradient where it was chosen."""
    if _zero(g):
        return 0
    a = np.asarray(a)
    n = len(choices)
    if mode == "wrap":
        a = a % n
    elif mode == "clip":
        a = np.clip(a, 0, n - 1)
    parts = [unbroadcast(np.where(a == j, g, 0.0), choices[j]) for j in range(n)]
    return np.stack(parts) if isinstance(choices, np.ndarray) else parts


def choose_tangent(tangents, a, choices, mode="raise"):
    return np.choose(a, _filled(tangents, choices), mode=mode)


def select_masks(condlist, shape):
    """Which choice np.select takes at each element (first true condition), and the default."""
    taken = np.zeros(shape, dtype=bool)
    masks = []
    for c in condlist:
        m = np.broadcast_to(c, shape) & ~taken
        masks.append(m)
        taken = taken | m
    return masks, ~taken


def select_choice_grad(g, condlist, choicelist, z):
    if _zero(g):
        return 0
    masks, _ = select_masks(condlist, np.shape(z))
    return [unbroadcast(np.where(m, g, 0.0), c) for m, c in zip(masks, choicelist)]


def select_default_grad(g, condlist, default, z):
    if _zero(g):
        return 0
    _, rest = select_masks(condlist, np.shape(z))
    return unbroadcast(np.where(rest, g, 0.0), default)


def select_choice_tangent(tangents, td, condlist, choicelist, z):
    masks, rest = select_masks(condlist, np.shape(z))
    out = np.zeros(np.shape(z))
    for m, t in zip(masks, tangents):
        if not _zero(t):
            out = out + np.where(m, t, 0.0)
    if not _zero(td):
        out = out + np.where(rest, td, 0.0)
    return out


def sort_order(x, axis=-1):
    """The stable sort's permutation (ties keep their order)."""
    if axis is None:
        return np.argsort(np.ravel(x), kind="stable")
    return np.argsort(x, axis=axis, kind="stable")


def sort_grad(g, x, axis=-1):
    """Adjoint of np.sort: each sorted element's gradient goes back to where it came from."""
    if _zero(g):
        return 0
    return take_along_axis_grad(g, x, sort_order(x, axis), axis)


def sort_tangent(tangent, x, axis=-1):
    if axis is None:
        return np.ravel(tangent)[sort_order(x, None)]
    return np.take_along_axis(np.asarray(tangent), sort_order(x, axis), axis)


def take_indices(indices, x, axis=None, mode="raise"):
    """np.take's indices after its `mode` (wrap or clip) is applied."""
    if mode == "raise":
        return indices
    n = np.size(x) if axis is None else np.shape(x)[axis]
    return np.mod(indices, n) if mode == "wrap" else np.clip(indices, 0, n - 1)


def compress_index_map(condition, x, axis=None):
    return np.compress(condition, index_map(x), axis=axis)


def interp_parts(x, xp, fp):
    """Segment index, position inside it, and slope for np.interp (inside the range)."""
    x = np.asarray(x, dtype=float)
    xp = np.asarray(xp, dtype=float)
    fp = np.asarray(fp, dtype=float)
    i = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, len(xp) - 2)
    h = xp[i + 1] - xp[i]
    w = (x - xp[i]) / h
    slope = (fp[i + 1] - fp[i]) / h
    inside = (x >= xp[0]) & (x <= xp[-1])
    return i, w, slope, inside


def interp_tangent(tx, txp, tfp, tl, tr, x, xp, fp, left=None, right=None, period=None):
    """Tangent of np.interp: the transpose of interp_grad, one argument at a time."""
    if period is not None:
        raise NotImplementedError("srcgrad: np.interp derivative with period")
    i, w, slope, inside = interp_parts(x, xp, fp)
    out = 0
    if not _zero(tx):
        out = out + np.where(inside, tx * slope, 0.0)
    if not _zero(tfp):
        tfp = np.asarray(tfp, dtype=float)
        xa = np.asarray(x)
        inner = np.where(inside, tfp[i] * (1 - w) + tfp[i + 1] * w, 0.0)
        if left is None:
            inner = inner + np.where(xa < xp[0], tfp[0], 0.0)
        if right is None:
            inner = inner + np.where(xa > xp[-1], tfp[-1], 0.0)
        out = out + inner
    if not _zero(txp):
        txp = np.asarray(txp, dtype=float)
        out = out + np.where(inside, -slope * (txp[i] * (1 - w) + txp[i + 1] * w), 0.0)
    xa = np.asarray(x)
    if not _zero(tl):
        out = out + np.where(xa < xp[0], tl, 0.0)
    if not _zero(tr):
        out = out + np.where(xa > xp[-1], tr, 0.0)
    return out if np.ndim(x) or _zero(out) else float(out)


def interp_grad(g, x, xp, fp, left=None, right=None, period=None, which="x"):
    """Adjoint of np.interp with respect to x, xp, fp, left or right."""
    if _zero(g):
        return 0
    if period is not None:
        raise NotImplementedError("srcgrad: np.interp gradient with period")
    i, w, slope, inside = interp_parts(x, xp, fp)
    g = np.broadcast_to(np.asarray(g, dtype=float), np.shape(x))
    if which == "x":
        out = np.where(inside, g * slope, 0.0)
        return out if np.ndim(x) else float(out)
    if which == "left":
        return unbroadcast(np.where(np.asarray(x) < xp[0], g, 0.0), left)
    if which == "right":
        return unbroadcast(np.where(np.asarray(x) > xp[-1], g, 0.0), right)
    gi = np.ravel(np.where(inside, g, 0.0))
    i, w, slope = np.ravel(i), np.ravel(w), np.ravel(slope)
    out = np.zeros(len(xp))
    if which == "fp":
        np.add.at(out, i, gi * (1 - w))
        np.add.at(out, i + 1, gi * w)
        x_ = np.asarray(x)
        if left is None:
            out[0] += np.sum(np.where(x_ < xp[0], g, 0.0))
        if right is None:
            out[-1] += np.sum(np.where(x_ > xp[-1], g, 0.0))
        return out
    np.add.at(out, i, -gi * slope * (1 - w))      # which == "xp"
    np.add.at(out, i + 1, -gi * slope * w)
    return out
