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
    """Names a simple statement reads (for compound statements: the header only), as a set."""
    out = []
    if isinstance(st, (A.If, A.While)):
        _loads(st.test, out)
    elif isinstance(st, A.For):
        _loads(st.iter, out)
    else:
        _loads(st, out)
    if isinstance(st, A.AugAssign) and isinstance(st.target, A.Name):
        out.append(st.target.id)
    if isinstance(st, A.Assign):
        for t in st.targets:
            root = t
            while isinstance(root, (A.Subscript, A.Attribute)):
                root = root.value
            if root is not t and isinstance(root, A.Name):
                out.append(root.id)        # `x[i] = v` reads x: the rest of it stays
    return set(out)


def _loads(node, out):
    """Append the names `node` loads.  The analyses ask this of every statement many
    times, so the common expressions go straight to their operands."""
    kind = type(node)
    if kind is A.Name:
        if type(node.ctx) is A.Load:
            out.append(node.id)
    elif kind is A.Constant:
        pass
    elif kind is A.BinOp:
        _loads(node.left, out)
        _loads(node.right, out)
    elif kind is A.Call:
        _loads(node.func, out)
        for a in node.args:
            _loads(a, out)
        for k in node.keywords:
            _loads(k.value, out)
    elif kind is A.Attribute:
        _loads(node.value, out)
    elif kind is A.Subscript:
        _loads(node.value, out)
        _loads(node.slice, out)
    else:
        for child in A.iter_child_nodes(node):
            _loads(child, out)


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


def live_after(stmts, live_out, use_fn=uses, def_fn=defs, memo=None):
    """Backward liveness: the names live after each simple statement, as `LiveSets`.

    `memo` (a dict) keeps each statement's uses and definitions for later calls on the
    same, unchanged statements (a pass that only removes statements, and keeps those it
    removed alive: entries are keyed by id)."""
    # loops revisit their bodies until nothing changes: read each statement once
    memo = {} if memo is None else memo
    bits = memo.setdefault("bits", {})
    sweep = _Liveness(_masks(use_fn, memo.setdefault("uses", {}), bits),
                      _masks(def_fn, memo.setdefault("defs", {}), bits))
    sweep.block(stmts, _mask(live_out, bits))
    return LiveSets(sweep.result, bits)


class LiveSets:
    """{id(stmt): names live after it}.  Each set is held as an int with one bit per
    name: the sweep's unions and differences are then single operations, not copies of
    sets of a hundred names."""

    def __init__(self, masks, bits):
        self._masks, self._bits = masks, bits
        self._names = None

    def get(self, key, default=frozenset()):
        """The set of names live after the statement with id `key`."""
        mask = self._masks.get(key)
        if mask is None:
            return default
        if self._names is None:
            self._names = {bit: name for name, bit in self._bits.items()}
        out = set()
        while mask:
            low = mask & -mask
            out.add(self._names[low])
            mask ^= low
        return out

    def any_live(self, key, names):
        """Is any of `names` live after the statement with id `key`?"""
        mask = self._masks.get(key, 0)
        return any(mask & self._bits.get(n, 0) for n in names)


def _mask(names, bits):
    mask = 0
    for name in names:
        bit = bits.get(name)
        if bit is None:
            bit = bits[name] = 1 << len(bits)
        mask |= bit
    return mask


def _masks(fn, table, bits):
    """fn(st) as a mask, computed once per statement (kept in `table` by id)."""
    def cached(st):
        key = id(st)
        mask = table.get(key)
        if mask is None:
            mask = table[key] = _mask(fn(st), bits)
        return mask
    return cached


class _Liveness:
    """One backward sweep over masks.  A class, not nested functions: two closures that
    call each other form a reference cycle, left for the cycle collector."""

    def __init__(self, use_fn, def_fn):
        self.use_fn, self.def_fn = use_fn, def_fn
        self.result = {}

    def block(self, stmts, live):
        for st in reversed(stmts):
            live = self.stmt(st, live)
        return live

    def stmt(self, st, live):
        key = id(st)
        self.result[key] = self.result.get(key, 0) | live
        if isinstance(st, A.If):
            return self.block(st.body, live) | self.block(st.orelse, live) | self.use_fn(st)
        if is_loop(st):
            head = live
            while True:
                new = self.block(st.body, head | live) | live
                if isinstance(st, A.For):
                    new = (new & ~self.def_fn(st)) | self.use_fn(st)
                else:
                    new |= self.use_fn(st)
                if not new & ~head:
                    return head
                head |= new
        return (live & ~self.def_fn(st)) | self.use_fn(st)


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
