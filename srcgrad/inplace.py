"""In-place updates of scalars become plain assignments.

`x += y` on a Python or NumPy scalar rebinds `x`; only on arrays does it
update memory in place.  After `lower_scalars(fn, kinds, namer)` every
remaining `x op= y` statement has a target that is not known to be a scalar,
and scalar updates read `t = x op y; x = t` (the forward sweep prints them
back as `x = x op y`).
"""

import operator

from . import astlib as A
from . import parse as P
from .analysis import kinds as K
from .normalize import Prim, prim

_OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


def lower_scalars(fn, kinds, namer):
    fn.body = _lower_block(fn.body, kinds, namer)
    return fn


def _lower_block(stmts, kinds, namer):
    out = []
    for st in stmts:
        for field in ("body", "orelse"):
            if isinstance(st, (A.If, A.For, A.While)):
                setattr(st, field, _lower_block(getattr(st, field), kinds, namer))
        p = prim(st)
        if isinstance(st, A.AugAssign) and p is not None and kinds.get(p.result) == K.NUM:
            sym = A.op_symbol(st.op)
            x, y = p.args
            tmp = namer.temp()
            kinds[tmp] = K.NUM
            compute = A.assign(A.store(tmp), A.binop(A.copy_node(x), sym, A.copy_node(y)))
            A.set_anno(compute, "prim", Prim(P.classify(_OPS[sym], sym), [x, y], {}, tmp))
            copy = A.assign(A.store(p.result), A.name(tmp))
            A.set_anno(copy, "prim", Prim(P.Target("copy", label="="), [A.name(tmp)], {}, p.result))
            for node in (compute, copy):
                A.set_anno(node, "origin", A.anno(st, "origin"))
            out.extend([compute, copy])
            continue
        out.append(st)
    return out
