"""Minimal programs the fuzzer found, one named test each .

Fixed so far: F1 (self-assignment), F2 (builtin max/min of floats), F3
(array_grad of a zero scalar).  A test stays `xfail(strict=True)` while its bug is open; once the fix lands the
test passes, strict xfail reports that, and the mark (and the bug's signature
in tests/fuzz/known.py) is removed.  Each program is written to a real file
(fuzz.harness.load) so srcgrad can read its source.
"""

import textwrap

import numpy as np
import pytest

import srcgrad
from fuzz import harness
from fuzz.lint import lint


def lint_of(fn, wrt=0, args=None):
    """Lint of the generated code, specialized to `args` when given (as grad would compile it)."""
    from srcgrad.analysis.kinds import of_value
    import inspect
    kinds = None
    if args is not None:
        kinds = {p: of_value(a) for p, a in zip(inspect.signature(fn).parameters, args)}
    user = set(fn.__code__.co_varnames)
    return lint(srcgrad.source(fn, wrt, kinds=kinds), user)


def load(text):
    return harness.load("import math\n\nimport numpy as np\n\n" + textwrap.dedent(text))


def test_self_assignment_keeps_adjoint():
    m = load("""
        def f(x):
            x = x
            return x * 1.0
    """)
    assert srcgrad.grad(m.f)(0.1) == 1.0
    assert srcgrad.check_grad(m.f, 0.1).ok


def test_self_assignment_after_loop_and_early_return():
    m = load("""
        def f(x0):
            for i3 in range(3):
                pass
            if -0.5 < x0 < 0.5:
                return x0
            x0 = x0
            return x0
    """)
    report = srcgrad.check_grad(m.f, 1.1103724098816357)
    assert report.ok, str(report)


def test_builtin_max_of_two_floats():
    m = load("""
        def f(x0, x2):
            s3 = x2 * 1.0
            return max(s3, x0)
    """)
    assert srcgrad.grad(m.f, (0, 1))(0.3, 0.1) == (1.0, 0.0)


def test_builtin_min_of_two_floats():
    m = load("""
        def f(x, y):
            return min(x * 2.0, y)
    """)
    report = srcgrad.check_grad(m.f, 0.3, 0.1, wrt=(0, 1))
    assert report.ok, str(report)


def test_list_display_gets_zero_scalar_cotangent():
    m = load("""
        def f(x, v):
            for i in range(2):
                w = v[1] * np.array([v[0], x])
            return w[1]
    """)
    report = srcgrad.check_grad(m.f, 0.3, np.array([0.1, 0.2, 0.3]), wrt=(0, 1))
    assert report.ok, str(report)


# --- lint findings: generated code that keeps what nobody reads --------------------------

def test_tape_saves_only_what_backward_reads():
    m = load("""
        def f(x):
            s = 0.0
            for i in range(3):
                s = s + x * i
            return s
    """)
    assert lint_of(m.f) == []


PROGRAM_SEED_74 = """
def h0(a0):
    s1 = np.divide(math.erf(-0.75), (2.0 + np.tanh(math.atan2(a0[0], np.exp(0.5 * np.cos(1.5))))))
    for e2 in a0:
        s1, e2 = e2, s1
        s1 = np.logaddexp(a0[1], np.cos(s1))
    return (s1 if (a0).sum() < np.var(a0) else s1)


def h1(a0, a1):
    a1 -= np.add(h0(a0), math.hypot(a1, np.cosh(a1)))
    return a0


def f(x0, x1, x2):
    for i3 in range(3):
        if i3 > 0.0:
            x2 = ((i3 + 0.25)) ** 3
            if x1 > 0.0:
                return math.fabs(i3)
            x1 *= np.logaddexp(h0(np.array([x2, x2, -0.75])), math.hypot(x2, (2.0 + np.tanh(1.5))))
        else:
            w4 = np.exp(np.logaddexp(np.array([x1, x2, x0]), i3))
    x0 += x2
    x0 -= x2
    x1 = x0
    w5 = np.negative((np.array([-0.75, -0.75, x0]))[0:3])
    return math.erfc(w5[1])
"""


def test_no_unused_tape_push():
    m = load(PROGRAM_SEED_74)
    msgs = lint_of(m.f, (0, 1, 2), (-0.893393119709276, 0.8536428123316826, 1.0816117177110938))
    assert not [msg for msg in msgs if "unused tape push" in msg], msgs


def test_seed_74_program_gradient():
    m = load(PROGRAM_SEED_74)
    report = srcgrad.check_grad(m.f, -0.893393119709276, 0.8536428123316826, 1.0816117177110938,
                                wrt=(0, 1, 2))
    assert report.ok, str(report)


# --- F6-F8: crashes found in programs 5000-5299 of random_chooser (fixed: a snapshot of a result
# is now taken inside its own site; helpers return no gradient for no gradient) ---
CRASHERS = [
    ('def h0(a0):\n    a0 = a0\n    s1 = abs(np.arctan2(a0[1], np.exp(0.5 * np.cos(a0[-1]))))\n    return ((s1 - s1) - np.array([s1, s1, 0.25]))\n\n\ndef h1(a0, a1):\n    s2 = (a0 if -0.5 < (a1).sum() < 0.5 else a0)\n    s3 = a0\n    return s3\n\n\ndef f(x0, x1):\n    s4 = np.power(np.cosh(x0), -1.25)\n    for e5 in np.array([1.5, -0.75, s4]):\n        x1 = math.hypot(-0.75, np.cosh(math.tanh(x0)))\n        k6 = 0\n        while k6 < 4:\n            k6 += 1\n            pass\n    w7 = h0(np.array([x1, s4, -0.75]))\n    x1 += h1((w7[-1] + w7[-1]), (w7 * np.array([-1.25, w7[2], w7[1]])))\n    x1 = np.multiply(x0, (-0.75 if np.linalg.norm(w7) >= 2.0 else x0))\n    k8 = 0\n    while k8 < 4:\n        k8 += 1\n        pass\n    return np.divide(np.square(x0), (2.0 + np.tanh(x1)))',
     '[-0.5573657338972406, 0.027281771964744905]'),
    ('def h0(a0):\n    pass\n    return (np.cosh(np.array([a0, a0, 1.5])) + a0)\n\n\ndef h1(a0):\n    pass\n    return np.multiply(a0[0], (a0 / np.exp(0.5 * np.cos(0.25))))\n\n\ndef f(x0):\n    x0 = np.mean(np.array([0.25, x0, x0]))\n    s1 = np.linalg.norm(h1(np.array([x0, x0, 0.5])))\n    s1 += np.logaddexp((-1.25 if np.multiply(x0, s1) >= -0.75 else s1), (((2.0 + np.tanh(2.0))) ** 0.25))\n    return s1',
     '[0.8206343131590845]'),
    ('def h0(a0):\n    for e1 in np.array([a0, -0.75, a0]):\n        pass\n    a0 = (np.tan((0.9 * np.tanh(a0))) if -0.5 < np.power(np.exp(0.5 * np.cos(1.5)), 1.5) < 0.5 else np.arctanh((0.9 * np.tanh(0.25))))\n    return (np.copy(np.array([a0, a0, a0])) + np.log2(np.exp(0.5 * np.cos(np.array([a0, 1.5, a0])))))\n\n\ndef h1(a0, a1):\n    if a1 > 0.0:\n        for i2 in range(1, 3):\n            if a1 > 0.0:\n                return min(np.sum(np.array([a1, i2, i2])), np.subtract(i2, a1))\n        s3 = a1\n    return np.arcsin((0.9 * np.sin(np.inner(a0, a0))))\n\n\ndef f(x0, v0):\n    v0 = (np.cumsum(v0) + v0)\n    for e4 in v0:\n        pass\n    for i5 in range(len(v0)):\n        for i6 in range(2):\n            s7 = x0\n            x0, s8 = (h0(v0[i5])).sum(), np.max(np.divide(v0, (1.5 + np.sin(v0))))\n        for i9 in range(len(v0)):\n            pass\n        if math.exp(x0) < v0[0]:\n            return h1(h0(x0), np.expm1(np.sin(x0)))\n    return math.asinh(np.logaddexp(x0, x0))',
     '[-0.8699612503180952, array([ 0.07430781, -0.09399725,  0.73971894])]'),
]


@pytest.mark.parametrize("k", range(len(CRASHERS)), ids=["F6", "F7", "F8"][:len(CRASHERS)])
def test_generated_program_does_not_crash(k):
    body, inputs = CRASHERS[k]
    m = load(body)
    args = eval(inputs, {"array": np.array})
    report = srcgrad.check_grad(m.f, *args, wrt=tuple(range(len(args))))
    assert report.ok, str(report)


# --- found by the long profile (seeds 1000000-1001499) -----------------------------------------

LOOP_OVER_REBOUND_NAME = '''
def f(x0, x1, v0):
    k4 = 0
    while k4 < 2:
        k4 += 1
        for e6 in v0:
            s7 = np.prod(np.add(v0, x1))
            v0 = np.array([x1, e6, s7])
    return np.sum(v0 * v0)
'''


def test_for_loop_iterates_over_the_value_before_the_body_rebinds_it():
    # seed 1001127: `for e in v0:` with `v0 = ...` in the body read the new v0 each iteration
    m = load(LOOP_OVER_REBOUND_NAME)
    args = (-1.3898119273443736, 0.4163042581084453, np.array([-1.16677172, -1.4570461, -0.64112161]))
    value, _ = srcgrad.value_and_grad(m.f, (1, 2))(*args)
    assert value == m.f(*args)
    report = srcgrad.check_grad(m.f, *args, wrt=(1, 2))
    assert report.ok, str(report)


SCALAR_ZERO_ADJOINT = '''
def f(x0, x1, v0, v1):
    s1 = -1.25
    w2 = np.arccos((0.9 * np.sin(np.log10((1.5 + np.sin(np.array([x0, x1, v0[1]])))))))
    s3 = np.dot(w2, np.log1p((2.0 + np.tanh(v1))))
    k4 = 0
    while k4 < 2 and s1 < np.arctan(s3):
        k4 += 1
        x1 = (v0).mean()
        s1 = w2[0]
    return w2[2]
'''


def test_arithmetic_on_a_zero_adjoint_stays_no_gradient():
    # seed 1000239: `0 / n` turned the no-gradient 0 into 0.0, which add_at then indexed
    m = load(SCALAR_ZERO_ADJOINT)
    args = (-0.5705062700218941, -1.1105880437018267, np.array([0.81098101, 0.2648848, 0.07260844]),
            np.array([0.09840868, -0.0264435, -1.04710372]))
    report = srcgrad.check_grad(m.f, *args, wrt=(0, 1, 2, 3))
    assert report.ok, str(report)


SHARED_ADJOINT_BUFFER = '''
def h0(a0, a1):
    s1 = np.exp(np.sin(a1))
    a0 = (np.arctan2(a1, np.cosh(s1)) / np.exp(0.5 * np.cos(np.expm1(a0))))
    return a0


def f(x2, v0):
    v0 = h0((v0)[::-1], (v0).sum())
    w4 = np.arctanh((0.9 * np.tanh(h0(v0, x2))))
    return np.prod(np.array([w4[0], -0.75, x2]))
'''


def test_adjoint_updated_in_place_never_shares_a_buffer():
    # seed 1001683: the first contribution to d_v0 was a read-only broadcast view, then add_at wrote to it
    m = load(SHARED_ADJOINT_BUFFER)
    args = (0.04670373745406309, np.array([-1.08321104, -0.12000565, -1.03701824]))
    report = srcgrad.check_grad(m.f, *args, wrt=(0, 1))
    assert report.ok, str(report)


# --- found by the 20,000-program profile ------------------------------------------------------

def test_negative_constant_keeps_its_parentheses():
    # seed 1007793: the folded constant -1.25 printed as `-1.25 ** 2`, which Python reads as -(1.25 ** 2)
    m = load('''
def f(x):
    return np.fmin(x, (-1.25) ** 2) * x
''')
    value, g = srcgrad.value_and_grad(m.f)(3.0)
    assert value == m.f(3.0) == 1.5625 * 3.0
    assert srcgrad.check_grad(m.f, 3.0).ok
    assert "(-1.25) ** 2" in srcgrad.source(m.f)


def test_gradient_that_reads_nothing_from_the_tape():
    # seed 1005417: every save was dropped, but the tape still packed the (removed) stack
    m = load('''
def f(x0, x1, v0):
    for i in range(3):
        if i > 0:
            v0 = np.logaddexp(x1, v0)
            x1 += i
    for e in v0:
        x0 -= np.prod(v0)
    return x1
''')
    args = (0.8, -0.15, np.array([0.3, -0.4, -0.5]))
    report = srcgrad.check_grad(m.f, *args, wrt=(0, 1, 2))
    assert report.ok, str(report)


def test_math_domain_error_in_a_backward_follows_numpy():
    # seed 1017657: math.sin(inf) raises where np.sin gives nan; the gradient is nan, not an exception
    m = load('''
def f(x):
    return np.cos(x * 1e308 * 10.0)
''')
    with np.errstate(all="ignore"):
        g = srcgrad.grad(m.f)(1.0)
    assert np.isnan(g)


# --- lint leftovers found in the long profile (programs 1000000-1003000) ---

def test_counter_of_a_loop_whose_backward_emptied_is_not_saved():
    # seed 1001545: the inner loop's backward went away only after its own saves were
    # dropped, and the counter popped for it was then never read
    m = load('''
def f(x0, x1, v0):
    for i4 in range(len(v0)):
        for i5 in range(3):
            s6 = x1 if 2.0 * x1 > 0.0 else v0[i5]
            x0 += np.maximum(v0[0], s6) if 2.0 < math.asinh(s6) else v0[i5]
    return np.sum(v0) * x1
''')
    args = (0.3, 0.7, np.array([0.1, -0.2, 0.4]))
    assert lint_of(m.f, (0, 1, 2), args) == []
    report = srcgrad.check_grad(m.f, *args, wrt=(0, 1, 2))
    assert report.ok, str(report)


def test_dead_branch_test_keeps_the_calls_it_made():
    # seed 1002116: the test of a branch the clean-up removed stayed as a dead temporary;
    # it calls a user function, which may have effects, so the call itself stays
    m = load('''
calls = []


def h(v):
    calls.append(1)
    return np.sum(v)


def f(x, v):
    for i in range(2):
        if h(v) > 0.0:
            continue
        if v.mean() > 0.0:
            continue
    return x * x
''')
    args = (0.5, np.array([0.2, 0.3, 0.4]))
    assert lint_of(m.f, (0, 1), args) == []
    assert "v.mean()" not in srcgrad.source(m.f, (0, 1), kinds=_kinds(m.f, args))
    del m.calls[:]
    value, grads = srcgrad.value_and_grad(m.f, (0, 1))(*args)
    assert len(m.calls) == 2                          # once per iteration, as f itself does
    assert srcgrad.check_grad(m.f, *args, wrt=(0, 1)).ok


def test_callee_whose_tape_goes_unread_is_called_plainly():
    # seed 1000694: `_t4, tape_1 = h1_forward(...)` kept a tape nothing read
    m = load('''
def h1(a0, a1):
    return a0 * a1


def f(x0, x1):
    x1 = np.square(2.0)
    return h1(x1, 1.5) if x0 > 10.0 else np.tanh(x0)
''')
    src = srcgrad.source(m.f, (0, 1), kinds=_kinds(m.f, (20.0, 0.5)))
    assert lint_of(m.f, (0, 1), (20.0, 0.5)) == []
    assert "h1(x1, 1.5)" in src and "h1_forward" not in src
    assert srcgrad.grad(m.f, (0, 1))(20.0, 0.5) == (0, 0)
    assert srcgrad.check_grad(m.f, 0.5, 0.5, wrt=(0, 1)).ok


def _kinds(fn, args):
    import inspect
    from srcgrad.analysis.kinds import of_value
    return {p: of_value(a) for p, a in zip(inspect.signature(fn).parameters, args)}


def test_plain_call_keeps_the_arguments_the_clean_up_left():
    # seed 1012728: the plain call was rebuilt from the arguments before renesting,
    # naming a temporary (`_t3`) that no longer existed
    m = load('''
def h0(a0, a1):
    return np.cos(np.reciprocal(np.cosh(0.5)))


def f(x0):
    x0 = 2.0
    return np.divide(h0(x0, np.array([x0, x0, x0])), (2.0 + np.tanh(np.sin(x0))))
''')
    assert srcgrad.value_and_grad(m.f)(0.3) == (m.f(0.3), 0)
    assert lint_of(m.f, 0, (0.3,)) == []
