"""Accumulation in a loop's backward: the in-place-add pass adds into an adjoint's own
buffer (`d_W += e`) only where that buffer can be no one else's, and the hoist-outer pass
sums a loop's outer products with one matrix product after it."""

import inspect
import re
import textwrap

import numpy as np
import pytest

import accumulate_functions as F
from specialized import assert_matches_differences, rewritten, source_for
import srcgrad
from srcgrad import astlib as A
from srcgrad.naming import Namer
from srcgrad.optimize import accumulate, outer
from srcgrad.runtime import kernels


def _args(fn, rng):
    shapes = {"W": (4, 4), "U": (4, 3), "b": (4,), "xs": (5, 3), "w": (3,), "v": (3,),
              "A": (3, 4, 3), "c": (3, 3)}
    args = []
    for name in inspect.signature(fn).parameters:
        if name == "xs" and fn is F.recurrent:
            args.append(rng.uniform(-1, 1, (5, 3)))
        elif name == "xs" and fn is F.weight_used_twice:
            args.append(rng.uniform(-1, 1, (5, 4)))
        elif name == "n":
            args.append(4)
        elif name == "a":
            args.append(float(rng.uniform(-1, 1)))
        else:
            args.append(rng.uniform(-1, 1, shapes[name]))
    return args


FUNCTIONS = [F.recurrent, F.weight_used_twice, F.nested_loops, F.branch_in_loop,
             F.kept_in_a_list, F.number_updated_by_array, F.scaled_in_place,
             F.matrices_in_a_list, F.stacked_matrices, F.item_read_again, F.points_by_centres,
             F.scaled_centres]


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("seed", range(3))
def test_gradient_matches_finite_differences(fn, seed):
    assert_matches_differences(fn, _args(fn, np.random.RandomState(seed)))


def _backward(fn, args, off=(), wrt=None):
    return source_for(fn, args, off, wrt).split(f"def {fn.__name__}_backward")[1]


def test_recurrent_weights_sum_after_the_loop():
    args = _args(F.recurrent, np.random.RandomState(0))
    # batch-taped would take the restored rows off the tape: hoist-outer's own form here
    backward = _backward(F.recurrent, args, off=["batch-taped"])
    loop = backward[backward.index("for t"):]
    for name in ("d_W", "d_U"):
        assert re.search(rf"{name} = {name} \+ outer_sum\((\w+)_rows, (\w+)_rows\)", loop), backward
    # the bias adjoint sums the same stacked rows as the weights: one list per vector
    assert re.search(r"d_b = d_b \+ row_sum\((\w+)_rows\)", loop), backward
    assert backward.count("_rows = []") == 3 and backward.count("stack_rows(") == 3
    assert "[:, None]" not in backward and "d_b +=" not in backward
    plain = _backward(F.recurrent, args, off=["hoist-outer", "in-place-add"])
    assert "+=" not in plain and "outer_sum" not in plain and "row_sum" not in plain
    assert "d_W = d_W + " in plain and "d_b = d_b + " in plain


@pytest.mark.parametrize("off", [(), ("hoist-outer",), ("in-place-add",), ("hoist-outer", "in-place-add")])
def test_each_pass_alone_gives_the_same_gradient(off, monkeypatch):
    args = _args(F.recurrent, np.random.RandomState(4))
    want = srcgrad.grad(F.recurrent, wrt=(0, 1, 2))(*args)
    monkeypatch.setenv("SRCGRAD_DISABLE_PASSES", ",".join(off))
    got = srcgrad.grad(F.recurrent, wrt=(0, 1, 2))(*args)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    report = srcgrad.check_grad(F.recurrent, *args, wrt=(0, 1, 2))
    assert report.ok, str(report)


def test_repeated_calls_do_not_share_buffers():
    args = _args(F.recurrent, np.random.RandomState(1))
    g = srcgrad.grad(F.recurrent, wrt=(0, 1, 2))
    first = g(*args)
    kept = [x.copy() for x in first]
    second = g(*args)
    for a, b, k in zip(first, second, kept):
        assert a is not b and not np.shares_memory(a, b)
        np.testing.assert_array_equal(a, k)         # the second call left the first alone
        np.testing.assert_allclose(b, k, rtol=1e-13)


def test_hessian_through_accumulating_backward():
    args = _args(F.nested_loops, np.random.RandomState(2))
    w, xs = args
    assert "d_w += " in source_for(F.nested_loops, args)
    H = srcgrad.hessian(F.nested_loops, wrt=0)(w, xs)
    g = srcgrad.grad(F.nested_loops, wrt=0)
    eps = 1e-6
    numeric = np.array([(g(w + eps * e, xs) - g(w - eps * e, xs)) / (2 * eps) for e in np.eye(3)])
    np.testing.assert_allclose(H, numeric, rtol=1e-6, atol=1e-7)


# --- the pass on code written by hand ----------------------------------------------------------

def _run(src, names):
    return rewritten(src, lambda fn: accumulate.reuse_buffers(fn, set(names)))


def test_loop_carried_accumulation_is_rewritten():
    out = _run("def f(xs, n):\n"
               "    d_w = 0\n"
               "    for t in range(n):\n"
               "        d_w = d_w + xs[t] * 2.0\n"
               "    return d_w\n", ["d_w"])
    assert "d_w += xs[t] * 2.0" in out


def test_buffer_read_by_a_call_is_left_alone():
    out = _run("def f(xs, n, keep):\n"
               "    d_w = 0\n"
               "    for t in range(n):\n"
               "        d_w = d_w + xs[t]\n"
               "        keep.append(d_w)\n"
               "    return d_w\n", ["d_w"])
    assert "+=" not in out


def test_buffer_copied_to_another_name_is_left_alone():
    out = _run("def f(xs, n):\n"
               "    d_w = 0\n"
               "    for t in range(n):\n"
               "        d_w = d_w + xs[t]\n"
               "        d_v = d_w\n"
               "    return d_w, d_v\n", ["d_w", "d_v"])
    assert "+=" not in out


def test_arithmetic_reads_do_not_stop_it():
    out = _run("def f(xs, n):\n"
               "    d_w = 0\n"
               "    for t in range(n):\n"
               "        d_w = d_w + xs[t]\n"
               "        d_v = -d_w * 2.0\n"
               "    return d_w, d_v\n", ["d_w", "d_v"])
    assert "d_w += xs[t]" in out


def test_buffer_from_elsewhere_is_left_alone():
    # before the loop d_w holds another adjoint's array: adding in place would change it
    out = _run("def f(d_x, xs, n):\n"
               "    d_w = d_x\n"
               "    for t in range(n):\n"
               "        d_w = d_w + xs[t]\n"
               "    return d_w, d_x\n", ["d_w", "d_x"])
    assert "+=" not in out


def test_two_writers_in_one_loop_are_left_alone():
    # the buffer the second statement finds was made by the first: its shape and dtype
    # are the first's, which in-place addition would keep
    out = _run("def f(a, b, n):\n"
               "    d_w = 0\n"
               "    for t in range(n):\n"
               "        d_w = d_w + a[t]\n"
               "        d_w = d_w + b[t]\n"
               "    return d_w\n", ["d_w"])
    assert "+=" not in out


def test_only_adjoints_are_rewritten():
    out = _run("def f(xs, n):\n"
               "    s = 0\n"
               "    for t in range(n):\n"
               "        s = s + xs[t]\n"
               "    return s\n", ["d_w"])
    assert "+=" not in out


def test_item_outer_products_sum_per_item_after_the_loops():
    args = _args(F.matrices_in_a_list, np.random.RandomState(0))
    backward = _backward(F.matrices_in_a_list, args)
    assert "d_mats_terms.append((j, d_z, " in backward
    summed = "d_mats = outer_sums_at(d_mats, mats, d_mats_terms)"
    assert backward.index("d_mats_terms = []") < backward.index("for i") < backward.index(summed)
    assert "[:, None]" not in backward and "add_at(d_mats" not in backward
    plain = _backward(F.matrices_in_a_list, args, off=["hoist-outer"])
    assert "outer_sums_at" not in plain and "d_mats = add_at(d_mats, mats, j, " in plain


def test_item_index_computed_in_the_loop_is_collected_with_its_value():
    backward = _backward(F.stacked_matrices, _args(F.stacked_matrices, np.random.RandomState(0)))
    assert "d_A = outer_sums_at(d_A, A, d_A_terms)" in backward


@pytest.mark.parametrize("fn, summed", [
    (F.points_by_centres, "d_c = dot_sums_at(d_c, c, d_c_terms, subtract=True)"),
    (F.scaled_centres, "d_c = dot_sums_at(d_c, c, d_c_terms)")])
def test_item_dot_products_sum_per_item_after_the_loops(fn, summed):
    # with respect to A and c: an adjoint of xs[i] would take the same product too
    args = _args(fn, np.random.RandomState(0))
    backward = _backward(fn, args, wrt=(0, 1))
    assert re.search(r"d_c_terms\.append\(\(j, d_\w+, \w+\)\)", backward), backward
    assert backward.index("d_c_terms = []") < backward.index("for i") < backward.index(summed)
    assert "np.dot(" not in backward and "_at(d_c, c, j" not in backward
    plain = _backward(fn, args, off=["hoist-outer"], wrt=(0, 1))
    assert "dot_sums_at" not in plain and "np.dot(" in plain
    for seed in range(3):
        assert_matches_differences(fn, _args(fn, np.random.RandomState(seed)), wrt=(0, 1))


def test_item_dot_product_indexed_by_an_outer_counter_stays():
    # xs[i]'s adjoint meets a different matrix at every step: nothing to sum first
    args = _args(F.matrices_in_a_list, np.random.RandomState(0))
    backward = _backward(F.matrices_in_a_list, args)
    assert "dot_sums_at" not in backward and "d_xs = add_at(d_xs, xs, i, " in backward


def test_item_adjoint_updated_twice_in_the_loop_stays():
    backward = _backward(F.item_read_again, _args(F.item_read_again, np.random.RandomState(0)))
    assert "outer_sums_at" not in backward and "[:, None] * " in backward


def _hoisted(src):
    return rewritten(src, _hoisted_fn)


def _hoisted_generated(src):
    """_hoisted on hand-written code whose `add_at` names the runtime helper, as generated
    code's does."""
    def rewrite(fn):
        for node in A.walk(fn):
            if isinstance(node, A.Name) and node.id in ("add_at", "sub_at", "np"):
                A.set_anno(node, "global", np if node.id == "np" else getattr(srcgrad.runtime, node.id))
        _hoisted_fn(fn)
    return rewritten(src, rewrite)


def _hoisted_fn(fn):
    for st in A.walk(fn):       # adjoint updates are marked so in generated code
        target = st.targets[0] if isinstance(st, A.Assign) else None
        if A.is_name(target) and target.id.startswith("d_"):
            A.set_anno(st, "adjoint", (target.id[2:], "acc", None))
    outer.hoist(fn, Namer({n.id for n in A.walk(fn) if isinstance(n, A.Name)}))


ITEM_LOOP = ("def f(Ws, Xs, ds, n, k):\n"
             "    d_Ws = 0\n"
             "    for i in range(n):\n"
             "        for j in range(k):\n"
             "            d = ds[i]\n"
             "            x = Xs[i]\n"
             "            d_t = d[:, None] * x\n"
             "{between}"
             "            d_Ws = add_at(d_Ws, Ws, j, d_t)\n"
             "    return d_Ws\n")


def test_item_term_is_collected_with_its_index():
    out = _hoisted_generated(ITEM_LOOP.format(between=""))
    assert "d_Ws_terms.append((j, d, x))" in out and "d_t" not in out
    assert out.index("for i") < out.index("d_Ws = outer_sums_at(d_Ws, Ws, d_Ws_terms)")


DOT_LOOP = ("def f(cs, Ms, ds, n, k):\n"
            "    d_cs = 0\n"
            "    for i in range(n):\n"
            "        for j in range(k):\n"
            "            d = ds[i]\n"
            "            M = Ms[j]\n"
            "            d_t = np.dot(d, M)\n"
            "{between}"
            "            d_cs = {helper}(d_cs, cs, {index}, d_t)\n"
            "    return d_cs\n")


@pytest.mark.parametrize("helper, call", [
    ("add_at", "d_cs = dot_sums_at(d_cs, cs, d_cs_terms)"),
    ("sub_at", "d_cs = dot_sums_at(d_cs, cs, d_cs_terms, subtract=True)")])
def test_item_dot_term_is_collected_with_its_index(helper, call):
    out = _hoisted_generated(DOT_LOOP.format(between="", helper=helper, index="j"))
    assert "d_cs_terms.append((j, d, M))" in out and "d_t" not in out
    assert out.index("for i") < out.index(call)


@pytest.mark.parametrize("between, index", [
    ("", "i"), ("", "2 * j"), ("            j = j + 1\n", "j"), ("            d_t = d_t * 2\n", "j")],
    ids=["outer counter", "index not the counter", "index changes", "product changes"])
def test_item_dot_term_stays_unless_the_inner_counter_picks_the_item(between, index):
    out = _hoisted_generated(DOT_LOOP.format(between=between, helper="add_at", index=index))
    assert "dot_sums_at" not in out and "np.dot(d, M)" in out


@pytest.mark.parametrize("between", ["            j = j + 1\n", "            d_t = d_t * 2\n"],
                         ids=["index changes", "product changes"])
def test_item_term_changed_before_it_is_added_stays(between):
    assert "outer_sums_at" not in _hoisted_generated(ITEM_LOOP.format(between=between))


def test_outer_product_leaves_the_loop():
    out = _hoisted("def f(hs, gs, n):\n"
                   "    d_W = 0\n"
                   "    for t in range(n):\n"
                   "        h = hs[t]\n"
                   "        g = gs[t]\n"
                   "        d_W = d_W + h[:, None] * g\n"
                   "    return d_W\n")
    assert "h_rows.append(h)" in out and "g_rows.append(g)" in out
    assert out.index("h_rows = []") < out.index("for t") < out.index("h_rows = stack_rows(h_rows)")
    assert out.index("for t") < out.index("d_W = d_W + outer_sum(h_rows, g_rows)")


def _same_when_run(src, out, rng):
    """`src` (a function of hs, gs, n) and its hoisted body `out` give the same sums."""
    header, n = src.splitlines()[0], 5
    hs, gs = rng.standard_normal((n, 4)), rng.standard_normal((n, 3))
    names = {"np": np, "outer_sum": kernels.outer_sum, "row_sum": kernels.row_sum,
             "stack_rows": kernels.stack_rows}
    exec(src, names)
    want = names["f"](hs, gs, n)
    exec(header + "\n" + textwrap.indent(out, "    "), names)
    got = names["f"](hs, gs, n)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


SHARED_LOOP = ("def f(hs, gs, n):\n"
               "    d_W = 0\n"
               "    d_U = 0\n"
               "    d_b = 0\n"
               "    for t in range(n):\n"
               "        h = hs[t]\n"
               "        g = gs[t]\n"
               "        d_b = d_b + g\n"
               "{first}"
               "        d_W = d_W + h[:, None] * g\n"
               "{between}"
               "        d_U = d_U + h[:, None] * g\n"
               "    return d_W, d_U, d_b\n")


def _shared_loop_hoisted(seed, first="", between="", adjoint="d_b"):
    """SHARED_LOOP with `first` and `between` put in, hoisted, after checking that the
    hoisted body computes the same sums as the loop."""
    src = SHARED_LOOP.format(first=first, between=between).replace("d_b", adjoint)
    out = _hoisted(src)
    _same_when_run(src, out, np.random.default_rng(seed))
    return out


def test_one_list_per_vector_serves_every_sum():
    out = _shared_loop_hoisted(0)
    assert out.count("h_rows = []") == 1 and out.count("g_rows = []") == 1, out
    assert "d_b = d_b + row_sum(g_rows)" in out
    assert "d_W = d_W + outer_sum(h_rows, g_rows)" in out
    assert "d_U = d_U + outer_sum(h_rows, g_rows)" in out


def test_vector_changed_between_its_uses_gets_a_list_per_use():
    out = _shared_loop_hoisted(1, between="        h = h * 2\n")
    assert "h_rows = []" in out and "h_rows_1 = []" in out and out.count("g_rows = []") == 1
    assert "d_W = d_W + outer_sum(h_rows, g_rows)" in out
    assert "d_U = d_U + outer_sum(h_rows_1, g_rows)" in out


def test_sum_of_a_vector_changed_before_its_products_stays():
    out = _shared_loop_hoisted(2, first="        g = g * 2\n")
    assert "d_b = d_b + g" in out and "row_sum" not in out
    assert "d_W = d_W + outer_sum(h_rows, g_rows)" in out


def test_loop_left_early_keeps_each_pair_together():
    out = _shared_loop_hoisted(3, between="        if t == 3:\n            break\n")
    assert out.count("h_rows") == out.count("g_rows") and "h_rows_1 = []" in out
    assert "row_sum" not in out and "d_b = d_b + g" in out


def test_sum_into_a_variable_that_is_no_adjoint_stays():
    out = _shared_loop_hoisted(4, adjoint="total")
    assert "total = total + g" in out and "row_sum" not in out


def test_plain_sum_alone_stays_in_the_loop():
    out = _hoisted("def f(hs, gs, n):\n"
                   "    d_b = 0\n"
                   "    for t in range(n):\n"
                   "        d_b = d_b + gs[t]\n"
                   "    return d_b\n")
    assert "row_sum" not in out and "d_b = d_b + gs[t]" in out


def test_outer_product_read_in_the_loop_stays():
    out = _hoisted("def f(hs, gs, n):\n"
                   "    d_W = 0\n"
                   "    for t in range(n):\n"
                   "        d_W = d_W + hs[t][:, None] * gs[t]\n"
                   "        h = hs[t]\n"
                   "        d_W = d_W + h[:, None] * gs[t]\n"
                   "        s = d_W.sum()\n"
                   "    return d_W\n")
    assert "outer_sum" not in out


def test_vector_updated_in_place_stays():
    # the list would hold g, which `g += ...` changes before the sum is taken
    out = _hoisted("def f(hs, gs, n):\n"
                   "    d_W = 0\n"
                   "    for t in range(n):\n"
                   "        h = hs[t]\n"
                   "        g = gs[t] * 1.0\n"
                   "        d_W = d_W + h[:, None] * g\n"
                   "        g += 1.0\n"
                   "    return d_W\n")
    assert "outer_sum" not in out


def test_hoisted_from_the_outermost_loop_it_is_private_to():
    out = _hoisted("def f(hs, gs, n):\n"
                   "    d_W = 0\n"
                   "    for i in range(n):\n"
                   "        for t in range(n):\n"
                   "            h = hs[t]\n"
                   "            g = gs[i]\n"
                   "            d_W = d_W + h[:, None] * g\n"
                   "    return d_W\n")
    assert out.index("h_rows = []") < out.index("for i")
    assert out.index("outer_sum") > out.index("h_rows.append")
