"""Faster spellings of the array work backward code does most: spreading a
reduced cotangent back, summing one down, scattering rows, two-operand
einsum contractions and sums of outer products collected over a loop.

Each gives NumPy's answer up to rounding.  NumPy's own spellings pay for
generality here: `np.broadcast_to` and `np.prod` cost microseconds of Python,
a sum over a short last axis runs 20x slower than a product with a vector of
ones, `np.add.at` with an index array is 5-10x slower than `np.bincount`, and
einsum without a contraction plan loops in C where a batched matmul would
call BLAS.
"""

import math

import numpy as np

try:        # the C function: np.count_nonzero's Python wrapper costs more than counting 5 flags
    from numpy._core.multiarray import count_nonzero
except ImportError:     # NumPy 1.x
    from numpy.core.multiarray import count_nonzero

_ndarray = np.ndarray

# Below this many elements a filled copy is cheaper than a broadcast view.
SMALL = 8192

_F64 = np.dtype(np.float64)

# Above this many rows a sum is cheaper as a product with ones (measured on 64..1000
# rows of 2..1024); below it, np.add.reduce.
FEW_ROWS = 128
add_reduce = np.add.reduce


def dtype_of(v):
    """np.result_type(v) for one value; NumPy's dispatch costs a microsecond or more."""
    dt = getattr(v, "dtype", None)
    if dt is not None:
        return dt
    return _F64 if type(v) is float else np.result_type(v)


def float_type(*values):
    """np.result_type(*values, float): at least float64, complex if any value is."""
    dts = [dtype_of(v) for v in values]
    if all(dt is _F64 for dt in dts):
        return _F64
    return np.result_type(*dts, float)


def spread(g, shape):
    """`g` broadcast to `shape`: a fresh array when small, a read-only view otherwise."""
    if math.prod(shape) <= SMALL:
        out = np.empty(shape, dtype_of(g))
        out[...] = g
        return out
    return np.broadcast_to(g, shape)


def sum_axes(g, axes):
    """np.sum(g, axis=axes) (axes sorted and non-negative).

    Summing many rows is a product with a vector of ones, which BLAS does several
    times faster than np.sum; for a hundred rows or fewer np.sum's lower set-up wins.
    """
    nd = g.ndim
    k = len(axes)
    if g.size >= 64 and g.dtype.kind in "fc" and g.flags.c_contiguous and k < nd:
        if axes[-1] == k - 1:                      # a leading block
            lead = math.prod(g.shape[:k])
            if lead > FEW_ROWS:
                out = np.ones(lead, g.dtype) @ g.reshape(lead, -1)
                out.shape = g.shape[k:]            # in place: the result owns its memory
                return out
        elif axes[0] == nd - k and axes[-1] == nd - 1:   # a trailing block
            tail = math.prod(g.shape[nd - k:])
            if g.size // tail > FEW_ROWS:
                out = g.reshape(-1, tail) @ np.ones(tail, g.dtype)
                out.shape = g.shape[:nd - k]
                return out
    return add_reduce(g, tuple(axes))          # g.sum without its Python wrapper


def scatter_rows(acc, index, g):
    """np.add.at(acc, index, g) for a 1-D integer `index` into axis 0; False when it does not apply."""
    n = acc.shape[0]
    cols = math.prod(acc.shape[1:])
    if (index.ndim != 1 or index.dtype.kind not in "iu" or cols > 32 or index.size < 256
            or acc.dtype.kind != "f" or not acc.flags.c_contiguous or np.iscomplexobj(g)):
        return False
    if index.min() < 0 or index.max() >= n:
        return False                               # np.add.at wraps or raises as it should
    rows = np.broadcast_to(g, index.shape + acc.shape[1:]).reshape(index.size, cols)
    flat = acc.reshape(n, cols)                    # a view: acc is contiguous
    for j in range(cols):
        flat[:, j] += np.bincount(index, rows[:, j], minlength=n)
    return True


def stack_rows(rows):
    """The vectors a loop collected, one per step, as the rows of one matrix; the list
    itself when they are not all vectors of one shape (the sums below then go one by one).
    A matrix is taken as stacked already."""
    if type(rows) is _ndarray:
        return rows
    if rows and type(rows[0]) is _ndarray and rows[0].ndim == 1:
        try:
            stacked = np.array(rows)
        except ValueError:              # vectors of several lengths, or a zero stand-in
            return rows
        if stacked.ndim == 2 and stacked.dtype != object:
            return stacked
    return rows


def outer_sum(firsts, seconds):
    """The sum of a[:, None] * b over the steps' pairs (a, b), given as `stack_rows` made
    them: one product of the stacked vectors (T outer products and additions become one
    matmul), or the products added one by one, exactly as the loop would have."""
    if type(firsts) is _ndarray and type(seconds) is _ndarray:
        return firsts.T @ seconds
    total = 0
    for a, b in zip(firsts, seconds):
        total = total + a[:, None] * b
    return total


def row_sum(rows):
    """The sum of the steps' vectors, given as `stack_rows` made them."""
    if type(rows) is _ndarray:
        return add_reduce(rows, 0)
    total = 0
    for v in rows:
        total = total + v
    return total


_PLANS = {}


def contract(spec, a, b):
    """np.einsum(spec, a, b) for explicit subscripts ("ij,jk->ik"), as one batched matmul."""
    if type(a) is not _ndarray or type(b) is not _ndarray or a.dtype.kind not in "fc" \
            or b.dtype.kind not in "fc":
        return np.einsum(spec, a, b)            # sums of integers or booleans keep einsum's types
    key = (spec, a.shape, b.shape)
    plan = _PLANS.get(key)
    if plan is None:
        if len(_PLANS) > 512:
            _PLANS.clear()
        plan = _PLANS[key] = _plan(spec, a.shape, b.shape)
    if plan is False:
        return np.einsum(spec, a, b)
    sum_a, perm_a, shape_a, sum_b, perm_b, shape_b, mid, perm_out = plan
    if sum_a:
        a = a.sum(axis=sum_a)
    if sum_b:
        b = b.sum(axis=sum_b)
    r = np.matmul(a.transpose(perm_a).reshape(shape_a), b.transpose(perm_b).reshape(shape_b))
    return r.reshape(mid).transpose(perm_out)


def _plan(spec, shape_a, shape_b):
    ins, out = spec.split("->")
    sa, sb = ins.split(",")
    if (len(set(sa)) != len(sa) or len(set(sb)) != len(sb) or len(set(out)) != len(out)
            or len(sa) != len(shape_a) or len(sb) != len(shape_b)):
        return False
    size = dict(zip(sa, shape_a))
    for c, n in zip(sb, shape_b):
        if size.setdefault(c, n) != n:
            return False                           # size-1 broadcasting: leave it to einsum
    if any(c not in size for c in out):
        return False
    sum_a = tuple(i for i, c in enumerate(sa) if c not in out and c not in sb)
    sum_b = tuple(i for i, c in enumerate(sb) if c not in out and c not in sa)
    sa = "".join(c for c in sa if c in out or c in sb)
    sb = "".join(c for c in sb if c in out or c in sa)
    batch = [c for c in out if c in sa and c in sb]
    left = [c for c in out if c in sa and c not in sb]
    right = [c for c in out if c in sb and c not in sa]
    inner = [c for c in sa if c in sb and c not in out]
    n = lambda cs: math.prod(size[c] for c in cs)  # noqa: E731
    perm_a = tuple(sa.index(c) for c in batch + left + inner)
    perm_b = tuple(sb.index(c) for c in batch + inner + right)
    mid_order = batch + left + right
    return (sum_a, perm_a, (n(batch), n(left), n(inner)),
            sum_b, perm_b, (n(batch), n(inner), n(right)),
            tuple(size[c] for c in mid_order), tuple(mid_order.index(c) for c in out))


_UNSET = object()


def tape_steps(entries, steps, every, nth, first=_UNSET, whole=False):
    """The values a variable restored from the tape holds at one place in a backward
    loop, one per step in the loop's order.  At the loop's start the tape's list
    `entries` ends with the loop's entries, `every` per step, the variable's being the
    `nth` each step pops.  After its pop a step sees the value it restored; before it,
    the one the step before restored, and the first step the value the loop started
    with (`first=`).  `whole=True` gives both at once: the first value, then every
    step's restored one (steps + 1 values)."""
    popped = entries[len(entries) - 1 - nth::-every][:steps] if steps else []
    if whole:
        return [first] + popped
    if not steps:
        return []
    return popped if first is _UNSET else [first] + popped[:-1]


def by_step(term, *steps):
    """`term` of each step's values: one array operation on the stacked values when
    they are vectors of one shape (the rows of the result are the steps' terms), else
    one step at a time."""
    stacked = [stack_rows(values) for values in steps]
    if all(type(m) is _ndarray for m in stacked):
        return term(*stacked)
    return [term(*values) for values in zip(*steps)]
