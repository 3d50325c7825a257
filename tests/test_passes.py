"""Each optimizing pass can be switched off; the gradient stays right and the code changes."""

import pytest

import srcgrad
from corpus import CASES, make_args
from specialized import source_for
from srcgrad import pipeline

SAMPLE = [c for c in CASES if c.id in {
    "model_mlp", "model_rnn", "model_scalar_loop", "model_scalar_loop_products", "lst_append_array", "call_nested_def_loop",
    "model_euler_ode", "model_rosenbrock", "lst_fresh_list_each_iteration", "la_einsum", "model_logistic",
    "model_rnn_bias", "call_tuple_result"}]


def _source(c, off):
    """The code `grad` compiles for the case's arguments (specialized to their kinds and
    their shape pattern)."""
    wrt = c.wrt if isinstance(c.wrt, tuple) else (c.wrt,)
    return source_for(c.fn, make_args(c, 0), off, wrt)


def test_sample_is_present():
    assert len(SAMPLE) == 13


@pytest.mark.parametrize("name", pipeline.PASSES)
def test_pass_off_still_correct(name, monkeypatch):
    monkeypatch.setenv("SRCGRAD_DISABLE_PASSES", name)
    for c in SAMPLE:
        report = srcgrad.check_grad(c.fn, *make_args(c, 0), wrt=c.wrt)
        assert report.ok, f"{c.id} with {name} off:\n{report}"


@pytest.mark.parametrize("name", pipeline.PASSES)
def test_pass_off_changes_the_code(name):
    changed = [c.id for c in SAMPLE if _source(c, [name]) != _source(c, [])]
    assert changed, f"switching off {name} changed nothing"


def test_unknown_pass_name(monkeypatch):
    monkeypatch.setenv("SRCGRAD_DISABLE_PASSES", "nonsense")
    with pytest.raises(srcgrad.ArgumentError, match="unknown pass"):
        srcgrad.grad(SAMPLE[0].fn)(*make_args(SAMPLE[0], 0))
