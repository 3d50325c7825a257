"""Which arrays have the same shape, given which argument sizes are equal.

A call's argument shapes are reduced to a *pattern*: every dimension becomes a
class number, equal sizes getting equal numbers and size 1 always the number 1
(`runtime.shape_pattern`).  `infer(fn, pattern, kinds, info)` follows those
classes through the function: an elementwise result takes the broadcast of its
arguments' shapes, `x[t]` drops a leading axis, `h @ W` keeps the outer ones,
`np.zeros(W.shape[0])` has W's first dimension...  Each variable gets a tuple
of classes, or None when its shape depends on more than the pattern tells (a
reshape, a boolean index, a list changed where the analysis cannot see it).

A dimension can also be ANY: an extent the pattern does not tell (`w[:b]`).  It
broadcasts to the other operand's class when that is not 1, since NumPy only
accepts an equal size or 1 there.  Lists whose items have one shape are
`Items(shape)`, tuples `Parts(shapes)`, and a call into another user function
takes the shape its `calls` hook works out from the callee with the argument
shapes as its pattern.

The reverse pass drops `unbroadcast(g, x)` when x has the shape of the
elementwise result g belongs to.  The conclusions hold for every call with the
same pattern, whatever the sizes themselves, so the compiled code is keyed by
the pattern and not by the shapes, a callee's code by the pattern of its call.
"""

import operator
from dataclasses import dataclass

from .. import astlib as A
from ..normalize import is_slice, prim
from ..rules import constructs
from ..runtime import seed_like as _seed_like
from . import aliases, arguments, flow
from . import kinds as K

BOTTOM = "bottom"           # not assigned yet (the fixpoint's start)
ONE = 1                     # the class of size 1, which broadcasts against any size
ANY = 0                     # an extent the pattern does not tell
_DEPTH = 3                  # lists of tuples of lists: deeper nesting is not followed


@dataclass(frozen=True)
class Items:
    """A list whose items all have the shape `of`."""
    of: object


@dataclass(frozen=True)
class Parts:
    """A tuple whose items have the shapes `of` (one per item)."""
    of: tuple


def infer(fn, pattern, kinds, info, calls=None):
    """{variable: shape} for the variables of normal-form `fn`: a tuple of size
    classes, Items, Parts, or None when its shape depends on more than the pattern.

    `pattern` gives the argument arrays' classes ({parameter: shape}); scalars
    (kind num) have shape ().  `calls` (callees.CallShapes) answers for calls into
    other user functions: `calls.result(st, p, shape_of)` their result's shape and
    `calls.changes_lists(p)` whether they may change a list passed to them.
    """
    stmts = flow.all_stmts(fn.body)
    state = _State(kinds, info, _integers(stmts, kinds), calls)
    params = A.param_names(fn)
    state.lists = _owned_lists(stmts, params, kinds, calls)
    for name in params:
        shape = pattern.get(name) if name in pattern else _scalar(kinds.get(name))
        state.shapes[name] = shape if isinstance(shape, tuple) or state.lists is not None else None
    changed = True
    while changed:      # to the fixpoint, never fewer sweeps: a sweep cut short would be optimistic
        changed = False     # (ends: each value only rises, BOTTOM -> classes -> None)
        for st in stmts:
            for name, shape, size in _stmt_shapes(st, state):
                changed |= state.update(name, shape, size)
    return {n: _settled(s) for n, s in state.shapes.items()}


def _settled(shape):
    """A shape with the parts no sweep reached (BOTTOM) made unknown."""
    if shape is BOTTOM:
        return None
    if isinstance(shape, Items):
        return Items(_settled(shape.of))
    if isinstance(shape, Parts):
        return Parts(tuple(_settled(s) for s in shape.of))
    return shape


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


def may_change_lists(fn, kinds, calls=None):
    """Whether `fn` may change a list it did not make itself (its callers then follow none)."""
    return _owned_lists(flow.all_stmts(fn.body), A.param_names(fn), kinds, calls) is None


def _owned_lists(stmts, params, kinds, calls):
    """{list variable: the variables copies join it with}, for lists this function
    makes itself, or None when a list may change where the analysis cannot see it.

    A list every definition of which is a display (`[]`, `[a, b]`), directly or
    through copies, is reached by no other name than those copies, so an `append`
    to it is seen by joining the item into all of them.  Anything else that may
    change a list (an append to one the function did not make, `lst[i] = v`, a
    method or callee that changes its argument) turns list and tuple shapes off.
    """
    owned = aliases.made_lists(stmts, params)
    for st in stmts:
        if _may_change_list(st, owned, kinds, calls):
            return None
    groups = {name: {name} for name in owned}
    for st in stmts:
        p = prim(st)
        if p is not None and p.target.kind == "copy" and p.result in owned:
            joined = groups[p.result] | groups[p.args[0].id]
            for name in joined:
                groups[name] = joined
    return groups


def _may_change_list(st, owned, kinds, calls):
    def plain(name):                     # a number or an array: in-place changes keep its shape
        kind = kinds.get(name)
        return kind == K.NUM or K.is_array(kind)

    p = prim(st)
    if p is None:
        if isinstance(st, (A.For, A.If, A.While, A.Return, A.Break, A.Continue, A.Pass)):
            return False
        return not all(plain(n) for n in flow.uses(st) | set(flow.defs(st)))
    t = p.target
    key = getattr(t.rule, "key", None) if t.kind != "copy" else None
    names = [a.id for a in list(p.args) + list(p.keywords.values()) if isinstance(a, A.Name)]
    if key == "method:append":
        return names[0] not in owned
    if key == constructs.SETITEM or isinstance(st, A.AugAssign) or getattr(t.rule, "inplace", False):
        return not plain(names[0]) if names else False
    if t.kind in ("user", "lifted"):
        if any(not plain(n) for n in arguments.changed_arguments(t.obj, p.args, p.keywords, kinds)):
            return True
        passes = t.kind == "lifted" or not all(plain(n) for n in names)
        return passes and (calls is None or calls.changes_lists(p))
    if t.kind == "unknown":
        return not all(plain(n) for n in names)
    return False


def _nested(shape, depth=0):
    """`shape`, or None when containers nest deeper than followed (a list appended to
    itself would otherwise grow without end)."""
    if isinstance(shape, (Items, Parts)):
        if depth >= _DEPTH:
            return None
        inner = [shape.of] if isinstance(shape, Items) else shape.of
        if any(_nested(s, depth + 1) is None and s is not None for s in inner):
            return None
    return shape


def _scalar(kind):
    return () if kind == K.NUM else None


class _State:
    def __init__(self, kinds, info, ints, calls):
        self.kinds = kinds
        self.info = info
        self.ints = ints        # locals that hold ints only
        self.calls = calls      # result shape of a call into another user function
        self.lists = None       # list variable -> its copies (_owned_lists), or None
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
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        return tuple(x if x == y else ANY for x, y in zip(a, b))
    if isinstance(a, Items) and isinstance(b, Items):
        return Items(join(a.of, b.of))
    if isinstance(a, Parts) and isinstance(b, Parts) and len(a.of) == len(b.of):
        return Parts(tuple(join(x, y) for x, y in zip(a.of, b.of)))
    return None


def _join_all(shapes):
    out = BOTTOM
    for s in shapes:
        out = join(out, s)
    return out


def broadcast(shapes):
    """The broadcast of shapes given as class tuples, or None when it cannot be told."""
    if not shapes or not all(isinstance(s, tuple) for s in shapes):
        return None
    out = []
    for dims in zip(*(((None,) * (max(map(len, shapes)) - len(s)) + s) for s in shapes)):
        present = {d for d in dims if d not in (None, ONE, ANY)}
        if len(present) > 1:
            return None                   # unequal classes: NumPy would raise
        if present:
            out.append(present.pop())     # the other operands have that size or 1
        else:
            out.append(ANY if ANY in dims else ONE)
    return tuple(out)


def _stmt_shapes(st, state):
    """(variable, shape, (size class, whole shape)) for what statement `st` assigns;
    nothing while an argument is still unassigned (the sweep repeats)."""
    none = (None, None)
    if isinstance(st, A.For):
        return [(n, (), none) for n in flow.defs(st)]
    p = prim(st)
    if p is None:
        return [(n, None, none) for n in flow.defs(st)]
    if any(state.shape(a) is BOTTOM for a in list(p.args) + list(p.keywords.values())):
        return []
    if p.result is None:
        if getattr(p.target.rule, "key", None) == "method:append" and state.lists is not None:
            item = _nested(Items(state.shape(p.args[1])))
            return [(n, item, none) for n in sorted(state.lists[p.args[0].id])]
        return [(n, None, none) for n in flow.defs(st)]
    if isinstance(st, A.AugAssign):
        shape, size = broadcast([state.shape(a) for a in p.args]), none
    elif p.target.kind in ("user", "lifted"):
        shape, size = None, none
        if state.calls is not None:
            shape = state.calls.result(st, p, state.shape)
    else:
        shape, size = _result(p, state)
    kind = state.kinds.get(p.result)
    if kind == K.NUM:
        shape = ()                         # a scalar, whatever produced it
    elif isinstance(shape, tuple) and K.ndim(kind) not in (None, len(shape)):
        shape = None
    elif not isinstance(shape, tuple) and state.lists is None:
        shape = None                       # a list may change unseen: none is followed
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
        if isinstance(args[0], (Items, Parts)):
            return _item(p.args[1], args[0], state), none
        return _getitem(p, state, args[0])
    if key in (constructs.LIST, constructs.TUPLE):
        if key == constructs.TUPLE:
            return _nested(Parts(tuple(args))), none
        return _nested(Items(_join_all(args))), none     # `[]`: BOTTOM, the appends tell
    if not all(a is None or isinstance(a, tuple) for a in args):
        return None, none
    if key == "attribute:shape":
        return None, (None, args[0])
    if key == "attribute:T" and args[0] is not None:
        return tuple(reversed(args[0])), none
    mod, name = K.key_names(key)
    if K.is_matmul(mod, name):
        return _matmul(*args[:2]), none
    if K.broadcasts(rule, mod):
        return broadcast(args), none
    if name in K.REDUCTIONS and (mod.startswith("numpy") or isinstance(key, str)) \
            and len(p.args) == 1 and not p.keywords and args[0] is not None:
        return (), none                    # over every axis: a scalar
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
        elif is_slice(part) and axis < len(base):
            out.append(ANY)                                # computed bounds: some extent
            axis += 1
        elif _int_index(part, state) and axis < len(base):
            axis += 1                                      # an integer drops the axis
        else:
            return None, none
    return tuple(out) + tuple(base[axis:]), none


def _item(index, base, state):
    """Shape of `lst[i]` / `tup[i]` (Items or Parts `base`)."""
    if is_slice(index):
        return base if isinstance(base, Items) else None
    if not _int_index(index, state):
        return None
    if isinstance(base, Items):
        return base.of
    if A.is_const(index):
        return base.of[index.value] if -len(base.of) <= index.value < len(base.of) else None
    out = _join_all(base.of)               # a computed index: any of the parts
    return None if out is BOTTOM else out


def _int_index(node, state):
    if A.is_const(node):
        return type(node.value) is int
    return isinstance(node, A.Name) and node.id in state.ints


def _full_slice(node):
    return is_slice(node) and all(A.is_const(a) and a.value is None for a in node.args)


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
