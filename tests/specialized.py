"""Compiling a test function for given argument values: the code `grad` would run.

Integer arguments are loop counts and sizes; every other argument is differentiated.
"""

import inspect

import srcgrad
from srcgrad import astlib as A
from srcgrad import pipeline, runtime
from srcgrad.analysis.kinds import of_value


def differentiated(args):
    """Positions of the arguments that are not integers."""
    return tuple(i for i, a in enumerate(args) if not isinstance(a, int))


def source_for(fn, args, off=(), wrt=None):
    """Generated source of fn specialized to the kinds and shape pattern of `args`, passes
    `off` switched off; `wrt` (positions) defaults to the arguments that are not integers."""
    names = list(inspect.signature(fn).parameters)
    kinds = {p: of_value(a) for p, a in zip(names, args)}
    wrt = [names[i] for i in (differentiated(args) if wrt is None else wrt)]
    options = {"shapes": runtime.shape_pattern(names, args)}
    if off:
        options["disable"] = tuple(off)
    return pipeline.compile_split(fn, wrt, kinds, options).source


def assert_matches_differences(fn, args, wrt=None):
    """srcgrad's gradient of fn at `args` with respect to `wrt` (positions; default the
    arguments that are not integers) agrees with central differences."""
    report = srcgrad.check_grad(fn, *args, wrt=differentiated(args) if wrt is None else wrt)
    assert report.ok, str(report)


def rewritten(src, rewrite=None):
    """The body of the one function in `src`, as source, after `rewrite(fn)` (a pass run on
    code written by hand) changed it in place."""
    fn = A.parse(src).body[0]
    if rewrite is not None:
        rewrite(fn)
    return A.to_source_text(fn.body)
