"""The memory row: the gradient of a very long scalar loop, and its tape per iteration.

The objective is the 1000-step scalar loop of the main table run for 1,000,000
iterations (100,000 with --quick).  The tape is measured as in tape.py; the
target is a tape linear in what must be saved, at most 2 floats per iteration.
"""

import time
from dataclasses import dataclass

import numpy as np

from . import table, tape
from .objectives import scalar_loop



@dataclass
class MemoryResult:
    steps: int
    grad_time: float = None
    function_time: float = None
    tape: object = None
    error: str = None


def run(quick, log=None):
    steps = 100_000 if quick else 1_000_000
    res = MemoryResult(steps)
    args = {"x": 0.5, "steps": steps}
    try:
        import srcgrad
        start = time.perf_counter()
        scalar_loop.scalar_loop(**args)
        res.function_time = time.perf_counter() - start
        g = srcgrad.grad(scalar_loop.scalar_loop, "x")
        g(0.5, steps=10)                                  # compile outside the measurement
        start = time.perf_counter()
        value = g(**args)
        res.grad_time = time.perf_counter() - start
        if not np.isfinite(value):
            raise ValueError(f"gradient is {value}")
        res.tape = tape.tape_size(scalar_loop.scalar_loop, ("x",), args)
    except Exception as exc:
        res.error = f"{type(exc).__name__}: {exc}"
        if log is not None:
            print(f"!!! memory row FAILED: {res.error}", file=log, flush=True)
    return res


def render(res, markdown=False):
    headers = ["scalar loop", "f", "srcgrad", "g/f", "tape", "bytes/iter", "values/iter"]
    t = res.tape
    ratio = res.grad_time / res.function_time if res.grad_time and res.function_time else None
    row = [f"{res.steps:,} steps", table.seconds(res.function_time),
           "×" if res.error else table.seconds(res.grad_time), table.ratio(ratio),
           table.size(t.bytes if t else None),
           f"{t.bytes / res.steps:.1f}" if t else "—", f"{t.values / res.steps:.2f}" if t else "—"]
    out = [table.render(headers, [row], markdown, title="Tape memory of a long loop "), "",
           "One run each (not a median).  values/iter: numbers the tape saves per iteration (target "
           "at most 2).  A number saved in a list costs its object (24 bytes for a float, 32 for "
           "a numpy.float64) and a list slot (8); in a float64 array, 8."]
    if res.error:
        out.append(f"srcgrad FAILED: {res.error}")
    return "\n".join(out)
