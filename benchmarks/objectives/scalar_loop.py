"""A 1000-step scalar recurrence: Python-level work per operation, nothing to vectorize."""

import numpy as np


def scalar_loop(x, steps=1000):
    y = x
    for i in range(steps):
        y = np.sin(y) * 0.9 + np.cos(x * y) * 0.1 + np.tanh(y * 0.5) * 0.05
    return y * y
