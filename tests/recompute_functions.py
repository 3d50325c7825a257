"""Loops whose backward reads cheap scalar temporaries (tests/test_recompute.py)."""

import math

import numpy as np


def products(x, n):
    y = x
    for i in range(n):
        y = np.sin(y) * 0.9 + np.cos(x * y) * 0.1 + np.tanh(y * 0.5) * 0.05
    return y * y


def operand_changes_in_between(x, n):
    # `x * y` is read after y changed: recomputing it there would be wrong
    y = x
    for i in range(n):
        t = math.cos(x * y)
        y = y * 0.5 + 0.1 * t
        y = math.sin(y * t)
    return y


def read_inside_a_branch(x, n):
    y = x
    for i in range(n):
        p = x * y
        if i % 2:
            y = math.sin(p) + 0.5 * y
        else:
            y = math.cos(p) * 0.8
    return y


def quotient_and_difference(x, w, n):
    y = x
    for i in range(n):
        y = math.tanh(y / w - x) + math.sin(w - y) * 0.3
    return y


def arrays_are_not_recomputed(v, n):
    y = v
    for i in range(n):
        y = np.sin(v * y) + 0.5 * y
    return np.sum(y)


def sum_of_two_changing(x, w, n):
    y = x
    for i in range(n):
        y = math.exp(-((y + w) ** 2)) + 0.5 * y
    return y


def chained_temporaries(x, v, n):
    # `(x * s) / q`: the quotient's operand `x * s` is itself a temporary
    s = x
    for i in range(n):
        q = 1.5 + np.sin(np.add(np.arctan2(2.0, 1.5 + np.sin(v[i % 3])), -1.25))
        x *= (x * s) / q
    return s + x
