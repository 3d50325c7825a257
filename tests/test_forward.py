"""Forward mode over the whole catalog, checked along random tangents."""

import numpy as np
import pytest

import srcgrad
from corpus import CASES, make_args
from srcgrad.testing import check_jvp


def _tangents(c, args, seed):
    r = np.random.RandomState(seed)
    wrt = c.wrt if isinstance(c.wrt, tuple) else (c.wrt,)
    tangents = [None] * len(args)
    for w in wrt:
        a = args[w]
        tangents[w] = float(r.randn()) if isinstance(a, float) else r.randn(*np.shape(a))
    return tangents


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_jvp_matches_finite_differences(c):
    args = make_args(c, 0)
    report = check_jvp(c.fn, args, _tangents(c, args, 5))
    assert report.ok, str(report)


@pytest.mark.parametrize("c", CASES[::7], ids=[c.id for c in CASES[::7]])
def test_jvp_agrees_with_grad(c):
    args = make_args(c, 1)
    tangents = _tangents(c, args, 6)
    _, tangent_out = srcgrad.jvp(c.fn, args, tangents)
    wrt = c.wrt if isinstance(c.wrt, tuple) else (c.wrt,)
    grads = srcgrad.grad(c.fn, wrt)(*args)
    expected = sum(np.sum(np.asarray(g) * np.asarray(tangents[w])) for g, w in zip(grads, wrt))
    np.testing.assert_allclose(tangent_out, expected, rtol=1e-9, atol=1e-10)


wrong_cube = np.vectorize(lambda v: v ** 3)


def uses_wrong_cube(x):
    return np.sum(wrong_cube(x))


def test_check_jvp_catches_a_wrong_forward_template():
    from srcgrad import cache
    from srcgrad.rules import registry

    def wrong_cube_tangent(z, x):
        t[z] += t[x] * 2.0 * x          # deliberately wrong: the derivative is 3 x**2  # noqa: F821
    registry.forward(wrong_cube)(wrong_cube_tangent)
    cache.invalidate_registry()
    try:
        x = np.array([0.5, 1.5])
        report = check_jvp(uses_wrong_cube, (x,), (np.ones(2),))
        assert not report.ok
        assert "MISMATCH" in str(report)
    finally:
        registry.RULES.pop(registry.key_of(wrong_cube), None)
        cache.invalidate_registry()


def lambda_free_square_plus_one(x):
    return x * x + 1.0


def test_jvp_errors():
    with pytest.raises(srcgrad.ArgumentError, match="one tangent per primal"):
        srcgrad.jvp(lambda_free_square_plus_one, (1.0,), ())
    with pytest.raises(srcgrad.ArgumentError, match="shape"):
        srcgrad.jvp(lambda_free_square_plus_one, (np.ones(3),), (np.ones(2),))
