"""The benchmark rows: objective, what to differentiate, seeded inputs, peers' versions."""

from dataclasses import dataclass
from functools import partial

from . import data
from .objectives import bundle_adjustment, gmm, long_model, lstm, mlp, rnn, scalar_loop


@dataclass
class Benchmark:
    name: str            # row label, with the sizes
    fn: object           # the NumPy objective srcgrad and autograd differentiate
    wrt: tuple           # parameter names to differentiate
    make: object         # rng -> arguments, a dict in parameter order
    hand: object = None  # hand-written gradient, same arguments, returns a tuple

    @property
    def key(self):
        return self.fn.__name__


def benchmarks(quick=False):
    """Every row. Quick mode shortens the objectives whose peers take seconds per call
    (looped GMM: fewer points; LSTM: fewer characters); the labels say so."""
    n_small, n_large = (100, 40) if quick else (1000, 1000)
    chars = 128 if quick else 1024
    gmm_wrt = ("alphas", "means", "icf")
    return [
        Benchmark("scalar loop, 1000 steps", scalar_loop.scalar_loop, ("x",), data.scalar_loop),
        Benchmark("MLP 32-128-8, batch 64", mlp.mlp_loss, ("W1", "b1", "W2", "b2"), data.mlp,
                  hand=mlp.mlp_loss_grad),
        Benchmark("RNN, 50 steps, hidden 16", rnn.rnn_loss, ("Wx", "Wh", "b", "Wy"), data.rnn),
        Benchmark(f"GMM looped d=2 K=5 n={n_small}", gmm.gmm_looped, gmm_wrt,
                  partial(data.gmm, d=2, k=5, n=n_small)),
        Benchmark(f"GMM looped d=10 K=25 n={n_large}", gmm.gmm_looped, gmm_wrt,
                  partial(data.gmm, d=10, k=25, n=n_large)),
        Benchmark("GMM vectorized d=2 K=5 n=1000", gmm.gmm_vectorized, gmm_wrt,
                  partial(data.gmm, d=2, k=5), hand=gmm.gmm_vectorized_grad),
        Benchmark("GMM vectorized d=10 K=25 n=1000", gmm.gmm_vectorized, gmm_wrt,
                  partial(data.gmm, d=10, k=25), hand=gmm.gmm_vectorized_grad),
        Benchmark(f"LSTM l=2 c={chars} b=14", lstm.lstm_objective, ("main_params", "extra_params"),
                  partial(data.lstm, chars=chars), hand=lstm.lstm_objective_grad),
        Benchmark("BA n=49 m=7776 p=31843", bundle_adjustment.ba_objective,
                  ("cams", "points", "weights"), data.bundle_adjustment),
    ]


def compile_benchmarks():
    """Rows of the compile section: functions timed for their transformation only."""
    wrt = ("W_in", "b_in", "W_q", "W_k", "W_v", "W_o", "gain", "shift", "W_ff1", "W_ff2", "W_rec",
           "W_out")
    return [Benchmark("100-line model", long_model.long_model, wrt, data.long_model)]
