"""Readers for the ADBench reference instances (formats in ../shared/data/adbench/README.md).

Only the tests use them: the benchmarks generate data of the same shapes (see
data.py), so the project runs without the reference files.
"""

import numpy as np


def _numbers(path):
    with open(path) as f:
        return f.read().split()


def read_gmm(path):
    """{alphas (K,), means (K, D), icf (K, D + D(D-1)/2), x (n, D), gamma, m}"""
    tok = _numbers(path)
    d, k, n = (int(t) for t in tok[:3])
    vals = np.array(tok[3:], dtype=float)
    icf_len = d + d * (d - 1) // 2
    sizes = [k, k * d, k * icf_len, n * d]
    parts, at = [], 0
    for s in sizes:
        parts.append(vals[at:at + s])
        at += s
    gamma, m = vals[at], vals[at + 1]
    return {"alphas": parts[0], "means": parts[1].reshape(k, d), "icf": parts[2].reshape(k, icf_len),
            "x": parts[3].reshape(n, d), "gamma": float(gamma), "m": int(m)}


def read_lstm(path):
    """{main_params (2l, 4b), extra_params (3, b), state (2l, b), sequence (c, b)}"""
    tok = _numbers(path)
    l, c, b = (int(t) for t in tok[:3])
    vals = np.array(tok[3:], dtype=float)
    sizes = [(2 * l, 4 * b), (3, b), (2 * l, b), (c, b)]
    out, at = [], 0
    for shape in sizes:
        size = shape[0] * shape[1]
        out.append(vals[at:at + size].reshape(shape))
        at += size
    names = ("main_params", "extra_params", "state", "sequence")
    return dict(zip(names, out))


def read_ba(path):
    """The tiled instance: {cams (n, 11), points (m, 3), weights (p,), features (p, 2),
    cam_index (p,), point_index (p,)} with observation i on camera i mod n, point i mod m."""
    tok = _numbers(path)
    n, m, p = (int(t) for t in tok[:3])
    vals = np.array(tok[3:], dtype=float)
    cam, point, weight, feature = vals[:11], vals[11:14], vals[14], vals[15:17]
    obs = np.arange(p)
    return {"cams": np.tile(cam, (n, 1)), "points": np.tile(point, (m, 1)),
            "weights": np.full(p, weight), "features": np.tile(feature, (p, 1)),
            "cam_index": obs % n, "point_index": obs % m}
