"""Real-valued losses of complex arguments, and holomorphic functions."""

import numpy as np


def modulus_loss(z, w):
    return np.sum(np.abs(z * w + np.conj(z)) ** 2) + np.real(np.sum(np.exp(z)))


def quadratic_form(z, w):
    return np.real(np.sum(np.conj(z) * w * z)) + np.sum(np.imag(z) ** 2) + np.sum(np.angle(z + 2.0))


def matmul_loss(z, W):
    y = W @ z
    return np.sum(np.abs(y)) + np.real(np.sum(np.sqrt(z) * np.log(z)))


def einsum_loss(A, B):
    return np.sum(np.abs(np.einsum("ij,jk->ik", A, B)) ** 2)


def real_weights(x, z):
    return np.sum(np.abs(x * z) ** 2) + np.sum(np.real(z) * x)


def attribute_loss(z, w):
    q = z * w
    return np.sum(q.real * q.imag) + np.sum((q.conj() * z).real) + np.sum(q.conjugate().imag)


def holomorphic(z):
    return z * z * np.exp(z) + 1.0 / z


def float_loss(x):
    return np.sum(np.sin(x) * x + np.tanh(x) ** 2)
