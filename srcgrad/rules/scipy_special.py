"""scipy.special: the logistic and softmax family, error and gamma functions, Bessel
functions, information measures.

SciPy is optional: without it nothing here registers (the templates are still
defined, so the module always imports).  Orders and other integer-like
parameters (`v` of jv, `n` of polygamma, `a` of gammainc) get no gradient.
"""

import math

import numpy as np

from ..runtime import broadcast_back, sign, unbroadcast
from ..runtime.ops import fit
from ..runtime.reductions import no_gradient
from ..runtime.linalg import (bessel_ratio, boxcox_grad_lmbda, ellip_grad, logsumexp_weights,
                              reduced_tangent)
from .registry import d, t

try:
    import scipy.special as sc

    from .registry import forward, reverse
except ImportError:             # scipy is optional: register nothing
    class _Absent:
        def __getattr__(self, name):
            return None

    sc = _Absent()

    def reverse(*objs, **kw):
        return lambda fn: fn

    forward = reverse

SQRT_PI = math.sqrt(math.pi)
SQRT_2PI = math.sqrt(2 * math.pi)
DEG = math.pi / 180.0


def _name(fn):
    return f"scipy.special.{getattr(fn, '__name__', '?')}"


def rev(fn, **kw):
    return reverse(fn, name=_name(fn), **kw)


def fwd(fn, **kw):
    return forward(fn, name=_name(fn), **kw)


# --- logistic, softplus, softmax --------------------------------------------------------------

@rev(sc.expit, elementwise=True)
def expit(z, x):
    d[x] += d[z] * z * (1 - z)


@rev(sc.logit, elementwise=True)
def logit(z, x):
    d[x] += d[z] / (x * (1 - x))


@rev(sc.log_expit, elementwise=True)
def log_expit(z, x):
    d[x] += d[z] * sc.expit(-x)


@rev(sc.softplus, elementwise=True)
def softplus(z, x):
    d[x] += d[z] * sc.expit(x)


@rev(sc.softmax)
def softmax(z, x, axis=None):
    d[x] += z * (d[z] - np.sum(d[z] * z, axis=axis, keepdims=True))


@rev(sc.log_softmax)
def log_softmax(z, x, axis=None):
    d[x] += d[z] - np.exp(z) * np.sum(d[z], axis=axis, keepdims=True)


@rev(sc.logsumexp, notes="return_sign=True is not supported; b gets gradient too")
def logsumexp(z, a, axis=None, b=None, keepdims=False, return_sign=False):
    g = broadcast_back(d[z], a, axis, keepdims)
    d[a] += g * logsumexp_weights(a, z, axis, b, keepdims, return_sign)
    d[b] += unbroadcast(g * logsumexp_weights(a, z, axis, None, keepdims, return_sign), b)


# --- error function and normal distribution ---------------------------------------------------

@rev(sc.erf, elementwise=True)
def erf(z, x):
    d[x] += d[z] * (2.0 / SQRT_PI) * np.exp(-x * x)


@rev(sc.erfc, elementwise=True)
def erfc(z, x):
    d[x] += d[z] * (-2.0 / SQRT_PI) * np.exp(-x * x)


@rev(sc.erfcx, elementwise=True)
def erfcx(z, x):
    d[x] += d[z] * (2.0 * x * z - 2.0 / SQRT_PI)


@rev(sc.erfinv, elementwise=True)
def erfinv(z, x):
    d[x] += d[z] * (SQRT_PI / 2.0) * np.exp(z * z)


@rev(sc.erfcinv, elementwise=True)
def erfcinv(z, x):
    d[x] += d[z] * (-SQRT_PI / 2.0) * np.exp(z * z)


@rev(sc.dawsn, elementwise=True)
def dawsn(z, x):
    d[x] += d[z] * (1.0 - 2.0 * x * z)


@rev(sc.ndtr, elementwise=True)
def ndtr(z, x):
    d[x] += d[z] * np.exp(-0.5 * x * x) / SQRT_2PI


@rev(sc.log_ndtr, elementwise=True)
def log_ndtr(z, x):
    d[x] += d[z] * np.exp(-0.5 * x * x - z) / SQRT_2PI


@rev(sc.ndtri, elementwise=True)
def ndtri(z, x):
    d[x] += d[z] * SQRT_2PI * np.exp(0.5 * z * z)


# --- gamma and beta ---------------------------------------------------------------------------

@rev(sc.gamma, elementwise=True)
def gamma(z, x):
    d[x] += d[z] * z * sc.digamma(x)


@rev(sc.gammaln, elementwise=True)
def gammaln(z, x):
    d[x] += d[z] * sc.digamma(x)


@rev(sc.loggamma, elementwise=True, notes="real arguments > 0")
def loggamma(z, x):
    d[x] += d[z] * sc.digamma(x)


@rev(sc.digamma, elementwise=True)
def digamma(z, x):
    d[x] += d[z] * sc.polygamma(1, x)


@rev(sc.polygamma, elementwise=True, notes="the order n gets no gradient")
def polygamma(z, n, x):
    d[x] += unbroadcast(d[z] * sc.polygamma(n + 1, x), x)
    d[n] += no_gradient(d[z], "scipy.special.polygamma", "n")


@rev(sc.beta, elementwise=True)
def beta(z, a, b):
    d[a] += unbroadcast(d[z] * z * (sc.digamma(a) - sc.digamma(a + b)), a)
    d[b] += unbroadcast(d[z] * z * (sc.digamma(b) - sc.digamma(a + b)), b)


@rev(sc.betaln, elementwise=True)
def betaln(z, a, b):
    d[a] += unbroadcast(d[z] * (sc.digamma(a) - sc.digamma(a + b)), a)
    d[b] += unbroadcast(d[z] * (sc.digamma(b) - sc.digamma(a + b)), b)


@rev(sc.gammainc, elementwise=True, notes="gradient in x only")
def gammainc(z, a, x):
    d[x] += unbroadcast(d[z] * np.exp((a - 1) * np.log(x) - x - sc.gammaln(a)), x)
    d[a] += no_gradient(d[z], "scipy.special.gammainc", "a")


@rev(sc.gammaincc, elementwise=True, notes="gradient in x only")
def gammaincc(z, a, x):
    d[x] += unbroadcast(-d[z] * np.exp((a - 1) * np.log(x) - x - sc.gammaln(a)), x)
    d[a] += no_gradient(d[z], "scipy.special.gammaincc", "a")


# --- logarithms of products, information measures ---------------------------------------------

@rev(sc.xlogy, elementwise=True, notes="d/dx is 0 where x == 0, as in PyTorch")
def xlogy(z, x, y):
    d[x] += unbroadcast(d[z] * sc.xlogy(x != 0, y), x)
    d[y] += unbroadcast(d[z] * x / y, y)


@rev(sc.xlog1py, elementwise=True, notes="d/dx is 0 where x == 0, as in PyTorch")
def xlog1py(z, x, y):
    d[x] += unbroadcast(d[z] * sc.xlog1py(x != 0, y), x)
    d[y] += unbroadcast(d[z] * x / (1 + y), y)


@rev(sc.entr, elementwise=True)
def entr(z, x):
    d[x] += -d[z] * (np.log(x) + 1)


@rev(sc.rel_entr, elementwise=True)
def rel_entr(z, x, y):
    d[x] += unbroadcast(d[z] * (np.log(x / y) + 1), x)
    d[y] += unbroadcast(-d[z] * x / y, y)


@rev(sc.kl_div, elementwise=True)
def kl_div(z, x, y):
    d[x] += unbroadcast(d[z] * np.log(x / y), x)
    d[y] += unbroadcast(d[z] * (1 - x / y), y)


@rev(sc.boxcox, elementwise=True)
def boxcox(z, x, lmbda):
    d[x] += unbroadcast(d[z] * x ** (lmbda - 1), x)
    d[lmbda] += unbroadcast(d[z] * boxcox_grad_lmbda(x, lmbda, z), lmbda)


@rev(sc.boxcox1p, elementwise=True)
def boxcox1p(z, x, lmbda):
    d[x] += unbroadcast(d[z] * (1 + x) ** (lmbda - 1), x)
    d[lmbda] += unbroadcast(d[z] * boxcox_grad_lmbda(1 + x, lmbda, z), lmbda)


@rev(sc.huber, elementwise=True)
def huber(z, delta, r):
    d[r] += unbroadcast(d[z] * np.where(np.abs(r) <= delta, r, delta * sign(r)), r)
    d[delta] += unbroadcast(d[z] * np.where(np.abs(r) <= delta, 0.0, np.abs(r) - delta), delta)


@rev(sc.pseudo_huber, elementwise=True)
def pseudo_huber(z, delta, r):
    s = np.sqrt(1 + (r / delta) ** 2)
    d[r] += unbroadcast(d[z] * r / s, r)
    d[delta] += unbroadcast(d[z] * (2 * delta * (s - 1) - r * r / (delta * s)), delta)


# --- exponentials and trigonometry in degrees -------------------------------------------------

@rev(sc.exp10, elementwise=True)
def exp10(z, x):
    d[x] += d[z] * z * math.log(10.0)


@rev(sc.cosm1, elementwise=True)
def cosm1(z, x):
    d[x] += -d[z] * np.sin(x)


@rev(sc.sindg, elementwise=True)
def sindg(z, x):
    d[x] += d[z] * sc.cosdg(x) * DEG


@rev(sc.cosdg, elementwise=True)
def cosdg(z, x):
    d[x] += -d[z] * sc.sindg(x) * DEG


@rev(sc.expi, elementwise=True)
def expi(z, x):
    d[x] += d[z] * np.exp(x) / x


@rev(sc.exp1, elementwise=True)
def exp1(z, x):
    d[x] += -d[z] * np.exp(-x) / x


@rev(sc.ellipk, elementwise=True)
def ellipk(z, m):
    d[m] += d[z] * ellip_grad(m, "k")


@rev(sc.ellipe, elementwise=True)
def ellipe(z, m):
    d[m] += d[z] * ellip_grad(m, "e")


# --- Bessel functions -------------------------------------------------------------------------

@rev(sc.i0, elementwise=True)
def i0(z, x):
    d[x] += d[z] * sc.i1(x)


@rev(sc.i0e, elementwise=True)
def i0e(z, x):
    d[x] += d[z] * (sc.i1e(x) - sign(x) * z)


@rev(sc.i1, elementwise=True)
def i1(z, x):
    d[x] += d[z] * (sc.i0(x) - bessel_ratio(z, x))


@rev(sc.i1e, elementwise=True)
def i1e(z, x):
    d[x] += d[z] * (sc.i0e(x) - sign(x) * z - bessel_ratio(z, x))


@rev(sc.j0, elementwise=True)
def j0(z, x):
    d[x] += -d[z] * sc.j1(x)


@rev(sc.j1, elementwise=True)
def j1(z, x):
    d[x] += d[z] * (sc.j0(x) - bessel_ratio(z, x))


@rev(sc.y0, elementwise=True)
def y0(z, x):
    d[x] += -d[z] * sc.y1(x)


@rev(sc.y1, elementwise=True)
def y1(z, x):
    d[x] += d[z] * (sc.y0(x) - z / x)


@rev(sc.k0, elementwise=True)
def k0(z, x):
    d[x] += -d[z] * sc.k1(x)


@rev(sc.k1, elementwise=True)
def k1(z, x):
    d[x] += -d[z] * (sc.k0(x) + z / x)


@rev(sc.jv, elementwise=True, notes="the order v gets no gradient")
def jv(z, v, x):
    d[x] += unbroadcast(d[z] * 0.5 * (sc.jv(v - 1, x) - sc.jv(v + 1, x)), x)
    d[v] += no_gradient(d[z], "scipy.special.jv", "v")


@rev(sc.yv, elementwise=True, notes="the order v gets no gradient")
def yv(z, v, x):
    d[x] += unbroadcast(d[z] * 0.5 * (sc.yv(v - 1, x) - sc.yv(v + 1, x)), x)
    d[v] += no_gradient(d[z], "scipy.special.yv", "v")


@rev(sc.iv, elementwise=True, notes="the order v gets no gradient")
def iv(z, v, x):
    d[x] += unbroadcast(d[z] * 0.5 * (sc.iv(v - 1, x) + sc.iv(v + 1, x)), x)
    d[v] += no_gradient(d[z], "scipy.special.iv", "v")


@rev(sc.kv, elementwise=True, notes="the order v gets no gradient")
def kv(z, v, x):
    d[x] += unbroadcast(-d[z] * 0.5 * (sc.kv(v - 1, x) + sc.kv(v + 1, x)), x)
    d[v] += no_gradient(d[z], "scipy.special.kv", "v")


# --- forward mode -----------------------------------------------------------------------------

@fwd(sc.expit, elementwise=True)
def expit_tangent(z, x):
    t[z] += t[x] * z * (1 - z)


@fwd(sc.logit, elementwise=True)
def logit_tangent(z, x):
    t[z] += t[x] / (x * (1 - x))


@fwd(sc.log_expit, elementwise=True)
def log_expit_tangent(z, x):
    t[z] += t[x] * sc.expit(-x)


@fwd(sc.softplus, elementwise=True)
def softplus_tangent(z, x):
    t[z] += t[x] * sc.expit(x)


@fwd(sc.erf, elementwise=True)
def erf_tangent(z, x):
    t[z] += t[x] * (2.0 / SQRT_PI) * np.exp(-x * x)


@fwd(sc.erfc, elementwise=True)
def erfc_tangent(z, x):
    t[z] += t[x] * (-2.0 / SQRT_PI) * np.exp(-x * x)


@fwd(sc.erfcx, elementwise=True)
def erfcx_tangent(z, x):
    t[z] += t[x] * (2.0 * x * z - 2.0 / SQRT_PI)


@fwd(sc.erfinv, elementwise=True)
def erfinv_tangent(z, x):
    t[z] += t[x] * (SQRT_PI / 2.0) * np.exp(z * z)


@fwd(sc.erfcinv, elementwise=True)
def erfcinv_tangent(z, x):
    t[z] += t[x] * (-SQRT_PI / 2.0) * np.exp(z * z)


@fwd(sc.dawsn, elementwise=True)
def dawsn_tangent(z, x):
    t[z] += t[x] * (1.0 - 2.0 * x * z)


@fwd(sc.ndtr, elementwise=True)
def ndtr_tangent(z, x):
    t[z] += t[x] * np.exp(-0.5 * x * x) / SQRT_2PI


@fwd(sc.log_ndtr, elementwise=True)
def log_ndtr_tangent(z, x):
    t[z] += t[x] * np.exp(-0.5 * x * x - z) / SQRT_2PI


@fwd(sc.ndtri, elementwise=True)
def ndtri_tangent(z, x):
    t[z] += t[x] * SQRT_2PI * np.exp(0.5 * z * z)


@fwd(sc.gamma, elementwise=True)
def gamma_tangent(z, x):
    t[z] += t[x] * z * sc.digamma(x)


@fwd(sc.gammaln, elementwise=True)
def gammaln_tangent(z, x):
    t[z] += t[x] * sc.digamma(x)


@fwd(sc.loggamma, elementwise=True)
def loggamma_tangent(z, x):
    t[z] += t[x] * sc.digamma(x)


@fwd(sc.digamma, elementwise=True)
def digamma_tangent(z, x):
    t[z] += t[x] * sc.polygamma(1, x)


@fwd(sc.polygamma, elementwise=True)
def polygamma_tangent(z, n, x):
    t[z] += fit(t[x] * sc.polygamma(n + 1, x), z)


@fwd(sc.beta, elementwise=True)
def beta_tangent(z, a, b):
    t[z] += fit(t[a] * z * (sc.digamma(a) - sc.digamma(a + b)), z)
    t[z] += fit(t[b] * z * (sc.digamma(b) - sc.digamma(a + b)), z)


@fwd(sc.betaln, elementwise=True)
def betaln_tangent(z, a, b):
    t[z] += fit(t[a] * (sc.digamma(a) - sc.digamma(a + b)), z)
    t[z] += fit(t[b] * (sc.digamma(b) - sc.digamma(a + b)), z)


@fwd(sc.gammainc, elementwise=True)
def gammainc_tangent(z, a, x):
    t[z] += fit(t[x] * np.exp((a - 1) * np.log(x) - x - sc.gammaln(a)), z)


@fwd(sc.gammaincc, elementwise=True)
def gammaincc_tangent(z, a, x):
    t[z] += fit(-t[x] * np.exp((a - 1) * np.log(x) - x - sc.gammaln(a)), z)


@fwd(sc.xlogy, elementwise=True)
def xlogy_tangent(z, x, y):
    t[z] += fit(t[x] * sc.xlogy(x != 0, y), z)
    t[z] += fit(t[y] * x / y, z)


@fwd(sc.xlog1py, elementwise=True)
def xlog1py_tangent(z, x, y):
    t[z] += fit(t[x] * sc.xlog1py(x != 0, y), z)
    t[z] += fit(t[y] * x / (1 + y), z)


@fwd(sc.entr, elementwise=True)
def entr_tangent(z, x):
    t[z] += -t[x] * (np.log(x) + 1)


@fwd(sc.rel_entr, elementwise=True)
def rel_entr_tangent(z, x, y):
    t[z] += fit(t[x] * (np.log(x / y) + 1), z)
    t[z] += fit(-t[y] * x / y, z)


@fwd(sc.kl_div, elementwise=True)
def kl_div_tangent(z, x, y):
    t[z] += fit(t[x] * np.log(x / y), z)
    t[z] += fit(t[y] * (1 - x / y), z)


@fwd(sc.boxcox, elementwise=True)
def boxcox_tangent(z, x, lmbda):
    t[z] += fit(t[x] * x ** (lmbda - 1), z)
    t[z] += fit(t[lmbda] * boxcox_grad_lmbda(x, lmbda, z), z)


@fwd(sc.boxcox1p, elementwise=True)
def boxcox1p_tangent(z, x, lmbda):
    t[z] += fit(t[x] * (1 + x) ** (lmbda - 1), z)
    t[z] += fit(t[lmbda] * boxcox_grad_lmbda(1 + x, lmbda, z), z)


@fwd(sc.huber, elementwise=True)
def huber_tangent(z, delta, r):
    t[z] += fit(t[r] * np.where(np.abs(r) <= delta, r, delta * sign(r)), z)
    t[z] += fit(t[delta] * np.where(np.abs(r) <= delta, 0.0, np.abs(r) - delta), z)


@fwd(sc.pseudo_huber, elementwise=True)
def pseudo_huber_tangent(z, delta, r):
    s = np.sqrt(1 + (r / delta) ** 2)
    t[z] += fit(t[r] * r / s, z)
    t[z] += fit(t[delta] * (2 * delta * (s - 1) - r * r / (delta * s)), z)


@fwd(sc.exp10, elementwise=True)
def exp10_tangent(z, x):
    t[z] += t[x] * z * math.log(10.0)


@fwd(sc.cosm1, elementwise=True)
def cosm1_tangent(z, x):
    t[z] += -t[x] * np.sin(x)


@fwd(sc.sindg, elementwise=True)
def sindg_tangent(z, x):
    t[z] += t[x] * sc.cosdg(x) * DEG


@fwd(sc.cosdg, elementwise=True)
def cosdg_tangent(z, x):
    t[z] += -t[x] * sc.sindg(x) * DEG


@fwd(sc.expi, elementwise=True)
def expi_tangent(z, x):
    t[z] += t[x] * np.exp(x) / x


@fwd(sc.exp1, elementwise=True)
def exp1_tangent(z, x):
    t[z] += -t[x] * np.exp(-x) / x


@fwd(sc.ellipk, elementwise=True)
def ellipk_tangent(z, m):
    t[z] += t[m] * ellip_grad(m, "k")


@fwd(sc.ellipe, elementwise=True)
def ellipe_tangent(z, m):
    t[z] += t[m] * ellip_grad(m, "e")


@fwd(sc.i0, elementwise=True)
def i0_tangent(z, x):
    t[z] += t[x] * sc.i1(x)


@fwd(sc.i0e, elementwise=True)
def i0e_tangent(z, x):
    t[z] += t[x] * (sc.i1e(x) - sign(x) * z)


@fwd(sc.i1, elementwise=True)
def i1_tangent(z, x):
    t[z] += t[x] * (sc.i0(x) - bessel_ratio(z, x))


@fwd(sc.i1e, elementwise=True)
def i1e_tangent(z, x):
    t[z] += t[x] * (sc.i0e(x) - sign(x) * z - bessel_ratio(z, x))


@fwd(sc.j0, elementwise=True)
def j0_tangent(z, x):
    t[z] += -t[x] * sc.j1(x)


@fwd(sc.j1, elementwise=True)
def j1_tangent(z, x):
    t[z] += t[x] * (sc.j0(x) - bessel_ratio(z, x))


@fwd(sc.y0, elementwise=True)
def y0_tangent(z, x):
    t[z] += -t[x] * sc.y1(x)


@fwd(sc.y1, elementwise=True)
def y1_tangent(z, x):
    t[z] += t[x] * (sc.y0(x) - z / x)


@fwd(sc.k0, elementwise=True)
def k0_tangent(z, x):
    t[z] += -t[x] * sc.k1(x)


@fwd(sc.k1, elementwise=True)
def k1_tangent(z, x):
    t[z] += -t[x] * (sc.k0(x) + z / x)


@fwd(sc.jv, elementwise=True)
def jv_tangent(z, v, x):
    t[z] += fit(t[x] * 0.5 * (sc.jv(v - 1, x) - sc.jv(v + 1, x)), z)


@fwd(sc.yv, elementwise=True)
def yv_tangent(z, v, x):
    t[z] += fit(t[x] * 0.5 * (sc.yv(v - 1, x) - sc.yv(v + 1, x)), z)


@fwd(sc.iv, elementwise=True)
def iv_tangent(z, v, x):
    t[z] += fit(t[x] * 0.5 * (sc.iv(v - 1, x) + sc.iv(v + 1, x)), z)


@fwd(sc.kv, elementwise=True)
def kv_tangent(z, v, x):
    t[z] += fit(-t[x] * 0.5 * (sc.kv(v - 1, x) + sc.kv(v + 1, x)), z)


@fwd(sc.softmax)
def softmax_tangent(z, x, axis=None):
    t[z] += z * (t[x] - np.sum(t[x] * z, axis=axis, keepdims=True))


@fwd(sc.log_softmax)
def log_softmax_tangent(z, x, axis=None):
    t[z] += t[x] - np.sum(t[x] * np.exp(z), axis=axis, keepdims=True)


@fwd(sc.logsumexp)
def logsumexp_tangent(z, a, axis=None, b=None, keepdims=False, return_sign=False):
    t[z] += reduced_tangent(t[a], logsumexp_weights(a, z, axis, b, keepdims, return_sign), axis, keepdims)
    t[z] += reduced_tangent(t[b], logsumexp_weights(a, z, axis, None, keepdims, return_sign), axis, keepdims)
