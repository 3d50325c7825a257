"""What people read runs: the code blocks of docs/tensor.md and examples/train_mlp.py."""

import os
import re
import runpy
import sys

ROOT = os.path.join(os.path.dirname(__file__), "..")


def doc_blocks():
    text = open(os.path.join(ROOT, "docs", "tensor.md"), encoding="utf-8").read()
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_docs_page_has_examples():
    assert len(doc_blocks()) >= 5


def test_docs_code_blocks_run(tmp_path, monkeypatch, capsys):
    # srcgrad reads function source from files, so the page runs as one module
    path = tmp_path / "tensor_md.py"
    path.write_text("\n".join(doc_blocks()), encoding="utf-8")
    runpy.run_path(str(path), run_name="tensor_md")
    out = capsys.readouterr().out
    assert "<MeanBackward>" in out and "<CompiledBackward[mse]>" in out


def test_train_mlp_example_checks_itself(capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["train_mlp.py"])
    runpy.run_path(os.path.join(ROOT, "examples", "train_mlp.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "gradient check of mlp_loss (central differences): OK" in out
