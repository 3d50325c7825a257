"""Dtypes are kept; complex arguments follow PyTorch's convention; holomorphic mode."""

import numpy as np
import pytest

import complex_functions as cf
import srcgrad

R = np.random.RandomState(0)


def _c(*shape):
    return R.randn(*shape) + 1j * R.randn(*shape)


COMPLEX = [
    (cf.modulus_loss, (_c(3), _c(3)), (0, 1)),
    (cf.quadratic_form, (_c(4), _c(4)), (0, 1)),
    (cf.matmul_loss, (_c(3) + 2.0, _c(3, 3)), (0, 1)),
    (cf.einsum_loss, (_c(2, 3), _c(3, 2)), (0, 1)),
    (cf.real_weights, (R.randn(3), _c(3)), (0, 1)),
    (cf.attribute_loss, (_c(3), _c(3)), (0, 1)),
]


@pytest.mark.parametrize("fn, args, wrt", COMPLEX, ids=[c[0].__name__ for c in COMPLEX])
def test_complex_gradients_match_differences_in_both_directions(fn, args, wrt):
    report = srcgrad.check_grad(fn, *args, wrt=wrt)     # d/dRe + i d/dIm, each by central differences
    assert report.ok, str(report)


@pytest.mark.parametrize("fn, args, wrt", COMPLEX, ids=[c[0].__name__ for c in COMPLEX])
def test_complex_gradients_match_torch(fn, args, wrt):
    torch = pytest.importorskip("torch")
    ts = [torch.tensor(a, requires_grad=True) for a in args]
    ops = {"modulus_loss": lambda z, w: torch.sum(torch.abs(z * w + torch.conj(z)) ** 2)
           + torch.real(torch.sum(torch.exp(z))),
           "quadratic_form": lambda z, w: torch.real(torch.sum(torch.conj(z) * w * z))
           + torch.sum(torch.imag(z) ** 2) + torch.sum(torch.angle(z + 2.0)),
           "matmul_loss": lambda z, W: torch.sum(torch.abs(W @ z))
           + torch.real(torch.sum(torch.sqrt(z) * torch.log(z))),
           "einsum_loss": lambda A, B: torch.sum(torch.abs(torch.einsum("ij,jk->ik", A, B)) ** 2),
           "real_weights": lambda x, z: torch.sum(torch.abs(x * z) ** 2) + torch.sum(torch.real(z) * x),
           "attribute_loss": lambda z, w: torch.sum((z * w).real * (z * w).imag)
           + torch.sum(((z * w).conj() * z).real) + torch.sum((z * w).conj().imag)}
    ops[fn.__name__](*ts).backward()
    ours = srcgrad.grad(fn, wrt)(*args)
    for g, t in zip(ours, ts):
        np.testing.assert_allclose(g, t.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_descending_along_the_gradient_lowers_a_real_loss():
    z, w = _c(3), _c(3)
    g = srcgrad.grad(cf.modulus_loss)(z, w)
    assert cf.modulus_loss(z - 1e-3 * g, w) < cf.modulus_loss(z, w)


def test_holomorphic_mode_gives_the_complex_derivative():
    z = 0.3 + 0.4j
    expected = (2 * z + z * z) * np.exp(z) - 1.0 / (z * z)
    assert srcgrad.grad(cf.holomorphic, holomorphic=True)(z) == pytest.approx(expected, rel=1e-13)
    h = 1e-7                                           # and along the imaginary axis, the same
    numeric = (cf.holomorphic(z + 1j * h) - cf.holomorphic(z - 1j * h)) / (2j * h)
    assert srcgrad.grad(cf.holomorphic, holomorphic=True)(z) == pytest.approx(numeric, rel=1e-7)


def test_complex_output_needs_holomorphic():
    with pytest.raises(srcgrad.ArgumentError, match="holomorphic=True"):
        srcgrad.grad(cf.holomorphic)(0.3 + 0.4j)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_gradient_keeps_the_dtype(dtype):
    x = (R.rand(5) + 0.5).astype(dtype)
    g = srcgrad.grad(cf.float_loss)(x)
    assert g.dtype == dtype and g.shape == x.shape
    tol = {np.float16: 2e-2, np.float32: 1e-5, np.float64: 1e-12}[dtype]
    exact = srcgrad.grad(cf.float_loss)(x.astype(np.float64))
    np.testing.assert_allclose(g.astype(np.float64), exact, rtol=tol, atol=tol)


def test_scalar_dtypes():
    assert type(srcgrad.grad(cf.float_loss)(np.float32(0.5))) is np.float32
    assert type(srcgrad.grad(cf.float_loss)(0.5)) is float


def test_bfloat16_when_available():
    ml_dtypes = pytest.importorskip("ml_dtypes")
    x = (R.rand(4) + 0.5).astype(ml_dtypes.bfloat16)
    g = srcgrad.grad(cf.float_loss)(x)
    assert g.dtype == ml_dtypes.bfloat16


def test_complex_part_attributes_in_forward_mode():
    from srcgrad.testing import check_jvp
    rng = np.random.RandomState(3)
    z, w = _c(3), _c(3)
    for tangents in ([rng.randn(3) + 1j * rng.randn(3), None], [None, rng.randn(3) + 1j * rng.randn(3)]):
        report = check_jvp(cf.attribute_loss, (z, w), tangents)
        assert report.ok, str(report)
