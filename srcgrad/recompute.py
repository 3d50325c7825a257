"""Recompute cheap scalar temporaries in the backward sweep instead of saving them.

A loop body like `t = x * y; z = cos(t); y = ...` makes the backward read `t`
after the loop has overwritten it, so the tape would save one float per
iteration for it.  When `t` is a compiler temporary defined once as `a op b`
(op one of + - * /, operands scalar variables, not temporaries, or constants), and neither
operand is reassigned between its definition and a statement whose adjoint
reads it, that adjoint can start with `t = a op b` instead.  The adjoint then
reads `a` and `b` instead; that is only done when neither needs saving in
`t`'s place: each operand is one the loop never reassigns (`x` above) or one
whose value some adjoint in the block reads anyway (`y` above, read by the
adjoint of `t = x * y` itself).

Outside loops nothing changes: there a value rides in the tape tuple for free.
`recompute(sites, kinds, temps)` rewrites the sites in place before the reads
are collected (`temps`: the compiler's temporaries, from the Namer); it returns
the names no longer read from the tape.
"""

from . import astlib as A
from .analysis.kinds import NUM

_CHEAP = ("+", "-", "*", "/")


def recompute(sites, kinds, temps):
    defs = {}
    for site in _all(sites):
        for v in site.defs:
            defs[v] = defs.get(v, 0) + 1
    readers, bad = {}, set()
    _scan(sites, kinds, defs, temps, readers, bad)
    done = set()
    for name, sites_exprs in readers.items():
        if name in bad:
            continue
        for site, expr in sites_exprs:
            node = A.assign(A.store(name), A.copy_node(expr))
            A.set_anno(node, "origin", site.origin)
            site.bwd = [node] + site.bwd
        done.add(name)
    return done


def _all(sites):
    for site in sites:
        yield site
        for block in site.blocks:
            yield from _all(block)


def _scan(sites, kinds, defs, temps, readers, bad, loop=None):
    """Walk one straight-line block; nested blocks are their own scope (a temporary read
    across a branch or loop boundary is never recomputed).  `loop`: the names the innermost
    enclosing loop assigns (None outside loops, where a value rides in the tape for free)."""
    live = {}                                     # temp -> its defining expression, still valid
    seen = set()                     # names some adjoint in this block reads, unchanged since
    for site in sites:
        inner = None
        if site.blocks:
            inner = {v for s in _all([site]) for v in s.defs} | {site.loop_target, site.counter}
        for block in site.blocks:
            _scan(block, kinds, defs, temps, readers, bad,
                  inner if isinstance(site.fwd, (A.For, A.While)) else loop)
        if site.blocks:                           # a branch or loop header: never recompute
            bad.update(set(site.header_reads) & temps)
        read = _bwd_reads(site)
        for name in read:
            # the adjoint of a statement runs before the statement's own targets are restored,
            # so an operand this statement assigns would have its new value there
            if name in live and not set(site.defs) & _operands(live[name]):
                readers.setdefault(name, []).append((site, live[name]))
            elif name in temps:
                bad.add(name)                     # some reader cannot recompute it
        seen |= read
        if site.blocks:
            live = {t: e for t, e in live.items() if not _operands(e) & inner}
            seen -= inner
            continue
        for v in site.defs:
            live = {t: e for t, e in live.items() if v not in _operands(e) and t != v}
        seen -= set(site.defs)
        expr = _cheap(site, kinds, defs, temps) if loop is not None else None
        # an operand the loop reassigns would need saving in t's place, unless an adjoint
        # reads that same value anyway
        if expr is not None and _operands(expr) & loop <= seen:
            live[site.defs[0]] = expr


def _cheap(site, kinds, defs, temps):
    st = site.fwd
    if site.mutation or not isinstance(st, A.Assign) or len(st.targets) != 1 \
            or not isinstance(st.targets[0], A.Name):
        return None
    name, value = st.targets[0].id, st.value
    if name not in temps or defs.get(name) != 1 or kinds.get(name) != NUM:
        return None
    if not isinstance(value, A.BinOp) or A.op_symbol(value.op) not in _CHEAP:
        return None
    for side in (value.left, value.right):
        if isinstance(side, A.Name):
            # another temporary could itself be recomputed, and so not be there to read
            if kinds.get(side.id) != NUM or side.id in temps:
                return None
        elif not (A.is_const(side) and isinstance(side.value, (int, float))):
            return None
    return value


def _operands(expr):
    return {n.id for n in A.walk(expr) if isinstance(n, A.Name)}


def _bwd_reads(site):
    if site.blocks:
        return set()
    return {n.id for st in site.bwd for n in A.walk(st)
            if isinstance(n, A.Name) and isinstance(n.ctx, A.Load)}
