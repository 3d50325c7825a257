"""Parity with PyTorch: same values, dtypes and shapes, raising in the same situations."""

import numpy as np
import pytest

import srcgrad
from srcgrad import facade as sg

torch = pytest.importorskip("torch")
rng = np.random.default_rng(2)


def both(data, requires_grad=True, dtype=np.float64):
    a = np.asarray(data, dtype=dtype)
    return (sg.tensor(a, requires_grad=requires_grad),
            torch.tensor(a, requires_grad=requires_grad))


def same(s, t, rtol=1e-10):
    t = t.detach().numpy()
    assert s.data.shape == t.shape and s.data.dtype == t.dtype
    np.testing.assert_allclose(s.data, t, rtol=rtol, atol=1e-12)


def model(lib, w, b, x):
    h = (x @ w + b).tanh()
    return (h.relu() * h.sigmoid()).sum(dim=1).mean() + h.max() + (w ** 2).sum() \
        + w.t()[0].exp().sum() + abs(b).clamp(0.1, 0.5).sum()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_values_gradients_and_dtypes(dtype):
    (w, tw), (b, tb) = both(rng.normal(size=(3, 4)), dtype=dtype), both(rng.normal(size=4), dtype=dtype)
    x = rng.normal(size=(5, 3)).astype(dtype)
    out, tout = model(np, w, b, sg.tensor(x)), model(torch, tw, tb, torch.tensor(x))
    same(out, tout, rtol=1e-5)
    out.backward()
    tout.backward()
    same(w.grad, tw.grad, rtol=1e-4)
    same(b.grad, tb.grad, rtol=1e-4)


def test_accumulation_and_zeroing():
    (x, tx) = both([1.0, 2.0, 3.0])
    for a in (x, tx):
        (a * a).sum().backward()
        (a ** 3).sum().backward()
    same(x.grad, tx.grad)
    x.grad.zero_()
    tx.grad.zero_()
    (x * 2).sum().backward()
    (tx * 2).sum().backward()
    same(x.grad, tx.grad)


def test_vector_jacobian_product_and_shape_errors():
    (x, tx) = both([1.0, 2.0, 3.0])
    v = np.array([1.0, -2.0, 0.5])
    (x * x).backward(gradient=v)
    (tx * tx).backward(gradient=torch.tensor(v))
    same(x.grad, tx.grad)
    for a, exc in ((x, srcgrad.TensorError), (tx, RuntimeError)):
        with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar"):
            (a * a).backward()
        with pytest.raises(RuntimeError, match="Mismatch in shape"):
            (a * a).backward(gradient=(np.ones(2) if a is x else torch.ones(2)))


def test_same_errors_as_torch():
    for lib, make in ((sg, sg.tensor), (torch, torch.tensor)):
        with pytest.raises(RuntimeError, match="Only Tensors of floating point"):
            make([1, 2], requires_grad=True)
        with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad"):
            make(1.0).backward()
        x = make(1.0, requires_grad=True)
        y = x * x
        y.backward()
        with pytest.raises(RuntimeError, match="retain_graph=True"):
            y.backward()
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            x += 1.0
        a = make([1.0, 2.0], requires_grad=True)
        c = make([3.0, 4.0])
        z = (a * c).sum()
        c += 1.0
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            z.backward()
        with pytest.raises(RuntimeError, match="Can't call numpy"):
            a.numpy()


def test_retain_graph_twice():
    (x, tx) = both(0.7)
    for a in (x, tx):
        y = a.sin() * a
        y.backward(retain_graph=True)
        y.backward()
    same(x.grad, tx.grad)


def test_create_graph_second_derivatives():
    (x, tx) = both([0.3, 1.1, -0.4])
    results = []
    for a, grad in ((x, sg.autograd_grad), (tx, torch.autograd.grad)):
        y = (a ** 3 * a.sin()).sum() + (a[0] * a[1]) ** 2
        (g,) = grad(y, a, create_graph=True)
        (h,) = grad(g.sum(), a)
        results.append((g, h))
    same(results[0][0], results[1][0])
    same(results[0][1], results[1][1])


def test_backward_create_graph_then_grad_of_grad():
    (x, tx) = both(1.3)
    for a in (x, tx):
        (a ** 4 * a.exp()).backward(create_graph=True)
        g = a.grad
        a.grad = None
        g.backward()
    same(x.grad, tx.grad)


def test_hooks_and_retain_grad():
    (x, tx) = both([1.0, -2.0])
    seen = {}
    for name, a in (("sg", x), ("torch", tx)):
        h = a * 3
        h.retain_grad()
        h.register_hook(lambda g, name=name: seen.update({name: g.detach().numpy().copy()}))
        a.register_hook(lambda g: g * 2)
        (h * h).sum().backward()
        assert a.grad is not None and h.grad is not None
    np.testing.assert_allclose(seen["sg"], seen["torch"])
    same(x.grad, tx.grad)
    assert np.allclose(x.grad.data, tx.grad.numpy())


def test_non_leaf_grad_is_none_without_retain_grad():
    (x, tx) = both([1.0, 2.0])
    hs = [x * 2, tx * 2]
    hs[0].sum().backward()
    hs[1].sum().backward()
    assert hs[0].grad is None and hs[1].grad is None
    assert hs[0].is_leaf == hs[1].is_leaf is False


def test_inputs_argument():
    (a, ta), (b, tb) = both(2.0), both(3.0)
    (a * b).backward(inputs=[a])
    (ta * tb).backward(inputs=[ta])
    same(a.grad, ta.grad)
    assert b.grad is None and tb.grad is None


def test_allow_unused():
    (a, ta), (b, tb) = both(2.0), both(3.0)
    for x, y, grad in ((a, b, sg.autograd_grad), (ta, tb, torch.autograd.grad)):
        with pytest.raises(RuntimeError, match="appears to not have been used"):
            grad(x * 2, [x, y], retain_graph=True)
        assert grad(x * 2, [x, y], allow_unused=True)[1] is None


def test_no_grad_update_loop():
    (w, tw) = both(rng.normal(size=3))
    for a, ng in ((w, sg.no_grad), (tw, torch.no_grad)):
        for _ in range(5):
            loss = ((a - 1.0) ** 2).sum()
            loss.backward()
            with ng():
                a -= 0.1 * a.grad
            a.grad = None
        assert a.is_leaf and a.requires_grad
    np.testing.assert_allclose(w.data, tw.detach().numpy())


def test_indexing_broadcasting_and_reductions():
    (x, tx) = both(rng.normal(size=(3, 4)))
    (v, tv) = both(rng.normal(size=4))
    for a, b in ((x, v), (tx, tv)):
        ((a[1:, ::2] * 2).sum() + (a * b).mean(dim=0).sum() + a.sum(dim=1, keepdim=True).max()
         + a.T.reshape(12)[5] + a.transpose(0, 1)[2, 1] + (a / (b.abs() + 1)).min()).backward()
    same(x.grad, tx.grad)
    same(v.grad, tv.grad)


def test_compiled_function_matches_torch():
    @srcgrad.function
    def loss(w, x):
        return np.mean(np.tanh(x @ w) ** 2)
    (w, tw) = both(rng.normal(size=(3, 2)))
    x = rng.normal(size=(5, 3))
    loss(w, x).backward()
    torch.mean(torch.tanh(torch.tensor(x) @ tw) ** 2).backward()
    same(w.grad, tw.grad)


def test_repr_matches_torch_for_the_tutorial_gradient():
    X, TX = both([[2, 4, 6], [2, 7, 9], [2, 4, 5]], dtype=np.float32)
    for a in (X, TX):
        for i in range(2):
            for j in range(3):
                (a[i, j] * a[i, j]).backward()
    assert repr(X.grad).replace(", dtype=float32", "") == repr(TX.grad)
