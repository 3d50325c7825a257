"""Every registered primitive, checked in both modes against finite differences.

Reverse mode goes through srcgrad.check_grad; forward mode compares
srcgrad.jvp along a random tangent with the checked gradient contracted with
that tangent.  A registered differentiable primitive without a case fails
`test_every_primitive_has_a_case`.
"""

import importlib.util
import subprocess
import sys

import numpy as np
import pytest

import srcgrad
from primitive_cases import CASES
from srcgrad import catalog
from srcgrad.rules.registry import RULES

catalog.primitives()        # loads the tables of installed optional libraries (scipy) into RULES

PARAMS = [pytest.param(c, i, id=f"{c.id}-{i}") for c in CASES for i in range(len(c.argsets))]

# Tables whose rules are checked elsewhere, and why.
CHECKED_ELSEWHERE = {
    "srcgrad.rules.constructs": "indexing, literals, augmented assignment: tests/corpus.py",
    "srcgrad.rules.runtime_tangents": "tangents of backward-code helpers: tests/test_hvp.py",
    "srcgrad.rules.pybuiltins": "abs, float, sum, max, min, list, tuple: tests/corpus.py",
    "srcgrad.rules.mathfuncs": "the math module on Python floats: tests/corpus.py",
    "srcgrad.rules.derivative_code": "helpers of generated code: the higher-order tests",
    "srcgrad.rules.complex_numbers": "complex parts and angle: the complex-number tests, along "
                                     "real and imaginary directions",
}
PYTHON_OPERATORS = "operator"     # `x + y` and friends: tests/corpus.py (their np.* ufuncs are here)


def make_args(c, i, seed=0):
    r = np.random.RandomState(seed)
    return [m(r) for m in c.argsets[i]]


def positions(wrt):
    return wrt if isinstance(wrt, tuple) else (wrt,)


@pytest.mark.parametrize("c,i", PARAMS)
def test_reverse_matches_finite_differences(c, i):
    args = make_args(c, i)
    report = srcgrad.check_grad(c.fn, *args, wrt=c.wrt)
    assert report.ok, str(report)


@pytest.mark.parametrize("c,i", PARAMS)
def test_forward_matches_reverse(c, i):
    if not c.forward:
        pytest.skip("no forward case")
    args = make_args(c, i)
    r = np.random.RandomState(1)
    pos = positions(c.wrt)
    tangents = [None] * len(args)
    for p in pos:
        tangents[p] = r.uniform(-1, 1, np.shape(args[p])) if np.ndim(args[p]) else float(r.uniform(-1, 1))
    value, derivative = srcgrad.jvp(c.fn, args, tangents)
    grads = srcgrad.grad(c.fn, c.wrt)(*args)
    grads = grads if isinstance(c.wrt, tuple) else (grads,)
    expected = sum(np.sum(np.asarray(g) * t) for g, t in zip(grads, [tangents[p] for p in pos]))
    np.testing.assert_allclose(value, c.fn(*args), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(derivative, expected, rtol=1e-7, atol=1e-9)


def _table(rule):
    tpl = rule.reverse or rule.forward
    return tpl.func.__module__ if tpl is not None else None


def test_every_primitive_has_a_case():
    covered = {k for c in CASES for k in c.covers}
    missing = []
    for key, rule in RULES.items():
        if rule.nondiff or rule.custom or (rule.reverse is None and rule.forward is None):
            continue                    # custom: registered by other tests, checked there
        if _table(rule) in CHECKED_ELSEWHERE:
            continue
        if getattr(rule.key, "__module__", None) == PYTHON_OPERATORS or rule.name.startswith("operator."):
            continue
        if key not in covered:
            missing.append(rule.name)
    assert not missing, f"registered primitives without a check case: {sorted(missing)}"


def test_every_case_covers_registered_rules():
    for c in CASES:
        for k in c.covers:
            assert k in RULES, f"{c.id} covers an unregistered primitive {k!r}"


def test_every_numpy_primitive_has_both_modes():
    one_mode = [r.name for r in RULES.values()
                if not r.nondiff and not r.custom and _table(r) not in CHECKED_ELSEWHERE
                and (r.reverse is None) != (r.forward is None)]
    assert not one_mode, f"primitives with only one mode: {sorted(one_mode)}"


# --- conventions at kinks, documented in the primitives' notes ---------------------------------

def abs_sum(x):
    return np.sum(np.abs(x))


def max_all(x):
    return np.max(x)


def max_axis(x):
    return np.sum(np.max(x, axis=1))


def maximum_tie(x, y):
    return np.sum(np.maximum(x, y))


def clip_at_bound(x):
    return np.sum(np.clip(x, -1.0, 1.0))


def sort_ties(x):
    return np.sum(np.sort(x) * np.array([1.0, 2.0, 3.0]))


def median_even(x):
    return np.median(x)


def logistic_sum(x):
    return np.sum(1.0 / (1.0 + np.exp(-x)))


def _arrays(value):
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, (tuple, list)):
        for v in value:
            yield from _arrays(v)


def test_constant_over_a_value_keeps_the_quotient_not_the_denominator():
    x = np.linspace(-1.0, 1.0, 5)
    compiled, _ = srcgrad.grad(logistic_sum).split(x)
    _, tape = compiled.forward(x)
    kept = list(_arrays(tape))
    assert not any(np.array_equal(v, 1.0 + np.exp(-x)) for v in kept)
    assert any(np.array_equal(v, 1.0 / (1.0 + np.exp(-x))) for v in kept)
    s = 1.0 / (1.0 + np.exp(-x))
    np.testing.assert_allclose(srcgrad.grad(logistic_sum)(x), s * (1.0 - s), rtol=1e-14)


def test_abs_at_zero_is_zero():
    np.testing.assert_array_equal(srcgrad.grad(abs_sum)(np.array([-1.0, 0.0, 2.0])), [-1.0, 0.0, 1.0])


def test_max_ties_split_evenly_like_torch_amax():
    np.testing.assert_array_equal(srcgrad.grad(max_all)(np.array([3.0, 1.0, 3.0])), [0.5, 0.0, 0.5])
    np.testing.assert_array_equal(srcgrad.grad(max_axis)(np.array([[2.0, 2.0], [1.0, 0.0]])),
                                  [[0.5, 0.5], [1.0, 0.0]])
    _, tangent = srcgrad.jvp(max_all, (np.array([3.0, 1.0, 3.0]),), (np.array([1.0, 0.0, 0.0]),))
    assert tangent == 0.5


def test_maximum_ties_split_evenly():
    gx, gy = srcgrad.grad(maximum_tie, (0, 1))(np.array([1.0, 2.0]), np.array([1.0, 0.0]))
    np.testing.assert_array_equal(gx, [0.5, 1.0])
    np.testing.assert_array_equal(gy, [0.5, 0.0])


def test_clip_passes_gradient_at_the_bounds_like_torch_clamp():
    np.testing.assert_array_equal(srcgrad.grad(clip_at_bound)(np.array([-1.0, 0.0, 1.0, 2.0])),
                                  [1.0, 1.0, 1.0, 0.0])


def test_sort_ties_follow_the_stable_order():
    np.testing.assert_array_equal(srcgrad.grad(sort_ties)(np.array([2.0, 1.0, 2.0])), [2.0, 1.0, 3.0])


def test_median_of_an_even_count_splits_between_the_middle_pair():
    np.testing.assert_array_equal(srcgrad.grad(median_even)(np.array([4.0, 1.0, 3.0, 2.0])),
                                  [0.0, 0.0, 0.5, 0.5])


def test_rules_import_without_scipy():
    code = ("import sys; sys.modules['scipy'] = None\n"
            "import srcgrad.rules.registry as r, srcgrad.rules\n"
            "assert not any(x.name.startswith('scipy') for x in r.RULES.values())\n")
    subprocess.run([sys.executable, "-c", code], check=True)


# --- the catalog and its generated page ----------------------------------------------------------------

def test_at_least_200_numpy_and_scipy_primitives():
    from srcgrad import catalog
    library = [p for p in catalog.primitives() if p.library in ("numpy", "scipy")]
    assert len(library) >= (200 if sc_available() else 170), len(library)
    assert all(p.modes == ("reverse", "forward") for p in library), \
        [p.name for p in library if p.modes != ("reverse", "forward")]


def sc_available():
    return importlib.util.find_spec("scipy") is not None


def test_docs_page_is_generated_from_the_catalog():
    if not sc_available():
        pytest.skip("the committed page lists scipy.special")
    import os
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path.insert(0, os.path.join(root, "docs"))
    try:
        import gen_primitives
    finally:
        sys.path.pop(0)
    with open(gen_primitives.PAGE) as f:
        assert f.read() == gen_primitives.render(), "run python docs/gen_primitives.py"


def test_refused_arguments_raise_instead_of_a_silent_zero():
    with pytest.raises(NotImplementedError, match="period"):
        srcgrad.grad(interp_period, 1)(np.array([0.5]), 2.0)


def interp_period(x, p):
    return np.sum(np.interp(x, np.array([0.0, 1.0]), np.array([1.0, 2.0]), period=p))
