"""Python operators (`+ - * / // % ** @`, unary `-`/`+`) and their NumPy ufuncs."""

import operator

import numpy as np

from ..runtime import unbroadcast
from ..runtime.ops import fit, matmul_grad_x, matmul_grad_y, pow_grad_exponent, tangent_matmul
from .registry import d, forward, method, nondifferentiable, nonzero_constant_at, ranks, reverse, t

# d is the adjoint marker of the template language; templates are parsed, never run.


@reverse(operator.add, np.add, elementwise=True)
def add(z, x, y):
    d[x] += unbroadcast(d[z], x)
    d[y] += unbroadcast(d[z], y)


@reverse(operator.sub, np.subtract, elementwise=True)
def sub(z, x, y):
    d[x] += unbroadcast(d[z], x)
    d[y] += unbroadcast(-d[z], y)


@reverse(operator.mul, np.multiply, elementwise=True)
def mul(z, x, y):
    d[x] += unbroadcast(d[z] * y, x)
    d[y] += unbroadcast(d[z] * x, y)


@reverse(operator.truediv, np.divide, np.true_divide, elementwise=True)
def truediv(z, x, y):
    d[x] += unbroadcast(d[z] / y, x)
    d[y] += unbroadcast(-d[z] * x / (y * y), y)


# c / y with c a nonzero literal (1 / (1 + np.exp(-x)), 1.0 / n): -c / y**2 is -z * z / c,
# so the tape keeps the result, which later adjoints usually read anyway, instead of y.
@reverse(operator.truediv, np.divide, np.true_divide, elementwise=True, when=nonzero_constant_at(0))
def divide_constant(z, x, y):
    d[y] += unbroadcast(-d[z] * z * z / x, y)


@reverse(operator.mod, np.remainder, elementwise=True,
         notes="gradient of x - y*floor(x/y); the jumps are ignored")
def mod(z, x, y):
    d[x] += unbroadcast(d[z], x)
    d[y] += unbroadcast(-d[z] * (x // y), y)


@reverse(operator.pow, np.power, pow, elementwise=True,
         notes="d/dy is 0 where x == 0 and y >= 0, as in PyTorch")
def power(z, x, y):
    d[x] += unbroadcast(d[z] * y * x ** (y - 1), x)
    d[y] += unbroadcast(pow_grad_exponent(d[z], x, y, z), y)


@reverse(operator.neg, np.negative, elementwise=True)
def neg(z, x):
    d[x] += -d[z]


@reverse(operator.pos, np.positive, elementwise=True)
def pos(z, x):
    d[x] += d[z]


@reverse(operator.matmul, np.matmul)
def matmul(z, x, y):
    d[x] += matmul_grad_x(d[z], x, y)
    d[y] += matmul_grad_y(d[z], x, y)


@reverse(operator.matmul, np.matmul, np.dot, method("dot"), when=ranks(2, 2))
def matmul_matrices(z, x, y):
    d[x] += d[z] @ y.T
    d[y] += x.T @ d[z]


# With a vector's rank known, np.dot is the same product as `@` without the matmul
# ufunc's dispatch: a third less on small arrays, which a recurrent backward loop
# pays every step.
@reverse(operator.matmul, np.matmul, np.dot, method("dot"), when=ranks(2, 1))
def matmul_matrix_vector(z, x, y):
    d[x] += d[z][:, None] * y          # the outer product, without np.outer's call cost
    d[y] += np.dot(d[z], x)            # x.T @ d[z] without making the transposed view


@reverse(operator.matmul, np.matmul, np.dot, method("dot"), when=ranks(1, 2))
def matmul_vector_matrix(z, x, y):
    d[x] += np.dot(y, d[z])
    d[y] += x[:, None] * d[z]


@reverse(operator.matmul, np.matmul, np.dot, method("dot"), when=ranks(1, 1))
def matmul_vectors(z, x, y):
    d[x] += d[z] * y
    d[y] += d[z] * x


# --- forward mode ---------------------------------------------------------------------

@forward(operator.add, np.add, elementwise=True)
def add_tangent(z, x, y):
    t[z] += fit(t[x], z)
    t[z] += fit(t[y], z)


@forward(operator.sub, np.subtract, elementwise=True)
def sub_tangent(z, x, y):
    t[z] += fit(t[x], z)
    t[z] += fit(-t[y], z)


@forward(operator.mul, np.multiply, elementwise=True)
def mul_tangent(z, x, y):
    t[z] += fit(t[x] * y, z)
    t[z] += fit(x * t[y], z)


@forward(operator.truediv, np.divide, np.true_divide, elementwise=True)
def truediv_tangent(z, x, y):
    t[z] += fit(t[x] / y, z)
    t[z] += fit(-t[y] * x / (y * y), z)


@forward(operator.mod, np.remainder, elementwise=True)
def mod_tangent(z, x, y):
    t[z] += fit(t[x], z)
    t[z] += fit(-t[y] * (x // y), z)


@forward(operator.pow, np.power, pow, elementwise=True)
def power_tangent(z, x, y):
    t[z] += fit(t[x] * y * x ** (y - 1), z)
    t[z] += fit(pow_grad_exponent(t[y], x, y, z), z)


@forward(operator.neg, np.negative, elementwise=True)
def neg_tangent(z, x):
    t[z] += -t[x]


@forward(operator.pos, np.positive, elementwise=True)
def pos_tangent(z, x):
    t[z] += t[x]


@forward(operator.matmul, np.matmul)
def matmul_tangent(z, x, y):
    t[z] += tangent_matmul(t[x], y)     # a tangent may be the 0 that stands for zero
    t[z] += tangent_matmul(x, t[y])


nondifferentiable(
    operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne,
    operator.not_, operator.invert, operator.and_, operator.xor,
    operator.lshift, operator.rshift, operator.is_, operator.is_not, operator.contains,
    operator.floordiv, np.floor_divide,
    notes="integer-valued or boolean result")
