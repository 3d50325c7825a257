"""The batch-taped pass: arithmetic a backward loop does on values restored from the
tape alone is computed for every step at once, before the loop."""

import re

import numpy as np
import pytest

import batch_functions as F
from specialized import assert_matches_differences, source_for
from srcgrad import astlib as A
from srcgrad.naming import Namer
from srcgrad.optimize import batch
from srcgrad.runtime import kernels

R = np.random.RandomState(5)


def _args(fn, rng):
    W, xs = rng.uniform(-0.8, 0.8, (4, 4)), rng.uniform(-1, 1, (5, 4))
    return {
        F.counted: lambda: (W, xs, 3),
        F.shrinking: lambda: (rng.uniform(-1, 1, 6), rng.uniform(-1, 1, (4, 6))),
        F.nested: lambda: (W, xs[:3]),
        F.scalars: lambda: (float(rng.uniform(-1, 1)), 5),
    }.get(fn, lambda: (W, xs))()


FUNCTIONS = [F.recurrence, F.two_restored, F.counted, F.shrinking, F.nested, F.branching,
             F.leaving_early, F.scalars]


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("seed", range(3))
def test_gradient_matches_finite_differences(fn, seed):
    assert_matches_differences(fn, _args(fn, np.random.RandomState(seed)))


def test_no_steps():
    W, xs = R.uniform(-0.8, 0.8, (4, 4)), R.uniform(-1, 1, (5, 4))
    assert_matches_differences(F.counted, (W, xs, 0))
    assert "by_step" in source_for(F.counted, (W, xs, 0))


def _backward(fn, off=()):
    text = source_for(fn, _args(fn, np.random.RandomState(0)), off)
    return text.split(f"def {fn.__name__}_backward")[1]


@pytest.mark.parametrize("fn, count", [(F.recurrence, 1), (F.two_restored, 2), (F.counted, 1),
                                       (F.shrinking, 1), (F.nested, 1)],
                         ids=lambda v: getattr(v, "__name__", str(v)))
def test_tape_only_terms_leave_the_loop(fn, count):
    backward = _backward(fn)
    assert backward.count("next(") == count and "entries = list(stack)" in backward, backward
    assert "by_step" not in _backward(fn, off=["batch-taped"])


@pytest.mark.parametrize("fn", [F.branching, F.leaving_early, F.scalars], ids=lambda f: f.__name__)
def test_loops_whose_steps_may_differ_keep_their_terms(fn):
    backward = _backward(fn)
    assert "by_step" not in backward and "pop = list(stack).pop" in backward, backward


def test_inner_loop_is_batched_inside_the_outer_one():
    backward = _backward(F.nested)
    outer, inner = backward.index("for t in"), backward.index("for k in")
    assert outer < backward.index("by_step(") < inner, backward


# --- the pass on hand-written loops, run against the original -------------------------------

LOOP = ("def f(stack, a, b, d, n):\n"
        "    pop = list(stack).pop\n"
        "    out = []\n"
        "    for t in reversed(range(n)):\n"
        "        out.append(d * (a * b - 2.0))\n"
        "        a = pop()\n"
        "        out.append(d * ((a + b) / 3))\n"
        "        b = pop()\n"
        "        out.append(-(a - b) * d)\n"
        "{extra}"
        "    return out\n")


def _batched(src, kinds):
    fn = A.parse(src).body[0]
    batch.batch_taped(fn, kinds, {"pop": "pop", "stack": "stack"},
                      Namer({n.id for n in A.walk(fn) if isinstance(n, A.Name)}))
    return A.to_source_text(fn)


def _run(src, stack, n, size=3):
    names = {"tape_steps": kernels.tape_steps, "by_step": kernels.by_step,
             "stack_rows": kernels.stack_rows}
    exec(src, names)
    a, b = np.linspace(-1, 1, size), np.linspace(2, 0, size)
    return names["f"](list(stack), a, b, 0.5, n)


def _stack(n, sizes):
    """What a forward loop of n steps pushed (a then b each step), after one earlier entry."""
    return ["earlier"] + [R.standard_normal(sizes(t)) for t in range(n) for _ in "ab"]


@pytest.mark.parametrize("n", [0, 1, 4])
@pytest.mark.parametrize("sizes", [lambda t: 3, lambda t: 1 if t == 1 else 3],
                         ids=["equal", "ragged"])
def test_hand_written_loop_gives_the_same_values(n, sizes):
    src = LOOP.format(extra="")
    out = _batched(src, {"a": "array:1", "b": "array:1"})
    assert out.count("next(") == 3 and "entries = list(stack)" in out, out
    assert "first=a" in out and "first=b" in out, out      # read before their pops
    stack = _stack(n, sizes)
    want, got = _run(src, stack, n), _run(out, stack, n)
    assert len(got) == len(want) == 3 * n
    for x, y in zip(got, want):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("extra, why", [
    ("        if t:\n            c = pop()\n", "a pop in a branch"),
    ("        if t > 2:\n            break\n", "a step that may end early"),
    ("        a = a * 2\n", "a restored value assigned another way"),
])
def test_loop_left_alone(extra, why):
    out = _batched(LOOP.format(extra=extra), {"a": "array:1", "b": "array:1", "c": "array:1"})
    assert "next(" not in out and "pop = list(stack).pop" in out, why


@pytest.mark.parametrize("kinds", [{"a": "array:2", "b": "array:1"}, {"a": "num", "b": "num"},
                                   {"a": "array", "b": "array:1"}])
def test_only_vectors_are_stacked(kinds):
    out = _batched(LOOP.format(extra=""), kinds)
    assert "next(" not in out and "d * (a * b - 2.0)" in out, out


def test_first_value_must_be_set_before_the_loop():
    src = LOOP.format(extra="").replace("(stack, a, b, d, n)", "(stack, b, d, n)")
    out = _batched(src, {"a": "array:1", "b": "array:1"})
    assert "d * (a * b - 2.0)" in out and "first=a" not in out, out
    assert out.count("next(") == 2, out


def test_a_whole_value_keeps_its_last_operation():
    # the value stays a fresh array: only an operand of it comes from the stacked rows
    src = ("def f(stack, a, n):\n"
           "    pop = list(stack).pop\n"
           "    for t in reversed(range(n)):\n"
           "        c = 1 - a * a\n"
           "        a = pop()\n"
           "    return c\n")
    assert "c = 1 - next(c_by_step)" in _batched(src, {"a": "array:1"})


@pytest.mark.parametrize("value", ["[d * (1 - a * a) for d in ds]", "d * (1 - a * a) if t else d",
                                   "t and d * (1 - a * a)", "f(*[d * (1 - a * a)])"])
def test_terms_that_may_be_skipped_or_repeated_stay(value):
    src = ("def f(stack, a, d, ds, n):\n"
           "    pop = list(stack).pop\n"
           "    for t in reversed(range(n)):\n"
           f"        c = {value}\n"
           "        a = pop()\n"
           "    return c\n")
    assert "next(" not in _batched(src, {"a": "array:1"}), value


def test_terms_inside_calls_and_subscripts_are_taken():
    src = ("def f(stack, a, d, n):\n"
           "    pop = list(stack).pop\n"
           "    for t in reversed(range(n)):\n"
           "        c = g(d * (1 - a * a), k=d * (a + 1))[d * -a]\n"
           "        a = pop()\n"
           "    return c\n")
    assert _batched(src, {"a": "array:1"}).count("next(") == 3


def test_a_value_read_only_before_the_loop_is_still_popped():
    out = _batched(LOOP.format(extra=""), {"a": "array:1", "b": "array:1"})
    body = out.split("for t in")[1]
    assert body.count("        pop()\n") == 2 and "= pop()" not in body, out
    kept = _batched(LOOP.format(extra="").replace("return out", "return out, a"),
                    {"a": "array:1", "b": "array:1"})
    body = kept.split("for t in")[1]
    assert "a = pop()" in body and "        pop()\n" in body, kept     # a's last value is returned
    stack = _stack(3, lambda t: 3)
    want, got = _run(LOOP.format(extra="").replace("return out", "return out, a"), stack, 3), \
        _run(kept, stack, 3)
    np.testing.assert_array_equal(got[1], want[1])


# --- lists of restored values, filled one per step ---------------------------------------

def test_rows_of_a_restored_value_come_from_the_tape():
    backward = _backward(F.recurrence)
    loop = backward[backward.index("for t in"):]
    assert "h_rows.append" not in backward, backward
    assert re.search(r"first=h,\s*whole=True", backward), backward
    assert "h_steps = h_taped[:-1]" in backward and "h_rows = h_taped[1:]" in backward, backward
    assert "d_t5_rows.append(d_t5)" in loop, backward       # not a restored value: collected
    kept = _backward(F.recurrence, off=["batch-taped"])
    assert "h_rows.append(h)" in kept and "h_taped" not in kept, kept


ROWS = ("def f(stack, a, b, d, n):\n"
        "    pop = list(stack).pop\n"
        "    out = []\n"
        "    early = []\n"
        "    late = []\n"
        "    late_b = []\n"
        "    for t in reversed(range(n)):\n"
        "        early.append(a)\n"
        "        out.append(d * (1 - b * b))\n"
        "        a = pop()\n"
        "        late.append(a)\n"
        "        b = pop()\n"
        "        late_b.append(b)\n"
        "{extra}"
        "    return stack_rows(early), stack_rows(late), stack_rows(late_b), out\n")


def _rows_loop(extra="", marked=("early", "late", "late_b")):
    """ROWS with its lists made `rows` lists, as hoist-outer makes them."""
    fn = A.parse(ROWS.format(extra=extra)).body[0]
    for st in fn.body:
        if isinstance(st, A.Assign) and A.is_name(st.targets[0]) and st.targets[0].id in marked:
            A.set_anno(st, "rows", True)
    return fn


def _batched_tree(fn, kinds):
    batch.batch_taped(fn, kinds, {"pop": "pop", "stack": "stack"},
                      Namer({n.id for n in A.walk(fn) if isinstance(n, A.Name)}))
    return A.to_source_text(fn)


@pytest.mark.parametrize("n", [0, 1, 4])
@pytest.mark.parametrize("sizes", [lambda t: 3, lambda t: 1 if t == 1 else 3],
                         ids=["equal", "ragged"])
def test_filled_lists_hold_the_same_values(n, sizes):
    src = A.to_source_text(_rows_loop())
    out = _batched_tree(_rows_loop(), {"a": "array:1", "b": "array:1"})
    assert ".append(a)" not in out and ".append(b)" not in out, out
    assert re.search(r"first=b,\s*whole=True", out), out     # b: wanted before its pop and after
    stack = _stack(n, sizes)
    want, got = _run(src, stack, n), _run(out, stack, n)
    for w, g in zip(want, got):
        assert len(w) == len(g)
        for x, y in zip(w, g):
            np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("extra, marked, why", [
    ("        early.append(b)\n", ("early", "late", "late_b"), "a list filled twice a step"),
    ("        late.append(late[0])\n", ("early", "late", "late_b"), "a list read in the loop"),
    ("", ("late", "late_b"), "a list the user made"),
])
def test_list_left_in_the_loop(extra, marked, why):
    out = _batched_tree(_rows_loop(extra, marked), {"a": "array:1", "b": "array:1"})
    name = "late" if "late" in extra else "early"
    assert f"{name}.append(" in out and f"{name} = []" in out, why


def test_list_read_before_the_first_pop_needs_the_value_set_before_the_loop():
    fn = _rows_loop()
    fn.args.args = [a for a in fn.args.args if a.id != "a"]
    out = _batched_tree(fn, {"a": "array:1", "b": "array:1"})
    assert "early.append(a)" in out and "late.append(a)" not in out, out     # late: after the pop
