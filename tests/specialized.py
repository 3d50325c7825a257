"""Compiling a test function for given argument values: the code `grad` would run.

Integer arguments are loop counts and sizes; every other argument is differentiated.
"""

import inspect

import srcgrad
from srcgrad import pipeline
from srcgrad.analysis.kinds import of_value


def differentiated(args):
    """Positions of the arguments that are not integers."""
    return tuple(i for i, a in enumerate(args) if not isinstance(a, int))


def source_for(fn, args, off=()):
    """Generated source of fn specialized to the kinds of `args`, passes `off` switched off."""
    names = list(inspect.signature(fn).parameters)
    kinds = {p: of_value(a) for p, a in zip(names, args)}
    wrt = [names[i] for i in differentiated(args)]
    return pipeline.compile_split(fn, wrt, kinds, {"disable": tuple(off)} if off else {}).source


def assert_matches_differences(fn, args):
    """srcgrad's gradient of fn at `args` agrees with central differences."""
    report = srcgrad.check_grad(fn, *args, wrt=differentiated(args))
    assert report.ok, str(report)
