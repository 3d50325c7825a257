"""Reductions: sum, mean, extrema, products, variance, cumulative sums, differences."""

import numpy as np

from ..runtime import broadcast_back, keep_reduced, reduced_count
from ..runtime.ops import (cumprod_grad, cumprod_tangent, diff_grad, prod_grad, prod_tangent,
                           reverse_cumsum, tie_split, trace_grad)
from .registry import d, forward, method, nondifferentiable, reverse, t



@reverse(np.sum, method("sum"))
def sum_(z, a, axis=None, dtype=None, out=None, keepdims=False):
    d[a] += broadcast_back(d[z], a, axis, keepdims)


@reverse(np.mean, method("mean"))
def mean(z, a, axis=None, dtype=None, out=None, keepdims=False):
    d[a] += broadcast_back(d[z], a, axis, keepdims) / reduced_count(a, axis)


@reverse(np.max, np.amax, np.min, np.amin, method("max"), method("min"),
         notes="ties split the gradient evenly (like torch.amax)")
def extremum(z, a, axis=None, out=None, keepdims=False):
    d[a] += broadcast_back(d[z], a, axis, keepdims) * tie_split(a, z, axis, keepdims)


@reverse(np.prod, method("prod"), notes="exact when the input contains zeros")
def prod(z, a, axis=None, dtype=None, out=None, keepdims=False):
    d[a] += prod_grad(d[z], a, axis, keepdims)


@reverse(np.var, method("var"))
def var(z, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    centred = a - np.mean(a, axis=axis, keepdims=True)
    d[a] += broadcast_back(d[z], a, axis, keepdims) * 2.0 * centred / (reduced_count(a, axis) - ddof)


@reverse(np.std, method("std"), notes="nan where the standard deviation is 0, as in PyTorch")
def std(z, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    centred = a - np.mean(a, axis=axis, keepdims=True)
    spread = (reduced_count(a, axis) - ddof) * keep_reduced(z, a, axis, keepdims)
    d[a] += broadcast_back(d[z], a, axis, keepdims) * centred / spread


@reverse(np.cumsum, method("cumsum"))
def cumsum(z, a, axis=None, dtype=None, out=None):
    d[a] += reverse_cumsum(d[z], axis, np.shape(a))


@reverse(np.cumprod, method("cumprod"), notes="assumes no zeros along the axis")
def cumprod(z, a, axis=None, dtype=None, out=None):
    d[a] += cumprod_grad(d[z], a, z, axis)


@reverse(np.diff)
def diff(z, a, n=1, axis=-1):
    d[a] += diff_grad(d[z], a, n, axis)


@reverse(np.trace, method("trace"))
def trace(z, a, offset=0):
    d[a] += trace_grad(d[z], a, offset)


nondifferentiable(
    np.argmax, np.argmin, np.argsort, np.argwhere, np.nonzero, np.count_nonzero,
    np.any, np.all, np.searchsorted, np.digitize, np.unique, np.bincount,
    method("argmax"), method("argmin"), method("argsort"), method("nonzero"),
    method("any"), method("all"),
    notes="integer or boolean result")


# --- forward mode ---------------------------------------------------------------------

@forward(np.sum, method("sum"))
def sum_tangent(z, a, axis=None, dtype=None, out=None, keepdims=False):
    t[z] += np.sum(t[a], axis=axis, keepdims=keepdims)


@forward(np.mean, method("mean"))
def mean_tangent(z, a, axis=None, dtype=None, out=None, keepdims=False):
    t[z] += np.mean(t[a], axis=axis, keepdims=keepdims)


@forward(np.max, np.amax, np.min, np.amin, method("max"), method("min"))
def extremum_tangent(z, a, axis=None, out=None, keepdims=False):
    t[z] += np.sum(t[a] * tie_split(a, z, axis, keepdims), axis=axis, keepdims=keepdims)


@forward(np.prod, method("prod"))
def prod_tangent_rule(z, a, axis=None, dtype=None, out=None, keepdims=False):
    t[z] += prod_tangent(t[a], a, z, axis, keepdims)


@forward(np.var, method("var"))
def var_tangent(z, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    centred = a - np.mean(a, axis=axis, keepdims=True)
    t[z] += np.sum(t[a] * 2.0 * centred, axis=axis, keepdims=keepdims) / (reduced_count(a, axis) - ddof)


@forward(np.std, method("std"))
def std_tangent(z, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    centred = a - np.mean(a, axis=axis, keepdims=True)
    t[z] += np.sum(t[a] * centred, axis=axis, keepdims=keepdims) / ((reduced_count(a, axis) - ddof) * z)


@forward(np.cumsum, method("cumsum"))
def cumsum_tangent(z, a, axis=None, dtype=None, out=None):
    t[z] += np.cumsum(t[a], axis=axis)


@forward(np.cumprod, method("cumprod"))
def cumprod_tangent_rule(z, a, axis=None, dtype=None, out=None):
    t[z] += cumprod_tangent(t[a], a, z, axis)


@forward(np.diff)
def diff_tangent(z, a, n=1, axis=-1):
    t[z] += np.diff(t[a], n=n, axis=axis)


@forward(np.trace, method("trace"))
def trace_tangent(z, a, offset=0):
    t[z] += np.trace(t[a], offset=offset)
