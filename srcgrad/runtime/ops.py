"""Helpers used by the templates of particular primitives, and by forward-mode code.

Adjoints may be the integer 0 ("no gradient yet"); each helper accepts it
where it can be passed one.  Families of helpers live beside this module:
`reductions` (elementwise and reductions), `shapes` (shape, layout and selection),
`linalg` (linear algebra and scipy.special).
"""

import math

import numpy as np

from . import (_zero, broadcast_back, keep_reduced, normalize_axis, shape_only, sum_to, unbroadcast,
               zero_passes)
from .kernels import contract, count_nonzero, float_type, spread

_ndarray = np.ndarray


def _unbatched(g, x, y):
    """True when `x @ y` is a plain matrix or vector product of arrays: no batch axes,
    no broadcasting, so each adjoint is a single product."""
    return (type(g) is _ndarray and type(x) is _ndarray and type(y) is _ndarray
            and x.ndim <= 2 and y.ndim <= 2 and g.ndim == x.ndim + y.ndim - 2)


def matmul_grad_x(g, x, y):
    """Adjoint of `x` in `x @ y` for every combination of 1-D and N-D operands.

    Bilinear in (g, y); a zero `y` (a tangent that is 0) gives 0 as a zero `g` does.
    """
    if _unbatched(g, x, y):
        if y.ndim == 1:
            return g[:, None] * y if x.ndim == 2 else g * y
        return g @ y.T if x.ndim == 2 else y @ g
    if _zero(g) or _zero(y):
        return 0
    if type(x) is _ndarray and type(y) is _ndarray and x.ndim == 1 and x.shape == y.shape:
        return g * y                # an inner product
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
    """Adjoint of `y` in `x @ y` (bilinear in (g, x))."""
    if _unbatched(g, x, y):
        if x.ndim == 1:
            return x[:, None] * g if y.ndim == 2 else g * x
        return x.T @ g if y.ndim == 2 else g @ x
    if _zero(g) or _zero(x):
        return 0
    if type(x) is _ndarray and type(y) is _ndarray and y.ndim == 1 and x.shape == y.shape:
        return g * x                # an inner product
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
    """Adjoint of `a` in `np.dot(a, b)` (bilinear in (g, y))."""
    if _zero(y):
        return 0
    if np.ndim(x) == 0 or np.ndim(y) == 0:
        return unbroadcast(g * y, x)
    if np.ndim(y) <= 2:
        return matmul_grad_x(g, x, y)
    # N-D: dot sums over the last axis of a and the second-to-last of b
    return np.tensordot(g, y, axes=(list(range(np.ndim(x) - 1, np.ndim(g))),
                                    [i for i in range(np.ndim(y)) if i != np.ndim(y) - 2]))


@zero_passes
def dot_grad_y(g, x, y):
    """Adjoint of `b` in `np.dot(a, b)` (bilinear in (g, x))."""
    if _zero(x):
        return 0
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


def extremum_grad(g, x, z, axis=None, keepdims=False):
    """The adjoint of `z`, a max or min of `x`: `g` at the positions that reached it, ties
    sharing equally.  broadcast_back(g, ...) * tie_split(...) in fewer array operations."""
    if _zero(g):
        return 0
    if axis is None:
        mask = np.equal(x, z)
        n = int(count_nonzero(mask))        # a Python int keeps g's dtype in g / n
        if n == 1:
            return mask * g
        return mask * (g / n) if n else mask / n * g     # no position (a nan): nan, as tie_split
    return broadcast_back(g, x, axis, keepdims) * tie_split(x, z, axis, keepdims)


def tie_split(x, z, axis=None, keepdims=False):
    """Mask of the positions of `x` equal to the reduction result `z`, ties sharing equally."""
    if axis is None:
        mask = np.equal(x, z)
        return mask / count_nonzero(mask)
    mask = np.equal(x, keep_reduced(z, x, axis, keepdims))
    return mask / mask.sum(axis=axis, keepdims=True)


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


_NESTED = (list, tuple, np.ndarray)
_NUMBERS = frozenset((float, int, np.float64, np.float32, complex, np.complex128))


def _flat(items):
    """No item of `items` is a sequence: the set of their types when that settles it, else
    a loop (a generator here costs more than the test)."""
    if _NUMBERS.issuperset(map(type, items)):
        return True
    for v in items:
        if isinstance(v, _NESTED):
            return False
    return True


def array_grad(g, obj):
    """The adjoint of np.array(obj) in the structure of `obj` (nested lists of scalars/arrays)."""
    if _zero(g):
        return 0
    if isinstance(obj, (list, tuple)):
        if np.ndim(g) == 0:                 # a scalar cotangent stands for the same value everywhere
            return [array_grad(g, v) for v in obj]
        if type(g) is _ndarray and g.ndim == 1 and g.dtype.kind in "fc" and _flat(obj):
            return g.tolist()               # a list of numbers: one Python number each
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
        flat = np.zeros(x.size, dtype=float_type(g))
        idx = np.repeat(np.arange(x.size), repeats)
        np.add.at(flat, idx, np.ravel(g))
        return flat.reshape(x.shape)
    ax = axis % x.ndim
    idx = np.repeat(np.arange(x.shape[ax]), repeats)
    out = np.zeros(x.shape, dtype=float_type(g))
    moved = np.moveaxis(out, ax, 0)
    np.add.at(moved, idx, np.moveaxis(np.asarray(g), ax, 0))
    return out


@shape_only(1)
@zero_passes
def take_grad(g, x, indices, axis=None):
    x_shape = np.shape(x)
    out = np.zeros(x_shape, dtype=float_type(g))
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
    out = np.zeros((n, m), dtype=float_type(g))
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
    rest = [op for j, op in enumerate(operands) if j != i]
    if len(rest) == 1 and type(g) is _ndarray and type(rest[0]) is _ndarray:
        res = contract(expr, g, rest[0])
    else:
        res = np.einsum(expr, g, *rest, optimize=len(rest) > 1)
    if keep != target:     # indices summed only inside operand i: spread back over them
        shape = np.shape(operands[i])
        res = spread(np.reshape(res, [n if c in available else 1 for c, n in zip(target, shape)]),
                     shape)
    return res


@zero_passes
def det_grad(g, a, z):
    """Adjoint of np.linalg.det: g * det(a) * inv(a)^T, batched over leading axes."""
    scale = np.asarray(g * z)[..., None, None]
    return scale * np.swapaxes(np.linalg.inv(a), -1, -2)


def sum_grad(g, iterable):
    """Adjoint of builtins.sum over `iterable`: every item gets `g`, summed back to the item's
    own shape where adding broadcast it."""
    if _zero(g):
        return 0
    if type(iterable) is _ndarray:
        return np.broadcast_to(g, iterable.shape)
    return [unbroadcast(g, v) for v in iterable]


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


def fit_update(tangent, x, y):
    """A tangent contribution broadcast to the shape of `x` after `x op= y`: x's own
    for an array, updated in place; x and y broadcast together for a number, rebound."""
    if type(x) is _ndarray:
        return fit(tangent, x)
    if _zero(tangent):
        return 0
    shape = np.broadcast_shapes(np.shape(x), np.shape(y))
    return tangent if np.shape(tangent) == shape else np.broadcast_to(tangent, shape)


def tangent_matmul(a, b):
    """a @ b in tangent code, where a factor may be the number 0 standing for a zero
    tangent (or its transpose, a 0-d array): matmul takes no scalars, so only such a
    stand-in can be one, and the product is zero."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return 0
    return a @ b


def tangent_dot(a, b):
    """np.dot in tangent code.  np.dot takes scalars, so a factor that is the 0 standing
    for a zero tangent (or its transpose, a 0-d array) would spread the product to the
    other factor's shape; a 0-d zero factor gives that stand-in instead."""
    if (np.ndim(a) == 0 and not a) or (np.ndim(b) == 0 and not b):
        return 0
    return np.dot(a, b)


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
        acc = np.zeros(np.shape(x), float_type(x, v))
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


def list_tangent(tangent):
    """The tangent of list(x): a new list of x's item tangents (0 when x has none)."""
    return 0 if _zero(tangent) else list(tangent)


def pop_tangent(acc, index=-1):
    """The tangent of `lst.pop(index)`, popped from the list's tangent `acc` in step."""
    return 0 if _zero(acc) or not acc else acc.pop(index)


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
