"""The Tensor facade's shortcuts keep PyTorch's semantics.

The engine takes a shortcut for a graph of one node (a compiled function called on
Tensors), the op path caches pullbacks per rule and argument kinds, and `.grad`
is filled by copying or by adding in place.  Each test pins down a case where a
shortcut could give a different answer than the general path.
"""

import threading

import numpy as np
import pytest

import srcgrad
from srcgrad.facade import ops, tensor
from srcgrad.rules import registry


@srcgrad.function
def weighted(a, b):
    return np.sum(a * 2.0 + b)


@srcgrad.function
def product(a, b):
    return np.sum(a * b)


@srcgrad.function
def plus(a, b):
    return np.sum(a + b)


def test_one_node_graph_fills_each_leaf():
    a = tensor([1.0, 2.0], requires_grad=True)
    b = tensor([3.0, 4.0], requires_grad=True)
    weighted(a, b).backward()
    np.testing.assert_allclose(a.grad.data, [2.0, 2.0])
    np.testing.assert_allclose(b.grad.data, [1.0, 1.0])


def test_one_node_graph_with_the_same_leaf_twice_sums_before_hooks():
    a = tensor([1.0, 2.0], requires_grad=True)
    seen = []
    a.register_hook(lambda g: seen.append(g.data.copy()))
    product(a, a).backward()
    np.testing.assert_allclose(a.grad.data, 2 * a.data)
    assert len(seen) == 1
    np.testing.assert_allclose(seen[0], 2 * a.data)


def test_one_node_graph_runs_leaf_hooks():
    a = tensor([1.0, 2.0], requires_grad=True)
    b = tensor([3.0, 4.0], requires_grad=True)
    a.register_hook(lambda g: g * 10)
    weighted(a, b).backward()
    np.testing.assert_allclose(a.grad.data, [20.0, 20.0])
    np.testing.assert_allclose(b.grad.data, [1.0, 1.0])


def test_one_node_graph_is_freed_unless_retained():
    a = tensor([1.0, 2.0], requires_grad=True)
    out = weighted(a, tensor([0.0, 0.0]))
    out.backward(retain_graph=True)
    out.backward()
    np.testing.assert_allclose(a.grad.data, [4.0, 4.0])
    with pytest.raises(RuntimeError, match="second time"):
        out.backward()


@pytest.mark.parametrize("make", [lambda a, b: (a + b).sum(), plus], ids=["op-by-op", "compiled"])
def test_gradients_of_different_leaves_never_share_memory(make):
    a = tensor([1.0, 2.0], requires_grad=True)
    b = tensor([3.0, 4.0], requires_grad=True)
    make(a, b).backward()
    assert not np.shares_memory(a.grad.data, b.grad.data)
    before = b.grad.data.copy()
    with srcgrad.no_grad():
        a.grad += 100.0
    np.testing.assert_allclose(b.grad.data, before)


def test_a_second_backward_adds_into_the_same_grad_tensor():
    a = tensor([1.0, 2.0], requires_grad=True)
    b = tensor([3.0, 4.0])
    weighted(a, b).backward()
    first = a.grad
    weighted(a, b).backward()
    assert a.grad is first
    np.testing.assert_allclose(first.data, [4.0, 4.0])


def test_a_value_saved_by_a_compiled_node_is_checked_for_in_place_updates():
    a = tensor([1.0, 2.0], requires_grad=True)
    b = tensor([3.0, 4.0])
    out = product(a, b)
    with srcgrad.no_grad():
        b += 1.0
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.backward()


def test_a_template_registered_later_replaces_the_cached_pullback():
    @srcgrad.primitive
    def twice(x):
        return 2.0 * x

    @twice.adjoint
    def twice_adjoint(z, x):
        d[x] += d[z] * 2.0      # noqa: F821 -- template language

    rule = registry.lookup(twice)
    x = tensor([1.0, 2.0], requires_grad=True)
    ops.apply(rule, twice, (x,)).sum().backward()
    np.testing.assert_allclose(x.grad.data, [2.0, 2.0])

    @twice.adjoint
    def twice_adjoint_replaced(z, x):
        d[x] += d[z] * 3.0      # noqa: F821

    x.grad = None
    ops.apply(rule, twice, (x,)).sum().backward()
    np.testing.assert_allclose(x.grad.data, [3.0, 3.0])


def test_grad_mode_is_per_thread_and_on_by_default():
    seen = []
    with srcgrad.no_grad():
        t = threading.Thread(target=lambda: seen.append(srcgrad.is_grad_enabled()))
        t.start()
        t.join()
        assert not srcgrad.is_grad_enabled()
    assert seen == [True] and srcgrad.is_grad_enabled()


def test_ops_under_no_grad_and_with_integer_results_record_nothing():
    x = tensor([1.0, 2.0], requires_grad=True)
    with srcgrad.no_grad():
        assert (x * 2).grad_fn is None
    assert (x > 1.0).grad_fn is None
    assert (x * 2).grad_fn is not None


KIND_VALUES = [np.zeros(()), np.zeros(3), np.zeros((2, 3)), np.zeros((1,) * 7),
               np.zeros(2, complex), 1.5, 2, np.float64(1.0), [1.0], (1.0,), {"a": 1.0}, "text"]


@pytest.mark.parametrize("value", KIND_VALUES, ids=[f"value{i}" for i in range(len(KIND_VALUES))])
def test_the_kind_shortcut_agrees_with_the_analysis(value):
    from srcgrad.analysis import kinds
    assert ops.kind(value) == kinds.of_value(value)
