"""Helpers used by the templates of particular primitives (reductions, shapes, linear algebra).

Adjoints may be the integer 0 ("no gradient yet"); each helper accepts it
where it can be passed one.
"""

import math

import numpy as np

from . import _zero, keep_reduced, normalize_axis, shape_only, sum_to, unbroadcast, zero_passes

_ndarray = np.ndarray


def matmul_grad_x(g, x, y):
    """Adjoint of `x` in `x @ y` for every combination of 1-D and N-D operands."""
    if _zero(g):
        return 0
    xn, yn = np.ndim(x), np.ndim(y)
    if yn == 1:
        out = np.multiply.outer(g, y) if xn > 1 else g * y
    elif xn == 1:
        out = np.matmul(y, g[..., None])[..., 0] if np.ndim(g) > 0 else np.dot(y, g)
        return sum_to(np.asarray(out), np.shape(x))
    else:
        out = np.matmul(g, np.swapaxes(y, -1, -2))
    return sum_to(np.asarray(out), np.shape(x)) if np.shape(out) != np.shape(x) else out


def matmul_grad_y(g, x, y):
    """Adjoint of `y` in `x @ y`."""
    if _zero(g):
        return 0
    xn, yn = np.ndim(x), np.ndim(y)
    if xn == 1:
        out = np.multiply.outer(x, g) if yn > 1 else g * x
        if yn > 2:
            out = np.moveaxis(out, 0, -2)
    elif yn == 1:
        out = np.matmul(np.swapaxes(x, -1, -2), g[..., None])[..., 0]
    else:
        out = np.matmul(np.swapaxes(x, -1, -2), g)
    return sum_to(np.asarray(out), np.shape(y)) if np.shape(out) != np.shape(y) else out


@zero_passes
def dot_grad_x(g, x, y):
    """Adjoint of `a` in `np.dot(a, b)`."""
    if np.ndim(x) == 0 or np.ndim(y) == 0:
        return unbroadcast(g * y, x)
    if np.ndim(y) <= 2:
        return matmul_grad_x(g, x, y)
    # N-D: dot sums over the last axis of a and the second-to-last of b
    return np.tensordot(g, y, axes=(list(range(np.ndim(x) - 1, np.ndim(g))),
                                    [i for i in range(np.ndim(y)) if i != np.ndim(y) - 2]))


@zero_passes
def dot_grad_y(g, x, y):
    """Adjoint of `b` in `np.dot(a, b)`."""
    if np.ndim(x) == 0 or np.ndim(y) == 0:
        return unbroadcast(g * x, y)
    if np.ndim(y) <= 2:
        return matmul_grad_y(g, x, y)
    xn = np.ndim(x)
    gy = np.tensordot(x, g, axes=(list(range(xn - 1)), list(range(xn - 1))))
    return np.moveaxis(gy, 0, -2)


def inverse_permutation(axes, ndim):
    if axes is None:
        return None
    axes = [a % ndim for a in axes]
    return tuple(np.argsort(axes))


def tie_split(x, z, axis=None, keepdims=False):
    """Mask of the positions of `x` equal to the reduction result `z`, ties sharing equally."""
    zb = keep_reduced(z, x, axis, keepdims)
    mask = (x == zb)
    return mask / np.sum(mask, axis=axis, keepdims=True)


@zero_passes
def prod_grad(g, x, axis=None, keepdims=False):
    """Adjoint of np.prod that stays exact when `x` contains zeros."""
    x = np.asarray(x)
    if axis is None:
        flat = x.reshape(-1)
        g = np.asarray(g).reshape(())
        return (g * _others_product(flat, 0)).reshape(x.shape)
    ax = normalize_axis(axis, x.ndim)
    if len(ax) != 1:
        moved = np.moveaxis(x, ax, tuple(range(-len(ax), 0)))
        shp = moved.shape
        flat = moved.reshape(shp[:-len(ax)] + (-1,))
        gg = np.asarray(g)
        if keepdims:
            gg = np.squeeze(gg, axis=ax)
        res = (gg[..., None] * _others_product(flat, -1)).reshape(shp)
        return np.moveaxis(res, tuple(range(-len(ax), 0)), ax)
    gb = np.asarray(g) if keepdims else np.expand_dims(g, ax)
    return gb * _others_product(x, ax[0])


def _others_product(x, axis):
    """Product of all other elements along `axis`, for each element (no division)."""
    x = np.moveaxis(x, axis, -1)
    ones = np.ones(x.shape[:-1] + (1,), dtype=x.dtype)
    left = np.cumprod(np.concatenate([ones, x[..., :-1]], axis=-1), axis=-1)
    right = np.flip(np.cumprod(np.concatenate([ones, np.flip(x[..., 1:], -1)], axis=-1), -1), -1)
    return np.moveaxis(left * right, -1, axis)


@zero_passes
def reverse_cumsum(g, axis=None, shape=None):
    if axis is None:
        return np.flip(np.cumsum(np.flip(np.ravel(g)))).reshape(shape)
    return np.flip(np.cumsum(np.flip(g, axis), axis), axis)


@zero_passes
def cumprod_grad(g, x, z, axis=None):
    """Adjoint of np.cumprod (assumes no zeros in `x` along the axis)."""
    if axis is None:
        shape = np.shape(x)
        x, z, g = np.ravel(x), np.ravel(z), np.ravel(g)
        return (reverse_cumsum(g * z, 0) / x).reshape(shape)
    return reverse_cumsum(g * z, axis) / x


@zero_passes
def diff_grad(g, x, n=1, axis=-1):
    """Adjoint of np.diff."""
    for _ in range(n):
        g = np.asarray(g)
        pad = [(0, 0)] * g.ndim
        pad[axis] = (1, 0)
        front = np.pad(g, pad)
        pad[axis] = (0, 1)
        back = np.pad(g, pad)
        g = front - back
    return g


@shape_only(1)
@zero_passes
def split_like(g, arrays, axis=0):
    """Split `g` into pieces shaped like the concatenated `arrays`."""
    ax = axis % max(np.ndim(g), 1)
    sizes = [np.shape(a)[ax] if np.ndim(a) else 1 for a in arrays]
    idx = np.cumsum(sizes)[:-1]
    pieces = np.split(g, idx, axis=ax)
    return [p.reshape(np.shape(a)) for p, a in zip(pieces, arrays)]


@shape_only(1)
@zero_passes
def unstack(g, arrays, axis=0):
    """The adjoint of np.stack: one slice of `g` per stacked array."""
    g = np.asarray(g)
    return [np.take(g, i, axis=axis) for i in range(len(arrays))]


def array_grad(g, obj):
    """The adjoint of np.array(obj) in the structure of `obj` (nested lists of scalars/arrays)."""
    if _zero(g):
        return 0
    if isinstance(obj, (list, tuple)):
        if np.ndim(g) == 0:                 # a scalar cotangent stands for the same value everywhere
            return [array_grad(g, v) for v in obj]
        return [array_grad(g[i], v) for i, v in enumerate(obj)]
    if isinstance(obj, np.ndarray):
        return np.broadcast_to(g, obj.shape) if np.ndim(g) == 0 else np.asarray(g).reshape(obj.shape)
    return g[()] if isinstance(g, np.ndarray) else g


@shape_only(1)
@zero_passes
def tile_grad(g, x, reps):
    x_shape = np.shape(x)
    reps = (reps,) if np.isscalar(reps) else tuple(reps)
    nd = max(len(x_shape), len(reps))
    xs = (1,) * (nd - len(x_shape)) + tuple(x_shape)
    rs = (1,) * (nd - len(reps)) + reps
    g = np.asarray(g).reshape(sum(((r, s) for r, s in zip(rs, xs)), ()))
    g = g.sum(axis=tuple(range(0, 2 * nd, 2)))
    return g.reshape(x_shape)


@shape_only(1)
@zero_passes
def repeat_grad(g, x, repeats, axis=None):
    x = np.asarray(x)
    if axis is None:
        flat = np.zeros(x.size, dtype=np.result_type(g, float))
        idx = np.repeat(np.arange(x.size), repeats)
        np.add.at(flat, idx, np.ravel(g))
        return flat.reshape(x.shape)
    ax = axis % x.ndim
    idx = np.repeat(np.arange(x.shape[ax]), repeats)
    out = np.zeros(x.shape, dtype=np.result_type(g, float))
    moved = np.moveaxis(out, ax, 0)
    np.add.at(moved, idx, np.moveaxis(np.asarray(g), ax, 0))
    return out


@shape_only(1)
@zero_passes
def take_grad(g, x, indices, axis=None):
    x_shape = np.shape(x)
    out = np.zeros(x_shape, dtype=np.result_type(g, float))
    if axis is None:
        flat = out.reshape(-1)
        np.add.at(flat, np.ravel(indices), np.ravel(g))
        return out
    ax = axis % len(x_shape)
    idx = (slice(None),) * ax + (indices,)
    np.add.at(out, idx, g)
    return out


@shape_only(1)
@zero_passes
def diag_grad(g, x, k=0):
    if np.ndim(x) == 1:
        return np.diagonal(g, offset=k).copy()
    n, m = np.shape(x)
    out = np.zeros((n, m), dtype=np.result_type(g, float))
    i = np.arange(len(g))
    rows, cols = (i, i + k) if k >= 0 else (i - k, i)
    out[rows, cols] = g
    return out


@shape_only(1)
@zero_passes
def trace_grad(g, x, offset=0):
    return np.asarray(g)[..., None, None] * np.eye(*np.shape(x)[-2:], k=offset) \
        if np.ndim(x) > 2 else g * np.eye(*np.shape(x), k=offset)


@zero_passes
def norm_grad(g, x, z, ord=None, axis=None, keepdims=False):
    """Adjoint of np.linalg.norm for vector 2-norms and the Frobenius norm (0 at the origin)."""
    if ord not in (None, 2, "fro") or (ord == 2 and axis is None and np.ndim(x) == 2):
        raise NotImplementedError(f"srcgrad: no template for np.linalg.norm with ord={ord!r}")
    if axis is None:
        zb = z
    else:
        zb = keep_reduced(z, x, axis, keepdims)
        g = keep_reduced(g, x, axis, keepdims)
    safe = np.where(zb == 0, 1, zb)
    return np.where(zb == 0, 0, g * x / safe)


def clip_mask(x, lo, hi):
    """Where np.clip passes gradient: inside [lo, hi], bounds included."""
    m = True
    if lo is not None:
        m = m & (x >= lo)
    if hi is not None:
        m = m & (x <= hi)
    return m


@shape_only(1)
def real_if_real(g, x):
    """Drop the imaginary part of an adjoint when its variable is real."""
    if np.iscomplexobj(g) and not np.iscomplexobj(x):
        return np.real(g)
    return g


def pow_grad_exponent(g, x, y, z):
    """Adjoint of the exponent in x ** y: g * x**y * log(x), 0 where x == 0 and y >= 0."""
    if _zero(g):
        return 0
    if type(x) is float or type(x) is int:
        if x == 0 and y >= 0:
            return 0.0
        return g * z * (math.log(x) if x > 0 else float("nan"))
    x = np.asarray(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        logx = np.log(np.where(x == 0, 1, x))
    return np.where((x == 0) & (np.asarray(y) >= 0), 0, g * z * logx)


@zero_passes
def transpose_method_grad(g, x, axes):
    """Adjoint of x.transpose(*axes), where axes may be (), (perm,) or the permutation itself."""
    if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
        axes = axes[0]
    if not axes:
        return np.transpose(g)
    return np.transpose(g, inverse_permutation(axes, np.ndim(x)))


@zero_passes
def solve_grad_a(gb, z):
    """Adjoint of `a` in z = solve(a, b), given gb = solve(a.T, g)."""
    if np.ndim(z) == 1:
        return -np.outer(gb, z)
    return -(gb @ np.swapaxes(z, -1, -2))


def _tensordot_axes(axes, a_nd, b_nd):
    if isinstance(axes, int):
        return list(range(a_nd - axes, a_nd)), list(range(axes))
    ax_a, ax_b = axes
    ax_a = [ax_a] if isinstance(ax_a, int) else list(ax_a)
    ax_b = [ax_b] if isinstance(ax_b, int) else list(ax_b)
    return [i % a_nd for i in ax_a], [i % b_nd for i in ax_b]


@zero_passes
def tensordot_grad_a(g, a, b, axes=2):
    a_nd, b_nd = np.ndim(a), np.ndim(b)
    ax_a, ax_b = _tensordot_axes(axes, a_nd, b_nd)
    free_a = [i for i in range(a_nd) if i not in ax_a]
    free_b = [i for i in range(b_nd) if i not in ax_b]
    # g has axes free_a + free_b; contract its free_b part with b's free axes
    ga = np.tensordot(g, b, axes=(list(range(len(free_a), len(free_a) + len(free_b))), free_b))
    # ga axes: free_a + ax_b (in b's order) -> reorder to a's axes
    order = free_a + [ax_a[ax_b.index(j)] for j in sorted(ax_b)]
    return np.transpose(ga, np.argsort(order))


@zero_passes
def tensordot_grad_b(g, a, b, axes=2):
    a_nd, b_nd = np.ndim(a), np.ndim(b)
    ax_a, ax_b = _tensordot_axes(axes, a_nd, b_nd)
    free_a = [i for i in range(a_nd) if i not in ax_a]
    free_b = [i for i in range(b_nd) if i not in ax_b]
    gb = np.tensordot(a, g, axes=(free_a, list(range(len(free_a)))))
    # gb axes: a's contracted axes (in a's order) + free_b
    order = [ax_b[ax_a.index(i)] for i in sorted(ax_a)] + free_b
    return np.transpose(gb, np.argsort(order))


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _einsum_parse(subscripts, operands):
    spec = subscripts.replace(" ", "")
    if "->" in spec:
        lhs, out = spec.split("->")
    else:
        lhs = spec
        letters = [c for c in lhs if c.isalpha()]
        out = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
        if "..." in lhs:
            out = "..." + out
    ins = lhs.split(",")
    if any("..." in s for s in ins) or "..." in out:
        unused = [c for c in _LETTERS if c not in spec]
        nell = max((np.ndim(op) - len(s.replace("...", ""))) for s, op in zip(ins, operands)
                   if "..." in s)
        ell = "".join(unused[:nell])
        new_ins = []
        for s, op in zip(ins, operands):
            if "..." in s:
                k = np.ndim(op) - len(s.replace("...", ""))
                s = s.replace("...", ell[nell - k:])
            new_ins.append(s)
        ins, out = new_ins, out.replace("...", ell)
    return ins, out


@zero_passes
def einsum_grad(g, subscripts, operands, i):
    """Adjoint of operand `i` of np.einsum(subscripts, *operands)."""
    ins, out = _einsum_parse(subscripts, operands)
    target = ins[i]
    if len(set(target)) != len(target):
        raise NotImplementedError(
            f"srcgrad: einsum gradient for a repeated index in operand {i} ({target!r})")
    others = [s for j, s in enumerate(ins) if j != i]
    available = set(out).union(*others) if others else set(out)
    keep = "".join(c for c in target if c in available)
    expr = ",".join([out] + others) + "->" + keep
    res = np.einsum(expr, g, *[op for j, op in enumerate(operands) if j != i])
    if keep != target:     # indices summed only inside operand i: broadcast back
        shape = np.shape(operands[i])
        res = np.expand_dims(res, [k for k, c in enumerate(target) if c not in available])
        res = np.broadcast_to(res, shape)
    return res


@zero_passes
def det_grad(g, a, z):
    """Adjoint of np.linalg.det: g * det(a) * inv(a)^T, batched over leading axes."""
    scale = np.asarray(g * z)[..., None, None]
    return scale * np.swapaxes(np.linalg.inv(a), -1, -2)


def sum_grad(g, iterable):
    """Adjoint of builtins.sum over `iterable`: every item gets `g`."""
    if _zero(g):
        return 0
    if type(iterable) is _ndarray:
        return np.broadcast_to(g, iterable.shape)
    return [g] * len(iterable)


def select_grad(g, z, args, i):
    """Adjoint of argument `i` of builtins.max/min (ties split evenly)."""
    if _zero(g):
        return 0
    if len(args) == 1:                     # max(iterable)
        items = args[0]
        if type(items) is _ndarray:
            mask = items == z
            return g * mask / np.sum(mask, axis=0)
        hits = [j for j, v in enumerate(items) if v == z]
        return [g / len(hits) if j in hits else 0 for j in range(len(items))]
    hits = sum(1 for v in args if v == z)
    return g / hits if args[i] == z else 0


def sequence_grad(g, iterable):
    """Adjoint of list(x)/tuple(x): back to the structure of `x`."""
    if _zero(g):
        return 0
    if type(iterable) is _ndarray:
        return np.stack([np.zeros(iterable.shape[1:]) if _zero(v) else np.asarray(v) for v in g])
    return list(g)


# --- forward mode (tangents) ------------------------------------------------------------

def fit(tangent, z):
    """A tangent contribution broadcast to the shape of the result `z`."""
    if _zero(tangent):
        return 0
    zshape = np.shape(z)
    if np.shape(tangent) == zshape:
        return tangent
    return np.broadcast_to(tangent, zshape)


def fresh(tangent):
    """A private copy of a tangent that will be updated in place."""
    if type(tangent) is _ndarray:
        return tangent.copy()
    if type(tangent) is list:
        return list(tangent)
    if type(tangent) is dict:
        return dict(tangent)
    return tangent


def set_at(acc, x, index, v):
    """The tangent of `x` after `x[index] = v` (updates `acc` in place)."""
    if isinstance(acc, (list, dict)):
        acc[index] = v
        return acc
    if _zero(acc):
        if _zero(v):
            return 0
        acc = np.zeros(np.shape(x), np.result_type(x, v, float))
    elif not _zero(v) and np.iscomplexobj(v) and not np.iscomplexobj(acc):
        acc = acc.astype(np.result_type(acc, v))
    acc[index] = 0 if _zero(v) else v
    return acc


def item_tangent(tx, x, index):
    """The tangent of x[index] given the tangent `tx` of x."""
    if _zero(tx):
        return 0
    v = tx[index]
    return v


def append_tangent(acc, v):
    """The tangent of a list after appending an item with tangent `v`."""
    if _zero(acc):
        acc = []
    acc.append(v)
    return acc


def _filled(tangents, values):
    return [np.zeros(np.shape(v)) if _zero(t) else t for t, v in zip(tangents, values)]


def concatenate_tangent(tangents, arrays, axis=0):
    return np.concatenate(_filled(tangents, arrays), axis=axis)


def stack_tangent(tangents, arrays, axis=0):
    return np.stack(_filled(tangents, arrays), axis=axis)


def array_tangent(tangent, obj):
    """The tangent of np.array(obj) from the tangents of obj's items (0 where none)."""
    if isinstance(obj, (list, tuple)):
        if _zero(tangent):
            return np.zeros(np.shape(obj))
        return np.array([array_tangent(t, o) for t, o in zip(tangent, obj)])
    if _zero(tangent):
        return np.zeros(np.shape(obj))
    return np.asarray(tangent)


def transpose_axes(axes):
    """The `axes` argument np.transpose expects, from the arguments of x.transpose(*axes)."""
    if not axes:
        return None
    if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
        return axes[0]
    return tuple(axes)


def einsum_tangent(subscripts, operands, i, tangent):
    """einsum with operand `i` replaced by its tangent."""
    ops = list(operands)
    ops[i] = tangent
    return np.einsum(subscripts, *ops)


def det_tangent(tangent, a, z):
    """Tangent of det(a): det(a) * trace(solve(a, da)), batched."""
    return z * np.trace(np.linalg.solve(a, tangent), axis1=-2, axis2=-1)


def norm_tangent(tangent, x, z, ord=None, axis=None, keepdims=False):
    """Tangent of np.linalg.norm for vector 2-norms and the Frobenius norm."""
    scaled = norm_grad(np.ones(np.shape(z)), x, z, ord, axis, keepdims)
    if axis is None:
        return np.sum(tangent * scaled)
    return np.sum(tangent * scaled, axis=axis, keepdims=keepdims)


def cumprod_tangent(tangent, x, z, axis=None):
    """Tangent of np.cumprod (assumes no zeros along the axis)."""
    if axis is None:
        return np.ravel(z) * np.cumsum(np.ravel(tangent) / np.ravel(x))
    return z * np.cumsum(tangent / x, axis=axis)


def select_tangent(tangents, z, args):
    """Tangent of builtins.max/min: the selected argument's tangent (ties averaged)."""
    if len(args) == 1:
        items, tans = args[0], tangents[0]
        if _zero(tans):
            return 0
        if type(items) is _ndarray:
            mask = items == z
            return np.sum(tans * mask, axis=0) / np.sum(mask, axis=0)
        hits = [j for j, v in enumerate(items) if v == z]
        return sum(0 if _zero(tans[j]) else tans[j] for j in hits) / len(hits)
    hits = [j for j, v in enumerate(args) if v == z]
    return sum(0 if _zero(tangents[j]) else tangents[j] for j in hits) / len(hits)


def prod_tangent(tangent, x, z, axis=None, keepdims=False):
    """Tangent of np.prod, exact with zeros."""
    weights = prod_grad(np.ones(np.shape(z)), x, axis, keepdims)
    return np.sum(tangent * weights, axis=axis, keepdims=keepdims)


# --- breadth: shared bookkeeping -------------------------------------------------------

def no_gradient(g, primitive, param):
    """Raise: a template sends gradient to `param` only through this, so it runs only when
    `param` carries gradient the template cannot give (the compiler drops it otherwise)."""
    raise NotImplementedError(f"srcgrad: {primitive} is not differentiable with respect to "
                              f"`{param}`; pass it as a constant (or wrap it in stop_gradient)")


def items_grad(g, values):
    """Adjoints of a tuple/list result, one per item of `values`, zeros where none arrived."""
    out = []
    for i, v in enumerate(values):
        gi = 0 if _zero(g) else g[i]
        out.append(np.zeros(np.shape(v)) if _zero(gi) else np.asarray(gi))
    return out


def scatter_flat(g, x, index_map):
    """Adjoint of a pure gather: result element k is x.flat[index_map.flat[k]] (or not from x
    where index_map < 0).  Sums `g` back onto x's elements."""
    if _zero(g):
        return 0
    idx = np.ravel(index_map)
    keep = idx >= 0
    out = np.zeros(np.size(x), dtype=np.result_type(g, float))
    np.add.at(out, idx[keep], np.ravel(np.broadcast_to(g, np.shape(index_map)))[keep])
    return out.reshape(np.shape(x))


def index_map(x):
    """The flat position of each element of `x`, shaped like `x` (to trace a gather)."""
    return np.arange(np.size(x)).reshape(np.shape(x))


# --- breadth: elementwise --------------------------------------------------------------

def sinc_grad(x):
    """d/dx sin(pi x)/(pi x); 0 at x = 0."""
    x = np.asarray(x, dtype=float)
    safe = np.where(x == 0, 1.0, x)
    return np.where(x == 0, 0.0, (np.cos(np.pi * safe) - np.sinc(safe)) / safe)


def copysign_ratio(x, z):
    """d copysign(x, y) / dx: z / x, 0 at x = 0 (as in PyTorch)."""
    x = np.asarray(x, dtype=float)
    return np.where(x == 0, 0.0, z / np.where(x == 0, 1.0, x))


def modf_grad(g):
    """Adjoint of np.modf: the fractional part passes gradient, the integral part none."""
    return 0 if _zero(g) else g[0]


def modf_tangent(tangent, z):
    return (tangent, np.zeros(np.shape(z[1])))


def frexp_grad(g, z):
    """Adjoint of np.frexp: mantissa = x * 2**-e (the exponent is piecewise constant)."""
    return 0 if _zero(g) or _zero(g[0]) else g[0] * np.ldexp(1.0, -z[1])


def frexp_tangent(tangent, z):
    return (tangent * np.ldexp(1.0, -z[1]), np.zeros(np.shape(z[1])))


def divmod_grad(g, x, y, which):
    """Adjoint of np.divmod(x, y) = (x // y, x % y): only the remainder passes gradient."""
    if _zero(g) or _zero(g[1]):
        return 0
    return unbroadcast(g[1] if which == 0 else -g[1] * np.floor_divide(x, y), (x, y)[which])


def divmod_tangent(tx, ty, x, y, z):
    t = 0
    if not _zero(tx):
        t = t + tx
    if not _zero(ty):
        t = t - ty * z[0]
    return (np.zeros(np.shape(z[0])), np.broadcast_to(t, np.shape(z[1])))


# --- breadth: reductions ---------------------------------------------------------------

def present(x):
    """1.0 where x is a number, 0.0 where it is nan."""
    return ~np.isnan(x)


@zero_passes
def nanprod_grad(g, x, axis=None, keepdims=False):
    """Adjoint of np.nanprod: nan counts as 1 and receives no gradient."""
    filled = np.where(np.isnan(x), 1.0, x)
    return prod_grad(g, filled, axis, keepdims) * present(x)


def nan_centred(x, axis=None):
    return np.where(np.isnan(x), 0.0, x - np.nanmean(x, axis=axis, keepdims=True))


def nan_count(x, axis=None, ddof=0):
    return np.sum(present(x), axis=axis, keepdims=True) - ddof


def ptp_weights(x, z, axis=None, keepdims=False):
    """d ptp / dx: the max's tie-split mask minus the min's."""
    hi = np.max(x, axis=axis, keepdims=keepdims)
    lo = np.min(x, axis=axis, keepdims=keepdims)
    return tie_split(x, hi, axis, keepdims) - tie_split(x, lo, axis, keepdims)


def _average_w(a, weights, axis=None):
    """np.average's weights, reshaped to broadcast against `a`."""
    a = np.asarray(a)
    if weights is None:
        return np.ones(a.shape)
    w = np.asarray(weights, dtype=float)
    if w.shape != a.shape and w.ndim == 1 and axis is not None and not isinstance(axis, tuple):
        shape = [1] * a.ndim
        shape[axis % a.ndim] = w.size
        w = w.reshape(shape)
    return w


def average_weights(a, weights, axis=None):
    """The normalized weights of np.average, broadcast against `a`."""
    w = np.broadcast_to(_average_w(a, weights, axis), np.shape(a))
    return w / np.sum(w, axis=axis, keepdims=True)


def average_grad_weights(g, a, weights, z, axis=None, keepdims=False):
    """Adjoint of the weights of np.average: g * (a - z) / sum(w), summed to w's shape."""
    if _zero(g):
        return 0
    a = np.asarray(a)
    wsum = np.sum(np.broadcast_to(_average_w(a, weights, axis), a.shape), axis=axis, keepdims=True)
    full = keep_reduced(g, a, axis, keepdims) * (a - keep_reduced(z, a, axis, keepdims)) / wsum
    return np.reshape(sum_to(full, np.shape(_average_w(a, weights, axis))), np.shape(weights))


def average_tangent_weights(tw, a, weights, z, axis=None, keepdims=False):
    """Tangent of np.average from its weights' tangent: sum((a - z) * tw) / sum(w)."""
    if _zero(tw):
        return 0
    a = np.asarray(a)
    tb = np.broadcast_to(_average_w(a, tw, axis), a.shape)
    wsum = np.sum(np.broadcast_to(_average_w(a, weights, axis), a.shape), axis=axis, keepdims=True)
    out = (a - keep_reduced(z, a, axis, keepdims)) * tb / wsum
    return np.sum(out, axis=axis, keepdims=keepdims)


def filled(tangent, value):
    """The tangent of an optional argument: None stays None, 0 (no tangent) becomes zeros."""
    if value is None:
        return None
    return np.zeros(np.shape(value)) if _zero(tangent) else tangent


_QUANTILE_METHODS = ("linear", "lower", "higher", "nearest", "midpoint")


def _quantile_plan(a, q, axis, method, nan):
    """Where each quantile reads the sorted data: (moved shape, flat positions lo/hi of
    the chosen elements in the moved layout, weight of hi, slope of the result in q)."""
    if method not in _QUANTILE_METHODS:
        raise NotImplementedError(f"srcgrad: quantile gradient for method={method!r} "
                                  f"(supported: {', '.join(_QUANTILE_METHODS)})")
    a = np.asarray(a, dtype=float)
    axes = normalize_axis(axis, a.ndim)
    moved = np.moveaxis(a, axes, tuple(range(a.ndim - len(axes), a.ndim)))
    rest = moved.shape[:a.ndim - len(axes)]
    flat = moved.reshape(rest + (-1,))
    order = np.argsort(flat, axis=-1, kind="stable")        # nan sorts last
    n = np.sum(present(flat), axis=-1) if nan else np.full(rest, flat.shape[-1])
    q = np.asarray(q, dtype=float)
    pos = q.reshape(q.shape + (1,) * len(rest)) * (n - 1)
    lo = np.floor(pos)
    w = pos - lo
    if method == "lower":
        w = np.zeros_like(w)
    elif method == "higher":
        lo, w = np.ceil(pos), np.zeros_like(w)
    elif method == "nearest":
        lo, w = np.round(pos), np.zeros_like(w)       # numpy rounds half to even too
    elif method == "midpoint":
        w = np.where(w > 0, 0.5, 0.0)
    hi = np.minimum(lo + 1, np.maximum(n - 1, 0))
    lo = lo.astype(int)
    hi = hi.astype(int)
    sorted_ = np.take_along_axis(flat, order, -1)

    def pick(ix):
        o = np.broadcast_to(order, ix.shape[:q.ndim] + order.shape)
        return np.take_along_axis(o, ix[..., None], -1)[..., 0]

    def value(ix):
        s = np.broadcast_to(sorted_, ix.shape[:q.ndim] + sorted_.shape)
        return np.take_along_axis(s, ix[..., None], -1)[..., 0]

    slope = (value(hi) - value(lo)) * (n - 1) if method == "linear" else np.zeros(w.shape)
    return moved.shape, axes, rest, flat.shape[-1], pick(lo), pick(hi), w, slope


def _shape_result(v, q, rest_ndim, a_ndim, axes, keepdims):
    """Lay out an array shaped q.shape + rest like np.quantile's result."""
    if keepdims:
        v = v.reshape(v.shape + (1,) * len(axes))
        qn = np.ndim(q)
        v = np.moveaxis(v, tuple(range(qn + rest_ndim, qn + a_ndim)),
                        tuple(qn + ax for ax in axes))
    return v


def _to_plan_layout(g, q, a_ndim, axes, keepdims):
    g = np.asarray(g, dtype=float)
    if keepdims:
        qn = np.ndim(q)
        g = np.squeeze(g, axis=tuple(qn + ax for ax in axes))
    return g


def quantile_grad(g, a, q, axis=None, method="linear", keepdims=False, nan=False):
    """Adjoint of `a` in np.quantile (and median, percentile, the nan variants)."""
    if _zero(g):
        return 0
    mshape, axes, rest, n, lo, hi, w, _ = _quantile_plan(a, q, axis, method, nan)
    g = np.broadcast_to(_to_plan_layout(g, q, np.ndim(a), axes, keepdims), w.shape)
    out = np.zeros(rest + (n,))
    rows = np.indices(rest).reshape(len(rest), 1, -1) if rest else None
    for ix, wt in ((lo, 1 - w), (hi, w)):
        vals = (g * wt).reshape(-1, int(np.prod(rest, dtype=int)))
        ixs = ix.reshape(vals.shape)
        if rest:
            idx = tuple(np.broadcast_to(r, ixs.shape) for r in rows.reshape(len(rest), -1)[:, None, :]
                        ) + (ixs,)
        else:
            idx = (ixs.reshape(-1),)
            vals = vals.reshape(-1)
        np.add.at(out, idx, vals)
    out = out.reshape(mshape)
    nd = np.ndim(a)
    return np.moveaxis(out, tuple(range(nd - len(axes), nd)), axes)


def quantile_grad_q(g, a, q, axis=None, method="linear", keepdims=False, nan=False):
    """Adjoint of `q` in np.quantile: the slope between the two elements read."""
    if _zero(g):
        return 0
    _, axes, rest, _, _, _, w, slope = _quantile_plan(a, q, axis, method, nan)
    g = np.broadcast_to(_to_plan_layout(g, q, np.ndim(a), axes, keepdims), w.shape)
    return np.sum((g * slope).reshape(np.shape(q) + (-1,)), axis=-1)


def quantile_tangent(ta, tq, a, q, axis=None, method="linear", keepdims=False, nan=False):
    """Tangent of np.quantile from the tangents of `a` and `q`."""
    mshape, axes, rest, n, lo, hi, w, slope = _quantile_plan(a, q, axis, method, nan)
    out = 0
    if not _zero(ta):
        nd = np.ndim(a)
        moved = np.moveaxis(np.asarray(ta, dtype=float), axes, tuple(range(nd - len(axes), nd)))
        flat = np.broadcast_to(moved.reshape(rest + (n,)), lo.shape[:np.ndim(q)] + rest + (n,))
        out = (np.take_along_axis(flat, lo[..., None], -1)[..., 0] * (1 - w)
               + np.take_along_axis(flat, hi[..., None], -1)[..., 0] * w)
    if not _zero(tq):
        out = out + np.asarray(tq, dtype=float).reshape(np.shape(q) + (1,) * len(rest)) * slope
    return _shape_result(np.asarray(out), q, len(rest), np.ndim(a), axes, keepdims)


def cumulative_grad(g, x, z, axis=None, include_initial=False, product=False):
    """Adjoint of np.cumulative_sum / np.cumulative_prod."""
    if _zero(g):
        return 0
    ax = 0 if axis is None else axis
    if include_initial:
        g = np.delete(np.asarray(g), 0, axis=ax)
        z = np.delete(np.asarray(z), 0, axis=ax)
    if product:
        return cumprod_grad(g, x, z, ax)
    return reverse_cumsum(g, ax)


def cumulative_tangent(tangent, x, z, axis=None, include_initial=False, product=False):
    ax = 0 if axis is None else axis
    zz = np.delete(np.asarray(z), 0, axis=ax) if include_initial else z
    out = cumprod_tangent(tangent, x, zz, ax) if product else np.cumsum(tangent, axis=ax)
    if include_initial:
        out = np.concatenate([np.zeros_like(np.take(out, [0], axis=ax)), out], axis=ax)
    return out


def ediff1d_grad(g, ary, to_end=None, to_begin=None, which=0):
    """Adjoint of np.ediff1d: which=0 for `ary`, 1 for `to_end`, 2 for `to_begin`."""
    if _zero(g):
        return 0
    nb = np.size(to_begin) if to_begin is not None else 0
    ne = np.size(to_end) if to_end is not None else 0
    g = np.asarray(g)
    if which == 2:
        return g[:nb].reshape(np.shape(to_begin))
    if which == 1:
        return g[len(g) - ne:].reshape(np.shape(to_end))
    return diff_grad(g[nb:len(g) - ne], np.ravel(ary)).reshape(np.shape(ary))


def trapezoid_grad(g, y, x=None, dx=1.0, axis=-1, which=0):
    """Adjoint of np.trapezoid: which=0 for `y`, 1 for `x`, 2 for `dx`."""
    if _zero(g):
        return 0
    y = np.asarray(y, dtype=float)
    ax = axis % y.ndim
    gb = np.expand_dims(np.asarray(g, dtype=float), ax)
    n = y.shape[ax]
    if x is None:
        h = dx
    else:
        xa = np.asarray(x, dtype=float)
        h = np.diff(xa, axis=axis if xa.ndim > 1 else 0)
        if xa.ndim == 1:
            shape = [1] * y.ndim
            shape[ax] = n - 1
            h = h.reshape(shape)
    if which == 0:
        half = gb * h / 2.0
        pad_lo, pad_hi = [(0, 0)] * y.ndim, [(0, 0)] * y.ndim
        pad_lo[ax], pad_hi[ax] = (1, 0), (0, 1)
        return np.pad(np.broadcast_to(half, _with(y.shape, ax, n - 1)), pad_hi) + \
            np.pad(np.broadcast_to(half, _with(y.shape, ax, n - 1)), pad_lo)
    sl = np.take(y, range(1, n), axis=ax) + np.take(y, range(0, n - 1), axis=ax)
    if which == 2:
        return unbroadcast(np.sum(gb * sl / 2.0, axis=ax), dx)
    xa = np.asarray(x, dtype=float)
    gh = gb * sl / 2.0                          # adjoint of the spacings
    if xa.ndim == 1:
        gh = np.sum(np.moveaxis(gh, ax, -1).reshape(-1, n - 1), axis=0)
        return diff_grad(gh, xa)
    return diff_grad(unbroadcast(gh, np.diff(xa, axis=axis)), xa, 1, axis)


def _with(shape, ax, n):
    s = list(shape)
    s[ax] = n
    return tuple(s)


def trapezoid_x_tangent(tx, y, x, axis=-1):
    """Tangent of np.trapezoid from the tangent of the sample points `x`."""
    if _zero(tx):
        return 0
    y = np.asarray(y, dtype=float)
    ax = axis % y.ndim
    n = y.shape[ax]
    mid = (np.take(y, range(1, n), axis=ax) + np.take(y, range(0, n - 1), axis=ax)) / 2.0
    tx = np.asarray(tx, dtype=float)
    dh = np.diff(tx, axis=axis if tx.ndim > 1 else 0)
    if tx.ndim == 1:
        shape = [1] * y.ndim
        shape[ax] = n - 1
        dh = dh.reshape(shape)
    return np.sum(mid * dh, axis=ax)


def _cov_matrix(m, y=None, rowvar=True):
    x = np.atleast_2d(np.asarray(m, dtype=float))
    if not rowvar and x.shape[0] != 1:
        x = x.T
    if y is not None:
        yy = np.atleast_2d(np.asarray(y, dtype=float))
        if not rowvar and yy.shape[0] != 1:
            yy = yy.T
        x = np.concatenate([x, yy], axis=0)
    return x


def _cov_back(gx, m, y, rowvar, which):
    nm = np.atleast_2d(np.asarray(m)).shape[0 if rowvar or np.ndim(m) == 1 else 1]
    part = gx[:nm] if which == 0 else gx[nm:]
    src = m if which == 0 else y
    if not rowvar and np.ndim(src) == 2 and np.shape(src)[0] != 1:
        part = part.T
    return part.reshape(np.shape(src))


def cov_grad(g, m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None,
             which=0):
    """Adjoint of np.cov (unweighted): which=0 for `m`, 1 for `y`."""
    if _zero(g):
        return 0
    if fweights is not None or aweights is not None:
        raise NotImplementedError("srcgrad: np.cov gradient with fweights/aweights")
    x = _cov_matrix(m, y, rowvar)
    n = x.shape[1]
    ddof = (0 if bias else 1) if ddof is None else ddof
    xc = x - x.mean(axis=1, keepdims=True)
    G = np.asarray(g, dtype=float).reshape(x.shape[0], x.shape[0])
    gx = (G + G.T) @ xc / (n - ddof)
    return _cov_back(gx, m, y, rowvar, which)


def cov_tangent(tm, ty, m, y=None, rowvar=True, bias=False, ddof=None):
    x = _cov_matrix(m, y, rowvar)
    tx = _cov_matrix(np.zeros(np.shape(m)) if _zero(tm) else tm,
                     None if y is None else (np.zeros(np.shape(y)) if _zero(ty) else ty), rowvar)
    n = x.shape[1]
    ddof = (0 if bias else 1) if ddof is None else ddof
    xc = x - x.mean(axis=1, keepdims=True)
    tc = tx - tx.mean(axis=1, keepdims=True)
    out = (tc @ xc.T + xc @ tc.T) / (n - ddof)
    return out.reshape(np.shape(np.cov(m, y, rowvar, bias, ddof)))


def corrcoef_grad(g, x, z, y=None, rowvar=True, which=0):
    """Adjoint of np.corrcoef, through the covariance matrix."""
    if _zero(g):
        return 0
    c = np.cov(x, y, rowvar)
    G = np.asarray(g, dtype=float).reshape(np.shape(c))
    if np.ndim(c) == 0:
        return np.zeros(np.shape((x, y)[which]))
    s = np.sqrt(np.diag(c))
    R = np.asarray(z).reshape(c.shape)
    gc = G / np.outer(s, s)
    gc[np.diag_indices_from(gc)] -= (np.sum(G * R, axis=1) + np.sum(G * R, axis=0)) / (2 * np.diag(c))
    return cov_grad(gc, x, y, rowvar, which=which)


def corrcoef_tangent(tx, ty, x, z, y=None, rowvar=True):
    tc = cov_tangent(tx, ty, x, y, rowvar)
    c = np.cov(x, y, rowvar)
    if np.ndim(c) == 0:
        return np.zeros(np.shape(z))
    d_ = np.diag(c)
    td = np.diag(tc)
    R = np.asarray(z)
    return tc / np.sqrt(np.outer(d_, d_)) - 0.5 * R * (td[:, None] / d_[:, None] + td[None, :] / d_[None, :])


def trace_axes_grad(g, x, offset=0, axis1=0, axis2=1):
    """Adjoint of np.trace over any pair of axes."""
    if _zero(g):
        return 0
    shape = np.shape(x)
    a1, a2 = axis1 % len(shape), axis2 % len(shape)
    gm = np.asarray(g)[..., None, None] * np.eye(shape[a1], shape[a2], k=offset)
    return np.moveaxis(gm, (-2, -1), (a1, a2))


@shape_only(1)
def diagonal_grad(g, x, offset=0, axis1=0, axis2=1):
    """Adjoint of np.diagonal over any pair of axes (the diagonal is the last axis of g)."""
    if _zero(g):
        return 0
    shape = np.shape(x)
    a1, a2 = axis1 % len(shape), axis2 % len(shape)
    rest = [s for i, s in enumerate(shape) if i not in (a1, a2)]
    out = np.zeros(tuple(rest) + (shape[a1], shape[a2]), dtype=np.result_type(g, float))
    i = np.arange(np.shape(g)[-1])
    rows, cols = (i, i + offset) if offset >= 0 else (i - offset, i)
    out[..., rows, cols] = g
    return np.moveaxis(out, (-2, -1), (a1, a2))


# --- breadth: shape and layout ----------------------------------------------------------

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


# --- breadth: selection ---------------------------------------------------------------------

@shape_only(1)
def take_along_axis_grad(g, x, indices, axis=-1):
    """Adjoint of np.take_along_axis: scatter-add back along the axis."""
    if _zero(g):
        return 0
    if axis is None:
        return scatter_flat(g, x, np.asarray(indices))
    out = np.zeros(np.shape(x), dtype=np.result_type(g, float))
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


# --- breadth: linear algebra ----------------------------------------------------------------

def _T(a):
    return np.swapaxes(a, -1, -2)


def kron_grad(g, a, b, which=0):
    """Adjoint of np.kron(a, b) for `a` (which=0) or `b` (which=1)."""
    if _zero(g):
        return 0
    nd = max(np.ndim(a), np.ndim(b))
    sa = (1,) * (nd - np.ndim(a)) + np.shape(a)
    sb = (1,) * (nd - np.ndim(b)) + np.shape(b)
    G = np.asarray(g).reshape(sum(((i, j) for i, j in zip(sa, sb)), ()))
    if which == 0:
        out = np.tensordot(G, np.reshape(b, sb), axes=(list(range(1, 2 * nd, 2)), list(range(nd))))
    else:
        out = np.tensordot(G, np.reshape(a, sa), axes=(list(range(0, 2 * nd, 2)), list(range(nd))))
    return out.reshape(np.shape((a, b)[which]))


def matrix_power_grad(g, a, n):
    """Adjoint of np.linalg.matrix_power: sum over k of (A^T)^k G (A^T)^(n-1-k)."""
    if _zero(g):
        return 0
    if n < 0:
        inv = np.linalg.inv(a)
        gi = matrix_power_grad(g, inv, -n)
        return -(_T(inv) @ gi @ _T(inv))
    at = _T(np.asarray(a))
    powers = [np.broadcast_to(np.eye(at.shape[-1]), at.shape)]
    for _ in range(1, n):
        powers.append(powers[-1] @ at)
    out = np.zeros(np.shape(a))
    for k in range(n):
        out = out + powers[k] @ g @ powers[n - 1 - k]
    return out


def matrix_power_tangent(tangent, a, n):
    if n < 0:
        inv = np.linalg.inv(a)
        return matrix_power_tangent(-(inv @ tangent @ inv), inv, -n)
    a = np.asarray(a)
    powers = [np.broadcast_to(np.eye(a.shape[-1]), a.shape)]
    for _ in range(1, n):
        powers.append(powers[-1] @ a)
    out = np.zeros(a.shape)
    for k in range(n):
        out = out + powers[k] @ tangent @ powers[n - 1 - k]
    return out


def slogdet_grad(g, a):
    """Adjoint of np.linalg.slogdet: only log|det| passes gradient (the sign is constant)."""
    if _zero(g) or _zero(g[1]):
        return 0
    return np.asarray(g[1])[..., None, None] * _T(np.linalg.inv(a))


def slogdet_tangent(tangent, a, z):
    dlog = np.trace(np.linalg.solve(a, tangent), axis1=-2, axis2=-1)
    return (np.zeros(np.shape(z[0])), dlog)


def _phi(x):
    """Lower triangle with the diagonal halved."""
    return np.tril(x) - 0.5 * np.eye(x.shape[-1]) * x


def cholesky_grad(g, L, upper=False):
    """Adjoint of np.linalg.cholesky (Murray 2016), symmetric like PyTorch's."""
    if _zero(g):
        return 0
    if upper:
        L, g = _T(L), _T(g)
    Li = np.linalg.inv(L)
    S = _T(Li) @ _phi(_T(L) @ g) @ Li
    return 0.5 * (S + _T(S))


def cholesky_tangent(tangent, L, upper=False):
    if upper:
        L = _T(L)
    Li = np.linalg.inv(L)
    dL = L @ _phi(Li @ tangent @ _T(Li))
    return _T(dL) if upper else dL


def qr_grad(g, a, z, mode="reduced"):
    """Adjoint of np.linalg.qr (reduced, m >= n), as in TensorFlow and PyTorch."""
    if _zero(g):
        return 0
    if mode not in ("reduced", "complete") or (mode == "complete" and np.shape(a)[-2] != np.shape(a)[-1]) \
            or np.shape(a)[-2] < np.shape(a)[-1]:
        raise NotImplementedError("srcgrad: np.linalg.qr gradient needs mode='reduced' and m >= n")
    q, r = z
    gq = np.zeros(np.shape(q)) if _zero(g[0]) else g[0]
    gr = np.zeros(np.shape(r)) if _zero(g[1]) else g[1]
    qdq = _T(q) @ gq
    rdr = r @ _T(gr)
    m = np.tril(qdq - _T(qdq) + rdr - _T(rdr))
    rinv_t = _T(np.linalg.inv(r))
    return q @ (gr + m @ rinv_t) + (gq - q @ qdq) @ rinv_t


def qr_tangent(tangent, a, z, mode="reduced"):
    q, r = z
    rinv = np.linalg.inv(r)
    x = _T(q) @ tangent @ rinv
    low = np.tril(x, -1)
    omega = low - _T(low)
    dr = (x - omega) @ r
    dq = tangent @ rinv - q @ (x - omega)
    return (dq, dr)


def _gap(w):
    """F[i, j] = 1 / (w[j] - w[i]) off the diagonal, 0 on it."""
    diff = w[..., None, :] - w[..., :, None]
    off = ~np.eye(w.shape[-1], dtype=bool)
    return np.where(off, 1.0 / np.where(off, diff, 1.0), 0.0)


def eigh_grad(g, z):
    """Adjoint of np.linalg.eigh (distinct eigenvalues), symmetrized."""
    if _zero(g):
        return 0
    w, v = z
    inner = np.zeros(np.shape(v))
    if not _zero(g[0]):
        inner = inner + np.asarray(g[0])[..., None, :] * np.eye(w.shape[-1])
    if not _zero(g[1]):
        inner = inner + _gap(w) * (_T(v) @ g[1])
    out = v @ inner @ _T(v)
    return 0.5 * (out + _T(out))


def eigh_tangent(tangent, z):
    w, v = z
    p = _T(v) @ tangent @ v
    return (np.diagonal(p, axis1=-2, axis2=-1).copy(), v @ (_gap(w) * p))


def eigvalsh_grad(g, a, uplo="L"):
    if _zero(g):
        return 0
    _, v = np.linalg.eigh(a, uplo)
    out = (v * np.asarray(g)[..., None, :]) @ _T(v)
    return 0.5 * (out + _T(out))


def eigvalsh_tangent(tangent, a, uplo="L"):
    _, v = np.linalg.eigh(a, uplo)
    return np.diagonal(_T(v) @ tangent @ v, axis1=-2, axis2=-1).copy()


def _svd_f(s):
    s2 = s * s
    diff = s2[..., None, :] - s2[..., :, None]
    off = ~np.eye(s.shape[-1], dtype=bool)
    return np.where(off, 1.0 / np.where(off, diff, 1.0), 0.0)


def svd_grad(g, a, z, full_matrices=True, compute_uv=True):
    """Adjoint of np.linalg.svd (distinct singular values; the extra columns of full U/V
    get no gradient, as in PyTorch)."""
    if _zero(g):
        return 0
    if not compute_uv:
        return svdvals_grad(g, a)
    u, s, vh = z
    k = s.shape[-1]
    u, vh = u[..., :, :k], vh[..., :k, :]
    v = _T(vh)
    gu = 0 if _zero(g[0]) else np.asarray(g[0])[..., :, :k]
    gs = 0 if _zero(g[1]) else g[1]
    gv = 0 if _zero(g[2]) else _T(np.asarray(g[2])[..., :k, :])
    f = _svd_f(s)
    S = s[..., None, :] * np.eye(k)
    Si = (1.0 / s)[..., None, :] * np.eye(k)
    inner = np.zeros(np.shape(S))
    out = 0
    if not _zero(gs):
        inner = inner + np.asarray(gs)[..., None, :] * np.eye(k)
    if not _zero(gu):
        ut = _T(u) @ gu
        inner = inner + (f * (ut - _T(ut))) @ S
        out = out + (gu - u @ (_T(u) @ gu)) @ Si @ vh
    if not _zero(gv):
        vt = _T(v) @ gv
        inner = inner + S @ (f * (vt - _T(vt)))
        out = out + u @ Si @ _T(gv - v @ (_T(v) @ gv))
    return u @ inner @ vh + out


def svd_tangent(tangent, a, z, full_matrices=True, compute_uv=True):
    if not compute_uv:
        return svdvals_tangent(tangent, a)
    u, s, vh = z
    k = s.shape[-1]
    full_u, full_vh = u, vh
    u, vh = u[..., :, :k], vh[..., :k, :]
    v = _T(vh)
    dp = _T(u) @ tangent @ v
    f = _svd_f(s)
    S = s[..., None, :] * np.eye(k)
    Si = (1.0 / s)[..., None, :] * np.eye(k)
    ds = np.diagonal(dp, axis1=-2, axis2=-1).copy()
    du = u @ (f * (dp @ S + S @ _T(dp))) + (tangent @ v - u @ (_T(u) @ tangent @ v)) @ Si
    dv = v @ (f * (S @ dp + _T(dp) @ S)) + (_T(tangent) @ u - v @ (_T(v) @ _T(tangent) @ u)) @ Si
    du = np.concatenate([du, np.zeros(full_u.shape[:-1] + (full_u.shape[-1] - k,))], axis=-1)
    extra = full_vh.shape[:-2] + (full_vh.shape[-2] - k,) + full_vh.shape[-1:]
    dvh = np.concatenate([_T(dv), np.zeros(extra)], axis=-2)
    return (du, ds, dvh)   # the extra columns of full U/V: zero, as their adjoints are ignored


def svdvals_grad(g, a):
    if _zero(g):
        return 0
    u, _, vh = np.linalg.svd(a, full_matrices=False)
    return (u * np.asarray(g)[..., None, :]) @ vh


def svdvals_tangent(tangent, a):
    u, _, vh = np.linalg.svd(a, full_matrices=False)
    return np.diagonal(_T(u) @ tangent @ _T(vh), axis1=-2, axis2=-1).copy()


def pinv_grad(g, a, z):
    """Adjoint of np.linalg.pinv (constant rank; Golub and Pereyra)."""
    if _zero(g):
        return 0
    x = z
    m, n = np.shape(a)[-2], np.shape(a)[-1]
    gt = _T(g)
    return (-(_T(x) @ g @ _T(x))
            + (np.eye(m) - a @ x) @ gt @ x @ _T(x)
            + _T(x) @ x @ gt @ (np.eye(n) - x @ a))


def pinv_tangent(tangent, a, z):
    x = z
    m, n = np.shape(a)[-2], np.shape(a)[-1]
    dt = _T(tangent)
    return (-(x @ tangent @ x) + x @ _T(x) @ dt @ (np.eye(m) - a @ x)
            + (np.eye(n) - x @ a) @ dt @ _T(x) @ x)


def _chain2d(arrays):
    mats = [np.asarray(a) for a in arrays]
    if mats[0].ndim == 1:
        mats[0] = mats[0][None, :]
    if mats[-1].ndim == 1:
        mats[-1] = mats[-1][:, None]
    return mats


def multi_dot_grad(g, arrays):
    """Adjoint of np.linalg.multi_dot: one adjoint per matrix in the chain."""
    if _zero(g):
        return 0
    mats = _chain2d(arrays)
    G = np.asarray(g).reshape(mats[0].shape[0], mats[-1].shape[1])
    out = []
    for i in range(len(mats)):
        left = np.eye(mats[0].shape[0])
        for m in mats[:i]:
            left = left @ m
        right = np.eye(mats[-1].shape[1])
        for m in reversed(mats[i + 1:]):
            right = m @ right
        out.append((_T(left) @ G @ _T(right)).reshape(np.shape(arrays[i])))
    return out


def multi_dot_tangent(tangents, arrays):
    out = 0
    for i, t in enumerate(tangents):
        if _zero(t):
            continue
        ops = list(arrays)
        ops[i] = t
        out = out + np.linalg.multi_dot(ops)
    return out


def vecdot_grad(g, x1, x2, axis=-1):
    """Adjoint of `x1` in vecdot(x1, x2, axis): g * x2 broadcast, summed to x1's shape."""
    if _zero(g):
        return 0
    nd = max(np.ndim(x1), np.ndim(x2))
    return unbroadcast(np.expand_dims(np.asarray(g), axis % nd) * x2, x1)


def convolve_grad(g, a, v, mode="full", which=0, flipped=False):
    """Adjoint of np.convolve (flipped=False) or np.correlate (flipped=True) for `a` or `v`."""
    if _zero(g):
        return 0
    n, m = np.size(a), np.size(v)
    full = n + m - 1
    if mode == "full":
        off = 0
    elif mode == "valid":
        off = min(n, m) - 1
    elif not flipped or n >= m:
        off = (min(n, m) - 1) // 2
    else:
        off = n // 2
    G = np.zeros(full, dtype=np.result_type(g, float))
    G[off:off + np.size(g)] = g
    w = np.asarray(v)[::-1] if flipped else np.asarray(v)
    if which == 0:
        return np.correlate(G, w, "valid")
    out = np.correlate(G, np.asarray(a), "valid")
    return out[::-1] if flipped else out


def polyval_grad(g, p, x, which=0):
    """Adjoint of np.polyval for the coefficients (which=0) or the points (which=1)."""
    if _zero(g):
        return 0
    p = np.asarray(p, dtype=float)
    if which == 1:
        return g * np.polyval(np.polyder(p), x) if len(p) > 1 else 0.0 * np.asarray(x)
    x = np.asarray(x, dtype=float)
    powers = np.stack([x ** k for k in range(len(p) - 1, -1, -1)], axis=0)
    return np.sum((np.asarray(g) * powers).reshape(len(p), -1), axis=1)


def vander_grad(g, x, N=None, increasing=False):
    if _zero(g):
        return 0
    x = np.asarray(x, dtype=float)
    n = len(x) if N is None else N
    k = np.arange(n) if increasing else np.arange(n - 1, -1, -1)
    deriv = k * x[:, None] ** np.maximum(k - 1, 0)
    return np.sum(np.asarray(g) * deriv, axis=1)


def vander_x_tangent(tangent, x, N=None, increasing=False):
    x = np.asarray(x, dtype=float)
    n = len(x) if N is None else N
    k = np.arange(n) if increasing else np.arange(n - 1, -1, -1)
    return np.asarray(tangent)[:, None] * k * x[:, None] ** np.maximum(k - 1, 0)


def vector_norm_grad(g, x, z, ord=2, axis=None, keepdims=False):
    """Adjoint of a vector p-norm (ord any real or +-inf; 0 at the origin as in PyTorch)."""
    if _zero(g):
        return 0
    x = np.asarray(x, dtype=float)
    if axis is None:
        gb, zb = np.asarray(g), np.asarray(z)
    else:
        gb, zb = keep_reduced(g, x, axis, keepdims), keep_reduced(z, x, axis, keepdims)
    ax = axis
    ab = np.abs(x)
    if ord == 0:
        return np.zeros(x.shape)
    if ord in (np.inf, -np.inf):
        return gb * np.sign(x) * tie_split(ab, zb, ax, True)
    if ord == 1:
        return gb * np.sign(x)
    if ord == 2 or ord is None:
        safe = np.where(zb == 0, 1.0, zb)
        return np.where(zb == 0, 0.0, gb * x / safe)
    safe = np.where(zb == 0, 1.0, zb)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = gb * np.sign(x) * ab ** (ord - 1) / safe ** (ord - 1)
    return np.where(zb == 0, 0.0, np.nan_to_num(out, posinf=0.0, neginf=0.0) if ord < 1 else out)


def matrix_norm_grad(g, x, z, ord="fro", axis=(-2, -1), keepdims=False):
    """Adjoint of a matrix norm over `axis` (fro, nuc, 2, -2, 1, -1, inf, -inf)."""
    if _zero(g):
        return 0
    x = np.asarray(x, dtype=float)
    if ord in ("fro", None):
        return vector_norm_grad(g, x, z, 2, axis, keepdims)
    a0, a1 = (a % x.ndim for a in axis)
    gb = keep_reduced(g, x, axis, keepdims)
    m = np.moveaxis(x, (a0, a1), (-2, -1))
    gm = np.moveaxis(gb, (a0, a1), (-2, -1))
    if ord in ("nuc", 2, -2):
        u, s, vh = np.linalg.svd(m, full_matrices=False)
        if ord == "nuc":
            out = gm * (u @ vh)
        else:                          # the largest (2) or smallest (-2) singular value
            i = [0] if ord == 2 else [-1]
            out = gm * (u[..., :, i] @ vh[..., i, :])
    else:
        if ord in (1, -1):             # max/min column sum of |x|
            sums = np.sum(np.abs(m), axis=-2, keepdims=True)
        else:                          # max/min row sum
            sums = np.sum(np.abs(m), axis=-1, keepdims=True)
        zb = np.moveaxis(keep_reduced(z, x, axis, keepdims), (a0, a1), (-2, -1))
        hit = sums == zb
        out = gm * np.sign(m) * hit / np.sum(hit, axis=(-2, -1), keepdims=True)
    return np.moveaxis(out, (-2, -1), (a0, a1))


def linalg_norm_grad(g, x, z, ord=None, axis=None, keepdims=False):
    """Adjoint of np.linalg.norm for every `ord` it accepts."""
    nd = np.ndim(x)
    if axis is None and (ord is None or nd == 1 or (nd == 2 and ord is None)):
        if ord is None:
            return vector_norm_grad(g, np.ravel(x), z, 2).reshape(np.shape(x)) \
                if not _zero(g) else 0
        return vector_norm_grad(g, x, z, ord)
    if axis is None:
        axis = tuple(range(nd))
    if isinstance(axis, (tuple, list)) and len(axis) == 2:
        return matrix_norm_grad(g, x, z, "fro" if ord is None else ord, tuple(axis), keepdims)
    return vector_norm_grad(g, x, z, 2 if ord is None else ord, axis, keepdims)


def reduced_tangent(tangent, weights, axis=None, keepdims=False):
    """sum(tangent * weights) over `axis`: the tangent of a reduction with these weights."""
    if axis is None:
        return np.sum(tangent * weights, keepdims=keepdims)
    return np.sum(tangent * weights, axis=axis, keepdims=keepdims)


# --- breadth: scipy.special ----------------------------------------------------------------------

def bessel_ratio(z, x):
    """z / x for z = i1(x), j1(x) or i1e(x): its limit 1/2 at x = 0."""
    x = np.asarray(x, dtype=float)
    return np.where(x == 0, 0.5, z / np.where(x == 0, 1.0, x))


def boxcox_grad_lmbda(x, lmbda, z):
    """d/dlmbda of (x**lmbda - 1) / lmbda; log(x)**2 / 2 at lmbda = 0."""
    lm = np.asarray(lmbda, dtype=float)
    logx = np.log(x)
    safe = np.where(lm == 0, 1.0, lm)
    return np.where(lm == 0, 0.5 * logx * logx, (np.power(x, lm) * logx - z) / safe)


def ellip_grad(m, kind):
    """Derivative of the complete elliptic integral K(m) (kind "k") or E(m) (kind "e")."""
    from scipy.special import ellipe, ellipk
    m = np.asarray(m, dtype=float)
    safe = np.where(m == 0, 0.5, m)
    if kind == "k":
        out = (ellipe(safe) - (1 - safe) * ellipk(safe)) / (2 * safe * (1 - safe))
        return np.where(m == 0, np.pi / 8, out)
    return np.where(m == 0, -np.pi / 8, (ellipe(safe) - ellipk(safe)) / (2 * safe))


def logsumexp_weights(a, z, axis=None, b=None, keepdims=False, return_sign=False):
    """d logsumexp / da: b * exp(a - z), z broadcast back over the reduced axes."""
    if return_sign:
        raise NotImplementedError("srcgrad: scipy.special.logsumexp gradient with return_sign=True")
    w = np.exp(a - keep_reduced(z, a, axis, keepdims))
    return w if b is None else w * b
