"""Loops whose backward accumulates into array adjoints (tests/test_accumulate.py)."""

import numpy as np


def recurrent(W, U, b, xs):
    h = np.zeros(W.shape[0])
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + U @ xs[t] + b)
    return np.sum(h * h)


def weight_used_twice(W, xs):
    total = 0.0
    for t in range(xs.shape[0]):
        a = np.tanh(W @ xs[t])
        total = total + np.sum(a * (W @ xs[t]))
    return total


def nested_loops(w, xs):
    total = 0.0
    for i in range(xs.shape[0]):
        for j in range(2):
            total = total + np.sum(np.sin(w * xs[i] + j))
    return total


def branch_in_loop(w, xs):
    total = 0.0
    for t in range(xs.shape[0]):
        if t % 2:
            total = total + np.sum(w * xs[t])
        else:
            total = total + np.sum(np.cos(w) * xs[t])
    return total


def kept_in_a_list(w, xs):
    # the list holds w itself each iteration: its adjoint is read from the list's
    parts = []
    for t in range(xs.shape[0]):
        parts.append(w)
        w = w * 0.9 + xs[t]
    return np.sum(np.array(parts) ** 2) + np.sum(w)


def number_updated_by_array(a, v):
    # `s += ...` on a number rebinds s to an array: a's adjoint is summed back
    s = a
    for i in range(3):
        s += v * (i + 1)
    s -= a * v
    return np.sum(s * s)


def scaled_in_place(v, n):
    s = 0.5
    for i in range(n):
        s *= v
        s /= 1.5 + v * v
    return np.sum(s)


def matrices_in_a_list(A, xs):
    # each mats[j] meets every xs[i]: d_mats[j] collects its outer products over the loops
    mats = []
    for j in range(A.shape[0]):
        mats.append(A[j] * 1.5)
    total = 0.0
    for i in range(xs.shape[0]):
        for j in range(len(mats)):
            z = mats[j] @ xs[i]
            total = total + np.sum(np.tanh(z))
    return total


def stacked_matrices(A, xs):
    # the same through an array's items, two items sharing one index (j % 2)
    total = 0.0
    for i in range(xs.shape[0]):
        for j in range(3):
            z = A[j % 2] @ np.sin(xs[i] + j)
            total = total + np.sum(z * z)
    return total


def item_read_again(A, xs):
    # A[j]'s adjoint is also updated by a second use in the loop: the sums stay in the loop
    total = 0.0
    for i in range(xs.shape[0]):
        for j in range(A.shape[0]):
            total = total + np.sum(np.cos(A[j] @ xs[i])) + np.sum(A[j] * xs[i])
    return total


def points_by_centres(A, c, xs):
    # the GMM's shape: z = mats[j] @ (xs[i] - c[j]) for every point i and centre j; c[j]'s
    # adjoint is -(sum over i of d_z) @ mats[j], one product per centre after the loops (the
    # list holds the same matrix object for every i, so the sums group)
    total = 0.0
    mats = []
    for j in range(c.shape[0]):
        mats.append(A[j] * 0.5)
    for i in range(xs.shape[0]):
        for j in range(len(mats)):
            z = mats[j] @ (xs[i] - c[j])
            total = total + np.sum(np.tanh(z))
    return total


def scaled_centres(A, c, xs):
    # the same product added (no difference) and read from an array's items
    total = 0.0
    for i in range(xs.shape[0]):
        for j in range(c.shape[0]):
            total = total + np.sum(np.sin(A[j] @ c[j]) * xs[i, 0])
    return total
