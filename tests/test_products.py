"""vjp and jacobian in both modes, against finite differences and the peers when installed."""

import numpy as np
import pytest

import higher_functions as hf
import srcgrad
from srcgrad.testing import numerical_grad


def _numerical_jacobian(fn, args, index):
    out = np.asarray(fn(*args))
    rows = []
    for k in range(out.size):
        def component(*a, k=k):
            return np.ravel(fn(*a))[k]
        rows.append(numerical_grad(component, list(args), {}, index))
    x = args[index]
    return np.array(rows).reshape(out.shape + np.shape(x))


JAC_CASES = [
    (hf.vector_field, (np.array([0.3, -0.7, 1.1]),), 0),
    (hf.euler, (np.array([0.5, -0.2, 0.9, 0.1]), 1.3), 0),
    (hf.euler, (np.array([0.5, -0.2, 0.9, 0.1]), 1.3), 1),
    (hf.loop_branch, (0.3, 4), 0),
]


@pytest.mark.parametrize("mode", ["reverse", "forward", "auto"])
@pytest.mark.parametrize("fn, args, wrt", JAC_CASES, ids=[f"{c[0].__name__}-{c[2]}" for c in JAC_CASES])
def test_jacobian_matches_finite_differences(fn, args, wrt, mode):
    J = srcgrad.jacobian(fn, wrt, mode=mode)(*args)
    np.testing.assert_allclose(J, _numerical_jacobian(fn, args, wrt), rtol=1e-6, atol=1e-7)


def test_jacobian_modes_agree_exactly_enough():
    x = np.random.RandomState(0).randn(4)
    a = srcgrad.jacobian(hf.euler, mode="reverse")(x, 0.7)
    b = srcgrad.jacobian(hf.euler, mode="forward")(x, 0.7)
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_jacobian_against_autograd():
    autograd = pytest.importorskip("autograd")
    import autograd.numpy as anp

    def field(x):
        return anp.array([x[0] * x[1], anp.sin(x[0]) + x[2] ** 2, anp.exp(x[1]) * x[2], x[0] - x[2]])
    x = np.array([0.3, -0.7, 1.1])
    np.testing.assert_allclose(srcgrad.jacobian(hf.vector_field)(x), autograd.jacobian(field)(x),
                               rtol=1e-13)


def test_vjp_array_output_many_calls():
    x = np.array([0.3, -0.7, 1.1])
    value, pullback = srcgrad.vjp(hf.vector_field, x)
    np.testing.assert_allclose(value, hf.vector_field(x))
    J = _numerical_jacobian(hf.vector_field, (x,), 0)
    for seed in range(3):                       # the tape survives repeated pullbacks
        ct = np.random.RandomState(seed).randn(4)
        (gx,) = pullback(ct)
        np.testing.assert_allclose(gx, ct @ J, rtol=1e-6, atol=1e-7)


def test_vjp_tuple_output_and_wrt():
    x, y = np.array([0.2, 0.5]), 1.5
    value, pullback = srcgrad.vjp(hf.two_outputs, x, y)
    assert isinstance(value, tuple) and len(value) == 2
    a, b = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    gx, gy = pullback((a, b))
    np.testing.assert_allclose(gx, a * np.cos(x) * y + 2 * x * b, rtol=1e-12)
    assert gy == pytest.approx(np.sum(a * np.sin(x)), rel=1e-12)
    _, only_x = srcgrad.vjp(hf.two_outputs, x, y, wrt=0)
    np.testing.assert_allclose(only_x((a, b)), gx)


def test_vjp_errors():
    _, pullback = srcgrad.vjp(hf.vector_field, np.ones(3))
    with pytest.raises(srcgrad.ArgumentError, match="shape"):
        pullback(np.ones(3))
    _, pullback = srcgrad.vjp(hf.two_outputs, np.ones(2), 1.0)
    with pytest.raises(srcgrad.ArgumentError, match="tuple"):
        pullback(np.ones(2))
    with pytest.raises(srcgrad.ArgumentError, match="no argument is differentiable"):
        srcgrad.vjp(hf.loop_branch, 1, 2)


def test_jacobian_errors():
    with pytest.raises(srcgrad.ArgumentError, match="mode"):
        srcgrad.jacobian(hf.euler, mode="sideways")
    with pytest.raises(srcgrad.ArgumentError, match="one argument"):
        srcgrad.jacobian(hf.euler, wrt=(0, 1))
