"""A value carrying gradient put into a container through another name than the one the
result reads: a located InPlaceError, never a gradient that silently misses it."""

import inspect
import os
import tempfile

import numpy as np
import pytest

import srcgrad
from specialized import assert_matches_differences


def row_of_rows(x, v):
    rows = [[], []]
    for i in range(2):
        rows[i].append(x * (i + 1))
    rows[1].append(v)
    s = 0.0
    for k in range(2):
        s = s + np.sum(rows[1][k] * x)
    return s


def taken_from_a_tuple(x, v):
    made = [x]
    box = (made,)
    inner = box[0]
    inner.append(v)
    s = 0.0
    for i in range(2):
        s = s + np.sum(made[i] * x)
    return s


def extended_in_place(x, v):
    rows = [[x]]
    rows[0].extend([v])
    return np.sum(rows[0][1] * x)


def history_never_read(x, v):
    log = [[]]
    log[0].append(x * v)            # kept for the caller's eyes, not for the result
    return np.sum(x * v)


def own_lists_then_nested(x, v):
    first = [x]
    second = []
    second.append(x * 2.0)
    second.append(v)
    rows = [first, second]
    return np.sum(rows[1][0] * rows[1][1]) + np.sum(rows[0][0])


def made_by_list_and_slice(x, v):
    made = list()
    made.append(x * 2.0)
    copied = made[:]
    copied.append(v)
    return np.sum(copied[0] * copied[1]) + np.sum(made[0])


def _line(fn, text):
    lines, start = inspect.getsourcelines(fn)
    return start + next(i for i, line in enumerate(lines) if text in line)


def _assert_refused_at(fn, text, v, *words):
    """fn's gradient is an InPlaceError located at the line holding `text`, saying `words`."""
    with pytest.raises(srcgrad.InPlaceError) as err:
        srcgrad.grad(fn, wrt=(0, 1))(np.array([0.5, 1.5, -0.7]), v)
    message = str(err.value)
    assert all(w in message for w in words), message
    assert f"test_container_changes.py:{_line(fn, text)}:" in message


@pytest.mark.parametrize("fn, text", [
    (row_of_rows, "rows[i].append(x * (i + 1))"),
    (taken_from_a_tuple, "inner.append(v)"),
    (extended_in_place, "rows[0].extend([v])"),
], ids=lambda v: getattr(v, "__name__", "")[:24])
def test_a_change_through_another_name_is_refused_where_it_happens(fn, text):
    _assert_refused_at(fn, text, np.array([0.3]), "carries gradient")


@pytest.mark.parametrize("fn", [history_never_read, own_lists_then_nested, made_by_list_and_slice],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("seed", [0, 1])
def test_lists_of_its_own_are_differentiated(fn, seed):
    r = np.random.default_rng(seed)
    assert_matches_differences(fn, [r.normal(size=3), r.normal(size=1)])


# --- methods with no derivative that change a value in place ----------------------------------

def sorted_in_place(x, v):
    y = x * 2.0
    y.sort()
    return np.sum(y * v)


def filled(x, v):
    y = x * v
    y.fill(1.0)
    return np.sum(y * x)


def reversed_list(x, v):
    items = [x, x * v]
    items.reverse()
    return np.sum(items[0] * 2.0 + items[1])


def updated_dict(x, v):
    d = {"a": x}
    d.update({"b": v * x})
    return np.sum(d["a"] * d["b"])


def cleared_list(x, v):
    items = [x, v]
    items.clear()
    items.append(x * v)
    return np.sum(items[0])


def sorted_index(x, v):
    idx = [2, 0, 1]
    idx.sort()                      # no gradient passes through it
    return np.sum(x[idx] * v)


class _Box:
    pass


def written_through_out(x, v):
    out = np.zeros(3)
    np.multiply(x, v, out=out)
    return np.sum(out * x)


def written_through_positional_out(x, v):
    y = x * 1.0
    np.add(y, v, y)
    return np.sum(y * x)


def kept_in_an_attribute(x, v):
    box = _Box()
    box.w = x * v
    return np.sum(box.w * x)


def reshaped_by_attribute(x, v):
    y = x * v
    y.shape = (3, 1)
    return np.sum(y @ y.T)


def item_shared_with_a_name(x, v):
    y = x * 2.0
    items = [y, v]
    items[0] += v                   # Python adds into the array `y` names too
    return np.sum(items[0] * y)


def item_of_a_dict_shared(x, v):
    d = {"a": x}
    d["a"] += v
    return np.sum(d["a"] * x)


def item_updated_alone(x, v):
    items = [x * 1.0, v * 1.0]
    items[0] += v                   # no other name holds either array
    items[1] *= 2.0
    return np.sum(items[0] * v) + np.sum(items[1] * x)


def added_at(x, v):
    y = x * 1.0
    np.add.at(y, [0, 0, 1], v[:3])
    return np.sum(y * y)


def out_on_constants(x, v):
    buf = np.zeros(3)
    np.multiply(np.ones(3), 2.0, out=buf)      # no gradient passes through it
    box = _Box()
    box.note = np.sum(x * v)                    # kept aside, never read for the result
    return np.sum(x * v * buf)


@pytest.mark.parametrize("fn, text, words", [
    (written_through_out, "np.multiply(x, v, out=out)", "out=out"),
    (written_through_positional_out, "np.add(y, v, y)", "out=y"),
    (kept_in_an_attribute, "box.w = x * v", "attribute `w` of `box`"),
    (reshaped_by_attribute, "y.shape = (3, 1)", "attribute `shape` of `y`"),
    (item_shared_with_a_name, "items[0] += v", "also changes `y`"),
    (item_of_a_dict_shared, 'd["a"] += v', "also changes `x`"),
    (added_at, "np.add.at(y, [0, 0, 1], v[:3])", "called for its effect"),
], ids=lambda v: getattr(v, "__name__", "")[:30])
def test_writes_the_reverse_sweep_cannot_see_are_refused(fn, text, words):
    _assert_refused_at(fn, text, np.array([0.3, 0.2, 0.9]), words)


@pytest.mark.parametrize("fn", [item_updated_alone, out_on_constants], ids=lambda f: f.__name__)
@pytest.mark.parametrize("seed", [0, 1])
def test_unshared_items_and_effects_without_gradient_are_differentiated(fn, seed):
    r = np.random.default_rng(seed)
    assert_matches_differences(fn, [r.normal(size=3), r.normal(size=3)])


@pytest.mark.parametrize("fn, text", [
    (sorted_in_place, "y.sort()"),
    (filled, "y.fill(1.0)"),
    (reversed_list, "items.reverse()"),
    (updated_dict, "d.update("),
    (cleared_list, "items.clear()"),
], ids=lambda v: getattr(v, "__name__", "")[:24])
def test_a_method_without_derivative_that_changes_a_value_is_refused(fn, text):
    _assert_refused_at(fn, text, np.array([0.3, 0.2, 0.9]), "no derivative for", "carries gradient")


@pytest.mark.parametrize("seed", [0, 1])
def test_a_changed_index_list_is_no_alias_of_what_it_indexes(seed):
    r = np.random.default_rng(seed)
    assert_matches_differences(sorted_index, [r.normal(size=3), r.normal(size=3)])


def test_a_list_gradient_never_meets_broadcasting_arithmetic():
    from srcgrad.runtime import SequenceGradientError, unbroadcast
    with pytest.raises(SequenceGradientError, match="list or tuple"):
        unbroadcast([np.ones(3), np.ones(3)], [np.ones(3)])
    with pytest.raises(SequenceGradientError):
        unbroadcast([1.0], 2.0)
    g = [np.ones(3), 0]
    assert unbroadcast(g, (np.zeros(3), 1.0)) is g       # the same structure passes


@pytest.mark.parametrize("call", ["items.insert(v)", "items.extend()", "items.append(v, v)"])
def test_list_changes_with_the_wrong_arguments_are_located_errors(call):
    ns = {}
    src = f"import numpy as np\ndef bad(x, v):\n    items = [x]\n    {call}\n    return np.sum(items[0])\n"
    path = os.path.join(tempfile.mkdtemp(), "bad_call.py")
    with open(path, "w") as f:
        f.write(src)
    exec(compile(src, path, "exec"), ns)
    with pytest.raises(srcgrad.UnsupportedSyntaxError, match=r"bad_call.py:4:5: list\.\w+ takes exactly"):
        srcgrad.grad(ns["bad"], wrt=(0, 1))(np.ones(3), np.ones(3))
