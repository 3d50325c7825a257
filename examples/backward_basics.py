"""The two examples every autodiff tutorial shows, then retain_graph, create_graph and inputs."""

import numpy as np

import srcgrad
from srcgrad import tensor


def main():
    # 1. Gradients accumulate into the leaf across backward calls.
    X = tensor([[2, 4, 6], [2, 7, 9], [2, 4, 5]], dtype=np.float32, requires_grad=True)
    for i in range(2):
        for j in range(3):
            output = X[i, j] * X[i, j]
            output.backward()
    print("X.grad =", X.grad)
    assert np.array_equal(X.grad.numpy(), [[4, 8, 12], [4, 14, 18], [0, 0, 0]])
    assert X.grad.dtype == np.float32

    # 2. A scalar times a constant.
    A = tensor(2.0, requires_grad=True)
    (A * 4).backward()
    print("A.grad =", A.grad)
    assert A.grad.item() == 4.0

    # retain_graph: a second backward through the same graph needs the saved values.
    x = tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = (x.sin() * x).sum()
    y.backward(retain_graph=True)
    first = x.grad.numpy().copy()
    y.backward()                                   # allowed: the graph was retained
    assert np.allclose(x.grad.numpy(), 2 * first)
    try:
        y.backward()                               # the saved values are gone now
    except RuntimeError as exc:
        print("third backward:", str(exc).split(".")[0])
    else:
        raise AssertionError("a third backward should fail")

    # create_graph: the gradient is itself differentiable (d2/dx2 of x^3 is 6x).
    z = tensor(1.5, requires_grad=True)
    (dz,) = srcgrad.autograd_grad(z * z * z, [z], create_graph=True)
    dz.backward()
    print("d/dz z^3 =", dz.item(), " d2/dz2 z^3 =", z.grad.item())
    assert abs(dz.item() - 6.75) < 1e-12 and abs(z.grad.item() - 9.0) < 1e-12

    # inputs: accumulate only into the tensors named.
    a = tensor(1.0, requires_grad=True)
    b = tensor(2.0, requires_grad=True)
    (a * b).backward(inputs=[a])
    assert a.grad.item() == 2.0 and b.grad is None
    print("with inputs=[a]: a.grad =", a.grad.item(), " b.grad =", b.grad)
    print("OK")


if __name__ == "__main__":
    main()
