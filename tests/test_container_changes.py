"""A value carrying gradient put into a container through another name than the one the
result reads: a located InPlaceError, never a gradient that silently misses it."""

import inspect

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


@pytest.mark.parametrize("fn, text", [
    (row_of_rows, "rows[i].append(x * (i + 1))"),
    (taken_from_a_tuple, "inner.append(v)"),
    (extended_in_place, "rows[0].extend([v])"),
], ids=lambda v: getattr(v, "__name__", "")[:24])
def test_a_change_through_another_name_is_refused_where_it_happens(fn, text):
    with pytest.raises(srcgrad.InPlaceError) as err:
        srcgrad.grad(fn, wrt=(0, 1))(np.array([0.5, 1.5, -0.7]), np.array([0.3]))
    message = str(err.value)
    assert "carries gradient" in message
    assert f"test_container_changes.py:{_line(fn, text)}:" in message


@pytest.mark.parametrize("fn", [history_never_read, own_lists_then_nested, made_by_list_and_slice],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("seed", [0, 1])
def test_lists_of_its_own_are_differentiated(fn, seed):
    r = np.random.default_rng(seed)
    assert_matches_differences(fn, [r.normal(size=3), r.normal(size=1)])
