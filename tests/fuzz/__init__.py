"""Differential fuzzing of the compiler: strategies and checks used by tests/test_fuzz.py.

    programs.py  -- a generator of random valid programs in the supported subset,
                    rendered twice: plain (what srcgrad compiles) and instrumented
                    (records every branch decision and kink side, to skip inputs
                    near a switch)
    inject.py    -- puts one unsupported construct into a valid program
    lint.py      -- checks on generated gradient source (dead adjoints, unused pushes)
    harness.py   -- loads a program from a real file and runs the differential check

The generator draws every decision from a `Chooser`, either hypothesis's `draw`
(so failures shrink to a minimal program) or a seeded `random.Random` (the
cross-process determinism test).  Choice 0 is always the simplest option, so
shrinking moves towards short, straight-line programs.
"""
