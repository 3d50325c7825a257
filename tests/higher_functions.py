"""Functions for the higher-derivative and product tests (module-level: srcgrad reads source)."""

import math

import numpy as np

import srcgrad
from srcgrad import stop_gradient


@srcgrad.primitive
def softclip(x):
    """A smooth clip to [0, 1]; srcgrad runs it as is and uses the template below."""
    return np.log1p(np.exp(x)) - np.log1p(np.exp(x - 1.0))


def _expit(v):
    return 1.0 / (1.0 + np.exp(-v))


@softclip.adjoint
def softclip_adjoint(z, x):
    d[x] += d[z] * (_expit(x) - _expit(x - 1.0))  # noqa: F821


def poly(x):
    return 3.0 * x ** 3 + 2.0 * x * x + x


def loop_branch(x, n):
    s = x
    for i in range(n):
        if s > 0.5:
            s = math.sin(s) * x
        else:
            s = s * s + x
    return s


def while_loop(x):
    s = x
    k = 0
    while k < 4:
        s = s * math.cos(s) + 0.5 * x
        k = k + 1
    return s * s


def helper(a, b=2.0):
    return a * np.tanh(b * a)


def calls_helper(x, y):
    return helper(x) * y + helper(y, b=x)


def exp_sin(x):
    return math.exp(math.sin(x)) * x


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def mlp_loss(w, x, y):
    h = np.tanh(x @ w[:12].reshape(3, 4))
    out = h @ w[12:16]
    return np.mean((out - y) ** 2)


def softplus_sum(x, a):
    return np.sum(np.log1p(np.exp(a * x)) + x * x * x)


def vector_field(x):
    return np.array([x[0] * x[1], np.sin(x[0]) + x[2] ** 2, np.exp(x[1]) * x[2], x[0] - x[2]])


def two_outputs(x, y):
    return np.sin(x) * y, x * x


def euler(x, k):
    for i in range(5):
        x = x + 0.1 * np.tanh(k * x[::-1])
    return x


def loss_with_aux(w, x):
    pred = np.tanh(x @ w)
    return np.sum(pred * pred), pred


def stopped(x):
    return x * stop_gradient(x * x)


def softclip_user(x):
    return np.sum(softclip(x) * x)


def tree_loss(params, x):
    h = np.tanh(x @ params["W"] + params["b"])
    for layer in params["layers"]:
        h = np.tanh(h @ layer[0]) * layer[1]
    return np.sum(h * h)
