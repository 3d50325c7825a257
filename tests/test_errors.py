"""Every error message: the construct is named, the location is the user's file:line:col."""

import inspect

import numpy as np
import pytest

import bad_functions as bad
import srcgrad

SYNTAX = [
    ("uses_try", "try/except", "try:"),
    ("uses_with", "`with` statement", "with open"),
    ("uses_yield", "`yield`", "yield x"),
    ("uses_global", "`global` statement", "global counter"),
    ("uses_nonlocal", "`nonlocal` statement", "nonlocal y"),
    ("uses_del", "`del` statement", "del y"),
    ("uses_class", "class definition", "class Box"),
    ("uses_set_comp", "set comprehension", "{v for v"),
    ("uses_dict_comp", "dict comprehension", "{k: x"),
    ("uses_lambda", "lambda expression", "lambda v"),
    ("uses_walrus", "assignment expression", "y := x"),
    ("uses_import", "import inside the function", "import math"),
    ("uses_match", "`match` statement", "match x"),
    ("uses_star_args", "`*xs` parameter", "xs)"),
    ("uses_loop_else", "`else` clause on a `for` loop", "x = x + 1.0"),
]


def _position(fn, text):
    """(line, column) of `text` inside fn's source file, 1-based like the message."""
    lines, start = inspect.getsourcelines(fn)
    for offset, line in enumerate(lines):
        col = line.find(text)
        if col >= 0:
            return start + offset, col + 1
    raise AssertionError(f"{text!r} not in {fn.__name__}")


@pytest.mark.parametrize("name, construct, text", SYNTAX, ids=[s[0] for s in SYNTAX])
def test_unsupported_syntax_is_located(name, construct, text):
    fn = getattr(bad, name)
    with pytest.raises(srcgrad.UnsupportedSyntaxError) as info:
        srcgrad.grad(fn)(0.5)
    err = info.value
    line, col = _position(fn, text)
    message = str(err)
    assert construct in message
    assert "not supported by srcgrad" in message
    assert err.filename == bad.__file__
    assert err.lineno == line
    assert err.location == f"{bad.__file__}:{line}:{err.col + 1}"
    if construct != "`else` clause on a `for` loop":      # points at the first statement of the else
        assert err.col + 1 == col, message
    assert message.startswith(f"{bad.__file__}:{line}:")
    assert text in message                                 # the offending line is shown
    assert "^" in message


@pytest.mark.parametrize("name", [s[0] for s in SYNTAX])
def test_source_and_show_reject_the_same_way(name):
    with pytest.raises(srcgrad.UnsupportedSyntaxError):
        srcgrad.source(getattr(bad, name))


def test_unsupported_syntax_has_a_hint():
    with pytest.raises(srcgrad.UnsupportedSyntaxError) as info:
        srcgrad.grad(bad.uses_lambda)(1.0)
    assert "define a nested function with `def`" in str(info.value)


def test_call_without_template_or_source():
    with pytest.raises(srcgrad.NoTemplateError) as info:
        srcgrad.grad(bad.calls_untemplated)(np.ones(3))
    message = str(info.value)
    line, _ = _position(bad.calls_untemplated, "np.i0")
    assert "np.i0" in message and "cannot read its source" in message
    assert f"{bad.__file__}:{line}:" in message
    assert "@srcgrad.adjoint" in message and "srcgrad.nondifferentiable" in message


def test_untemplated_call_on_constants_is_fine():
    def f(x, c):
        return x * np.i0(c)
    # the call never sees a gradient, so no template is needed
    assert srcgrad.grad(f)(2.0, 0.5) == pytest.approx(float(np.i0(0.5)))


def test_source_unavailable_names_the_reason():
    namespace = {}
    exec("def made_by_exec(x):\n    return x * x\n", namespace)
    with pytest.raises(srcgrad.SourceUnavailableError) as info:
        srcgrad.grad(namespace["made_by_exec"])(1.0)
    message = str(info.value)
    assert "made_by_exec" in message
    assert "source" in message


def test_builtin_without_source():
    with pytest.raises(srcgrad.SrcgradError):
        srcgrad.grad(len)([1.0])


@pytest.mark.parametrize("wrt", [1, "n"])
def test_wrt_integer_argument(wrt):
    with pytest.raises(srcgrad.ArgumentError) as info:
        srcgrad.grad(bad.uses_integer, wrt)(1.0, 2)
    message = str(info.value)
    assert "`n`" in message and "integer" in message and "pass a float" in message


def test_wrt_integer_array():
    with pytest.raises(srcgrad.ArgumentError, match="int64|astype"):
        srcgrad.grad(bad.returns_array)(np.arange(3))


@pytest.mark.parametrize("wrt, text", [(5, "out of range"), ("y", "no parameter named 'y'"),
                                       (2.5, "must be a position")])
def test_wrt_missing_argument(wrt, text):
    with pytest.raises(srcgrad.ArgumentError, match=text):
        srcgrad.grad(bad.uses_integer, wrt)


def test_non_scalar_output_points_to_vjp():
    with pytest.raises(srcgrad.ArgumentError) as info:
        srcgrad.grad(bad.returns_array)(np.ones(3))
    message = str(info.value)
    assert "shape (3,)" in message and "srcgrad.vjp" in message


def test_errors_are_srcgrad_errors():
    for cls in (srcgrad.UnsupportedSyntaxError, srcgrad.NoTemplateError, srcgrad.ArgumentError,
                srcgrad.SourceUnavailableError, srcgrad.InPlaceError, srcgrad.TemplateError):
        assert issubclass(cls, srcgrad.SrcgradError)
