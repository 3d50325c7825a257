"""Compute a backward loop's tape-only arithmetic for all steps before the loop.

In the reverse of a recurrence, part of each step's work reads nothing but values
the step restores from the tape: `tanh`'s template gives `d_t5 = d_h * (1 - h * h)`,
and `1 - h * h` could have been computed for every step at once.  When the values
are vectors of one shape, `batch_taped(fn, kinds, names, namer)` has the loop
take that part from one array operation on the stacked values:

    h_steps = tape_steps(entries, len(range(n)), 2, 0, first=h)
    d_t5_by_step = iter(by_step(lambda h: 1 - h * h, h_steps))
    for t in reversed(range(n)):
        d_t5 = d_h * next(d_t5_by_step)     # was: d_t5 = d_h * (1 - h * h)
        h = pop()
        ...

The values come straight from the tape's list (`tape_steps`, runtime/kernels.py):
at the loop's start the list ends with the loop's entries, the same number each
step, popped in the order of the body's `v = pop()` statements.  That holds when
every pop is a statement of the body itself (none in a branch or an inner loop),
the loop counts down a `range` and no step ends early.  An expression is taken
when it is arithmetic (+ - * /, negation) on constants and restored variables of
rank one, and is an operand of a larger expression, so its value is never a
variable of its own (rows of the stacked result are views).  Values of other
shapes are computed one step at a time, as before (`by_step`).

A list hoist-outer fills with a restored value, one per step (`h_rows.append(h)`
for `d_W`'s outer products), is the tape's values too: it is taken before the loop
and the append leaves the loop.  A value wanted both before its pop and after it is
stacked once, as the loop's first value followed by every step's:

    h_taped = stack_rows(tape_steps(entries, len(range(n)), 2, 0, first=h, whole=True))
    h_steps = h_taped[:-1]                  # before each pop: for 1 - h * h
    h_rows = h_taped[1:]                    # after it: the rows for d_W
"""

from .. import astlib as A
from ..analysis import flow
from ..reverse import global_ref
from ..runtime import kernels

_ARITH = {"+", "-", "*", "/"}


def batch_taped(fn, kinds, names, namer):
    """Batch the tape-only arithmetic of the backward loops of `fn`; `names` are the
    unit's tape names ("stack", "pop")."""
    binding = _pop_binding(fn, names)
    if binding is None:
        return fn
    entries = namer.fresh("entries")
    batched = []
    fn.body = _block(fn.body, A.param_names(fn), kinds, names["pop"], entries, namer, batched)
    if batched:                 # entries = list(stack); pop = entries.pop
        tape_list = A.assign(A.store(entries), binding.value.value)
        binding.value = A.attr(A.name(entries), "pop")
        fn.body.insert(fn.body.index(binding), A.like(tape_list, binding))
    for loop, before in batched:
        _drop_unread(fn, loop, before, names["pop"])
    return fn


def _drop_unread(fn, loop, before, pop):
    """`v = pop()` becomes `pop()` where nothing reads v any more but the statements
    `before` the loop, which took its values from the tape's list: the step still
    takes its entry off the tape."""
    taken = {id(n) for st in before for n in A.walk(st)}
    read = {n.id for n in A.walk(fn) if isinstance(n, A.Name) and isinstance(n.ctx, A.Load)
            and id(n) not in taken}
    for i, st in enumerate(loop.body):
        v = _popped(st, pop)
        if v is not None and v not in read:
            loop.body[i] = A.like(A.expr_stmt(st.value), st)


def _pop_binding(fn, names):
    """The statement `pop = list(stack).pop` of `fn`, if it has one."""
    for st in fn.body:
        if isinstance(st, A.Assign) and A.is_name(st.targets[0], names["pop"]) \
                and isinstance(st.value, A.Attribute) and st.value.attr == "pop" \
                and isinstance(st.value.value, A.Call) and A.is_name(st.value.value.func, "list") \
                and [a.id for a in st.value.value.args if A.is_name(a)] == [names["stack"]]:
            return st
    return None


def _block(stmts, bound, kinds, pop, entries, namer, batched):
    """`stmts` with their loops rewritten, each added to `batched` with the statements
    put before it; `bound` are the names stored before them."""
    out = []
    for st in stmts:
        if isinstance(st, (A.For, A.While, A.If)):
            known = bound + [n for s in out if not flow.children(s) for n in A.stored_names(s)]
            st.body = _block(st.body, known, kinds, pop, entries, namer, batched)
            st.orelse = _block(st.orelse, known, kinds, pop, entries, namer, batched)
            if isinstance(st, A.For):
                before = _batch(st, out, set(known), kinds, pop, entries, namer)
                if before:
                    batched.append((st, before))
                    out.extend(before)
        out.append(st)
    return out


def _count_down(loop):
    """`n` of `for t in reversed(range(n))`, with names or constants for arguments."""
    it = loop.iter
    if isinstance(it, A.Call) and A.is_name(it.func, "reversed") and len(it.args) == 1:
        inner = it.args[0]
        if isinstance(inner, A.Call) and A.is_name(inner.func, "range") and not inner.keywords \
                and all(isinstance(a, (A.Name, A.Constant)) for a in inner.args):
            return inner
    return None


def _pops(loop, pop):
    """{name: place in the body} of the body's `name = pop()` statements, in pop order,
    or None when the loop's tape reads are not all such statements."""
    if loop.orelse or any(isinstance(n, (A.Break, A.Continue, A.Return)) for n in A.walk(loop)):
        return None
    found = {}
    for i, st in enumerate(loop.body):
        v = _popped(st, pop)
        if v is not None:
            found[v] = i
        elif any(A.is_name(n, pop) for n in A.walk(st)):
            return None
    stores = A.stored_names(A.module(loop.body))
    if any(stores.count(v) != 1 for v in found):
        return None                     # also assigned another way, or popped twice
    return found


def _popped(st, pop):
    """v of the statement `v = pop()`; else None."""
    if isinstance(st, A.Assign) and len(st.targets) == 1 and A.is_name(st.targets[0]) \
            and isinstance(st.value, A.Call) and A.is_name(st.value.func, pop) \
            and not st.value.args:
        return st.targets[0].id
    return None


def _batch(loop, block, bound, kinds, pop, entries, namer):
    """Statements to put before `loop`, having rewritten its tape-only arithmetic;
    `block` holds the statements before it."""
    steps = _count_down(loop)
    pops = _pops(loop, pop) if steps is not None else None
    if not pops:
        return []
    wanted = {}                 # (v, read before its pop) -> [(sequence name, statement)]
    for rows, key, st in _filled_lists(loop, block, bound, pops):
        wanted.setdefault(key, []).append((rows, st))
    pops = _pops(loop, pop)
    restored = {v for v in pops if kinds.get(v) == "array:1"}
    terms, sequences = [], {}
    for i, st in enumerate(loop.body):
        if not isinstance(st, (A.Assign, A.AugAssign, A.Expr)):
            continue
        for parent, field, expr in _operands(st.value, restored):
            reads = sorted(set(A.names_in(expr)))
            first = [v for v in reads if pops[v] >= i]     # read before this step's pop
            if any(v not in bound for v in first):
                continue                # the first step would read a value never set
            args = []
            for v in reads:
                key = (v, v in first)
                if key not in sequences:
                    sequences[key] = namer.fresh(f"{v}_steps")
                    wanted.setdefault(key, []).append((sequences[key], st))
                args.append(A.name(sequences[key]))
            target = getattr(st, "targets", [getattr(st, "target", None)])[0]
            target = target.id if A.is_name(target) else "term"
            each = namer.fresh(f"{target}_by_step")
            by_step = A.call(global_ref(kernels.by_step, "by_step"),
                             [A.lambda_(reads, expr)] + args)
            terms.append(A.like(A.assign(A.store(each), A.call(A.name("iter"), [by_step])), st))
            setattr(parent, field, A.call(A.name("next"), [A.name(each)]))
    return _taken(wanted, steps, pops, entries, namer) + terms


def _filled_lists(loop, block, bound, pops):
    """(rows, (v, first), statement) for each list the loop fills with a restored value
    v, one per step (hoist-outer's `h_rows.append(h)`): the list is the tape's values in
    the loop's order, and comes from the tape before the loop.  The append leaves the
    loop and `rows = []` leaves `block`."""
    found = []
    for i, st in enumerate(list(loop.body)):
        rows, v = _appended(st)
        if v not in pops or A.names_in(loop).count(rows) != 1:
            continue                    # not a restored value, or the list is read in the loop
        first = i < pops[v]             # appended before this step's pop
        start = _fresh_list(block, rows)
        if start is None or first and v not in bound:
            continue
        del block[start]
        loop.body.remove(st)
        found.append((rows, (v, first), st))
    return found


def _taken(wanted, steps, pops, entries, namer):
    """The statements that take each wanted sequence off the tape.  A value wanted both
    before and after its pop (`1 - h * h` and `h_rows`) is stacked once, the loop's first
    value and every step's: the two sequences are that matrix less its last row and less
    its first."""
    out = []
    for v in [v for v in pops if (v, True) in wanted or (v, False) in wanted]:
        if (v, True) in wanted and (v, False) in wanted:
            whole = namer.fresh(f"{v}_taped")
            out.append(A.like(A.assign(A.store(whole), A.call(
                global_ref(kernels.stack_rows, "stack_rows"),
                [_steps(v, True, steps, pops, entries, whole=True)])), wanted[(v, True)][0][1]))
            for first, part in ((True, A.Slice(None, A.const(-1), None)),
                                (False, A.Slice(A.const(1), None, None))):
                for name, st in wanted[(v, first)]:
                    out.append(A.like(A.assign(A.store(name), A.Subscript(
                        value=A.name(whole), slice=part, ctx=A.Load())), st))
            continue
        for first in (True, False):
            for name, st in wanted.get((v, first), ()):
                out.append(A.like(A.assign(A.store(name), _steps(v, first, steps, pops, entries)),
                                  st))
    return out


def _appended(st):
    """(rows, v) of the statement `rows.append(v)`; else (None, None)."""
    if isinstance(st, A.Expr) and isinstance(st.value, A.Call) and len(st.value.args) == 1 \
            and not st.value.keywords and isinstance(st.value.func, A.Attribute) \
            and st.value.func.attr == "append" and A.is_name(st.value.func.value) \
            and A.is_name(st.value.args[0]):
        return st.value.func.value.id, st.value.args[0].id
    return None, None


def _fresh_list(block, rows):
    """Where `block` last sets `rows = []`, if nothing after that touches rows and the
    list is hoist-outer's, which only `stack_rows` reads after the loop."""
    for j in range(len(block) - 1, -1, -1):
        st = block[j]
        if isinstance(st, A.Assign) and len(st.targets) == 1 and A.is_name(st.targets[0], rows):
            return j if A.anno(st, "rows") else None
        if any(A.is_name(n, rows) for n in A.walk(st)):
            return None
    return None


def _steps(v, first, steps, pops, entries, whole=False):
    """`tape_steps(entries, len(range(n)), every, nth[, first=v][, whole=True])`."""
    count = A.call(A.name("len"), [A.copy_node(steps)])
    keywords = {"first": A.name(v)} if first else {}
    if whole:
        keywords["whole"] = A.const(True)
    return A.call(global_ref(kernels.tape_steps, "tape_steps"),
                  [A.name(entries), count, A.const(len(pops)), A.const(list(pops).index(v))],
                  keywords or None)


# Nodes whose parts are each evaluated exactly once whenever the node is: a term found
# under anything else (a comprehension, a conditional expression, a short-circuiting
# `and`) could be skipped or repeated, and its steps' values would fall out of line.
_ONCE = (A.BinOp, A.UnaryOp, A.Call, A.Attribute, A.Subscript, A.Slice, A.Tuple, A.List,
         A.Name, A.Constant)


def _operands(node, restored):
    """(parent, field, expr) for each largest tape-only arithmetic operand in `node`."""
    found = []
    if isinstance(node, A.BinOp):
        for field in ("left", "right"):
            child = getattr(node, field)
            if isinstance(child, (A.BinOp, A.UnaryOp)) and _arith(child, restored) \
                    and any(isinstance(n, A.Name) for n in A.walk(child)):
                found.append((node, field, child))
            else:
                found.extend(_operands(child, restored))
    elif isinstance(node, A.Call):
        for child in [node.func] + node.args + [k.value for k in node.keywords]:
            found.extend(_operands(child, restored))
    elif isinstance(node, _ONCE):
        for child in A.iter_child_nodes(node):
            found.extend(_operands(child, restored))
    return found


def _arith(node, restored):
    """Arithmetic (+ - * /, negation) on numeric constants and `restored` names."""
    if isinstance(node, A.Name):
        return node.id in restored
    if isinstance(node, A.Constant):
        return type(node.value) in (int, float)
    if isinstance(node, A.BinOp):
        return A.op_symbol(node.op) in _ARITH and _arith(node.left, restored) \
            and _arith(node.right, restored)
    if isinstance(node, A.UnaryOp):
        return A.op_symbol(node.op) == "-" and _arith(node.operand, restored)
    return False


