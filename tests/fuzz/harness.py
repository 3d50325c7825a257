"""Load a generated program from a real file and run the differential check on it.

`check_program(program, seed)` returns an Outcome whose `status` is one of

    "ok"          gradient matches finite differences; source deterministic; lint clean
    "near kink"   every input drawn lies within a perturbation of a branch switch or kink
    "overflow"    the value or gradient is not finite or too large to compare
    "rejected"    srcgrad raised a SrcgradError (a limitation, listed by the caller)
    "wrong"       gradient mismatch confirmed at three step sizes       -- a bug
    "crash"       an exception that is not a SrcgradError                -- a bug
    "value"       the compiled forward computes a different value        -- a bug
    "nondeterministic" / "lint"                                          -- a bug
    "known bug"   one of the above, matching a reported bug's signature (fuzz/known.py)

and `counts` accumulates them for the long profile's report.
"""

import importlib.util
import itertools
import os
import tempfile
import traceback
import warnings
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

import srcgrad
from srcgrad import cache, pipeline
from srcgrad.analysis import kinds as K
from srcgrad.testing import numerical_grad

from . import known, lint as lint_mod
from .programs import tracer

BUGS = ("wrong", "crash", "value", "nondeterministic", "lint")
LIMIT = 1e6                     # values beyond this are not compared (finite differences lose digits)
ATTEMPTS = 3                    # input draws per program before giving up as "near kink"

_dir = None
_serial = itertools.count()
counts = Counter()
features = Counter()
rejections = Counter()


def workdir():
    global _dir
    if _dir is None:
        _dir = tempfile.mkdtemp(prefix="srcgrad-fuzz-")
    return _dir


def load(text, name=None):
    """Import module text from a fresh file, so inspect.getsource works as for user code."""
    name = name or f"fz_{os.getpid()}_{next(_serial)}"
    path = os.path.join(workdir(), name + ".py")
    with open(path, "w") as f:
        f.write(text)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def instrumented(program):
    trace, ns = tracer()
    exec(compile(program.render(instrumented=True), "<instrumented>", "exec"), ns)
    f = ns["f"]

    def run(args):
        del trace[:]
        f(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
        return list(trace)
    return run


def near_kink(run, args, rng):
    """True if the branch/kink trace changes within the finite-difference reach of `args`."""
    base = run(args)
    for p, a in enumerate(args):
        flat = np.ravel(np.asarray(a, dtype=float))
        for j in range(flat.size):
            for scale in (1e-6, 1e-4):
                h = scale * max(1.0, abs(flat[j]))
                for sign in (1, -1):
                    moved = list(args)
                    if isinstance(a, np.ndarray):
                        m = a.copy()
                        m.flat[j] += sign * h
                        moved[p] = m
                    else:
                        moved[p] = a + sign * h
                    if run(moved) != base:
                        return True
    for _ in range(2):                      # a random direction moves everything at once
        moved = [a + 1e-4 * (rng.uniform(-1, 1, np.shape(a)) if isinstance(a, np.ndarray)
                             else rng.uniform(-1, 1)) for a in args]
        if run(moved) != base:
            return True
    return False


@dataclass
class Outcome:
    status: str
    detail: str = ""
    args: list = field(default_factory=list)
    source: str = ""
    known: str = ""

    @property
    def is_bug(self):
        return self.status in BUGS


def _finite_small(x):
    a = np.asarray(x, dtype=float)
    return bool(np.all(np.isfinite(a)) and np.all(np.abs(a) < LIMIT))


def _confirm_wrong(f, args, wrt, report):
    """A mismatch is a wrong gradient only if other step sizes disagree with srcgrad too.

    Steps down to 1e-9: with curvature in the thousands (an `exp` of an `exp`, a cosine of a
    large argument) the default step's truncation error exceeds the tolerance, and the
    differences only settle on the derivative at a step of 1e-8 or below."""
    args64 = [np.array(a, dtype=float) if isinstance(a, np.ndarray) else float(a) for a in args]
    for i, check in zip(wrt, report.arguments):
        if check.ok:
            continue
        agrees = []
        for eps in (1e-4, 1e-7, 1e-8, 1e-9):
            scale = max(1.0, float(np.max(np.abs(args64[i]))))
            n = numerical_grad(f, args64, {}, i, eps=eps * scale)
            agrees.append(np.allclose(check.analytic, n, rtol=1e-4, atol=1e-5))
        if not any(agrees):
            return True
    return False


def check_program(program, seed, lint=True, determinism=True):
    """Differentiate `program`'s f with respect to every argument and compare; see module doc."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        outcome = _check(program, seed, lint, determinism)
    if outcome.is_bug:
        bug = known.match(outcome.status, outcome.source, outcome.detail)
        if bug is not None:
            outcome.known = bug
            outcome.status = "known bug"
    return outcome


def _check(program, seed, lint, determinism):
    text = program.render()
    try:
        module = load(text)
    except Exception as exc:                        # the generator made invalid Python: a test bug
        raise AssertionError(f"generated program does not import: {exc}\n{text}") from exc
    f = module.f
    run = instrumented(program)
    rng = np.random.RandomState(seed)
    wrt = tuple(range(len(program.params)))
    args = None
    try:
        for _ in range(ATTEMPTS):
            candidate = program.make_args(rng)
            if not near_kink(run, candidate, rng):
                args = candidate
                break
        if args is None:
            return Outcome("near kink", text)
        value = f(*args)
    except (OverflowError, ZeroDivisionError, ValueError) as exc:
        # the program itself leaves `math`'s range (math.exp of a large value): nothing to check
        return Outcome("overflow", f"the program raised {type(exc).__name__}: {exc}", args, text)
    if not _finite_small(value):
        return Outcome("overflow", "value", args, text)
    try:
        vg = srcgrad.value_and_grad(f, wrt)
        out, grads = vg(*args)
    except srcgrad.SrcgradError as exc:
        return Outcome("rejected", f"{type(exc).__name__}: {exc}", args, text)
    except Exception:
        return Outcome("crash", traceback.format_exc(), args, text)
    if not np.allclose(out, value, rtol=1e-9, atol=1e-12, equal_nan=True):
        return Outcome("value", f"compiled forward returned {out!r}, the function {value!r}", args, text)
    if not all(_finite_small(g) for g in grads):
        return Outcome("overflow", "gradient", args, text)
    report = srcgrad.check_grad(f, *args, wrt=wrt)
    if not report.ok and _confirm_wrong(f, args, wrt, report):
        return Outcome("wrong", str(report) + f"\nsrcgrad: {grads!r}", args, text)
    if determinism or lint:
        kinds = {p: K.of_value(v) for (p, _), v in zip(program.params, args)}
        names = [p for p, _ in program.params]
        first = vg.compiled_for(kinds).source
        if determinism:
            cache.clear_memory()
            again = pipeline.compile_split(f, names, kinds).source
            if again != first:
                return Outcome("nondeterministic", _diff(first, again), args, text)
        if lint:
            msgs = lint_mod.lint(first, _user_names(text))
            if msgs:
                return Outcome("lint", "\n".join(msgs) + "\n\n" + first, args, text)
    return Outcome("ok" if report.ok else "fd noise", "" if report.ok else str(report), args, text)


def _user_names(text):
    import ast
    return {n.id for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Name)} | \
        {a.arg for n in ast.walk(ast.parse(text)) if isinstance(n, ast.arguments) for a in n.args}


def _diff(a, b):
    import difflib
    return "".join(difflib.unified_diff(a.splitlines(True), b.splitlines(True), "first", "second", n=1))


def record(program, outcome):
    counts["programs"] += 1
    counts[outcome.status] += 1
    if outcome.status not in ("near kink",):
        counts["compiled"] += outcome.status not in ("rejected", "crash", "overflow") or \
            outcome.detail == "gradient"
    if outcome.status in ("ok", "fd noise", "wrong", "lint", "nondeterministic", "known bug"):
        counts["checked"] += 1
    if outcome.known:
        counts[f"known bug {outcome.known}"] += 1
    if outcome.status == "rejected":
        rejections[outcome.detail.split("\n")[0][:160]] += 1
    for feat in program.features:
        features[feat] += 1


def describe(program, outcome):
    return (f"status: {outcome.status}\n--- program ---\n{outcome.source or program.render()}"
            f"--- inputs ---\n{outcome.args!r}\n--- detail ---\n{outcome.detail}\n")
