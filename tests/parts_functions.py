"""Vectors read in pieces, whose backward writes each piece's adjoint (tests/test_parts.py)."""

import numpy as np


def packed(w, x):
    n = x.shape[0]
    a = np.tanh(x * w[:n])
    b = np.sin(x * w[n:2 * n])
    c = x * w[2 * n:]
    return np.sum(a * b + c)


def overlapping(w, x):
    n = x.shape[0]
    a = np.tanh(x * w[:n])
    b = np.sin(x * w[1:n + 1])
    return np.sum(a * b) + np.sum(w[n:] * w[n:])


def elements(w, x):
    return np.sin(w[0]) * w[1] + np.sum(x * w[2]) + w[0] * w[2]


def strided(w, x):
    n = x.shape[0]
    return np.sum(np.tanh(x * w[0:2 * n:2]) + x * w[1:2 * n:2])


def counted_from_the_end(w, x):
    n = x.shape[0]
    return np.sum(x * w[:n] * w[-n:])


def bound_reassigned(w, x):
    n = x.shape[0]
    a = x * w[:n]
    if np.sum(a) > 100.0:
        n = 1
    return np.sum(np.tanh(a) * w[n:2 * x.shape[0]])


def pair(w, x, n):
    return x * w[:n], np.tanh(x * w[n:])


def pairs_in_a_loop(v, xs):
    n = xs.shape[1]
    total = 0.0
    for t in range(xs.shape[0]):
        a, b = pair(v, xs[t], n)
        total = total + np.sum(a * b)
    return total


def rows_of_a_matrix(M, x):
    return np.sum(np.tanh(M[0] * x) + M[1] * M[2] * x)


def elements_in_a_loop(w, xs):
    total = 0.0
    for t in range(xs.shape[0]):
        total = total + np.sin(w[0] * xs[t, 0]) * w[1] + xs[t, 1] * w[2]
    return total
