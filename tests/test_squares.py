"""x * x and v @ v (v a vector) take one adjoint contribution, d * 2 * x, instead of two."""

import numpy as np
import pytest

from specialized import assert_matches_differences, source_for


def vector_norm(v, w):
    z = v * w
    return z @ z + np.dot(w, w)


def matrix_square(m):
    p = m @ m
    return np.sum(p * p)


def complex_inner(v):
    q = v @ v
    return np.abs(q) ** 2


def elementwise_square(x):
    return np.sum(x * x)


ARGS = {
    vector_norm: lambda rng: (rng.normal(size=4), rng.normal(size=4)),
    matrix_square: lambda rng: (rng.normal(size=(3, 3)),),
    complex_inner: lambda rng: (rng.normal(size=3) + 1j * rng.normal(size=3),),
    elementwise_square: lambda rng: (rng.normal(size=5),),
}


@pytest.mark.parametrize("fn", list(ARGS), ids=lambda f: f.__name__)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradients_match_differences(fn, seed):
    assert_matches_differences(fn, ARGS[fn](np.random.default_rng(seed)))


def _backward(fn):
    text = source_for(fn, ARGS[fn](np.random.default_rng(0)))
    return text[text.index(f"def {fn.__name__}_backward"):]


def test_vector_inner_product_with_itself_is_one_contribution():
    backward = _backward(vector_norm)
    assert "d_z = d_t1 * 2 * z" in backward
    assert "d_w = d_t1 * 2 * w" in backward


def test_matrix_product_with_itself_keeps_two_contributions():
    backward = _backward(matrix_square)
    assert "* 2 * m" not in backward
    assert backward.count("d_m") >= 2
