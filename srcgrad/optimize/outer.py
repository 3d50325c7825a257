"""Sum a loop's outer-product contributions with one matrix product after it.

The matrix-vector templates add `a[:, None] * b` to a matrix's adjoint, so a
loop over time steps computes an outer product and a matrix addition per step.
When that adjoint is touched nowhere else in the loop, `hoist(fn, namer)` has
the loop collect the pairs instead and adds them up after it, as one product of
the stacked vectors (`outer_sum` in runtime/kernels.py):

    d_W_terms = []
    for t in reversed(range(n)):
        ...
        d_W_terms.append((h, d_t9))        # was: d_W = d_W + h[:, None] * d_t9
    d_W = d_W + outer_sum(d_W_terms)

The list keeps references to `a` and `b`, so a statement whose vectors are
updated in place anywhere (`+=`, an in-place helper) is left as it is.
"""

from .. import astlib as A
from ..analysis import flow
from ..reverse import global_ref
from ..runtime import kernels
from .adjoints import MUTATING


def hoist(fn, namer):
    """Hoist outer-product accumulations out of the loops of `fn` (a backward function)."""
    fn.body = _block(fn.body, _mutated(fn), namer)
    return fn


def _outer_term(st):
    """(W, a, b) for `W = W + a[:, None] * b` with a, b names; else None."""
    if not (isinstance(st, A.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], A.Name)):
        return None
    w, value = st.targets[0].id, st.value
    if not (isinstance(value, A.BinOp) and A.op_symbol(value.op) == "+" and A.is_name(value.left, w)):
        return None
    prod = value.right
    if not (isinstance(prod, A.BinOp) and A.op_symbol(prod.op) == "*" and A.is_name(prod.right)):
        return None
    col = prod.left
    if not (isinstance(col, A.Subscript) and A.is_name(col.value) and isinstance(col.slice, A.Tuple)):
        return None
    first, second = col.slice.elts if len(col.slice.elts) == 2 else (None, None)
    if not (isinstance(first, A.Slice) and first.lower is None and first.upper is None
            and first.step is None and A.is_const(second) and second.value is None):
        return None
    a, b = col.value.id, prod.right.id
    return (w, a, b) if w not in (a, b) else None


def _mutated(fn):
    """Names whose array may be changed in place somewhere in `fn`."""
    out = set()
    for node in A.walk(fn):
        if isinstance(node, A.AugAssign) and isinstance(node.target, A.Name):
            out.add(node.target.id)
        elif isinstance(node, A.Call) and A.anno(node.func, "global") in MUTATING \
                and node.args and A.is_name(node.args[0]):
            out.add(node.args[0].id)
    return out


def _terms_in(stmts):
    """(block, index) of every outer-product accumulation nested in `stmts`."""
    for st in stmts:
        for block in flow.children(st):
            yield from _terms_in(block)
    for i, st in enumerate(stmts):
        if _outer_term(st) is not None:
            yield stmts, i


def _count(loop, name):
    return sum(1 for node in A.walk(loop) if isinstance(node, A.Name) and node.id == name)


def _block(stmts, mutated, namer):
    out = []
    for st in stmts:
        if not flow.is_loop(st):
            if isinstance(st, A.If):
                st.body, st.orelse = _block(st.body, mutated, namer), _block(st.orelse, mutated, namer)
            out.append(st)
            continue
        before, after = [], []          # the outermost loop first: the fewest sums
        for block, i in list(_terms_in(st.body)):
            term = block[i]
            w, a, b = _outer_term(term)
            if _count(st, w) != 2 or a in mutated or b in mutated:
                continue
            terms = namer.fresh(f"{w}_terms")
            collect = A.expr_stmt(A.call(A.attr(A.name(terms), "append"),
                                         [A.tuple_([A.name(a), A.name(b)])]))
            start = A.assign(A.store(terms), A.list_([]))
            summed = A.call(global_ref(kernels.outer_sum, "outer_sum"), [A.name(terms)])
            total = A.assign(A.store(w), A.binop(A.name(w), "+", summed))
            for node in (collect, start, total):
                A.copy_annos(node, term)
                A.copy_location(node, term)
            block[i] = collect
            before.append(start)
            after.append(total)
        st.body, st.orelse = _block(st.body, mutated, namer), _block(st.orelse, mutated, namer)
        out.extend(before + [st] + after)
    return out
