"""Kinds of list items: a local list built by `append` gives its items' kind to `xs[i]`."""

import numpy as np
import pytest

from specialized import assert_matches_differences, source_for
from srcgrad import astlib as A
from srcgrad import closures, controlflow, normalize, pipeline
from srcgrad.analysis import kinds as K
from srcgrad.analysis.kinds import of_value
from srcgrad.naming import Namer
from srcgrad.source import read_source


def _kinds(fn, args):
    info = read_source(fn)
    namer = Namer(pipeline.user_names(info) | pipeline._reserved_names())
    tree = controlflow.lower(normalize.normalize(info, namer, closures.lift(info), []), namer)
    params = {p: of_value(a) for p, a in zip(A.param_names(tree), args)}
    return K.infer(tree, params, info)


# --- functions ---------------------------------------------------------------------------------

def matrices_by_index(v, x, n):
    Ms = []
    for j in range(n):
        Ms.append(np.diag(np.exp(v[j])) + np.outer(v[j], v[j]).reshape(3, 3))
    total = 0.0
    for j in range(n):
        z = Ms[j] @ (x - v[j])
        total = total + z @ z
    return total


def scalars_by_index(a, n):
    terms = []
    for j in range(n):
        terms.append(a[j] * a[j] + 1.0)
    total = 0.0
    for j in range(n):
        total = total + terms[j] * terms[n - 1 - j]
    return total + np.sum(np.array(terms))


def mixed_items(a, x, n):
    parts = [x]
    for j in range(n):
        parts.append(a[j] * x)         # a number first, arrays after: items are numeric
    parts.append(np.sum(x))
    total = 0.0
    for j in range(len(parts)):
        total = total + np.sum(parts[j] * x)
    return total


def _grow(items, value):
    items.append(value)


def list_given_to_a_function(x, n):
    items = [x]
    for j in range(n):
        _grow(items, items[j] * 2.0)
    return np.sum(items[n] * items[0])


def aliased_list(x, n):
    items = []
    other = items
    for j in range(n):
        other.append(x * (j + 1.0))
    return np.sum(items[n - 1] @ x)


def written_by_index(m, x):
    items = [x, x]
    items[1] = m
    return np.sum(items[1] @ x)


ARGS = {
    matrices_by_index: lambda rng: (rng.normal(size=(4, 3)) * 0.5, rng.normal(size=3), 4),
    scalars_by_index: lambda rng: (rng.normal(size=5), 5),
    mixed_items: lambda rng: (rng.normal(size=3), rng.normal(size=4), 3),
    list_given_to_a_function: lambda rng: (rng.normal(size=3), 3),
    written_by_index: lambda rng: (rng.normal(size=(3, 3)), rng.normal(size=3)),
}


@pytest.mark.parametrize("fn", [f for f in ARGS if f is not list_given_to_a_function],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradients_match_differences(fn, seed):
    assert_matches_differences(fn, ARGS[fn](np.random.default_rng(seed)))


# --- the kinds --------------------------------------------------------------------------------

def test_matrix_items_have_rank_two():
    kinds = _kinds(matrices_by_index, ARGS[matrices_by_index](np.random.default_rng(0)))
    assert kinds[K.element_key("Ms")] == "array:2"
    assert "array:2" in {k for n, k in kinds.items() if n.startswith("_t")}


def test_scalar_items_are_numbers():
    kinds = _kinds(scalars_by_index, ARGS[scalars_by_index](np.random.default_rng(0)))
    assert kinds[K.element_key("terms")] == K.NUM


def test_items_of_several_kinds_join():
    kinds = _kinds(mixed_items, ARGS[mixed_items](np.random.default_rng(0)))
    assert kinds[K.element_key("parts")] == K.NUMERIC


@pytest.mark.parametrize("fn, name", [(list_given_to_a_function, "items"), (aliased_list, "items"),
                                      (aliased_list, "other"), (written_by_index, "items")],
                         ids=["passed-to-a-function", "aliased", "alias", "written-by-index"])
def test_lists_changed_elsewhere_have_no_item_kind(fn, name):
    args = (np.ones(3), 3) if fn is aliased_list else ARGS[fn](np.random.default_rng(0))
    kinds = _kinds(fn, args)
    assert K.element_key(name) not in kinds


def test_known_items_pick_the_plain_matmul_templates():
    args = ARGS[matrices_by_index](np.random.default_rng(0))
    text = source_for(matrices_by_index, args)
    backward = text[text.index("def matrices_by_index_backward"):]
    assert "matmul_grad" not in backward
    other = source_for(written_by_index, ARGS[written_by_index](np.random.default_rng(0)))
    assert "matmul_grad" in other


def reshape_args(x, s):
    y = x.reshape(2, 3)
    return np.sum(y)


def reshape_tuple(x, s):
    y = x.reshape((2, 3, 1))
    return np.sum(y)


def np_reshape(x, s):
    y = np.reshape(x, (6,))
    return np.sum(y)


def reshape_variable(x, s):
    y = x.reshape(s, 1)
    return np.sum(y)


def diag_of_vector(x, s):
    y = np.diag(x)
    return np.sum(y)


def diag_of_matrix(x, s):
    y = np.diag(x.reshape(2, 3))
    return np.sum(y)


@pytest.mark.parametrize("fn, rank", [(reshape_args, 2), (reshape_tuple, None), (np_reshape, None),
                                      (reshape_variable, 2), (diag_of_vector, 2), (diag_of_matrix, 1)],
                         ids=lambda v: getattr(v, "__name__", str(v)))
def test_reshape_and_diag_ranks(fn, rank):
    kinds = _kinds(fn, (np.arange(6.0), 6))
    assert kinds["y"] == (K.array(rank) if rank else K.NUMERIC)   # a tuple shape is not looked into
    assert_matches_differences(fn, (np.arange(6.0) * 0.3 - 1.0, 6))
