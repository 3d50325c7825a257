"""What srcgrad costs before the first gradient: transformation, and a warm start from disk.

`transform_time` compiles a row's gradient from scratch (memory cache cleared,
disk cache off) and times `GradFunction.split`, which runs the whole pipeline
for the function and every helper it calls: the first `grad()` call minus one
gradient evaluation.  It reports the median of three such cold compilations.  `warm_start` fills a disk cache directory, then starts a
new Python process (`benchmarks.warm_start`) that imports srcgrad, finds the
entry on disk and returns its timings.  The disk key hashes srcgrad's own
source and templates as this process loaded them, so while srcgrad's files are
being edited during a run the new process computes another key and transforms
again: the row then says the warm start was not a disk hit.
"""

import contextlib
import json
import os
import subprocess
import sys
import time

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@contextlib.contextmanager
def cache_dir(value):
    """SRCGRAD_CACHE_DIR set to `value` (a path, or "off") with srcgrad's memory cache empty."""
    from srcgrad import cache
    old = os.environ.get("SRCGRAD_CACHE_DIR")
    os.environ["SRCGRAD_CACHE_DIR"] = value
    cache.clear_memory()
    try:
        yield
    finally:
        if old is None:
            del os.environ["SRCGRAD_CACHE_DIR"]
        else:
            os.environ["SRCGRAD_CACHE_DIR"] = old
        cache.clear_memory()


def warm_up():
    """Seconds srcgrad takes to compile its first, trivial function in this process (one-off
    set-up such as loading the template registry); afterwards transformations are comparable."""
    import srcgrad
    from .objectives.second_order import warm_up_function
    with cache_dir("off"):
        start = time.perf_counter()
        srcgrad.grad(warm_up_function)(1.0)
        return time.perf_counter() - start


def transform_time(bench, args, runs=3):
    """The median of `runs` cold transformations (one is at the mercy of a noisy machine)."""
    import srcgrad
    values = list(args.values())
    times = []
    for _ in range(runs):
        with cache_dir("off"):
            g = srcgrad.grad(bench.fn, bench.wrt)
            start = time.perf_counter()
            g.split(*values)
            times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def fill_disk_cache(bench, args, directory):
    """Compile row `bench` into the disk cache `directory`; the gradient function."""
    import srcgrad
    with cache_dir(directory):
        g = srcgrad.grad(bench.fn, bench.wrt)
        g.split(*args.values())
    return g


def warm_start(index, quick, directory, timeout=120, compile_row=False):
    """{'import': s, 'get': s, 'first_call': s, 'disk_hits': n, 'transforms': n} measured in a new
    process whose SRCGRAD_CACHE_DIR is `directory` (already filled for row `index` of the main
    table, or of the compile section with `compile_row`)."""
    env = dict(os.environ, SRCGRAD_CACHE_DIR=directory)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_REPO, env.get("PYTHONPATH")) if p)
    cmd = [sys.executable, "-m", "benchmarks.warm_start", str(index)] + (["--quick"] if quick else [])
    cmd += ["--compile"] if compile_row else []
    done = subprocess.run(cmd, cwd=_REPO, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        lines = [ln for ln in done.stderr.splitlines() if ln and not ln.startswith(" ")]
        raise RuntimeError(lines[-1] if lines else f"exit status {done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])
