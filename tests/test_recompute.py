"""The recompute pass: cheap scalar temporaries read by a loop's backward leave the tape."""

import inspect

import numpy as np
import pytest

import recompute_functions as R
import srcgrad
from specialized import assert_matches_differences, source_for

FUNCTIONS = [R.products, R.operand_changes_in_between, R.read_inside_a_branch,
             R.quotient_and_difference, R.arrays_are_not_recomputed, R.sum_of_two_changing,
             R.chained_temporaries]


def _args(fn, rng):
    names = list(inspect.signature(fn).parameters)
    out = []
    for name in names:
        if name == "n":
            out.append(int(rng.randint(3, 9)))
        elif name == "v":
            out.append(rng.uniform(-1, 1, 4))
        elif name == "w":
            out.append(float(rng.uniform(1.5, 2.5)))
        else:
            out.append(float(rng.uniform(-1, 1)))
    return out


def _pushes(src):
    return sum(line.strip().startswith("push(") for line in src.splitlines())


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("seed", range(3))
def test_gradient_matches_finite_differences(fn, seed):
    assert_matches_differences(fn, _args(fn, np.random.RandomState(seed)))


def test_scalar_loop_saves_two_floats_per_iteration():
    args = [0.3, 10]
    src = source_for(R.products, args)
    assert _pushes(src) == 2, src
    assert "_t6 = x * y" in src.split("def products_backward")[1]
    assert _pushes(source_for(R.products, args, off=["recompute"])) == 3


def test_changed_operand_keeps_the_save():
    # `y * t` is read by the adjoint of `y = math.sin(y * t)`, where y is already the new value
    backward = source_for(R.operand_changes_in_between, [0.3, 10]).split("_backward(")[1]
    assert "= y * t" not in backward
    assert "_t1 = x * y" in backward                   # x * y is still safe to recompute


def test_no_save_is_traded_for_another():
    # recomputing `y + w` would need y saved in its place: nothing changes
    args = [0.3, 2.0, 10]
    assert source_for(R.sum_of_two_changing, args) == \
        source_for(R.sum_of_two_changing, args, off=["recompute"])


def test_read_across_a_branch_keeps_the_save():
    args = [0.3, 10]
    assert source_for(R.read_inside_a_branch, args) == \
        source_for(R.read_inside_a_branch, args, off=["recompute"])


def test_arrays_keep_their_saves():
    args = [np.ones(3), 10]
    assert source_for(R.arrays_are_not_recomputed, args) == \
        source_for(R.arrays_are_not_recomputed, args, off=["recompute"])


def test_tape_is_smaller_and_the_numbers_identical():
    # recomputing x * y gives the same float, so the gradient is bit-for-bit the same
    g = srcgrad.grad(R.quotient_and_difference, (0, 1))(0.4, 2.0, 20)
    import os
    os.environ["SRCGRAD_DISABLE_PASSES"] = "recompute"
    try:
        from srcgrad import cache
        cache.clear_memory()
        g_off = srcgrad.grad(R.quotient_and_difference, (0, 1))(0.4, 2.0, 20)
    finally:
        del os.environ["SRCGRAD_DISABLE_PASSES"]
        cache.clear_memory()
    assert g == g_off
