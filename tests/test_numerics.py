"""Numerical behaviour: NaN and inf propagate as NumPy would, singular points give the
documented values (below), deep recursion and long loops work.

Singular points (what grad returns, with NumPy's RuntimeWarnings and no exception):

    d/dx sqrt(x)  at 0         inf
    d/dx log(x)   at 0         inf;   at x < 0: 1/x (log itself is nan)
    d/dx x ** y   at 0, y = 0  nan (arrays);  d/dy = 0
    d/dx |x|      at 0         0
"""

import math
import warnings

import numpy as np
import pytest

import srcgrad
from fuzz import harness

MODULE = '''
import math

import numpy as np


def sqrt(x):
    return np.sqrt(x)


def log(x):
    return np.log(x)


def power(x, y):
    return x ** y


def msqrt(x):
    return math.sqrt(x)


def affine(x):
    return x * 2.0 + 1.0


def mixed(x):
    return np.sum(np.sin(x) * x)


def absolute(x):
    return np.abs(x)


def down(x, n):
    if n == 0:
        return x
    return down(x * 1.001, n - 1) + 0.0


def long_loop(x, n):
    s = 0.0
    for i in range(n):
        s = s + np.sin(x + i * 1e-3)
    return s
'''


@pytest.fixture(scope="module")
def m():
    return harness.load(MODULE)


def quiet(fn, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with np.errstate(all="ignore"):
            return fn(*args)


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_nan_and_inf_propagate_through_a_linear_function(m, value):
    assert quiet(srcgrad.grad(m.affine), value) == 2.0
    with np.errstate(all="ignore"):
        assert np.isnan(m.affine(value)) == np.isnan(value)


def test_nan_and_inf_propagate_elementwise_like_numpy(m):
    x = np.array([np.nan, 1.0, np.inf, -2.0])
    g = quiet(srcgrad.grad(m.mixed), x)
    expected = quiet(lambda v: np.cos(v) * v + np.sin(v), x)     # what NumPy computes
    np.testing.assert_array_equal(np.isnan(g), np.isnan(expected))
    np.testing.assert_allclose(g[1], expected[1])
    np.testing.assert_allclose(g[3], expected[3])


def test_no_exception_where_numpy_warns(m):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(RuntimeWarning):
            np.sqrt(np.float64(-1.0))
    # srcgrad warns like NumPy, it does not raise
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        g = srcgrad.grad(m.sqrt)(0.0)
    assert g == np.inf
    assert any(issubclass(w.category, RuntimeWarning) for w in caught)


def test_sqrt_at_zero_is_inf(m):
    assert quiet(srcgrad.grad(m.sqrt), 0.0) == np.inf
    np.testing.assert_array_equal(quiet(srcgrad.grad(sum_sqrt()), np.array([0.0, 4.0])),
                                  [np.inf, 0.25])


def sum_sqrt():
    return harness.load("import numpy as np\n\ndef f(x):\n    return np.sum(np.sqrt(x))\n").f


def test_log_at_zero_and_below(m):
    assert quiet(srcgrad.grad(m.log), 0.0) == np.inf
    assert quiet(srcgrad.grad(m.log), -1.0) == -1.0          # 1/x, while log(-1) is nan
    assert np.isnan(quiet(m.log, -1.0))


def test_power_zero_to_the_zero_on_arrays(m):
    g = quiet(srcgrad.grad(harness.load(
        "import numpy as np\n\ndef f(x, y):\n    return np.sum(x ** y)\n").f, (0, 1)),
        np.array([0.0, 2.0]), np.array([0.0, 3.0]))
    assert np.isnan(g[0][0]) and g[0][1] == 12.0
    assert g[1][0] == 0.0 and g[1][1] == pytest.approx(8.0 * math.log(2.0))


def test_power_away_from_zero_matches_finite_differences(m):
    assert srcgrad.check_grad(m.power, 0.7, 1.3, wrt=(0, 1)).ok
    assert quiet(srcgrad.grad(m.power, (0, 1)), 0.0, 2.0) == (0.0, 0.0)


def test_power_at_zero_floats_does_not_raise(m):
    gx, gy = quiet(srcgrad.grad(m.power, (0, 1)), 0.0, 0.0)
    assert np.isnan(gx) and gy == 0.0                        # as with arrays


def test_math_sqrt_at_zero_is_inf(m):
    assert quiet(srcgrad.grad(m.msqrt), 0.0) == np.inf


def test_abs_at_zero_is_zero(m):
    assert srcgrad.grad(m.absolute)(0.0) == 0.0


def test_recursion_to_depth_500(m):
    g = srcgrad.grad(m.down)(1.0, 500)
    assert g == pytest.approx(1.001 ** 500, rel=1e-9)
    assert srcgrad.check_grad(m.down, 1.0, 500).ok


def test_long_loop(m):
    n = 100_000
    g = srcgrad.grad(m.long_loop)(0.3, n)
    expected = float(np.sum(np.cos(0.3 + np.arange(n) * 1e-3)))
    assert g == pytest.approx(expected, rel=1e-9)
