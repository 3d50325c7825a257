"""Small functions whose generated source is kept in tests/golden/ and compared byte for byte."""

import math

import numpy as np


def poly(x):
    return 3.0 * x * x + 2.0 * x + 1.0


def loop_branch(x, n):
    s = 0.0
    for i in range(n):
        if s > 1.0:
            s = s - x
        else:
            s = s + math.sin(x) * s + x
    return s


def mlp(W, b, x):
    h = np.tanh(x @ W + b)
    return np.sum(h * h)


def caller(x, y):
    return helper(x, y) * 2.0


def helper(a, b=3.0):
    return a * b + np.exp(a)
