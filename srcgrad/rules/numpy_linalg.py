"""Linear algebra: products, contractions, inverse, solve, determinants, norms, decompositions.

Decompositions follow PyTorch's conventions: cholesky and eigh take their input as
symmetric and return a symmetric gradient; eigh and svd assume distinct
eigenvalues / singular values (their gradients blow up as two approach each
other), and a loss must not depend on the arbitrary signs of eigenvectors or
singular vectors."""

import numpy as np

from ..runtime.ops import (det_grad, det_tangent, dot_grad_x, dot_grad_y, einsum_grad,
                           einsum_tangent, solve_grad_a, tangent_dot, tensordot_grad_a,
                           tensordot_grad_b)
from ..runtime.shapes import cross_grad
from ..runtime.linalg import (cholesky_grad, cholesky_tangent, convolve_grad, eigh_grad,
                              eigh_tangent, eigvalsh_grad, eigvalsh_tangent, kron_grad,
                              linalg_norm_grad, matrix_norm_grad, matrix_power_grad,
                              matrix_power_tangent, multi_dot_grad, multi_dot_tangent, pinv_grad,
                              pinv_tangent, polyval_grad, qr_grad, qr_tangent, reduced_tangent,
                              slogdet_grad, slogdet_tangent, svd_grad, svd_tangent, svdvals_grad,
                              svdvals_tangent, vecdot_grad, vector_norm_grad)
from .registry import d, forward, method, reverse, t, unrolled



@reverse(np.dot, method("dot"))
def dot(z, a, b):
    d[a] += dot_grad_x(d[z], a, b)
    d[b] += dot_grad_y(d[z], a, b)


@reverse(np.outer)
def outer(z, a, b):
    d[a] += np.reshape(d[z] @ np.ravel(b), np.shape(a))
    d[b] += np.reshape(np.ravel(a) @ d[z], np.shape(b))


@reverse(np.inner)
def inner(z, a, b):
    d[a] += tensordot_grad_a(d[z], a, b, (-1, -1))
    d[b] += tensordot_grad_b(d[z], a, b, (-1, -1))


@reverse(np.tensordot)
def tensordot(z, a, b, axes=2):
    d[a] += tensordot_grad_a(d[z], a, b, axes)
    d[b] += tensordot_grad_b(d[z], a, b, axes)


@reverse(np.einsum)
def einsum(z, subscripts, *operands):
    for i in unrolled(operands):
        d[operands[i]] += einsum_grad(d[z], subscripts, operands, i)


@reverse(np.linalg.inv)
def inv(z, a):
    zt = np.swapaxes(z, -1, -2)
    d[a] += -(zt @ d[z] @ zt)


@reverse(np.linalg.solve)
def solve(z, a, b):
    gb = np.linalg.solve(np.swapaxes(a, -1, -2), d[z])
    d[b] += gb
    d[a] += solve_grad_a(gb, z)


@reverse(np.linalg.det)
def det(z, a):
    d[a] += det_grad(d[z], a, z)


@reverse(np.linalg.norm, notes="every ord: vector p-norms (0 at the origin, as in PyTorch), inf "
                               "and matrix 1/inf norms split ties evenly, 2/-2/nuc through the SVD")
def norm(z, x, ord=None, axis=None, keepdims=False):
    d[x] += linalg_norm_grad(d[z], x, z, ord, axis, keepdims)


@reverse(np.linalg.vector_norm, notes="as np.linalg.norm for vectors; axis=None flattens")
def vector_norm(z, x, axis=None, keepdims=False, ord=2):
    d[x] += vector_norm_grad(d[z], x, z, ord, axis, keepdims)


@reverse(np.linalg.matrix_norm, notes="over the last two axes; as np.linalg.norm for matrices")
def matrix_norm(z, x, keepdims=False, ord="fro"):
    d[x] += matrix_norm_grad(d[z], x, z, ord, (-2, -1), keepdims)


# --- more products ------------------------------------------------------------------------

@reverse(np.vdot, notes="real arguments")
def vdot(z, a, b):
    d[a] += d[z] * np.reshape(b, np.shape(a))
    d[b] += d[z] * np.reshape(a, np.shape(b))


@reverse(np.vecdot, np.linalg.vecdot)
def vecdot(z, x1, x2, axis=-1):
    d[x1] += vecdot_grad(d[z], x1, x2, axis)
    d[x2] += vecdot_grad(d[z], x2, x1, axis)


@reverse(np.kron)
def kron(z, a, b):
    d[a] += kron_grad(d[z], a, b, 0)
    d[b] += kron_grad(d[z], a, b, 1)


@reverse(np.cross, notes="3-vectors and 2-vectors")
def cross(z, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    d[a] += cross_grad(d[z], a, b, axisa, axisb, axisc, axis, 0)
    d[b] += cross_grad(d[z], a, b, axisa, axisb, axisc, axis, 1)


@reverse(np.linalg.multi_dot)
def multi_dot(z, arrays, out=None):
    d[arrays] += multi_dot_grad(d[z], arrays)


@reverse(np.linalg.matrix_power, notes="negative powers through the inverse")
def matrix_power(z, a, n):
    d[a] += matrix_power_grad(d[z], a, n)


@reverse(np.convolve)
def convolve(z, a, v, mode="full"):
    d[a] += convolve_grad(d[z], a, v, mode, 0)
    d[v] += convolve_grad(d[z], a, v, mode, 1)


@reverse(np.correlate, notes="real arguments")
def correlate(z, a, v, mode="valid"):
    d[a] += convolve_grad(d[z], a, v, mode, 0, True)
    d[v] += convolve_grad(d[z], a, v, mode, 1, True)


@reverse(np.polyval)
def polyval(z, p, x):
    d[p] += polyval_grad(d[z], p, x, 0)
    d[x] += polyval_grad(d[z], p, x, 1)


# --- decompositions -----------------------------------------------------------------------------

@reverse(np.linalg.slogdet, notes="the sign gets no gradient")
def slogdet(z, a):
    d[a] += slogdet_grad(d[z], a)


@reverse(np.linalg.cholesky, notes="the input is taken as symmetric: the gradient is symmetric, "
                                   "as in PyTorch")
def cholesky(z, a, upper=False):
    d[a] += cholesky_grad(d[z], z, upper)


@reverse(np.linalg.qr, notes="mode='reduced' with m >= n (as PyTorch)")
def qr(z, a, mode="reduced"):
    d[a] += qr_grad(d[z], a, z, mode)


@reverse(np.linalg.eigh, notes="distinct eigenvalues; the input is taken as symmetric (symmetric "
                               "gradient); losses must not depend on the eigenvectors' signs")
def eigh(z, a, UPLO="L"):
    d[a] += eigh_grad(d[z], z)


@reverse(np.linalg.eigvalsh, notes="the input is taken as symmetric (symmetric gradient)")
def eigvalsh(z, a, UPLO="L"):
    d[a] += eigvalsh_grad(d[z], a, UPLO)


@reverse(np.linalg.svd, notes="distinct nonzero singular values; with full_matrices the extra "
                              "columns of U and V get no gradient (as in PyTorch)")
def svd(z, a, full_matrices=True, compute_uv=True, hermitian=False):
    d[a] += svd_grad(d[z], a, z, full_matrices, compute_uv)


@reverse(np.linalg.svdvals)
def svdvals(z, x):
    d[x] += svdvals_grad(d[z], x)


@reverse(np.linalg.pinv, notes="assumes the rank does not change")
def pinv(z, a, rcond=None, hermitian=False, rtol=None):
    d[a] += pinv_grad(d[z], a, z)


# --- forward mode ---------------------------------------------------------------------

@forward(np.dot, method("dot"))
def dot_tangent(z, a, b):
    t[z] += tangent_dot(t[a], b)        # a tangent may be the 0 that stands for zero
    t[z] += tangent_dot(a, t[b])


@forward(np.outer)
def outer_tangent(z, a, b):
    t[z] += np.outer(t[a], b)
    t[z] += np.outer(a, t[b])


@forward(np.inner)
def inner_tangent(z, a, b):
    t[z] += np.inner(t[a], b)
    t[z] += np.inner(a, t[b])


@forward(np.tensordot)
def tensordot_tangent(z, a, b, axes=2):
    t[z] += np.tensordot(t[a], b, axes)
    t[z] += np.tensordot(a, t[b], axes)


@forward(np.einsum)
def einsum_tangent_rule(z, subscripts, *operands):
    for i in unrolled(operands):
        t[z] += einsum_tangent(subscripts, operands, i, t[operands[i]])


@forward(np.linalg.inv)
def inv_tangent(z, a):
    t[z] += -(z @ t[a] @ z)


@forward(np.linalg.solve)
def solve_tangent(z, a, b):
    t[z] += np.linalg.solve(a, t[b])
    t[z] += -np.linalg.solve(a, t[a] @ z)


@forward(np.linalg.det)
def det_tangent_rule(z, a):
    t[z] += det_tangent(t[a], a, z)


@forward(np.linalg.norm)
def norm_tangent_rule(z, x, ord=None, axis=None, keepdims=False):
    t[z] += reduced_tangent(t[x], linalg_norm_grad(np.ones(np.shape(z)), x, z, ord, axis, keepdims),
                            axis, keepdims)


@forward(np.linalg.vector_norm)
def vector_norm_tangent(z, x, axis=None, keepdims=False, ord=2):
    t[z] += reduced_tangent(t[x], vector_norm_grad(np.ones(np.shape(z)), x, z, ord, axis, keepdims),
                            axis, keepdims)


@forward(np.linalg.matrix_norm)
def matrix_norm_tangent(z, x, keepdims=False, ord="fro"):
    t[z] += reduced_tangent(t[x], matrix_norm_grad(np.ones(np.shape(z)), x, z, ord, (-2, -1), keepdims),
                            (-2, -1), keepdims)


@forward(np.vdot)
def vdot_tangent(z, a, b):
    t[z] += np.vdot(t[a], b)
    t[z] += np.vdot(a, t[b])


@forward(np.vecdot, np.linalg.vecdot)
def vecdot_tangent(z, x1, x2, axis=-1):
    t[z] += np.vecdot(t[x1], x2, axis=axis)
    t[z] += np.vecdot(x1, t[x2], axis=axis)


@forward(np.kron)
def kron_tangent(z, a, b):
    t[z] += np.kron(t[a], b)
    t[z] += np.kron(a, t[b])


@forward(np.cross)
def cross_tangent(z, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    t[z] += np.cross(t[a], b, axisa, axisb, axisc, axis)
    t[z] += np.cross(a, t[b], axisa, axisb, axisc, axis)


@forward(np.linalg.multi_dot)
def multi_dot_tangent_rule(z, arrays, out=None):
    t[z] += multi_dot_tangent(t[arrays], arrays)


@forward(np.linalg.matrix_power)
def matrix_power_tangent_rule(z, a, n):
    t[z] += matrix_power_tangent(t[a], a, n)


@forward(np.convolve)
def convolve_tangent(z, a, v, mode="full"):
    t[z] += np.convolve(t[a], v, mode)
    t[z] += np.convolve(a, t[v], mode)


@forward(np.correlate)
def correlate_tangent(z, a, v, mode="valid"):
    t[z] += np.correlate(t[a], v, mode)
    t[z] += np.correlate(a, t[v], mode)


@forward(np.polyval)
def polyval_tangent(z, p, x):
    t[z] += np.polyval(t[p], x)
    t[z] += t[x] * np.polyval(np.polyder(p), x)


@forward(np.linalg.slogdet)
def slogdet_tangent_rule(z, a):
    t[z] += slogdet_tangent(t[a], a, z)


@forward(np.linalg.cholesky)
def cholesky_tangent_rule(z, a, upper=False):
    t[z] += cholesky_tangent(t[a], z, upper)


@forward(np.linalg.qr)
def qr_tangent_rule(z, a, mode="reduced"):
    t[z] += qr_tangent(t[a], a, z, mode)


@forward(np.linalg.eigh)
def eigh_tangent_rule(z, a, UPLO="L"):
    t[z] += eigh_tangent(t[a], z)


@forward(np.linalg.eigvalsh)
def eigvalsh_tangent_rule(z, a, UPLO="L"):
    t[z] += eigvalsh_tangent(t[a], a, UPLO)


@forward(np.linalg.svd)
def svd_tangent_rule(z, a, full_matrices=True, compute_uv=True, hermitian=False):
    t[z] += svd_tangent(t[a], a, z, full_matrices, compute_uv)


@forward(np.linalg.svdvals)
def svdvals_tangent_rule(z, x):
    t[z] += svdvals_tangent(t[x], x)


@forward(np.linalg.pinv)
def pinv_tangent_rule(z, a, rcond=None, hermitian=False, rtol=None):
    t[z] += pinv_tangent(t[a], a, z)
