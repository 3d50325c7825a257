"""Extension points: custom primitives, stop_gradient, has_aux, containers of parameters."""

import numpy as np
import pytest

import higher_functions as hf
import srcgrad


def test_has_aux_returns_grads_and_aux():
    r = np.random.RandomState(0)
    w, x = r.randn(3), r.randn(5, 3)
    g, aux = srcgrad.grad(hf.loss_with_aux, has_aux=True)(w, x)
    np.testing.assert_allclose(aux, np.tanh(x @ w))

    def loss_only(w, x):
        return hf.loss_with_aux(w, x)[0]
    assert srcgrad.check_grad(loss_only, w, x).ok
    np.testing.assert_allclose(g, srcgrad.grad(loss_only)(w, x), rtol=1e-12)
    (value, aux2), g2 = srcgrad.value_and_grad(hf.loss_with_aux, has_aux=True)(w, x)
    assert value == pytest.approx(np.sum(aux * aux))
    np.testing.assert_allclose(g2, g)


def test_has_aux_needs_a_pair():
    with pytest.raises(srcgrad.ArgumentError, match="pair"):
        srcgrad.grad(hf.poly, has_aux=True)(1.0)


def test_stop_gradient_blocks_only_its_argument():
    # d/dx [x * c] with c = x*x held constant is c = x^2
    assert srcgrad.grad(hf.stopped)(1.5) == pytest.approx(2.25, rel=1e-15)
    assert hf.stopped(1.5) == 1.5 ** 3


def test_custom_primitive_uses_its_template():
    x = np.array([-1.0, 0.2, 0.9, 3.0])
    report = srcgrad.check_grad(hf.softclip_user, x)
    assert report.ok, str(report)
    assert "softclip" in srcgrad.source(hf.softclip_user)
    assert "def softclip_forward" not in srcgrad.source(hf.softclip_user)   # not transformed


def test_primitive_without_template_is_an_error():
    @srcgrad.primitive
    def bare(x):
        return x * 2.0

    def uses_bare(x):
        return bare(x) * 1.0
    with pytest.raises(srcgrad.NoTemplateError, match="bare"):
        srcgrad.grad(uses_bare)(1.0)


def test_container_parameters_keep_their_structure():
    r = np.random.RandomState(1)
    params = {"W": r.randn(3, 2), "b": r.randn(2), "layers": [(r.randn(2, 2), 0.5), (r.randn(2, 2), 1.5)]}
    x = r.randn(4, 3)
    g = srcgrad.grad(hf.tree_loss)(params, x)
    assert set(g) == {"W", "b", "layers"} and isinstance(g["layers"], list)
    assert isinstance(g["layers"][0], tuple) and isinstance(g["layers"][0][1], float)
    assert g["W"].shape == (3, 2)
    report = srcgrad.check_grad(hf.tree_loss, params, x)
    assert report.ok, str(report)
    assert len(report.arguments) == 6


def test_template_error_at_registration():
    with pytest.raises(srcgrad.TemplateError) as info:
        @srcgrad.adjoint(np.i0)
        def broken(z, x):
            d[x] += d[z] * undefined_name  # noqa: F821
    assert "undefined_name" in str(info.value)
    assert f"{__file__}:" in str(info.value)
