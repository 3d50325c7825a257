"""Gradients under concurrency: threads share compiled code but never tape state;
a function compiled from 8 threads at once is compiled once; two processes
racing on one disk cache both succeed and leave one complete entry."""

import hashlib
import json
import os
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

import srcgrad
from srcgrad import cache, pipeline
from fuzz import harness

THREADS = 8

MODULE = """
import numpy as np


def step(s, x):
    return s * np.cos(x) + x * x


def f(x, n):
    s = 0.0
    for i in range(n):
        if np.sum(s) > 1.0:
            s = s - np.sin(x) * 0.5
        else:
            s = step(s, x)
    return np.sum(s) + np.sum(np.tanh(np.atleast_1d(x) * s))
"""


def _run_threads(target, n=THREADS):
    barrier = threading.Barrier(n)
    errors, results = [], [None] * n

    def work(k):
        try:
            barrier.wait()
            results[k] = target(k)
        except BaseException as exc:                 # reported below, in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    if errors:
        raise errors[0]
    return results


def test_threads_calling_one_gradient_get_their_own_results():
    m = harness.load(MODULE)
    g = srcgrad.grad(m.f)
    xs = [0.1 + 0.13 * k for k in range(THREADS)]
    ns = [3 + k % 5 for k in range(THREADS)]
    expected = [g(x, n) for x, n in zip(xs, ns)]      # serially, and compiles first
    for x, n, e in zip(xs, ns, expected):
        assert srcgrad.check_grad(m.f, x, n).ok

    def work(k):
        out = []
        for rep in range(40):
            j = (k + rep) % THREADS
            out.append((j, g(xs[j], ns[j])))
        return out

    for out in _run_threads(work):
        for j, value in out:
            assert value == expected[j]


def test_threads_with_different_argument_kinds():
    m = harness.load(MODULE)
    g = srcgrad.grad(m.f)
    args = [(0.3, 4), (np.array([0.3, -0.2]), 4), (0.7, 2), (np.array([0.1]), 6)]
    expected = [g(*a) for a in args]

    def work(k):
        return [(j, g(*args[j])) for j in range(len(args)) for _ in range(10)]

    for out in _run_threads(work):
        for j, value in out:
            np.testing.assert_array_equal(value, expected[j])


@pytest.mark.parametrize("disk", [False, True], ids=["memory", "disk"])
def test_eight_threads_compile_a_fresh_function_once(tmp_cache, monkeypatch, disk):
    if not disk:
        monkeypatch.setenv("SRCGRAD_CACHE_DIR", "off")
    m = harness.load(MODULE + f"\n# fresh {disk}\n")
    calls = []
    real = pipeline.compile_split

    def slow_compile(*a, **kw):
        calls.append(threading.get_ident())
        time.sleep(0.2)                     # widen the window in which others could start
        return real(*a, **kw)

    monkeypatch.setattr(pipeline, "compile_split", slow_compile)
    before = cache.stats["transforms"]
    results = _run_threads(lambda k: srcgrad.grad(m.f)(0.4, 5))
    assert len(calls) == 1
    assert cache.stats["transforms"] - before == 1
    assert len(set(results)) == 1
    assert srcgrad.check_grad(m.f, 0.4, 5).ok


def _entries(directory):
    return [p for p in os.listdir(directory) if p.endswith(".py") and not p.startswith(".tmp-")]


def test_two_processes_compile_into_one_cache_at_once(tmp_cache, tmp_path):
    path = tmp_path / "racer.py"
    path.write_text(MODULE)
    go = tmp_path / "go"
    root = os.path.dirname(os.path.dirname(os.path.abspath(srcgrad.__file__)))
    script = textwrap.dedent(f"""
        import importlib.util, json, os, sys, time
        import srcgrad
        from srcgrad import cache
        spec = importlib.util.spec_from_file_location("racer", {str(path)!r})
        m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
        while not os.path.exists({str(go)!r}):     # start together
            time.sleep(0.005)
        g = srcgrad.grad(m.f)(0.4, 5)
        print(json.dumps({{"grad": float(g), "stats": cache.stats, "code": cache.code_digest()}}))
    """)
    env = dict(os.environ, SRCGRAD_CACHE_DIR=str(tmp_cache),
               PYTHONPATH=os.pathsep.join([root] + sys.path))
    procs = [subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    time.sleep(1.0)                         # both have imported srcgrad and are waiting
    go.write_text("")
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outs]
    results = [json.loads(out.strip().splitlines()[-1]) for out, _ in outs]
    if results[0]["code"] != results[1]["code"]:
        pytest.skip("srcgrad's source changed during the test")
    (name,) = _entries(tmp_cache)          # before this process (whose rules differ) adds its own
    m = harness.load(MODULE)
    expected = float(srcgrad.grad(m.f)(0.4, 5))
    assert all(r["grad"] == pytest.approx(expected, rel=1e-12) for r in results)
    data = (tmp_cache / name).read_text()
    cut = data.rfind(cache._META)
    meta = json.loads(data[cut + len(cache._META):])
    assert meta["sha256"] == hashlib.sha256(data[:cut].encode()).hexdigest()     # complete
    assert not [p for p in os.listdir(tmp_cache) if p.startswith(".tmp-")]
    again = subprocess.run([sys.executable, "-c", script.replace(f"while not os.path.exists({str(go)!r})",
                                                                 "while False")],
                           env=env, capture_output=True, text=True, timeout=120, check=True)
    third = json.loads(again.stdout.strip().splitlines()[-1])
    if third["code"] != results[0]["code"]:     # srcgrad's own files were edited meanwhile
        pytest.skip("srcgrad's source changed during the test: a new cache key is right")
    assert third["stats"]["disk_hits"] == 1, (_entries(tmp_cache), again.stderr)
