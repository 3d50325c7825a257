"""The dataflow helpers the clean-up passes share, and copy propagation, on code
written by hand (expected results worked out from the code, not from a run)."""

import gc

import numpy as np

from specialized import rewritten
import srcgrad
from srcgrad import astlib as A, cache
from srcgrad.analysis import flow
from srcgrad.optimize import copyprop

_LOOP = ("def f(x, n, k):\n"
         "    a = x + 1\n"           # 0
         "    b = a * 2\n"           # 1
         "    for i in range(n):\n"  # 2
         "        b = b + x\n"
         "    if k:\n"               # 3
         "        c = b\n"
         "    else:\n"
         "        c = 0\n"
         "    unused = a\n"          # 4
         "    return c\n")           # 5


def _live(src, live_out=()):
    fn = A.parse(src).body[0]
    return fn, flow.live_after(fn.body, set(live_out))


def test_liveness_through_a_loop_and_a_branch():
    fn, live = _live(_LOOP)
    a, b, loop, branch, unused, ret = fn.body
    in_loop = {"a", "b", "k", "x", "n", "range"}       # the loop may run again: b and x too
    assert live.get(id(a)) == {"a", "k", "x", "n", "range"}
    assert live.get(id(b)) == in_loop
    assert live.get(id(loop)) == {"a", "b", "k"}
    assert live.get(id(loop.body[0])) == in_loop
    assert live.get(id(branch.body[0])) == {"c", "a"}
    assert live.get(id(branch.orelse[0])) == {"c", "a"}
    assert live.get(id(unused)) == {"c"}
    assert live.get(id(ret)) == set()


def test_liveness_queries():
    fn, live = _live(_LOOP)
    unused = fn.body[4]
    assert not live.any_live(id(unused), ["unused"])
    assert live.any_live(id(unused), ["unused", "c"])
    assert not live.any_live(id(unused), ["never_seen"])
    assert live.get(12345, "absent") == "absent"


def test_liveness_of_a_name_read_by_a_while_test():
    fn, live = _live("def f(x):\n"
                     "    i = 0\n"
                     "    while i < x:\n"
                     "        i = i + 1\n"
                     "    return x\n")
    assert live.get(id(fn.body[0])) == {"i", "x"}
    assert live.get(id(fn.body[1].body[0])) == {"i", "x"}


def test_uses_and_defs_of_simple_statements():
    st = A.parse("x[i] = y + f(z, k=w)").body[0]
    assert flow.uses(st) == {"x", "i", "y", "f", "z", "w"}
    assert flow.defs(st) == []
    aug = A.parse("s += t.u").body[0]
    assert flow.uses(aug) == {"s", "t"} and flow.defs(aug) == ["s"]
    loop = A.parse("for a, b in zip(p, q):\n    pass").body[0]
    assert flow.uses(loop) == {"zip", "p", "q"} and flow.defs(loop) == ["a", "b"]


def _propagate(src, names):
    return rewritten(src, lambda fn: copyprop.propagate(fn, set(names)))


def test_a_copy_is_read_through_until_either_side_changes():
    out = _propagate("def f(y):\n"
                     "    a = y\n"
                     "    b = a * 2\n"
                     "    y = b + 1\n"
                     "    c = a + y\n"
                     "    return c\n", ["a"])
    assert "b = y * 2" in out
    assert "c = a + y" in out                 # y changed: a is no longer y


def test_copies_chain():
    out = _propagate("def f(y):\n"
                     "    a = y\n"
                     "    b = a\n"
                     "    c = b * 3\n"
                     "    return c\n", ["a", "b"])
    assert "b = y" in out and "c = y * 3" in out


def test_a_loop_that_changes_the_source_gets_only_its_header_renamed():
    out = _propagate("def f(y, n):\n"
                     "    a = y\n"
                     "    for i in range(a):\n"
                     "        y = y + a\n"
                     "    return y\n", ["a"])
    assert "for i in range(y):" in out
    assert "y = y + a" in out


def test_a_loop_that_leaves_both_alone_is_renamed_throughout():
    out = _propagate("def f(y, n):\n"
                     "    a = y\n"
                     "    s = 0\n"
                     "    for i in range(n):\n"
                     "        s = s + a\n"
                     "    return s\n", ["a"])
    assert "s = s + y" in out


def test_returned_names_stay_readable():
    out = _propagate("def f(y):\n"
                     "    a = y\n"
                     "    return a\n", ["a"])
    assert "return a" in out


def test_copy_node_is_deep_and_keeps_annotations():
    node = A.parse_expr("f(x, a < b, y + 1)")
    A.set_anno(node, "mark", "kept")
    copy = A.copy_node(node)
    assert A.to_source_text(copy) == A.to_source_text(node)
    assert A.anno(copy, "mark") == "kept"
    copy.args[0].id = "changed"
    copy.args[1].ops.append(copy.args[1].ops[0])
    A.set_anno(copy, "mark", "other")
    assert node.args[0].id == "x" and len(node.args[1].ops) == 1
    assert A.anno(node, "mark") == "kept"


def _long_function(x, w):
    for _ in range(3):
        h = np.tanh(x @ w)
        x = h * 2.0 - x
    return np.sum(x * x)


def test_compiling_leaves_little_for_the_cycle_collector(monkeypatch):
    """The passes' recursive helpers are functions and classes at module level: a
    closure that calls itself would keep each liveness table alive until the cycle
    collector ran (thousands of sets per compile)."""
    monkeypatch.setenv("SRCGRAD_CACHE_DIR", "off")       # transform, do not load
    x, w = np.ones((2, 3)), np.ones((3, 3)) * 0.1
    srcgrad.grad(_long_function)(x, w)
    cache.clear_memory()
    gc.collect()
    was = gc.get_debug()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        grad = srcgrad.grad(_long_function)
        grad(x, w)
        del grad
        cache.clear_memory()
        gc.collect()
        left = list(gc.garbage)
    finally:
        gc.set_debug(was)
        gc.garbage.clear()
    sets = [o for o in left if type(o) is set]
    assert len(sets) < 10, f"{len(sets)} sets in reference cycles after one compile"
