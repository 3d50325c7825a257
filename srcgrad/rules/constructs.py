"""Language constructs: subscripts, containers, in-place updates, lists built by append.

Construct keys are strings; the normalizer gives each such statement the key
of its construct (a subscript read is a call of "getitem", and so on).
"""

from ..runtime import add_at, drop_last, grad_at, item_grad, last_grad, unbroadcast, zero_at
from .registry import d, first_array, forward, method, reverse, t, unrolled
from ..runtime.ops import append_tangent, fit_update, item_tangent, set_at


GETITEM = "getitem"
SETITEM = "setitem"
TUPLE = "tuple"
LIST = "list"
DICT = "dict"


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


@reverse(method("append"), name="list.append", inplace=True)
def append(z, self, item):
    d[item] += last_grad(d[self])
    d[self] = drop_last(d[self])


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


@forward(method("append"))
def append_tangent_rule(z, self, item):
    t[self] = append_tangent(t[self], t[item])


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
