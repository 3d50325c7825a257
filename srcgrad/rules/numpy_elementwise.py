"""Elementwise NumPy functions (ufuncs and friends).

Each function has one general template; where the scalar case can use the
`math` module (much cheaper on Python floats) it also has a scalar template.
"""

import math

import numpy as np

from ..runtime import sign, unbroadcast
from ..runtime.ops import fit, pow_grad_exponent
from ..runtime.reductions import (copysign_ratio, divmod_grad, divmod_tangent, frexp_grad,
                                  frexp_tangent, modf_grad, modf_tangent, sinc_grad)
from .registry import all_scalar, d, forward, nondifferentiable, reverse, t



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


# --- absolute value and extrema ----------------------------------------------------

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


# --- angles, sinc, hypot ---------------------------------------------------------------

@reverse(np.deg2rad, np.radians, elementwise=True)
def deg2rad(z, x):
    d[x] += d[z] * (math.pi / 180.0)


@reverse(np.rad2deg, np.degrees, elementwise=True)
def rad2deg(z, x):
    d[x] += d[z] * (180.0 / math.pi)


@reverse(np.sinc, elementwise=True, notes="the gradient at 0 is 0")
def sinc(z, x):
    d[x] += d[z] * sinc_grad(x)


@reverse(np.hypot, elementwise=True, notes="nan at x = y = 0, as in PyTorch")
def hypot(z, x, y):
    d[x] += unbroadcast(d[z] * x / z, x)
    d[y] += unbroadcast(d[z] * y / z, y)


# --- powers, remainders, sign transfer -------------------------------------------------

@reverse(np.float_power, elementwise=True, notes="d/dy is 0 where x == 0 and y >= 0, as in PyTorch")
def float_power(z, x, y):
    d[x] += unbroadcast(d[z] * y * np.float_power(x, y - 1), x)
    d[y] += unbroadcast(pow_grad_exponent(d[z], x, y, z), y)


@reverse(np.fmod, elementwise=True, notes="gradient of x - y*trunc(x/y); the jumps are ignored")
def fmod(z, x, y):
    d[x] += unbroadcast(d[z], x)
    d[y] += unbroadcast(-d[z] * np.trunc(x / y), y)


@reverse(np.divmod, notes="only the remainder passes gradient; the quotient is piecewise constant")
def divmod_(z, x, y):
    d[x] += divmod_grad(d[z], x, y, 0)
    d[y] += divmod_grad(d[z], x, y, 1)


@reverse(np.copysign, elementwise=True,
         notes="d/dx1 is 0 at x1 = 0 (as in PyTorch); x2 only gives the sign (no gradient)")
def copysign(z, x1, x2):
    d[x1] += unbroadcast(d[z] * copysign_ratio(x1, z), x1)


@reverse(np.ldexp, elementwise=True, notes="the exponent is an integer (no gradient)")
def ldexp(z, x1, x2):
    d[x1] += unbroadcast(d[z] * np.ldexp(1.0, x2), x1)


@reverse(np.modf, notes="the fractional part passes gradient 1, the integral part none")
def modf(z, x):
    d[x] += modf_grad(d[z])


@reverse(np.frexp, notes="the mantissa passes gradient 2**-exponent; the exponent none")
def frexp(z, x):
    d[x] += frexp_grad(d[z], z)


@reverse(np.nan_to_num, elementwise=True, notes="gradient 1 where x is finite, 0 where it was replaced")
def nan_to_num(z, x, copy=True, nan=0.0, posinf=None, neginf=None):
    d[x] += d[z] * np.isfinite(x)


nondifferentiable(
    np.sign, np.floor, np.ceil, np.round, np.around, np.rint, np.trunc, np.fix,
    np.isnan, np.isinf, np.isfinite, np.isclose, np.allclose, np.array_equal,
    np.logical_and, np.logical_or, np.logical_not, np.logical_xor,
    np.greater, np.greater_equal, np.less, np.less_equal, np.equal, np.not_equal,
    np.signbit, np.heaviside, np.floor_divide, np.spacing, np.nextafter, np.isposinf,
    np.isneginf, np.isreal, np.iscomplex,
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


@forward(np.deg2rad, np.radians, elementwise=True)
def deg2rad_tangent(z, x):
    t[z] += t[x] * (math.pi / 180.0)


@forward(np.rad2deg, np.degrees, elementwise=True)
def rad2deg_tangent(z, x):
    t[z] += t[x] * (180.0 / math.pi)


@forward(np.sinc, elementwise=True)
def sinc_tangent(z, x):
    t[z] += t[x] * sinc_grad(x)


@forward(np.hypot, elementwise=True)
def hypot_tangent(z, x, y):
    t[z] += fit(t[x] * x / z, z)
    t[z] += fit(t[y] * y / z, z)


@forward(np.float_power, elementwise=True)
def float_power_tangent(z, x, y):
    t[z] += fit(t[x] * y * np.float_power(x, y - 1), z)
    t[z] += fit(pow_grad_exponent(t[y], x, y, z), z)


@forward(np.fmod, elementwise=True)
def fmod_tangent(z, x, y):
    t[z] += fit(t[x], z)
    t[z] += fit(-t[y] * np.trunc(x / y), z)


@forward(np.divmod)
def divmod_tangent_rule(z, x, y):
    t[z] += divmod_tangent(t[x], t[y], x, y, z)


@forward(np.copysign, elementwise=True)
def copysign_tangent(z, x1, x2):
    t[z] += fit(t[x1] * copysign_ratio(x1, z), z)


@forward(np.ldexp, elementwise=True)
def ldexp_tangent(z, x1, x2):
    t[z] += fit(t[x1] * np.ldexp(1.0, x2), z)


@forward(np.modf)
def modf_tangent_rule(z, x):
    t[z] += modf_tangent(t[x], z)


@forward(np.frexp)
def frexp_tangent_rule(z, x):
    t[z] += frexp_tangent(t[x], z)


@forward(np.nan_to_num, elementwise=True)
def nan_to_num_tangent(z, x, copy=True, nan=0.0, posinf=None, neginf=None):
    t[z] += t[x] * np.isfinite(x)
