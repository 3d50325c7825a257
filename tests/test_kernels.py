"""The array kernels backward code runs most (runtime/kernels.py) and the fast paths
around them: each agrees with NumPy's own spelling, and gradients that go through
them agree with finite differences."""

import itertools

import numpy as np
import pytest

import srcgrad
from srcgrad import runtime
from srcgrad.runtime import kernels, ops

# --- the kernels against NumPy ------------------------------------------------------------

def _outer_pairs(kind, rng):
    vec = lambda n: rng.standard_normal(n)
    if kind == "vectors":
        return [(vec(4), vec(3)) for _ in range(6)]
    if kind == "complex":
        return [(vec(4) + 1j * vec(4), vec(3)) for _ in range(5)]
    if kind == "lengths differ":
        return [(vec(4), vec(3)), (vec(1), vec(3)), (vec(4), vec(1))]
    if kind == "zero stand-in":
        return [(vec(4), vec(3)), (vec(4), 0), (vec(4), vec(3))]
    if kind == "matrices":
        return [(rng.standard_normal((4, 2)), vec(2)) for _ in range(3)]
    return [(vec(4), vec(3))]


KINDS = ["vectors", "complex", "lengths differ", "zero stand-in", "matrices", "one"]


@pytest.mark.parametrize("kind", KINDS)
def test_outer_sum_matches_adding_one_by_one(kind):
    pairs = _outer_pairs(kind, np.random.default_rng(5))
    want = 0
    for a, b in pairs:
        want = want + a[:, None] * b
    firsts, seconds = zip(*pairs)
    got = kernels.outer_sum(kernels.stack_rows(list(firsts)), kernels.stack_rows(list(seconds)))
    assert np.shape(got) == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_row_sum_matches_adding_one_by_one(kind):
    rows = [b for _, b in _outer_pairs(kind, np.random.default_rng(6))]
    want = 0
    for v in rows:
        want = want + v
    got = kernels.row_sum(kernels.stack_rows(rows))
    assert np.shape(got) == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_rows_stack_only_when_all_are_vectors_of_one_shape():
    rng = np.random.default_rng(7)
    vectors = [rng.standard_normal(3) for _ in range(4)]
    assert kernels.stack_rows(vectors).shape == (4, 3)
    for rows in ([vectors[0], rng.standard_normal(2)], [vectors[0], 0], [np.ones((2, 3))], []):
        assert kernels.stack_rows(rows) is rows
    stacked = kernels.stack_rows(vectors)[1:]           # rows stacked already are kept
    assert kernels.stack_rows(stacked) is stacked


def test_sums_of_nothing_are_no_gradient():
    assert kernels.outer_sum(kernels.stack_rows([]), kernels.stack_rows([])) == 0
    assert kernels.row_sum(kernels.stack_rows([])) == 0


def _one_by_one(acc, x, terms):
    for index, a, b in terms:
        acc = runtime.add_at(acc, x, index, a[:, None] * b)
    return acc


def _assert_same_adjoint(got, want):
    assert type(got) is type(want)
    for g, w in zip(got, want) if type(want) is list else [(got, want)]:
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("target", ["array", "array adjoint so far", "list", "list adjoint so far"])
@pytest.mark.parametrize("indexes", [[2, 0, 2, 1, 2], [1]], ids=["ints", "one"])
def test_outer_sums_at_matches_add_at_one_by_one(target, indexes):
    rng = np.random.default_rng(3)
    terms = [(i, rng.standard_normal(4), rng.standard_normal(3)) for i in indexes]
    if target.startswith("array"):
        x = rng.standard_normal((3, 4, 3))
        start = (lambda: 0) if target == "array" else (lambda: np.ones((3, 4, 3)))
    else:
        x = [rng.standard_normal((4, 3)) for _ in range(3)]
        start = (lambda: [0] * 3) if target == "list" else (lambda: [np.ones((4, 3)) for _ in x])
    _assert_same_adjoint(runtime.outer_sums_at(start(), x, terms), _one_by_one(start(), x, terms))


def test_outer_sums_at_adds_slices_one_at_a_time():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((6, 3))
    terms = [(index, rng.standard_normal(2), rng.standard_normal(3))
             for index in (slice(1, 3), slice(4, 6), slice(1, 3))]
    _assert_same_adjoint(runtime.outer_sums_at(0, x, terms), _one_by_one(0, x, terms))


def _dots_one_by_one(acc, x, terms, subtract):
    update = runtime.sub_at if subtract else runtime.add_at
    for index, a, m in terms:
        acc = update(acc, x, index, np.dot(a, m))
    return acc


@pytest.mark.parametrize("subtract", [False, True], ids=["add", "subtract"])
@pytest.mark.parametrize("target", ["array", "array adjoint so far", "list"])
def test_dot_sums_at_matches_add_at_one_by_one(target, subtract):
    rng = np.random.default_rng(5)
    shared = [rng.standard_normal((4, 3)) for _ in range(3)]
    # repeated (index, matrix) pairs are summed first; an index meeting two matrices and
    # a slice are not
    terms = [(i, rng.standard_normal(4), shared[i]) for i in [2, 0, 2, 1, 2, 0]]
    terms += [(1, rng.standard_normal(4), shared[1].copy()),
              (slice(0, 2), rng.standard_normal(4), shared[2])]
    if target.startswith("array"):
        x = rng.standard_normal((3, 3))
        start = (lambda: 0) if target == "array" else (lambda: np.ones((3, 3)))
    else:
        x = [rng.standard_normal(3) for _ in range(3)]
        start = lambda: [0] * 3        # noqa: E731
        terms = [t for t in terms if type(t[0]) is int]
    _assert_same_adjoint(runtime.dot_sums_at(start(), x, terms, subtract),
                         _dots_one_by_one(start(), x, terms, subtract))


def test_dot_sums_at_of_nothing_leaves_the_adjoint():
    assert runtime.dot_sums_at(0, np.ones((2, 3)), []) == 0
    acc = np.ones((2, 3))
    assert runtime.dot_sums_at(acc, acc, [(1, 0, np.ones((4, 3)))] * 2) is acc
    np.testing.assert_array_equal(acc, np.ones((2, 3)))


CONTRACTIONS = [
    ("nki,kij->nkj", (7, 3, 2), (3, 2, 2)),
    ("ij,jk->ik", (4, 5), (5, 6)),
    ("i,i->", (5,), (5,)),
    ("ij,kl->ijkl", (2, 3), (4, 5)),
    ("abc,cb->a", (3, 4, 5), (5, 4)),
    ("ijk,j->ik", (2, 3, 4), (3,)),
    ("nki,nkj->kij", (6, 3, 2), (6, 3, 2)),
    ("ab,b->ba", (3, 4), (4,)),
    ("ab,c->", (3, 4), (5,)),
    ("ab,ab->ab", (3, 4), (3, 4)),
    ("ab,bc->ac", (3, 1), (4, 2)),          # size-1 broadcasting: NumPy's einsum does it
    ("ii,ij->j", (3, 3), (3, 4)),           # a repeated index: NumPy's einsum does it
]


@pytest.mark.parametrize("spec,sa,sb", CONTRACTIONS, ids=[c[0] for c in CONTRACTIONS])
def test_contract_matches_einsum(spec, sa, sb):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(sa), rng.standard_normal(sb)
    got, want = kernels.contract(spec, a, b), np.einsum(spec, a, b)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_contract_complex_and_noncontiguous():
    rng = np.random.default_rng(1)
    a = (rng.standard_normal((4, 6, 3)) + 1j * rng.standard_normal((4, 6, 3))).transpose(1, 0, 2)
    b = rng.standard_normal((4, 3, 2))
    np.testing.assert_allclose(kernels.contract("nki,kij->nkj", a, b),
                               np.einsum("nki,kij->nkj", a, b), rtol=1e-12)


@pytest.mark.parametrize("shape", [(64, 8), (3, 4, 5, 6), (100, 2), (2, 100), (8, 8, 8), (5,)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128])
def test_sum_axes_matches_sum(shape, dtype):
    rng = np.random.default_rng(2)
    g = rng.standard_normal(shape).astype(dtype)
    for views in (g, g.T):           # contiguous and not
        for k in range(1, views.ndim):
            for axes in itertools.combinations(range(views.ndim), k):
                got, want = kernels.sum_axes(views, list(axes)), views.sum(axis=axes)
                assert got.shape == want.shape and got.dtype == want.dtype
                if dtype is np.float32:     # both round in float32, in different orders
                    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
                else:
                    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("rows,tail", [(49, (11,)), (10, ()), (7, (2, 3)), (3, (40,))])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_scatter_rows_matches_add_at(rows, tail, dtype):
    rng = np.random.default_rng(3)
    index = rng.integers(0, rows, 1000)
    g = rng.standard_normal((1000,) + tail)
    acc = rng.standard_normal((rows,) + tail).astype(dtype)
    want = acc.copy()
    np.add.at(want, index, g.astype(dtype))
    done = kernels.scatter_rows(acc, index, g)
    assert done == (int(np.prod(tail)) <= 32)
    if done:
        if dtype is np.float32:         # bincount sums in float64: closer than add.at
            np.testing.assert_allclose(acc, want, rtol=1e-4, atol=1e-4)
        else:
            np.testing.assert_allclose(acc, want, rtol=1e-12, atol=1e-12)


def test_scatter_rows_leaves_wrapping_and_errors_to_numpy():
    acc = np.zeros((5, 2))
    g = np.ones((300, 2))
    assert not kernels.scatter_rows(acc, np.full(300, -1), g)      # negative: NumPy wraps
    with pytest.raises(IndexError):
        runtime.add_at(acc, acc, np.full(300, 5), g)                # out of range: NumPy raises
    out = runtime.add_at(np.zeros((5, 2)), acc, np.full(300, -1), g)
    np.testing.assert_array_equal(out[4], [300.0, 300.0])


def test_spread_small_is_a_fresh_array_large_a_view():
    small = kernels.spread(np.float64(2.0), (4, 3))
    assert small.flags.writeable and small.base is None and (small == 2.0).all()
    big = kernels.spread(np.float64(2.0), (200, 100))
    assert big.shape == (200, 100) and not big.flags.writeable and (big == 2.0).all()


def test_broadcast_back_and_tie_split_match_their_definitions():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((5, 4, 3))
    g = rng.standard_normal((5, 3))
    np.testing.assert_array_equal(runtime.broadcast_back(g, x, 1),
                                  np.broadcast_to(np.expand_dims(g, 1), x.shape))
    np.testing.assert_array_equal(runtime.broadcast_back(2.0, x), np.full(x.shape, 2.0))
    x[0, 0, 0] = x[0, 0, 1] = 9.0                                   # a tie
    split = ops.tie_split(x, np.max(x))
    assert split[0, 0, 0] == split[0, 0, 1] == 0.5 and split.sum() == 1.0
    z = np.max(x, axis=2)
    np.testing.assert_allclose(ops.tie_split(x, z, 2).sum(axis=2), 1.0)


def test_add_at_fast_path_keeps_the_general_semantics():
    acc = np.zeros(4)
    assert runtime.add_at(acc, acc, 1, 2.5) is acc and acc[1] == 2.5
    runtime.add_at(acc, acc, slice(1, 3), np.ones(2))
    np.testing.assert_array_equal(acc, [0.0, 3.5, 1.0, 0.0])
    frozen = np.broadcast_to(np.zeros(4), (4,))                     # never written through
    out = runtime.add_at(frozen, frozen, 0, 1.0)
    assert out is not frozen and out[0] == 1.0 and frozen[0] == 0.0
    promoted = runtime.add_at(np.zeros(2), np.zeros(2), 0, 1j)      # complex into real
    assert promoted.dtype.kind == "c" and promoted[0] == 1j


# --- gradients through them, against finite differences -----------------------------------

def batched_einsum(L, v):
    return np.sum(np.tanh(np.einsum("kij,nkj->nki", L, v)) ** 2)


def three_operand_einsum(a, b, c):
    return np.sum(np.einsum("ij,jk,k->i", a, b, c) ** 2)


def private_index_einsum(a, b):
    # `c` appears only in b: its cotangent is contracted, then spread back over `c`
    return np.sum(np.einsum("ab,bc->a", a, b) ** 2)


def gather_rows(table, idx, w):
    rows = table[idx]
    return np.sum(w[:, None] * rows * rows)


def short_axis_sums(x, b):
    s = np.sum(x * x, axis=1, keepdims=True)
    return np.sum(np.sin(s + b) * x) + np.mean(x + b)


def max_per_row(x):
    top = np.max(x, axis=1, keepdims=True)
    return np.sum(np.log(np.sum(np.exp(x - top), axis=1)) + top[:, 0]) + np.max(x)


def vector_matrix_loop(W, v, n):
    h = v
    for _ in range(n):
        h = np.tanh(h @ W) + W @ h
    return h @ h


def elements_in_a_loop(a, w):
    total = 0.0
    for j in range(a.shape[0]):
        total = total + a[j] * w[j] + np.sum(a[1:3]) * w[j]
    return total


def _random_args(name, rng):
    if name == "batched_einsum":
        return (rng.standard_normal((3, 2, 2)), rng.standard_normal((6, 3, 2))), (0, 1)
    if name == "three_operand_einsum":
        return (rng.standard_normal((3, 4)), rng.standard_normal((4, 5)), rng.standard_normal(5)), (0, 1, 2)
    if name == "private_index_einsum":
        return (rng.standard_normal((3, 4)), rng.standard_normal((4, 5))), (0, 1)
    if name == "gather_rows":
        return (rng.standard_normal((7, 3)), rng.integers(0, 7, 400), rng.uniform(0.5, 1.5, 400)), (0, 2)
    if name == "short_axis_sums":
        return (rng.standard_normal((300, 2)), rng.standard_normal((300, 1))), (0, 1)
    if name == "max_per_row":
        return (rng.standard_normal((40, 5)),), (0,)
    if name == "vector_matrix_loop":
        return (0.3 * rng.standard_normal((4, 4)), rng.standard_normal(4), 3), (0, 1)
    return (rng.standard_normal(6), rng.standard_normal(6)), (0, 1)


FUNCTIONS = [batched_einsum, three_operand_einsum, private_index_einsum, gather_rows, short_axis_sums, max_per_row,
             vector_matrix_loop, elements_in_a_loop]


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("seed", range(3))
def test_gradient_matches_finite_differences(fn, seed):
    args, wrt = _random_args(fn.__name__, np.random.default_rng(seed))
    report = srcgrad.check_grad(fn, *args, wrt=wrt)
    assert report.ok, str(report)


# --- the positional fast path of grad() ------------------------------------------------------

def weighted(x, w, scale=2.0):
    return scale * np.sum(w * x * x)


def test_positional_and_keyword_calls_agree_and_respecialize():
    g = srcgrad.grad(weighted, wrt=(0, 1))
    x, w = np.arange(3.0), np.ones(3)
    a = g(x, w, 2.0)
    b = g(x, w=w)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    s = g(1.5, 2.0, 2.0)                          # new kinds: floats, compiled again
    assert s == (2.0 * 2 * 2.0 * 1.5, 2.0 * 1.5 * 1.5)


def test_positional_path_still_rejects_integer_inputs():
    g = srcgrad.grad(weighted, wrt=0)
    with pytest.raises(srcgrad.SrcgradError, match="dtype int64"):
        g(np.arange(3), np.ones(3), 1.0)
    with pytest.raises(srcgrad.SrcgradError, match="integer"):
        g(3, np.ones(3), 1.0)


def add_both(x, y):
    return np.sum(x + y)


def test_gradients_never_share_memory():
    # one adjoint serves both inputs of `x + y`; the arrays handed back are separate
    gx, gy = srcgrad.grad(add_both, wrt=(0, 1))(np.ones(3), np.ones(3))
    assert not np.shares_memory(gx, gy)
    gx[0] = 5.0
    assert gy[0] == 1.0
    _, pullback = srcgrad.vjp(add_both, np.ones(3), np.ones(3), wrt=(0, 1))
    px, py = pullback(1.0)
    assert not np.shares_memory(px, py) and (px == 1.0).all() and (py == 1.0).all()


# --- two-operand einsum in the forward sweep ---------------------------------------------------

def implicit_einsum(a, b):
    return np.sum(np.einsum("ij,jk", a, b) ** 2)


def test_forward_sweep_plans_two_operand_einsum():
    args, _ = _random_args("batched_einsum", np.random.default_rng(1))
    forward = srcgrad.source(batched_einsum, (0, 1)).split("def batched_einsum_backward")[0]
    assert "contract('kij,nkj->nki', L, v)" in forward
    value, _ = srcgrad.value_and_grad(batched_einsum, (0, 1))(*args)
    np.testing.assert_allclose(value, batched_einsum(*args), rtol=1e-13)
    for fn, wrt in ((implicit_einsum, (0, 1)), (three_operand_einsum, (0, 1, 2))):
        assert "contract(" not in srcgrad.source(fn, wrt).split("_backward")[0]


@pytest.mark.parametrize("operands", ["ints", "bools", "lists", "mixed"])
def test_contract_hands_other_types_to_einsum(operands):
    rng = np.random.default_rng(2)
    a, b = rng.integers(-3, 4, (3, 4)), rng.integers(-3, 4, (4, 2))
    if operands == "bools":
        a, b = a > 0, b > 0
    elif operands == "lists":
        a, b = a.tolist(), b.tolist()
    elif operands == "mixed":
        a = a.astype(float)
    got, want = kernels.contract("ij,jk->ik", a, b), np.einsum("ij,jk->ik", a, b)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


# --- direct paths of the general helpers ------------------------------------------------------

@pytest.mark.parametrize("x", [1.5, np.float64(2.0), 3, np.float32(1.0)], ids=type)
@pytest.mark.parametrize("g", [np.arange(5.0) - 1.5, np.arange(4.0).reshape(2, 2), (np.arange(3.0) + 1j)],
                         ids=["vector", "matrix", "complex"])
def test_unbroadcast_to_a_number_is_the_sum(g, x):
    out = runtime.unbroadcast(g, x)
    assert np.shape(out) == () and out == np.sum(g)


@pytest.mark.parametrize("g, obj", [
    (np.array([1.0, -2.0, 3.5]), [0.1, 0.2, 0.3]),
    (np.array([1.0 + 2j, -1j]), [1j, 2.0]),
    (np.arange(4.0).reshape(2, 2), [[1.0, 2.0], [3.0, 4.0]]),
    (np.arange(4.0).reshape(2, 2), [np.ones(2), np.ones(2)]),
], ids=["numbers", "complex", "nested", "arrays"])
def test_array_grad_splits_like_the_list(g, obj):
    out = ops.array_grad(g, obj)
    assert isinstance(out, list) and len(out) == len(obj)
    for i, part in enumerate(out):
        assert np.array_equal(np.asarray(part), g[i])
        assert np.shape(part) == np.shape(obj[i])


def test_add_at_into_a_list_adjoint():
    xs = [np.ones(2), np.ones(2), 4.0]
    acc = runtime.add_at(0, xs, 1, np.array([1.0, 2.0]))
    acc = runtime.add_at(acc, xs, 1, np.array([0.5, 0.5]))
    acc = runtime.add_at(acc, xs, -1, 2.0)
    acc = runtime.add_at(acc, xs, 0, 0)
    assert acc[0] == 0 and acc[2] == 2.0
    assert np.array_equal(acc[1], [1.5, 2.5])


def test_add_at_into_a_returned_tuple_adjoint():
    out = (np.ones(2), [np.ones(2)], 4.0)           # what `a, hs, s = f(...)` unpacks
    g = np.array([1.0, 2.0])
    assert runtime.add_at(0, out, 2, 0) == 0          # no gradient stays the plain 0
    acc = runtime.add_at(0, out, 2, 1.5)
    assert acc == [0, 0, 1.5]
    acc = runtime.add_at(acc, out, 1, [g])
    acc = runtime.add_at(acc, out, 0, g)
    acc = runtime.add_at(acc, out, 0, g)
    assert acc[1][0] is g and np.array_equal(acc[0], 2 * g) and np.array_equal(g, [1.0, 2.0])
    with pytest.raises(IndexError):
        runtime.add_at(0, out, 3, g)


def list_of_numbers(a):
    terms = []
    for j in range(3):
        terms.append(a[j] * a[j + 1])
    row = np.array(terms)
    return np.sum(np.exp(row - np.max(row))) + terms[1] * 2.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_list_of_numbers_through_np_array(seed):
    a = np.random.default_rng(seed).normal(size=4)
    report = srcgrad.check_grad(list_of_numbers, a)
    assert report.ok, str(report)


@pytest.mark.parametrize("shape, index, g", [
    ((6,), slice(2, 5), np.array([1.0, 2.0, 3.0])), ((6,), slice(None, None, 2), np.array([7.0])),
    ((3, 2), 1, np.array([4.0, 5.0])), ((3, 2), -1, np.array([0.5, 0.25])),
    ((3, 4), (slice(None), 1), np.array([1.0, 2.0, 3.0])),
    ((3, 4), (slice(None), slice(0, 2)), np.arange(6.0).reshape(3, 2))],
    ids=["slice", "broadcast", "row", "last-row", "column", "block"])
def test_add_at_into_a_fresh_accumulator(shape, index, g):
    x = np.ones(shape)
    out = runtime.add_at(0, x, index, g)
    expected = np.zeros_like(x)
    expected[index] += g
    assert out.dtype == x.dtype and np.array_equal(out, expected)
    again = runtime.add_at(out, x, index, g)
    expected[index] += g
    assert np.array_equal(again, expected)


@pytest.mark.parametrize("acc, index, g", [
    (lambda: np.ones((3, 2)), 1, np.array([0.5, 2.0])),
    (lambda: np.ones(6), slice(1, 4), np.array([1.0, 2.0, 3.0])),
    (lambda: 0, (slice(None), 0), np.array([1.0, 2.0, 3.0])),
    (lambda: np.broadcast_to(np.ones(2), (3, 2)), 0, np.array([1.0, 1.0])),
    (lambda: np.ones((3, 2)), 2, np.array([1j, 2.0])),
    (lambda: np.ones(6), np.array([1, 1, 4]), np.array([1.0, 2.0, 3.0])),
], ids=["row", "slice", "fresh", "read-only", "complex", "repeated"])
def test_sub_at_is_add_at_of_the_negation(acc, index, g):
    x = np.ones((3, 2)) if not isinstance(index, slice) and not isinstance(index, np.ndarray) else np.ones(6)
    if isinstance(index, tuple):
        x = np.ones((3, 2))
    expected = runtime.add_at(acc(), x, index, -g)
    got = runtime.sub_at(acc(), x, index, g)
    assert np.array_equal(got, expected) and got.dtype == expected.dtype


@pytest.mark.parametrize("make, index, g", [
    (lambda: np.arange(6.0), 2, 1.5),                                   # one element of a vector
    (lambda: np.arange(6.0), -1, np.float64(2.0)),
    (lambda: np.arange(12.0).reshape(3, 4), (1, 2), 0.5),               # one element of a matrix
    (lambda: np.arange(12.0).reshape(3, 4), (1, slice(1, 3)), np.array([1.0, 2.0])),
    (lambda: np.arange(12.0).reshape(3, 4), (slice(None), 0), np.array([1.0, 2.0, 3.0])),
    (lambda: np.arange(24.0).reshape(2, 3, 4), (0, 1), np.ones(4)),
    (lambda: np.arange(12.0).reshape(3, 4), slice(0, 2), np.ones(4)),   # g broadcasts into rows
    (lambda: np.arange(6.0, dtype=np.float32), slice(0, 2), np.ones(2, np.float32)),
    (lambda: np.arange(6.0, dtype=np.float32), slice(0, 2), np.ones(2)),  # float64 into float32
], ids=["vector-item", "vector-last", "matrix-item", "row-part", "column", "3d-row", "broadcast",
        "float32", "widen"])
@pytest.mark.parametrize("helper, sign", [(runtime.add_at, 1), (runtime.sub_at, -1)])
def test_in_place_updates_match_numpy(make, index, g, helper, sign):
    acc = make()
    expected = make()
    expected[index] += sign * g
    got = helper(acc, acc, index, g)
    assert got.dtype == expected.dtype and np.array_equal(got, expected)


@pytest.mark.parametrize("helper", [runtime.add_at, runtime.sub_at])
def test_in_place_updates_leave_read_only_arrays_alone(helper):
    base = np.arange(4.0)
    frozen = np.broadcast_to(base, (3, 4))
    out = helper(frozen, frozen, (1, slice(0, 2)), np.ones(2))
    assert out is not frozen and np.array_equal(base, np.arange(4.0))
    sign = 1 if helper is runtime.add_at else -1
    assert np.array_equal(out[1], base + sign * np.array([1.0, 1.0, 0.0, 0.0]))
    with pytest.raises(ValueError):                                     # shapes that do not fit
        helper(np.zeros((3, 4)), frozen, 1, np.ones(3))


def _extremum_by_definition(g, x, z, axis, keepdims):
    return runtime.broadcast_back(g, x, axis, keepdims) * ops.tie_split(x, z, axis, keepdims)


@pytest.mark.parametrize("reduce, axis, keepdims", [
    (np.max, None, False), (np.min, None, False), (np.max, None, True),
    (np.max, 1, False), (np.min, 0, True), (np.max, (0, 2), False)])
@pytest.mark.parametrize("ties", [False, True])
def test_extremum_grad_is_broadcast_back_times_tie_split(reduce, axis, keepdims, ties):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((3, 4, 2))
    if ties:
        x = np.round(x)                                 # many equal values, so ties everywhere
    z = reduce(x, axis=axis, keepdims=keepdims)
    g = rng.standard_normal(np.shape(z)) if np.ndim(z) else rng.standard_normal()
    got = ops.extremum_grad(g, x, z, axis, keepdims)
    np.testing.assert_allclose(got, _extremum_by_definition(g, x, z, axis, keepdims), rtol=1e-15)
    assert got.shape == x.shape and got.dtype == np.float64


def test_extremum_grad_edge_cases():
    x = np.array([1.0, 3.0, 3.0], dtype=np.float32)
    one, two = ops.extremum_grad(np.float32(2.0), x[:2], np.max(x[:2])), \
        ops.extremum_grad(np.float32(2.0), x, np.max(x))
    assert one.dtype == two.dtype == np.float32                # a tie does not change the dtype
    np.testing.assert_array_equal(two, [0.0, 1.0, 1.0])
    assert ops.extremum_grad(0, x, np.max(x)) == 0
    with np.errstate(invalid="ignore", divide="ignore"):
        nan = ops.extremum_grad(1.0, np.array([1.0, np.nan]), np.nan)
    assert np.isnan(nan).all()                                 # as the definition gives
    assert ops.extremum_grad(2.0, 4.0, 4.0) == 2.0             # a number


def test_list_adjoint_helpers_on_lists_and_zeros():
    acc = [1.0, np.ones(2)]
    assert runtime.last_grad(acc) is acc[1]
    assert runtime.drop_last(acc) is acc and acc == [1.0]
    assert runtime.last_grad(runtime.drop_last(acc)) == 0 and acc == []
    assert runtime.drop_last([]) == [] and runtime.last_grad([]) == 0
    assert runtime.last_grad(0) == 0 and runtime.drop_last(0) == 0
    assert runtime.add(1.5, 2.25) == 3.75 and runtime.add(0.0, [1.0]) == [1.0]
    assert runtime.add(np.float64(1.5), 2.0) == 3.5


# --- tape_steps and by_step: the values a backward loop's steps restore, all at once ---------

def _popping_loop(entries, steps, every, nth, first):
    """What a loop popping `every` entries a step sees of its `nth` pop's variable: the
    value before that pop (first step: `first`) and after it, step by step."""
    pop, v = list(entries).pop, first
    before, after = [], []
    for _ in range(steps):
        for k in range(every):
            if k == nth:
                before.append(v)
                v = pop()
                after.append(v)
            else:
                pop()
    return before, after


@pytest.mark.parametrize("steps, every, nth", [(0, 2, 0), (1, 1, 0), (4, 2, 0), (4, 2, 1),
                                               (3, 3, 2), (5, 1, 0)])
def test_tape_steps_are_what_the_loop_pops(steps, every, nth):
    entries = ["older", "entries"] + [f"e{i}" for i in range(steps * every)]
    before, after = _popping_loop(entries, steps, every, nth, "start")
    assert kernels.tape_steps(entries, steps, every, nth) == after
    assert kernels.tape_steps(entries, steps, every, nth, first="start") == before
    with_none = kernels.tape_steps(entries, steps, every, nth, first=None)
    assert with_none[:1] == ([None] if steps else [])
    whole = kernels.tape_steps(entries, steps, every, nth, first="start", whole=True)
    assert whole[:-1] == before and whole[1:] == after and len(whole) == steps + 1


def test_by_step_stacks_vectors_of_one_shape():
    rng = np.random.default_rng(3)
    a, b = [rng.standard_normal(4) for _ in range(5)], [rng.standard_normal(4) for _ in range(5)]
    out = kernels.by_step(lambda x, y: 1 - x * y / 2, a, b)
    assert type(out) is np.ndarray and out.shape == (5, 4)
    for row, x, y in zip(out, a, b):
        np.testing.assert_array_equal(row, 1 - x * y / 2)
    f32 = kernels.by_step(lambda x: -x, [v.astype(np.float32) for v in a])
    assert f32.dtype == np.float32


@pytest.mark.parametrize("rows", [[np.ones(3), np.ones(1), np.ones(3)], [0.5, 1.5],
                                  [np.ones((2, 2)), np.ones((2, 2))], []], ids=["ragged", "floats",
                                                                             "matrices", "none"])
def test_by_step_goes_one_step_at_a_time_otherwise(rows):
    out = kernels.by_step(lambda x: 1 - x * x, rows)
    assert type(out) is list and len(out) == len(rows)
    for got, x in zip(out, rows):
        np.testing.assert_array_equal(got, 1 - x * x)
