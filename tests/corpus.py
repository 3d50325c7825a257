"""The catalog: plain numeric functions covering every supported construct and primitive.

Each function is registered with the argument makers that draw its inputs
(inside its smooth domain) and the arguments to differentiate.  The tests
cross this catalog with every entry point and check each gradient against
finite differences through srcgrad.check_grad.
"""

import math
from dataclasses import dataclass

import numpy as np

CASES = []


@dataclass
class Case:
    fn: object
    makers: tuple
    wrt: object
    id: str


def case(*makers, wrt=0, id=None):
    def register(fn):
        CASES.append(Case(fn, makers, wrt, id or fn.__name__))
        return fn
    return register


# --- argument makers (each takes a RandomState) -------------------------------------

def S(lo=-2.0, hi=2.0):
    return lambda r: float(r.uniform(lo, hi))


def P(lo=0.5, hi=2.0):
    return S(lo, hi)


def V(n, lo=-2.0, hi=2.0):
    return lambda r: r.uniform(lo, hi, size=n)


def M(n, m, lo=-2.0, hi=2.0):
    return lambda r: r.uniform(lo, hi, size=(n, m))


def T(*shape, lo=-2.0, hi=2.0):
    return lambda r: r.uniform(lo, hi, size=shape)


def K(value):
    return lambda r: value


def make_args(c, seed):
    r = np.random.RandomState(seed)
    return [m(r) for m in c.makers]


# --- module globals and helpers used below --------------------------------------------

SCALE = 1.5
OFFSET = np.array([0.5, -0.25, 1.0])
CALLS = {"count": 0}


def helper_square(a):
    return a * a


def helper_kw(a, b=2.0, *, c=0.5):
    return a * b + c * a * a


def helper_loop(a, n):
    s = 0.0
    for i in range(n):
        s = s + math.sin(a * i)
    return s


def helper_vec(v, w):
    return np.dot(v, w) + np.sum(v ** 2)


def helper_pair(a, b):
    return a * b, a + b


def helper_rows(v, w):
    rows = []
    for k in range(len(v)):
        rows.append(np.tanh(v[k] * w))
    return rows


def power_rec(x, n):
    if n == 0:
        return 1.0
    return x * power_rec(x, n - 1)


def fib_like(x, n):
    if n <= 1:
        return x
    return fib_like(x, n - 1) + 0.5 * fib_like(x, n - 2)


class Counter:
    def __init__(self):
        self.n = 0


COUNTER = Counter()


# === operators ===========================================================================

@case(S(), S())
def op_add(x, y):
    return x + y


@case(S(), S(), wrt=(0, 1))
def op_sub(x, y):
    return x - y * 2.0


@case(S(), S(), wrt=(0, 1))
def op_mul(x, y):
    return x * y * x


@case(S(), P(), wrt=(0, 1))
def op_div(x, y):
    return x / y + 1.0 / y


@case(V(4, 0.5, 2.0))
def op_div_constant_numerator(x):
    s = 1.0 / (1.0 + np.exp(-x))
    r = -3 / x + np.divide(4, x * x)
    z = 2.5 / x
    w = z * x
    z += x          # the adjoint of 2.5 / x reads z from before this update
    return np.sum(s * r + z * w) + np.sum(0 / x)


@case(S(0.5, 2.0))
def op_div_constant_in_loop(x):
    z = x
    for _ in range(3):
        z = 1.0 / (1.0 + z * z)
    return z * x


@case(P(), S(-1.5, 1.5), wrt=(0, 1))
def op_pow(x, y):
    return x ** y + x ** 3


@case(S(0.1, 3.0), P(0.7, 1.3), wrt=(0, 1))
def op_mod(x, y):
    return (x % y) * x


@case(S(0.1, 3.0), P(0.7, 1.3))
def op_floordiv(x, y):
    return (x // y) * x + x


@case(S())
def op_neg_pos(x):
    return -x * +x - (-x)


@case(M(3, 4), M(4, 2), wrt=(0, 1))
def op_matmul(a, b):
    return np.sum(a @ b)


@case(V(4), M(4, 3), wrt=(0, 1))
def op_matmul_vec_mat(v, m):
    return np.sum((v @ m) ** 2)


@case(M(3, 4), V(4), wrt=(0, 1))
def op_matmul_mat_vec(m, v):
    return np.sum(np.sin(m @ v))


@case(V(4), V(4), wrt=(0, 1))
def op_matmul_vec_vec(u, v):
    return (u @ v) ** 2


@case(T(2, 3, 4), T(2, 4, 2), wrt=(0, 1))
def op_matmul_batched(a, b):
    return np.sum(np.tanh(a @ b))


@case(V(3), S(), wrt=(0, 1))
def op_broadcast_scalar(v, s):
    return np.sum(v * s + s / (1.0 + v * v))


@case(M(3, 4), V(4), wrt=(0, 1))
def op_broadcast_rows(m, v):
    return np.sum((m - v) ** 2)


@case(M(3, 4), M(3, 1), wrt=(0, 1))
def op_broadcast_keepdim(m, c):
    return np.sum(m * c + c)


@case(S(), S())
def op_comparisons(x, y):
    return x * (x > y) + y * (x <= y) + x * (x != y)


# === NumPy elementwise ==========================================================================

@case(V(5))
def np_trig(x):
    return np.sum(np.sin(x) * np.cos(x) + np.tan(x * 0.3))


@case(V(5, -0.9, 0.9))
def np_inverse_trig(x):
    return np.sum(np.arcsin(x) + np.arccos(x * 0.5) + np.arctan(x * 3.0))


@case(V(4), V(4, 0.5, 2.0), wrt=(0, 1))
def np_arctan2(y, x):
    return np.sum(np.arctan2(y, x))


@case(V(5))
def np_hyperbolic(x):
    return np.sum(np.sinh(x) + np.cosh(x * 0.5) + np.tanh(x))


@case(V(5, -1.0, 1.0))
def np_exp_family(x):
    return np.sum(np.exp(x) + np.exp2(x) + np.expm1(x))


@case(V(5, 0.2, 3.0))
def np_log_family(x):
    return np.sum(np.log(x) + np.log2(x) + np.log10(x) + np.log1p(x))


@case(V(5, 0.2, 3.0))
def np_sqrt_square_reciprocal(x):
    return np.sum(np.sqrt(x) + np.square(x) + np.reciprocal(x))


@case(V(5), V(5), wrt=(0, 1))
def np_arith_functions(x, y):
    return np.sum(np.add(x, y) * np.subtract(x, 1.0) + np.multiply(x, y)
                  - np.divide(x, 2.0 + y * y) + np.true_divide(y, 3.0) + np.negative(x))


@case(V(5, 0.5, 2.0), V(5, -1.0, 1.0), wrt=(0, 1))
def np_power(x, y):
    return np.sum(np.power(x, y) + np.power(x, 2))


@case(V(6))
def np_abs(x):
    return np.sum(np.abs(x) * x + np.absolute(x))


@case(V(6), V(6), wrt=(0, 1))
def np_maximum_minimum(x, y):
    return np.sum(np.maximum(x, y) * 2.0 + np.minimum(x, y * 0.5))


@case(V(6), V(6), wrt=(0, 1))
def np_where(x, y):
    return np.sum(np.where(x > 0, x * y, y ** 2))


@case(V(6))
def np_clip(x):
    return np.sum(np.clip(x, -1.0, 1.0) ** 2 + x.clip(-0.5, 0.5))


@case(V(6), V(6), wrt=(0, 1))
def np_logaddexp(x, y):
    return np.sum(np.logaddexp(x, y))


@case(V(6))
def np_nondiff_mixed(x):
    return np.sum(x * np.sign(x) + np.floor(x) * x + np.ceil(x) + np.round(x) * x)


# === reductions ============================================================================

@case(M(3, 4))
def red_sum_axes(x):
    return np.sum(x) + np.sum(np.sum(x, axis=0) ** 2) + np.sum(np.sum(x, axis=1, keepdims=True) * x)


@case(M(3, 4))
def red_mean(x):
    return np.mean(x) * np.mean(np.mean(x, axis=-1) ** 2)


@case(M(3, 4))
def red_max_min(x):
    return np.max(x) + np.sum(np.min(x, axis=0)) + np.sum(np.max(x, axis=1) ** 2)


@case(M(3, 3, 0.5, 1.5))
def red_prod(x):
    return np.prod(x) + np.sum(np.prod(x, axis=1))


@case(M(3, 4))
def red_var_std(x):
    return np.var(x) + np.sum(np.std(x, axis=0)) + np.var(x, ddof=1)


@case(V(6))
def red_cumsum(x):
    return np.sum(np.cumsum(x) ** 2) + np.sum(np.cumsum(x * 2.0, axis=0))


@case(V(6))
def red_diff(x):
    return np.sum(np.diff(x) ** 2) + np.sum(np.diff(x, n=2))


@case(M(3, 3))
def red_trace(x):
    return np.trace(x @ x) + np.trace(x)


@case(M(3, 4))
def red_methods(x):
    return x.sum() + x.mean(axis=0).sum() + x.max() + x.min(axis=1).sum() + (x * 0.1 + 1.0).prod()


@case(M(3, 4))
def red_methods_more(x):
    return x.std() + x.var(axis=1).sum() + x.cumsum(axis=1).sum() + x.sum(axis=(0, 1))


# === shape ===================================================================================

@case(V(6))
def sh_reshape(x):
    m = np.reshape(x, (2, 3))
    n = x.reshape(3, 2)
    return np.sum(m @ n) + np.sum(x.reshape((6, 1)) * 2.0)


@case(M(2, 3))
def sh_transpose(x):
    return np.sum(x.T @ x) + np.sum(np.transpose(x) * 2.0) + np.sum(x.transpose() ** 2)


@case(T(2, 3, 4))
def sh_transpose_axes(x):
    return np.sum(np.transpose(x, (1, 0, 2)) * np.arange(4.0)) + np.sum(x.transpose(2, 0, 1)[0])


@case(M(2, 3))
def sh_ravel_flatten(x):
    return np.sum(np.ravel(x) * np.arange(6.0)) + np.sum(x.flatten() ** 2) + x.ravel()[2]


@case(V(3))
def sh_expand_squeeze(x):
    e = np.expand_dims(x, 0)
    return np.sum(e.T @ e) + np.sum(np.squeeze(e) * 2.0) + np.sum(e.squeeze())


@case(V(3), V(3), wrt=(0, 1))
def sh_concatenate(x, y):
    z = np.concatenate([x, y * 2.0])
    return np.sum(z ** 2 * np.arange(6.0))


@case(M(2, 3), M(2, 3), wrt=(0, 1))
def sh_concatenate_axis(x, y):
    return np.sum(np.concatenate([x, y], axis=1) ** 2)


@case(V(3), V(3), wrt=(0, 1))
def sh_stack(x, y):
    return np.sum(np.stack([x, y]) * np.arange(3.0)) + np.sum(np.stack([x, y], axis=1) ** 2)


@case(V(5))
def sh_flip(x):
    return np.sum(np.flip(x) * np.arange(5.0))


@case(V(3))
def sh_tile_repeat(x):
    return np.sum(np.tile(x, 2) * np.arange(6.0)) + np.sum(np.repeat(x, 2) ** 2)


@case(M(3, 4))
def sh_take(x):
    return np.sum(np.take(x, [0, 2, 2], axis=1) ** 2) + np.sum(np.take(x, [1, 5]))


@case(S(), V(3), wrt=(0, 1))
def sh_atleast(x, v):
    return np.sum(np.atleast_1d(x) * v) + np.sum(np.atleast_2d(v) ** 2) + np.sum(np.atleast_3d(v))


@case(S(), S(), wrt=(0, 1))
def sh_array_from_scalars(x, y):
    v = np.array([x, y, x * y])
    return np.sum(v ** 2)


@case(S(), S(), wrt=(0, 1))
def sh_array_nested(x, y):
    m = np.array([[x, y], [y, 1.0]])
    return np.linalg.det(m) + np.sum(np.asarray([x, 2.0]) ** 2)


@case(V(3))
def sh_diag(x):
    return np.sum(np.diag(x) @ np.ones(3)) + np.sum(np.diag(np.outer(x, x)))


@case(S())
def sh_constructors(x):
    z = np.zeros(3) + x
    o = np.ones((2, 2)) * x
    f = np.full(3, x)
    e = np.eye(3) * x
    return np.sum(z ** 2) + np.sum(o) + np.sum(f * np.arange(3.0)) + np.trace(e) + np.sum(np.zeros_like(z) + np.ones_like(z) * x)


@case(V(3))
def sh_copy_astype(x):
    y = x.copy()
    z = np.copy(x)
    return np.sum(y * z) + np.sum(x.astype(np.float64) ** 2)


@case(V(1))
def sh_item(x):
    return x.item() * 3.0 + float(x[0])


# === linear algebra ===========================================================================

@case(V(4), V(4), wrt=(0, 1))
def la_dot_vectors(x, y):
    return np.dot(x, y) + x.dot(y * 2.0)


@case(M(3, 4), M(4, 2), wrt=(0, 1))
def la_dot_matrices(a, b):
    return np.sum(np.dot(a, b) ** 2)


@case(V(3), V(4), wrt=(0, 1))
def la_outer(x, y):
    return np.sum(np.outer(x, y) ** 2)


@case(M(3, 3), wrt=0)
def la_inv(a):
    return np.sum(np.linalg.inv(a + 4.0 * np.eye(3)))


@case(M(3, 3), V(3), wrt=(0, 1))
def la_solve(a, b):
    return np.sum(np.linalg.solve(a + 4.0 * np.eye(3), b) ** 2)


@case(M(3, 3), M(3, 2), wrt=(0, 1))
def la_solve_matrix(a, b):
    return np.sum(np.linalg.solve(a + 4.0 * np.eye(3), b))


@case(M(3, 3))
def la_det(a):
    return np.linalg.det(a + 3.0 * np.eye(3))


@case(V(4), M(3, 3), wrt=(0, 1))
def la_norm(v, m):
    return np.linalg.norm(v) + np.linalg.norm(m) + np.sum(np.linalg.norm(m, axis=1))


@case(M(3, 4), M(4, 2), wrt=(0, 1))
def la_einsum(a, b):
    return np.sum(np.einsum("ij,jk->ik", a, b) ** 2) + np.einsum("ij,ij->", a, a)


@case(T(2, 3, 4), T(4, 3), wrt=(0, 1))
def la_tensordot(a, b):
    return np.sum(np.tensordot(a, b, axes=([1, 2], [1, 0])) ** 2) + np.sum(np.tensordot(a, b, axes=1))


@case(M(3, 3))
def la_trace_of_product(a):
    return np.trace(a @ a.T)


# === math module and builtins =================================================================

@case(S(-1.0, 1.0))
def math_trig(x):
    return math.sin(x) * math.cos(x) + math.tan(x * 0.5) + math.atan(x) + math.asin(x * 0.9) + math.acos(x * 0.5)


@case(S(-1.0, 1.0))
def math_hyperbolic(x):
    return math.sinh(x) + math.cosh(x) + math.tanh(x) + math.asinh(x) + math.atanh(x * 0.5)


@case(P(0.5, 3.0))
def math_exp_log(x):
    return math.exp(x) + math.log(x) + math.log(x, 3.0) + math.log2(x) + math.log10(x) + math.log1p(x) + math.expm1(x)


@case(P(0.5, 3.0), S(-1.0, 1.0), wrt=(0, 1))
def math_pow_sqrt(x, y):
    return math.sqrt(x) + math.pow(x, y) + math.hypot(x, y) + math.atan2(y, x)


@case(S(-1.5, 1.5))
def math_misc(x):
    return math.fabs(x) * x + math.erf(x) + math.erfc(x) + math.degrees(x) + math.radians(x)


@case(S(-2.0, 2.0))
def builtin_abs_float(x):
    return abs(x) * x + float(x) ** 2


@case(V(4))
def builtin_sum_len(x):
    return sum(x) * len(x) + sum([x[0], x[1]], 1.0)


@case(V(3), M(2, 3), S(), wrt=(0, 1, 2))
def builtin_sum_broadcasting(x, W, c):
    # the items (and the start) have shapes of their own: each gets its part summed back
    return np.sum(np.sin(sum([W, x * 2.0, c]))) + np.sum(sum([c, x], W[1]) ** 2)


@case(S(), S(), wrt=(0, 1))
def builtin_min_max(x, y):
    return max(x, y) * 2.0 + min(x, y, 0.3) + max([x, y * 2.0])


@case(S(), S(), wrt=(0, 1))
def builtin_pow(x, y):
    return pow(x * x + 1.0, y)


# === assignments ===========================================================================

@case(S(), S(), wrt=(0, 1))
def asg_tuple_unpack(x, y):
    a, b = x * 2.0, y + 1.0
    (c, d), e = (a, b), a * b
    return a * b + c - d * e


@case(S(), S(), wrt=(0, 1))
def asg_swap(x, y):
    a, b = x, y
    a, b = b, a
    a, b = b * a, a - b
    return a * 3.0 + b


@case(S(), S(), wrt=(0, 1))
def asg_augmented_scalar(x, y):
    z = x
    z += y
    z -= 0.5 * x
    z *= y
    z /= 2.0 + x * x
    z **= 2
    return z


@case(V(3), V(3), wrt=(0, 1))
def asg_augmented_array(x, y):
    z = x.copy()
    z += y
    z *= x
    z -= y * 2.0
    z /= 3.0
    return np.sum(z ** 2)


@case(S())
def asg_chained(x):
    a = b = x * 2.0
    return a * b


@case(V(4))
def asg_starred(x):
    first, *rest = [x[0], x[1], x[2], x[3]]
    return first * 2.0 + sum(rest)


@case(S())
def asg_annotated(x):
    y: float = x * 3.0
    return y * y


# === subscripts =============================================================================

@case(V(6))
def sub_reads(x):
    return x[0] * x[-1] + np.sum(x[1:4]) + np.sum(x[::2] ** 2) + np.sum(x[4:1:-1])


@case(M(3, 4))
def sub_tuple_index(x):
    return x[1, 2] * x[0, -1] + np.sum(x[:, 1]) + np.sum(x[1:, ::2] ** 2)


@case(M(3, 4))
def sub_newaxis_ellipsis(x):
    return np.sum(x[None, :, 1] * 2.0) + np.sum(x[..., 0] ** 2) + np.sum(x[:, None, :] ** 2)


@case(V(6))
def sub_fancy(x):
    idx = np.array([0, 2, 2, 5])
    return np.sum(x[idx] ** 2) + np.sum(x[[1, 1, 3]])


@case(V(6))
def sub_mask(x):
    return np.sum(x[x > 0] ** 2) + np.sum(x[np.abs(x) < 1.0])


@case(V(5), S(), wrt=(0, 1))
def sub_write_element(x, s):
    y = x.copy()
    y[0] = s * 2.0
    y[-1] = y[0] * x[1]
    return np.sum(y ** 2)


@case(M(3, 4), S(), wrt=(0, 1))
def sub_write_tuple(x, s):
    y = x * 1.0
    y[1, 2] = s
    y[0, 0] += s * x[2, 3]
    return np.sum(y * y)


@case(V(6), V(2), wrt=(0, 1))
def sub_write_slice(x, v):
    y = x.copy()
    y[1:3] = v
    y[4:] = v * 3.0
    y[::2] *= 2.0
    return np.sum(np.sin(y))


@case(V(6))
def sub_write_mask(x):
    y = x.copy()
    y[y < 0] = 0.0
    return np.sum(y ** 2)


@case(V(5))
def sub_write_in_loop(x):
    out = np.zeros(5)
    out[0] = x[0]
    for i in range(1, 5):
        out[i] = out[i - 1] * 0.5 + x[i] ** 2
    return np.sum(out)


@case(M(4, 4))
def sub_dynamic_programming(c):
    n = 4
    D = np.zeros((n, n))
    D[0, 0] = c[0, 0]
    for i in range(1, n):
        D[i, 0] = D[i - 1, 0] + c[i, 0]
        D[0, i] = D[0, i - 1] + c[0, i]
    for i in range(1, n):
        for j in range(1, n):
            D[i, j] = c[i, j] + min(D[i - 1, j], D[i, j - 1])
    return D[n - 1, n - 1]


# === control flow ===============================================================================

@case(S())
def cf_if(x):
    if x > 0:
        y = x * x
    else:
        y = -x * 3.0
    return y + x


@case(S())
def cf_elif(x):
    if x > 1.0:
        y = x ** 3
    elif x > -0.5:
        y = math.sin(x)
    else:
        y = x * 2.0
    return y


@case(S(), S(), wrt=(0, 1))
def cf_ternary(x, y):
    z = x * y if x > y else x + y
    return z * (x if y > 0 else -x)


@case(S(), S(), wrt=(0, 1))
def cf_boolops(x, y):
    a = (x > 0 and y > 0) or x < -1.0
    b = x if (x > 0.5 or y < 0) else y
    return x * a + b


@case(S())
def cf_for_range(x):
    s = 0.0
    for i in range(5):
        s = s + x ** i
    return s


@case(S())
def cf_for_range_args(x):
    s = x
    for i in range(2, 10, 3):
        s = s * 0.5 + math.sin(s + i)
    return s


@case(M(4, 3))
def cf_for_rows(X):
    s = 0.0
    for row in X:
        s = s + np.sum(row ** 2) * s + 0.1
    return s


@case(S(), S(), wrt=(0, 1))
def cf_for_list(x, y):
    t = 0.0
    for v in [x, y, x * y]:
        t = t + v * v
    return t


@case(V(4))
def cf_enumerate(x):
    s = 0.0
    for i, v in enumerate(x):
        s = s + i * v * v
    for i, v in enumerate(x, 1):
        s = s + v / i
    return s


@case(V(4), V(4), wrt=(0, 1))
def cf_zip(x, y):
    s = 0.0
    for a, b in zip(x, y):
        s = s + a * b + math.cos(a)
    return s


@case(V(4))
def cf_reversed(x):
    s = 1.0
    for v in reversed(x):
        s = s * 0.5 + v
    return s


@case(P(0.2, 1.0))
def cf_while(x):
    y = x
    while y < 10.0:
        y = y * 1.7 + x
    return y


@case(S())
def cf_break(x):
    s = x
    for i in range(10):
        s = s * 1.1 + 0.1
        if s > 3.0:
            break
    return s


@case(S())
def cf_continue(x):
    s = 0.0
    for i in range(6):
        if i % 2 == 0:
            continue
        s = s + x * i
    return s


@case(S())
def cf_early_return(x):
    if x < -1.0:
        return x * x
    y = x * 3.0
    if y > 2.0:
        return math.sin(y)
    return y + 1.0


@case(S())
def cf_return_in_loop(x):
    s = x
    for i in range(20):
        s = s * 1.3 + 0.2
        if s > 5.0:
            return s * x
    return -s


@case(S())
def cf_while_break_continue(x):
    s = x
    k = 0
    while True:
        k += 1
        if k % 3 == 0:
            continue
        s = s * 0.8 + math.cos(s)
        if k > 7:
            break
    return s


@case(S())
def cf_nested_loops(x):
    s = 0.0
    for i in range(3):
        for j in range(i + 1):
            s = s + x ** j * math.sin(x * i)
    return s


@case(S())
def cf_value_dependent_trip(x):
    s = 1.0
    n = int(abs(x) * 3) + 1
    for i in range(n):
        s = s * x + 1.0
    return s


# === calls ========================================================================================

@case(S())
def call_helper(x):
    return helper_square(x) + helper_square(x * 2.0)


@case(S(), S(), wrt=(0, 1))
def call_keywords_defaults(x, y):
    return helper_kw(x) + helper_kw(x, y) + helper_kw(x, b=y, c=y) + helper_kw(a=y)


@case(S())
def call_helper_with_loop(x):
    return helper_loop(x, 4) * helper_loop(x * 0.5, 3)


@case(V(3), V(3), wrt=(0, 1))
def call_vector_helper(v, w):
    return helper_vec(v, w) * 2.0 + helper_vec(w, v)


@case(S(), S(), wrt=(0, 1))
def call_tuple_result(x, y):
    p, s = helper_pair(x, y)
    q = helper_pair(p, s)
    return p * s + q[0] - q[1]


@case(S(0.5, 1.5), K(4))
def call_recursion(x, n):
    return power_rec(x, n)


@case(S(), K(5))
def call_mutual_recursion_like(x, n):
    return fib_like(x, n)


@case(S(), S(), wrt=(0, 1))
def call_nested_def(x, w):
    c = w * 2.0

    def inner(a, b=1.0):
        return a * c + b * w

    return inner(x) * inner(x * x, 2.0)


@case(S())
def call_nested_def_loop(x):
    def step(s):
        return s * 0.9 + math.sin(s)

    s = x
    for _ in range(4):
        s = step(s)
    return s


@case(S())
def call_global_and_closure_reads(x):
    return x * SCALE + np.sum(OFFSET * x)


def _make_closure(k):
    def f(x):
        return x * k + k * k
    return f


closure_fn = case(S())(_make_closure(2.5))


# === lists, tuples, comprehensions =======================================================

@case(V(4))
def lst_comprehension(x):
    ys = [v * v for v in x]
    return sum(ys) + ys[2]


@case(V(5))
def lst_comprehension_if(x):
    return sum([v * 2.0 for v in x if v > 0]) + 0.0 * x[0]


@case(V(3), V(2), wrt=(0, 1))
def lst_comprehension_nested(x, y):
    return sum([a * b for a in x for b in y])


@case(V(4))
def lst_generator_in_sum(x):
    return sum(v ** 3 for v in x) + max(v for v in x)


@case(V(4))
def lst_generator_in_array(x):
    return np.sum(np.array([np.sin(v) for v in x]) * np.arange(4.0))


@case(V(5))
def lst_append_and_read(x):
    out = []
    for i in range(5):
        out.append(x[i] * (i + 1))
    return out[0] * out[4] + out[-2]


@case(V(5))
def lst_append_array(x):
    hs = [x[0]]
    for i in range(1, 5):
        hs.append(math.tanh(hs[-1] * 0.5 + x[i]))
    return np.sum(np.array(hs) ** 2)


@case(V(4), S(), wrt=1)
def constant_argument_becomes_active(x, k):
    # regression (forward mode): `x` is not differentiated but is overwritten by an active value
    for i in range(3):
        x = x + 0.1 * np.tanh(k * x[::-1])
    return np.sum(x * x)


@case(S())
def lst_fresh_list_each_iteration(x):
    # regression: the list's previous value is a placeholder before the first iteration
    total = 0.0
    for i in range(3):
        terms = []
        terms.append(x * i)
        terms.append(x * x)
        total = total + np.sum(np.array(terms))
    return total


@case(V(3))
def lst_append_stack(x):
    rows = []
    for k in range(3):
        rows.append(x * k + x[k])
    return np.sum(np.stack(rows) ** 2)


@case(M(3, 4), V(4), wrt=(0, 1))
def lst_returned_by_helper(x, w):
    # regression: the list a helper returns starts its adjoint from the caller's gradient
    rows = helper_rows(x, w)
    rows = helper_rows(rows, w)
    return np.sum(rows[0] * rows[2]) + np.sum(rows[1])


@case(V(3), V(3), wrt=(0, 1))
def lst_comprehension_then_append(x, v):
    # regression: the comprehension's list and the name it is bound to must be one list
    lst = [x * k for k in range(1, 3)]
    lst.append(v)
    return np.sum(lst[0] * lst[2]) + np.sum(lst[1] ** 2)


@case(V(3), V(3), wrt=(0, 1))
def lst_comprehension_of_itself_then_append(x, v):
    lst = [x, v]
    lst = [e * 2.0 for e in lst]
    lst.append(v * x)
    total = 0.0
    for e in lst:
        total = total + np.sum(e * e)
    return total


@case(V(3), V(3), wrt=(0, 1))
def lst_comprehension_then_iadd(x, v):
    lst = [x * k for k in range(1, 3)]
    lst += [v * x]
    return np.sum(lst[0] * lst[2]) + np.sum(lst[1] ** 2)


@case(V(3), V(3), wrt=(0, 1))
def lst_join(x, v):
    a = [x, x * 2.0]
    b = a + [v]
    return np.sum(b[0] * b[2]) + np.sum(b[1] * v)


@case(V(3), V(3), wrt=(0, 1))
def lst_with_an_array_broadcasts(x, v):
    # a list met by an array is an array operand: NumPy adds and multiplies elementwise
    a = [1.0, 2.0, 3.0] * x
    b = [x[0], v[1], 0.5] + v
    return np.sum(a * b)


@case(V(3), V(3), wrt=(0, 1))
def lst_join_tuples(x, v):
    t = (x,) + (v, x * v)
    return np.sum(t[0] * t[1]) + np.sum(t[2])


@case(V(3), V(3), wrt=(0, 1))
def lst_repeat(x, v):
    a = [x, v] * 2
    b = 2 * [x * v]
    return np.sum(a[0] * a[3]) + np.sum(a[2] ** 2) + np.sum(b[1] * x)


@case(V(3), V(3), wrt=(0, 1))
def lst_iadd_and_imul(x, v):
    a = [x]
    a += [v, x * v]
    a *= 2
    t = (x,)
    t += (v * 2.0,)
    return np.sum(a[0] * a[4]) + np.sum(a[5] * a[1]) + np.sum(t[0] * t[1])


@case(V(3), V(3), wrt=(0, 1))
def lst_extend(x, v):
    rows = [x]
    rows.extend([v, x * v])
    more = [v ** 2]
    rows.extend(more)
    total = 0.0
    for i, r in enumerate(rows):
        total = total + (i + 1.0) * np.sum(r * x)
    return total


@case(V(3), V(3), wrt=(0, 1))
def set_repeated_index(x, v):
    # a position an index array names twice keeps one value: only that one gets gradient
    y = x * 1.0
    y[[0, 0, 1]] = v
    z = x * 2.0
    z[np.array([2, 1, 2])] += v
    return np.sum(y * y * x) + np.sum(z * z)


@case(M(2, 3), V(3), wrt=(0, 1))
def lst_extend_by_rows(m, v):
    rows = [v]
    rows.extend(m * v)        # an array extends a list by its rows
    return np.sum(rows[0] * rows[2]) + np.sum(rows[1] ** 2)


@case(V(3), V(3), wrt=(0, 1))
def lst_insert(x, v):
    lst = [x, x * 2.0]
    lst.insert(0, v)           # at the front
    lst.insert(-1, v * x)      # before the last
    lst.insert(10, x ** 2)     # past the end: appended
    return np.sum(lst[0] * lst[1]) + np.sum(lst[2] * lst[3]) + np.sum(lst[4] * v)


@case(V(3), M(2, 3), wrt=(0, 1))
def dict_items_and_values(x, W):
    params = {"W": W, "x": x * 2.0}
    total = 0.0
    for name, p in params.items():
        total = total + np.sum(p * p)
    params["y"] = W[0] * x           # added after the loop: the pairs walked were two
    params["x"] = params["x"] * x[1]
    for v in params.values():
        total = total + np.sum(np.sin(v))
    return total + sum(params.values())[0, 1]


@case(V(3))
def dict_walked_by_key_and_enumerated(x):
    d = {"a": x[0] * 2.0, "b": x[1] * x[2]}
    total = 0.0
    for k in d:
        total = total + d[k] * x[2]
    for i, v in enumerate(d.values()):
        total = total + v * v * (i + 1.0)
    for (k, v), w in zip(d.items(), [x[2], x[0]]):
        total = total + v * w
    for i, k in enumerate(sorted({2, 0})):
        total = total + x[k] * (i + 2.0)
    return total


@case(V(3))
def dict_merged(x):
    d = {"a": x[0] * 2.0, "b": x[1] * x[2]}
    e = {"a": x[2], "c": 1.5}
    m = d | e                         # e's "a" wins: d["a"] gets no gradient through m
    d |= {"b": x[0] * 3.0}
    mask = (x > 0) | (x < -1)         # bitwise on arrays: no gradient through it
    k = d | {"a": 1.5}                # a constant wins: k["a"] carries nothing
    return m["a"] * m["b"] + m["c"] * d["b"] * d["a"] + np.sum(x * mask) + k["a"] * k["b"]


@case(S(), S(), wrt=(0, 1))
def lst_tuples(x, y):
    t = (x, y, x * y)
    a = t[2] + t[0]
    return a * t[1]


@case(S(), S(), wrt=(0, 1))
def lst_list_literal_index(x, y):
    items = [x, y]
    items[0] = items[0] * 2.0
    return items[0] * items[1]


@case(S(), S(), wrt=(0, 1))
def lst_dict_literal(x, y):
    d = {"a": x, "b": y * 2.0}
    return d["a"] * d["b"]


# === side effects ==============================================================================

@case(S())
def side_effect_counter(x):
    CALLS["count"] = CALLS["count"] + 1
    COUNTER.n += 1
    y = x * 2.0
    return y * y


@case(S())
def side_effect_print_assert(x):
    """A docstring."""
    assert x == x
    y = math.exp(x)
    print("value", y, end="\r")
    return y


# === composite models ======================================================================

@case(M(4, 8), V(8), M(8, 3), V(3), M(5, 4), M(5, 3), wrt=(0, 1, 2, 3))
def model_mlp(W1, b1, W2, b2, x, y):
    h = np.tanh(x @ W1 + b1)
    out = h @ W2 + b2
    return np.mean((out - y) ** 2)


@case(M(4, 4, -0.5, 0.5), M(4, 3, -0.5, 0.5), T(6, 3), wrt=(0, 1))
def model_rnn(W, U, xs):
    h = np.zeros(4)
    for t in range(6):
        h = np.tanh(W @ h + U @ xs[t])
    return np.sum(h ** 2)


def rnn_bias(W, U, b, xs):
    h = np.zeros(W.shape[0])
    for t in range(xs.shape[0]):
        h = np.tanh(h @ W + xs[t] @ U + b)
    return np.sum(h * h)


# the same code twice: a bias as wide as the state, and one that broadcasts over it
case(M(4, 4, -0.5, 0.5), M(3, 4, -0.5, 0.5), V(4), T(6, 3), wrt=(0, 1, 2),
     id="model_rnn_bias")(rnn_bias)
case(M(4, 4, -0.5, 0.5), M(3, 4, -0.5, 0.5), V(1), T(6, 3), wrt=(0, 1, 2),
     id="model_rnn_bias_broadcast")(rnn_bias)


@case(V(3), M(10, 3), V(10), wrt=0)
def model_logistic(w, X, y):
    z = X @ w
    p = 1.0 / (1.0 + np.exp(-z))
    return -np.mean(y * np.log(p + 1e-9) + (1.0 - y) * np.log(1.0 - p + 1e-9))


@case(M(3, 4), wrt=0)
def model_softmax(z):
    m = np.max(z, axis=1, keepdims=True)
    e = np.exp(z - m)
    p = e / np.sum(e, axis=1, keepdims=True)
    return np.sum(p * np.arange(4.0))


@case(V(6))
def model_rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


@case(S())
def model_scalar_loop(x):
    y = x
    for i in range(50):
        y = 0.9 * y + 0.1 * math.sin(y + i * 0.01)
    return y


@case(S())
def model_scalar_loop_products(x):
    # the benchmark's loop: `x * y` is recomputed by the backward instead of saved
    y = x
    for i in range(30):
        y = np.sin(y) * 0.9 + np.cos(x * y) * 0.1 + np.tanh(y * 0.5) * 0.05
    return y * y


@case(S(0.1, 1.0))
def model_euler_ode(k):
    y = 1.0
    dt = 0.01
    for _ in range(30):
        y = y + dt * (-k * y + math.sin(y))
    return y
