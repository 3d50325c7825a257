"""Differential fuzzing: random valid programs, their gradients against finite differences.

Default run: 300 programs (plus 120 with an injected unsupported construct),
deterministic (derandomized hypothesis, no example database).  The long
profile -- `SRCGRAD_FUZZ_LONG=1 pytest tests/test_fuzz.py -m fuzz_long -s` --
runs 20,000 programs (override with SRCGRAD_FUZZ_LONG=<count>) and prints the
counts: programs generated, compiled, checked, skipped near a kink, wrong.
See docs/testing.md and tests/fuzz/.
"""

import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings

import srcgrad
from fuzz import harness, inject
from fuzz.programs import generate, programs, random_chooser

DEFAULT_EXAMPLES = 300
_long = os.environ.get("SRCGRAD_FUZZ_LONG", "")
LONG_EXAMPLES = (int(_long) if _long.isdigit() and int(_long) > 1 else 20_000) if _long else 0

# Shrinking recompiles a program hundreds of times (minutes); it is opt-in, for making a
# minimal repro of a failure: SRCGRAD_FUZZ_SHRINK=1.
_PHASES = [Phase.explicit, Phase.generate] + ([Phase.shrink] if os.environ.get("SRCGRAD_FUZZ_SHRINK") else [])
_SETTINGS = dict(deadline=None, derandomize=True, database=None, print_blob=False, phases=_PHASES,
                 suppress_health_check=list(HealthCheck))


@pytest.fixture(autouse=True, scope="module")
def _no_disk_cache():
    # fuzzed programs are compiled once each; keep thousands of them off the disk cache
    old = os.environ.get("SRCGRAD_CACHE_DIR")
    os.environ["SRCGRAD_CACHE_DIR"] = "off"
    yield
    if old is None:
        del os.environ["SRCGRAD_CACHE_DIR"]
    else:
        os.environ["SRCGRAD_CACHE_DIR"] = old


def _check(program, seed=0):
    outcome = harness.check_program(program, seed)
    harness.record(program, outcome)
    assert not outcome.is_bug, harness.describe(program, outcome)
    return outcome


@settings(max_examples=DEFAULT_EXAMPLES, **_SETTINGS)
@given(programs())
def test_fuzzed_gradients_match_finite_differences(program):
    _check(program)


@settings(max_examples=120, **_SETTINGS)
@given(inject.injected_programs())
def test_unsupported_construct_is_a_located_error(case):
    module = harness.load(case.text)
    path = module.__file__
    args = case.program.make_args(np.random.RandomState(0))
    for attempt in (lambda: srcgrad.grad(module.f, tuple(range(len(args))))(*args),
                    lambda: srcgrad.source(module.f, tuple(range(len(args))))):
        try:
            result = attempt()
        except srcgrad.SrcgradError as exc:
            assert getattr(exc, "filename", None) == path, f"{case.construct}: {exc}"
            assert case.first_line <= exc.lineno <= case.last_line, \
                f"{case.construct} at lines {case.first_line}-{case.last_line}, error at {exc.lineno}:\n{exc}"
            assert f"{path}:{exc.lineno}:" in str(exc)
        except Exception as exc:    # any other exception type is a bug
            raise AssertionError(f"{case.construct} in {case.function}: {type(exc).__name__}: {exc}\n"
                                 f"{case.text}") from exc
        else:
            raise AssertionError(f"{case.construct} in {case.function} was accepted: {result!r}\n{case.text}")


def test_every_construct_is_injected():
    program = generate(random_chooser(0))
    point = inject.points(program)[0]
    for name in inject.NAMES:
        case = inject.inject(program, name, point)
        module = harness.load(case.text)
        with pytest.raises(srcgrad.SrcgradError):
            srcgrad.source(module.f, 0)


def test_generated_source_is_the_same_under_another_hash_seed(tmp_path):
    """Generated names never depend on set or dict order: two processes, two hash seeds."""
    texts = [generate(random_chooser(seed)).render() for seed in range(12)]
    for i, text in enumerate(texts):
        (tmp_path / f"prog{i}.py").write_text(text)
    script = (
        "import hashlib, importlib, sys\n"
        f"sys.path[:0] = [{str(tmp_path)!r}]\n"
        "import srcgrad\n"
        f"for i in range({len(texts)}):\n"
        "    m = importlib.import_module(f'prog{i}')\n"
        "    try:\n"
        "        s = srcgrad.source(m.f, tuple(range(m.f.__code__.co_argcount)))\n"
        "    except srcgrad.SrcgradError as e:\n"
        "        s = type(e).__name__\n"
        "    print(hashlib.sha256(s.encode()).hexdigest())\n")
    root = os.path.dirname(os.path.dirname(os.path.abspath(srcgrad.__file__)))
    outs = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed, SRCGRAD_CACHE_DIR="off",
                   PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
        outs.append(subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                                   text=True, check=True).stdout)
    assert outs[0] == outs[1]


@pytest.mark.fuzz_long
@pytest.mark.skipif(not LONG_EXAMPLES, reason="long profile: set SRCGRAD_FUZZ_LONG=1 (or a count)")
def test_long_profile():
    """20,000 programs; prints the counts and fails on any unknown bug."""
    harness.counts.clear()
    failures = []
    for seed in range(LONG_EXAMPLES):
        program = generate(random_chooser(1_000_000 + seed))
        outcome = harness.check_program(program, seed)
        harness.record(program, outcome)
        if outcome.is_bug:
            failures.append(f"generate(random_chooser({1_000_000 + seed})), check seed {seed}\n"
                            + harness.describe(program, outcome))
    c = harness.counts
    print(f"\nsrcgrad fuzz long profile: {c['programs']} programs generated, {c['compiled']} compiled, "
          f"{c['checked']} gradients checked, {c['near kink']} skipped near a kink, "
          f"{c['overflow']} skipped out of range, {c['rejected']} rejected (SrcgradError), "
          f"{c['wrong']} wrong gradients, {c['crash']} crashes, {c['known bug']} hits of known bugs")
    for key, value in sorted(c.items()):
        print(f"  {key}: {value}")
    print("rejections:", harness.rejections.most_common(10))
    print("features:", dict(sorted(harness.features.items())))
    if failures:
        path = os.environ.get("SRCGRAD_FUZZ_FAILURES") or os.path.join(harness.workdir(), "failures.txt")
        with open(path, "w") as f:
            f.write("\n\n".join(failures))
        print(f"{len(failures)} failures written to {path}")
    assert not failures, "\n\n".join(failures[:5])
