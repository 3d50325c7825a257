"""Accumulate into an adjoint's own buffer: `d_W += e` instead of `d_W = d_W + e`.

In a loop, `d_W = d_W + e` allocates a new array every iteration.  After
`reuse_buffers(fn, names)` an accumulation updates the array in place when the
buffer it holds can only have come from that same statement on an earlier pass
through it (on the first pass it may still hold a number, which `+=` rebinds):

* no other statement wrote the adjoint since, so the buffer was made by this
  statement's own `+` and has the same shape and dtype as what it adds;
* nothing read the adjoint since except as an operand of arithmetic, which
  copies, so no other variable, list or tape holds the buffer.

Anything else (a read that may keep a reference, such as a call argument or a
plain copy, or an assignment from another statement) leaves the plain `+`.
"""

from .. import astlib as A
from ..analysis import flow

_NUMBER = "number"          # holds a constant: `+=` rebinds it


def reuse_buffers(fn, names):
    """Rewrite accumulations into `names` (adjoint variables) as in-place `+=`."""
    before = {}
    _states(fn.body, {}, names, before)
    _rewrite(fn.body, names, before)
    return fn


def _accumulation(st, names):
    """The adjoint `st` adds to, for `d = d + e`; else None."""
    if isinstance(st, A.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], A.Name) \
            and isinstance(st.value, A.BinOp) and A.op_symbol(st.value.op) == "+" \
            and A.is_name(st.value.left, st.targets[0].id) and st.targets[0].id in names:
        return st.targets[0].id
    return None


def _join(a, b):
    out = {}
    for n in a.keys() & b.keys():
        x, y = a[n], b[n]
        if x == y or y == _NUMBER:
            out[n] = x
        elif x == _NUMBER:
            out[n] = y
    return out


def _escapes(node):
    """Names read where the value itself may be kept (not copied by arithmetic)."""
    if isinstance(node, A.Name):
        return {node.id}
    out = set()
    for parent in A.walk(node):
        if isinstance(parent, (A.BinOp, A.UnaryOp)):
            continue
        out.update(kid.id for kid in A.iter_child_nodes(parent)
                   if isinstance(kid, A.Name) and isinstance(kid.ctx, A.Load))
    return out


def _step(st, state, names):
    """State after a simple statement: who holds a private buffer."""
    escaped = _escapes(_reads(st))
    state = {n: s for n, s in state.items() if n not in escaped}
    target = _accumulation(st, names)
    defs = set(flow.defs(st))
    for n in defs:
        state.pop(n, None)
    if target is not None:
        state[target] = id(st)
    elif isinstance(st, A.Assign) and A.is_const(st.value):
        state.update({n: _NUMBER for n in defs})
    return state


def _reads(st):
    """The part of a statement that is evaluated (its targets are not reads)."""
    if isinstance(st, A.Assign):
        return st.value
    if isinstance(st, (A.If, A.While)):
        return st.test
    if isinstance(st, A.For):
        return st.iter
    return st


def _states(stmts, state, names, before):
    """Forward analysis over structured code; records the join of states before each statement."""
    for st in stmts:
        if isinstance(st, A.If):
            state = _step(st, state, names)
            state = _join(_states(st.body, state, names, before),
                          _states(st.orelse, state, names, before))
        elif flow.is_loop(st):
            head = _step(st, state, names)
            while True:
                end = _states(st.body, head, names, before)
                new = _join(head, _step(st, end, names))
                if new == head:
                    break
                head = new
            state = _states(st.orelse, head, names, before)
        else:
            key = id(st)
            before[key] = _join(before[key], state) if key in before else dict(state)
            state = _step(st, state, names)
    return state


def _rewrite(stmts, names, before):
    for i, st in enumerate(stmts):
        for block in flow.children(st):
            _rewrite(block, names, before)
        target = _accumulation(st, names)
        if target is None or before.get(id(st), {}).get(target) != id(st):
            continue
        new = A.augassign(A.store(target), "+", st.value.right)
        stmts[i] = A.like(new, st)
