"""Cancel negations across statements of the backward sweep.

Templates negate where the chain rule says so, one statement at a time, so
the adjoint of `1 / (1 + np.exp(-x))` reads

    d_t2 = -d_t1 / (_t2 * _t2)
    d_t4 = d_t2 * _t3
    d_x = -d_t4

two array negations that cancel.  After `cancel(fn, names)` a variable of
`names` that is assigned once and read once holds the value without its
negation when the negation can be carried, through products, quotients and
linear helpers, to a place that absorbs it: another negation, a sum that
becomes a difference, or `add_at` that becomes `sub_at`.  The code above becomes

    d_t2 = d_t1 / (_t2 * _t2)
    d_t4 = d_t2 * _t3
    d_x = d_t4

Nothing changes where the negation would only move.  Every rewrite is exact
in floating point: rounding is symmetric in sign.
"""

from .. import astlib as A
from .. import runtime
from ..reverse import global_ref

# helpers linear in their first argument: f(-g, ...) == -f(g, ...)
_LINEAR = (runtime.unbroadcast, runtime.broadcast_back)
_ADDED = 3              # add_at(acc, x, index, -g) is sub_at(acc, x, index, g)


def cancel(fn, names):
    loads, stores, use_of = {}, {}, {}
    for st in _simple_statements(fn.body):
        for node in _own_nodes(st):
            if isinstance(node, A.Name):
                table = loads if isinstance(node.ctx, A.Load) else stores
                table[node.id] = table.get(node.id, 0) + 1
                if table is loads:
                    use_of[node.id] = st

    def single(name):
        return name in names and loads.get(name) == 1 and stores.get(name) == 1

    for st in _simple_statements(fn.body):
        name = _target(st)
        if name is None or not single(name):
            continue
        stripped = _strip(st.value)
        if stripped is None:
            continue
        rewrites = [(st, stripped)]
        seen = {name}
        while True:
            use = use_of.get(name)
            if not isinstance(use, A.Assign) or any(use is s for s, _ in rewrites):
                break
            value, outcome = _carry(use.value, name)
            if outcome == "absorbed":
                rewrites.append((use, value))
                for s, v in rewrites:
                    s.value = v
                break
            nxt = _target(use)
            if outcome != "top" or nxt is None or nxt in seen or not single(nxt):
                break
            rewrites.append((use, value))     # `use` now holds its value negated: follow it
            seen.add(nxt)
            name = nxt
    return fn


def _simple_statements(stmts):
    for st in stmts:
        for field in ("body", "orelse"):
            if isinstance(st, (A.If, A.For, A.While)):
                yield from _simple_statements(getattr(st, field))
        yield st


def _own_nodes(st):
    """The nodes of `st` itself: for if/for/while, the header only."""
    if isinstance(st, (A.If, A.While)):
        return A.walk(st.test)
    if isinstance(st, A.For):
        return A.walk(st.target) + A.walk(st.iter)
    return A.walk(st)


def _target(st):
    if isinstance(st, A.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], A.Name):
        return st.targets[0].id
    return None


def _neg(node):
    return isinstance(node, A.UnaryOp) and A.op_symbol(node.op) == "-"


def _strip(e):
    """e' with e == -e' (sharing e's subtrees), or None when e is not a carried negation."""
    if _neg(e):
        return e.operand
    if isinstance(e, A.BinOp) and A.op_symbol(e.op) in ("*", "/"):
        left = _strip(e.left)
        if left is not None:
            return A.binop(left, A.op_symbol(e.op), e.right)
        right = _strip(e.right)
        if right is not None:
            return A.binop(e.left, A.op_symbol(e.op), right)
    if isinstance(e, A.Call) and A.anno(e.func, "global") in _LINEAR and e.args and not e.keywords:
        first = _strip(e.args[0])
        if first is not None:
            return _with_first(e, first)
    return None


def _with_first(call, first):
    out = A.copy_node(call)
    out.args = [first] + list(call.args[1:])
    return out


def _carry(value, name):
    """`value` with its one read of `name` negated, rewritten so the negation goes up:
    (new value, "absorbed") when it cancels, (new value without the negation it ends
    with, "top") when it reaches the top, (None, "stuck") otherwise."""
    path = _path_to(value, name)
    if path is None:
        return None, "stuck"
    value = A.copy_node(value)
    node, parents = value, []
    for step in path:                 # the same walk in the copy
        parents.append((node, step))
        node = _child(node, step)
    carried = node                    # `carried` stands for -carried from here up
    while parents:
        parent, step = parents.pop()
        result = _absorb(parent, step, carried)
        if result is None:
            return None, "stuck"
        new, absorbed = result
        if absorbed:
            if not parents:
                return new, "absorbed"
            grand, gstep = parents[-1]
            _set_child(grand, gstep, new)
            return value, "absorbed"
        carried = new
    return carried, "top"


def _absorb(parent, step, carried):
    """Rewrite `parent` whose child at `step` is -carried: (node, True) when the negation
    cancels, (node, False) when parent == -node, None when it cannot pass."""
    if _neg(parent):
        return carried, True
    if isinstance(parent, A.BinOp):
        sym = A.op_symbol(parent.op)
        other = parent.right if step == "left" else parent.left
        if sym in ("*", "/"):
            left, right = (carried, other) if step == "left" else (other, carried)
            if _neg(other):           # (-a) * (-b) == a * b
                left, right = (carried, other.operand) if step == "left" else (other.operand, carried)
                return A.binop(left, sym, right), True
            return A.binop(left, sym, right), False
        if sym == "+":                # a + (-b) == a - b
            return A.binop(other, "-", carried), True
        if sym == "-" and step == "right":
            return A.binop(other, "+", carried), True
        if sym == "-" and step == "left":    # (-a) - b == -(a + b)
            return A.binop(carried, "+", other), False
        return None
    if isinstance(parent, A.Call) and step == ("args", 0) and A.anno(parent.func, "global") in _LINEAR \
            and not parent.keywords:
        return _with_first(parent, carried), False
    if isinstance(parent, A.Call) and step == ("args", _ADDED) and _is_add_at(parent):
        out = A.copy_node(parent)
        out.func = global_ref(runtime.sub_at, "sub_at")
        out.args[_ADDED] = carried
        return out, True
    return None


def _is_add_at(call):
    return A.anno(call.func, "global") is runtime.add_at and len(call.args) == 4 and not call.keywords



def _path_to(node, name):
    """Steps from `node` to its one Name load of `name` through BinOp, UnaryOp and linear
    helper calls; None when the read sits anywhere else."""
    if isinstance(node, A.Name):
        return [] if node.id == name else None
    if isinstance(node, A.UnaryOp):
        rest = _path_to(node.operand, name)
        return None if rest is None else ["operand"] + rest
    if isinstance(node, A.BinOp):
        for step in ("left", "right"):
            rest = _path_to(getattr(node, step), name)
            if rest is not None:
                return [step] + rest
        return None
    if isinstance(node, A.Call) and A.anno(node.func, "global") in _LINEAR and node.args:
        rest = _path_to(node.args[0], name)
        return None if rest is None else [("args", 0)] + rest
    if isinstance(node, A.Call) and _is_add_at(node):
        rest = _path_to(node.args[_ADDED], name)
        return None if rest is None else [("args", _ADDED)] + rest
    return None


def _child(node, step):
    return node.args[step[1]] if isinstance(step, tuple) else getattr(node, step)


def _set_child(node, step, value):
    if isinstance(step, tuple):
        node.args[step[1]] = value
    else:
        setattr(node, step, value)
