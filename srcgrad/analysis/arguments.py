"""Which arguments a called user function may change in place.

A caller's reverse sweep sees the in-place updates in its own body (aliases.py)
but not those a called function makes to the objects it is given: `grow(items)`
doing `items.append(v)`, `scale(a)` doing `a *= 2`.  `changed_arguments` reads
the called function's source (and the functions it calls, a few levels deep)
and names the caller's variables it may change.  The reading is syntactic and
errs on the side of "may change": a parameter rebound to a copy first still
counts.
"""

import weakref

from .. import astlib as A
from .kinds import LIST, NUM, is_array

_params_cache = weakref.WeakKeyDictionary()     # function -> (its code, changed, augmented, tree)


def changed_arguments(obj, args, keywords, kinds):
    """Names passed to the user function `obj` (positional `args`, `keywords` by parameter
    name) that it may change in place.

    `a += b` on a parameter changes the caller's object only when that is an array or a
    list (on a number it rebinds), so it counts for arguments of those kinds."""
    changed, augmented, tree = _changed_params(obj, 3)
    if not (changed or augmented):
        return []

    def counts(name, kind):
        return name in changed and kind != NUM or name in augmented and (is_array(kind) or kind == LIST)

    params = A.param_names(tree)
    passed = [(params[i], a) for i, a in enumerate(args) if i < len(params)] + list(keywords.items())
    out = [a.id for param, a in passed if isinstance(a, A.Name) and counts(param, kinds.get(a.id))]
    if isinstance(obj, _Nested):                 # the caller's own variables it closes over
        from ..closures import assigned_names
        free = (changed | augmented) - set(assigned_names(tree))
        out += [n for n in sorted(free) if counts(n, kinds.get(n))]
    return out


class _Nested:
    """A function defined inside the one being compiled, as its source has it."""

    def __init__(self, tree, info):
        self.tree, self.__globals__ = tree, info.globals


def nested_functions(info):
    """The functions defined inside `info`'s function, by name."""
    return {st.name: _Nested(st, info) for st in A.walk(info.tree)
            if isinstance(st, A.FunctionDef) and st is not info.tree}


def called_function(node, info, nested):
    """The user function (global, or one of `nested`) a Call node of code kept as written
    calls, when its name says so."""
    from ..parse import is_user_function
    if not isinstance(node, A.Call) or not isinstance(node.func, A.Name):
        return None
    if node.func.id in nested:
        return nested[node.func.id]
    obj = info.globals.get(node.func.id)
    return obj if is_user_function(obj) else None


def _tree_of(obj):
    if isinstance(obj, _Nested):
        return obj.tree
    info = getattr(obj, "info", None)           # a lifted nested function
    if info is not None:
        return info.tree
    try:
        from ..source import read_source
        return read_source(obj).tree
    except Exception:                            # no source: nothing to read
        return None


def _changed_params(obj, depth):
    """(names `obj` may change in place, names it applies `op=` to, its tree): its
    parameters among those names, and for a nested function the variables it closes over."""
    code = getattr(obj, "__code__", None)
    try:
        cached = _params_cache.get(obj)
    except TypeError:                            # not weakly referenceable: read it every time
        cached = None
    if cached is not None and cached[0] is code:
        return cached[1:]
    result = _read_params(obj, depth)
    try:
        _params_cache[obj] = (code,) + result
    except TypeError:
        pass
    return result


def _read_params(obj, depth):
    tree = _tree_of(obj)
    if tree is None:
        return set(), set(), None
    changed, augmented = set(), set()
    for node in A.walk(tree):
        if isinstance(node, (A.Assign, A.AugAssign)):
            targets = node.targets if isinstance(node, A.Assign) else [node.target]
            for t in targets:
                if isinstance(node, A.AugAssign) and isinstance(t, A.Name):
                    augmented.add(t.id)
                for sub in A.walk(t):
                    if isinstance(sub, (A.Subscript, A.Attribute)) and isinstance(sub.ctx, A.Store):
                        changed.add(root(sub))
        elif isinstance(node, A.Call):
            func = node.func
            if isinstance(func, A.Attribute) and func.attr in A.MUTATING_METHODS:
                changed.add(root(func.value))
            for kw in node.keywords:
                if kw.arg == "out":
                    changed.update(n.id for n in A.walk(kw.value) if isinstance(n, A.Name))
            if depth > 0 and isinstance(func, A.Name):
                _through_call(obj, node, depth, changed, augmented)
    return changed, augmented, tree


def _through_call(obj, call, depth, changed, augmented):
    """What a call inside `obj` to another function does to the names it passes on."""
    callee = getattr(obj, "__globals__", {}).get(call.func.id)
    if not callable(callee) or callee is obj or not hasattr(callee, "__code__"):
        return
    if isinstance(obj, _Nested) and any(isinstance(st, A.FunctionDef) and st.name == call.func.id
                                        for st in A.walk(obj.tree)):
        return
    inner, inner_aug, tree = _changed_params(callee, depth - 1)
    if not (inner or inner_aug):
        return
    params = A.param_names(tree)
    for i, a in enumerate(call.args):
        if isinstance(a, A.Name) and i < len(params):
            if params[i] in inner:
                changed.add(a.id)
            elif params[i] in inner_aug:
                augmented.add(a.id)


def root(node):
    while isinstance(node, (A.Subscript, A.Attribute)):
        node = node.value
    return node.id if isinstance(node, A.Name) else None
