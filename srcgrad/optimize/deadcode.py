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
    if not isinstance(st, A.Assign) or A.anno(st, "pop") or A.anno(st, "keep"):
        return False
    if _self_copy(st):
        return True
    targets = flow.defs(st)
    if only is not None and not all(t in only for t in targets):
        return False
    if any(not isinstance(t, (A.Name, A.Tuple)) for t in st.targets):
        return False
    return targets and not any(t in live for t in targets)


def eliminate(fn, live_out, only=None):
    """`only`: if given, just the names whose assignments may be removed."""
    memo = {}                          # statements are only removed here: their reads stay put
    while True:
        live = flow.live_after(fn.body, set(live_out), memo=memo)
        changed = [False]

        def sweep(stmts):
            out = []
            for st in stmts:
                if _removable(st, live.get(id(st), set()), only):
                    changed[0] = True
                    continue
                if isinstance(st, A.If):
                    st.body = sweep(st.body)
                    st.orelse = sweep(st.orelse)
                    if not st.body and not st.orelse:
                        changed[0] = True
                        continue
                    if not st.body:          # `if c: pass else: ...` reads better as `if not c:`
                        st.test = _negated(st.test)
                        st.body, st.orelse = st.orelse, []
                elif flow.is_loop(st):
                    st.body = sweep(st.body)
                    if not st.body or all(isinstance(s, A.Pass) for s in st.body):
                        changed[0] = True
                        continue
                out.append(st)
            return [s for s in out if not isinstance(s, A.Pass)] if len(out) > 1 else out

        fn.body = sweep(fn.body)
        if not changed[0]:
            return fn
