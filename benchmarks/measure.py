"""One row of the main table: prepare every tool, cross-check, time side by side.

Every gradient is first compared with srcgrad's (or, when srcgrad fails on the
row, with the first tool that succeeded); a mismatch is printed at once, in
capitals, and marked in the table.  Then the function and all gradients that
ran are timed in one `timing.side_by_side` call.
"""

import tempfile
import time
import traceback
from dataclasses import dataclass, field

import numpy as np

from . import compile_cost, data, tape, timing, tools


@dataclass
class RowResult:
    name: str
    times: dict = field(default_factory=dict)      # tool -> median seconds
    missing: dict = field(default_factory=dict)    # tool -> why there is no figure
    errors: dict = field(default_factory=dict)     # tool -> error message
    mismatches: dict = field(default_factory=dict)  # tool -> description
    reference: str = None                          # tool the others were checked against
    transform: float = None                        # seconds, cold
    warm: dict = None                              # from compile_cost.warm_start
    tape: object = None                            # tape.TapeSize
    notes: list = field(default_factory=list)

    def ratio(self, tool, over):
        a, b = self.times.get(tool), self.times.get(over)
        return a / b if a is not None and b else None


def _say(log, text):
    if log is not None:
        print(text, file=log, flush=True)


def agree(result, reference):
    """None when the two tuples of arrays agree, else a short description of the worst entry."""
    if len(result) != len(reference):
        return f"{len(result)} gradients, expected {len(reference)}"
    worst = None
    for i, (a, r) in enumerate(zip(result, reference)):
        if np.shape(a) != np.shape(r):
            return f"gradient {i} has shape {np.shape(a)}, expected {np.shape(r)}"
        scale = float(np.max(np.abs(r))) if np.size(r) else 0.0
        err = np.abs(a - r)
        bad = ~(err <= 1e-6 * np.abs(r) + 1e-9 * max(scale, 1.0))
        if np.any(bad):
            j = np.unravel_index(np.argmax(np.where(bad, err, -1.0)), np.shape(err))
            worst = (f"gradient {i} at {tuple(int(k) for k in j)}: {np.asarray(a)[j]!r} vs "
                     f"{np.asarray(r)[j]!r} (max abs error {np.max(err):.3g})")
            break
    return worst


def run_row(bench, index, quick, budget, cost=True, log=None):
    args = bench.make(data.generator(0))
    row = RowResult(bench.name)
    if cost:
        _costs(row, bench, index, quick, args, log)
    runs, results, first = {}, {}, {}
    for tool in tools.TOOLS:
        try:
            run, as_arrays = tools.prepare(tool, bench, args)
            if tool == "srcgrad":
                run()           # a first call may transform: keep it out of the calibration
            start = time.perf_counter()
            out = run()
            first[tool] = time.perf_counter() - start
            results[tool] = as_arrays(out)
            runs[tool] = run
        except tools.Unavailable as exc:
            row.missing[tool] = str(exc)
        except Exception as exc:
            row.errors[tool] = f"{type(exc).__name__}: {exc}"
            _say(log, f"!!! {tool} FAILED on {bench.name}: {row.errors[tool]}")
            if tool == "srcgrad":
                _say(log, "".join(traceback.format_exc(limit=-3)).rstrip())
    grads = [t for t in results if t != "function"]
    row.reference = grads[0] if grads else None
    for tool in grads[1:]:
        problem = agree(results[tool], results[row.reference])
        if problem:
            row.mismatches[tool] = problem
            _say(log, f"!!! GRADIENT MISMATCH on {bench.name}: {tool} disagrees with "
                      f"{row.reference}: {problem}")
    row.times = timing.side_by_side(runs, budget=budget, known=first)
    return row


def _costs(row, bench, index, quick, args, log):
    try:
        row.transform = compile_cost.transform_time(bench, args)
    except Exception as exc:
        row.notes.append(f"transformation failed: {type(exc).__name__}: {exc}")
        return
    try:
        row.tape = tape.tape_size(bench.fn, bench.wrt, args)
    except Exception as exc:
        row.notes.append(f"tape size not measured: {type(exc).__name__}: {exc}")
    with tempfile.TemporaryDirectory(prefix="srcgrad-bench-") as directory:
        try:
            compile_cost.fill_disk_cache(bench, args, directory)
            row.warm = compile_cost.warm_start(index, quick, directory)
            if not row.warm.get("disk_hits") or row.warm.get("transforms"):
                note = (f"warm start did not come from the disk cache (disk hits "
                        f"{row.warm.get('disk_hits')}, transformations {row.warm.get('transforms')})")
                row.notes.append(note)
                _say(log, f"!!! {bench.name}: {note}")
        except Exception as exc:
            row.notes.append(f"warm start failed: {type(exc).__name__}: {exc}")
