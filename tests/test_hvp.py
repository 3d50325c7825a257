"""Hessian-vector products and Hessians forward over reverse: tangents of generated gradients."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import higher_functions as hf
import hvp_functions as hv
import srcgrad
from srcgrad import cache, pipeline
from srcgrad.analysis import kinds as K
from srcgrad.rules.registry import RULES
from srcgrad.testing import check_jvp, numerical_grad

R = np.random.RandomState(7)


def _a(*shape):
    return R.randn(*shape)


# --- every tangent of a backward-code helper, against central differences ---------------------
# (helper, function calling it, primals, which primals carry a tangent)
HELPER_CASES = [
    ("unbroadcast", hv.h_unbroadcast, (_a(4, 3), np.ones((1, 3))), (0,)),
    ("broadcast_back", hv.h_broadcast_back, (_a(4), np.ones((4, 3))), (0,)),
    ("keep_reduced", hv.h_keep_reduced, (_a(4), np.ones((4, 3))), (0,)),
    ("as_grad", hv.h_as_grad, (_a(3), np.ones(3)), (0,)),
    ("add_private", hv.h_add_private, (_a(3), _a(3)), (0, 1)),
    ("add_at", hv.h_add_at, (_a(4), _a(2), np.ones(4)), (0, 1)),
    ("sub_at", hv.h_sub_at, (_a(4), _a(2), np.ones(4)), (0, 1)),
    ("extremum_grad", hv.h_extremum_grad, (_a(), np.array([0.3, 1.7, -0.2])), (0,)),
    ("extremum_grad", hv.h_extremum_grad_rows, (_a(2), np.array([[0.3, 1.7], [0.9, -0.2]])), (0,)),
    ("grad_at", hv.h_grad_at, (_a(3),), (0,)),
    ("zero_at", hv.h_zero_at, (_a(3),), (0,)),
    ("item_grad", hv.h_item_grad, (_a(3), _a(3)), (0, 1)),
    ("last_grad", hv.h_last_grad, (_a(3), _a(3)), (0, 1)),
    ("drop_last", hv.h_drop_last, (_a(3), _a(3)), (0, 1)),
    ("seed_list", hv.h_seed_list, (_a(3), _a(3)), (0, 1)),
    ("head_grad", hv.h_head_grad, (_a(3), _a(3)), (0, 1)),
    ("tail_grad", hv.h_tail_grad, (_a(3), _a(3)), (0, 1)),
    ("fold_grad", hv.h_fold_grad, (_a(3), _a(3)), (0, 1)),
    ("last_grads", hv.h_last_grads, (_a(3), _a(3)), (0, 1)),
    ("drop_lasts", hv.h_drop_lasts, (_a(3), _a(3)), (0, 1)),
    ("inserted_grad", hv.h_inserted_grad, (_a(3), _a(3)), (0, 1)),
    ("drop_inserted", hv.h_drop_inserted, (_a(3), _a(3)), (0, 1)),
    ("values_grad", hv.h_values_grad, (_a(3), _a(3)), (0, 1)),
    ("items_grad", hv.h_items_grad, (_a(3), _a(3)), (0, 1)),
    ("merged_grad", hv.h_merged_grad, (_a(3), _a(3)), (0, 1)),
    ("sequence", hv.h_sequence, (_a(3), _a(3)), (0, 1)),
    ("snapshot", hv.h_snapshot, (_a(3),), (0,)),
    ("method:pop", hv.h_list_pop, (0.7, -1.3), (0, 1)),
    ("matmul_grad_x", hv.h_matmul_grad_x, (_a(2, 4), _a(2, 3), _a(3, 4)), (0, 2)),
    ("matmul_grad_y", hv.h_matmul_grad_y, (_a(2, 4), _a(2, 3), _a(3, 4)), (0, 1)),
    ("dot_grad_x", hv.h_dot_grad_x, (_a(2), _a(3), _a(3, 2)), (0, 2)),
    ("dot_grad_y", hv.h_dot_grad_y, (_a(2), _a(3), _a(3, 2)), (0, 1)),
    ("reverse_cumsum", hv.h_reverse_cumsum, (_a(5),), (0,)),
    ("split_like", hv.h_split_like, (_a(5), np.ones(2), np.ones(3)), (0,)),
    ("unstack", hv.h_unstack, (_a(2, 3), np.ones(3), np.ones(3)), (0,)),
    ("unconcatenate", hv.h_unconcatenate, (_a(5), np.ones(2), np.ones(3)), (0,)),
    ("join_grad", hv.h_join_grad, (_a(5), np.ones(2), np.ones(3)), (0,)),
    ("unsplit", hv.h_unsplit, (_a(2), np.ones(4)), (0,)),
    ("restack", hv.h_restack, (_a(3), np.ones((2, 3))), (0,)),
    ("tile_grad", hv.h_tile_grad, (_a(6), np.ones(3)), (0,)),
    ("repeat_grad", hv.h_repeat_grad, (_a(6), np.ones(3)), (0,)),
    ("take_grad", hv.h_take_grad, (_a(3), np.ones(4)), (0,)),
    ("take_along_axis_grad", hv.h_take_along_axis_grad, (_a(3), np.ones(4)), (0,)),
    ("scatter_flat", hv.h_scatter_flat, (_a(3), np.ones(2)), (0,)),
    ("trace_grad", hv.h_trace_grad, (1.3, np.ones((3, 3))), (0,)),
    ("transpose_method_grad", hv.h_transpose_method_grad, (_a(3, 2), np.ones((2, 3))), (0,)),
    ("diag_grad", hv.h_diag_grad, (_a(3, 3), np.ones(3)), (0,)),
    ("real_if_real", hv.h_real_if_real, (_a(3), np.ones(3)), (0,)),
    ("sort_grad", hv.h_sort_grad, (_a(4), np.array([0.3, -1.0, 2.0, 0.1])), (0,)),
    ("sequence_grad", hv.h_sequence_grad, (_a(2, 3), np.ones((2, 3))), (0,)),
    ("sum_grad", hv.h_sum_grad, (1.7, np.ones(4)), (0,)),
]


@pytest.mark.parametrize("name, fn, primals, moving", HELPER_CASES, ids=[c[0] for c in HELPER_CASES])
def test_helper_tangent_matches_finite_differences(name, fn, primals, moving):
    rng = np.random.RandomState(11)
    tangents = [(rng.randn(*np.shape(p)) if np.ndim(p) else 0.9) if i in moving else None
                for i, p in enumerate(primals)]
    report = check_jvp(fn, primals, tangents)
    assert report.ok, str(report)


def test_every_helper_tangent_is_checked():
    from srcgrad.rules import runtime_tangents
    checked = {c[0] for c in HELPER_CASES}
    for rule in RULES.values():
        tpl = rule.forward
        if tpl is not None and tpl.func.__module__ == runtime_tangents.__name__:
            name = rule.key if isinstance(rule.key, str) else rule.key.__name__
            assert name in checked, f"the tangent of {name} has no finite-difference check"


def test_helper_tangents_are_not_user_facing_primitives():
    names = {p.name for p in srcgrad.primitives()} | {s for p in srcgrad.primitives() for s in p.spellings}
    assert not names & {"unbroadcast", "add_at", "matmul_grad_x", "ndarray.pop"}


# --- Hessian-vector products and Hessians -----------------------------------------------------

def _fd_hvp(fn, args, index, v, eps=1e-6):
    """The directional derivative of the gradient along v, by central differences."""
    g = srcgrad.grad(fn, index)
    plus, minus = list(args), list(args)
    plus[index] = args[index] + eps * v
    minus[index] = args[index] - eps * v
    return (np.asarray(g(*plus)) - np.asarray(g(*minus))) / (2 * eps)


HVP_CASES = [
    pytest.param(hf.rosenbrock, (np.array([0.3, 0.8, -0.5, 1.2, 0.1]),), 0, id="rosenbrock"),
    pytest.param(hf.mlp_loss, (_a(16) * 0.5, _a(6, 3), _a(6)), 0, id="mlp"),
    pytest.param(hf.softplus_sum, (np.array([0.2, -1.0, 0.7]), 1.3), 0, id="softplus"),
    pytest.param(hf.loop_branch, (0.3, 4), 0, id="loop-branch-scalar"),
    pytest.param(hf.loop_branch, (0.9, 3), 0, id="loop-branch-other-side"),
    pytest.param(hf.while_loop, (0.4,), 0, id="while"),
    pytest.param(hf.calls_helper, (0.6, -0.4), 0, id="helper-call-x"),
    pytest.param(hf.calls_helper, (0.6, -0.4), 1, id="helper-call-y"),
    pytest.param(hv.branches, (np.array([0.3, -0.1, 0.5]), 0.7), 0, id="branch-true"),
    pytest.param(hv.branches, (np.array([-0.3, -0.1, 0.5]), 0.7), 0, id="branch-false"),
    pytest.param(hv.branches, (np.array([0.3, -0.1, 0.5]), 0.7), 1, id="branch-scalar-arg"),
    pytest.param(hv.loop_arrays, (np.array([0.3, -0.6, 0.2, 0.9]), 3), 0, id="loop-arrays"),
    pytest.param(hv.calls_arrays, (np.array([0.3, -0.6, 0.2]), 0.8), 0, id="calls-arrays"),
    pytest.param(hv.calls_arrays, (np.array([0.3, -0.6, 0.2]), 0.8), 1, id="calls-arrays-scalar"),
    pytest.param(hv.dot_method, (_a(3), _a(4, 3)), 0, id="dot-method"),
]


def _direction(x):
    return np.random.RandomState(3).randn(*np.shape(x)) if np.ndim(x) else 0.7


@pytest.mark.parametrize("fn, args, wrt", HVP_CASES)
def test_hvp_forward_over_reverse_matches_differences(fn, args, wrt):
    v = _direction(args[wrt])
    product = srcgrad.hvp(fn, wrt)
    hv_ = product(*args, v)
    assert product.method == "forward-over-reverse"
    np.testing.assert_allclose(hv_, _fd_hvp(fn, args, wrt, v), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("fn, args, wrt", HVP_CASES)
def test_both_orders_agree(fn, args, wrt):
    v = _direction(args[wrt])
    product = srcgrad.hvp(fn, wrt)
    kinds = {p: K.of_value(a) for p, a in zip(product.params, args)}
    _, reverse_over_forward = product.compiled_for(kinds, "reverse-over-forward")
    np.testing.assert_allclose(product(*args, v), reverse_over_forward(*args, v), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("fn, args, wrt", [c for c in HVP_CASES if np.ndim(c.values[1][c.values[2]])])
def test_hessian_forward_over_reverse_matches_differences(fn, args, wrt):
    H = srcgrad.hessian(fn, wrt)(*args)
    x = args[wrt]
    rows = []
    for k in range(np.size(x)):
        def gk(*a, k=k):
            return np.ravel(srcgrad.grad(fn, wrt)(*a))[k]
        rows.append(numerical_grad(gk, list(args), {}, wrt))
    np.testing.assert_allclose(H, np.array(rows).reshape(H.shape), rtol=1e-5, atol=1e-6)


def test_hvp_against_autograd():
    autograd = pytest.importorskip("autograd")
    import autograd.numpy as anp

    def loss(w, x, y):
        h = anp.tanh(anp.dot(x, anp.reshape(w[:12], (3, 4))))
        return anp.mean((anp.dot(h, w[12:16]) - y) ** 2)
    w, x, y = _a(16) * 0.5, _a(6, 3), _a(6)
    v = _a(16)
    expected = autograd.hessian_vector_product(loss)(w, x, y, v)
    np.testing.assert_allclose(srcgrad.hvp(hf.mlp_loss)(w, x, y, v), expected, rtol=1e-10, atol=1e-12)
    expected_h = autograd.hessian(loss)(w, x, y)
    np.testing.assert_allclose(srcgrad.hessian(hf.mlp_loss)(w, x, y), expected_h, rtol=1e-10, atol=1e-12)


def test_loops_over_lists_and_dicts_forward_over_reverse():
    x, v = np.array([0.3, -0.7, 1.1]), np.array([0.2, 0.5, -0.3])
    fn = srcgrad.hvp(hv.loop_over_containers)
    result = fn(x, v)
    assert fn.method == "forward-over-reverse"
    np.testing.assert_allclose(result, _fd_hvp(hv.loop_over_containers, (x,), 0, v), rtol=1e-5, atol=1e-6)


def test_helper_without_tangent_falls_back_to_reverse_over_forward():
    x, v = np.array([0.5, -1.2, 0.8]), np.array([0.3, 0.1, -0.7])
    product = srcgrad.hvp(hv.product)
    result = product(x, v)
    assert product.method == "reverse-over-forward"
    np.testing.assert_allclose(result, _fd_hvp(hv.product, (x,), 0, v), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(srcgrad.hessian(hv.product)(x) @ v, result, rtol=1e-10)
    # forcing the other order names the helper and the generated line that calls it
    with pytest.raises(srcgrad.NoTemplateError, match="diff_grad") as err:
        product.compiled_for({"x": K.of_value(x)}, "forward-over-reverse")
    assert "diff_grad(" in str(err.value)


# --- what the generated code looks like ------------------------------------------------------

def test_plain_stack_code_for_differentiating_again():
    text = pipeline.compile_split(hf.loop_branch, ("x",), {"x": "num", "n": "num"},
                                  {"plain_stack": True}).source
    assert "stack.append(s)" in text and "s = stack.pop()" in text and "stack = list(stack)" in text
    assert "push" not in text and "pop =" not in text


def test_hvp_source_is_readable_generated_code():
    product = srcgrad.hvp(hf.poly)
    assert product.source is None
    assert product(0.7, 1.0) == pytest.approx(18 * 0.7 + 4, rel=1e-14)
    text = product.source
    compile(text, "hvp", "exec")
    lines = [ln.strip() for ln in text.splitlines()]
    # the gradient as a function, then the tangents of f's forward and backward code
    assert "def gradient_poly_jvp(x, *, x_dot=0):" in lines
    assert "_t1, t1_dot = poly_forward_jvp(x, x_dot=x_dot)" in lines
    assert "tape_dot = item_tangent(t1_dot, _t1, 1)" in lines
    assert "_t2, t2_dot = poly_backward_jvp(tape, _t3, tape_dot=tape_dot)" in lines
    assert "return t2_dot" in lines
    assert "def poly_backward_jvp(tape, d_t1, *, tape_dot=0):" in lines
    assert "x_dot = item_tangent(tape_dot, tape, 0)" in lines
    # each gradient line is followed by its tangent, and the tangent is returned
    assert "d_t6 = d_t1 * x" in lines
    assert any(ln.startswith("d_t6_dot = ") and "x_dot" in ln for ln in lines)
    assert "return d_x, d_x_dot" in lines
    assert "stack" not in text
    # the tape's values keep their first-order kinds (scalars): plain arithmetic, no
    # shape-fitting helpers, and the constant seed's multiple gets no tangent line
    backward = text.split("def poly_backward_jvp")[1]
    assert "fit(" not in backward and "add(" not in backward, backward
    assert "d_t6_dot = d_t1 * x_dot" in lines


def test_no_tangent_statements_for_what_only_constants_feed():
    def rosen(x):
        return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)
    product = srcgrad.hvp(rosen)
    x, v = np.linspace(-1, 1, 6), np.linspace(0.5, -0.5, 6)
    result = product(x, v)
    g, h = srcgrad.grad(rosen), 1e-6
    assert np.allclose(result, (g(x + h * v) - g(x - h * v)) / (2 * h), rtol=1e-6, atol=1e-6)
    text = product.source
    # d_t2 = broadcast_back(d_t1, ...) spreads the constant seed: it has no tangent
    assert "d_t2 = broadcast_back(d_t1" in text and "d_t2_dot" not in text


def test_second_order_errors_name_the_helper_and_line():
    product = srcgrad.hvp(hv.product)
    with pytest.raises(srcgrad.NoTemplateError) as err:
        product.compiled_for({"x": "array:1"}, "forward-over-reverse")
    message = str(err.value)
    assert "no forward-mode template for `diff_grad`" in message
    assert "diff_grad(" in message                  # the generated line is quoted
    assert "hint:" in message


# --- caching -------------------------------------------------------------------------------------

MODULE = '''
import numpy as np


def helper(v):
    return np.tanh(v) * 3.0


def f(x):
    s = 0.0
    for i in range(3):
        s = s + np.sum(helper(x * i))
    return s * np.sum(x)
'''


def _child(cache_dir, path):
    env = dict(os.environ, SRCGRAD_CACHE_DIR=str(cache_dir), PYTHONPATH=os.pathsep.join(sys.path))
    script = textwrap.dedent(f'''
        import importlib.util, json
        import numpy as np
        import srcgrad
        from srcgrad import cache
        spec = importlib.util.spec_from_file_location("m", {str(path)!r})
        m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
        product = srcgrad.hvp(m.f)
        r = product(np.array([0.3, -0.2]), np.array([1.0, 0.5]))
        print(json.dumps({{"hvp": list(r), "method": product.method, "stats": cache.stats}}))
    ''')
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    import json
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_hvp_code_is_reused_across_processes_and_invalidated_by_edits(tmp_cache, tmp_path):
    path = tmp_path / "m_hvp.py"
    path.write_text(textwrap.dedent(MODULE))
    first = _child(tmp_cache, path)
    assert first["method"] == "forward-over-reverse"
    assert first["stats"]["disk_writes"] == 2          # the gradient, and its tangent
    entries = sorted(p for p in os.listdir(tmp_cache) if p.endswith(".py"))
    assert any(e.startswith("gradient_f-") for e in entries), entries
    second = _child(tmp_cache, path)
    assert second["stats"]["transforms"] == 0 and second["stats"]["disk_hits"] == 2
    assert second["hvp"] == first["hvp"]
    path.write_text(textwrap.dedent(MODULE).replace("* 3.0", "* 2.0"))     # edit the callee
    third = _child(tmp_cache, path)
    assert third["stats"]["transforms"] == 2, "a stale higher-order entry was reused"
    np.testing.assert_allclose(third["hvp"], np.array(first["hvp"]) * 2.0 / 3.0, rtol=1e-12)


def test_hvp_code_is_cached_in_memory():
    x, v = np.array([0.3, 0.8, -0.5]), np.array([1.0, 0.0, 2.0])
    srcgrad.hvp(hf.rosenbrock)(x, v)
    before = cache.stats["transforms"]
    srcgrad.hvp(hf.rosenbrock)(x * 2, v)
    assert cache.stats["transforms"] == before
