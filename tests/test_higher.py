"""grad of grad, Hessians and Hessian-vector products: generated code differentiated again."""

import numpy as np
import pytest

import higher_functions as hf
import srcgrad
from srcgrad.testing import numerical_grad

SCALAR_CASES = [
    (hf.poly, (0.7,), 0),
    (hf.loop_branch, (0.3, 4), 0),
    (hf.loop_branch, (0.9, 3), 0),
    (hf.while_loop, (0.4,), 0),
    (hf.calls_helper, (0.6, -0.4), 0),
    (hf.calls_helper, (0.6, -0.4), 1),
    (hf.exp_sin, (1.1,), 0),
]
IDS = [f"{f.__name__}-{args}-{w}" for f, args, w in SCALAR_CASES]


@pytest.mark.parametrize("fn, args, wrt", SCALAR_CASES, ids=IDS)
def test_second_derivative_matches_finite_differences(fn, args, wrt):
    report = srcgrad.check_grad(srcgrad.grad(fn, wrt), *args, wrt=wrt)
    assert report.ok, str(report)


@pytest.mark.parametrize("fn, args, wrt", SCALAR_CASES, ids=IDS)
def test_third_derivative_matches_finite_differences(fn, args, wrt):
    second = srcgrad.grad(srcgrad.grad(fn, wrt), wrt)
    report = srcgrad.check_grad(second, *args, wrt=wrt, rtol=1e-4, atol=1e-5)
    assert report.ok, str(report)


def test_poly_derivatives_exactly():
    # p = 3x^3 + 2x^2 + x: p'' = 18x + 4, p''' = 18, p'''' = 0
    d2 = srcgrad.grad(srcgrad.grad(hf.poly))
    d3 = srcgrad.grad(d2)
    d4 = srcgrad.grad(d3)
    for x in (-1.3, 0.0, 0.7, 2.5):
        assert d2(x) == pytest.approx(18 * x + 4, rel=1e-14, abs=1e-14)
        assert d3(x) == pytest.approx(18.0, rel=1e-14)
        assert d4(x) == pytest.approx(0.0, abs=1e-14)


def test_mixed_partials_commute():
    dxy = srcgrad.grad(srcgrad.grad(hf.calls_helper, 0), 1)(0.6, -0.4)
    dyx = srcgrad.grad(srcgrad.grad(hf.calls_helper, 1), 0)(0.6, -0.4)
    assert dxy == pytest.approx(dyx, rel=1e-10)


def test_second_order_source_is_generated_code():
    d2 = srcgrad.grad(srcgrad.grad(hf.poly))
    d2(0.5)
    text = d2.source
    assert "def poly_jvp_forward" in text and "def poly_jvp_backward" in text
    assert "grad of:" in text
    compile(text, "second", "exec")
    # reduced to arithmetic: no broadcasting helpers for scalar code
    assert "unbroadcast" not in text and "fit(" not in text


def test_grad_of_grad_needs_a_scalar_inner_gradient():
    with pytest.raises(srcgrad.ArgumentError, match="hessian or srcgrad.hvp"):
        srcgrad.grad(srcgrad.grad(hf.rosenbrock))(np.ones(3))
    with pytest.raises(srcgrad.ArgumentError, match="one scalar"):
        srcgrad.grad(srcgrad.grad(hf.calls_helper, (0, 1)))


def _numerical_hessian(fn, args, index):
    g = srcgrad.grad(fn, index)

    def component(*a):
        return g(*a)
    x = args[index]
    rows = []
    for k in range(np.size(x)):
        def gk(*a, k=k):
            return np.ravel(component(*a))[k]
        rows.append(numerical_grad(gk, list(args), {}, index))
    return np.array(rows).reshape(np.shape(x) + np.shape(x))


HESSIAN_CASES = [
    (hf.rosenbrock, (np.array([0.3, 0.8, -0.5, 1.2, 0.1]),), 0),
    (hf.mlp_loss, (np.random.RandomState(0).randn(16) * 0.5,
                   np.random.RandomState(1).randn(6, 3), np.random.RandomState(2).randn(6)), 0),
    (hf.softplus_sum, (np.array([0.2, -1.0, 0.7]), 1.3), 0),
    (hf.loop_branch, (0.3, 4), 0),
]


@pytest.mark.parametrize("fn, args, wrt", HESSIAN_CASES, ids=[c[0].__name__ for c in HESSIAN_CASES])
def test_hessian_matches_differences_of_the_gradient(fn, args, wrt):
    H = srcgrad.hessian(fn, wrt)(*args)
    expected = _numerical_hessian(fn, args, wrt)
    np.testing.assert_allclose(H, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(H, np.swapaxes(H, 0, -1) if np.ndim(H) == 2 else H, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("fn, args, wrt", HESSIAN_CASES, ids=[c[0].__name__ for c in HESSIAN_CASES])
def test_hvp_is_hessian_times_vector(fn, args, wrt):
    x = args[wrt]
    v = np.random.RandomState(3).randn(*np.shape(x)) if np.ndim(x) else 0.7
    H = srcgrad.hessian(fn, wrt)(*args)
    hv = srcgrad.hvp(fn, wrt)(*args, v)
    expected = np.tensordot(H, v, axes=np.ndim(x)) if np.ndim(x) else H * v
    np.testing.assert_allclose(hv, expected, rtol=1e-10, atol=1e-10)


def test_hessian_against_autograd():
    autograd = pytest.importorskip("autograd")
    import autograd.numpy as anp

    def rosen(x):
        return anp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
    x = np.random.RandomState(4).randn(8)
    np.testing.assert_allclose(srcgrad.hessian(hf.rosenbrock)(x), autograd.hessian(rosen)(x),
                               rtol=1e-12, atol=1e-9)


def test_hessian_against_jax():
    jax = pytest.importorskip("jax")
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)

    def rosen(x):
        return jnp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
    x = np.random.RandomState(5).randn(6)
    np.testing.assert_allclose(srcgrad.hessian(hf.rosenbrock)(x), jax.hessian(rosen)(x), rtol=1e-10)


def test_hvp_errors():
    with pytest.raises(srcgrad.ArgumentError, match="shape"):
        srcgrad.hvp(hf.rosenbrock)(np.ones(3), np.ones(2))
    with pytest.raises(srcgrad.ArgumentError, match="vector v"):
        srcgrad.hvp(hf.rosenbrock)(np.ones(3))


def test_higher_order_code_is_cached_in_memory():
    from srcgrad import cache
    srcgrad.grad(srcgrad.grad(hf.exp_sin))(0.3)
    before = cache.stats["transforms"]
    assert srcgrad.grad(srcgrad.grad(hf.exp_sin))(0.4) == pytest.approx(
        srcgrad.grad(srcgrad.grad(hf.exp_sin))(0.4))
    assert cache.stats["transforms"] == before
