"""Write adjoint updates as plain Python.

Templates say "add e to d_x" (mode "acc") or "replace d_x" (mode "set").  After
`finalize(backward)`:

* an addition to an adjoint that is certainly still zero becomes `d_x = e`
  (the first contribution is an assignment, not zeros-plus-add);
* other additions become `d_x = d_x + e`, or `d_x = add(d_x, e)` when `x` may
  be a list, tuple or dict;
* adjoints that may be read before any assignment start as `d_x = 0`.

Adjoints updated in place by a helper (index accumulation, list appends) never
get the plain assignment form, so they never alias another adjoint's buffer.
"""

from .. import astlib as A
from .. import runtime
from ..analysis import flow
from ..analysis.kinds import ARITH

MUTATING = {runtime.add_at, runtime.set_at, runtime.sub_at, runtime.zero_at, runtime.drop_last,
            runtime.outer_sums_at, runtime.dot_sums_at}


def adjoint_names(fn):
    names = set()
    for st in flow.all_stmts(fn.body):
        info = A.anno(st, "adjoint")
        if info is not None or A.has_anno(st, "reset"):
            names.update(flow.defs(st))
    return names


def _owned(fn):
    """Adjoints that helpers update in place: they must hold buffers nobody else sees."""
    owned = set()
    for st in flow.all_stmts(fn.body):
        info = A.anno(st, "adjoint")
        if info is not None and info[1] == "set":
            for call in A.walk(st.value):
                if isinstance(call, A.Call) and A.anno(call.func, "global") in MUTATING:
                    owned.update(flow.defs(st))
        if A.has_anno(st, "reset") and isinstance(st.value, A.Call):
            owned.update(flow.defs(st))
    return owned


def _zero_after(st, zero):
    info = A.anno(st, "adjoint")
    targets = set(flow.defs(st))
    if A.has_anno(st, "reset"):
        return (zero - targets) | (targets if A.is_const(st.value) else set())
    if info is not None:
        return zero - targets
    return zero - targets


def _zero_states(stmts, zero, states):
    """Forward 'certainly zero' analysis; records the state before each simple statement."""
    for st in stmts:
        if isinstance(st, A.If):
            z1 = _zero_states(st.body, zero, states)
            z2 = _zero_states(st.orelse, zero, states)
            zero = z1 & z2
        elif flow.is_loop(st):
            head = set(zero)
            while True:
                end = _zero_states(st.body, head, states)
                new = head & end
                if new == head:
                    break
                head = new
            zero = head & end
        else:
            key = id(st)
            states[key] = states[key] & zero if key in states else set(zero)
            zero = _zero_after(st, zero)
    return zero


def finalize(fn, seed, add_helper, first_assignment=True):
    names = adjoint_names(fn) - {seed}
    owned = _owned(fn)
    states = {}
    _zero_states(fn.body, set(names), states)

    for st in flow.all_stmts(fn.body):
        info = A.anno(st, "adjoint")
        if info is None or info[1] != "acc":
            continue
        kind = info[2]
        target = st.targets[0].id
        if first_assignment and target in states.get(id(st), set()) and target not in owned:
            continue                       # first contribution: d_x = e
        if kind in ARITH:
            st.value = A.binop(A.name(target), "+", st.value)
        elif target in owned:           # a helper will update it in place: never share
            st.value = A.call(_private_add(), [A.name(target), st.value])
        else:
            st.value = A.call(add_helper(), [A.name(target), st.value])
    first = live_in(fn.body)
    fn.body = [A.assign(A.store(n), A.const(0)) for n in sorted(first & names)] + fn.body
    return fn


def _private_add():
    node = A.name("add_private")
    A.set_anno(node, "global", runtime.add_private)
    return node


def live_in(stmts):
    """Names that may be read before they are assigned."""
    lead = A.pass_()
    live = flow.live_after([lead] + list(stmts), set())
    return live.get(id(lead), set())
