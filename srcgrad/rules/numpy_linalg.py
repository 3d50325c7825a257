"""Linear algebra: products, contractions, inverse, solve, determinant, norms."""

import numpy as np

from ..runtime.ops import (det_grad, det_tangent, dot_grad_x, dot_grad_y, einsum_grad,
                           einsum_tangent, norm_grad, norm_tangent, solve_grad_a, tensordot_grad_a,
                           tensordot_grad_b)
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


@reverse(np.linalg.norm, notes="vector 2-norm and Frobenius norm; gradient 0 at the origin")
def norm(z, x, ord=None, axis=None, keepdims=False):
    d[x] += norm_grad(d[z], x, z, ord, axis, keepdims)


# --- forward mode ---------------------------------------------------------------------

@forward(np.dot, method("dot"))
def dot_tangent(z, a, b):
    t[z] += np.dot(t[a], b)
    t[z] += np.dot(a, t[b])


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
    t[z] += norm_tangent(t[x], x, z, ord, axis, keepdims)
