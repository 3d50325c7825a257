"""The helpers that generated code calls.

Adjoints follow one convention: the integer ``0`` stands for "no gradient yet"
of any shape, so a helper that receives an adjoint must accept ``0``.
Adjoints of lists and tuples are lists, adjoints of dicts are dicts.

Helpers whose name ends in ``_at`` or that start with ``drop``/``zero`` update
their first argument in place; the compiler only passes them adjoints it owns.
Helpers that rules need for one primitive or a family live in `runtime.ops`
(and, by family, `runtime.reductions`, `runtime.shapes`, `runtime.linalg`).

`SHAPE_ONLY` records parameters a helper reads only for their shape, length or
dtype: reading those needs no snapshot of a value updated in place later.
"""

import math
import numbers

import numpy as np

from .kernels import (FEW_ROWS, add_reduce, dtype_of, outer_sum, row_sum, scatter_rows, spread,
                      stack_rows, sum_axes)

SHAPE_ONLY = {}


def shape_only(*positions):
    """Decorator: the helper reads the parameters at `positions` only for their shape."""
    def mark(fn):
        SHAPE_ONLY[fn] = tuple(positions)
        return fn
    return mark


_SCALARS = (float, int, bool, complex)
_ndarray = np.ndarray


_ZERO_TYPES = (int, float, np.float64, np.float32)
_SAME_DTYPE = (_ndarray, np.float64, np.float32, np.complex128, np.complex64)


def _zero(g):
    """True for "no gradient": the integer 0 the compiler starts adjoints with, or a scalar
    zero that arithmetic on it produced (`0 / n` is 0.0), whatever shape it stands for."""
    return type(g) in _ZERO_TYPES and g == 0


def zero_passes(fn):
    """Decorator for helpers whose first argument is a cotangent: no gradient in, none out."""
    import functools

    @functools.wraps(fn)
    def helper(g, *args, **kwargs):
        if _zero(g):
            return 0
        return fn(g, *args, **kwargs)
    return helper


# --- broadcasting -------------------------------------------------------------

@shape_only(1)
def unbroadcast(g, x):
    """Sum `g` (shaped like an elementwise result) down to the shape of `x`."""
    if type(g) is not _ndarray:
        if type(g) is list and not (type(x) in (list, tuple) and len(x) == len(g)):
            raise SequenceGradientError()
        if type(x) is _ndarray and x.ndim and isinstance(g, np.generic):
            return spread(g, x.shape)
        return g
    if type(x) is _ndarray:
        xshape = x.shape
    elif type(x) in _ZERO_TYPES:            # a real number: np.shape would cost a microsecond
        if g.ndim == 1:
            return add_reduce(g)            # g.sum() without its Python wrapper
        xshape = ()
    else:
        xshape = np.shape(x)
    if g.shape == xshape:
        return g
    return sum_to(g, xshape)


class SequenceGradientError(TypeError):
    def __init__(self):
        super().__init__(
            "srcgrad: the gradient of a list or tuple reached an arithmetic operator compiled "
            "for numbers or arrays (srcgrad could not tell the operand was a list or tuple "
            "where it compiled the function); convert it with np.array(...) first")


def sum_to(g, shape):
    """Sum `g` over the axes that broadcasting added to reach `shape`."""
    shape = tuple(shape)
    extra = g.ndim - len(shape)
    if extra == 1 and g.shape[0] <= FEW_ROWS and g.shape[1:] == shape:
        return add_reduce(g, 0)             # a bias's adjoint over a small batch
    axes = list(range(extra)) if extra > 0 else []
    axes += [i + extra for i, n in enumerate(shape) if n == 1 and g.shape[i + extra] != 1]
    if axes:
        g = sum_axes(g, axes)
    return g.reshape(shape) if g.shape != shape else g


@shape_only(1)
def broadcast_back(g, x, axis=None, keepdims=False):
    """The adjoint of a reduction over `axis`: spread `g` back over `x`'s shape."""
    shape = x.shape if type(x) is _ndarray else np.shape(x)
    if _zero(g):
        return 0
    if not keepdims and axis is not None and np.ndim(g):
        g = np.reshape(g, kept_shape(shape, axis))
    return spread(g, shape)


def kept_shape(shape, axis):
    """`shape` after a reduction over `axis` with keepdims=True (the reduced axes 1)."""
    kept = list(shape)
    for a in normalize_axis(axis, len(kept)):
        kept[a] = 1
    return kept


def normalize_axis(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (tuple, list)):
        return tuple(sorted(a % ndim if ndim else a for a in axis))
    return (axis % ndim,) if ndim else (axis,)


@shape_only(0)
def reduced_count(x, axis=None):
    """How many elements of `x` each result element of a reduction over `axis` sums."""
    shape = x.shape if type(x) is _ndarray else np.shape(x)
    if axis is None:
        return math.prod(shape)
    n = 1
    for a in normalize_axis(axis, len(shape)):
        n *= shape[a]
    return n


@shape_only(1)
def keep_reduced(z, x, axis=None, keepdims=False):
    """A reduction's result reshaped so it broadcasts against `x`."""
    nd = np.ndim(x)
    if keepdims or nd == 0:
        return z
    if axis is None:
        return np.reshape(z, (1,) * nd)
    return np.reshape(z, kept_shape(np.shape(x), axis))


# --- zeros and accumulation ------------------------------------------------------

def grad_dtype(x):
    dt = getattr(x, "dtype", None)
    if dt is None:
        return np.complex128 if isinstance(x, complex) else np.float64
    if dt.kind in "fc":
        return dt
    return np.float64


@shape_only(0)
def zeros_like_grad(x):
    """A zero adjoint with the structure of `x`, arrays filled in."""
    if type(x) is _ndarray:
        return np.zeros(x.shape, grad_dtype(x))
    if isinstance(x, (list, tuple)):
        return [zeros_like_grad(v) for v in x]
    if isinstance(x, dict):
        return {k: zeros_like_grad(v) for k, v in x.items()}
    if isinstance(x, np.generic):
        return np.zeros((), grad_dtype(x))[()]
    return 0.0


@shape_only(0)
def zeros_list(x):
    """The zero adjoint of a list that is appended to: one slot per element.

    In a loop the previous value may not be a list yet (a placeholder before
    the first iteration); it carries no gradient.
    """
    if type(x) is not list:
        return 0
    return [0] * len(x)


def seed_list(x, seed):
    """The adjoint of an appended list that is also the function's output: the
    caller's gradient `seed`, copied (helpers pop from it and update its items in
    place), or one zero slot per element when the caller sends none."""
    if _zero(seed) or seed is None:
        return zeros_list(x)
    return add_private(0, seed)


# adjoint types whose `+` is the sum of two gradients, with no zero or structure to look at
_PLAIN_SUM = (_ndarray, float, np.float64)


def add(a, b):
    """a + b for adjoints of any structure; 0 is the identity."""
    ta = type(a)
    if ta is type(b) and ta in _PLAIN_SUM:
        return a + b
    if _zero(a) or a is None:
        return b
    if _zero(b) or b is None:
        return a
    if isinstance(a, list) or isinstance(b, list) or isinstance(a, tuple) or isinstance(b, tuple):
        if len(a) != len(b):
            raise ValueError(f"srcgrad internal error: adding adjoints of lengths {len(a)} and {len(b)}")
        # a list's adjoint is mostly zeros or plain sums: decide those here, not in a call each
        return [v if type(u) is int and u == 0 else
                u + v if type(u) is type(v) and type(u) in _PLAIN_SUM else add(u, v)
                for u, v in zip(a, b)]
    if isinstance(a, dict) or isinstance(b, dict):
        out = dict(a)
        for k, v in b.items():
            out[k] = add(out.get(k, 0), v)
        return out
    return a + b


def add_private(a, b):
    """add(a, b) for an adjoint that helpers update in place: the result never shares b's buffer."""
    if _zero(a) or a is None:
        if type(b) is _ndarray:
            return b.copy()
        if type(b) is list:
            return [v.copy() if type(v) is _ndarray else v for v in b]
        if type(b) is dict:
            return {k: v.copy() if type(v) is _ndarray else v for k, v in b.items()}
        return b
    return add(a, b)


def _plain(index):
    """A tuple index of ints and slices: a view, so `acc[index] += g` updates acc.
    (Stricter than _is_basic_index: a bool there counts as Integral but makes a copy.)"""
    for i in index:
        if type(i) is not int and type(i) is not slice:
            return False
    return True


def _is_basic_index(index):
    if type(index) in (int, slice) or index is None or index is Ellipsis:
        return True
    if type(index) is tuple:
        return all(type(i) in (int, slice) or i is None or i is Ellipsis
                   or isinstance(i, numbers.Integral) for i in index)
    return isinstance(index, numbers.Integral)


@shape_only(1)
def add_at(acc, x, index, g):
    """Add `g` into `acc[index]`, creating `acc` (zeros shaped like `x`) if _zero(it)."""
    ta = type(acc)
    if ta is _ndarray:
        if _in_place(acc, index, g, False):
            return acc
    elif ta is list and type(index) is int:
        acc[index] = add(acc[index], g)     # one element of a list's adjoint
        return acc
    elif ta is int and acc == 0:
        tx = type(x)
        if tx is _ndarray and type(g) is _ndarray and x.dtype is g.dtype and \
                x.dtype.kind in "fc" and _is_basic_index(index):
            acc = np.zeros(x.shape, x.dtype)    # the first part of an array's adjoint
            acc[index] = g
            return acc
        if (tx is tuple or tx is list) and type(index) is int and not _zero(g):
            acc = [0] * len(x)                  # the first item of a returned tuple's adjoint
            acc[index] = g
            return acc
    if _zero(g):
        return acc
    if type(x) is _ndarray or isinstance(acc, _ndarray):
        if type(acc) is _ndarray and not acc.flags.writeable:
            acc = acc.copy()        # a broadcast tangent: never update the array it views
        if _zero(acc):
            dx, dg = grad_dtype(x), dtype_of(g)
            acc = np.zeros(np.shape(x), dx if dx is dg else np.result_type(dx, dg))
        elif np.iscomplexobj(g) and not np.iscomplexobj(acc):
            acc = acc.astype(np.result_type(acc, g))
        if _is_basic_index(index):
            acc[index] += g
        elif type(index) is not _ndarray or not scatter_rows(acc, index, g):
            np.add.at(acc, index, g)
        return acc
    if isinstance(x, dict):
        if _zero(acc):
            acc = {}
        acc[index] = add(acc.get(index, 0), g)
        return acc
    if isinstance(x, (list, tuple)):
        if _zero(acc):
            acc = [0] * len(x)
        if type(index) is slice:
            for i, v in zip(range(*index.indices(len(acc))), g):
                acc[i] = add(acc[i], v)
        else:
            acc[index] = add(acc[index], g)
        return acc
    raise TypeError(f"srcgrad: cannot index the gradient of a {type(x).__name__}")


@shape_only(1)
def sub_at(acc, x, index, g):
    """add_at(acc, x, index, -g), subtracting where the array allows it: no negated copy of g."""
    if type(acc) is _ndarray and _in_place(acc, index, g, True):
        return acc
    return add_at(acc, x, index, -g)


@shape_only(1)
def set_at(acc, x, index, g):
    """add_at(acc, x, index, g) where acc[index] still holds zeros (the compiler proved no
    earlier update of acc reached those positions): one copy instead of read, add, write."""
    ta = type(acc)
    if ta is _ndarray:
        tg = type(g)
        if tg is float or (tg in _SAME_DTYPE and g.dtype is acc.dtype):     # nothing to widen
            try:
                acc[index] = g
                return acc
            except ValueError:              # read-only, or shapes that do not fit: add_at says
                pass
    elif ta is list and type(index) is int:
        acc[index] = g
        return acc
    return add_at(acc, x, index, g)


@shape_only(1)
def outer_sums_at(acc, x, terms):
    """add_at(acc, x, index, a[:, None] * b) for each (index, a, b) a loop collected: the
    pairs of one index summed as one product (`outer_sum`), then added in once."""
    groups = {}
    for index, a, b in terms:
        if type(index) is int:
            groups.setdefault(index, []).append((a, b))
        else:                               # a slice or an array: no grouping, one at a time
            acc = add_at(acc, x, index, a[:, None] * b)
    for index, pairs in groups.items():
        firsts, seconds = zip(*pairs)
        acc = add_at(acc, x, index, outer_sum(stack_rows(firsts), stack_rows(seconds)))
    return acc


@shape_only(1)
def dot_sums_at(acc, x, terms, subtract=False):
    """add_at(acc, x, index, np.dot(a, m)) (sub_at when `subtract`) for each (index, a, m)
    a loop collected.  A dot is linear in `a`: the terms of one index and one matrix
    object add their `a`s first and take one product.  The lists hold the matrices, so
    equal ids mean the very same arrays."""
    groups = {}
    for index, a, m in terms:
        if type(index) is int:
            group = groups.get((index, id(m)))
            if group is None:
                groups[(index, id(m))] = (index, m, [a])
            else:
                group[2].append(a)
        else:                               # a slice or an array: no grouping, one at a time
            acc = _update(acc, x, index, np.dot(a, m), subtract)
    for index, m, firsts in groups.values():
        total = firsts[0] if len(firsts) == 1 else row_sum(stack_rows(firsts))
        if not _zero(total):
            acc = _update(acc, x, index, np.dot(total, m), subtract)
    return acc


def _update(acc, x, index, g, subtract):
    return sub_at(acc, x, index, g) if subtract else add_at(acc, x, index, g)


def _in_place(acc, index, g, subtract):
    """Try `acc[index] += g` (or `-=`) on the array `acc`, and say whether it was done.

    Only a plain index and a `g` of acc's own dtype (nothing to widen) are tried; a
    read-only `acc` (a broadcast view) raises before anything is written and is left
    to the general path, which copies it."""
    ti, tg = type(index), type(g)
    if (ti is int or ti is slice or (ti is tuple and _plain(index))) and (
            tg is float or (tg in _SAME_DTYPE and g.dtype is acc.dtype)):
        try:
            part = acc[index]
            if type(part) is not _ndarray:     # one element of a vector: not a view
                acc[index] = part - g if subtract else part + g
            elif subtract:
                part -= g                      # a view: no write-back needed
            else:
                part += g
            return True
        except ValueError:
            return False
    return False


def grad_at(acc, index):
    """A copy of `acc[index]`, or 0 when `acc` holds no gradient: the adjoint of the values
    `x[index] = v` stored.  Where an index array repeats a position, only the value that
    stayed there gets gradient; the ones it overwrote get zero."""
    if _zero(acc):
        return 0
    if isinstance(acc, dict):
        return acc.get(index, 0)
    v = acc[index]
    if type(v) is not _ndarray:
        return v
    v = v.copy()
    if not _is_basic_index(index) and _may_repeat(index):
        ids = np.arange(v.size).reshape(v.shape)
        kept = np.full(acc.shape, -1)
        kept[index] = ids                   # written the way NumPy wrote the values
        v[kept[index] != ids] = 0
    return v


def _may_repeat(index):
    """Does an index hold an integer array (or list) that could name a position twice?"""
    parts = index if type(index) is tuple else (index,)
    return any((type(i) is _ndarray and i.dtype.kind in "iu" and i.size > 1)
               or (type(i) is list and len(i) > 1) for i in parts)


def zero_at(acc, index):
    """Set `acc[index]` to zero in place."""
    if _zero(acc):
        return 0
    if type(acc) is _ndarray and not acc.flags.writeable:
        acc = acc.copy()
    if isinstance(acc, dict):
        acc.pop(index, None)
    elif isinstance(acc, list):
        if type(index) is slice:
            for i in range(*index.indices(len(acc))):
                acc[i] = 0
        else:
            acc[index] = 0
    else:
        acc[index] = 0
    return acc


def last_grad(acc):
    """The adjoint of a list's last element."""
    return acc[-1] if (type(acc) is list or not _zero(acc)) and acc else 0


def drop_last(acc):
    """Undo an append on the adjoint of a list."""
    if (type(acc) is list or not _zero(acc)) and acc:
        acc.pop()
    return acc


def item_grad(acc, index):
    """acc[index] for an adjoint that may be 0 (no gradient)."""
    if _zero(acc) or acc is None:
        return 0
    if isinstance(acc, dict):
        return acc.get(index, 0)
    return acc[index]


# --- snapshots -------------------------------------------------------------------

def snapshot(v):
    """A copy of `v` that later in-place updates cannot change."""
    if type(v) is _ndarray:
        return v.copy()
    if type(v) is list:
        return list(v)
    if type(v) is dict:
        return dict(v)
    return v


# --- shapes of the final gradients ---------------------------------------------------

@shape_only(1)
def as_grad(g, x):
    """Convert a raw adjoint to the type, shape and dtype of the argument `x`."""
    tx = type(x)
    if tx is float:
        return float(np.real(g)) if not _zero(g) else 0.0
    if tx is complex:
        return complex(g) if not _zero(g) else 0j
    if tx is _ndarray:
        if (type(g) is _ndarray and g.shape == x.shape and g.dtype == x.dtype and g.base is None
                and g.flags.writeable and x.dtype.kind in "fc"):
            return g                # already a fresh array of the right kind
        dtype = x.dtype if x.dtype.kind in "fc" else np.float64
        if _zero(g):
            return np.zeros(x.shape, dtype)
        if dtype.kind == "f" and np.iscomplexobj(g):
            g = np.real(g)
        out = np.asarray(g)
        if out.shape != x.shape:
            out = np.broadcast_to(out, x.shape)
        if out.dtype != dtype or not out.flags.writeable or out.base is not None:
            out = np.array(out, dtype=dtype)
        return out
    if isinstance(x, np.generic):
        dtype = x.dtype if x.dtype.kind in "fc" else np.dtype(np.float64)
        return dtype.type(0 if _zero(g) else (np.real(g) if dtype.kind == "f" else g))
    if tx is list or tx is tuple:
        items = [as_grad(item_grad(g, i), v) for i, v in enumerate(x)]
        return items if tx is list else tx(items)
    if isinstance(x, tuple):   # namedtuple
        return tx(*[as_grad(item_grad(g, i), v) for i, v in enumerate(x)])
    if isinstance(x, dict):
        return type(x)((k, as_grad(item_grad(g, k), v)) for k, v in x.items())
    if isinstance(x, (int, bool)):
        return 0.0 if _zero(g) else float(np.real(g))
    return g


def shape_pattern(names, values):
    """((name, size classes), ...) for the array values: equal sizes get equal class
    numbers, size 1 the number 1 (analysis.shapes reads this, not the sizes)."""
    classes = {1: 1}
    out = []
    for name, v in zip(names, values):
        if type(v) is _ndarray:
            out.append((name, tuple([classes.setdefault(n, len(classes) + 1) for n in v.shape])))
    return tuple(out)


def seed_like(out):
    """The cotangent 1 for a scalar (or single-element) output."""
    if type(out) is float:
        return 1.0
    if type(out) is _ndarray:
        return np.ones(out.shape, out.dtype if out.dtype.kind in "fc" else np.float64)
    if isinstance(out, np.generic):
        return out.dtype.type(1) if out.dtype.kind in "fc" else 1.0
    return 1.0


# --- helpers specific to some rules ------------------------------------------------

def sign(x):
    """The derivative factor of |x|: sign(x) with sign(0) = 0, cheap for Python floats.

    For complex x it is conj(x) / |x|, the factor of the conjugated cotangents
    generated code carries (see rules/complex_numbers.py).
    """
    if type(x) is float or type(x) is int:
        return (x > 0) - (x < 0)
    if np.iscomplexobj(x):
        return np.conj(np.sign(x))
    return np.sign(x)


def numpy_scalars(args):
    """Python floats in `args` (a tuple or dict) as NumPy float64 scalars."""
    if isinstance(args, dict):
        return {k: np.float64(v) if type(v) is float else v for k, v in args.items()}
    return tuple(np.float64(v) if type(v) is float else v for v in args)


def finish_grads(raw, inputs, conj=True):
    """The gradients handed back for adjoints `raw` of `inputs`: each converted by
    `as_grad`, none sharing memory with another, and (conj) complex ones conjugated
    from carried cotangents to PyTorch's convention."""
    grads = distinct([as_grad(g, x) for g, x in zip(raw, inputs)])
    for g in grads:
        if type(g) is not _ndarray or g.dtype.kind == "c":
            return tuple(conj_complex(grads)) if conj else tuple(grads)
    return tuple(grads)                   # all real arrays: nothing to conjugate


def distinct(grads):
    """`grads` with any array that appears twice copied: one adjoint can serve two inputs
    (`x + y`), but the gradients handed back must not share memory."""
    out = list(grads)
    if len(out) == 1:
        return out
    seen = set()
    for i, g in enumerate(out):
        if type(g) is _ndarray:
            if id(g) in seen:
                out[i] = g.copy()
            seen.add(id(g))
    return out


def conj_complex(g):
    """Conjugate the complex leaves of a gradient (from carried cotangents to PyTorch's)."""
    if type(g) is _ndarray:
        return np.conj(g) if g.dtype.kind == "c" else g
    if isinstance(g, (complex, np.complexfloating)):
        return type(g)(np.conj(g))
    if type(g) is list:
        return [conj_complex(v) for v in g]
    if isinstance(g, tuple):
        items = [conj_complex(v) for v in g]
        return type(g)(*items) if hasattr(g, "_fields") else tuple(items)
    if type(g) is dict:
        return {k: conj_complex(v) for k, v in g.items()}
    return g


def sequence(obj):
    """Something indexable with the items a `for` loop over `obj` would see."""
    if type(obj) in (list, tuple, range, _ndarray):
        return obj
    return list(obj)
