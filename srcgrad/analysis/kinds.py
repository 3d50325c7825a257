"""What kind of value each variable holds: a scalar, an array of known rank, a container...

After `infer(fn, param_kinds, info)` every local variable maps to one of:

    num        a real Python or NumPy scalar (shape ())
    array:N    an ndarray with N dimensions
    array      an ndarray of unknown rank
    numeric    num or array (supports arithmetic and broadcasting)
    shape      an array's `.shape` (its items are ints, so `x.shape[0]` is num)
    list, tuple, dict
    unknown    anything else, or several of the above

The analysis is flow-insensitive (one kind per variable, the join over all its
assignments).  A local list that is only built by `append` and read by index,
`len` or NumPy also gets the join of its items' kinds, under the key
`element_key(name)`, so `Qs[j]` after `Qs.append(np.diag(d) + L)` is `array:2`.
The compiler uses kinds to drop broadcasting bookkeeping between scalars, to
pick template variants (plain `g @ y.T` for matrices, `math.cos` for scalars),
and to choose `+` or a structure-aware add for adjoints; a wrong `num` would be
a wrong gradient, so anything unsure is `numeric` or `unknown`.
"""

import numbers
import operator

import numpy as np

from .. import astlib as A
from ..normalize import prim
from ..rules import constructs
from ..runtime import seed_like as _seed_like
from . import flow

NUM, ARRAY, NUMERIC, LIST, TUPLE, DICT, UNKNOWN, BOTTOM = (
    "num", "array", "numeric", "list", "tuple", "dict", "unknown", "bottom")
SHAPE = "shape"             # an array's shape: a tuple of ints


_RANKED = tuple(f"array:{n}" for n in range(33))     # the same string objects every call


def array(ndim):
    if ndim is None:
        return ARRAY
    return _RANKED[ndim] if ndim < len(_RANKED) else f"array:{ndim}"


def ndim(kind):
    """Rank of an array kind (0 for num), or None when unknown."""
    if kind == NUM:
        return 0
    if kind is not None and kind.startswith("array:"):
        return int(kind[6:])
    return None


def is_array(kind):
    return kind is not None and kind.startswith(ARRAY)


def is_arith(kind):
    return kind is not None and (kind in (NUM, NUMERIC) or kind.startswith(ARRAY))


ARITH = type("_Arith", (), {"__contains__": lambda self, k: is_arith(k)})()


def join(a, b):
    if a == b or b == BOTTOM:
        return a
    if a == BOTTOM:
        return b
    if is_array(a) and is_array(b):
        return ARRAY
    if is_arith(a) and is_arith(b):
        return NUMERIC
    return UNKNOWN


def of_value(v):
    """Kind of a runtime value (used for arguments and defaults)."""
    t = type(v)
    if t is float or t is int or t is bool:
        return NUM
    if t is np.ndarray:
        return array(v.ndim)
    if t is list:
        return LIST
    if t is tuple:
        return TUPLE
    if t is dict:
        return DICT
    if isinstance(v, np.generic) and isinstance(v, numbers.Real):
        return NUM
    return UNKNOWN


def atom_kind(node, kinds, info=None):
    if isinstance(node, A.Constant):
        v = node.value
        if isinstance(v, (bool, int, float)):
            return NUM
        return UNKNOWN
    if isinstance(node, A.Name):
        return kinds.get(node.id, UNKNOWN)
    if isinstance(node, A.Attribute) and A.anno(node, "static") and info is not None:
        from .. import parse
        found, obj = parse.resolve_static(info, node, set(), [])
        return NUM if found and of_value(obj) == NUM else UNKNOWN
    return UNKNOWN


def _elementwise(arg_kinds):
    if all(k == NUM for k in arg_kinds):
        return NUM
    if not all(is_arith(k) for k in arg_kinds):
        return UNKNOWN
    ranks = [ndim(k) for k in arg_kinds]
    if any(is_array(k) for k in arg_kinds) and all(r is not None for r in ranks):
        return array(max(ranks))
    return ARRAY if any(is_array(k) for k in arg_kinds) else NUMERIC


def _matmul(a, b):
    ra, rb = ndim(a), ndim(b)
    if ra is None or rb is None or not (is_array(a) and is_array(b)):
        return NUMERIC if is_arith(a) and is_arith(b) else UNKNOWN
    if ra == 1 and rb == 1:
        return NUM
    if ra == 1 or rb == 1:
        return array(max(ra, rb) - 1)
    return array(max(ra, rb))


def _index_rank(base, index, kinds, info):
    """Rank of base[index] when it can be told statically, else None."""
    r = ndim(base)
    if r is None or not is_array(base):
        return None
    parts = index.elts if isinstance(index, A.Tuple) else [index]
    out = r
    for part in parts:
        if isinstance(part, A.Call) and A.anno(part.func, "global") is slice:
            continue
        if A.is_const(part) and part.value is None:
            out += 1
        elif A.is_const(part) and part.value is Ellipsis:
            continue
        elif atom_kind(part, kinds, info) == NUM:
            out -= 1
        else:
            return None
    return out if out >= 0 else None


REDUCTIONS = {"sum", "mean", "max", "min", "amax", "amin", "prod", "var", "std", "nansum",
               "nanmean", "ptp", "median", "average", "norm", "logsumexp"}


def _is_none(node):
    return node is None or (A.is_const(node) and node.value is None)


def result_kind(p, kinds, info):
    """Kind of a primitive statement's result."""
    arg_kinds = [atom_kind(a, kinds, info) for a in p.args]
    target = p.target
    if target.kind == "copy":
        return arg_kinds[0] if arg_kinds else UNKNOWN
    rule = target.rule
    if rule is None:
        return UNKNOWN
    key = rule.key
    if key == constructs.GETITEM:
        base = arg_kinds[0]
        if base == LIST and isinstance(p.args[0], A.Name) and len(arg_kinds) > 1 and arg_kinds[1] == NUM:
            return kinds.get(element_key(p.args[0].id), UNKNOWN)
        if base == SHAPE:
            index = arg_kinds[1] if len(arg_kinds) > 1 else UNKNOWN
            return NUM if index == NUM else UNKNOWN
        if not is_arith(base):
            return UNKNOWN
        r = _index_rank(base, p.args[1], kinds, info)
        if r == 0:
            return NUM
        return array(r) if r is not None else NUMERIC
    if key == constructs.TUPLE:
        return TUPLE
    if key == constructs.LIST:
        return LIST
    if key == constructs.DICT or (key is operator.or_ and DICT in arg_kinds[:2]):
        return DICT
    mod, name = key_names(key)
    if key in _SEQUENCE_OPS and _sequence_kind(arg_kinds):
        return _sequence_kind(arg_kinds)
    if is_matmul(mod, name):
        return _matmul(*arg_kinds[:2]) if len(arg_kinds) >= 2 else UNKNOWN
    if broadcasts(rule, mod):
        return _elementwise(arg_kinds)
    if mod == "builtins" and name in ("list", "tuple"):
        return LIST if name == "list" else TUPLE
    if mod == "math" or (mod == "builtins" and name in ("float", "len", "int", "round")):
        return NUM
    if mod == "builtins" and name == "abs":
        return _elementwise(arg_kinds)
    if name in REDUCTIONS and (mod.startswith("numpy") or isinstance(key, str)):
        axis = p.keywords.get("axis")
        if axis is None and len(p.args) > 1 and not isinstance(key, str):
            axis = p.args[1]
        if axis is None and len(p.args) > 1 and isinstance(key, str):
            axis = p.args[1]
        keep = p.keywords.get("keepdims")
        keepdims = not _is_none(keep) and not (A.is_const(keep) and not keep.value)
        base = arg_kinds[0] if arg_kinds else UNKNOWN
        if not is_arith(base):
            return NUMERIC
        if _is_none(axis) and not keepdims:
            return NUM
        r = ndim(base)
        if keepdims:
            return array(r)
        if r is not None and A.is_const(axis) and isinstance(axis.value, int):
            return NUM if r == 1 else array(r - 1)
        return NUMERIC
    if key == "attribute:T" or name in ("transpose",) and not isinstance(key, str):
        return arg_kinds[0] if arg_kinds and is_array(arg_kinds[0]) else NUMERIC
    if key in ("attribute:shape", np.shape) and arg_kinds and is_arith(arg_kinds[0]):
        return SHAPE
    if key in ("attribute:ndim", "attribute:size", np.ndim, np.size) and arg_kinds \
            and is_arith(arg_kinds[0]) and len(p.args) == 1:
        return NUM
    if name == "reshape" and arg_kinds and is_arith(arg_kinds[0]):
        return _reshaped(p, key)
    if name == "diag" and mod.startswith("numpy") and arg_kinds and ndim(arg_kinds[0]) in (1, 2) \
            and is_array(arg_kinds[0]) and len(p.args) == 1:
        return array(3 - ndim(arg_kinds[0]))       # a vector's diagonal matrix, a matrix's diagonal
    if isinstance(key, str) and key.startswith(("method:", "attribute:")):
        if name in ("T", "transpose", "copy", "astype") and arg_kinds and is_array(arg_kinds[0]):
            return arg_kinds[0]
        if name in ("ravel", "flatten"):
            return array(1)
        return NUMERIC if arg_kinds and is_arith(arg_kinds[0]) else UNKNOWN
    if name in ("zeros", "ones", "empty", "full") and mod.startswith("numpy") and p.args:
        shape = p.args[0]
        if A.is_const(shape) and isinstance(shape.value, int):
            return array(1)
        if isinstance(shape, A.Tuple):
            return array(len(shape.elts))
        if atom_kind(shape, kinds, info) == NUM:
            return array(1)
        return ARRAY
    if key is _seed_like and arg_kinds and is_arith(arg_kinds[0]):
        return arg_kinds[0]             # the cotangent 1 shaped like the output
    if name in ("zeros_like", "ones_like", "empty_like", "copy") and arg_kinds:
        return arg_kinds[0] if is_array(arg_kinds[0]) else NUMERIC
    if mod.startswith("numpy") or type(key).__name__ == "ufunc":
        return NUMERIC
    return UNKNOWN


_SEQUENCE_OPS = {"inplace:+", "inplace:*", operator.add, operator.mul}


def _sequence_kind(arg_kinds):
    """The kind of `a + b` or `a * n` that joins or repeats a list or tuple (with an
    array among the operands NumPy broadcasts instead), or None."""
    if any(is_array(k) or k == NUMERIC for k in arg_kinds):
        return None
    return LIST if LIST in arg_kinds else TUPLE if TUPLE in arg_kinds else None


def key_names(key):
    """(module, name) of a rule's key: a function's, or the name in "method:x"/"attribute:x"."""
    mod = getattr(key, "__module__", None) or ""
    name = getattr(key, "__name__", "") if not isinstance(key, str) else key.split(":")[-1]
    return mod, name


def is_matmul(mod, name):
    return name == "matmul" or (name == "dot" and mod.startswith("numpy"))


def broadcasts(rule, mod):
    """An elementwise rule, or an operator (whose arguments broadcast against each other)."""
    return rule.elementwise or mod in ("_operator", "operator")


def _reshaped(p, key):
    """Rank after x.reshape(a, b, ...), x.reshape((a, b)) or np.reshape(x, (a, b)): the
    number of sizes when they are spelled out, unknown when the shape is a variable."""
    sizes = p.args[1:] if isinstance(key, str) else p.args[1:2]
    if len(sizes) == 1 and isinstance(sizes[0], A.Tuple):
        sizes = sizes[0].elts
    elif len(sizes) == 1 and not (A.is_const(sizes[0]) and isinstance(sizes[0].value, int)):
        return NUMERIC              # one name: a number, or a whole shape of any length
    if not sizes or any(isinstance(n, (A.Tuple, A.List, A.Starred)) for n in sizes):
        return NUMERIC
    return array(len(sizes))


def element_key(name):
    """The kinds-table key of the items of list `name` (not a valid identifier, so no clash)."""
    return name + "[]"


def _item_lists(fn):
    """Local lists whose items only `append` adds: assigned list displays, read by index,
    `len`, or NumPy functions, and never passed anywhere else, aliased or changed otherwise."""
    params = set(A.param_names(fn))
    ok, bad = set(), set(params)
    _visit_items(fn, None, None, fn, ok, bad)
    return ok - bad


def _visit_items(node, parent, grand, fn, ok, bad):
    if isinstance(node, (A.FunctionDef, A.Lambda)) and node is not fn:
        bad.update(n.id for n in A.walk(node) if isinstance(n, A.Name))
        return
    if isinstance(node, A.Name):
        _classify(node, parent, grand, ok, bad)
    for child in A.iter_child_nodes(node):
        _visit_items(child, node, parent, fn, ok, bad)


def _classify(name, parent, grand, ok, bad):
    n = name.id
    if isinstance(name.ctx, A.Store):
        assign = parent if isinstance(parent, A.Assign) else None
        p = prim(assign) if assign is not None else None
        key = getattr(p.target.rule, "key", None) if p is not None and p.target.kind != "copy" else None
        if assign is not None and len(assign.targets) == 1 and assign.targets[0] is name \
                and key == constructs.LIST:
            ok.add(n)
        else:
            bad.add(n)
        return
    if isinstance(parent, A.Attribute) and parent.value is name:
        if parent.attr == "append" and isinstance(grand, A.Call) and grand.func is parent:
            return
        bad.add(n)
        return
    if isinstance(parent, A.Subscript) and parent.value is name and isinstance(parent.ctx, A.Load):
        return
    if isinstance(parent, A.Call) and name in parent.args:
        fn = A.anno(parent.func, "global")
        p = prim(grand) if isinstance(grand, (A.Assign, A.Expr)) else None
        if fn is None and p is not None and p.target.kind != "copy" and p.target.rule is not None:
            fn = p.target.rule.key
        module = getattr(fn, "__module__", None) or ""
        if fn is len or module.startswith("numpy") or type(fn).__name__ == "ufunc":
            return
    bad.add(n)


def infer(fn, param_kinds, info, pinned=None):
    """Kinds of fn's variables; `pinned` gives some outright (they are not inferred)."""
    pinned = pinned or {}
    kinds = {p: param_kinds.get(p, UNKNOWN) for p in A.param_names(fn)}
    kinds.update(pinned)
    stmts = flow.all_stmts(fn.body)
    lists = _item_lists(fn)
    for _ in range(50):
        changed = False
        for st in stmts:
            for name, kind in _stmt_kinds(st, kinds, info, lists):
                if name in pinned:
                    continue
                new = join(kinds.get(name, BOTTOM), kind)
                if new != kinds.get(name, BOTTOM):
                    kinds[name] = new
                    changed = True
        if not changed:
            break
    return {k: (UNKNOWN if v == BOTTOM else v) for k, v in kinds.items()}


def _stmt_kinds(st, kinds, info, lists=()):
    p = prim(st)
    if isinstance(st, A.For):
        return [(n, NUM) for n in flow.defs(st)]
    if p is not None and lists:
        key = getattr(p.target.rule, "key", None) if p.target.kind != "copy" else None
        if key == "method:append" and A.is_name(p.args[0]) and p.args[0].id in lists:
            return [(element_key(p.args[0].id), atom_kind(p.args[1], kinds, info))]
        if key == constructs.LIST and p.result in lists:
            items = [(element_key(p.result), atom_kind(a, kinds, info)) for a in p.args]
            return [(p.result, LIST)] + items
    if p is not None and p.result is not None:
        if isinstance(st, A.AugAssign):
            arg_kinds = [atom_kind(a, kinds, info) for a in p.args]
            if arg_kinds[0] in (LIST, TUPLE):           # `lst += items` extends, `*=` repeats
                return [(p.result, _sequence_kind(arg_kinds) or UNKNOWN)]
            return [(p.result, _elementwise(arg_kinds))]
        return [(p.result, result_kind(p, kinds, info))]
    return [(n, UNKNOWN) for n in flow.defs(st)]
