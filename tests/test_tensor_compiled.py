"""@srcgrad.function called on Tensors: one node whose backward is the compiled backward."""

import math

import numpy as np
import pytest

import srcgrad
from corpus import CASES, make_args
from srcgrad.testing import numerical_grad
from srcgrad.facade import Tensor, TensorError, autograd_grad, no_grad, tensor

rng = np.random.default_rng(1)


@srcgrad.function
def loss(w, x):
    return np.sum(np.tanh(x @ w) ** 2)


@srcgrad.function
def inner(w):
    return np.sin(w) * w


@srcgrad.function
def outer(w, x):
    return np.sum(inner(w) ** 2) + loss(w, x)


def scalar_poly(a, b):
    return a ** 3 * b + a * b * b


def test_plain_arrays_give_plain_results():
    w, x = rng.normal(size=(3, 2)), rng.normal(size=(4, 3))
    assert not isinstance(loss(w, x), Tensor)
    assert loss(w, x) == pytest.approx(np.sum(np.tanh(x @ w) ** 2))


def test_one_node_for_the_whole_call():
    w = tensor(rng.normal(size=(3, 2)), requires_grad=True)
    out = loss(w, rng.normal(size=(4, 3)))
    assert isinstance(out, Tensor) and out.grad_fn.name() == "CompiledBackward[loss]"
    assert [n.leaf for n, _ in out.grad_fn.next_functions] == [w]


def test_identical_to_grad_because_it_is_the_same_backward():
    w0, x = rng.normal(size=(3, 2)), rng.normal(size=(4, 3))
    w = tensor(w0, requires_grad=True)
    loss(w, x).backward()
    np.testing.assert_array_equal(w.grad.data, srcgrad.grad(loss)(w0, x))


def test_several_tensor_arguments_and_constants():
    w0, x0 = rng.normal(size=(3, 2)), rng.normal(size=(4, 3))
    w, x = tensor(w0, requires_grad=True), tensor(x0, requires_grad=True)
    loss(w, x).backward()
    gw, gx = srcgrad.grad(loss, (0, 1))(w0, x0)
    np.testing.assert_array_equal(w.grad.data, gw)
    np.testing.assert_array_equal(x.grad.data, gx)
    c = tensor(x0)       # no requires_grad: a constant
    w.grad = None
    loss(w, c).backward()
    assert c.grad is None
    np.testing.assert_array_equal(w.grad.data, gw)


def test_twice_in_one_expression_mixed_with_primitives():
    w0, x = rng.normal(size=(3, 2)), rng.normal(size=(4, 3))
    w = tensor(w0, requires_grad=True)
    (loss(w, x) * loss(w, 2 * x) + (w ** 2).sum()).backward()
    g1, g2 = srcgrad.grad(loss)(w0, x), srcgrad.grad(loss)(w0, 2 * x)
    expected = g1 * loss(w0, 2 * x) + loss(w0, x) * g2 + 2 * w0
    np.testing.assert_allclose(w.grad.data, expected, rtol=1e-12)


def test_nested_compiled_functions_and_finite_differences():
    w0, x = rng.normal(size=(3, 2)), rng.normal(size=(4, 3))
    w = tensor(w0, requires_grad=True)
    outer(w, x).backward()
    expected = numerical_grad(outer.fn, [w0, x], {}, 0)
    np.testing.assert_allclose(w.grad.data, expected, rtol=1e-5, atol=1e-6)


def test_the_same_tensor_twice():
    f = srcgrad.function(scalar_poly)
    a = tensor(1.5, requires_grad=True)
    f(a, a).backward()
    expected = numerical_grad(lambda v: scalar_poly(v, v), [1.5], {}, 0)
    assert a.grad.item() == pytest.approx(expected, rel=1e-6)


def test_tape_is_freed_and_retain_graph_keeps_it():
    w = tensor(rng.normal(size=(3, 2)), requires_grad=True)
    out = loss(w, rng.normal(size=(4, 3)))
    out.backward(retain_graph=True)
    first = w.grad.data.copy()
    out.backward()
    np.testing.assert_allclose(w.grad.data, 2 * first)
    assert out.grad_fn.tape is None
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        out.backward()


def test_create_graph_through_a_compiled_node_recomputes_op_by_op():
    w0, x = rng.normal(size=(3, 2)), rng.normal(size=(4, 3))
    w = tensor(w0, requires_grad=True)
    (g,) = autograd_grad(loss(w, x), w, create_graph=True)
    np.testing.assert_allclose(g.data, srcgrad.grad(loss)(w0, x), rtol=1e-12)
    v = rng.normal(size=w0.shape)
    (hv,) = autograd_grad((g * v).sum(), w)

    def directional(wf):
        return np.sum(srcgrad.grad(loss)(wf, x) * v)
    np.testing.assert_allclose(hv.data, numerical_grad(directional, [w0], {}, 0), rtol=1e-5,
                               atol=1e-6)


def uses_math(a):
    return math.exp(a) * a


def test_create_graph_refuses_code_that_leaves_tensors():
    f = srcgrad.function(uses_math)
    a = tensor(0.3, requires_grad=True)
    y = f(a)
    y.backward(retain_graph=True)
    assert a.grad.item() == pytest.approx(np.exp(0.3) * 1.3)
    with pytest.raises(TensorError, match="cut the graph"):
        autograd_grad(y, a, create_graph=True)


def test_no_grad_runs_plainly():
    w = tensor(rng.normal(size=(3, 2)), requires_grad=True)
    with no_grad():
        out = loss(w, rng.normal(size=(4, 3)))
    assert isinstance(out, Tensor) and out.grad_fn is None


# --- the catalog crossed with the Tensor entry points -------------------------------------

def _tensor_args(c, args):
    wrt = c.wrt if isinstance(c.wrt, tuple) else (c.wrt,)
    return [tensor(a, requires_grad=True) if i in wrt else a for i, a in enumerate(args)], wrt


def _fits(c):
    """Float wrt arguments (a Tensor holds one array) and a scalar output (grad() needs it)."""
    args = make_args(c, 0)
    wrt = c.wrt if isinstance(c.wrt, tuple) else (c.wrt,)
    if not all(isinstance(args[i], (float, np.ndarray)) and np.asarray(args[i]).dtype.kind == "f"
               for i in wrt):
        return False
    try:
        return np.size(c.fn(*args)) == 1
    except Exception:
        return False


FLOAT_ARGS = [c for c in CASES if _fits(c)]


@pytest.mark.parametrize("c", FLOAT_ARGS, ids=[c.id for c in FLOAT_ARGS])
def test_catalog_through_compiled_function_on_tensors(c):
    """loss(tensor(...)).backward() gives grad()'s numbers for every catalog function."""
    args = make_args(c, 5)
    targs, wrt = _tensor_args(c, args)
    out = srcgrad.function(c.fn)(*targs)
    out.backward()
    expected = srcgrad.grad(c.fn, c.wrt)(*args)
    expected = expected if isinstance(c.wrt, tuple) else (expected,)
    for i, e in zip(wrt, expected):
        np.testing.assert_allclose(targs[i].grad.data, e, rtol=1e-10, atol=1e-12)
