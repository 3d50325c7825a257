"""Copy propagation in straight-line generated code.

After `propagate(fn, names)`, within each statement list a copy `a = b`
between two of `names` is followed by reads of `b` instead of `a` until either
is assigned again, so that dead-code elimination can drop the copy.  Copies
from function parameters and popped values are propagated the same way.
"""

from .. import astlib as A
from ..analysis import flow


def propagate(fn, names):
    def block(stmts):
        for i, st in enumerate(stmts):
            for child in flow.children(st):
                block(child)
            if not (isinstance(st, A.Assign) and len(st.targets) == 1
                    and isinstance(st.targets[0], A.Name) and isinstance(st.value, A.Name)):
                continue
            a, b = st.targets[0].id, st.value.id
            if a not in names or a == b or A.anno(st, "pop"):
                continue
            for later in stmts[i + 1:]:
                if isinstance(later, A.Return):
                    break                       # keep the returned names readable
                if isinstance(later, (A.If, A.For, A.While)):
                    assigned = {d for s in flow.all_stmts([later]) for d in flow.defs(s)}
                    if a in assigned or b in assigned:
                        _rename_header(later, a, b)
                        break
                    A.rename_loads(later, {a: b})
                    continue
                _rename_reads(later, a, b)
                if a in flow.defs(later) or b in flow.defs(later):
                    break

    block(fn.body)
    return fn


def _rename_header(st, a, b):
    """The parts of a compound statement evaluated before its body."""
    if isinstance(st, A.If):
        A.rename_loads(st.test, {a: b})
    elif isinstance(st, A.For):
        A.rename_loads(st.iter, {a: b})


def _rename_reads(st, a, b):
    if isinstance(st, A.Assign):
        A.rename_loads(st.value, {a: b})
        for t in st.targets:
            if not isinstance(t, A.Name):
                A.rename_loads(t, {a: b})
    else:
        A.rename_loads(st, {a: b})
