"""Python builtins: abs, float, sum, min, max, list, tuple."""

import builtins

from ..runtime import sign, unbroadcast
from ..runtime.ops import list_tangent, select_grad, select_tangent, sequence_grad, sum_grad
from .registry import d, forward, nondifferentiable, reverse, t, unrolled



@reverse(builtins.abs, notes="the gradient at 0 is 0, as in PyTorch")
def abs_(z, x):
    d[x] += d[z] * sign(x)


@reverse(builtins.float, builtins.complex)
def float_(z, x):
    d[x] += d[z]


@reverse(builtins.sum)
def sum_(z, iterable, start=0):
    d[iterable] += sum_grad(d[z], iterable)
    d[start] += unbroadcast(d[z], start)


@reverse(builtins.max, builtins.min, notes="ties split the gradient evenly")
def extremum(z, *args):
    for i in unrolled(args):
        d[args[i]] += select_grad(d[z], z, args, i)


@reverse(builtins.list, builtins.tuple)
def sequence(z, iterable=()):
    d[iterable] += sequence_grad(d[z], iterable)


nondifferentiable(
    builtins.len, builtins.range, builtins.int, builtins.round, builtins.bool, builtins.str,
    builtins.print, builtins.isinstance, builtins.type, builtins.id, builtins.repr,
    builtins.hash, builtins.format, builtins.divmod, builtins.any, builtins.all,
    builtins.callable, builtins.hasattr, builtins.issubclass, builtins.ord, builtins.chr,
    notes="no gradient flows through the result")


# --- forward mode ---------------------------------------------------------------------

@forward(builtins.abs)
def abs_tangent(z, x):
    t[z] += t[x] * sign(x)


@forward(builtins.float, builtins.complex)
def float_tangent(z, x):
    t[z] += t[x]


@forward(builtins.sum)
def sum_tangent(z, iterable, start=0):
    t[z] += sum(t[iterable])
    t[z] += t[start]


@forward(builtins.max, builtins.min)
def extremum_tangent(z, *args):
    t[z] += select_tangent(t[args], z, args)


@forward(builtins.list, builtins.tuple)
def sequence_tangent(z, iterable=()):
    t[z] += list_tangent(t[iterable])
