"""Each optimizing pass switched off in turn: what each one buys.

srcgrad reads the passes to skip from SRCGRAD_DISABLE_PASSES when it compiles,
and the names from `srcgrad.pipeline.PASSES`; every configuration is a fresh
compilation (the options are part of the cache key), timed side by side.
"""

import os

from . import data, table, timing

NA = "n/a (srcgrad has no pass switches)"


def pass_names():
    """The switchable passes, or None when srcgrad does not expose switches."""
    try:
        from srcgrad.pipeline import PASSES
    except ImportError:
        return None
    return tuple(PASSES)


def compile_with(bench, off):
    import srcgrad
    previous = os.environ.get("SRCGRAD_DISABLE_PASSES")
    os.environ["SRCGRAD_DISABLE_PASSES"] = ",".join(off)
    try:
        g = srcgrad.grad(bench.fn, bench.wrt)
        g(*list(bench.make(data.generator(0)).values()))       # compile under these options
    finally:
        if previous is None:
            os.environ.pop("SRCGRAD_DISABLE_PASSES", None)
        else:
            os.environ["SRCGRAD_DISABLE_PASSES"] = previous
    return g


def run(benches, budget):
    names = pass_names()
    if names is None:
        return None
    results = []
    for bench in benches:
        values = list(bench.make(data.generator(0)).values())
        runs = {}
        for label, off in [("all on", ())] + [(f"no {n}", (n,)) for n in names]:
            try:
                g = compile_with(bench, off)
                runs[label] = (lambda g=g: g(*values))
            except Exception:
                continue
        results.append((bench.name, timing.side_by_side(runs, budget=budget)))
    return names, results


def render(outcome, markdown=False):
    title = "Optimizing passes switched off one at a time"
    if outcome is None:
        return f"{title}: {NA}." if not markdown else f"### {title}\n\n{NA}."
    names, results = outcome
    labels = ["all on"] + [f"no {n}" for n in names]
    rows = [[name] + [table.seconds(times.get(lb)) for lb in labels] for name, times in results]
    return table.render(["objective"] + labels, rows, markdown, title=title)
