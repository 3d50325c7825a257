"""Definitions, uses and program points of structured code.

These helpers understand the statements that appear in the normal form and
in generated code (assignments, in-place updates, expression statements,
if/for/while, break, return).  Compound statements are visited in place, so
analyses can be written as walks with joins at branches and fixpoints at loops.
"""

from .. import astlib as A


def defs(st):
    """Names a simple statement (or a loop header) binds."""
    if isinstance(st, A.Assign):
        out = []
        for t in st.targets:
            out.extend(_store_names(t))
        return out
    if isinstance(st, A.AugAssign) and isinstance(st.target, A.Name):
        return [st.target.id]
    if isinstance(st, A.For):
        return _store_names(st.target)
    if isinstance(st, A.FunctionDef):
        return [st.name]
    return []


def _store_names(t):
    if isinstance(t, A.Name):
        return [t.id]
    if isinstance(t, (A.Tuple, A.List)):
        return [n for e in t.elts for n in _store_names(e)]
    if isinstance(t, A.Starred):
        return _store_names(t.value)
    return []


def uses(st):
    """Names a simple statement reads (for compound statements: the header only)."""
    if isinstance(st, A.If):
        return A.names_in(st.test, load_only=True)
    if isinstance(st, A.While):
        return A.names_in(st.test, load_only=True)
    if isinstance(st, A.For):
        return A.names_in(st.iter, load_only=True)
    if isinstance(st, A.FunctionDef):
        return [n for n in A.names_in(st, load_only=True)]
    out = A.names_in(st, load_only=True)
    if isinstance(st, A.AugAssign) and isinstance(st.target, A.Name):
        out.append(st.target.id)
    if isinstance(st, A.Assign):
        for t in st.targets:
            if isinstance(t, (A.Subscript, A.Attribute)):
                out.extend(A.names_in(t, load_only=True))
                root = t
                while isinstance(root, (A.Subscript, A.Attribute)):
                    root = root.value
                if isinstance(root, A.Name):
                    out.append(root.id)
    return out


def children(st):
    """Nested statement lists of a compound statement."""
    if isinstance(st, A.If):
        return [st.body, st.orelse]
    if isinstance(st, (A.For, A.While)):
        return [st.body]
    return []


def is_loop(st):
    return isinstance(st, (A.For, A.While))


def walk_stmts(stmts, loops=(), path=()):
    """Every statement with its path (indices) and the loops enclosing it."""
    for i, st in enumerate(stmts):
        yield st, path + (i,), loops
        inner_loops = loops + (st,) if is_loop(st) else loops
        for k, block in enumerate(children(st)):
            yield from walk_stmts(block, inner_loops, path + (i, k))


def all_stmts(stmts):
    return [st for st, _, _ in walk_stmts(stmts)]


def may_follow(pos_a, pos_b):
    """Can statement b execute after statement a?  Positions are (path, loops)."""
    path_a, loops_a = pos_a
    path_b, loops_b = pos_b
    if path_b > path_a:
        return True
    return any(any(l is m for m in loops_b) for l in loops_a)


def _once(fn, table):
    """fn(st) as a set, computed once per statement (kept in `table` by id)."""
    def cached(st):
        key = id(st)
        if key not in table:
            table[key] = set(fn(st))
        return table[key]
    return cached


def live_after(stmts, live_out, use_fn=uses, def_fn=defs, memo=None):
    """Backward liveness.  Returns {id(stmt): live set after stmt} for simple statements.

    `memo` (a dict) keeps each statement's uses and definitions for later calls on the
    same, unchanged statements (a pass that only removes statements)."""
    result = {}
    # loops revisit their bodies until nothing changes: read each statement once
    memo = {} if memo is None else memo
    use_fn = _once(use_fn, memo.setdefault("uses", {}))
    def_fn = _once(def_fn, memo.setdefault("defs", {}))

    def block(stmts, live):
        for st in reversed(stmts):
            live = stmt(st, live)
        return live

    def stmt(st, live):
        result[id(st)] = set(live) | result.get(id(st), set())
        if isinstance(st, A.If):
            return block(st.body, live) | block(st.orelse, live) | set(use_fn(st))
        if is_loop(st):
            head = set(live)
            while True:
                new = block(st.body, head | live) | live
                if isinstance(st, A.For):
                    new = (new - set(def_fn(st))) | set(use_fn(st))
                else:
                    new |= set(use_fn(st))
                if new <= head:
                    return head
                head |= new
        return (live - set(def_fn(st))) | set(use_fn(st))

    block(stmts, set(live_out))
    return result


def definitely_assigned(stmts, start):
    """Names assigned on every path through `stmts`, starting from the set `start`."""
    state = set(start)
    for st in stmts:
        if isinstance(st, A.If):
            state = definitely_assigned(st.body, state) & definitely_assigned(st.orelse, state)
        elif is_loop(st):
            pass                       # a loop may run zero times
        else:
            state |= set(defs(st))
    return state
