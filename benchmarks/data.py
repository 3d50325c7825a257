"""Seeded benchmark inputs, shaped like the ADBench instances and the other workloads.

Every maker takes a numpy Generator and returns the objective's arguments as a
dict in parameter order.  Values are drawn where the objectives are smooth and
well scaled (no overflow in exp, projections in front of the camera).
"""

import numpy as np

from .objectives.gmm import tril_index


def generator(seed=0):
    return np.random.default_rng(seed)


def scalar_loop(rng, steps=1000):
    return {"x": float(rng.uniform(0.2, 0.8)), "steps": steps}


def mlp(rng, batch=64, n_in=32, hidden=128, n_out=8):
    return {"W1": rng.normal(0, n_in ** -0.5, (n_in, hidden)), "b1": rng.normal(0, 0.1, hidden),
            "W2": rng.normal(0, hidden ** -0.5, (hidden, n_out)), "b2": rng.normal(0, 0.1, n_out),
            "x": rng.normal(size=(batch, n_in)), "y": rng.normal(size=(batch, n_out))}


def rnn(rng, steps=50, n_in=8, hidden=16):
    return {"Wx": rng.normal(0, n_in ** -0.5, (n_in, hidden)),
            "Wh": rng.normal(0, hidden ** -0.5, (hidden, hidden)), "b": rng.normal(0, 0.1, hidden),
            "Wy": rng.normal(0, hidden ** -0.5, hidden), "xs": rng.normal(size=(steps, n_in)),
            "target": float(rng.normal())}


def gmm(rng, d, k, n=1000):
    return {"alphas": rng.normal(size=k), "means": rng.uniform(size=(k, d)),
            "icf": rng.normal(0, 0.5, (k, d + d * (d - 1) // 2)), "x": rng.uniform(size=(n, d)),
            "gamma": 1.0, "m": 0, "tril": tril_index(d)}


def lstm(rng, layers=2, chars=1024, b=14):
    return {"main_params": rng.uniform(size=(2 * layers, 4 * b)),
            "extra_params": rng.uniform(size=(3, b)),
            "state": rng.uniform(size=(2 * layers, b)),
            "sequence": (rng.uniform(size=(chars, b)) < 0.25).astype(float)}


# The single camera, point, weight and feature that ADBench's ba1 instance tiles.
_BA_CAMERA = np.array([-0.758453, -1.109613, -0.845551, 34.556073, 39.676747, 53.881673,
                       419.194514, 5.864426, -8.518870, 0.087812, 0.002739])
_BA_POINT = np.array([7.203245, 0.001144, 3.023326])
_BA_FEATURE = np.array([271.760969, 834.209256])


def bundle_adjustment(rng, n=49, m=7776, p=31843):
    """The ba1 camera and point, each copy perturbed; observation i sees camera i mod n, point i mod m."""
    cams = _BA_CAMERA * (1.0 + 0.02 * rng.normal(size=(n, 11)))
    points = _BA_POINT + 0.1 * rng.normal(size=(m, 3))
    obs = np.arange(p)
    return {"cams": cams, "points": points, "weights": rng.uniform(0.2, 1.0, p),
            "features": _BA_FEATURE + 20.0 * rng.normal(size=(p, 2)),
            "cam_index": obs % n, "point_index": obs % m}


def long_model(rng, n=12, d_in=6, width=8, classes=3):
    def weights(rows, cols):
        return rng.normal(0, rows ** -0.5, (rows, cols))
    return {"W_in": weights(d_in, width), "b_in": rng.normal(0, 0.1, width),
            "W_q": weights(width, width), "W_k": weights(width, width),
            "W_v": weights(width, width), "W_o": weights(width, width),
            "gain": 1.0 + rng.normal(0, 0.1, width), "shift": rng.normal(0, 0.1, width),
            "W_ff1": weights(width, 2 * width), "W_ff2": weights(2 * width, width),
            "W_rec": weights(width, width), "W_out": weights(width, classes),
            "x": rng.normal(size=(n, d_in)), "y": np.eye(classes)[rng.integers(0, classes, n)]}
