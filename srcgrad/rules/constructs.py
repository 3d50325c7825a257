"""Language constructs: subscripts, containers, in-place updates, lists grown and joined.

Construct keys are strings; the normalizer gives each such statement the key
of its construct (a subscript read is a call of "getitem", and so on).
"""

import operator

from ..runtime import add_at, drop_last, grad_at, item_grad, last_grad, unbroadcast, zero_at
from .registry import d, dict_at, first_array, forward, method, reverse, sequence_at, t, unrolled
from ..runtime.ops import append_tangent, fit_update, item_tangent, set_at
from ..runtime.sequences import (concat_tangent, drop_inserted, drop_lasts, fold_grad, head_grad,
                                 insert_tangent, inserted_grad, items_grad, items_tangent,
                                 last_grads, merged_grad, merged_tangent, repeat_tangent,
                                 tail_grad, values_grad, values_tangent)


GETITEM = "getitem"
SETITEM = "setitem"
TUPLE = "tuple"
LIST = "list"
DICT = "dict"
LIST_METHODS = {"append": 1, "extend": 1, "insert": 2}   # list methods that grow it: their arities
LIST_CHANGES = tuple(method(m) for m in LIST_METHODS)    # and their rule keys


@reverse(GETITEM, aliases=True, name="x[index]")
def getitem(z, x, index):
    d[x] = add_at(d[x], x, index, d[z])


@reverse(SETITEM, name="x[index] = v", inplace=True)
def setitem(z, x, index, v):
    d[v] += unbroadcast(grad_at(d[x], index), v)
    d[x] = zero_at(d[x], index)


@reverse(TUPLE, LIST, name="(a, b, ...)")
def build(z, *items):
    for i in unrolled(items):
        d[items[i]] += item_grad(d[z], i)


@reverse(DICT, name="{k: v, ...}")
def build_dict(z, keys, *values):
    for i in unrolled(values):
        d[values[i]] += item_grad(d[z], keys[i])


# A loop over d.values() or d.items() walks a list of them (runtime.sequence): their
# adjoints go back to the dict's keys in its order.
@reverse(method("values"), name="dict.values", when=dict_at(0))
def dict_values(z, self):
    d[self] += values_grad(d[z], self)


@reverse(method("items"), name="dict.items", when=dict_at(0))
def dict_items(z, self):
    d[self] += items_grad(d[z], self)


# `x | y` merges dicts, y's keys winning; on numbers it is bitwise and carries no gradient
# (merged_grad gives 0 unless the adjoint is a dict's), whatever kinds were inferred.
@reverse(operator.or_, name="x | y", notes="merges dicts, y's keys winning; bitwise on numbers: no gradient")
def dict_merge(z, x, y):
    d[x] += merged_grad(d[z], x, y)
    d[y] += merged_grad(d[z], y)


@reverse(method("append"), name="list.append", inplace=True)
def append(z, self, item):
    d[item] += last_grad(d[self])
    d[self] = drop_last(d[self])


@reverse(method("extend"), name="list.extend", inplace=True)
def extend(z, self, items):
    d[items] += last_grads(d[self], items)
    d[self] = drop_lasts(d[self], items)


@reverse(method("insert"), name="list.insert", inplace=True, shape=("index",))
def insert(z, self, index, item):
    d[item] += inserted_grad(d[self], index)
    d[self] = drop_inserted(d[self], index)


# In-place arithmetic (x += y ...).  `x` is the value before the update.  On an
# array the update keeps x's shape; on a number it rebinds x to a value that may
# have y's broader shape, so x's adjoint is summed back to x's own.
@reverse("inplace:+", name="x += y", inplace=True)
def iadd(z, x, y):
    d[y] += unbroadcast(d[x], y)
    d[x] = unbroadcast(d[x], x)


@reverse("inplace:+", when=first_array)
def iadd_array(z, x, y):
    d[y] += unbroadcast(d[x], y)


@reverse("inplace:-", name="x -= y", inplace=True)
def isub(z, x, y):
    d[y] += unbroadcast(-d[x], y)
    d[x] = unbroadcast(d[x], x)


@reverse("inplace:-", when=first_array)
def isub_array(z, x, y):
    d[y] += unbroadcast(-d[x], y)


@reverse("inplace:*", name="x *= y", inplace=True)
def imul(z, x, y):
    d[y] += unbroadcast(d[x] * x, y)
    d[x] = unbroadcast(d[x] * y, x)


@reverse("inplace:/", name="x /= y", inplace=True)
def idiv(z, x, y):
    d[y] += unbroadcast(-d[x] * x / (y * y), y)
    d[x] = unbroadcast(d[x] / y, x)


# `+` and `*` on lists and tuples join and repeat them; `lst += items` extends lst.
@reverse(operator.add, when=sequence_at(0, 1), notes="`+` on lists and tuples joins them")
def concat(z, x, y):
    d[x] += head_grad(d[z], x)
    d[y] += tail_grad(d[z], x)


@reverse(operator.mul, when=sequence_at(0), notes="`*` on a list or tuple repeats it")
def repeat(z, x, n):
    d[x] += fold_grad(d[z], x)


@reverse(operator.mul, when=sequence_at(1))
def repeat_right(z, n, x):
    d[x] += fold_grad(d[z], x)


@reverse("inplace:+", when=sequence_at(0), notes="on a list or tuple, `+=` extends it")
def iconcat(z, x, y):
    d[y] += tail_grad(d[x], x)
    d[x] = head_grad(d[x], x)


@reverse("inplace:*", when=sequence_at(0), notes="on a list or tuple, `*=` repeats it")
def irepeat(z, x, n):
    d[x] = fold_grad(d[x], x)


# --- forward mode ---------------------------------------------------------------------

@forward(GETITEM, shape=("index",))
def getitem_tangent(z, x, index):
    t[z] += item_tangent(t[x], x, index)


@forward(SETITEM, shape=("index",))
def setitem_tangent(z, x, index, v):
    t[x] = set_at(t[x], x, index, t[v])


@forward(TUPLE, LIST)
def build_tangent(z, *items):
    t[z] += list(t[items])


@forward(DICT)
def build_dict_tangent(z, keys, *values):
    t[z] += dict(zip(keys, t[values]))


@forward(method("values"), when=dict_at(0))
def dict_values_tangent(z, self):
    t[z] += values_tangent(t[self], self)


@forward(method("items"), when=dict_at(0))
def dict_items_tangent(z, self):
    t[z] += items_tangent(t[self], self)


@forward(operator.or_)
def dict_merge_tangent(z, x, y):
    t[z] += merged_tangent(t[x], x, t[y], y)


@forward(method("append"))
def append_tangent_rule(z, self, item):
    t[self] = append_tangent(t[self], t[item])


@forward(method("extend"))
def extend_tangent_rule(z, self, items):
    t[self] = concat_tangent(t[self], self, t[items], items)


@forward(method("insert"), shape=("index",))
def insert_tangent_rule(z, self, index, item):
    t[self] = insert_tangent(t[self], self, index, t[item])


@forward(operator.add, when=sequence_at(0, 1))
def concat_tangent_rule(z, x, y):
    t[z] += concat_tangent(t[x], x, t[y], y)


@forward(operator.mul, when=sequence_at(0))
def repeat_tangent_rule(z, x, n):
    t[z] += repeat_tangent(t[x], x, n)


@forward(operator.mul, when=sequence_at(1))
def repeat_right_tangent_rule(z, n, x):
    t[z] += repeat_tangent(t[x], x, n)


@forward("inplace:+", when=sequence_at(0))
def iconcat_tangent(z, x, y):
    t[x] = concat_tangent(t[x], x, t[y], y)


@forward("inplace:*", when=sequence_at(0))
def irepeat_tangent(z, x, n):
    t[x] = repeat_tangent(t[x], x, n)


# The updated x has the broadcast shape of x and y (x's own when x is an array).
@forward("inplace:+")
def iadd_tangent(z, x, y):
    t[x] = fit_update(t[x], x, y) + fit_update(t[y], x, y)


@forward("inplace:-")
def isub_tangent(z, x, y):
    t[x] = fit_update(t[x], x, y) - fit_update(t[y], x, y)


@forward("inplace:*")
def imul_tangent(z, x, y):
    t[x] = fit_update(t[x] * y, x, y) + fit_update(x * t[y], x, y)


@forward("inplace:/")
def idiv_tangent(z, x, y):
    t[x] = fit_update(t[x] / y, x, y) - fit_update(t[y] * x / (y * y), x, y)
