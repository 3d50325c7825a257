"""Reductions: sums, means, extrema, products, spread, order statistics, cumulative
sums, differences, and the statistics built on them (average, cov, corrcoef).

Every reduction takes NumPy's `axis` (None, an int, negative, or a tuple) and
`keepdims`; `broadcast_back` spreads the result's adjoint over the reduced axes.
The nan-variants treat nan as missing: it receives no gradient."""

import numpy as np

from ..runtime import broadcast_back, keep_reduced, reduced_count
from ..runtime.ops import (cumprod_grad, cumprod_tangent, diff_grad, extremum_grad, prod_grad,
                           prod_tangent, reverse_cumsum, tie_split)
from ..runtime.reductions import (average_grad_weights, average_tangent_weights, average_weights,
                                  corrcoef_grad, corrcoef_tangent, cov_grad, cov_tangent,
                                  cumulative_grad, cumulative_tangent, ediff1d_grad, filled,
                                  nan_centred, nan_count, nanprod_grad, no_gradient, present,
                                  ptp_weights, quantile_grad, quantile_grad_q, quantile_tangent,
                                  trace_axes_grad, trapezoid_grad, trapezoid_x_tangent)
from ..runtime.linalg import reduced_tangent
from .registry import d, forward, method, nondifferentiable, reverse, t



@reverse(np.sum, method("sum"))
def sum_(z, a, axis=None, dtype=None, out=None, keepdims=False):
    d[a] += broadcast_back(d[z], a, axis, keepdims)


@reverse(np.mean, method("mean"))
def mean(z, a, axis=None, dtype=None, out=None, keepdims=False):
    d[a] += broadcast_back(d[z] / reduced_count(a, axis), a, axis, keepdims)   # divide before spreading


@reverse(np.max, np.amax, np.min, np.amin, method("max"), method("min"),
         notes="ties split the gradient evenly (like torch.amax/amin; torch.max along a dim "
               "picks one index instead)")
def extremum(z, a, axis=None, out=None, keepdims=False):
    d[a] += extremum_grad(d[z], a, z, axis, keepdims)


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
def trace(z, a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    d[a] += trace_axes_grad(d[z], a, offset, axis1, axis2)


# --- nan-aware reductions ------------------------------------------------------------------

@reverse(np.nansum)
def nansum(z, a, axis=None, dtype=None, out=None, keepdims=False):
    d[a] += broadcast_back(d[z], a, axis, keepdims) * present(a)


@reverse(np.nanmean)
def nanmean(z, a, axis=None, dtype=None, out=None, keepdims=False):
    d[a] += broadcast_back(d[z], a, axis, keepdims) * present(a) / nan_count(a, axis)


@reverse(np.nanprod, notes="exact when the input contains zeros")
def nanprod(z, a, axis=None, dtype=None, out=None, keepdims=False):
    d[a] += nanprod_grad(d[z], a, axis, keepdims)


@reverse(np.nanmax, np.nanmin, notes="ties split the gradient evenly")
def nanextremum(z, a, axis=None, out=None, keepdims=False):
    d[a] += extremum_grad(d[z], a, z, axis, keepdims)


@reverse(np.nanvar)
def nanvar(z, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    spread = nan_count(a, axis, ddof)
    d[a] += broadcast_back(d[z], a, axis, keepdims) * 2.0 * nan_centred(a, axis) / spread


@reverse(np.nanstd, notes="nan where the standard deviation is 0, as in PyTorch")
def nanstd(z, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    spread = nan_count(a, axis, ddof) * keep_reduced(z, a, axis, keepdims)
    d[a] += broadcast_back(d[z], a, axis, keepdims) * nan_centred(a, axis) / spread


@reverse(np.nancumsum)
def nancumsum(z, a, axis=None, dtype=None, out=None):
    d[a] += reverse_cumsum(d[z], axis, np.shape(a)) * present(a)


@reverse(np.nancumprod, notes="nan counts as 1; assumes no zeros along the axis")
def nancumprod(z, a, axis=None, dtype=None, out=None):
    d[a] += cumprod_grad(d[z], np.where(np.isnan(a), 1.0, a), z, axis) * present(a)


# --- spread and weighted means ---------------------------------------------------------------

@reverse(np.ptp, notes="max minus min: ties split the gradient evenly")
def ptp(z, a, axis=None, out=None, keepdims=False):
    d[a] += broadcast_back(d[z], a, axis, keepdims) * ptp_weights(a, z, axis, keepdims)


@reverse(np.average, notes="returned=True is not supported")
def average(z, a, axis=None, weights=None, returned=False, keepdims=False):
    d[a] += broadcast_back(d[z], a, axis, keepdims) * average_weights(a, weights, axis)
    d[weights] += average_grad_weights(d[z], a, weights, z, axis, keepdims)


# --- order statistics ---------------------------------------------------------------------------

@reverse(np.median, notes="gradient to the middle element (split between the two middle ones for an "
                          "even count); ties follow the stable sort")
def median(z, a, axis=None, out=None, overwrite_input=False, keepdims=False):
    d[a] += quantile_grad(d[z], a, 0.5, axis, "linear", keepdims)


@reverse(np.nanmedian, notes="as median, ignoring nan")
def nanmedian(z, a, axis=None, out=None, overwrite_input=False, keepdims=False):
    d[a] += quantile_grad(d[z], a, 0.5, axis, "linear", keepdims, True)


@reverse(np.quantile, notes="methods linear, lower, higher, nearest, midpoint; gradient to the "
                            "one or two order statistics read (ties follow the stable sort)")
def quantile(z, a, q, axis=None, out=None, overwrite_input=False, method="linear",
             keepdims=False, weights=None):
    d[a] += quantile_grad(d[z], a, q, axis, method, keepdims)
    d[q] += quantile_grad_q(d[z], a, q, axis, method, keepdims)
    d[weights] += no_gradient(d[z], "np.quantile", "weights")


@reverse(np.nanquantile, notes="as quantile, ignoring nan")
def nanquantile(z, a, q, axis=None, out=None, overwrite_input=False, method="linear",
                keepdims=False, weights=None):
    d[a] += quantile_grad(d[z], a, q, axis, method, keepdims, True)
    d[q] += quantile_grad_q(d[z], a, q, axis, method, keepdims, True)
    d[weights] += no_gradient(d[z], "np.nanquantile", "weights")


@reverse(np.percentile, notes="quantile of q / 100")
def percentile(z, a, q, axis=None, out=None, overwrite_input=False, method="linear",
               keepdims=False, weights=None):
    d[a] += quantile_grad(d[z], a, q / 100.0, axis, method, keepdims)
    d[q] += quantile_grad_q(d[z], a, q / 100.0, axis, method, keepdims) / 100.0
    d[weights] += no_gradient(d[z], "np.percentile", "weights")


@reverse(np.nanpercentile, notes="as percentile, ignoring nan")
def nanpercentile(z, a, q, axis=None, out=None, overwrite_input=False, method="linear",
                  keepdims=False, weights=None):
    d[a] += quantile_grad(d[z], a, q / 100.0, axis, method, keepdims, True)
    d[q] += quantile_grad_q(d[z], a, q / 100.0, axis, method, keepdims, True) / 100.0
    d[weights] += no_gradient(d[z], "np.nanpercentile", "weights")


# --- cumulative and differences ---------------------------------------------------------------

@reverse(np.cumulative_sum)
def cumulative_sum(z, x, axis=None, dtype=None, out=None, include_initial=False):
    d[x] += cumulative_grad(d[z], x, z, axis, include_initial)


@reverse(np.cumulative_prod, notes="assumes no zeros along the axis")
def cumulative_prod(z, x, axis=None, dtype=None, out=None, include_initial=False):
    d[x] += cumulative_grad(d[z], x, z, axis, include_initial, True)


@reverse(np.ediff1d)
def ediff1d(z, ary, to_end=None, to_begin=None):
    d[ary] += ediff1d_grad(d[z], ary, to_end, to_begin, 0)
    d[to_end] += ediff1d_grad(d[z], ary, to_end, to_begin, 1)
    d[to_begin] += ediff1d_grad(d[z], ary, to_end, to_begin, 2)


@reverse(np.trapezoid)
def trapezoid(z, y, x=None, dx=1.0, axis=-1):
    d[y] += trapezoid_grad(d[z], y, x, dx, axis, 0)
    d[x] += trapezoid_grad(d[z], y, x, dx, axis, 1)
    d[dx] += trapezoid_grad(d[z], y, x, dx, axis, 2)


# --- covariance ---------------------------------------------------------------------------------

@reverse(np.cov, notes="fweights/aweights are not supported")
def cov(z, m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, dtype=None):
    d[m] += cov_grad(d[z], m, y, rowvar, bias, ddof, fweights, aweights, 0)
    d[y] += cov_grad(d[z], m, y, rowvar, bias, ddof, fweights, aweights, 1)


@reverse(np.corrcoef, notes="the clip of the result to [-1, 1] is ignored")
def corrcoef(z, x, y=None, rowvar=True, dtype=None):
    d[x] += corrcoef_grad(d[z], x, z, y, rowvar, 0)
    d[y] += corrcoef_grad(d[z], x, z, y, rowvar, 1)


nondifferentiable(
    np.argmax, np.argmin, np.argsort, np.argwhere, np.nonzero, np.count_nonzero,
    np.any, np.all, np.searchsorted, np.digitize, np.unique, np.bincount,
    np.argpartition, np.lexsort, np.flatnonzero, np.nanargmax, np.nanargmin, np.histogram,
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
def trace_tangent(z, a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    t[z] += np.trace(t[a], offset, axis1, axis2)


@forward(np.nansum)
def nansum_tangent(z, a, axis=None, dtype=None, out=None, keepdims=False):
    t[z] += np.nansum(t[a] * present(a), axis=axis, keepdims=keepdims)


@forward(np.nanmean)
def nanmean_tangent(z, a, axis=None, dtype=None, out=None, keepdims=False):
    t[z] += reduced_tangent(t[a], present(a) / nan_count(a, axis), axis, keepdims)


@forward(np.nanprod)
def nanprod_tangent(z, a, axis=None, dtype=None, out=None, keepdims=False):
    t[z] += reduced_tangent(t[a], nanprod_grad(np.ones(np.shape(z)), a, axis, keepdims), axis, keepdims)


@forward(np.nanmax, np.nanmin)
def nanextremum_tangent(z, a, axis=None, out=None, keepdims=False):
    t[z] += reduced_tangent(t[a], tie_split(a, z, axis, keepdims), axis, keepdims)


@forward(np.nanvar)
def nanvar_tangent(z, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    t[z] += reduced_tangent(t[a], 2.0 * nan_centred(a, axis) / nan_count(a, axis, ddof), axis, keepdims)


@forward(np.nanstd)
def nanstd_tangent(z, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    spread = nan_count(a, axis, ddof) * keep_reduced(z, a, axis, keepdims)
    t[z] += reduced_tangent(t[a], nan_centred(a, axis) / spread, axis, keepdims)


@forward(np.nancumsum)
def nancumsum_tangent(z, a, axis=None, dtype=None, out=None):
    t[z] += np.cumsum(t[a] * present(a), axis=axis)


@forward(np.nancumprod)
def nancumprod_tangent(z, a, axis=None, dtype=None, out=None):
    t[z] += cumprod_tangent(t[a] * present(a), np.where(np.isnan(a), 1.0, a), z, axis)


@forward(np.ptp)
def ptp_tangent(z, a, axis=None, out=None, keepdims=False):
    t[z] += reduced_tangent(t[a], ptp_weights(a, z, axis, keepdims), axis, keepdims)


@forward(np.average)
def average_tangent(z, a, axis=None, weights=None, returned=False, keepdims=False):
    t[z] += reduced_tangent(t[a], average_weights(a, weights, axis), axis, keepdims)
    t[z] += average_tangent_weights(t[weights], a, weights, z, axis, keepdims)


@forward(np.median)
def median_tangent(z, a, axis=None, out=None, overwrite_input=False, keepdims=False):
    t[z] += quantile_tangent(t[a], 0, a, 0.5, axis, "linear", keepdims)


@forward(np.nanmedian)
def nanmedian_tangent(z, a, axis=None, out=None, overwrite_input=False, keepdims=False):
    t[z] += quantile_tangent(t[a], 0, a, 0.5, axis, "linear", keepdims, True)


@forward(np.quantile)
def quantile_tangent_rule(z, a, q, axis=None, out=None, overwrite_input=False, method="linear",
                          keepdims=False, weights=None):
    t[z] += quantile_tangent(t[a], t[q], a, q, axis, method, keepdims)


@forward(np.nanquantile)
def nanquantile_tangent(z, a, q, axis=None, out=None, overwrite_input=False, method="linear",
                        keepdims=False, weights=None):
    t[z] += quantile_tangent(t[a], t[q], a, q, axis, method, keepdims, True)


@forward(np.percentile)
def percentile_tangent(z, a, q, axis=None, out=None, overwrite_input=False, method="linear",
                       keepdims=False, weights=None):
    t[z] += quantile_tangent(t[a], t[q] / 100.0, a, q / 100.0, axis, method, keepdims)


@forward(np.nanpercentile)
def nanpercentile_tangent(z, a, q, axis=None, out=None, overwrite_input=False, method="linear",
                          keepdims=False, weights=None):
    t[z] += quantile_tangent(t[a], t[q] / 100.0, a, q / 100.0, axis, method, keepdims, True)


@forward(np.cumulative_sum)
def cumulative_sum_tangent(z, x, axis=None, dtype=None, out=None, include_initial=False):
    t[z] += cumulative_tangent(t[x], x, z, axis, include_initial)


@forward(np.cumulative_prod)
def cumulative_prod_tangent(z, x, axis=None, dtype=None, out=None, include_initial=False):
    t[z] += cumulative_tangent(t[x], x, z, axis, include_initial, True)


@forward(np.ediff1d)
def ediff1d_tangent(z, ary, to_end=None, to_begin=None):
    t[z] += np.ediff1d(t[ary], filled(t[to_end], to_end), filled(t[to_begin], to_begin))


@forward(np.trapezoid)
def trapezoid_tangent(z, y, x=None, dx=1.0, axis=-1):
    t[z] += np.trapezoid(t[y], x, dx, axis)
    t[z] += trapezoid_x_tangent(t[x], y, x, axis)
    t[z] += t[dx] * np.trapezoid(y, None, 1.0, axis)


@forward(np.cov)
def cov_tangent_rule(z, m, y=None, rowvar=True, bias=False, ddof=None, fweights=None,
                     aweights=None, dtype=None):
    t[z] += cov_tangent(t[m], t[y], m, y, rowvar, bias, ddof)


@forward(np.corrcoef)
def corrcoef_tangent_rule(z, x, y=None, rowvar=True, dtype=None):
    t[z] += corrcoef_tangent(t[x], t[y], x, z, y, rowvar)
