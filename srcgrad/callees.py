"""Calls into other user functions: binding their arguments, and the shapes they return.

`bind(p)` matches a call's atoms to the callee's parameters, as the reverse pass
needs them to request the callee's own forward/backward pair.  `CallShapes` is
the hook `analysis.shapes.infer` asks about such calls: it runs the same shape
analysis on the callee, with the argument shapes as its pattern, and records
that pattern on the call so the callee's pair is compiled for it.
"""

import inspect

from . import astlib as A
from .analysis import kinds as K, shapes
from .errors import SrcgradError


def bind(p):
    """(callee, {parameter: atom}, {parameter: default value}) of user-call primitive `p`;
    TypeError when the arguments do not fit the signature."""
    target = p.target
    if target.kind == "lifted":
        callee = target.obj
        bound = dict(zip(A.param_names(callee.info.tree), p.args))
        bound.update(p.keywords)
        return callee, bound, {}
    callee = target.obj
    sig = inspect.signature(callee)
    bound = dict(sig.bind(*p.args, **p.keywords).arguments)
    defaults = {k: v.default for k, v in sig.parameters.items() if v.default is not v.empty}
    return callee, bound, defaults


def kinds_of(bound, defaults, kind):
    """The callee's argument kinds: `kind(atom)` for those passed, the defaults' otherwise."""
    kinds = {name: kind(node) for name, node in bound.items()}
    for name, value in defaults.items():
        kinds.setdefault(name, K.of_value(value))
    return kinds


def pattern_key(pattern):
    """A shape pattern as a sorted tuple, leaving out what is unknown (a unit key part)."""
    return tuple(sorted((k, v) for k, v in pattern.items() if v is not None))


class CallShapes:
    """The `calls` hook of shapes.infer for one function being compiled.

    `front(callee, kinds)` gives (normal form, variable kinds, info) of a callee;
    `memo` is shared by every hook of one compilation: (callee, kinds, pattern) ->
    result shape, and a callee analysed at the moment counts as unknown (recursion).
    """

    def __init__(self, front, memo, kinds, info):
        self.front, self.memo, self.kinds, self.info = front, memo, kinds, info

    def _callee(self, p):
        try:
            callee, bound, defaults = bind(p)
        except TypeError:
            return None
        kinds = kinds_of(bound, defaults, lambda a: K.atom_kind(a, self.kinds, self.info))
        try:
            return callee, bound, kinds, self.front(callee, kinds)
        except SrcgradError:              # the reverse pass reports it if the call matters
            return None

    def result(self, st, p, shape_of):
        found = self._callee(p)
        A.set_anno(st, "callee_pattern", ())
        if found is None:
            return None
        callee, bound, kinds, (fn, local_kinds, info) = found
        pattern = {k: shape_of(v) if isinstance(v, (A.Name, A.Constant)) else None
                   for k, v in bound.items()}
        key = (id(callee), tuple(sorted(kinds.items())), pattern_key(pattern))
        A.set_anno(st, "callee_pattern", key[2])
        if key not in self.memo:
            self.memo[key] = None             # while it is analysed: a recursive call is unknown
            hook = CallShapes(self.front, self.memo, local_kinds, info)
            found = shapes.infer(fn, dict(key[2]), local_kinds, info, hook)
            ret = fn.body[-1].value
            self.memo[key] = found.get(ret.id) if isinstance(ret, A.Name) else None
        return self.memo[key]

    def changes_lists(self, p):
        found = self._callee(p)
        if found is None:
            return True
        callee, _, kinds, (fn, local_kinds, info) = found
        key = ("changes lists", id(callee), tuple(sorted(kinds.items())))
        if key not in self.memo:
            self.memo[key] = True                 # a recursive call: assume it does
            hook = CallShapes(self.front, self.memo, local_kinds, info)
            self.memo[key] = shapes.may_change_lists(fn, local_kinds, hook)
        return self.memo[key]
