"""Which variables may share memory, and which are updated in place.

Reverse mode reads values as they were when the forward sweep used them; an
in-place update (`x[i] = v`, `x += y` on an array, `lst.append(v)`) can change
a value the reverse sweep still needs, directly or through another name that
shares its memory.  After `analyze(...)`:

* `array_mutated` / `container_mutated` hold the names that may see an
  in-place change, with the program points of those changes, so the reverse
  pass can snapshot a value read before a later change;
* `appended` holds lists grown by `append` (their adjoints mirror their length);
* an in-place change that another *live* name would observe, where gradient
  matters, raises InPlaceError naming both: srcgrad cannot follow gradients
  through such a change and says so instead of returning a wrong answer.
"""

from dataclasses import dataclass, field

from .. import astlib as A
from ..errors import InPlaceError
from ..normalize import prim
from ..rules import constructs
from . import arguments, flow
from .kinds import DICT, LIST, NUM


class _UnionFind:
    def __init__(self):
        self.parent = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        self.parent[self.find(a)] = self.find(b)

    def members(self, x):
        root = self.find(x)
        return {y for y in list(self.parent) if self.find(y) == root}


@dataclass
class AliasInfo:
    mutations: list = field(default_factory=list)   # (position, names that may change)
    appended: set = field(default_factory=set)

    def changed_after(self, name, position, strictly=True):
        """May `name`'s value change in place after the statement at `position`?"""
        for pos, names in self.mutations:
            if name in names and (flow.may_follow(position, pos) or (not strictly and pos == position)):
                return True
        return False

    @property
    def mutated_names(self):
        out = set()
        for _, names in self.mutations:
            out |= names
        return out


def analyze(fn, kinds, varied, useful, info):
    full, copies = _UnionFind(), _UnionFind()
    events = []       # (stmt, position, name, kind)
    nested = None     # functions defined inside fn, looked up once a kept call needs them
    result = AliasInfo()
    for st, path, loops in flow.walk_stmts(fn.body):
        p = prim(st)
        pos = (path, loops)
        if p is None:
            if A.anno(st, "mutates"):
                events.append((st, pos, A.anno(st, "mutates"), "array"))
            elif A.anno(st, "opaque"):          # a call kept as written, for its effects
                if nested is None:
                    nested = arguments.nested_functions(info)
                for call in A.walk(st):
                    obj = arguments.called_function(call, info, nested)
                    if obj is not None:
                        keywords = {k.arg: k.value for k in call.keywords}
                        for arg in arguments.changed_arguments(obj, call.args, keywords, kinds):
                            events.append((st, pos, arg, ("argument", call.func.id)))
            continue
        names = [a.id for a in p.args if isinstance(a, A.Name)]
        t = p.target
        key = t.rule.key if t.kind == "rule" and t.rule is not None else None
        if t.kind in ("user", "lifted"):
            for arg in arguments.changed_arguments(t.obj, p.args, p.keywords, kinds):
                events.append((st, pos, arg, ("argument", t.label)))
        if t.kind == "copy" and p.result and names:
            full.union(p.result, names[0])
            copies.union(p.result, names[0])
        elif key == constructs.SETITEM:
            x = names[0] if isinstance(p.args[0], A.Name) else None
            if x:
                kind = "container" if kinds.get(x) in (LIST, DICT) else "array"
                events.append((st, pos, x, kind))
        elif key == "method:append":
            if isinstance(p.args[0], A.Name):
                events.append((st, pos, p.args[0].id, "container"))
                result.appended.add(p.args[0].id)
                for n in names[1:]:
                    full.union(p.args[0].id, n)
        elif isinstance(key, str) and key.startswith("inplace:"):
            if kinds.get(names[0]) != NUM:
                events.append((st, pos, names[0], "array"))
        elif p.result and (t.kind in ("user", "lifted", "unknown")
                           or (t.rule is not None and t.rule.aliases)
                           or key in (constructs.TUPLE, constructs.LIST, constructs.DICT)):
            for n in names:
                if kinds.get(n) != NUM:
                    full.union(p.result, n)
    if not events:
        return result
    live = flow.live_after(fn.body, set())
    for st, pos, x, kind in events:
        if isinstance(kind, tuple):             # ("argument", the called function)
            _check_argument_change(st, x, kind[1], copies.members(x), live.get(id(st), set()),
                                   useful, varied, info)
            result.mutations.append((pos, copies.members(x) | {x}))
            continue
        group = full.members(x) if kind == "array" else copies.members(x)
        group = {n for n in group if kinds.get(n) != NUM}
        result.mutations.append((pos, group | {x}))
        after = live.get(id(st), set())
        for y in sorted(group - {x}):
            if y in after and y in useful and (x in varied or y in varied):
                origin = A.anno(st, "origin") or st
                raise InPlaceError(
                    f"this in-place update of `{x}` also changes `{y}`, which shares its memory "
                    f"and is used afterwards; srcgrad cannot follow gradients through that change",
                    info.filename, getattr(origin, "lineno", None), getattr(origin, "col_offset", None),
                    hint=f"hint: make `{y}` a copy where it is created (e.g. `{y} = ....copy()`), "
                         "or build a new array instead of updating in place")
    return result


def _check_argument_change(st, x, label, copies, after, useful, varied, info):
    """`label` changes argument `x` in place: the caller's reverse sweep cannot see that
    change, so it is an error when `x` (or a copy of its name) is read afterwards."""
    seen_after = sorted(n for n in copies | {x} if n in after and n in useful)
    involved = {n.id for n in A.walk(st) if isinstance(n, A.Name)}
    if seen_after and involved & varied:
        origin = A.anno(st, "origin") or st
        raise InPlaceError(
            f"`{label}` changes `{x}` in place, and `{seen_after[0]}` is used afterwards; srcgrad "
            "cannot follow gradients through in-place changes made inside a called function",
            info.filename, getattr(origin, "lineno", None),
            getattr(origin, "col_offset", None),
            hint=f"hint: return the new value from `{label}` and assign it here")
