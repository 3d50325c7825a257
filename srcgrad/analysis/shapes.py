"""Which arrays have the same shape, given which argument sizes are equal.

A call's argument shapes are reduced to a *pattern*: every dimension becomes a
class number, equal sizes getting equal numbers and size 1 always the number 1
(`runtime.shape_pattern`).  `infer(fn, pattern, kinds, info)` follows those
classes through the function: an elementwise result takes the broadcast of its
arguments' shapes, `x[t]` drops a leading axis, `h @ W` keeps the outer ones,
`np.zeros(W.shape[0])` has W's first dimension...  Each variable gets a tuple
of classes, or None when its shape depends on more than the pattern tells (a
slice with computed bounds, a reshape, a call into another function).

The reverse pass drops `unbroadcast(g, x)` when x has the shape of the
elementwise result g belongs to.  The conclusions hold for every call with the
same pattern, whatever the sizes themselves, so the compiled code is keyed by
the pattern and not by the shapes.
"""

import operator

from .. import astlib as A
from ..normalize import prim
from ..rules import constructs
from ..runtime import seed_like as _seed_like
from . import flow
from . import kinds as K

BOTTOM = "bottom"           # not assigned yet (the fixpoint's start)
ONE = 1                     # the class of size 1, which broadcasts against any size


def infer(fn, pattern, kinds, info):
    """{variable: tuple of size classes or None} for the variables of normal-form `fn`.

    `pattern` gives the argument arrays' classes ({parameter: tuple}); scalars
    (kind num) have shape ().
    """
    stmts = flow.all_stmts(fn.body)
    state = _State(kinds, info, _integers(stmts, kinds))
    for name in A.param_names(fn):
        state.shapes[name] = pattern.get(name) if name in pattern else _scalar(kinds.get(name))
    changed = True
    while changed:      # to the fixpoint, never fewer sweeps: a sweep cut short would be optimistic
        changed = False     # (ends: each value only rises, BOTTOM -> classes -> None)
        for st in stmts:
            for name, shape, size in _stmt_shapes(st, state):
                changed |= state.update(name, shape, size)
    return {n: (None if s is BOTTOM else s) for n, s in state.shapes.items()}


_INT_OPS = {operator.add, operator.sub, operator.mul, operator.floordiv, operator.mod,
            operator.neg}


def _integers(stmts, kinds):
    """Locals that only ever hold ints: loop counters (every loop is over a range) and
    sums, products, `//` and `%` of them.  Only these index an axis away; a bool
    scalar would add one (`x[True]` has shape (1, ...))."""
    defs = {}
    for st in stmts:
        for name in flow.defs(st):
            defs.setdefault(name, []).append(st)
    ints = set(defs)

    def integral(atom):
        if A.is_const(atom):
            return type(atom.value) is int
        return isinstance(atom, A.Name) and atom.id in ints

    def made_int(st):
        if isinstance(st, A.For):
            return True
        p = prim(st)
        if p is None:
            return False
        if p.target.kind == "copy":
            return integral(p.args[0])
        key = getattr(p.target.rule, "key", None)
        if key is len:
            return True
        if key == constructs.GETITEM:           # x.shape[i]
            return K.atom_kind(p.args[0], kinds) == K.SHAPE
        return key in _INT_OPS and all(integral(a) for a in p.args) and not p.keywords

    changed = True
    while changed:
        changed = False
        for name in list(ints):
            if not all(made_int(st) for st in defs[name]):
                ints.discard(name)
                changed = True
    return ints


def _scalar(kind):
    return () if kind == K.NUM else None


class _State:
    def __init__(self, kinds, info, ints):
        self.kinds = kinds
        self.info = info
        self.ints = ints        # locals that hold ints only
        self.shapes = {}        # variable -> tuple of classes, None, or BOTTOM
        self.sizes = {}         # int variable -> the class of the size it holds (x.shape[0])
        self.whole = {}         # shape-valued variable (x.shape) -> its tuple

    def shape(self, node):
        """Shape of an atom: BOTTOM for a local not assigned yet in this sweep."""
        if A.is_const(node):
            v = node.value
            return () if isinstance(v, (int, float)) and not isinstance(v, bool) else None
        if isinstance(node, A.Name):
            if self.kinds.get(node.id) == K.NUM:
                return ()
            return self.shapes.get(node.id, BOTTOM)
        return () if K.atom_kind(node, self.kinds, self.info) == K.NUM else None

    def size(self, node):
        if A.is_const(node) and type(node.value) is int and node.value == 1:
            return ONE
        return self.sizes.get(node.id) if isinstance(node, A.Name) else None

    def whole_of(self, node):
        return self.whole.get(node.id) if isinstance(node, A.Name) else None

    def update(self, name, shape, size):
        old = self.shapes.get(name, BOTTOM)
        new = join(old, shape)
        changed = new != old
        self.shapes[name] = new
        for table, value in ((self.sizes, size[0]), (self.whole, size[1])):
            before = table.get(name, BOTTOM)
            after = join(before, value)
            if after != before:
                table[name] = after
                changed = True
        return changed


def join(a, b):
    if a is BOTTOM:
        return b
    if b is BOTTOM or a == b:
        return a
    return None


def broadcast(shapes):
    """The broadcast of shapes given as class tuples, or None when it cannot be told."""
    if not shapes or any(s is None for s in shapes):
        return None
    out = []
    for dims in zip(*(((None,) * (max(map(len, shapes)) - len(s)) + s) for s in shapes)):
        present = {d for d in dims if d is not None and d != ONE}
        if len(present) > 1:
            return None                   # unequal classes: NumPy would raise
        out.append(present.pop() if present else ONE)
    return tuple(out)


def _stmt_shapes(st, state):
    """(variable, shape, (size class, whole shape)) for what statement `st` assigns;
    nothing while an argument is still unassigned (the sweep repeats)."""
    none = (None, None)
    if isinstance(st, A.For):
        return [(n, (), none) for n in flow.defs(st)]
    p = prim(st)
    if p is None or p.result is None:
        return [(n, None, none) for n in flow.defs(st)]
    if any(state.shape(a) is BOTTOM for a in p.args):
        return []
    if isinstance(st, A.AugAssign):
        shape, size = broadcast([state.shape(a) for a in p.args]), none
    else:
        shape, size = _result(p, state)
    kind = state.kinds.get(p.result)
    if kind == K.NUM:
        shape = ()                         # a scalar, whatever produced it
    elif shape is not None and K.ndim(kind) not in (None, len(shape)):
        shape = None
    return [(p.result, shape, size)]


def _result(p, state):
    """(shape, (size class, whole shape)) of a primitive's result."""
    none = (None, None)
    if p.target.kind == "copy":
        src = p.args[0]
        return state.shape(src), (state.size(src), state.whole_of(src))
    rule = p.target.rule
    if rule is None or any(K.atom_kind(v, state.kinds, state.info) != K.NUM
                           for v in p.keywords.values() if not A.is_const(v)):
        return None, none
    key = rule.key
    args = [state.shape(a) for a in p.args]
    if key == constructs.GETITEM:
        return _getitem(p, state, args[0])
    if key == "attribute:shape":
        return None, (None, args[0])
    if key == "attribute:T" and args[0] is not None:
        return tuple(reversed(args[0])), none
    mod, name = K.key_names(key)
    if K.is_matmul(mod, name):
        return _matmul(*args[:2]), none
    if K.broadcasts(rule, mod):
        return broadcast(args), none
    if mod == "builtins" and name == "len" and args[0]:
        return (), (args[0][0], None)
    if name in ("zeros", "ones", "empty") and mod.startswith("numpy") and len(p.args) == 1:
        return _made(p.args[0], state), none
    if name in ("zeros_like", "ones_like", "empty_like") or key is _seed_like:
        return (args[0] if args else None), none
    return None, none


def _getitem(p, state, base):
    none = (None, None)
    if K.atom_kind(p.args[0], state.kinds, state.info) == K.SHAPE:
        whole = state.whole_of(p.args[0])                  # x.shape[i]
        index = p.args[1]
        if whole is not None and A.is_const(index) and type(index.value) is int \
                and -len(whole) <= index.value < len(whole):
            return (), (whole[index.value], None)
        return (), none
    if base is None:
        return None, none
    parts = p.args[1].elts if isinstance(p.args[1], A.Tuple) else [p.args[1]]
    out, axis = [], 0
    for part in parts:
        if A.is_const(part) and part.value is None:
            out.append(ONE)
        elif _full_slice(part):
            if axis >= len(base):
                return None, none
            out.append(base[axis])
            axis += 1
        elif _int_index(part, state) and axis < len(base):
            axis += 1                                      # an integer drops the axis
        else:
            return None, none
    return tuple(out) + tuple(base[axis:]), none


def _int_index(node, state):
    if A.is_const(node):
        return type(node.value) is int
    return isinstance(node, A.Name) and node.id in state.ints


def _full_slice(node):
    return (isinstance(node, A.Call) and A.anno(node.func, "global") is slice
            and all(A.is_const(a) and a.value is None for a in node.args))


def _matmul(a, b):
    if not a or not b:
        return None
    if len(a) == 1 and len(b) == 1:
        return ()
    if len(a) == 1:
        return b[:-2] + b[-1:]
    if len(b) == 1:
        return a[:-1]
    if len(a) == 2 and len(b) == 2:
        return (a[0], b[1])
    return None                            # stacked products: leave the batch axes alone


def _made(shape_arg, state):
    """Shape of np.zeros(n) / np.zeros((n, m)) / np.zeros(x.shape)."""
    if isinstance(shape_arg, A.Tuple):
        dims = tuple(state.size(e) for e in shape_arg.elts)
        return None if None in dims else dims
    if state.whole_of(shape_arg) is not None:
        return state.whole_of(shape_arg)
    size = state.size(shape_arg)
    return (size,) if size is not None else None
