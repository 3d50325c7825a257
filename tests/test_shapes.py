"""Shape patterns: unbroadcast dropped in loops where the argument sizes prove it a no-op."""

import numpy as np
import pytest

import srcgrad
from corpus import rnn_bias
from srcgrad import cache, pipeline, runtime
from srcgrad.analysis import shapes

WRT = (0, 1, 2)


def _args(seed, bias=4, state=4, steps=6):
    r = np.random.RandomState(seed)
    return [r.uniform(-0.5, 0.5, (state, state)), r.uniform(-0.5, 0.5, (3, state)),
            r.uniform(-1, 1, bias), r.uniform(-2, 2, (steps, 3))]


def _loop_backward(source):
    """The backward loop of the generated code (where the pattern matters)."""
    back = source[source.index("def rnn_bias_backward"):]
    return "\n".join(line for line in back.splitlines() if line.startswith(" " * 8))


def _matches_numeric(g, args):
    report = srcgrad.check_grad(rnn_bias, *args, wrt=WRT)
    assert report.ok, str(report)
    for got, arg in zip(g(*args), report.arguments):
        np.testing.assert_allclose(got, arg.numeric, rtol=1e-5, atol=1e-6)


def test_pattern_numbers_equal_sizes_alike_and_size_one_as_one():
    a, b, c = np.zeros((5, 3)), np.zeros((3, 1)), np.zeros(7)
    assert runtime.shape_pattern(["a", "s", "b", "c"], [a, 2.0, b, c]) == \
        (("a", (2, 3)), ("b", (3, 1)), ("c", (4,)))
    # the same equalities with other sizes: the same pattern
    other = [np.zeros((9, 4)), np.zeros((4, 1)), np.zeros(2)]
    assert runtime.shape_pattern("abc", other) == runtime.shape_pattern("abc", [a, b, c])


@pytest.mark.parametrize("shapes_in, out", [
    ([(2, 3), (3,)], (2, 3)),
    ([(2, 1), (3,)], (2, 3)),
    ([(1,), ()], (1,)),
    ([(2,), (3,)], None),            # sizes NumPy would refuse
    ([(2,), None], None),
])
def test_broadcast_of_classes(shapes_in, out):
    assert shapes.broadcast(shapes_in) == out


def test_analysis_follows_sizes_through_the_loop():
    kinds = {"W": "array:2", "U": "array:2", "b": "array:1", "xs": "array:2"}
    params = ["W", "U", "b", "xs"]
    pattern = dict(runtime.shape_pattern(params, _args(0)))
    ctx = pipeline.Compilation({"shapes": tuple(pattern.items())})
    unit = ctx.top = ctx.unit(rnn_bias, ("W", "U", "b"), kinds)
    pipeline.transform(unit, ctx)
    state = pattern["W"][:1]
    assert unit.shapes["h"] == state
    assert unit.shapes["b"] == state
    assert unit.shaped


def test_loop_code_drops_unbroadcast_when_the_bias_is_as_wide_as_the_state():
    g = srcgrad.grad(rnn_bias, wrt=WRT)
    args = _args(1)
    _matches_numeric(g, args)
    assert "unbroadcast" not in _loop_backward(g.source)


def test_broadcasting_bias_keeps_unbroadcast_and_the_right_gradient():
    g = srcgrad.grad(rnn_bias, wrt=WRT)
    _matches_numeric(g, _args(2))
    narrow = _args(3, bias=1)
    _matches_numeric(g, narrow)           # a new pattern: compiled again, not reused
    assert "unbroadcast(" in _loop_backward(g.source)
    np.testing.assert_allclose(g(*_args(4))[2].shape, (4,))
    assert g(*narrow)[2].shape == (1,)


def test_other_sizes_with_the_same_pattern_reuse_the_code():
    g = srcgrad.grad(rnn_bias, wrt=WRT)
    g(*_args(5))
    before = cache.stats["transforms"] + cache.stats["disk_hits"] + cache.stats["memory_hits"]
    wide = _args(6, bias=7, state=7, steps=9)
    _matches_numeric(g, wide)
    g(*wide)
    assert cache.stats["transforms"] + cache.stats["disk_hits"] + cache.stats["memory_hits"] \
        == before + 1                     # only check_grad's own grad looked the code up


def test_code_without_loops_ignores_the_pattern():
    def affine(W, b, x):
        return np.sum(np.tanh(x @ W + b))

    g = srcgrad.grad(affine, wrt=(0, 1))
    r = np.random.RandomState(7)
    args = [r.randn(3, 4), r.randn(4), r.randn(5, 3)]
    g(*args)
    first = g._last
    assert not first.shaped
    other = [r.randn(3, 1), r.randn(1), r.randn(5, 3)]
    report = srcgrad.check_grad(affine, *other, wrt=(0, 1))
    assert report.ok
    for got, arg in zip(g(*other), report.arguments):
        np.testing.assert_allclose(got, arg.numeric, rtol=1e-5, atol=1e-6)
    assert g._last is first               # the same code for any shapes


def test_switching_the_pass_off_keeps_unbroadcast(monkeypatch):
    monkeypatch.setenv("SRCGRAD_DISABLE_PASSES", "shapes")
    g = srcgrad.grad(rnn_bias, wrt=WRT)
    _matches_numeric(g, _args(8))
    assert "unbroadcast(" in _loop_backward(g.source)


def rows_by_flag(M, v):
    s = 0.0
    for t in range(2):
        flag = t >= 0                  # a bool: M[flag] has shape (1, 3, 4), not (4,)
        k = t % 2 + 1                  # an int: M[k] drops the axis
        s = s + np.sum(np.tanh(M[flag] * v)) + np.sum(M[k] * v)
    return s


def test_only_integers_index_an_axis_away():
    r = np.random.RandomState(9)
    args = [r.randn(3, 4), r.randn(4)]
    g = srcgrad.grad(rows_by_flag, wrt=(0, 1))
    report = srcgrad.check_grad(rows_by_flag, *args, wrt=(0, 1))
    assert report.ok, str(report)
    for got, arg in zip(g(*args), report.arguments):
        np.testing.assert_allclose(got, arg.numeric, rtol=1e-5, atol=1e-6)
    loop = g.source[g.source.index("def rows_by_flag_backward"):]
    assert loop.count("unbroadcast(") == 2      # both kept for M[flag] * v, none for M[k] * v


def test_split_and_call_share_one_compilation():
    g = srcgrad.grad(rnn_bias, wrt=WRT)
    args = _args(10, bias=5, state=5)
    before = cache.stats["transforms"] + cache.stats["disk_hits"] + cache.stats["memory_hits"]
    compiled, values = g.split(*args)
    g(*args)
    assert cache.stats["transforms"] + cache.stats["disk_hits"] + cache.stats["memory_hits"] \
        == before + 1
    assert compiled.shaped and g._last is compiled
