"""Elementwise NumPy functions (ufuncs and friends).

Each function has one general template; where the scalar case can use the
`math` module (much cheaper on Python floats) it also has a scalar template.
"""

import math

import numpy as np

from ..runtime import sign, unbroadcast
from ..runtime.ops import clip_mask, fit
from .registry import all_scalar, d, forward, method, nondifferentiable, reverse, t



# --- trigonometric -------------------------------------------------------------

@reverse(np.sin, elementwise=True)
def sin(z, x):
    d[x] += d[z] * np.cos(x)


@reverse(np.sin, scalar=True)
def sin_scalar(z, x):
    d[x] += d[z] * math.cos(x)


@reverse(np.cos, elementwise=True)
def cos(z, x):
    d[x] += -d[z] * np.sin(x)


@reverse(np.cos, scalar=True)
def cos_scalar(z, x):
    d[x] += -d[z] * math.sin(x)


@reverse(np.tan, elementwise=True)
def tan(z, x):
    d[x] += d[z] * (1 + z * z)


@reverse(np.arcsin, elementwise=True)
def arcsin(z, x):
    d[x] += d[z] / np.sqrt(1 - x * x)


@reverse(np.arccos, elementwise=True)
def arccos(z, x):
    d[x] += -d[z] / np.sqrt(1 - x * x)


@reverse(np.arctan, elementwise=True)
def arctan(z, x):
    d[x] += d[z] / (1 + x * x)


@reverse(np.arctan2, elementwise=True)
def arctan2(z, y, x):
    r2 = x * x + y * y
    d[y] += unbroadcast(d[z] * x / r2, y)
    d[x] += unbroadcast(-d[z] * y / r2, x)


# --- hyperbolic -------------------------------------------------------------------

@reverse(np.sinh, elementwise=True)
def sinh(z, x):
    d[x] += d[z] * np.cosh(x)


@reverse(np.cosh, elementwise=True)
def cosh(z, x):
    d[x] += d[z] * np.sinh(x)


@reverse(np.tanh, elementwise=True)
def tanh(z, x):
    d[x] += d[z] * (1 - z * z)


@reverse(np.arcsinh, elementwise=True)
def arcsinh(z, x):
    d[x] += d[z] / np.sqrt(x * x + 1)


@reverse(np.arccosh, elementwise=True)
def arccosh(z, x):
    d[x] += d[z] / np.sqrt(x * x - 1)


@reverse(np.arctanh, elementwise=True)
def arctanh(z, x):
    d[x] += d[z] / (1 - x * x)


# --- exponentials and logarithms ------------------------------------------------

@reverse(np.exp, elementwise=True)
def exp(z, x):
    d[x] += d[z] * z


@reverse(np.exp2, elementwise=True)
def exp2(z, x):
    d[x] += d[z] * z * math.log(2.0)


@reverse(np.expm1, elementwise=True)
def expm1(z, x):
    d[x] += d[z] * (z + 1)


@reverse(np.log, elementwise=True)
def log(z, x):
    d[x] += d[z] / x


@reverse(np.log2, elementwise=True)
def log2(z, x):
    d[x] += d[z] / (x * math.log(2.0))


@reverse(np.log10, elementwise=True)
def log10(z, x):
    d[x] += d[z] / (x * math.log(10.0))


@reverse(np.log1p, elementwise=True)
def log1p(z, x):
    d[x] += d[z] / (1 + x)


@reverse(np.logaddexp, elementwise=True)
def logaddexp(z, x, y):
    d[x] += unbroadcast(d[z] * np.exp(x - z), x)
    d[y] += unbroadcast(d[z] * np.exp(y - z), y)


@reverse(np.logaddexp2, elementwise=True)
def logaddexp2(z, x, y):
    d[x] += unbroadcast(d[z] * np.exp2(x - z), x)
    d[y] += unbroadcast(d[z] * np.exp2(y - z), y)


# --- powers and roots ----------------------------------------------------------

@reverse(np.sqrt, elementwise=True)
def sqrt(z, x):
    d[x] += d[z] / (2 * z)


@reverse(np.cbrt, elementwise=True)
def cbrt(z, x):
    d[x] += d[z] / (3 * z * z)


@reverse(np.square, elementwise=True)
def square(z, x):
    d[x] += d[z] * 2 * x


@reverse(np.reciprocal, elementwise=True)
def reciprocal(z, x):
    d[x] += -d[z] * z * z


# --- absolute value, extrema, selection --------------------------------------------

@reverse(np.abs, np.absolute, np.fabs, elementwise=True,
         notes="the gradient at 0 is 0, as in PyTorch")
def absolute(z, x):
    d[x] += d[z] * sign(x)


@reverse(np.maximum, np.fmax, elementwise=True, notes="ties split the gradient evenly")
def maximum(z, x, y):
    d[x] += unbroadcast(d[z] * ((x > y) + 0.5 * (x == y)), x)
    d[y] += unbroadcast(d[z] * ((y > x) + 0.5 * (x == y)), y)


@reverse(np.minimum, np.fmin, elementwise=True, notes="ties split the gradient evenly")
def minimum(z, x, y):
    d[x] += unbroadcast(d[z] * ((x < y) + 0.5 * (x == y)), x)
    d[y] += unbroadcast(d[z] * ((y < x) + 0.5 * (x == y)), y)


@reverse(np.where, elementwise=True)
def where(z, condition, x, y):
    d[x] += unbroadcast(np.where(condition, d[z], 0), x)
    d[y] += unbroadcast(np.where(condition, 0, d[z]), y)


@reverse(np.clip, method("clip"), elementwise=True,
         notes="gradient flows where a_min <= a <= a_max (bounds included), as in PyTorch clamp")
def clip(z, a, a_min=None, a_max=None):
    d[a] += unbroadcast(d[z] * clip_mask(a, a_min, a_max), a)
    d[a_min] += unbroadcast(d[z] * (a < a_min), a_min)
    d[a_max] += unbroadcast(d[z] * (a > a_max), a_max)


nondifferentiable(
    np.sign, np.floor, np.ceil, np.round, np.around, np.rint, np.trunc, np.fix,
    np.isnan, np.isinf, np.isfinite, np.isclose, np.allclose, np.array_equal,
    np.logical_and, np.logical_or, np.logical_not, np.logical_xor,
    np.greater, np.greater_equal, np.less, np.less_equal, np.equal, np.not_equal,
    np.signbit, np.heaviside,
    notes="piecewise constant or boolean")


# --- forward mode ---------------------------------------------------------------------

@forward(np.sin, elementwise=True)
def sin_tangent(z, x):
    t[z] += t[x] * np.cos(x)


@forward(np.sin, when=all_scalar)
def sin_tangent_scalar(z, x):
    t[z] += t[x] * math.cos(x)


@forward(np.cos, elementwise=True)
def cos_tangent(z, x):
    t[z] += -t[x] * np.sin(x)


@forward(np.cos, when=all_scalar)
def cos_tangent_scalar(z, x):
    t[z] += -t[x] * math.sin(x)


@forward(np.tan, elementwise=True)
def tan_tangent(z, x):
    t[z] += t[x] * (1 + z * z)


@forward(np.arcsin, elementwise=True)
def arcsin_tangent(z, x):
    t[z] += t[x] / np.sqrt(1 - x * x)


@forward(np.arccos, elementwise=True)
def arccos_tangent(z, x):
    t[z] += -t[x] / np.sqrt(1 - x * x)


@forward(np.arctan, elementwise=True)
def arctan_tangent(z, x):
    t[z] += t[x] / (1 + x * x)


@forward(np.arctan2, elementwise=True)
def arctan2_tangent(z, y, x):
    r2 = x * x + y * y
    t[z] += fit(t[y] * x / r2, z)
    t[z] += fit(-t[x] * y / r2, z)


@forward(np.sinh, elementwise=True)
def sinh_tangent(z, x):
    t[z] += t[x] * np.cosh(x)


@forward(np.cosh, elementwise=True)
def cosh_tangent(z, x):
    t[z] += t[x] * np.sinh(x)


@forward(np.tanh, elementwise=True)
def tanh_tangent(z, x):
    t[z] += t[x] * (1 - z * z)


@forward(np.arcsinh, elementwise=True)
def arcsinh_tangent(z, x):
    t[z] += t[x] / np.sqrt(x * x + 1)


@forward(np.arccosh, elementwise=True)
def arccosh_tangent(z, x):
    t[z] += t[x] / np.sqrt(x * x - 1)


@forward(np.arctanh, elementwise=True)
def arctanh_tangent(z, x):
    t[z] += t[x] / (1 - x * x)


@forward(np.exp, elementwise=True)
def exp_tangent(z, x):
    t[z] += t[x] * z


@forward(np.exp2, elementwise=True)
def exp2_tangent(z, x):
    t[z] += t[x] * z * math.log(2.0)


@forward(np.expm1, elementwise=True)
def expm1_tangent(z, x):
    t[z] += t[x] * (z + 1)


@forward(np.log, elementwise=True)
def log_tangent(z, x):
    t[z] += t[x] / x


@forward(np.log2, elementwise=True)
def log2_tangent(z, x):
    t[z] += t[x] / (x * math.log(2.0))


@forward(np.log10, elementwise=True)
def log10_tangent(z, x):
    t[z] += t[x] / (x * math.log(10.0))


@forward(np.log1p, elementwise=True)
def log1p_tangent(z, x):
    t[z] += t[x] / (1 + x)


@forward(np.logaddexp, elementwise=True)
def logaddexp_tangent(z, x, y):
    t[z] += fit(t[x] * np.exp(x - z), z)
    t[z] += fit(t[y] * np.exp(y - z), z)


@forward(np.logaddexp2, elementwise=True)
def logaddexp2_tangent(z, x, y):
    t[z] += fit(t[x] * np.exp2(x - z), z)
    t[z] += fit(t[y] * np.exp2(y - z), z)


@forward(np.sqrt, elementwise=True)
def sqrt_tangent(z, x):
    t[z] += t[x] / (2 * z)


@forward(np.cbrt, elementwise=True)
def cbrt_tangent(z, x):
    t[z] += t[x] / (3 * z * z)


@forward(np.square, elementwise=True)
def square_tangent(z, x):
    t[z] += t[x] * 2 * x


@forward(np.reciprocal, elementwise=True)
def reciprocal_tangent(z, x):
    t[z] += -t[x] * z * z


@forward(np.abs, np.absolute, np.fabs, elementwise=True)
def absolute_tangent(z, x):
    t[z] += t[x] * sign(x)


@forward(np.maximum, np.fmax, elementwise=True)
def maximum_tangent(z, x, y):
    t[z] += fit(t[x] * ((x > y) + 0.5 * (x == y)), z)
    t[z] += fit(t[y] * ((y > x) + 0.5 * (x == y)), z)


@forward(np.minimum, np.fmin, elementwise=True)
def minimum_tangent(z, x, y):
    t[z] += fit(t[x] * ((x < y) + 0.5 * (x == y)), z)
    t[z] += fit(t[y] * ((y < x) + 0.5 * (x == y)), z)


@forward(np.where, elementwise=True)
def where_tangent(z, condition, x, y):
    t[z] += fit(np.where(condition, t[x], 0), z)
    t[z] += fit(np.where(condition, 0, t[y]), z)


@forward(np.clip, method("clip"), elementwise=True)
def clip_tangent(z, a, a_min=None, a_max=None):
    t[z] += fit(t[a] * clip_mask(a, a_min, a_max), z)
    t[z] += fit(t[a_min] * (a < a_min), z)
    t[z] += fit(t[a_max] * (a > a_max), z)
