"""A 2-layer tanh MLP regression loss (batch 64, 32 -> 128 -> 8, mean squared error)."""

import numpy as np


def mlp_loss(W1, b1, W2, b2, x, y):
    h = np.tanh(x @ W1 + b1)
    pred = h @ W2 + b2
    err = pred - y
    return np.mean(err * err)


def mlp_loss_grad(W1, b1, W2, b2, x, y):
    """The gradient written by hand: the figure a compiler should approach."""
    h = np.tanh(x @ W1 + b1)
    err = h @ W2 + b2 - y
    d_pred = err * (2.0 / err.size)
    d_W2 = h.T @ d_pred
    d_b2 = d_pred.sum(axis=0)
    d_z = (d_pred @ W2.T) * (1.0 - h * h)
    d_W1 = x.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return d_W1, d_b1, d_W2, d_b2


def mlp_flat(theta, x, y, hidden):
    """mlp_loss with the four parameter arrays packed into one vector, in the order W1 b1 W2 b2."""
    n_in = x.shape[1]
    n_out = y.shape[1]
    a = n_in * hidden
    b = a + hidden
    c = b + hidden * n_out
    return mlp_loss(theta[:a].reshape(n_in, hidden), theta[a:b],
                    theta[b:c].reshape(hidden, n_out), theta[c:], x, y)


def mlp_flat_at(x, y, hidden):
    """The MLP loss as a function of the packed parameters alone (data closed over)."""
    def loss(theta):
        return mlp_flat(theta, x, y, hidden)
    return loss
