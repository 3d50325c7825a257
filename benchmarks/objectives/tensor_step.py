"""Objectives for the Tensor-facade rows: the MLP loss as a compiled function, a scalar loop."""

import numpy as np

import srcgrad

from .mlp import mlp_loss


@srcgrad.function
def mlp_loss_compiled(W1, b1, W2, b2, x, y):
    return mlp_loss(W1, b1, W2, b2, x, y)


def scalar_loop_200(x):
    s = x
    for i in range(200):
        s = np.sin(s) * 0.9 + x * 0.1
    return s


scalar_loop_compiled = srcgrad.function(scalar_loop_200)
