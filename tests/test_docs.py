"""What people read runs: the README example, the examples/ scripts, the docs' template example."""

import os
import re
import subprocess
import sys

import numpy as np
import pytest

import srcgrad

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _blocks(path, lang):
    with open(os.path.join(ROOT, path)) as f:
        return re.findall(rf"```{lang}\n(.*?)```", f.read(), re.S)


def test_readme_example_and_its_generated_code(tmp_path):
    example, shown = _blocks("README.md", "python")[:2]
    module = tmp_path / "readme_ex.py"
    module.write_text(example.split("\nsrcgrad.grad(f)")[0] + "\n")
    sys.path.insert(0, str(tmp_path))
    try:
        import readme_ex
    finally:
        sys.path.remove(str(tmp_path))
    claimed = float(re.search(r"# ([0-9.]+)", example).group(1))
    assert srcgrad.grad(readme_ex.f)(0.5, 4) == pytest.approx(claimed, rel=1e-15)
    assert srcgrad.check_grad(readme_ex.f, 0.5, 4).ok
    generated = srcgrad.source(readme_ex.f, kinds={"x": "num", "steps": "num"})
    body = generated[generated.index("def f_forward"):]
    assert body.strip() == shown.strip()


def test_readme_has_exactly_two_setup_commands():
    commands = _blocks("README.md", "bash")
    assert len(commands) == 2
    with open(os.path.join(ROOT, ".ci", "run")) as f:
        ci = f.read()
    assert commands[1].strip() == "bash .ci/run"
    assert "pip install -q '.[test]'" in ci and "pytest" in ci
    assert "examples/quickstart.py" in commands[0]


@pytest.mark.parametrize("script", sorted(p for p in os.listdir(os.path.join(ROOT, "examples"))
                                          if p.endswith(".py")))
def test_examples_run_and_check_themselves(script):
    env = dict(os.environ, PYTHONPATH=ROOT, MPLBACKEND="Agg")
    out = subprocess.run([sys.executable, os.path.join(ROOT, "examples", script)], env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "OK" in out.stdout or "ok" in out.stdout.lower()


def test_custom_template_from_docs(tmp_path):
    (block,) = [b for b in _blocks("docs/templates.md", "python") if "srcgrad.adjoint" in b]
    module = tmp_path / "docs_template.py"
    module.write_text("import numpy as np\nimport srcgrad\n\n"
                      "class my_library:\n"
                      "    softplus = np.vectorize(lambda v: float(np.log1p(np.exp(v))))\n\n"
                      + block + "\n\ndef loss(x):\n    return np.sum(my_library.softplus(x) * x)\n")
    sys.path.insert(0, str(tmp_path))
    try:
        import docs_template
    finally:
        sys.path.remove(str(tmp_path))
    x = np.array([0.3, -1.2, 2.0])
    report = srcgrad.check_grad(docs_template.loss, x)
    assert report.ok, str(report)
