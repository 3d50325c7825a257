"""Helpers of the linear-algebra and scipy.special templates."""

import numpy as np

from . import _zero, keep_reduced, unbroadcast
from .kernels import float_type
from .ops import tie_split

_ndarray = np.ndarray

# --- linear algebra ----------------------------------------------------------------

def _T(a):
    return np.swapaxes(a, -1, -2)


def kron_grad(g, a, b, which=0):
    """Adjoint of np.kron(a, b) for `a` (which=0) or `b` (which=1)."""
    if _zero(g):
        return 0
    nd = max(np.ndim(a), np.ndim(b))
    sa = (1,) * (nd - np.ndim(a)) + np.shape(a)
    sb = (1,) * (nd - np.ndim(b)) + np.shape(b)
    G = np.asarray(g).reshape(sum(((i, j) for i, j in zip(sa, sb)), ()))
    if which == 0:
        out = np.tensordot(G, np.reshape(b, sb), axes=(list(range(1, 2 * nd, 2)), list(range(nd))))
    else:
        out = np.tensordot(G, np.reshape(a, sa), axes=(list(range(0, 2 * nd, 2)), list(range(nd))))
    return out.reshape(np.shape((a, b)[which]))


def matrix_power_grad(g, a, n):
    """Adjoint of np.linalg.matrix_power: sum over k of (A^T)^k G (A^T)^(n-1-k)."""
    if _zero(g):
        return 0
    if n < 0:
        inv = np.linalg.inv(a)
        gi = matrix_power_grad(g, inv, -n)
        return -(_T(inv) @ gi @ _T(inv))
    at = _T(np.asarray(a))
    powers = [np.broadcast_to(np.eye(at.shape[-1]), at.shape)]
    for _ in range(1, n):
        powers.append(powers[-1] @ at)
    out = np.zeros(np.shape(a))
    for k in range(n):
        out = out + powers[k] @ g @ powers[n - 1 - k]
    return out


def matrix_power_tangent(tangent, a, n):
    if n < 0:
        inv = np.linalg.inv(a)
        return matrix_power_tangent(-(inv @ tangent @ inv), inv, -n)
    a = np.asarray(a)
    powers = [np.broadcast_to(np.eye(a.shape[-1]), a.shape)]
    for _ in range(1, n):
        powers.append(powers[-1] @ a)
    out = np.zeros(a.shape)
    for k in range(n):
        out = out + powers[k] @ tangent @ powers[n - 1 - k]
    return out


def slogdet_grad(g, a):
    """Adjoint of np.linalg.slogdet: only log|det| passes gradient (the sign is constant)."""
    if _zero(g) or _zero(g[1]):
        return 0
    return np.asarray(g[1])[..., None, None] * _T(np.linalg.inv(a))


def slogdet_tangent(tangent, a, z):
    dlog = np.trace(np.linalg.solve(a, tangent), axis1=-2, axis2=-1)
    return (np.zeros(np.shape(z[0])), dlog)


def _phi(x):
    """Lower triangle with the diagonal halved."""
    return np.tril(x) - 0.5 * np.eye(x.shape[-1]) * x


def cholesky_grad(g, L, upper=False):
    """Adjoint of np.linalg.cholesky (Murray 2016), symmetric like PyTorch's."""
    if _zero(g):
        return 0
    if upper:
        L, g = _T(L), _T(g)
    Li = np.linalg.inv(L)
    S = _T(Li) @ _phi(_T(L) @ g) @ Li
    return 0.5 * (S + _T(S))


def cholesky_tangent(tangent, L, upper=False):
    if upper:
        L = _T(L)
    Li = np.linalg.inv(L)
    dL = L @ _phi(Li @ tangent @ _T(Li))
    return _T(dL) if upper else dL


def qr_grad(g, a, z, mode="reduced"):
    """Adjoint of np.linalg.qr (reduced, m >= n), as in TensorFlow and PyTorch."""
    if _zero(g):
        return 0
    if mode not in ("reduced", "complete") or (mode == "complete" and np.shape(a)[-2] != np.shape(a)[-1]) \
            or np.shape(a)[-2] < np.shape(a)[-1]:
        raise NotImplementedError("srcgrad: np.linalg.qr gradient needs mode='reduced' and m >= n")
    q, r = z
    gq = np.zeros(np.shape(q)) if _zero(g[0]) else g[0]
    gr = np.zeros(np.shape(r)) if _zero(g[1]) else g[1]
    qdq = _T(q) @ gq
    rdr = r @ _T(gr)
    m = np.tril(qdq - _T(qdq) + rdr - _T(rdr))
    rinv_t = _T(np.linalg.inv(r))
    return q @ (gr + m @ rinv_t) + (gq - q @ qdq) @ rinv_t


def qr_tangent(tangent, a, z, mode="reduced"):
    q, r = z
    rinv = np.linalg.inv(r)
    x = _T(q) @ tangent @ rinv
    low = np.tril(x, -1)
    omega = low - _T(low)
    dr = (x - omega) @ r
    dq = tangent @ rinv - q @ (x - omega)
    return (dq, dr)


def _gap(w):
    """F[i, j] = 1 / (w[j] - w[i]) off the diagonal, 0 on it."""
    diff = w[..., None, :] - w[..., :, None]
    off = ~np.eye(w.shape[-1], dtype=bool)
    return np.where(off, 1.0 / np.where(off, diff, 1.0), 0.0)


def eigh_grad(g, z):
    """Adjoint of np.linalg.eigh (distinct eigenvalues), symmetrized."""
    if _zero(g):
        return 0
    w, v = z
    inner = np.zeros(np.shape(v))
    if not _zero(g[0]):
        inner = inner + np.asarray(g[0])[..., None, :] * np.eye(w.shape[-1])
    if not _zero(g[1]):
        inner = inner + _gap(w) * (_T(v) @ g[1])
    out = v @ inner @ _T(v)
    return 0.5 * (out + _T(out))


def eigh_tangent(tangent, z):
    w, v = z
    p = _T(v) @ tangent @ v
    return (np.diagonal(p, axis1=-2, axis2=-1).copy(), v @ (_gap(w) * p))


def eigvalsh_grad(g, a, uplo="L"):
    if _zero(g):
        return 0
    _, v = np.linalg.eigh(a, uplo)
    out = (v * np.asarray(g)[..., None, :]) @ _T(v)
    return 0.5 * (out + _T(out))


def eigvalsh_tangent(tangent, a, uplo="L"):
    _, v = np.linalg.eigh(a, uplo)
    return np.diagonal(_T(v) @ tangent @ v, axis1=-2, axis2=-1).copy()


def _svd_f(s):
    s2 = s * s
    diff = s2[..., None, :] - s2[..., :, None]
    off = ~np.eye(s.shape[-1], dtype=bool)
    return np.where(off, 1.0 / np.where(off, diff, 1.0), 0.0)


def svd_grad(g, a, z, full_matrices=True, compute_uv=True):
    """Adjoint of np.linalg.svd (distinct singular values; the extra columns of full U/V
    get no gradient, as in PyTorch)."""
    if _zero(g):
        return 0
    if not compute_uv:
        return svdvals_grad(g, a)
    u, s, vh = z
    k = s.shape[-1]
    u, vh = u[..., :, :k], vh[..., :k, :]
    v = _T(vh)
    gu = 0 if _zero(g[0]) else np.asarray(g[0])[..., :, :k]
    gs = 0 if _zero(g[1]) else g[1]
    gv = 0 if _zero(g[2]) else _T(np.asarray(g[2])[..., :k, :])
    f = _svd_f(s)
    S = s[..., None, :] * np.eye(k)
    Si = (1.0 / s)[..., None, :] * np.eye(k)
    inner = np.zeros(np.shape(S))
    out = 0
    if not _zero(gs):
        inner = inner + np.asarray(gs)[..., None, :] * np.eye(k)
    if not _zero(gu):
        ut = _T(u) @ gu
        inner = inner + (f * (ut - _T(ut))) @ S
        out = out + (gu - u @ (_T(u) @ gu)) @ Si @ vh
    if not _zero(gv):
        vt = _T(v) @ gv
        inner = inner + S @ (f * (vt - _T(vt)))
        out = out + u @ Si @ _T(gv - v @ (_T(v) @ gv))
    return u @ inner @ vh + out


def svd_tangent(tangent, a, z, full_matrices=True, compute_uv=True):
    if not compute_uv:
        return svdvals_tangent(tangent, a)
    u, s, vh = z
    k = s.shape[-1]
    full_u, full_vh = u, vh
    u, vh = u[..., :, :k], vh[..., :k, :]
    v = _T(vh)
    dp = _T(u) @ tangent @ v
    f = _svd_f(s)
    S = s[..., None, :] * np.eye(k)
    Si = (1.0 / s)[..., None, :] * np.eye(k)
    ds = np.diagonal(dp, axis1=-2, axis2=-1).copy()
    du = u @ (f * (dp @ S + S @ _T(dp))) + (tangent @ v - u @ (_T(u) @ tangent @ v)) @ Si
    dv = v @ (f * (S @ dp + _T(dp) @ S)) + (_T(tangent) @ u - v @ (_T(v) @ _T(tangent) @ u)) @ Si
    du = np.concatenate([du, np.zeros(full_u.shape[:-1] + (full_u.shape[-1] - k,))], axis=-1)
    extra = full_vh.shape[:-2] + (full_vh.shape[-2] - k,) + full_vh.shape[-1:]
    dvh = np.concatenate([_T(dv), np.zeros(extra)], axis=-2)
    return (du, ds, dvh)   # the extra columns of full U/V: zero, as their adjoints are ignored


def svdvals_grad(g, a):
    if _zero(g):
        return 0
    u, _, vh = np.linalg.svd(a, full_matrices=False)
    return (u * np.asarray(g)[..., None, :]) @ vh


def svdvals_tangent(tangent, a):
    u, _, vh = np.linalg.svd(a, full_matrices=False)
    return np.diagonal(_T(u) @ tangent @ _T(vh), axis1=-2, axis2=-1).copy()


def pinv_grad(g, a, z):
    """Adjoint of np.linalg.pinv (constant rank; Golub and Pereyra)."""
    if _zero(g):
        return 0
    x = z
    m, n = np.shape(a)[-2], np.shape(a)[-1]
    gt = _T(g)
    return (-(_T(x) @ g @ _T(x))
            + (np.eye(m) - a @ x) @ gt @ x @ _T(x)
            + _T(x) @ x @ gt @ (np.eye(n) - x @ a))


def pinv_tangent(tangent, a, z):
    x = z
    m, n = np.shape(a)[-2], np.shape(a)[-1]
    dt = _T(tangent)
    return (-(x @ tangent @ x) + x @ _T(x) @ dt @ (np.eye(m) - a @ x)
            + (np.eye(n) - x @ a) @ dt @ _T(x) @ x)


def _chain2d(arrays):
    mats = [np.asarray(a) for a in arrays]
    if mats[0].ndim == 1:
        mats[0] = mats[0][None, :]
    if mats[-1].ndim == 1:
        mats[-1] = mats[-1][:, None]
    return mats


def multi_dot_grad(g, arrays):
    """Adjoint of np.linalg.multi_dot: one adjoint per matrix in the chain."""
    if _zero(g):
        return 0
    mats = _chain2d(arrays)
    G = np.asarray(g).reshape(mats[0].shape[0], mats[-1].shape[1])
    out = []
    for i in range(len(mats)):
        left = np.eye(mats[0].shape[0])
        for m in mats[:i]:
            left = left @ m
        right = np.eye(mats[-1].shape[1])
        for m in reversed(mats[i + 1:]):
            right = m @ right
        out.append((_T(left) @ G @ _T(right)).reshape(np.shape(arrays[i])))
    return out


def multi_dot_tangent(tangents, arrays):
    out = 0
    for i, t in enumerate(tangents):
        if _zero(t):
            continue
        ops = list(arrays)
        ops[i] = t
        out = out + np.linalg.multi_dot(ops)
    return out


def vecdot_grad(g, x1, x2, axis=-1):
    """Adjoint of `x1` in vecdot(x1, x2, axis): g * x2 broadcast, summed to x1's shape."""
    if _zero(g):
        return 0
    nd = max(np.ndim(x1), np.ndim(x2))
    return unbroadcast(np.expand_dims(np.asarray(g), axis % nd) * x2, x1)


def convolve_grad(g, a, v, mode="full", which=0, flipped=False):
    """Adjoint of np.convolve (flipped=False) or np.correlate (flipped=True) for `a` or `v`."""
    if _zero(g):
        return 0
    n, m = np.size(a), np.size(v)
    full = n + m - 1
    if mode == "full":
        off = 0
    elif mode == "valid":
        off = min(n, m) - 1
    elif not flipped or n >= m:
        off = (min(n, m) - 1) // 2
    else:
        off = n // 2
    G = np.zeros(full, dtype=float_type(g))
    G[off:off + np.size(g)] = g
    w = np.asarray(v)[::-1] if flipped else np.asarray(v)
    if which == 0:
        return np.correlate(G, w, "valid")
    out = np.correlate(G, np.asarray(a), "valid")
    return out[::-1] if flipped else out


def polyval_grad(g, p, x, which=0):
    """Adjoint of np.polyval for the coefficients (which=0) or the points (which=1)."""
    if _zero(g):
        return 0
    p = np.asarray(p, dtype=float)
    if which == 1:
        return g * np.polyval(np.polyder(p), x) if len(p) > 1 else 0.0 * np.asarray(x)
    x = np.asarray(x, dtype=float)
    powers = np.stack([x ** k for k in range(len(p) - 1, -1, -1)], axis=0)
    return np.sum((np.asarray(g) * powers).reshape(len(p), -1), axis=1)


def vander_grad(g, x, N=None, increasing=False):
    if _zero(g):
        return 0
    x = np.asarray(x, dtype=float)
    n = len(x) if N is None else N
    k = np.arange(n) if increasing else np.arange(n - 1, -1, -1)
    deriv = k * x[:, None] ** np.maximum(k - 1, 0)
    return np.sum(np.asarray(g) * deriv, axis=1)


def vander_x_tangent(tangent, x, N=None, increasing=False):
    x = np.asarray(x, dtype=float)
    n = len(x) if N is None else N
    k = np.arange(n) if increasing else np.arange(n - 1, -1, -1)
    return np.asarray(tangent)[:, None] * k * x[:, None] ** np.maximum(k - 1, 0)


def vector_norm_grad(g, x, z, ord=2, axis=None, keepdims=False):
    """Adjoint of a vector p-norm (ord any real or +-inf; 0 at the origin as in PyTorch)."""
    if _zero(g):
        return 0
    x = np.asarray(x, dtype=float)
    if axis is None:
        gb, zb = np.asarray(g), np.asarray(z)
    else:
        gb, zb = keep_reduced(g, x, axis, keepdims), keep_reduced(z, x, axis, keepdims)
    ax = axis
    ab = np.abs(x)
    if ord == 0:
        return np.zeros(x.shape)
    if ord in (np.inf, -np.inf):
        return gb * np.sign(x) * tie_split(ab, zb, ax, True)
    if ord == 1:
        return gb * np.sign(x)
    if ord == 2 or ord is None:
        safe = np.where(zb == 0, 1.0, zb)
        return np.where(zb == 0, 0.0, gb * x / safe)
    safe = np.where(zb == 0, 1.0, zb)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = gb * np.sign(x) * ab ** (ord - 1) / safe ** (ord - 1)
    return np.where(zb == 0, 0.0, np.nan_to_num(out, posinf=0.0, neginf=0.0) if ord < 1 else out)


def matrix_norm_grad(g, x, z, ord="fro", axis=(-2, -1), keepdims=False):
    """Adjoint of a matrix norm over `axis` (fro, nuc, 2, -2, 1, -1, inf, -inf)."""
    if _zero(g):
        return 0
    x = np.asarray(x, dtype=float)
    if ord in ("fro", None):
        return vector_norm_grad(g, x, z, 2, axis, keepdims)
    a0, a1 = (a % x.ndim for a in axis)
    gb = keep_reduced(g, x, axis, keepdims)
    m = np.moveaxis(x, (a0, a1), (-2, -1))
    gm = np.moveaxis(gb, (a0, a1), (-2, -1))
    if ord in ("nuc", 2, -2):
        u, s, vh = np.linalg.svd(m, full_matrices=False)
        if ord == "nuc":
            out = gm * (u @ vh)
        else:                          # the largest (2) or smallest (-2) singular value
            i = [0] if ord == 2 else [-1]
            out = gm * (u[..., :, i] @ vh[..., i, :])
    else:
        if ord in (1, -1):             # max/min column sum of |x|
            sums = np.sum(np.abs(m), axis=-2, keepdims=True)
        else:                          # max/min row sum
            sums = np.sum(np.abs(m), axis=-1, keepdims=True)
        zb = np.moveaxis(keep_reduced(z, x, axis, keepdims), (a0, a1), (-2, -1))
        hit = sums == zb
        out = gm * np.sign(m) * hit / np.sum(hit, axis=(-2, -1), keepdims=True)
    return np.moveaxis(out, (-2, -1), (a0, a1))


def linalg_norm_grad(g, x, z, ord=None, axis=None, keepdims=False):
    """Adjoint of np.linalg.norm for every `ord` it accepts."""
    nd = np.ndim(x)
    if axis is None and (ord is None or nd == 1 or (nd == 2 and ord is None)):
        if ord is None:
            return vector_norm_grad(g, np.ravel(x), z, 2).reshape(np.shape(x)) \
                if not _zero(g) else 0
        return vector_norm_grad(g, x, z, ord)
    if axis is None:
        axis = tuple(range(nd))
    if isinstance(axis, (tuple, list)) and len(axis) == 2:
        return matrix_norm_grad(g, x, z, "fro" if ord is None else ord, tuple(axis), keepdims)
    return vector_norm_grad(g, x, z, 2 if ord is None else ord, axis, keepdims)


def reduced_tangent(tangent, weights, axis=None, keepdims=False):
    """sum(tangent * weights) over `axis`: the tangent of a reduction with these weights."""
    if axis is None:
        return np.sum(tangent * weights, keepdims=keepdims)
    return np.sum(tangent * weights, axis=axis, keepdims=keepdims)


# --- scipy.special ----------------------------------------------------------------------

def bessel_ratio(z, x):
    """z / x for z = i1(x), j1(x) or i1e(x): its limit 1/2 at x = 0."""
    x = np.asarray(x, dtype=float)
    return np.where(x == 0, 0.5, z / np.where(x == 0, 1.0, x))


def boxcox_grad_lmbda(x, lmbda, z):
    """d/dlmbda of (x**lmbda - 1) / lmbda; log(x)**2 / 2 at lmbda = 0."""
    lm = np.asarray(lmbda, dtype=float)
    logx = np.log(x)
    safe = np.where(lm == 0, 1.0, lm)
    return np.where(lm == 0, 0.5 * logx * logx, (np.power(x, lm) * logx - z) / safe)


def ellip_grad(m, kind):
    """Derivative of the complete elliptic integral K(m) (kind "k") or E(m) (kind "e")."""
    from scipy.special import ellipe, ellipk
    m = np.asarray(m, dtype=float)
    safe = np.where(m == 0, 0.5, m)
    if kind == "k":
        out = (ellipe(safe) - (1 - safe) * ellipk(safe)) / (2 * safe * (1 - safe))
        return np.where(m == 0, np.pi / 8, out)
    return np.where(m == 0, -np.pi / 8, (ellipe(safe) - ellipk(safe)) / (2 * safe))


def logsumexp_weights(a, z, axis=None, b=None, keepdims=False, return_sign=False):
    """d logsumexp / da: b * exp(a - z), z broadcast back over the reduced axes."""
    if return_sign:
        raise NotImplementedError("srcgrad: scipy.special.logsumexp gradient with return_sign=True")
    w = np.exp(a - keep_reduced(z, a, axis, keepdims))
    return w if b is None else w * b
