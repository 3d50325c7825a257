"""Copy propagation in straight-line generated code.

After `propagate(fn, names)`, within each statement list a copy `a = b`
between two of `names` is followed by reads of `b` instead of `a` until either
is assigned again, so that dead-code elimination can drop the copy.  Copies
from function parameters and popped values are propagated the same way.
"""

from .. import astlib as A
from ..analysis import flow


def propagate(fn, names):
    _propagate(fn.body, names)
    return fn


def _propagate(stmts, names):
    """One pass down `stmts`, renaming reads by the copies in force at each statement."""
    copies = {}                                 # a -> b while `a = b` holds
    for st in stmts:
        if isinstance(st, A.Return):
            break                               # keep the returned names readable
        if isinstance(st, (A.If, A.For, A.While)):
            if copies:
                assigned = {d for s in flow.all_stmts([st]) for d in flow.defs(s)}
                ended = {a: b for a, b in copies.items() if a in assigned or b in assigned}
                copies = {a: b for a, b in copies.items() if a not in ended}
                _rename_header(st, ended)       # the body may change a or b
                A.rename_loads(st, copies)
            for child in flow.children(st):
                _propagate(child, names)
            continue
        if copies:
            _rename_reads(st, copies)
            defined = flow.defs(st)
            if defined:
                copies = {a: b for a, b in copies.items() if a not in defined and b not in defined}
        if isinstance(st, A.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], A.Name) \
                and isinstance(st.value, A.Name):
            a, b = st.targets[0].id, st.value.id
            if a in names and a != b and not A.anno(st, "pop"):
                copies[a] = b


def _rename_header(st, mapping):
    """The parts of a compound statement evaluated before its body."""
    if isinstance(st, A.If):
        A.rename_loads(st.test, mapping)
    elif isinstance(st, A.For):
        A.rename_loads(st.iter, mapping)


def _rename_reads(st, mapping):
    if isinstance(st, A.Assign):
        A.rename_loads(st.value, mapping)
        for t in st.targets:
            if not isinstance(t, A.Name):
                A.rename_loads(t, mapping)
    else:
        A.rename_loads(st, mapping)
