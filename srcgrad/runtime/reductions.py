"""Helpers of the elementwise and reduction templates (shared axis bookkeeping first)."""

import numpy as np

from . import _zero, keep_reduced, normalize_axis, shape_only, sum_to, unbroadcast, zero_passes
from .kernels import float_type
from .ops import cumprod_grad, cumprod_tangent, diff_grad, prod_grad, reverse_cumsum, tie_split

_ndarray = np.ndarray

# --- shared bookkeeping -------------------------------------------------------

def no_gradient(g, primitive, param):
    """Raise: a template sends gradient to `param` only through this, so it runs only when
    `param` carries gradient the template cannot give (the compiler drops it otherwise)."""
    raise NotImplementedError(f"srcgrad: {primitive} is not differentiable with respect to "
                              f"`{param}`; pass it as a constant (or wrap it in stop_gradient)")


def items_grad(g, values):
    """Adjoints of a tuple/list result, one per item of `values`, zeros where none arrived."""
    out = []
    for i, v in enumerate(values):
        gi = 0 if _zero(g) else g[i]
        out.append(np.zeros(np.shape(v)) if _zero(gi) else np.asarray(gi))
    return out


def scatter_flat(g, x, index_map):
    """Adjoint of a pure gather: result element k is x.flat[index_map.flat[k]] (or not from x
    where index_map < 0).  Sums `g` back onto x's elements."""
    if _zero(g):
        return 0
    idx = np.ravel(index_map)
    keep = idx >= 0
    out = np.zeros(np.size(x), dtype=float_type(g))
    np.add.at(out, idx[keep], np.ravel(np.broadcast_to(g, np.shape(index_map)))[keep])
    return out.reshape(np.shape(x))


def index_map(x):
    """The flat position of each element of `x`, shaped like `x` (to trace a gather)."""
    return np.arange(np.size(x)).reshape(np.shape(x))


# --- elementwise --------------------------------------------------------------

def sinc_grad(x):
    """d/dx sin(pi x)/(pi x); 0 at x = 0."""
    x = np.asarray(x, dtype=float)
    safe = np.where(x == 0, 1.0, x)
    return np.where(x == 0, 0.0, (np.cos(np.pi * safe) - np.sinc(safe)) / safe)


def copysign_ratio(x, z):
    """d copysign(x, y) / dx: z / x, 0 at x = 0 (as in PyTorch)."""
    x = np.asarray(x, dtype=float)
    return np.where(x == 0, 0.0, z / np.where(x == 0, 1.0, x))


def modf_grad(g):
    """Adjoint of np.modf: the fractional part passes gradient, the integral part none."""
    return 0 if _zero(g) else g[0]


def modf_tangent(tangent, z):
    return (tangent, np.zeros(np.shape(z[1])))


def frexp_grad(g, z):
    """Adjoint of np.frexp: mantissa = x * 2**-e (the exponent is piecewise constant)."""
    return 0 if _zero(g) or _zero(g[0]) else g[0] * np.ldexp(1.0, -z[1])


def frexp_tangent(tangent, z):
    return (tangent * np.ldexp(1.0, -z[1]), np.zeros(np.shape(z[1])))


def divmod_grad(g, x, y, which):
    """Adjoint of np.divmod(x, y) = (x // y, x % y): only the remainder passes gradient."""
    if _zero(g) or _zero(g[1]):
        return 0
    return unbroadcast(g[1] if which == 0 else -g[1] * np.floor_divide(x, y), (x, y)[which])


def divmod_tangent(tx, ty, x, y, z):
    t = 0
    if not _zero(tx):
        t = t + tx
    if not _zero(ty):
        t = t - ty * z[0]
    return (np.zeros(np.shape(z[0])), np.broadcast_to(t, np.shape(z[1])))


# --- reductions ---------------------------------------------------------------

def present(x):
    """1.0 where x is a number, 0.0 where it is nan."""
    return ~np.isnan(x)


@zero_passes
def nanprod_grad(g, x, axis=None, keepdims=False):
    """Adjoint of np.nanprod: nan counts as 1 and receives no gradient."""
    filled = np.where(np.isnan(x), 1.0, x)
    return prod_grad(g, filled, axis, keepdims) * present(x)


def nan_centred(x, axis=None):
    return np.where(np.isnan(x), 0.0, x - np.nanmean(x, axis=axis, keepdims=True))


def nan_count(x, axis=None, ddof=0):
    return np.sum(present(x), axis=axis, keepdims=True) - ddof


def ptp_weights(x, z, axis=None, keepdims=False):
    """d ptp / dx: the max's tie-split mask minus the min's."""
    hi = np.max(x, axis=axis, keepdims=keepdims)
    lo = np.min(x, axis=axis, keepdims=keepdims)
    return tie_split(x, hi, axis, keepdims) - tie_split(x, lo, axis, keepdims)


def _average_w(a, weights, axis=None):
    """np.average's weights, reshaped to broadcast against `a`."""
    a = np.asarray(a)
    if weights is None:
        return np.ones(a.shape)
    w = np.asarray(weights, dtype=float)
    if w.shape != a.shape and w.ndim == 1 and axis is not None and not isinstance(axis, tuple):
        shape = [1] * a.ndim
        shape[axis % a.ndim] = w.size
        w = w.reshape(shape)
    return w


def average_weights(a, weights, axis=None):
    """The normalized weights of np.average, broadcast against `a`."""
    w = np.broadcast_to(_average_w(a, weights, axis), np.shape(a))
    return w / np.sum(w, axis=axis, keepdims=True)


def average_grad_weights(g, a, weights, z, axis=None, keepdims=False):
    """Adjoint of the weights of np.average: g * (a - z) / sum(w), summed to w's shape."""
    if _zero(g):
        return 0
    a = np.asarray(a)
    wsum = np.sum(np.broadcast_to(_average_w(a, weights, axis), a.shape), axis=axis, keepdims=True)
    full = keep_reduced(g, a, axis, keepdims) * (a - keep_reduced(z, a, axis, keepdims)) / wsum
    return np.reshape(sum_to(full, np.shape(_average_w(a, weights, axis))), np.shape(weights))


def average_tangent_weights(tw, a, weights, z, axis=None, keepdims=False):
    """Tangent of np.average from its weights' tangent: sum((a - z) * tw) / sum(w)."""
    if _zero(tw):
        return 0
    a = np.asarray(a)
    tb = np.broadcast_to(_average_w(a, tw, axis), a.shape)
    wsum = np.sum(np.broadcast_to(_average_w(a, weights, axis), a.shape), axis=axis, keepdims=True)
    out = (a - keep_reduced(z, a, axis, keepdims)) * tb / wsum
    return np.sum(out, axis=axis, keepdims=keepdims)


def filled(tangent, value):
    """The tangent of an optional argument: None stays None, 0 (no tangent) becomes zeros."""
    if value is None:
        return None
    return np.zeros(np.shape(value)) if _zero(tangent) else tangent


_QUANTILE_METHODS = ("linear", "lower", "higher", "nearest", "midpoint")


def _quantile_plan(a, q, axis, method, nan):
    """Where each quantile reads the sorted data: (moved shape, flat positions lo/hi of
    the chosen elements in the moved layout, weight of hi, slope of the result in q)."""
    if method not in _QUANTILE_METHODS:
        raise NotImplementedError(f"srcgrad: quantile gradient for method={method!r} "
                                  f"(supported: {', '.join(_QUANTILE_METHODS)})")
    a = np.asarray(a, dtype=float)
    axes = normalize_axis(axis, a.ndim)
    moved = np.moveaxis(a, axes, tuple(range(a.ndim - len(axes), a.ndim)))
    rest = moved.shape[:a.ndim - len(axes)]
    flat = moved.reshape(rest + (-1,))
    order = np.argsort(flat, axis=-1, kind="stable")        # nan sorts last
    n = np.sum(present(flat), axis=-1) if nan else np.full(rest, flat.shape[-1])
    q = np.asarray(q, dtype=float)
    pos = q.reshape(q.shape + (1,) * len(rest)) * (n - 1)
    lo = np.floor(pos)
    w = pos - lo
    if method == "lower":
        w = np.zeros_like(w)
    elif method == "higher":
        lo, w = np.ceil(pos), np.zeros_like(w)
    elif method == "nearest":
        lo, w = np.round(pos), np.zeros_like(w)       # numpy rounds half to even too
    elif method == "midpoint":
        w = np.where(w > 0, 0.5, 0.0)
    hi = np.minimum(lo + 1, np.maximum(n - 1, 0))
    lo = lo.astype(int)
    hi = hi.astype(int)
    sorted_ = np.take_along_axis(flat, order, -1)

    def pick(ix):
        o = np.broadcast_to(order, ix.shape[:q.ndim] + order.shape)
        return np.take_along_axis(o, ix[..., None], -1)[..., 0]

    def value(ix):
        s = np.broadcast_to(sorted_, ix.shape[:q.ndim] + sorted_.shape)
        return np.take_along_axis(s, ix[..., None], -1)[..., 0]

    slope = (value(hi) - value(lo)) * (n - 1) if method == "linear" else np.zeros(w.shape)
    return moved.shape, axes, rest, flat.shape[-1], pick(lo), pick(hi), w, slope


def _shape_result(v, q, rest_ndim, a_ndim, axes, keepdims):
    """Lay out an array shaped q.shape + rest like np.quantile's result."""
    if keepdims:
        v = v.reshape(v.shape + (1,) * len(axes))
        qn = np.ndim(q)
        v = np.moveaxis(v, tuple(range(qn + rest_ndim, qn + a_ndim)),
                        tuple(qn + ax for ax in axes))
    return v


def _to_plan_layout(g, q, a_ndim, axes, keepdims):
    g = np.asarray(g, dtype=float)
    if keepdims:
        qn = np.ndim(q)
        g = np.squeeze(g, axis=tuple(qn + ax for ax in axes))
    return g


def quantile_grad(g, a, q, axis=None, method="linear", keepdims=False, nan=False):
    """Adjoint of `a` in np.quantile (and median, percentile, the nan variants)."""
    if _zero(g):
        return 0
    mshape, axes, rest, n, lo, hi, w, _ = _quantile_plan(a, q, axis, method, nan)
    g = np.broadcast_to(_to_plan_layout(g, q, np.ndim(a), axes, keepdims), w.shape)
    out = np.zeros(rest + (n,))
    rows = np.indices(rest).reshape(len(rest), 1, -1) if rest else None
    for ix, wt in ((lo, 1 - w), (hi, w)):
        vals = (g * wt).reshape(-1, int(np.prod(rest, dtype=int)))
        ixs = ix.reshape(vals.shape)
        if rest:
            idx = tuple(np.broadcast_to(r, ixs.shape) for r in rows.reshape(len(rest), -1)[:, None, :]
                        ) + (ixs,)
        else:
            idx = (ixs.reshape(-1),)
            vals = vals.reshape(-1)
        np.add.at(out, idx, vals)
    out = out.reshape(mshape)
    nd = np.ndim(a)
    return np.moveaxis(out, tuple(range(nd - len(axes), nd)), axes)


def quantile_grad_q(g, a, q, axis=None, method="linear", keepdims=False, nan=False):
    """Adjoint of `q` in np.quantile: the slope between the two elements read."""
    if _zero(g):
        return 0
    _, axes, rest, _, _, _, w, slope = _quantile_plan(a, q, axis, method, nan)
    g = np.broadcast_to(_to_plan_layout(g, q, np.ndim(a), axes, keepdims), w.shape)
    return np.sum((g * slope).reshape(np.shape(q) + (-1,)), axis=-1)


def quantile_tangent(ta, tq, a, q, axis=None, method="linear", keepdims=False, nan=False):
    """Tangent of np.quantile from the tangents of `a` and `q`."""
    mshape, axes, rest, n, lo, hi, w, slope = _quantile_plan(a, q, axis, method, nan)
    out = 0
    if not _zero(ta):
        nd = np.ndim(a)
        moved = np.moveaxis(np.asarray(ta, dtype=float), axes, tuple(range(nd - len(axes), nd)))
        flat = np.broadcast_to(moved.reshape(rest + (n,)), lo.shape[:np.ndim(q)] + rest + (n,))
        out = (np.take_along_axis(flat, lo[..., None], -1)[..., 0] * (1 - w)
               + np.take_along_axis(flat, hi[..., None], -1)[..., 0] * w)
    if not _zero(tq):
        out = out + np.asarray(tq, dtype=float).reshape(np.shape(q) + (1,) * len(rest)) * slope
    return _shape_result(np.asarray(out), q, len(rest), np.ndim(a), axes, keepdims)


def cumulative_grad(g, x, z, axis=None, include_initial=False, product=False):
    """Adjoint of np.cumulative_sum / np.cumulative_prod."""
    if _zero(g):
        return 0
    ax = 0 if axis is None else axis
    if include_initial:
        g = np.delete(np.asarray(g), 0, axis=ax)
        z = np.delete(np.asarray(z), 0, axis=ax)
    if product:
        return cumprod_grad(g, x, z, ax)
    return reverse_cumsum(g, ax)


def cumulative_tangent(tangent, x, z, axis=None, include_initial=False, product=False):
    ax = 0 if axis is None else axis
    zz = np.delete(np.asarray(z), 0, axis=ax) if include_initial else z
    out = cumprod_tangent(tangent, x, zz, ax) if product else np.cumsum(tangent, axis=ax)
    if include_initial:
        out = np.concatenate([np.zeros_like(np.take(out, [0], axis=ax)), out], axis=ax)
    return out


def ediff1d_grad(g, ary, to_end=None, to_begin=None, which=0):
    """Adjoint of np.ediff1d: which=0 for `ary`, 1 for `to_end`, 2 for `to_begin`."""
    if _zero(g):
        return 0
    nb = np.size(to_begin) if to_begin is not None else 0
    ne = np.size(to_end) if to_end is not None else 0
    g = np.asarray(g)
    if which == 2:
        return g[:nb].reshape(np.shape(to_begin))
    if which == 1:
        return g[len(g) - ne:].reshape(np.shape(to_end))
    return diff_grad(g[nb:len(g) - ne], np.ravel(ary)).reshape(np.shape(ary))


def trapezoid_grad(g, y, x=None, dx=1.0, axis=-1, which=0):
    """Adjoint of np.trapezoid: which=0 for `y`, 1 for `x`, 2 for `dx`."""
    if _zero(g):
        return 0
    y = np.asarray(y, dtype=float)
    ax = axis % y.ndim
    gb = np.expand_dims(np.asarray(g, dtype=float), ax)
    n = y.shape[ax]
    if x is None:
        h = dx
    else:
        xa = np.asarray(x, dtype=float)
        h = np.diff(xa, axis=axis if xa.ndim > 1 else 0)
        if xa.ndim == 1:
            shape = [1] * y.ndim
            shape[ax] = n - 1
            h = h.reshape(shape)
    if which == 0:
        half = gb * h / 2.0
        pad_lo, pad_hi = [(0, 0)] * y.ndim, [(0, 0)] * y.ndim
        pad_lo[ax], pad_hi[ax] = (1, 0), (0, 1)
        return np.pad(np.broadcast_to(half, _with(y.shape, ax, n - 1)), pad_hi) + \
            np.pad(np.broadcast_to(half, _with(y.shape, ax, n - 1)), pad_lo)
    sl = np.take(y, range(1, n), axis=ax) + np.take(y, range(0, n - 1), axis=ax)
    if which == 2:
        return unbroadcast(np.sum(gb * sl / 2.0, axis=ax), dx)
    xa = np.asarray(x, dtype=float)
    gh = gb * sl / 2.0                          # adjoint of the spacings
    if xa.ndim == 1:
        gh = np.sum(np.moveaxis(gh, ax, -1).reshape(-1, n - 1), axis=0)
        return diff_grad(gh, xa)
    return diff_grad(unbroadcast(gh, np.diff(xa, axis=axis)), xa, 1, axis)


def _with(shape, ax, n):
    s = list(shape)
    s[ax] = n
    return tuple(s)


def trapezoid_x_tangent(tx, y, x, axis=-1):
    """Tangent of np.trapezoid from the tangent of the sample points `x`."""
    if _zero(tx):
        return 0
    y = np.asarray(y, dtype=float)
    ax = axis % y.ndim
    n = y.shape[ax]
    mid = (np.take(y, range(1, n), axis=ax) + np.take(y, range(0, n - 1), axis=ax)) / 2.0
    tx = np.asarray(tx, dtype=float)
    dh = np.diff(tx, axis=axis if tx.ndim > 1 else 0)
    if tx.ndim == 1:
        shape = [1] * y.ndim
        shape[ax] = n - 1
        dh = dh.reshape(shape)
    return np.sum(mid * dh, axis=ax)


def _cov_matrix(m, y=None, rowvar=True):
    x = np.atleast_2d(np.asarray(m, dtype=float))
    if not rowvar and x.shape[0] != 1:
        x = x.T
    if y is not None:
        yy = np.atleast_2d(np.asarray(y, dtype=float))
        if not rowvar and yy.shape[0] != 1:
            yy = yy.T
        x = np.concatenate([x, yy], axis=0)
    return x


def _cov_back(gx, m, y, rowvar, which):
    nm = np.atleast_2d(np.asarray(m)).shape[0 if rowvar or np.ndim(m) == 1 else 1]
    part = gx[:nm] if which == 0 else gx[nm:]
    src = m if which == 0 else y
    if not rowvar and np.ndim(src) == 2 and np.shape(src)[0] != 1:
        part = part.T
    return part.reshape(np.shape(src))


def cov_grad(g, m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None,
             which=0):
    """Adjoint of np.cov (unweighted): which=0 for `m`, 1 for `y`."""
    if _zero(g):
        return 0
    if fweights is not None or aweights is not None:
        raise NotImplementedError("srcgrad: np.cov gradient with fweights/aweights")
    x = _cov_matrix(m, y, rowvar)
    n = x.shape[1]
    ddof = (0 if bias else 1) if ddof is None else ddof
    xc = x - x.mean(axis=1, keepdims=True)
    G = np.asarray(g, dtype=float).reshape(x.shape[0], x.shape[0])
    gx = (G + G.T) @ xc / (n - ddof)
    return _cov_back(gx, m, y, rowvar, which)


def cov_tangent(tm, ty, m, y=None, rowvar=True, bias=False, ddof=None):
    x = _cov_matrix(m, y, rowvar)
    tx = _cov_matrix(np.zeros(np.shape(m)) if _zero(tm) else tm,
                     None if y is None else (np.zeros(np.shape(y)) if _zero(ty) else ty), rowvar)
    n = x.shape[1]
    ddof = (0 if bias else 1) if ddof is None else ddof
    xc = x - x.mean(axis=1, keepdims=True)
    tc = tx - tx.mean(axis=1, keepdims=True)
    out = (tc @ xc.T + xc @ tc.T) / (n - ddof)
    return out.reshape(np.shape(np.cov(m, y, rowvar, bias, ddof)))


def corrcoef_grad(g, x, z, y=None, rowvar=True, which=0):
    """Adjoint of np.corrcoef, through the covariance matrix."""
    if _zero(g):
        return 0
    c = np.cov(x, y, rowvar)
    G = np.asarray(g, dtype=float).reshape(np.shape(c))
    if np.ndim(c) == 0:
        return np.zeros(np.shape((x, y)[which]))
    s = np.sqrt(np.diag(c))
    R = np.asarray(z).reshape(c.shape)
    gc = G / np.outer(s, s)
    gc[np.diag_indices_from(gc)] -= (np.sum(G * R, axis=1) + np.sum(G * R, axis=0)) / (2 * np.diag(c))
    return cov_grad(gc, x, y, rowvar, which=which)


def corrcoef_tangent(tx, ty, x, z, y=None, rowvar=True):
    tc = cov_tangent(tx, ty, x, y, rowvar)
    c = np.cov(x, y, rowvar)
    if np.ndim(c) == 0:
        return np.zeros(np.shape(z))
    d_ = np.diag(c)
    td = np.diag(tc)
    R = np.asarray(z)
    return tc / np.sqrt(np.outer(d_, d_)) - 0.5 * R * (td[:, None] / d_[:, None] + td[None, :] / d_[None, :])


def trace_axes_grad(g, x, offset=0, axis1=0, axis2=1):
    """Adjoint of np.trace over any pair of axes."""
    if _zero(g):
        return 0
    shape = np.shape(x)
    a1, a2 = axis1 % len(shape), axis2 % len(shape)
    gm = np.asarray(g)[..., None, None] * np.eye(shape[a1], shape[a2], k=offset)
    return np.moveaxis(gm, (-2, -1), (a1, a2))


@shape_only(1)
def diagonal_grad(g, x, offset=0, axis1=0, axis2=1):
    """Adjoint of np.diagonal over any pair of axes (the diagonal is the last axis of g)."""
    if _zero(g):
        return 0
    shape = np.shape(x)
    a1, a2 = axis1 % len(shape), axis2 % len(shape)
    rest = [s for i, s in enumerate(shape) if i not in (a1, a2)]
    out = np.zeros(tuple(rest) + (shape[a1], shape[a2]), dtype=float_type(g))
    i = np.arange(np.shape(g)[-1])
    rows, cols = (i, i + offset) if offset >= 0 else (i - offset, i)
    out[..., rows, cols] = g
    return np.moveaxis(out, (-2, -1), (a1, a2))
