"""Write into parts of an adjoint that nothing has written yet: `set_at`, not `add_at`.

A vector read in pieces (`w[:n]`, `w[n:2 * n]`, `w[2 * n:]`: packed parameters,
the four gates of an LSTM) gets one `d_w = add_at(d_w, w, index, g)` per piece
in the backward sweep.  Every piece after the first adds into positions that
are still zero, and `d_w[index] += g` on a view costs a read, an add and a
write where `d_w[index] = g` is one copy.  After `assign_parts(forward, backward)`
such an update calls `set_at` instead, when in one straight run of statements
since `d_w` was last set to 0:

* every earlier update of `d_w` was an `add_at`/`sub_at`/`set_at` whose index
  provably covers other positions along the first axis than this one, and
* no other statement read or wrote `d_w`.

Indexes compared are ints and step-free slices whose bounds are sums of
non-negative multiples of sizes (`x.shape[k]`, `len(x)`) and non-negative
constants, read through single assignments (in the forward sweep for values
the tape hands over).  Such bounds never count from the end, so `hi <= lo'`
between the forms holds for the positions themselves.  A loop body counts
as a straight run when the adjoint is zero on entry and set back to 0 at the
end of every pass (the adjoint of a returned tuple, reset after each call).
"""

from .. import astlib as A
from .. import runtime
from ..analysis import flow
from ..reverse import global_ref

_UPDATES = {runtime.add_at, runtime.sub_at, runtime.set_at}
_ENDLESS = "endless"        # a slice without an upper bound


def assign_parts(forward, backward):
    """Rewrite updates of `backward` into untouched parts as `set_at` calls."""
    forms = _Forms(forward, backward)
    chosen = set()
    _block(backward.body, {}, forms, chosen)
    for st in flow.all_stmts(backward.body):
        if id(st) in chosen:
            st.value.func = global_ref(runtime.set_at, "set_at")
    return backward


def _update(st):
    """(adjoint, index node) for `d = add_at(d, x, index, g)` and the like; else None."""
    if not (isinstance(st, A.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], A.Name)
            and isinstance(st.value, A.Call) and len(st.value.args) == 4
            and not st.value.keywords and A.anno(st.value.func, "global") in _UPDATES):
        return None
    d = st.targets[0].id
    if not A.is_name(st.value.args[0], d) or d in A.names_in(st.value.args[1]) + \
            A.names_in(st.value.args[2]) + A.names_in(st.value.args[3]):
        return None
    return d, st.value.args[2]


def _block(stmts, state, forms, chosen):
    """Walk one statement list; `state` maps an adjoint to the ranges written into it
    since it was 0.  Returns the state after the list."""
    state = dict(state)
    for st in stmts:
        if isinstance(st, (A.For, A.While)):
            state = _loop(st, state, forms, chosen)
            continue
        if isinstance(st, A.If):
            state = _forget(state, st)
            for block in flow.children(st):
                _block(block, {}, forms, chosen)
            continue
        upd = _update(st)
        if upd is not None and upd[0] in state:
            d, index = upd
            where = forms.range_of(index)
            written = state[d]
            if A.anno(st.value.func, "global") is runtime.add_at and where is not None \
                    and written and all(r is not None and _apart(r, where) for r in written):
                chosen.add(id(st))
            state = _forget(state, st, keep=d)
            state[d] = written + [where]
            continue
        state = _forget(state, st)
        if isinstance(st, A.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], A.Name) \
                and A.is_const(st.value) and st.value.value == 0 and type(st.value.value) is int:
            state[st.targets[0].id] = []
    return state


def _loop(st, state, forms, chosen):
    """A loop body starts from the adjoints that are zero on entry and again at its end
    (of every pass: not when a pass can end early)."""
    header = flow.uses(st) | set(flow.defs(st))
    early = any(isinstance(n, (A.Break, A.Continue, A.Return)) for n in A.walk(st))
    entry = {} if early else {d: [] for d, written in state.items()
                              if written == [] and d not in header}
    while True:
        end = _block(st.body, entry, forms, set())
        kept = {d: [] for d in entry if end.get(d) == []}
        if kept == entry:
            break
        entry = kept
    _block(st.body, entry, forms, chosen)
    after = _forget(state, st)
    after.update(entry)         # zero after any number of passes
    return after


def _forget(state, st, keep=None):
    """The state without the adjoints `st` (or a statement inside it) reads or writes."""
    touched = set()
    for inner in [st] + flow.all_stmts([s for block in flow.children(st) for s in block]):
        touched.update(flow.uses(inner))
        touched.update(flow.defs(inner))
    touched.discard(keep)
    return {d: written for d, written in state.items() if d not in touched}


def _apart(a, b):
    """Do ranges a and b cover no common position?"""
    return _at_most(a[1], b[0]) or _at_most(b[1], a[0])


def _at_most(x, y):
    """x <= y for every value of the sizes (each a non-negative int)?"""
    if x == _ENDLESS:
        return False
    cx, vx = x
    cy, vy = y
    return cx <= cy and all(vy.get(v, 0) >= k for v, k in vx.items())


class _Forms:
    """Bounds as linear forms (constant, {size: coefficient}), all parts non-negative.

    A name counts when it is assigned once, at the top level of its function: in the
    backward sweep, or in the forward sweep for a name the backward only takes from
    the tape (its value there is the forward's final one).  Such a name holds one
    value wherever the backward reads it.  Sizes are keyed by the sweep that
    assigned them, so a forward name and a backward name never stand for each other.
    """

    def __init__(self, forward, backward):
        self.sweeps = {"backward": _single_defs(backward), "forward": _single_defs(forward)}
        self.restored = _tape_names(backward)
        self.memo = {}

    def range_of(self, index):
        """(lo, hi) forms of an int or step-free slice index; else None."""
        if isinstance(index, A.Call) and A.anno(index.func, "global") is slice \
                and not index.keywords and len(index.args) == 3 and _is_none(index.args[2]):
            lo = (0, {}) if _is_none(index.args[0]) else self.form(index.args[0], "backward")
            hi = _ENDLESS if _is_none(index.args[1]) else self.form(index.args[1], "backward")
            return None if lo is None or hi is None else (lo, hi)
        at = self.form(index, "backward")
        if at is None:
            return None
        return at, (at[0] + 1, at[1])

    def form(self, node, sweep):
        if A.is_const(node):
            v = node.value
            return (v, {}) if type(v) is int and v >= 0 else None
        if not isinstance(node, A.Name):
            return None
        name = node.id
        if sweep == "backward" and name in self.restored:
            sweep = "forward"
        key = (sweep, name)
        if key not in self.memo:
            self.memo[key] = None           # a cycle stays unknown
            self.memo[key] = self._defined(key)
        return self.memo[key]

    def _defined(self, key):
        sweep, name = key
        value = self.sweeps[sweep].get(name)
        if value is None:
            return None
        if _is_size(value, self.sweeps[sweep]):
            return 0, {key: 1}
        if isinstance(value, A.Name) or A.is_const(value):
            return self.form(value, sweep)
        if not (isinstance(value, A.BinOp) and A.op_symbol(value.op) in ("+", "*")):
            return None
        left, right = self.form(value.left, sweep), self.form(value.right, sweep)
        if left is None or right is None:
            return None
        if A.op_symbol(value.op) == "+":
            terms = dict(left[1])
            for v, k in right[1].items():
                terms[v] = terms.get(v, 0) + k
            return left[0] + right[0], terms
        if left[1] and right[1]:
            return None                     # a product of sizes is not linear
        k, f = (left[0], right) if not left[1] else (right[0], left)
        return k * f[0], {v: k * c for v, c in f[1].items() if k * c}


def _is_none(node):
    return A.is_const(node) and node.value is None


def _is_size(value, defs):
    """`x.shape[k]` (also through `s = x.shape`) or `len(x)`: a non-negative int."""
    if isinstance(value, A.Subscript) and A.is_const(value.slice) \
            and type(value.slice.value) is int:
        shape = value.value
        if isinstance(shape, A.Name):
            shape = defs.get(shape.id)
        return isinstance(shape, A.Attribute) and shape.attr == "shape"
    return isinstance(value, A.Call) and A.anno(value.func, "global") is len \
        and len(value.args) == 1 and not value.keywords


def _single_defs(fn):
    """{name: value} for names `fn` assigns exactly once, at the top level of its body."""
    count = {}
    for st in flow.all_stmts(fn.body):
        for n in flow.defs(st):
            count[n] = count.get(n, 0) + 1
    for p in A.param_names(fn):
        count[p] = count.get(p, 0) + 1
    out = {}
    for st in fn.body:
        if isinstance(st, A.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], A.Name) \
                and count.get(st.targets[0].id) == 1:
            out[st.targets[0].id] = st.value
    return out


def _tape_names(backward):
    """Names the backward sweep takes from the tape once and never assigns again."""
    count = {}
    for st in flow.all_stmts(backward.body):
        for n in flow.defs(st):
            count[n] = count.get(n, 0) + 1
    params = A.param_names(backward)
    for st in backward.body:
        if isinstance(st, A.Assign) and len(st.targets) == 1 \
                and isinstance(st.targets[0], A.Tuple) and A.is_name(st.value) \
                and st.value.id in params:
            return {n for n in flow.defs(st) if count.get(n) == 1}
    return set()
