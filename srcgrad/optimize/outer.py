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

An outer product added into one item of an adjoint, as a nested loop over the
items does (`z = Qs[j] @ v` gives `d_Qs = add_at(d_Qs, Qs, j, d_t21)` with
`d_t21 = d_z[:, None] * v`), is collected with its index, and the sums are
added per index after the loop (`outer_sums_at`, runtime):

    d_Qs_terms.append((j, d_z, v))         # was: d_t21 = d_z[:, None] * v
    ...                                    # and: d_Qs = add_at(d_Qs, Qs, j, d_t21)
    d_Qs = outer_sums_at(d_Qs, Qs, d_Qs_terms)

The list keeps references to `a` and `b`, so a statement whose vectors are
updated in place anywhere (`+=`, an in-place helper) is left as it is.
"""

from .. import astlib as A
from .. import runtime
from ..analysis import flow
from ..reverse import global_ref
from ..runtime import kernels
from .adjoints import MUTATING


def hoist(fn, namer):
    """Hoist outer-product accumulations out of the loops of `fn` (a backward function)."""
    fn.body = _block(fn.body, _mutated(fn), namer)
    return fn


def _assigned(st):
    """(name, value) of `name = value`; else (None, None)."""
    if isinstance(st, A.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], A.Name):
        return st.targets[0].id, st.value
    return None, None


def _outer(prod):
    """(a, b) for `a[:, None] * b` with a, b names; else None."""
    if not (isinstance(prod, A.BinOp) and A.op_symbol(prod.op) == "*" and A.is_name(prod.right)):
        return None
    col = prod.left
    if not (isinstance(col, A.Subscript) and A.is_name(col.value) and isinstance(col.slice, A.Tuple)):
        return None
    first, second = col.slice.elts if len(col.slice.elts) == 2 else (None, None)
    if not (isinstance(first, A.Slice) and first.lower is None and first.upper is None
            and first.step is None and A.is_const(second) and second.value is None):
        return None
    return col.value.id, prod.right.id


def _outer_term(st):
    """(W, a, b) for `W = W + a[:, None] * b` with a, b names; else None."""
    w, value = _assigned(st)
    if not (isinstance(value, A.BinOp) and A.op_symbol(value.op) == "+"
            and A.is_name(value.left, w)):
        return None
    pair = _outer(value.right)
    return (w, *pair) if pair and w not in pair else None


def _term(block, i):
    """(W, a, b, item) for an outer-product accumulation at block[i]: item None for the
    plain form, (X, index, k, t) for the item form; else None."""
    plain = _outer_term(block[i])
    return (*plain, None) if plain is not None else _item_term(block, i)


def _item_term(block, i):
    """(W, a, b, (X, index, k, t)) for `W = add_at(W, X, index, t)` at block[i] whose `t`
    is the outer product `t = a[:, None] * b` at block[k] (k < i), with nothing between
    them storing a name that `index` reads; else None."""
    w, value = _assigned(block[i])
    if not (isinstance(value, A.Call) and A.anno(value.func, "global") is runtime.add_at
            and len(value.args) == 4 and not value.keywords and A.is_name(value.args[0], w)
            and A.is_name(value.args[1]) and A.is_name(value.args[3])):
        return None
    x, index, t = value.args[1].id, value.args[2], value.args[3].id
    reads = {n.id for n in A.walk(index) if isinstance(n, A.Name)}
    for k in range(i - 1, -1, -1):
        name, prod = _assigned(block[k])
        if name == t:
            pair = _outer(prod)
            if pair is None or w in pair or x == w:
                return None
            return (w, *pair, (x, index, k, t))
        if reads & _stored(block[k]) or t in _stored(block[k]):
            return None
    return None


def _stored(node):
    return {n.id for n in A.walk(node) if isinstance(n, A.Name) and isinstance(n.ctx, A.Store)}


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
    """(block, index, term) of every outer-product accumulation nested in `stmts`."""
    for st in stmts:
        for block in flow.children(st):
            yield from _terms_in(block)
    for i in range(len(stmts)):
        term = _term(stmts, i)
        if term is not None:
            yield stmts, i, term


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
        before, after, dropped = [], [], []     # the outermost loop first: the fewest sums
        for block, i, term in list(_terms_in(st.body)):    # read before any is rewritten
            hoisted = _hoist_term(st, block, i, term, mutated, namer)
            if hoisted is not None:
                before.append(hoisted[0])
                after.append(hoisted[1])
                if hoisted[2] is not None:
                    dropped.append((block, hoisted[2]))
        for block, st_dropped in dropped:
            block.remove(st_dropped)
        st.body, st.orelse = _block(st.body, mutated, namer), _block(st.orelse, mutated, namer)
        out.extend(before + [st] + after)
    return out


def _hoist_term(loop, block, i, term, mutated, namer):
    """Make the accumulation `term` at block[i] collect its pair (an item term: where its
    product was); (start, total, statement to drop or None), or None when the term must
    stay: its adjoint or vectors are touched elsewhere in `loop`."""
    w, a, b, item = term
    if item is not None:
        x, index, k, t = item
        if _count(loop, t) != 2 or x in _stored(loop):
            return None
    if _count(loop, w) != 2 or a in mutated or b in mutated:
        return None
    terms = namer.fresh(f"{w}_terms")
    pair = [A.name(a), A.name(b)]
    start = A.assign(A.store(terms), A.list_([]))
    if item is None:
        summed = A.call(global_ref(kernels.outer_sum, "outer_sum"), [A.name(terms)])
        total = A.assign(A.store(w), A.binop(A.name(w), "+", summed))
        collect, drop, at = _collect(terms, pair), None, i
    else:
        total = A.assign(A.store(w), A.call(global_ref(runtime.outer_sums_at, "outer_sums_at"),
                                            [A.name(w), A.name(x), A.name(terms)]))
        collect, drop, at = _collect(terms, [A.copy_node(index)] + pair), block[i], k
    for node in (collect, start, total):
        A.copy_annos(node, block[i])
        A.copy_location(node, block[i])
    block[at] = collect
    return start, total, drop


def _collect(terms, items):
    return A.expr_stmt(A.call(A.attr(A.name(terms), "append"), [A.tuple_(items)]))
