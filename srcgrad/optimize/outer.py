"""Sum a loop's outer-product contributions with one matrix product after it.

The matrix-vector templates add `a[:, None] * b` to a matrix's adjoint, so a
loop over time steps computes an outer product and a matrix addition per step.
When that adjoint is touched nowhere else in the loop, `hoist(fn, namer)` has
the loop collect the vectors instead, one list per vector, and adds them up
after it as one product of the stacked rows (`outer_sum` in runtime/kernels.py).
A plain sum of one of those vectors (a bias's adjoint) comes from the same rows:

    d_t9_rows = []
    h_rows = []
    for t in reversed(range(n)):
        ...
        d_t9_rows.append(d_t9)             # was: d_b = d_b + d_t9
        h_rows.append(h)                   # and: d_W = d_W + h[:, None] * d_t9
    d_t9_rows = stack_rows(d_t9_rows)
    h_rows = stack_rows(h_rows)
    d_b = d_b + row_sum(d_t9_rows)
    d_W = d_W + outer_sum(h_rows, d_t9_rows)

An outer product added into one item of an adjoint, as a nested loop over the
items does (`z = Qs[j] @ v` gives `d_Qs = add_at(d_Qs, Qs, j, d_t21)` with
`d_t21 = d_z[:, None] * v`), is collected with its index, and the sums are
added per index after the loop (`outer_sums_at`, runtime):

    d_Qs_terms.append((j, d_z, v))         # was: d_t21 = d_z[:, None] * v
    ...                                    # and: d_Qs = add_at(d_Qs, Qs, j, d_t21)
    d_Qs = outer_sums_at(d_Qs, Qs, d_Qs_terms)

The other product a matrix-vector template makes, `np.dot(d_z, M)` for the
vector's adjoint, is linear in d_z: added into one item of an adjoint from a
loop nested in another (`d_means = sub_at(d_means, means, j, np.dot(d_z, Q))`
in a loop over j inside one over points), the d_z of one item and one matrix
are summed first and multiplied once after the loops (`dot_sums_at`, runtime):

    d_means_terms.append((j, d_z, Q))      # was: d_t = np.dot(d_z, Q)
    ...                                    # and: d_means = sub_at(d_means, means, j, d_t)
    d_means = dot_sums_at(d_means, means, d_means_terms, subtract=True)

Only an index that is the innermost loop's counter is collected: the sums pay
where the outer loops come back to the same items.

The lists keep references to the vectors, so a statement whose vectors are
updated in place anywhere (`+=`, an in-place helper) is left as it is.  A plain
sum alone stays in the loop: its list would hold a copy of the adjoint per step.
"""

import numpy as np

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


def _dot(value):
    """(a, M) for `np.dot(a, M)` with a, M names; else None."""
    if isinstance(value, A.Call) and isinstance(value.func, A.Attribute) \
            and value.func.attr == "dot" and A.anno(value.func.value, "global") is np \
            and len(value.args) == 2 and not value.keywords and all(map(A.is_name, value.args)):
        return value.args[0].id, value.args[1].id
    return None


def _outer_term(st):
    """(W, a, b) for `W = W + a[:, None] * b` with a, b names; else None."""
    w, value = _assigned(st)
    if not (isinstance(value, A.BinOp) and A.op_symbol(value.op) == "+"
            and A.is_name(value.left, w)):
        return None
    pair = _outer(value.right)
    return (w, *pair) if pair and w not in pair else None


def _term(block, i, counter):
    """(W, a, b, item) for an outer-product accumulation at block[i]: item None for the
    plain form, (X, index, k, t, subtract) for the item forms; else None.  `counter` is the
    innermost enclosing loop's counter inside a nested loop, else None."""
    plain = _outer_term(block[i])
    return (*plain, None) if plain is not None else _item_term(block, i, counter)


_SIGNS = {runtime.add_at: False, runtime.sub_at: True}


def _item_term(block, i, counter):
    """(W, a, b, (X, index, k, t, subtract)) for `W = add_at(W, X, index, t)` at block[i]
    whose `t` is the outer product `t = a[:, None] * b` at block[k] (k < i) -- subtract
    None -- or, with `sub_at` too and `index` the name `counter`, `t = np.dot(a, b)`;
    nothing between them may store a name that `index` reads.  Else None."""
    w, value = _assigned(block[i])
    if not (isinstance(value, A.Call) and A.anno(value.func, "global") in _SIGNS
            and len(value.args) == 4 and not value.keywords and A.is_name(value.args[0], w)
            and A.is_name(value.args[1]) and A.is_name(value.args[3])):
        return None
    subtract = _SIGNS[A.anno(value.func, "global")]
    x, index, t = value.args[1].id, value.args[2], value.args[3].id
    reads = set(A.names_in(index))
    for k in range(i - 1, -1, -1):
        name, prod = _assigned(block[k])
        if name == t:
            pair, sign = _outer(prod), None
            if pair is None and counter is not None and A.is_name(index, counter):
                pair, sign = _dot(prod), subtract
            if pair is None or (sign is None and subtract) or w in pair or x == w:
                return None
            return (w, *pair, (x, index, k, t, sign))
        stored = A.stored_names(block[k])
        if reads.intersection(stored) or t in stored:
            return None
    return None


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


def _terms_in(stmts, loops):
    """(block, index, term) of every outer-product accumulation nested in `stmts`, which
    is the body of the innermost of `loops`."""
    inner = loops[-1].target if len(loops) > 1 and isinstance(loops[-1], A.For) else None
    counter = inner.id if A.is_name(inner) else None
    for st in stmts:
        for block in flow.children(st):
            yield from _terms_in(block, loops + (st,) if flow.is_loop(st) else loops)
    for i in range(len(stmts)):
        term = _term(stmts, i, counter)
        if term is not None:
            yield stmts, i, term


def _row_term(st):
    """(W, v) for an adjoint's sum `W = W + v` with v a name other than W; else None."""
    w, value = _assigned(st)
    if A.anno(st, "adjoint") is not None and isinstance(value, A.BinOp) \
            and A.op_symbol(value.op) == "+" and A.is_name(value.left, w) \
            and A.is_name(value.right) and value.right.id != w:
        return w, value.right.id
    return None


def _block(stmts, mutated, namer):
    out = []
    for st in stmts:
        if not flow.is_loop(st):
            if isinstance(st, A.If):
                st.body, st.orelse = _block(st.body, mutated, namer), _block(st.orelse, mutated, namer)
            out.append(st)
            continue
        before, after, edits = [], [], []     # the outermost loop first: the fewest sums
        plain = {}
        for block, i, term in list(_terms_in(st.body, (st,))):    # read before any is rewritten
            if _stays(st, term, mutated):
                continue
            if term[3] is None:
                w, a, b, _ = term
                plain.setdefault(id(block), (block, {}))[1][i] = (w, (a, b), kernels.outer_sum)
            else:
                _hoist_item(block, i, term, namer, before, after, edits)
        for block, sums in plain.values():
            _hoist_rows(st, block, sums, mutated, namer, before, after, edits)
        for block, old, new in edits:
            at = next(k for k, node in enumerate(block) if node is old)
            block[at:at + 1] = new
        st.body, st.orelse = _block(st.body, mutated, namer), _block(st.orelse, mutated, namer)
        out.extend(before + [st] + after)
    return out


def _stays(loop, term, mutated):
    """Whether the accumulation `term` must stay in `loop`: its adjoint or vectors are
    touched elsewhere in it (the collected lists keep references to the vectors)."""
    w, a, b, item = term
    if item is not None:
        x, index, k, t, _ = item
        if A.names_in(loop).count(t) != 2 or x in A.stored_names(loop):
            return True
    return A.names_in(loop).count(w) != 2 or a in mutated or b in mutated


def _hoist_rows(loop, block, sums, mutated, namer, before, after, edits):
    """Have the outer-product accumulations of `block` collect their vectors, one list
    per vector, and sum them after the loop from the stacked rows.  `sums` maps each
    one's place in `block` to (W, its vectors, the kernel summing them).

    A vector no statement stores between its first and last use here has one value at
    all of them, so one list serves them all (`d_t5_rows` for `d_b`, `d_W` and `d_U`),
    appended where it was last used; a plain sum `W = W + v` of such a vector is then
    taken from the same rows.  Otherwise each use gets its own list.  A loop that may
    leave a step early (break, continue) keeps each product's pair together."""
    uses = {}
    for i, (_, vectors, _) in sums.items():
        for v in vectors:
            uses.setdefault(v, []).append(i)
    early = any(isinstance(n, (A.Break, A.Continue, A.Return)) for n in A.walk(loop))

    def clean(v, at):           # v keeps one value from the first to the last of `at`
        span = range(min(at), max(at) + 1)
        return not early and not any(v in A.stored_names(block[j]) for j in span
                                     if j not in sums)
    shared = {v for v, at in uses.items() if clean(v, at)}
    for j, st in enumerate(block):
        row = _row_term(st)
        if row and row[1] in shared and row[0] not in uses and A.names_in(loop).count(row[0]) == 2 \
                and row[1] not in mutated and clean(row[1], uses[row[1]] + [j]):
            uses[row[1]].append(j)
            sums[j] = (row[0], row[1:], kernels.row_sum)
    lists, appends, totals = {}, {}, []
    for i in sorted(sums):
        w, vectors, kernel = sums[i]
        st = block[i]
        names = []
        for v in vectors:
            key = v if v in shared else (v, i)
            if key not in lists:
                lists[key] = namer.fresh(f"{v}_rows")
                at = max(uses[v]) if v in shared else i
                appends.setdefault(at, []).append(A.like(_collect(lists[key], A.name(v)), st))
                fresh = A.like(A.assign(A.store(lists[key]), A.list_([])), st)
                A.set_anno(fresh, "rows", True)     # only stack_rows reads it (batch.py)
                before.append(fresh)
                after.append(A.like(A.assign(A.store(lists[key]), A.call(
                    global_ref(kernels.stack_rows, "stack_rows"), [A.name(lists[key])])), st))
            names.append(A.name(lists[key]))
        summed = A.call(global_ref(kernel, kernel.__name__), names)
        totals.append(A.like(A.assign(A.store(w), A.binop(A.name(w), "+", summed)), st))
    after.extend(totals)
    edits.extend((block, block[i], appends.get(i, [])) for i in sums)


def _hoist_item(block, i, term, namer, before, after, edits):
    """Have the item accumulation `term` at block[i] collect (index, a, b) where its
    product was, and add the sums per index after the loop."""
    w, a, b, (x, index, k, t, subtract) = term
    terms = namer.fresh(f"{w}_terms")
    args = [A.name(w), A.name(x), A.name(terms)]
    if subtract is None:
        summed = A.call(global_ref(runtime.outer_sums_at, "outer_sums_at"), args)
    else:
        summed = A.call(global_ref(runtime.dot_sums_at, "dot_sums_at"), args,
                        {"subtract": A.const(True)} if subtract else {})
    total = A.assign(A.store(w), summed)
    collect = _collect(terms, A.tuple_([A.copy_node(index), A.name(a), A.name(b)]))
    before.append(A.like(A.assign(A.store(terms), A.list_([])), block[i]))
    after.append(A.like(total, block[i]))
    edits.append((block, block[k], [A.like(collect, block[i])]))
    edits.append((block, block[i], []))


def _collect(terms, item):
    return A.expr_stmt(A.call(A.attr(A.name(terms), "append"), [item]))
