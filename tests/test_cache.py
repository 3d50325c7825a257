"""The memory and disk cache: reuse, reuse across processes, invalidation on edit, bad entries."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import srcgrad
from srcgrad import cache

MODULE = '''
import numpy as np

SCALE = 3.0


def helper(v):
    return np.tanh(v) * SCALE


def f(x):
    s = 0.0
    for i in range(3):
        s = s + helper(x * i)
    return s * x
'''


def _write_module(tmp_path, name, text):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(text))
    return path


def _import(path):
    import importlib.util
    spec = importlib.util.spec_from_file_location(path.stem + f"_{os.urandom(4).hex()}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _expected(x, scale=3.0):
    # d/dx [x * sum_i scale*tanh(i x)], written out by hand
    s = sum(scale * np.tanh(i * x) for i in range(3))
    ds = sum(scale * i * (1 - np.tanh(i * x) ** 2) for i in range(3))
    return s + x * ds


def _entries(directory):
    return sorted(p for p in os.listdir(directory) if p.endswith(".py") and not p.startswith("."))


def test_in_process_reuse_does_not_transform_again(tmp_cache, tmp_path):
    mod = _import(_write_module(tmp_path, "m_reuse", MODULE))
    before = cache.stats["transforms"]
    g1 = srcgrad.grad(mod.f)
    assert g1(0.3) == pytest.approx(_expected(0.3), rel=1e-12)
    after_first = cache.stats["transforms"]
    assert after_first > before
    hits = cache.stats["memory_hits"]
    g2 = srcgrad.grad(mod.f)                # a new gradient object, same function and options
    assert g2(0.7) == pytest.approx(_expected(0.7), rel=1e-12)
    assert cache.stats["transforms"] == after_first
    assert cache.stats["memory_hits"] > hits


def test_disk_entry_is_readable_python(tmp_cache, tmp_path):
    mod = _import(_write_module(tmp_path, "m_disk", MODULE))
    srcgrad.grad(mod.f)(0.3)
    entries = _entries(tmp_cache)
    assert entries, "nothing written to the disk cache"
    text = (tmp_cache / entries[0]).read_text()
    compile(text, entries[0], "exec")
    assert "def f_forward" in text or "def helper_forward" in text


def _child(code, cache_dir, path):
    env = dict(os.environ, SRCGRAD_CACHE_DIR=str(cache_dir), PYTHONPATH=os.pathsep.join(sys.path))
    script = textwrap.dedent(f'''
        import importlib.util, json, sys
        import srcgrad
        from srcgrad import cache
        spec = importlib.util.spec_from_file_location("m", {str(path)!r})
        m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
        g = srcgrad.grad(m.f)(0.3)
        print(json.dumps({{"grad": g, "stats": cache.stats}}))
    ''')
    out = subprocess.run([sys.executable, "-c", script + code], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    import json
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_cross_process_reuse(tmp_cache, tmp_path):
    path = _write_module(tmp_path, "m_cross", MODULE)
    first = _child("", tmp_cache, path)
    assert first["stats"]["transforms"] >= 1 and first["stats"]["disk_writes"] >= 1
    second = _child("", tmp_cache, path)
    assert second["stats"]["transforms"] == 0
    assert second["stats"]["disk_hits"] == 1
    assert second["grad"] == pytest.approx(first["grad"], rel=0, abs=0)
    assert second["grad"] == pytest.approx(_expected(0.3), rel=1e-12)


@pytest.mark.parametrize("edit", ["function", "callee"])
def test_editing_invalidates(tmp_cache, tmp_path, edit):
    path = _write_module(tmp_path, "m_edit", MODULE)
    first = _child("", tmp_cache, path)
    if edit == "function":
        path.write_text(textwrap.dedent(MODULE).replace("return s * x", "return s * x * x"))
        expected = _expected(0.3) * 0.3 + sum(3.0 * np.tanh(i * 0.3) for i in range(3)) * 0.3
    else:
        path.write_text(textwrap.dedent(MODULE).replace("np.tanh(v) * SCALE", "np.tanh(v) * SCALE * 2.0"))
        expected = _expected(0.3, scale=6.0)
    second = _child("", tmp_cache, path)
    assert second["stats"]["transforms"] >= 1, "a stale entry was reused after an edit"
    assert second["grad"] == pytest.approx(expected, rel=1e-12)
    assert second["grad"] != pytest.approx(first["grad"])


def test_global_rebinding_is_seen_without_edit(tmp_cache, tmp_path):
    mod = _import(_write_module(tmp_path, "m_global", MODULE))
    g = srcgrad.grad(mod.f)
    assert g(0.3) == pytest.approx(_expected(0.3), rel=1e-12)
    mod.SCALE = 5.0                                    # globals are read live
    assert g(0.3) == pytest.approx(_expected(0.3, scale=5.0), rel=1e-12)

    def other_helper(v):
        return v * v
    mod.helper = other_helper                          # a rebound callee recompiles
    expected = 3 * 0.3 ** 2 * sum(i * i for i in range(3))   # d/dx x * sum_i (i x)^2
    assert g(0.3) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("damage", ["truncate", "tamper", "garbage", "empty"])
def test_corrupt_entry_is_ignored_and_rewritten(tmp_cache, tmp_path, damage):
    path = _write_module(tmp_path, "m_corrupt", MODULE)
    _child("", tmp_cache, path)
    (entry,) = _entries(tmp_cache)
    full = tmp_cache / entry
    text = full.read_text()
    if damage == "truncate":
        full.write_text(text[: len(text) // 2])
    elif damage == "tamper":
        full.write_text(text.replace("return", "return 0 *", 1))
    elif damage == "garbage":
        full.write_bytes(os.urandom(300))
    else:
        full.write_text("")
    result = _child("", tmp_cache, path)
    assert result["stats"]["transforms"] >= 1
    assert result["stats"]["disk_hits"] == 0
    assert result["grad"] == pytest.approx(_expected(0.3), rel=1e-12)
    assert full.read_text() == text                     # rewritten whole
    again = _child("", tmp_cache, path)
    assert again["stats"]["disk_hits"] == 1


def _compiled_form(directory):
    (entry,) = _entries(directory)
    return directory / f"{entry[:-3]}.{sys.implementation.cache_tag}.code"


def test_disk_hit_uses_the_compiled_form(tmp_cache, tmp_path, monkeypatch):
    mod = _import(_write_module(tmp_path, "m_code", MODULE))
    srcgrad.grad(mod.f)(0.3)
    assert _compiled_form(tmp_cache).is_file()
    cache.clear_memory()
    from srcgrad import loader

    def no_compiling(*args):
        raise AssertionError("compiled the text again")
    monkeypatch.setattr(loader, "factory_code", no_compiling)
    hits = cache.stats["disk_hits"]
    assert srcgrad.grad(mod.f)(0.3) == pytest.approx(_expected(0.3), rel=1e-12)
    assert cache.stats["disk_hits"] == hits + 1


@pytest.mark.parametrize("damage", ["garbage", "empty", "other-entry"])
def test_bad_compiled_form_falls_back_to_the_text(tmp_cache, tmp_path, damage):
    path = _write_module(tmp_path, "m_badcode", MODULE)
    _child("", tmp_cache, path)
    code = _compiled_form(tmp_cache)
    if damage == "garbage":
        code.write_bytes(os.urandom(300))
    elif damage == "empty":
        code.write_bytes(b"")
    else:                   # a well-formed compiled form of another function's entry
        other = _write_module(tmp_path, "m_other", MODULE.replace("* SCALE", "* SCALE * 2.0"))
        _child("", tmp_cache, other)
        other_code = [p for p in tmp_cache.iterdir() if p.name.endswith(".code") and p != code]
        code.write_bytes(other_code[0].read_bytes())
    result = _child("", tmp_cache, path)
    assert result["stats"]["disk_hits"] == 1
    assert result["grad"] == pytest.approx(_expected(0.3), rel=1e-12)


def test_concurrent_writers_leave_a_complete_entry(tmp_cache, tmp_path):
    path = _write_module(tmp_path, "m_race", MODULE)
    env = dict(os.environ, SRCGRAD_CACHE_DIR=str(tmp_cache), PYTHONPATH=os.pathsep.join(sys.path))
    script = textwrap.dedent(f'''
        import importlib.util, srcgrad
        spec = importlib.util.spec_from_file_location("m", {str(path)!r})
        m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
        print(srcgrad.grad(m.f)(0.3))
    ''')
    procs = [subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1] for o in outs]
    for out, _ in outs:
        assert float(out) == pytest.approx(_expected(0.3), rel=1e-12)
    assert len(_entries(tmp_cache)) == 1
    assert not [p for p in os.listdir(tmp_cache) if p.startswith(".tmp-")]
    reuse = _child("", tmp_cache, path)
    assert reuse["stats"]["disk_hits"] == 1


def test_cache_off_keeps_memory_only(tmp_path, monkeypatch):
    monkeypatch.setenv("SRCGRAD_CACHE_DIR", "off")
    cache.clear_memory()
    mod = _import(_write_module(tmp_path, "m_off", MODULE))
    writes = cache.stats["disk_writes"]
    assert srcgrad.grad(mod.f)(0.3) == pytest.approx(_expected(0.3), rel=1e-12)
    assert cache.stats["disk_writes"] == writes


def test_different_kinds_and_wrt_are_different_entries(tmp_cache):
    def h(x, y):
        return np.sum(x * y)
    gx, gy = srcgrad.grad(h, 0), srcgrad.grad(h, 1)
    x, y = np.arange(3.0), np.ones(3) * 2.0
    np.testing.assert_array_equal(gx(x, y), y)
    np.testing.assert_array_equal(gy(x, y), x)
    assert gx(1.5, 2.0) == 2.0 and gy(1.5, 2.0) == 1.5
