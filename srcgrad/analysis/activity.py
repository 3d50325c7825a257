"""Which variables carry gradient.

A variable is *active* when it depends on a `wrt` input (varied) and the
output depends on it (useful), both through differentiable operations.  Only
active variables get adjoints; everything else (integers, shapes, indices,
comparison results, values that never reach the output) has none.

The analysis is flow-insensitive: a name is active if any of its assignments
is.  That errs towards more adjoints, never fewer.
"""

from .. import astlib as A
from ..normalize import prim
from ..rules import constructs
from . import flow


def _atom_names(nodes):
    out = []
    for n in nodes:
        if isinstance(n, A.Name):
            out.append(n.id)
    return out


def _edges(st):
    """(sources, targets) pairs: gradient may flow from each target back to each source."""
    p = prim(st)
    if p is None:
        return []
    target = p.target
    # Calls without a template stay connected: if gradient would flow through one,
    # the reverse pass reports it instead of silently treating it as a constant.
    if target.kind == "nondiff" or (target.kind == "rule" and target.rule.nondiff
                                    and target.rule.reverse is None and not target.rule.variants):
        return []
    srcs = _atom_names(p.args) + _atom_names(p.keywords.values())
    if target.kind == "rule":
        key = target.rule.key
        if key == constructs.GETITEM:
            srcs = _atom_names(p.args[:1])
        elif key == constructs.SETITEM:
            x, v = p.args[0], p.args[2]
            return [(_atom_names([v]) + _atom_names([x]), _atom_names([x]))]
        elif key == constructs.DICT:
            srcs = _atom_names(p.args[1:])
        elif key in constructs.LIST_CHANGES:
            return [(_atom_names(p.args), _atom_names(p.args[:1]))]
        elif isinstance(key, str) and key.startswith("inplace:"):
            return [(_atom_names(p.args), _atom_names(p.args[:1]))]
    if p.result is None:
        return []
    return [(srcs, [p.result])]


def analyze(fn, wrt, output):
    """Return (active, varied, useful) sets of names."""
    edges = []
    for st in flow.all_stmts(fn.body):
        edges.extend(_edges(st))
    varied = _closure(set(wrt), edges, forward=True)
    useful = _closure({output} if output else set(), edges, forward=False)
    return varied & useful, varied, useful


def _closure(names, edges, forward):
    """`names` and everything gradient flows to from them (forward) or back into them."""
    changed = True
    while changed:
        changed = False
        for srcs, tgts in edges:
            frm, to = (srcs, tgts) if forward else (tgts, srcs)
            if any(n in names for n in frm):
                for n in to:
                    if n not in names:
                        names.add(n)
                        changed = True
    return names
