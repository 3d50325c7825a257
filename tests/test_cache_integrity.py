"""The disk cache trusts nothing it did not just verify (see docs/testing.md, "trust model").

An entry is executed only if the SHA-256 in its link line matches its text; a
modified, truncated or other-version entry is discarded and regenerated; the
directory is private (0700) and entries are not world-writable; an unusable
directory falls back to memory with one warning.
"""

import json
import os
import stat
import warnings

import pytest

import srcgrad
from srcgrad import cache
from fuzz import harness

MODULE = """
import numpy as np


def f(x):
    return np.sin(x) * x + 2.0 * x
"""


def expected(x):
    import math
    return math.cos(x) * x + math.sin(x) + 2.0


def fresh_function(tag=""):
    return harness.load(MODULE + f"\n# {tag}\n").f


def entries(directory):
    return sorted(p for p in os.listdir(directory) if p.endswith(".py") and not p.startswith(".tmp-"))


def compile_once(fn, x=0.3):
    cache.clear_memory()
    before = dict(cache.stats)
    g = srcgrad.grad(fn)(x)
    return g, {k: cache.stats[k] - before.get(k, 0) for k in cache.stats}


def test_entry_round_trip(tmp_cache):
    f = fresh_function("round trip")
    g, d = compile_once(f)
    assert d["transforms"] == 1 and d["disk_writes"] == 1
    assert g == pytest.approx(expected(0.3), rel=1e-12)
    g, d = compile_once(f)
    assert d["disk_hits"] == 1 and d["transforms"] == 0
    assert g == pytest.approx(expected(0.3), rel=1e-12)


@pytest.mark.parametrize("damage", ["tamper", "tamper-code-keep-hash", "truncate", "drop-link-line", "empty",
                                    "bad-json"])
def test_damaged_entry_is_discarded_and_regenerated(tmp_cache, damage):
    f = fresh_function(damage)
    compile_once(f)
    (name,) = entries(tmp_cache)
    path = tmp_cache / name
    good = path.read_text()
    cut = good.rfind(cache._META)
    if damage == "tamper":                  # an edit anywhere, link line included
        bad = good.replace("# srcgrad", "# edited srcgrad", 1).replace('"version"', '"version" ', 1)
    elif damage == "tamper-code-keep-hash":
        body = good[:cut]
        k = body.rindex("return ")
        bad = body[:k] + "return 2.0 * " + body[k + len("return "):] + good[cut:]   # link line kept
    elif damage == "truncate":
        bad = good[: len(good) * 2 // 3]
    elif damage == "drop-link-line":
        bad = good[:cut]
    elif damage == "empty":
        bad = ""
    else:
        bad = good[:cut] + cache._META + "{not json\n"
    assert bad != good
    path.write_text(bad)
    g, d = compile_once(f)
    assert d["disk_hits"] == 0 and d["transforms"] == 1
    assert g == pytest.approx(expected(0.3), rel=1e-12)
    assert path.read_text() == good         # rewritten whole
    g, d = compile_once(f)
    assert d["disk_hits"] == 1


def test_entry_from_another_version_is_ignored(tmp_cache):
    f = fresh_function("version")
    compile_once(f)
    (name,) = entries(tmp_cache)
    path = tmp_cache / name
    good = path.read_text()
    cut = good.rfind(cache._META)
    meta = json.loads(good[cut + len(cache._META):])
    meta["version"] = "0.0.0-elsewhere"     # hash still matches the text: only the version differs
    path.write_text(good[:cut] + cache._META + json.dumps(meta, sort_keys=True) + "\n")
    g, d = compile_once(f)
    assert d["disk_hits"] == 0 and d["transforms"] == 1
    assert g == pytest.approx(expected(0.3), rel=1e-12)
    assert path.read_text() == good


def test_key_covers_the_version(tmp_cache, monkeypatch):
    f = fresh_function("version key")
    fns = cache.reachable(f)
    key = cache.disk_key(fns, ("x",), {}, {})
    monkeypatch.setattr(cache, "__version__", "999.0")
    assert cache.disk_key(fns, ("x",), {}, {}) != key


def test_directory_is_private_and_entries_not_world_writable(tmp_path, monkeypatch):
    directory = tmp_path / "fresh" / "srcgrad-cache"
    monkeypatch.setenv("SRCGRAD_CACHE_DIR", str(directory))
    old = os.umask(0o022)
    try:
        compile_once(fresh_function("modes"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    (name,) = entries(directory)
    mode = stat.S_IMODE(os.stat(directory / name).st_mode)
    assert mode & (stat.S_IWOTH | stat.S_IWGRP) == 0
    assert mode == 0o600
    assert not [p for p in os.listdir(directory) if p.startswith(".tmp-")]


def _unusable(tmp_path, monkeypatch, how):
    if how == "missing":        # cannot be created: its parent is a regular file
        blocker = tmp_path / "blocker"
        blocker.write_text("")
        return blocker / "cache"
    directory = tmp_path / "readonly"
    directory.mkdir()
    directory.chmod(0o500)
    if os.geteuid() == 0:       # root writes anyway: make srcgrad see what a user would
        real = os.access
        monkeypatch.setattr(cache.os, "access",
                            lambda p, mode, **kw: False if str(p) == str(directory) else real(p, mode, **kw))
    return directory


@pytest.mark.parametrize("how", ["missing", "readonly"])
def test_unusable_directory_falls_back_to_memory_with_one_warning(tmp_path, monkeypatch, how):
    directory = _unusable(tmp_path, monkeypatch, how)
    monkeypatch.setenv("SRCGRAD_CACHE_DIR", str(directory))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for k in range(3):
            g, d = compile_once(fresh_function(f"{how} {k}"))
            assert g == pytest.approx(expected(0.3), rel=1e-12)
            assert d["transforms"] == 1 and d["disk_writes"] == 0
        again = srcgrad.grad(fresh_function(f"{how} again"))
        again(0.1)
        again(0.2)
    ours = [w for w in caught if "srcgrad" in str(w.message)]
    assert len(ours) == 1, [str(w.message) for w in ours]
    assert issubclass(ours[0].category, RuntimeWarning)
    assert str(directory) in str(ours[0].message)
    if how == "readonly":
        assert os.listdir(directory) == []
    directory.parent.chmod(0o700)


def test_cache_off_never_touches_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("SRCGRAD_CACHE_DIR", "off")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    g, d = compile_once(fresh_function("off"))
    assert g == pytest.approx(expected(0.3), rel=1e-12)
    assert d["disk_writes"] == 0 and d["disk_hits"] == 0
    assert not (tmp_path / ".cache").exists()


def test_entry_is_verified_before_it_runs(tmp_cache):
    """A tampered entry that would run code at import is never executed."""
    f = fresh_function("exec")
    compile_once(f)
    (name,) = entries(tmp_cache)
    path = tmp_cache / name
    good = path.read_text()
    marker = tmp_cache.parent / "pwned"
    cut = good.rfind(cache._META)
    payload = f"open({str(marker)!r}, 'w').close()\n"
    path.write_text(payload + good[:cut] + good[cut:])
    g, d = compile_once(f)
    assert not marker.exists()
    assert d["disk_hits"] == 0
    assert g == pytest.approx(expected(0.3), rel=1e-12)

