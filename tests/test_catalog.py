"""Every catalog function, checked against finite differences through check_grad."""

import numpy as np
import pytest

import srcgrad
from corpus import CASES, make_args

IDS = [c.id for c in CASES]


def test_catalog_is_large():
    assert len(CASES) >= 120


@pytest.mark.parametrize("c", CASES, ids=IDS)
@pytest.mark.parametrize("seed", [0, 1])
def test_grad_matches_finite_differences(c, seed):
    args = make_args(c, seed)
    report = srcgrad.check_grad(c.fn, *args, wrt=c.wrt)
    assert report.ok, str(report)


@pytest.mark.parametrize("c", CASES, ids=IDS)
def test_value_and_grad_agrees(c):
    args = make_args(c, 2)
    value, grads = srcgrad.value_and_grad(c.fn, c.wrt)(*args)
    np.testing.assert_allclose(value, c.fn(*args), rtol=1e-12, atol=1e-12)
    expected = srcgrad.grad(c.fn, c.wrt)(*args)
    for g, e in zip(grads if isinstance(c.wrt, tuple) else [grads],
                    expected if isinstance(c.wrt, tuple) else [expected]):
        np.testing.assert_array_equal(g, e)


@pytest.mark.parametrize("c", CASES, ids=IDS)
def test_function_wrapper_agrees(c):
    args = make_args(c, 3)
    f = srcgrad.function(c.fn)
    np.testing.assert_allclose(f(*args), c.fn(*args), rtol=1e-12, atol=1e-12)
    g = f.grad(c.wrt)(*args)
    h = srcgrad.grad(c.fn, c.wrt)(*args)
    for a, b in zip(g if isinstance(c.wrt, tuple) else [g], h if isinstance(c.wrt, tuple) else [h]):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("c", CASES, ids=IDS)
def test_gradient_types_follow_arguments(c):
    args = make_args(c, 4)
    grads = srcgrad.grad(c.fn, c.wrt)(*args)
    positions = c.wrt if isinstance(c.wrt, tuple) else (c.wrt,)
    grads = grads if isinstance(c.wrt, tuple) else (grads,)
    for pos, g in zip(positions, grads):
        a = args[pos]
        assert type(g) is type(a)
        if isinstance(a, np.ndarray):
            assert g.shape == a.shape and g.dtype == a.dtype
