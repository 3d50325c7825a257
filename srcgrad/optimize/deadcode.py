"""Remove assignments whose value is never read.

After `eliminate(fn, live_out)` no assignment in `fn` (other than stack pops
and expression statements, which have effects) stores to a name that is dead
afterwards, no name is assigned to itself, and branches and loops left empty
are gone.
"""

from .. import astlib as A
from ..analysis import flow


def _self_copy(st):
    return (len(st.targets) == 1 and isinstance(st.targets[0], A.Name)
            and isinstance(st.value, A.Name) and st.value.id == st.targets[0].id)


def _negated(test):
    if isinstance(test, A.UnaryOp) and A.op_symbol(test.op) == "not":
        return test.operand
    return A.unaryop("not", test)


def _removable(st, live, only):
    """`live`: the LiveSets of the function."""
    if not isinstance(st, A.Assign) or A.anno(st, "pop") or A.anno(st, "keep"):
        return False
    if _self_copy(st):
        return True
    targets = flow.defs(st)
    if only is not None and not all(t in only for t in targets):
        return False
    if any(not isinstance(t, (A.Name, A.Tuple)) for t in st.targets):
        return False
    return targets and not live.any_live(id(st), targets)


def eliminate(fn, live_out, only=None):
    """`only`: if given, just the names whose assignments may be removed."""
    memo = {}                          # statements are only removed here: their reads stay put
    removed = []                       # kept alive, so that no new node takes a memo's id
    while True:
        live = flow.live_after(fn.body, set(live_out), memo=memo)
        count = len(removed)
        fn.body = _sweep(fn.body, live, only, removed)
        if len(removed) == count:
            return fn


def _sweep(stmts, live, only, removed):
    """`stmts` without removable statements, each one removed appended to `removed`."""
    out = []
    for st in stmts:
        if _removable(st, live, only):
            removed.append(st)
            continue
        if isinstance(st, A.If):
            st.body = _sweep(st.body, live, only, removed)
            st.orelse = _sweep(st.orelse, live, only, removed)
            if not st.body and not st.orelse:
                removed.append(st)
                continue
            if not st.body:          # `if c: pass else: ...` reads better as `if not c:`
                st.test = _negated(st.test)
                st.body, st.orelse = st.orelse, []
        elif flow.is_loop(st):
            st.body = _sweep(st.body, live, only, removed)
            if not st.body or all(isinstance(s, A.Pass) for s in st.body):
                removed.append(st)
                continue
        out.append(st)
    return [s for s in out if not isinstance(s, A.Pass)] if len(out) > 1 else out
