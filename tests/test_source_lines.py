"""Reading a function's source from its code object's line table gives inspect's lines."""

import functools
import inspect

import numpy as np
import pytest

import srcgrad
from srcgrad.source import source_lines


def plain(x):
    return x * 2.0


def trailing_bracket(x):
    return np.sum(
        x * x
    )


def dead_code_after_return(x):
    return x * 3.0
    y = x + 1.0  # noqa: F841
    return y


def ends_in_comment(x):
    y = x + 1.0
    return y * y
    # a comment inside the block


def with_nested(x):
    def inner(v):
        return v * (
            v + 1.0
        )
    return inner(x)


@functools.lru_cache(maxsize=None)
def decorated(x):
    return x + 1.0


def loop_without_return(xs):
    for i in range(3):
        xs[i] = xs[i] * 2.0


class Holder:
    @staticmethod
    def method(x):
        return x - 1.0


FUNCTIONS = [plain, trailing_bracket, dead_code_after_return, ends_in_comment, with_nested,
             decorated.__wrapped__, loop_without_return, Holder.method]


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda f: f.__qualname__)
def test_same_lines_as_inspect(fn):
    assert source_lines(fn) == inspect.getsourcelines(fn)


@pytest.mark.parametrize("fn, x", [(plain, 0.7), (trailing_bracket, np.array([0.3, -1.2, 2.0])),
                                   (with_nested, -1.3), (ends_in_comment, 0.4)], ids=lambda v: getattr(v, "__name__", ""))
def test_gradients_of_functions_read_this_way(fn, x):
    report = srcgrad.check_grad(fn, x)
    assert report.ok, str(report)
