"""Train a small MLP with srcgrad Tensors: once op by op, once through a @srcgrad.function loss.

Both loops use `loss.backward()` and plain SGD under `no_grad()`.  The compiled
loss records one graph node per call, whose backward is the generated backward
function; the example ends by checking that gradient with srcgrad.check_grad.

    python examples/train_mlp.py
"""

import numpy as np

import srcgrad
from srcgrad import no_grad, tensor


def mlp_loss(W1, b1, W2, b2, X, Y):
    hidden = np.tanh(X @ W1 + b1)
    return np.mean((hidden @ W2 + b2 - Y) ** 2)


compiled_loss = srcgrad.function(mlp_loss)


def data(n=128, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, size=(n, 2))
    Y = (np.sin(X[:, :1]) * np.cos(X[:, 1:]))
    return X, Y


def parameters(seed=1):
    rng = np.random.default_rng(seed)
    return [tensor(rng.normal(size=(2, 16)) * 0.5, requires_grad=True),
            tensor(np.zeros(16), requires_grad=True),
            tensor(rng.normal(size=(16, 1)) * 0.5, requires_grad=True),
            tensor(np.zeros(1), requires_grad=True)]


def train(loss_fn, steps=300, lr=0.1, label=""):
    X, Y = data()
    params = parameters()
    losses = []
    for step in range(steps):
        loss = loss_fn(*params, X, Y)
        loss.backward()
        with no_grad():
            for p in params:
                p -= lr * p.grad
                p.grad = None
        losses.append(loss.item())
        if step % 100 == 0 or step == steps - 1:
            print(f"{label:>10} step {step:4d}  loss {loss.item():.5f}")
    return params, losses


def main():
    _, op_losses = train(mlp_loss, label="op by op")
    params, fn_losses = train(compiled_loss, label="compiled")
    # the same model and data, the same derivatives: the two runs agree
    assert np.allclose(op_losses, fn_losses, rtol=1e-8), "op-by-op and compiled runs differ"
    assert fn_losses[-1] < 0.5 * fn_losses[0], "the loss did not fall"
    X, Y = data(16)
    arrays = [p.detach().numpy() for p in params]
    report = srcgrad.check_grad(mlp_loss, *arrays, X, Y, wrt=(0, 1, 2, 3))
    print(report)
    report.assert_ok()


if __name__ == "__main__":
    main()
