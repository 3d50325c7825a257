"""Put single-use temporaries of the forward sweep back into the expressions they came from.

Normalization splits `y = a * b + c` into `_t1 = a * b; y = _t1 + c`.  Where
the backward sweep never reads `_t1`, after `renest(fn, keep)` the forward
function says `y = a * b + c` again.  A temporary is put back only into the
statement from the same source line that uses it, only if it is used exactly
once and assigned exactly once, and only in its original evaluation order.
"""

from .. import astlib as A
from ..analysis import flow


def renest(fn, temps, keep):
    """`temps`: names the normalizer generated; `keep`: names that must stay variables."""
    loads, stores = {}, {}
    for node in A.walk(fn):
        if isinstance(node, A.Name):
            table = loads if isinstance(node.ctx, A.Load) else stores
            table[node.id] = table.get(node.id, 0) + 1

    def candidate(st):
        if not (isinstance(st, A.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], A.Name)):
            return None
        name = st.targets[0].id
        if name not in temps or name in keep or loads.get(name, 0) != 1 or stores.get(name, 0) != 1:
            return None
        return name

    fn.body = _block(fn.body, candidate)
    return fn


def _block(stmts, candidate):
    out = []
    pending = []           # (name, value, origin) of temporaries waiting for their use
    for st in stmts:
        for field in ("body", "orelse"):
            if isinstance(st, (A.If, A.For, A.While)):
                setattr(st, field, _block(getattr(st, field), candidate))
        used = flow.uses(st) if not isinstance(st, (A.If, A.For, A.While)) else set()
        origin = A.anno(st, "origin")
        k = len(pending)
        while k > 0 and pending[k - 1][0] in used and pending[k - 1][2] is origin:
            k -= 1
        inline = pending[k:]
        for name, value, own_origin in pending[:k]:
            out.append(_assign(name, value, own_origin))
        pending = []
        if inline:
            mapping = {name: value for name, value, _ in inline}
            _substitute(st, mapping)
        name = candidate(st)
        if name is not None and origin is not None:
            pending.append((name, st.value, origin))
            continue
        out.append(st)
    for name, value, origin in pending:
        out.append(_assign(name, value, origin))
    return out


def _assign(name, value, origin):
    node = A.assign(A.store(name), value)
    A.set_anno(node, "origin", origin)
    return node


def _substitute(st, mapping):
    inline = _Inline(mapping)
    for field in ("value", "test", "iter"):
        if hasattr(st, field) and getattr(st, field) is not None:
            setattr(st, field, inline.visit(getattr(st, field)))
    if isinstance(st, A.Assign):
        st.targets = [inline.visit(t) for t in st.targets]


class _Inline(A.NodeTransformer):
    """Each read of a name in `mapping` becomes its value (each value used once)."""

    def __init__(self, mapping):
        self.mapping = mapping

    def visit_Name(self, n):
        if isinstance(n.ctx, A.Load) and n.id in self.mapping:
            return self.mapping.pop(n.id)
        return n
