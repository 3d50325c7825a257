"""The compile section: how long srcgrad takes to transform a long function, and to
get its gradient back from the on-disk cache in a new process.

Targets: a 100-line function transformed in under 200 ms, and a new process that
finds it on disk holding the gradient in under 20 ms.  The rows are
`suite.compile_benchmarks()`; "lines" counts the function's source from `def` to
its last line, "generated" the lines of the gradient code srcgrad writes for it.
"""

import inspect
import tempfile
from dataclasses import dataclass, field

from . import compile_cost, data, suite, table


@dataclass
class CompileResult:
    name: str
    lines: int = None
    generated: int = None
    transforms: list = field(default_factory=list)     # seconds, one per cold transformation
    warm: dict = None
    error: str = None


def run(runs=5, log=None):
    results = []
    for index, bench in enumerate(suite.compile_benchmarks()):
        res = CompileResult(bench.name, lines=len(inspect.getsourcelines(bench.fn)[0]))
        args = bench.make(data.generator(0))
        try:
            res.transforms = [compile_cost.transform_time(bench, args, runs=1) for _ in range(runs)]
            with tempfile.TemporaryDirectory(prefix="srcgrad-bench-") as directory:
                g = compile_cost.fill_disk_cache(bench, args, directory)
                res.generated = g.source.count("\n")
                res.warm = compile_cost.warm_start(index, False, directory, compile_row=True)
        except Exception as exc:
            res.error = f"{type(exc).__name__}: {exc}"
            if log is not None:
                print(f"!!! compile row {bench.name} FAILED: {res.error}", file=log, flush=True)
        results.append(res)
    return results


def render(results, markdown=False):
    headers = ["function", "lines", "generated", "transform", "fastest", "warm", "disk hit"]
    rows = []
    for r in results:
        times = sorted(r.transforms)
        warm = r.warm or {}
        rows.append([r.name, str(r.lines), str(r.generated or "—"),
                     table.seconds(times[len(times) // 2]) if times else "×",
                     table.seconds(times[0]) if times else "—", table.seconds(warm.get("get")),
                     "yes" if warm.get("disk_hits") and not warm.get("transforms") else "no"])
    out = [table.render(headers, rows, markdown, title="Compiling a long function"), "",
           f"transform: the median of {len(results[0].transforms) if results else 0} cold "
           "transformations (memory cache cleared, disk cache off), as in the main table; "
           "fastest: the quickest of them.  warm: a new process getting the gradient from the "
           "on-disk cache, after `import srcgrad`.  Targets: under 200 ms and under 20 ms."]
    out += [f"{r.name} FAILED: {r.error}" for r in results if r.error]
    return "\n".join(out)
