"""Linear algebra: products, contractions, inverse, solve, determinant, norms."""

import numpy as np

from ..runtime.ops import (det_grad, dot_grad_x, dot_grad_y, einsum_grad, norm_grad, solve_grad_a, tensordot_grad_a, tensordot_grad_b)
from .registry import d, method, reverse, unrolled



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


@reverse(np.linalg.norm, notes="vector 2-norm and Frobenius norm; gradient 0 at the origin")
def norm(z, x, ord=None, axis=None, keepdims=False):
    d[x] += norm_grad(d[z], x, z, ord, axis, keepdims)
