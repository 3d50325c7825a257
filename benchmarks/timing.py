"""Medians of repeated runs, several callables measured side by side.

Each callable is first calibrated (how many calls make one sample last at
least `min_sample` seconds); then rounds run every callable once in turn, so
slow drift of the machine touches all columns alike.  The number of rounds
fits `budget` seconds, within [min_rounds, max_rounds].
"""

import gc
import math
import statistics
import time


def _sample(fn, number):
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def side_by_side(callables, min_sample=0.02, budget=5.0, min_rounds=3, max_rounds=25, known=None,
                 reuse=0.25):
    """{name: median seconds per call} for a dict of zero-argument callables.

    `known` maps names to the duration of a call already made (the cross-check):
    a callable slower than `min_sample` is then not called again to calibrate, and
    one slower than `reuse` seconds counts that call as its first sample.
    """
    numbers, per_round = {}, 0.0
    known = known or {}
    for name, fn in callables.items():
        once = known.get(name)
        if once is None or once < min_sample:
            once = _sample(fn, 1)
        numbers[name] = max(1, math.ceil(min_sample / max(once, 1e-9)))
        if numbers[name] > 1:                      # re-measure fast ones more precisely
            once = _sample(fn, numbers[name])
            numbers[name] = max(1, math.ceil(min_sample / max(once, 1e-9)))
        per_round += once * numbers[name]
    rounds = int(min(max_rounds, max(min_rounds, budget // max(per_round, 1e-9))))
    samples = {name: [known[name]] if known.get(name, 0.0) >= reuse and numbers[name] == 1 else []
               for name in callables}
    for _ in range(rounds):
        gc.collect()
        for name, fn in callables.items():
            if len(samples[name]) < rounds:
                samples[name].append(_sample(fn, numbers[name]))
    return {name: statistics.median(s) for name, s in samples.items()}


def once(fn):
    """Seconds taken by one call of fn (for one-off costs such as a transformation)."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start
