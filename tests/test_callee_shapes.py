"""Shapes followed into called functions: lists, tuples, slices, and a pattern per call."""

import numpy as np
import pytest

import srcgrad
from specialized import assert_matches_differences, source_for
from srcgrad import pipeline, runtime
from srcgrad.analysis import shapes
from srcgrad.analysis.kinds import of_value
from srcgrad.analysis.shapes import ANY, Items, Parts


def gate(w, b, h):
    n = h.shape[0]
    return np.tanh(h * w[:n] + b[:n]), h * 2.0


def layer(w, b, hs):
    out = []
    for k in range(len(hs)):
        y, z = gate(w, b, hs[k])
        out.append(y * z)
    return out


def stacked(w, b, x):
    hs = [x[k] for k in range(x.shape[0])]
    for t in range(2):
        hs = layer(w, b, hs)
    total = 0.0
    for k in range(len(hs)):
        total = total + np.sum(hs[k] * hs[k])
    return total


def _args(seed, bias=8):
    r = np.random.RandomState(seed)
    return [r.uniform(-1, 1, 8), r.uniform(-1, 1, bias), r.uniform(-1, 1, (3, 4))]


def _function(source, name):
    start = source.index(f"def {name}")
    end = source.find("\ndef ", start + 1)
    return source[start:end if end > 0 else None]


def _shapes_of(fn, args, pattern=None):
    """The shape analysis of `fn` for `args`, calls followed as compiling does."""
    import inspect
    names = list(inspect.signature(fn).parameters)
    kinds = {p: of_value(a) for p, a in zip(names, args)}
    ctx = pipeline.Compilation()
    normal, local_kinds, info = ctx.front(fn, kinds)
    pattern = dict(runtime.shape_pattern(names, args)) if pattern is None else pattern
    from srcgrad.callees import CallShapes
    hook = CallShapes(ctx.front, ctx.shape_memo, local_kinds, info)
    return shapes.infer(normal, pattern, local_kinds, info, hook)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("bias", [8, 4, 1])
def test_gradients_through_specialized_callees(seed, bias):
    assert_matches_differences(stacked, _args(seed, bias))


def test_callee_in_a_loop_drops_unbroadcast_its_argument_shapes_prove():
    source = source_for(stacked, _args(0))
    gate_back = _function(source, "gate_backward")
    # the slices' extent is not known: their two unbroadcasts stay; the rest go
    assert gate_back.count("unbroadcast(") == 2
    assert "unbroadcast(" not in _function(source, "layer_backward")
    off = source_for(stacked, _args(0), off=["shapes"])
    assert _function(off, "gate_backward").count("unbroadcast(") > 2


def test_a_bias_of_size_one_keeps_the_sum_over_it():
    g = srcgrad.grad(stacked, wrt=(0, 1))
    wide, narrow = _args(2), _args(2, bias=1)
    assert g(*narrow)[1].shape == (1,)
    assert g(*wide)[1].shape == (8,)
    assert_matches_differences(stacked, narrow)


def test_list_items_and_tuple_parts_are_followed():
    found = _shapes_of(stacked, _args(0))
    row = found["x"][1:]
    assert found["hs"] == Items(row)
    found = _shapes_of(layer, [np.zeros(8), np.zeros(8), None], {
        "w": (2,), "b": (2,), "hs": Items((3,))})
    assert found["out"] == Items((3,))
    assert found["y"] == (3,) and found["z"] == (3,)


def test_a_slice_has_some_extent_that_a_wider_operand_absorbs():
    found = _shapes_of(gate, [np.zeros(8), np.zeros(8), np.zeros(4)])
    n = found["h"][0]
    sliced = [v for k, v in found.items() if v == (ANY,)]
    assert len(sliced) == 2                       # w[:n] and b[:n]
    ret = [v for v in found.values() if isinstance(v, Parts)]
    assert ret == [Parts(((n,), (n,)))]


@pytest.mark.parametrize("shapes_in, out", [
    ([(ANY,), (5,)], (5,)),
    ([(ANY,), (1,)], (ANY,)),
    ([(ANY, 1), (1, 3)], (ANY, 3)),
    ([(ANY,), (5,), (6,)], None),
])
def test_broadcast_with_unknown_extents(shapes_in, out):
    assert shapes.broadcast(shapes_in) == out


def test_join_keeps_the_dimensions_that_agree():
    assert shapes.join((2, 3), (2, 4)) == (2, ANY)
    assert shapes.join(Items((2,)), Items((3,))) == Items((ANY,))
    assert shapes.join(Parts(((2,), ())), Parts(((2,), ()))) == Parts(((2,), ()))
    assert shapes.join((2,), Items((2,))) is None
    assert shapes.join((2,), (2, 3)) is None


def grown_elsewhere(x, v):
    made = [x]
    made.append(x * 2.0)
    box = [made]
    inner = box[0]
    inner.append(v)
    return np.sum(made[0] * x)


def grown_here(x, v):
    made = [x]
    alias = made
    alias.append(v)
    return np.sum(made[0] * x)


def test_a_list_changed_through_another_name_is_not_followed():
    args = [np.zeros(3), np.zeros(1)]
    assert _shapes_of(grown_elsewhere, args)["made"] is None
    # appended through a copy: the copy and the original both see the item
    found = _shapes_of(grown_here, args)
    assert found["made"] == found["alias"] == Items((ANY,))


def depth(x, n):
    if n == 0:
        return x
    return depth(x * 1.5, n - 1) + x


def recursive(x, v):
    s = 0.0
    for i in range(3):
        s = s + np.sum(depth(x, 2) * v)
    return s


def nested_parts(x, v):
    box = (x,)
    for t in range(4):
        box = (box, x * v)
    return np.sum(box[1])


def test_recursion_and_endless_nesting_end():
    r = np.random.RandomState(3)
    assert_matches_differences(recursive, [r.randn(3), r.randn(3)])
    assert_matches_differences(nested_parts, [r.randn(3), r.randn(3)])
    found = _shapes_of(nested_parts, [r.randn(3), r.randn(3)])
    assert found["box"] is None or isinstance(found["box"], Parts)


def once(w, x):
    return np.sum(gate(w, w, x)[0])


def test_a_callee_outside_loops_is_not_specialized():
    g = srcgrad.grad(once)
    r = np.random.RandomState(4)
    g(r.randn(6), r.randn(3))
    assert not g._last.shaped
    assert_matches_differences(once, [r.randn(6), r.randn(3)], wrt=(0,))


def test_each_call_pattern_gets_its_own_callee_code():
    def two_calls(w, b, one, x):
        s = 0.0
        for t in range(2):
            s = s + np.sum(gate(w, b, x)[0]) + np.sum(gate(w, one, x)[0])
        return s

    r = np.random.RandomState(5)
    args = [r.randn(8), r.randn(8), r.randn(1), r.randn(4)]
    assert_matches_differences(two_calls, args)
    source = source_for(two_calls, args)
    assert source.count("def gate_backward") == 2
