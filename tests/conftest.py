import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

# Tests write compiled gradients to a private cache directory, never the user's.
_CACHE = os.path.join(os.path.dirname(__file__), ".." , ".pytest_cache", "srcgrad-cache")
os.environ.setdefault("SRCGRAD_CACHE_DIR", os.path.abspath(_CACHE))


@pytest.fixture
def tmp_cache(tmp_path, monkeypatch):
    """A fresh, empty disk cache directory for one test."""
    path = tmp_path / "cache"
    monkeypatch.setenv("SRCGRAD_CACHE_DIR", str(path))
    from srcgrad import cache
    cache.clear_memory()
    return path


def pytest_configure(config):
    # tests/test_fuzz.py's long profile: SRCGRAD_FUZZ_LONG=1 pytest -m fuzz_long -s
    config.addinivalue_line("markers", "fuzz_long: the long fuzzing profile (set SRCGRAD_FUZZ_LONG=1)")
