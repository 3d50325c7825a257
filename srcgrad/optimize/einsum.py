"""Two-operand einsum in the forward sweep as one planned matrix product.

`np.einsum` without `optimize=` runs a contraction such as "kij,nkj->nki" as
nested loops in C; the runtime's `contract` runs it as one batched matmul,
planned once per (subscripts, shapes), about ten times faster on GMM-sized
operands.  After `plan(forward)` the forward sweep calls `contract` for
einsums with explicit subscripts and two operands.  It computes the same sums
in BLAS's order, so the value can differ from np.einsum's in the last bits;
it hands anything else (lists, integer or boolean arrays, broadcasting,
repeated indices) to np.einsum unchanged.
"""

import numpy as np

from .. import astlib as A
from ..analysis import flow
from ..normalize import prim
from ..reverse import global_ref
from ..runtime import kernels


def plan(fn):
    """Call `contract` for the two-operand einsums of forward code `fn`."""
    for st in flow.all_stmts(fn.body):
        p = prim(st)
        if p is None or getattr(p.target, "obj", None) is not np.einsum:
            continue
        call = st.value if isinstance(st, A.Assign) else None
        if not (isinstance(call, A.Call) and len(call.args) == 3 and not call.keywords
                and A.is_const(call.args[0]) and isinstance(call.args[0].value, str)
                and "->" in call.args[0].value and "." not in call.args[0].value):
            continue
        call.func = global_ref(kernels.contract, "contract")
    return fn
