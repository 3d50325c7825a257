"""The assign-parts pass: an update into positions of an adjoint that no earlier update
reached is a plain assignment (`set_at`), and nothing else is."""

import inspect

import numpy as np
import pytest

import parts_functions as F
from specialized import assert_matches_differences, source_for
import srcgrad
from srcgrad import pipeline, runtime
from srcgrad.analysis.kinds import of_value


def _args(fn, rng):
    sizes = {"w": (9,), "v": (6,), "x": (3,), "xs": (4, 3), "M": (3, 3)}
    return [rng.uniform(-1, 1, sizes[name]) for name in inspect.signature(fn).parameters]


FUNCTIONS = [F.packed, F.overlapping, F.elements, F.strided, F.counted_from_the_end,
             F.bound_reassigned, F.pairs_in_a_loop, F.rows_of_a_matrix, F.elements_in_a_loop]


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("seed", range(3))
def test_gradient_matches_finite_differences(fn, seed):
    assert_matches_differences(fn, _args(fn, np.random.RandomState(seed)))


def _backward(fn, off=()):
    args = _args(fn, np.random.RandomState(0))
    return source_for(fn, args, off).split(f"def {fn.__name__}_backward")[1]


def _updates(text, helper):
    return [line.strip() for line in text.splitlines() if f"= {helper}(" in line]


def test_pieces_after_the_first_are_assigned():
    backward = _backward(F.packed)
    assert len(_updates(backward, "add_at")) == 1, backward
    assert len(_updates(backward, "set_at")) == 2, backward
    plain = _backward(F.packed, off=["assign-parts"])
    assert not _updates(plain, "set_at") and len(_updates(plain, "add_at")) == 3


def test_distinct_elements_are_assigned():
    backward = _backward(F.rows_of_a_matrix)
    assert len(_updates(backward, "set_at")) == 2, backward


@pytest.mark.parametrize("fn", [F.overlapping, F.strided, F.counted_from_the_end,
                                F.bound_reassigned], ids=lambda f: f.__name__)
def test_pieces_that_may_share_positions_are_added(fn):
    backward = _backward(fn)
    assert not _updates(backward, "set_at"), backward


def test_elements_read_twice_are_added_the_second_time():
    backward = _backward(F.elements)
    # five reads of w[0], w[1], w[2]: the first update starts the adjoint (add_at), the
    # first update of each other element is assigned, and w[0], w[2] read again add
    assert len(_updates(backward, "add_at")) == 3, backward
    assert len(_updates(backward, "set_at")) == 2, backward


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda f: f.__name__)
def test_every_assignment_lands_on_zeros(fn, monkeypatch):
    """Run the generated code with a set_at that checks the pass's claim."""
    plain = runtime.set_at
    calls = []

    def checked(acc, x, index, g):
        if isinstance(acc, np.ndarray):
            assert not np.any(acc[index]), f"set_at over written positions {index}"
        elif isinstance(acc, list):
            assert type(acc[index]) is int and acc[index] == 0, f"set_at over item {index}"
        calls.append(index)
        return plain(acc, x, index, g)

    monkeypatch.setattr(runtime, "set_at", checked)
    args = _args(fn, np.random.RandomState(2))
    names = list(inspect.signature(fn).parameters)
    kinds = {p: of_value(a) for p, a in zip(names, args)}
    compiled = pipeline.compile_split(fn, names, kinds,
                                      {"shapes": runtime.shape_pattern(names, args)})
    out, tape = compiled.forward(*args)
    compiled.backward(tape, np.float64(1.0))
    assert bool(calls) == ("set_at(" in compiled.source)


def test_returned_pair_adjoint_reset_each_pass_is_assigned():
    source = source_for(F.pairs_in_a_loop, _args(F.pairs_in_a_loop, np.random.RandomState(0)))
    backward = source.split("def pairs_in_a_loop_backward")[1]
    # in the loop: the pair's adjoint gets item 1 (add_at makes it) and item 0 (set_at)
    assert len(_updates(backward, "set_at")) == 1, backward


@pytest.mark.parametrize("acc, g", [
    (np.zeros(4), np.array([1.0, 2.0])),
    (np.zeros(4), 1.5),
    (np.zeros(4), np.array([1.0 + 2.0j, 2.0])),          # widened by add_at
    (np.zeros(4, np.float32), np.array([1.0, 2.0])),      # a dtype to keep: add_at decides
    (0, np.array([1.0, 2.0])),
    (np.zeros(4), 0),
], ids=["array", "float", "complex", "float32", "zero-acc", "zero-g"])
def test_set_at_is_add_at_into_zeros(acc, g):
    x = np.ones(4)
    index = slice(1, 3)
    expected = runtime.add_at(acc.copy() if isinstance(acc, np.ndarray) else acc, x, index, g)
    got = runtime.set_at(acc.copy() if isinstance(acc, np.ndarray) else acc, x, index, g)
    np.testing.assert_array_equal(np.asarray(got), np.asarray(expected))
    assert np.asarray(got).dtype == np.asarray(expected).dtype


def test_set_at_on_a_read_only_array_leaves_it():
    acc = np.broadcast_to(np.zeros(1), (4,))
    got = runtime.set_at(acc, np.ones(4), slice(0, 2), np.array([1.0, 2.0]))
    np.testing.assert_array_equal(got, [1.0, 2.0, 0.0, 0.0])
    assert not acc.any()


def test_set_at_on_a_list_adjoint():
    acc = runtime.add_at(0, (1.0, 2.0, 3.0), 2, np.array(5.0))
    got = runtime.set_at(acc, (1.0, 2.0, 3.0), 0, np.array(4.0))
    assert got[0] == 4.0 and got[1] == 0 and got[2] == 5.0


def test_same_gradient_with_the_pass_off(monkeypatch):
    args = _args(F.packed, np.random.RandomState(1))
    on = srcgrad.grad(F.packed, wrt=0)(*args)
    monkeypatch.setenv("SRCGRAD_DISABLE_PASSES", "assign-parts")
    off = srcgrad.grad(F.packed, wrt=0)(*args)
    np.testing.assert_allclose(on, off, rtol=1e-13)
