"""python -m benchmarks [--quick] [--only NAME] [--markdown FILE] [--plot FILE]

Prints the main table (every objective, every tool's gradient, srcgrad's
compile costs and tape), then the transformation of a 100-line function, the
higher-order rows, the long-loop memory row and the optimizing-pass section.
Progress and loud failure/mismatch messages go to stderr; the tables go to stdout.

Every tool runs with the same number of threads (`--threads`, default 1: the
BLAS under NumPy, PyTorch's intra-op pool), set before NumPy is imported, so
the columns compare the same work on a shared machine.
"""

import argparse
import os
import sys
import time

SECTIONS = ("main", "compile", "higher", "tensor", "memory", "passes")


def parse(argv):
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[1])
    p.add_argument("--quick", action="store_true", help="smaller looped GMM/LSTM/loop rows, shorter "
                   "timing budget: under a minute")
    p.add_argument("--only", metavar="NAME", help="only rows whose name contains NAME "
                   "(case-insensitive), in every section")
    p.add_argument("--sections", default=",".join(SECTIONS),
                   help=f"comma-separated subset of {','.join(SECTIONS)}")
    p.add_argument("--markdown", metavar="FILE", help="also write the tables as Markdown")
    p.add_argument("--plot", metavar="FILE", help="bar chart of gradient/function (needs matplotlib)")
    p.add_argument("--threads", type=int, default=1, help="threads for BLAS and PyTorch (default 1)")
    return p.parse_args(argv)


def set_threads(n):
    """Must run before NumPy or PyTorch is imported."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
                "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
        os.environ[var] = str(n)
    os.environ["BENCHMARK_THREADS"] = str(n)


def main(argv=None):
    opts = parse(argv)
    set_threads(opts.threads)
    from . import (compile_cost, compile_table, higher_order, machine, main_table, measure, memory,
                   passes, report, suite, tensor_step)
    sections = set(opts.sections.split(","))
    # Only the warm-start subprocesses use a disk cache (their own temporary directories).
    os.environ["SRCGRAD_CACHE_DIR"] = "off"
    budget = 0.5 if opts.quick else 6.0
    log = sys.stderr
    started = time.perf_counter()
    header = (f"srcgrad benchmarks{' (--quick)' if opts.quick else ''}, {opts.threads} thread(s), "
              f"on {machine.describe()}")
    print(header, flush=True)
    init = compile_cost.warm_up()
    only = (opts.only or "").lower()
    benches = [(i, b) for i, b in enumerate(suite.benchmarks(opts.quick)) if only in b.name.lower()]
    command = "python -m benchmarks" + "".join(f" {a}" for a in (argv or sys.argv[1:]))
    parts = [f"Measured with `{command}` on {machine.describe()}, {opts.threads} thread(s) "
             f"per tool."]

    if "main" in sections and benches:
        results = []
        for index, bench in benches:
            t = time.perf_counter()
            results.append(measure.run_row(bench, index, opts.quick, budget, log=log))
            print(f"... {bench.name}: {time.perf_counter() - t:.1f} s", file=log, flush=True)
        text = main_table.render(results)
        imports = [r.warm["import"] for r in results if r.warm]
        extra = (f"srcgrad's one-off set-up (first grad() in a process): {init * 1e3:.0f} ms; "
                 + (f"`import srcgrad` in a new process: {min(imports) * 1e3:.0f} ms." if imports else ""))
        print("\n" + text + "\n" + extra, flush=True)
        parts.append(main_table.render(results, markdown=True) + "\n\n" + extra)
        if opts.plot:
            from .plot import plot
            if plot(results, opts.plot):
                print(f"plot written to {opts.plot}", file=log)
            else:
                print("--plot: matplotlib is not installed; no plot written", file=log)

    if "compile" in sections and (not only or only in "100-line model compile"):
        t = time.perf_counter()
        res = compile_table.run(log=log)
        print(f"... compile: {time.perf_counter() - t:.1f} s", file=log, flush=True)
        print("\n" + compile_table.render(res), flush=True)
        parts.append(compile_table.render(res, markdown=True))

    if "higher" in sections:
        tasks = [t for t in higher_order.tasks() if only in t.name.lower()]
        if tasks:
            res = []
            for task in tasks:
                t = time.perf_counter()
                res.append(higher_order.run_task(task, budget / 2, log=log))
                print(f"... {task.name}: {time.perf_counter() - t:.1f} s", file=log, flush=True)
            print("\n" + higher_order.render(res), flush=True)
            parts.append(higher_order.render(res, markdown=True))

    if "tensor" in sections and (not only or only in "tensor facade"):
        t = time.perf_counter()
        res = tensor_step.run(budget)
        print(f"... tensor facade: {time.perf_counter() - t:.1f} s", file=log, flush=True)
        print("\n" + tensor_step.render(res), flush=True)
        parts.append(tensor_step.render(res, markdown=True))

    if "memory" in sections and (not only or only in "scalar loop memory"):
        t = time.perf_counter()
        res = memory.run(opts.quick, log=log)
        print(f"... long scalar loop: {time.perf_counter() - t:.1f} s", file=log, flush=True)
        print("\n" + memory.render(res), flush=True)
        parts.append(memory.render(res, markdown=True))

    if "passes" in sections:
        outcome = passes.run([b for _, b in benches], budget)
        print("\n" + passes.render(outcome), flush=True)
        parts.append(passes.render(outcome, markdown=True))

    total = time.perf_counter() - started
    print(f"\ntotal {total:.0f} s", flush=True)
    if opts.markdown:
        report.write(opts.markdown, "\n\n".join(parts) + f"\n\nTotal run time {total:.0f} s.")
        print(f"markdown written to {opts.markdown}", file=log)


if __name__ == "__main__":
    main()
