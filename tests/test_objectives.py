"""The benchmark objectives: right against ADBench, and srcgrad's gradients of them right.

1. Against the ADBench reference instances and golden values in
   ../shared/data/adbench (skipped when that directory is absent): GMM values
   and gradient, LSTM and bundle adjustment against independent reference
   implementations written here in ADBench's own formulation, and the seeded
   generators in benchmarks/data.py against the instances' shapes.
2. srcgrad's gradient of every objective, at small sizes, against finite
   differences (srcgrad.check_grad) and HIPS autograd running the same code;
   the hand-written gradients and the PyTorch twins against srcgrad.
3. The suite's own checking: a wrong gradient is reported as a mismatch.
"""

import math
import sys
from functools import partial
from pathlib import Path

import numpy as np
import pytest

import srcgrad

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import adbench, data, measure, tape  # noqa: E402
from benchmarks.numpy_switch import with_numpy  # noqa: E402
from benchmarks.objectives import (bundle_adjustment, gmm, long_model, lstm, mlp, rnn,  # noqa: E402
                                   scalar_loop, second_order)

ADBENCH = ROOT.parent / "shared" / "data" / "adbench"


def instance(name):
    path = ADBENCH / name
    if not path.is_file():
        pytest.skip(f"ADBench reference data not found at {path} (it lives outside the project)")
    return path


# --- 1. ADBench ------------------------------------------------------------------------------

def read_gmm(name):
    args = adbench.read_gmm(instance(name))
    args["tril"] = gmm.tril_index(args["x"].shape[1])
    return args


GMM_WRT = ("alphas", "means", "icf")
GMMS = [pytest.param(gmm.gmm_looped, id="looped"), pytest.param(gmm.gmm_vectorized, id="vectorized")]


@pytest.mark.parametrize("objective", GMMS)
def test_gmm_golden_value_and_alpha_gradient(objective):
    args = read_gmm("test.txt")
    assert objective(**args) == pytest.approx(8.07380408004975791, rel=1e-12)
    d_alphas = srcgrad.grad(objective, "alphas")(**args)
    np.testing.assert_allclose(d_alphas, [0.108662855508652456, -0.741270039523898472,
                                          0.632607184015246071], rtol=1e-5)


@pytest.mark.parametrize("objective", GMMS)
def test_gmm_golden_value_d2_k5(objective):
    assert objective(**read_gmm("gmm_d2_K5.txt")) == pytest.approx(-5240.590562549581, rel=1e-12)


def test_gmm_spellings_agree_on_d10_k25():
    args = read_gmm("gmm_d10_K25.txt")
    assert gmm.gmm_looped(**args) == pytest.approx(gmm.gmm_vectorized(**args), rel=1e-12)


def test_gmm_hand_gradient_on_test_instance():
    args = read_gmm("test.txt")
    for a, b in zip(gmm.gmm_vectorized_grad(**args), srcgrad.grad(gmm.gmm_vectorized, GMM_WRT)(**args)):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def reference_lstm(main, extra, state, seq):
    """ADBench's Python formulation: gates from one concatenated vector, state rows overwritten."""
    def sigmoid(v):
        return 1.0 / (1.0 + np.exp(-v))
    s = state.copy()
    h = s.shape[1]
    total, count = 0.0, 0
    for t in range(len(seq) - 1):
        x = seq[t] * extra[0]
        for i in range(0, len(main), 2):
            gates = np.concatenate((x, s[i], x, s[i])) * main[i] + main[i + 1]
            forget, ingate = sigmoid(gates[:h]), sigmoid(gates[h:2 * h])
            outgate, change = sigmoid(gates[2 * h:3 * h]), np.tanh(gates[3 * h:])
            s[i + 1] = s[i + 1] * forget + ingate * change
            s[i] = outgate * np.tanh(s[i + 1])
            x = s[i]
        ypred = x * extra[1] + extra[2]
        total += np.sum(seq[t + 1] * (ypred - np.log(np.sum(np.exp(ypred)))))
        count += h
    return -total / count


def test_lstm_matches_reference_formulation():
    args = adbench.read_lstm(instance("lstm_l2_c1024.txt"))
    assert lstm.lstm_objective(**args) == pytest.approx(reference_lstm(*args.values()), rel=1e-12)


def reference_ba_residuals(cam, X, w, feat):
    """ADBench's per-observation C++ formulation (Rodrigues with its small-angle branch)."""
    Xo = X - cam[3:6]
    rot = cam[0:3]
    sqtheta = rot @ rot
    if sqtheta != 0:
        theta = math.sqrt(sqtheta)
        axis = rot / theta
        Xcam = (Xo * math.cos(theta) + np.cross(axis, Xo) * math.sin(theta)
                + axis * (axis @ Xo) * (1 - math.cos(theta)))
    else:
        Xcam = Xo + np.cross(rot, Xo)
    p = Xcam[:2] / Xcam[2]
    rsq = p @ p
    p = p * (1 + cam[9] * rsq + cam[10] * rsq * rsq)
    proj = p * cam[6] + cam[7:9]
    return w * (proj - feat), 1 - w * w


def reference_ba(cams, points, weights, features, cam_index, point_index):
    total = 0.0
    for i in range(len(weights)):
        err, werr = reference_ba_residuals(cams[cam_index[i]], points[point_index[i]],
                                           weights[i], features[i])
        total += err @ err + werr * werr
    return total


def test_ba_matches_reference_formulation_on_ba1():
    args = adbench.read_ba(instance("ba1_n49_m7776_p31843.txt"))
    # The instance tiles one observation, so the reference needs to evaluate it once.
    err, werr = reference_ba_residuals(args["cams"][0], args["points"][0], args["weights"][0],
                                       args["features"][0])
    expected = len(args["weights"]) * (err @ err + werr * werr)
    assert bundle_adjustment.ba_objective(**args) == pytest.approx(expected, rel=1e-10)


def test_ba_matches_reference_on_generated_data():
    args = data.bundle_adjustment(data.generator(3), n=4, m=6, p=30)
    assert bundle_adjustment.ba_objective(**args) == pytest.approx(reference_ba(**args), rel=1e-12)


def _shapes(args):
    return {k: np.shape(v) for k, v in args.items()}


@pytest.mark.parametrize("name, make", [
    pytest.param("gmm_d2_K5.txt", partial(data.gmm, d=2, k=5), id="gmm-d2-K5"),
    pytest.param("gmm_d10_K25.txt", partial(data.gmm, d=10, k=25), id="gmm-d10-K25"),
])
def test_generated_gmm_has_instance_shapes(name, make):
    ref = read_gmm(name)
    assert _shapes(make(data.generator(0))) == _shapes(ref)


def test_generated_lstm_and_ba_have_instance_shapes():
    lstm_ref = adbench.read_lstm(instance("lstm_l2_c1024.txt"))
    assert _shapes(data.lstm(data.generator(0))) == _shapes(lstm_ref)
    ba_ref = adbench.read_ba(instance("ba1_n49_m7776_p31843.txt"))
    assert _shapes(data.bundle_adjustment(data.generator(0))) == _shapes(ba_ref)


# --- 2. gradients at small sizes -------------------------------------------------------------

def small(make, **sizes):
    return lambda: make(data.generator(7), **sizes)


CASES = [
    pytest.param(scalar_loop.scalar_loop, ("x",), small(data.scalar_loop, steps=20), id="scalar_loop"),
    pytest.param(mlp.mlp_loss, ("W1", "b1", "W2", "b2"),
                 small(data.mlp, batch=5, n_in=3, hidden=4, n_out=2), id="mlp"),
    pytest.param(rnn.rnn_loss, ("Wx", "Wh", "b", "Wy"), small(data.rnn, steps=6, n_in=3, hidden=4),
                 id="rnn"),
    pytest.param(gmm.gmm_looped, GMM_WRT, small(data.gmm, d=3, k=4, n=6), id="gmm_looped"),
    pytest.param(gmm.gmm_vectorized, GMM_WRT, small(data.gmm, d=3, k=4, n=6), id="gmm_vectorized"),
    pytest.param(lstm.lstm_objective, ("main_params", "extra_params"),
                 small(data.lstm, layers=2, chars=5, b=3), id="lstm"),
    pytest.param(bundle_adjustment.ba_objective, ("cams", "points", "weights"),
                 small(data.bundle_adjustment, n=3, m=4, p=10), id="bundle_adjustment"),
]


@pytest.mark.parametrize("objective, wrt, make", CASES)
def test_gradient_matches_finite_differences(objective, wrt, make):
    srcgrad.check_grad(objective, *make().values(), wrt=wrt, rtol=1e-5, atol=1e-6).assert_ok()


@pytest.mark.parametrize("objective, wrt, make", CASES)
def test_gradient_matches_autograd(objective, wrt, make):
    autograd = pytest.importorskip("autograd")
    import autograd.numpy as anp
    args = make()
    fn = with_numpy(objective, anp)

    def packed(ws):
        return fn(**{**args, **dict(zip(wrt, ws))})

    expected = autograd.grad(packed)(tuple(args[w] for w in wrt))
    got = srcgrad.grad(objective, wrt)(*args.values())
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("objective, hand, wrt, make", [
    pytest.param(mlp.mlp_loss, mlp.mlp_loss_grad, ("W1", "b1", "W2", "b2"),
                 small(data.mlp, batch=5, n_in=3, hidden=4, n_out=2), id="mlp"),
    pytest.param(gmm.gmm_vectorized, gmm.gmm_vectorized_grad, GMM_WRT,
                 small(data.gmm, d=3, k=4, n=6), id="gmm_vectorized"),
    pytest.param(lstm.lstm_objective, lstm.lstm_objective_grad, ("main_params", "extra_params"),
                 small(data.lstm, layers=2, chars=5, b=3), id="lstm"),
])
def test_hand_written_gradient_matches_srcgrad(objective, hand, wrt, make):
    args = make()
    for h, g in zip(hand(*args.values()), srcgrad.grad(objective, wrt)(*args.values())):
        np.testing.assert_allclose(h, g, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("objective, wrt, make", CASES)
def test_torch_twin_computes_the_same(objective, wrt, make):
    pytest.importorskip("torch")
    from benchmarks import tools
    args = make()
    run, as_arrays = tools.prepare("torch", tools_bench(objective, wrt), args)
    expected = srcgrad.grad(objective, wrt)(*args.values())
    for t, e in zip(as_arrays(run()), expected):
        np.testing.assert_allclose(t, e, rtol=1e-9, atol=1e-12)


LONG_WRT = ("W_in", "b_in", "W_q", "W_k", "W_v", "W_o", "gain", "shift", "W_ff1", "W_ff2", "W_rec",
            "W_out")


@pytest.mark.parametrize("seed", [1, 2])
def test_long_model_gradient(seed):
    """The compile section's 100-line model: finite differences and autograd."""
    args = data.long_model(data.generator(seed), n=5, d_in=3, width=4, classes=3)
    srcgrad.check_grad(long_model.long_model, *args.values(), wrt=LONG_WRT,
                       rtol=1e-5, atol=1e-6).assert_ok()
    autograd = pytest.importorskip("autograd")
    import autograd.numpy as anp
    fn = with_numpy(long_model.long_model, anp)
    expected = autograd.grad(lambda ws: fn(**{**args, **dict(zip(LONG_WRT, ws))}))(
        tuple(args[w] for w in LONG_WRT))
    for got, want in zip(srcgrad.grad(long_model.long_model, LONG_WRT)(*args.values()), expected):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)


def test_long_model_is_a_hundred_lines():
    import inspect
    assert len(inspect.getsourcelines(long_model.long_model)[0]) >= 100


def tools_bench(objective, wrt):
    from benchmarks.suite import Benchmark
    return Benchmark(objective.__name__, objective, wrt, None)


def test_second_order_objectives_gradients():
    rng = data.generator(5)
    srcgrad.check_grad(second_order.rosenbrock, rng.uniform(-1, 1.5, 6)).assert_ok()
    m = data.mlp(rng, batch=4, n_in=3, hidden=4, n_out=2)
    theta = np.concatenate([m[k].ravel() for k in ("W1", "b1", "W2", "b2")])
    assert mlp.mlp_flat(theta, m["x"], m["y"], 4) == pytest.approx(
        mlp.mlp_loss(m["W1"], m["b1"], m["W2"], m["b2"], m["x"], m["y"]), rel=1e-14)
    srcgrad.check_grad(mlp.mlp_flat_at(m["x"], m["y"], 4), theta).assert_ok()
    x0, W = rng.normal(size=3), rng.normal(size=(3, 3))
    w = rng.normal(size=3)
    srcgrad.check_grad(euler_readout, x0, W, w).assert_ok()


def euler_readout(x0, W, w):
    """A scalar view of the Euler integrator (weights on the final state), for check_grad."""
    return np.sum(second_order.euler(x0, W, steps=5) * w)


# --- 3. the suite's own checking -----------------------------------------------------------

def test_cross_check_reports_a_wrong_gradient():
    good = (np.array([1.0, 2.0]), np.array([[3.0]]))
    assert measure.agree(good, good) is None
    assert measure.agree((good[0] * (1 + 1e-12), good[1]), good) is None
    wrong = (np.array([1.0, 2.001]), good[1])
    assert "gradient 0 at (1,)" in measure.agree(wrong, good)
    assert measure.agree((np.array([1.0, np.nan]), good[1]), good) is not None
    assert "shape" in measure.agree((good[0][:1], good[1]), good)


def test_tape_measure_counts_new_objects_only():
    x = np.ones(100)
    saved = np.zeros(10)
    size = tape.measure((x, [1.5, 2.5], saved, x[:5]), args=[x])
    assert size.values == 2 + 10
    assert size.bytes >= saved.nbytes + 2 * sys.getsizeof(1.5)
