"""A called function that changes its argument (or, nested, a variable it closes over) in
place: fine when the caller reads only what it returns, a located InPlaceError when the caller
reads the changed value afterwards."""

import numpy as np
import pytest

from specialized import assert_matches_differences
import srcgrad


def _set_first(a, v):
    a[0] = v


def _set_first_and_return(a, v):
    a[0] = v
    return a


def _grow(items, value):
    items.append(value)


def _grow_and_return(items, value):
    items.append(value)
    return 0.0


def _scale(a):
    a *= 2.0


def _scale_through(a):
    _scale(a)


def _private(a, v):
    a = a.copy()
    a[0] = v
    return a


def setitem_then_read(x):
    a = np.zeros(3)
    _set_first(a, x[1] * 2.0)
    return np.sum(a * x)


def append_then_read(x):
    items = [x]
    _grow(items, x * 2.0)
    return np.sum(items[1] * items[0])


def scale_then_read(x):
    a = x * 1.0
    _scale(a)
    return np.sum(a * x)


def scale_two_calls_deep(x):
    a = x * 1.0
    _scale_through(a)
    return np.sum(a * x)


def append_in_an_assignment(x):
    items = [x]
    t = _grow_and_return(items, x * 2.0)
    return np.sum(items[1] * items[0]) + t


def closure_appends(x):
    items = [x]

    def grow(v):
        items.append(v)
    grow(x * 2.0)
    return np.sum(items[1] * items[0])


def closure_sets_and_returns(x):
    a = np.zeros(3)

    def put(v):
        a[0] = v
        return v * 2.0
    t = put(x[1] * 2.0)
    return np.sum(a * x) + t


def nested_helper_with_argument(x):
    items = [x]

    def grow(lst, v):
        lst.append(v)
    grow(items, x * 2.0)
    return np.sum(items[1] * items[0])


def only_the_result_is_read(x):
    a = np.zeros(3)
    b = _set_first_and_return(a, x[1] * 2.0)
    return np.sum(b * x)


def changed_copy(x):
    b = _private(x * 1.0, x[2] * x[0])
    return np.sum(b * b)


def _accumulate(s, v):
    s += v * v                         # on a number this rebinds s: the caller's s is untouched
    return s


def number_updated_in_a_helper(x):
    s = x[0] * 1.0
    t = _accumulate(s, x[1])
    return s * t + x[2]


def changed_but_not_read_again(x):
    a = np.zeros(3)
    _set_first(a, x[1])
    return np.sum(x * x)


@pytest.mark.parametrize("fn, line_of", [
    (setitem_then_read, "_set_first(a, x[1] * 2.0)"),
    (append_then_read, "_grow(items, x * 2.0)"),
    (scale_then_read, "_scale(a)"),
    (scale_two_calls_deep, "_scale_through(a)"),
    (append_in_an_assignment, "t = _grow_and_return(items, x * 2.0)"),
    (closure_appends, "grow(x * 2.0)"),
    (closure_sets_and_returns, "t = put(x[1] * 2.0)"),
    (nested_helper_with_argument, "grow(items, x * 2.0)"),
], ids=lambda v: getattr(v, "__name__", "")[:30])
def test_reading_a_changed_argument_is_an_error(fn, line_of):
    with pytest.raises(srcgrad.InPlaceError) as err:
        srcgrad.grad(fn)(np.array([0.5, 1.5, -0.7]))
    text = str(err.value)
    assert "in place" in text and "inside a called function" in text
    import inspect
    lines, start = inspect.getsourcelines(fn)
    row = start + next(i for i, line in enumerate(lines) if line_of in line)
    assert f"test_argument_changes.py:{row}:" in text


@pytest.mark.parametrize("fn", [only_the_result_is_read, changed_copy, changed_but_not_read_again,
                                number_updated_in_a_helper],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_changes_the_caller_never_reads_are_differentiated(fn, seed):
    assert_matches_differences(fn, (np.random.default_rng(seed).normal(size=3),))
