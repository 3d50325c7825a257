"""Language constructs: subscripts, containers, in-place updates, lists built by append.

Construct keys are strings; the normalizer gives each such statement the key
of its construct (a subscript read is a call of "getitem", and so on).
"""

from ..runtime import add_at, drop_last, grad_at, item_grad, last_grad, unbroadcast, zero_at
from .registry import d, method, reverse, unrolled


GETITEM = "getitem"
SETITEM = "setitem"
TUPLE = "tuple"
LIST = "list"
DICT = "dict"


@reverse(GETITEM, aliases=True, name="x[index]")
def getitem(z, x, index):
    d[x] = add_at(d[x], x, index, d[z])


@reverse(SETITEM, name="x[index] = v")
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


@reverse(method("append"), name="list.append")
def append(z, self, item):
    d[item] += last_grad(d[self])
    d[self] = drop_last(d[self])


# In-place arithmetic on arrays (x += y ...).  `x` is the value before the update.
@reverse("inplace:+", name="x += y")
def iadd(z, x, y):
    d[y] += unbroadcast(d[x], y)


@reverse("inplace:-", name="x -= y")
def isub(z, x, y):
    d[y] += unbroadcast(-d[x], y)


@reverse("inplace:*", name="x *= y")
def imul(z, x, y):
    d[y] += unbroadcast(d[x] * x, y)
    d[x] = d[x] * y


@reverse("inplace:/", name="x /= y")
def idiv(z, x, y):
    d[y] += unbroadcast(-d[x] * x / (y * y), y)
    d[x] = d[x] / y
