"""Helpers for lists and tuples put together by `+`, `*`, `+=`, `extend` and `insert`,
and for dicts: the items and values a loop walks over, and `a | b`.

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


# --- a dict's items and values: one slot per key, in the dict's order ----------------

def values_grad(g, dct):
    """Adjoint of `dct` from the adjoint of `list(dct.values())`."""
    if _zero(g):
        return 0
    return {k: v for k, v in zip(dct, g) if not _zero(v)}


def items_grad(g, dct):
    """Adjoint of `dct` from the adjoint of `list(dct.items())`: each pair's second slot."""
    if _zero(g):
        return 0
    return {k: p[1] for k, p in zip(dct, g) if not _zero(p) and not _zero(p[1])}


def values_tangent(td, dct):
    """Tangent of `list(dct.values())` given the tangent `td` of `dct` (a dict, or 0)."""
    return 0 if _zero(td) else [td.get(k, 0) for k in dct]


def items_tangent(td, dct):
    """Tangent of `list(dct.items())`: a (key, value) pair's tangent is [0, value's]."""
    return 0 if _zero(td) else [[0, td.get(k, 0)] for k in dct]


def merged_grad(g, part, later=None):
    """Adjoint of the dict `part` in `z = part | later`: the keys `later` did not override.
    Bitwise `|` on numbers or arrays has no gradient: 0."""
    if type(g) is not dict:
        return 0
    return {k: g[k] for k in part if k in g and (later is None or k not in later)}


def merged_tangent(tx, x, ty, y):
    """Tangent of `x | y` for dicts: a key's from y where y has it, else from x (bitwise `|`
    on numbers or arrays: 0)."""
    if type(tx) is not dict and type(ty) is not dict:
        return 0
    tx = tx if type(tx) is dict else {}
    ty = ty if type(ty) is dict else {}
    return {k: ty.get(k, 0) if k in y else tx.get(k, 0) for k in x | y}
