"""Python builtins: abs, float, sum, min, max, list, tuple."""

import builtins

from ..runtime import sign
from ..runtime.ops import select_grad, sequence_grad, sum_grad
from .registry import d, nondifferentiable, reverse, unrolled



@reverse(builtins.abs, notes="the gradient at 0 is 0, as in PyTorch")
def abs_(z, x):
    d[x] += d[z] * sign(x)


@reverse(builtins.float, builtins.complex)
def float_(z, x):
    d[x] += d[z]


@reverse(builtins.sum)
def sum_(z, iterable, start=0):
    d[iterable] += sum_grad(d[z], iterable)
    d[start] += d[z]


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
