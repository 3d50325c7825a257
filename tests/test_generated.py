"""What users read: golden generated source, determinism, comments, tracebacks, the CLI."""

import linecache
import os
import subprocess
import sys
import traceback

import numpy as np
import pytest

import golden_functions as gf
import srcgrad

GOLDEN = os.path.join(os.path.dirname(__file__), "golden")
CASES = [
    ("poly", gf.poly, 0, {"x": "num"}, "reverse"),
    ("poly_forward", gf.poly, 0, {"x": "num"}, "forward"),
    ("loop_branch", gf.loop_branch, 0, {"x": "num", "n": "num"}, "reverse"),
    ("mlp", gf.mlp, (0, 1), {"W": "array:2", "b": "array:1", "x": "array:2"}, "reverse"),
    ("caller", gf.caller, (0, 1), {"x": "num", "y": "num"}, "reverse"),
]


def _normalized(text):
    """Generated source with this checkout's absolute paths removed."""
    return text.replace(os.path.dirname(gf.__file__) + os.sep, "")


@pytest.mark.parametrize("name, fn, wrt, kinds, mode", CASES, ids=[c[0] for c in CASES])
def test_golden_source(name, fn, wrt, kinds, mode):
    text = _normalized(srcgrad.source(fn, wrt, kinds=kinds, mode=mode))
    path = os.path.join(GOLDEN, name + ".py")
    if os.environ.get("SRCGRAD_UPDATE_GOLDEN"):
        with open(path, "w") as f:
            f.write(text)
    with open(path) as f:
        expected = f.read()
    assert text == expected, f"generated source changed; rerun with SRCGRAD_UPDATE_GOLDEN=1 to accept\n{text}"


@pytest.mark.parametrize("name, fn, wrt, kinds, mode", CASES, ids=[c[0] for c in CASES])
def test_golden_files_are_correct_code(name, fn, wrt, kinds, mode):
    """The golden files are not just stable: the code in them computes the right derivative."""
    namespace = {}
    with open(os.path.join(GOLDEN, name + ".py")) as f:
        text = f.read()
    assert "# grad of:" in text or mode == "forward"
    compile(text, name, "exec")
    args = {"poly": (0.7,), "loop_branch": (0.4, 5), "caller": (0.3, 1.2),
            "mlp": (np.random.RandomState(0).randn(3, 4), np.zeros(4), np.ones((2, 3)))}[fn.__name__]
    assert srcgrad.check_grad(fn, *args, wrt=wrt).ok


def test_second_compilation_is_byte_identical():
    from srcgrad import pipeline
    a = pipeline.compile_split(gf.loop_branch, ["x"], {}, {}).source
    b = pipeline.compile_split(gf.loop_branch, ["x"], {}, {}).source
    assert a == b


def test_determinism_across_processes():
    code = ("import sys; sys.path.insert(0, %r); import golden_functions as g, srcgrad;"
            "print(srcgrad.source(g.mlp, (0, 1)))" % os.path.dirname(__file__))
    env = dict(os.environ, PYTHONHASHSEED="random", SRCGRAD_CACHE_DIR="off")
    runs = {subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                           check=True).stdout for _ in range(2)}
    assert len(runs) == 1


def test_every_statement_is_commented_with_its_location():
    text = srcgrad.source(gf.loop_branch, 0)
    for lineno, line in enumerate(open(gf.__file__), start=1):
        if gf.loop_branch.__code__.co_firstlineno < lineno <= gf.loop_branch.__code__.co_firstlineno + 6:
            stmt = line.strip()
            if stmt and not stmt.startswith("else"):
                assert f"# {stmt}   (golden_functions.py:{lineno})" in text, stmt
                if stmt != "s = 0.0":                   # no gradient flows through a constant
                    assert f"# grad of: {stmt}   (golden_functions.py:{lineno})" in text, stmt


def test_generated_lines_show_in_tracebacks():
    def f(x, k):
        return np.sum(np.log(x) * k)
    g = srcgrad.grad(f)
    with np.errstate(all="raise"), pytest.raises(FloatingPointError) as info:
        g(np.array([0.0, 2.0]), np.ones(2))
    frames = traceback.extract_tb(info.tb)
    generated = [fr for fr in frames if fr.name == "f_forward"]
    assert generated, [fr.filename for fr in frames]
    frame = generated[-1]
    assert frame.line, "the generated line is not visible in the traceback"
    assert linecache.getline(frame.filename, frame.lineno).strip() == frame.line


def test_gradient_function_has_source_and_show(capsys):
    g = srcgrad.grad(gf.poly)
    g(1.0)
    assert "def poly_backward" in g.source
    srcgrad.show(gf.poly)
    assert "def poly_backward" in capsys.readouterr().out


def test_side_effects_run_once():
    calls = []

    def f(x):
        calls.append(1)
        print("evaluating")
        return x * x
    assert srcgrad.grad(f)(3.0) == 6.0
    assert len(calls) == 1


# --- the command line -------------------------------------------------------------------

def _cli(*args, cwd=None):
    env = dict(os.environ, SRCGRAD_CACHE_DIR="off",
               PYTHONPATH=os.pathsep.join([os.path.dirname(os.path.dirname(srcgrad.__file__))]))
    return subprocess.run([sys.executable, "-m", "srcgrad", *args], capture_output=True, text=True,
                          env=env, cwd=cwd)


def test_cli_show_file_function():
    out = _cli("show", f"{gf.__file__}:poly")
    assert out.returncode == 0, out.stderr
    assert "def poly_backward" in out.stdout and "# grad of: return 3.0 * x * x" in out.stdout


def test_cli_show_module_function_with_wrt_and_mode():
    out = _cli("show", "golden_functions:caller", "--wrt", "x,y", cwd=os.path.dirname(__file__))
    assert out.returncode == 0, out.stderr
    assert "with respect to x, y" in out.stdout and "def helper_backward" in out.stdout
    fwd = _cli("show", "golden_functions:poly", "--mode", "forward", cwd=os.path.dirname(__file__))
    assert fwd.returncode == 0 and "def poly_jvp" in fwd.stdout


def test_cli_errors():
    missing = _cli("show", "no/such/file.py:f")
    assert missing.returncode != 0 and "no such file" in missing.stderr
    bad = _cli("show", os.path.join(os.path.dirname(__file__), "bad_functions.py") + ":uses_try")
    assert bad.returncode == 1 and "try/except is not supported" in bad.stderr
    assert "bad_functions.py:12:5" in bad.stderr
    form = _cli("show", "nocolon")
    assert form.returncode != 0 and "FILE.py:FUNCTION" in form.stderr
