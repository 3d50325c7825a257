"""The `math` module, for Python floats."""

import math

from ..runtime import sign
from ..runtime.ops import pow_grad_exponent
from .registry import d, forward, nondifferentiable, reverse, t



@reverse(math.sin)
def sin(z, x):
    d[x] += d[z] * math.cos(x)


@reverse(math.cos)
def cos(z, x):
    d[x] += -d[z] * math.sin(x)


@reverse(math.tan)
def tan(z, x):
    d[x] += d[z] * (1 + z * z)


@reverse(math.asin)
def asin(z, x):
    d[x] += d[z] / math.sqrt(1 - x * x)


@reverse(math.acos)
def acos(z, x):
    d[x] += -d[z] / math.sqrt(1 - x * x)


@reverse(math.atan)
def atan(z, x):
    d[x] += d[z] / (1 + x * x)


@reverse(math.atan2)
def atan2(z, y, x):
    r2 = x * x + y * y
    d[y] += d[z] * x / r2
    d[x] += -d[z] * y / r2


@reverse(math.sinh)
def sinh(z, x):
    d[x] += d[z] * math.cosh(x)


@reverse(math.cosh)
def cosh(z, x):
    d[x] += d[z] * math.sinh(x)


@reverse(math.tanh)
def tanh(z, x):
    d[x] += d[z] * (1 - z * z)


@reverse(math.asinh)
def asinh(z, x):
    d[x] += d[z] / math.sqrt(x * x + 1)


@reverse(math.acosh)
def acosh(z, x):
    d[x] += d[z] / math.sqrt(x * x - 1)


@reverse(math.atanh)
def atanh(z, x):
    d[x] += d[z] / (1 - x * x)


@reverse(math.exp)
def exp(z, x):
    d[x] += d[z] * z


@reverse(math.expm1)
def expm1(z, x):
    d[x] += d[z] * (z + 1)


@reverse(math.log)
def log(z, x, base=None):
    d[x] += d[z] / (x * math.log(base)) if base is not None else d[z] / x
    d[base] += -d[z] * z / (base * math.log(base))


@reverse(math.log2)
def log2(z, x):
    d[x] += d[z] / (x * math.log(2.0))


@reverse(math.log10)
def log10(z, x):
    d[x] += d[z] / (x * math.log(10.0))


@reverse(math.log1p)
def log1p(z, x):
    d[x] += d[z] / (1 + x)


@reverse(math.sqrt)
def sqrt(z, x):
    d[x] += d[z] / (2 * z)


@reverse(math.pow)
def pow_(z, x, y):
    d[x] += d[z] * y * x ** (y - 1)
    d[y] += pow_grad_exponent(d[z], x, y, z)


@reverse(math.fabs)
def fabs(z, x):
    d[x] += d[z] * sign(x)


@reverse(math.hypot)
def hypot(z, x, y):
    d[x] += d[z] * x / z
    d[y] += d[z] * y / z


@reverse(math.erf)
def erf(z, x):
    d[x] += d[z] * 2.0 / math.sqrt(math.pi) * math.exp(-x * x)


@reverse(math.erfc)
def erfc(z, x):
    d[x] += -d[z] * 2.0 / math.sqrt(math.pi) * math.exp(-x * x)


@reverse(math.degrees)
def degrees(z, x):
    d[x] += d[z] * (180.0 / math.pi)


@reverse(math.radians)
def radians(z, x):
    d[x] += d[z] * (math.pi / 180.0)


@reverse(math.copysign)
def copysign(z, x, y):
    d[x] += d[z] * sign(x) * sign(z)


nondifferentiable(math.floor, math.ceil, math.trunc, math.isnan, math.isinf, math.isfinite,
                  math.isclose, math.factorial, math.gcd, math.comb, math.perm,
                  notes="integer or boolean result")


# --- forward mode ---------------------------------------------------------------------

@forward(math.sin)
def sin_tangent(z, x):
    t[z] += t[x] * math.cos(x)


@forward(math.cos)
def cos_tangent(z, x):
    t[z] += -t[x] * math.sin(x)


@forward(math.tan)
def tan_tangent(z, x):
    t[z] += t[x] * (1 + z * z)


@forward(math.asin)
def asin_tangent(z, x):
    t[z] += t[x] / math.sqrt(1 - x * x)


@forward(math.acos)
def acos_tangent(z, x):
    t[z] += -t[x] / math.sqrt(1 - x * x)


@forward(math.atan)
def atan_tangent(z, x):
    t[z] += t[x] / (1 + x * x)


@forward(math.atan2)
def atan2_tangent(z, y, x):
    r2 = x * x + y * y
    t[z] += t[y] * x / r2
    t[z] += -t[x] * y / r2


@forward(math.sinh)
def sinh_tangent(z, x):
    t[z] += t[x] * math.cosh(x)


@forward(math.cosh)
def cosh_tangent(z, x):
    t[z] += t[x] * math.sinh(x)


@forward(math.tanh)
def tanh_tangent(z, x):
    t[z] += t[x] * (1 - z * z)


@forward(math.asinh)
def asinh_tangent(z, x):
    t[z] += t[x] / math.sqrt(x * x + 1)


@forward(math.acosh)
def acosh_tangent(z, x):
    t[z] += t[x] / math.sqrt(x * x - 1)


@forward(math.atanh)
def atanh_tangent(z, x):
    t[z] += t[x] / (1 - x * x)


@forward(math.exp)
def exp_tangent(z, x):
    t[z] += t[x] * z


@forward(math.expm1)
def expm1_tangent(z, x):
    t[z] += t[x] * (z + 1)


@forward(math.log)
def log_tangent(z, x, base=None):
    t[z] += t[x] / (x * math.log(base)) if base is not None else t[x] / x
    t[z] += -t[base] * z / (base * math.log(base))


@forward(math.log2)
def log2_tangent(z, x):
    t[z] += t[x] / (x * math.log(2.0))


@forward(math.log10)
def log10_tangent(z, x):
    t[z] += t[x] / (x * math.log(10.0))


@forward(math.log1p)
def log1p_tangent(z, x):
    t[z] += t[x] / (1 + x)


@forward(math.sqrt)
def sqrt_tangent(z, x):
    t[z] += t[x] / (2 * z)


@forward(math.pow)
def pow_tangent(z, x, y):
    t[z] += t[x] * y * x ** (y - 1)
    t[z] += pow_grad_exponent(t[y], x, y, z)


@forward(math.fabs)
def fabs_tangent(z, x):
    t[z] += t[x] * sign(x)


@forward(math.hypot)
def hypot_tangent(z, x, y):
    t[z] += t[x] * x / z
    t[z] += t[y] * y / z


@forward(math.erf)
def erf_tangent(z, x):
    t[z] += t[x] * 2.0 / math.sqrt(math.pi) * math.exp(-x * x)


@forward(math.erfc)
def erfc_tangent(z, x):
    t[z] += -t[x] * 2.0 / math.sqrt(math.pi) * math.exp(-x * x)


@forward(math.degrees)
def degrees_tangent(z, x):
    t[z] += t[x] * (180.0 / math.pi)


@forward(math.radians)
def radians_tangent(z, x):
    t[z] += t[x] * (math.pi / 180.0)


@forward(math.copysign)
def copysign_tangent(z, x, y):
    t[z] += t[x] * sign(x) * sign(z)
