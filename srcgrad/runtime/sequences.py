"""Helpers for lists and tuples put together by `+`, `*`, `+=`, `extend` and `insert`.

The adjoint (and the tangent) of a list or a tuple is a list with one slot per
item, 0 in a slot that has no gradient; 0 for the whole stands for "none yet".
Helpers that undo a change on the adjoint of a list (`drop_*`) update it in place.
"""

from . import _zero, add, shape_only


def _slots(acc, x):
    """`acc` as a list of len(x) slots: the adjoint or tangent of the sequence `x`."""
    return [0] * len(x) if _zero(acc) else list(acc)


@shape_only(1)
def head_grad(g, x):
    """Adjoint of `x` in `x + y` on lists or tuples: the first len(x) slots of g."""
    return 0 if _zero(g) else g[:len(x)]


@shape_only(1)
def tail_grad(g, x):
    """Adjoint of `y` in `x + y` on lists or tuples: the slots after the first len(x)."""
    return 0 if _zero(g) else g[len(x):]


@shape_only(1)
def fold_grad(g, x):
    """Adjoint of `x` in `x * n` (or `n * x`) on a list or tuple: the n copies' sum."""
    if _zero(g):
        return 0
    n = len(x)
    out = [0] * n
    for start in range(0, len(g), n or 1):
        out = add(out, g[start:start + n])
    return out


@shape_only(1)
def last_grads(acc, items):
    """Adjoint of `items` in `lst.extend(items)`: the last len(items) slots."""
    if _zero(acc):
        return 0
    return acc[len(acc) - len(items):]


@shape_only(1)
def drop_lasts(acc, items):
    """Undo `lst.extend(items)` on the adjoint of `lst`."""
    if not _zero(acc):
        del acc[len(acc) - len(items):]
    return acc


def _inserted_at(acc, index):
    """Where `lst.insert(index, v)` put v, given the adjoint of `lst` after it."""
    n = len(acc) - 1
    return max(n + index, 0) if index < 0 else min(index, n)


@shape_only(1)
def inserted_grad(acc, index):
    """Adjoint of `v` in `lst.insert(index, v)`."""
    return 0 if _zero(acc) else acc[_inserted_at(acc, index)]


@shape_only(1)
def drop_inserted(acc, index):
    """Undo `lst.insert(index, v)` on the adjoint of `lst`."""
    if not _zero(acc):
        del acc[_inserted_at(acc, index)]
    return acc


# --- forward mode (tangents) ---------------------------------------------------------------

def concat_tangent(tx, x, ty, y):
    """Tangent of `x + y` on lists or tuples, and of `x` after `x.extend(y)`."""
    return _slots(tx, x) + _slots(ty, y)


def repeat_tangent(tx, x, n):
    """Tangent of `x * n` on a list or tuple."""
    return _slots(tx, x) * n


def insert_tangent(ts, lst, index, tv):
    """Tangent of `lst` after `lst.insert(index, v)` (`lst` as it was before)."""
    out = _slots(ts, lst)
    out.insert(index, tv)
    return out
