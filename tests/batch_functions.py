"""Recurrences whose backward loops read values restored from the tape (tests/test_batch.py)."""

import numpy as np


def recurrence(W, xs):
    h = np.zeros(W.shape[0])
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + xs[t])
    return np.sum(h * h)


def two_restored(W, xs):
    h = np.ones(W.shape[0])
    for t in range(xs.shape[0]):
        a = W @ h
        h = np.tanh(a * xs[t]) + np.tanh(a + h)
    return np.sum(h * h)


def counted(W, xs, n):
    h = np.ones(W.shape[0]) * 0.5
    for t in range(n):
        h = np.tanh(W @ h + xs[t])
    return np.sum(h * h)


def shrinking(w, xs):
    h = np.tanh(w)
    for t in range(xs.shape[0]):
        h = np.tanh(h[1:] * xs[t, :h.shape[0] - 1])
    return np.sum(h * h)


def nested(W, xs):
    h = np.zeros(W.shape[0])
    for t in range(xs.shape[0]):
        for k in range(2):
            h = np.tanh(W @ h + xs[t] * k)
    return np.sum(h * h)


def branching(W, xs):
    h = np.zeros(W.shape[0])
    for t in range(xs.shape[0]):
        if xs[t, 0] > 0:
            h = np.tanh(W @ h + xs[t])
        else:
            h = np.sin(W @ h - xs[t])
    return np.sum(h * h)


def leaving_early(W, xs):
    h = np.zeros(W.shape[0])
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + xs[t])
        if np.sum(h) > 100.0:
            break
    return np.sum(h * h)


def scalars(x, n):
    y = x
    for i in range(n):
        y = np.tanh(y * 0.5) + 0.1 * y
    return y * y
