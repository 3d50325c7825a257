"""The `math` module, for Python floats."""

import math

from ..runtime import sign
from ..runtime.ops import pow_grad_exponent
from .registry import d, nondifferentiable, reverse



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
