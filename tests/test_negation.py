"""The negation pass: negations the templates write in separate statements cancel."""

import numpy as np
import pytest

from specialized import assert_matches_differences, differentiated, rewritten, source_for
import srcgrad
from srcgrad.optimize import negation


def _run(src, names):
    return rewritten(src, lambda fn: negation.cancel(fn, set(names)))


# --- the pass on code written by hand ----------------------------------------------------------

def test_two_negations_in_a_chain_cancel():
    out = _run("def f(d, y, e):\n"
               "    a = -d / (y * y)\n"
               "    b = a * e\n"
               "    c = -b\n"
               "    return c\n", ["a", "b", "c"])
    assert "-" not in out
    assert "a = d / (y * y)" in out and "c = b" in out


def test_negation_becomes_a_subtraction():
    out = _run("def f(g, w, s):\n"
               "    a = -g\n"
               "    s = s + a * 2 * w\n"
               "    return s\n", ["a"])
    assert "a = g" in out and "s = s - a * 2 * w" in out


def test_negation_that_would_only_move_stays():
    src = ("def f(g, w):\n"
           "    a = -g\n"
           "    b = a * w\n"
           "    return b\n")
    assert _run(src, ["a", "b"]) == rewritten(src)


def test_name_read_twice_keeps_its_negation():
    out = _run("def f(g, w):\n"
               "    a = -g\n"
               "    b = -a\n"
               "    c = a * w\n"
               "    return b, c\n", ["a", "b", "c"])
    assert "a = -g" in out and "b = -a" in out


def test_names_outside_the_set_are_left_alone():
    out = _run("def f(g):\n"
               "    a = -g\n"
               "    b = -a\n"
               "    return b\n", ["b"])
    assert "a = -g" in out and "b = -a" in out


def test_read_inside_a_call_blocks_the_chain():
    out = _run("def f(g, h):\n"
               "    a = -g\n"
               "    b = -h(a)\n"
               "    return b\n", ["a", "b"])
    assert "a = -g" in out


def test_chain_through_a_loop_body():
    out = _run("def f(g, xs, n):\n"
               "    a = -g\n"
               "    for i in range(n):\n"
               "        b = xs[i] / a\n"
               "        c = -b\n"
               "        xs[i] = c\n"
               "    return xs\n", ["a", "b", "c"])
    assert "-" not in out


# --- generated code ---------------------------------------------------------------------------

def sigmoid_loss(x, w):
    return np.sum(w / (1.0 + np.exp(-x)))


def negated_residual(x, y):
    r = -(x * y)
    s = r / 3.0
    return np.sum(x - s * y)


def broadcast_negation(x, b):
    z = b - np.exp(-x)
    return np.sum(np.sin(z))


def weight_residual(w, x):
    werr = 1.0 - w * w
    return np.sum(werr * werr) + np.sum(w * x)


def scalar_chain(x, y):
    t = 1.0 / (2.0 + x * x)
    return t * y - 1.0 / (1.0 + np.exp(-y))


def complex_chain(z, w):
    q = 1.0 / (1.0 + np.exp(-z * w))
    return np.sum(np.abs(q) ** 2)


def log_softmax_loss(y, x):
    top = np.max(y)
    lse = np.log(np.sum(np.exp(y - top))) + top
    return np.sum(x * (y - lse))


def _rng_args(fn, seed):
    rng = np.random.default_rng(seed)
    if fn is broadcast_negation:
        return (rng.normal(size=4), rng.normal(size=(3, 4)))
    if fn is scalar_chain:
        return (float(rng.normal()), float(rng.normal()))
    if fn is complex_chain:
        return (rng.normal(size=3) + 1j * rng.normal(size=3), rng.normal(size=3))
    return (rng.normal(size=5), rng.normal(size=5))


FUNCTIONS = [sigmoid_loss, negated_residual, broadcast_negation, weight_residual, scalar_chain,
             complex_chain, log_softmax_loss]


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradients_match_differences(fn, seed):
    assert_matches_differences(fn, _rng_args(fn, seed))


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda f: f.__name__)
def test_same_gradient_bit_for_bit_with_the_pass_off(fn, monkeypatch):
    args = _rng_args(fn, 3)
    wrt = differentiated(args)
    on = srcgrad.grad(fn, wrt=wrt)(*args)
    monkeypatch.setenv("SRCGRAD_DISABLE_PASSES", "negation")
    off = srcgrad.grad(fn, wrt=wrt)(*args)
    for a, b in zip(on, off):
        assert np.array_equal(a, b)


def _backward_negations(fn, off=()):
    """Minus signs in the code lines of fn's generated backward function."""
    text = source_for(fn, _rng_args(fn, 0), off=off)
    lines = text[text.index(f"def {fn.__name__}_backward"):].splitlines()
    return sum(line.count("-") for line in lines if not line.lstrip().startswith("#"))


def test_sigmoid_backward_has_no_negation():
    assert _backward_negations(sigmoid_loss) == 0
    assert _backward_negations(sigmoid_loss, off=["negation"]) == 2


def test_negation_absorbed_by_a_sum():
    assert _backward_negations(weight_residual) == 1          # d_w = d_w - ...
    assert _backward_negations(weight_residual, off=["negation"]) == 1
    assert "d_w - " in source_for(weight_residual, _rng_args(weight_residual, 0))


def test_negation_carried_through_unbroadcast():
    assert _backward_negations(broadcast_negation) == 0
    assert _backward_negations(broadcast_negation, off=["negation"]) == 2


def test_a_sum_is_negated_after_summing():
    text = source_for(log_softmax_loss, _rng_args(log_softmax_loss, 0))
    assert "unbroadcast(-" not in text and "d_lse = -unbroadcast(d_t7, lse)" in text
    assert "unbroadcast(-" in source_for(log_softmax_loss, _rng_args(log_softmax_loss, 0),
                                         off=["simplify"])


def test_same_gradient_bit_for_bit_without_simplification(monkeypatch):
    args = _rng_args(log_softmax_loss, 4)
    on = srcgrad.grad(log_softmax_loss, wrt=(0, 1))(*args)
    monkeypatch.setenv("SRCGRAD_DISABLE_PASSES", "simplify")
    off = srcgrad.grad(log_softmax_loss, wrt=(0, 1))(*args)
    for a, b in zip(on, off):
        assert np.array_equal(a, b)


def distance_to_rows(m, x):
    total = 0.0
    for j in range(3):
        r = x - m[j]
        total = total + np.sum(r * r * r)
    return total


def test_negated_row_adjoint_is_subtracted():
    rng = np.random.default_rng(0)
    args = (rng.normal(size=(3, 4)), rng.normal(size=4))
    on = source_for(distance_to_rows, args)
    assert "sub_at(d_m, m, j, " in on
    assert "sub_at" not in source_for(distance_to_rows, args, off=["negation"])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_subtracted_rows_match_differences(seed):
    rng = np.random.default_rng(seed)
    assert_matches_differences(distance_to_rows, (rng.normal(size=(3, 4)), rng.normal(size=4)))


def test_hessian_through_sub_at():
    rng = np.random.default_rng(4)
    m, x = rng.normal(size=(3, 4)), rng.normal(size=4)
    H = srcgrad.hessian(distance_to_rows)(m, x)
    g = srcgrad.grad(distance_to_rows)
    eps = 1e-6
    for k in range(m.size):
        e = np.zeros(m.size)
        e[k] = eps
        column = (g(m + e.reshape(m.shape), x) - g(m - e.reshape(m.shape), x)) / (2 * eps)
        assert np.allclose(np.asarray(H).reshape(m.size, m.size)[:, k], column.ravel(), atol=1e-6)
