"""Which variables may share memory, and which are updated in place.

Reverse mode reads values as they were when the forward sweep used them; an
in-place update (`x[i] = v`, `x += y` on an array, `lst.append(v)`) can change
a value the reverse sweep still needs, directly or through another name that
shares its memory.  After `analyze(...)`:

* `array_mutated` / `container_mutated` hold the names that may see an
  in-place change, with the program points of those changes, so the reverse
  pass can snapshot a value read before a later change;
* `appended` holds lists grown by `append`, `extend` or `insert` (their adjoints mirror
  their length);
* an in-place change that another *live* name would observe, where gradient
  matters, raises InPlaceError naming both: srcgrad cannot follow gradients
  through such a change and says so instead of returning a wrong answer.
"""

from dataclasses import dataclass, field

from .. import astlib as A
from .. import parse
from ..errors import InPlaceError
from ..normalize import is_slice, prim
from ..rules import constructs
from . import arguments, flow
from .kinds import DICT, LIST, NUM, TUPLE


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


def _refused(st, info, message, hint):
    """The InPlaceError for statement `st`, located at the user's line it came from."""
    origin = A.anno(st, "origin") or st
    return InPlaceError(message, info.filename, getattr(origin, "lineno", None),
                        getattr(origin, "col_offset", None), hint=hint)


def made_lists(stmts, params):
    """Variables that only ever hold lists this function makes: every definition a list
    display (`[]`, `[a, b]`), directly or through copies of such variables."""
    defs = {}
    for st in stmts:
        for name in flow.defs(st):
            defs.setdefault(name, []).append(st)
    made = set(defs) - set(params)
    changed = True
    while changed:
        changed = False
        for name in sorted(made):
            if not all(_makes_list(st, name, made) for st in defs[name]):
                made.discard(name)
                changed = True
    return made


def _makes_list(st, name, made):
    p = prim(st)
    if p is None or p.result != name or not isinstance(st, A.Assign):
        return False
    if p.target.kind == "copy":
        return A.is_name(p.args[0]) and p.args[0].id in made
    return getattr(p.target.rule, "key", None) == constructs.LIST


def _carried(nodes, varied):
    """The names carrying gradient that the expressions `nodes` read, sorted."""
    return sorted({n for node in nodes for n in A.names_in(node, load_only=True) if n in varied})


def _call_args(call):
    return list(call.args) + [k.value for k in call.keywords]


def _check_foreign_appends(stmts, events, full, varied, useful, info):
    """An append carrying gradient to a list that may be an item of another container or
    what a call returned (`inner = box[0]`, `inner.append(v)`): the container, read
    later, would not show the item to the reverse sweep, so it is refused."""
    taken = None
    for st, _, x, kind in events:
        p = prim(st)
        if kind != "container" or p is None \
                or getattr(p.target.rule, "key", None) not in constructs.LIST_CHANGES:
            continue
        item = p.args[-1]
        if not (isinstance(item, A.Name) and item.id in varied):
            continue
        if taken is None:
            taken = _taken_lists(stmts)
        if x in taken and any(n in useful for n in full.members(x) - {x, item.id}):
            method = p.target.rule.key.partition(":")[2]
            raise _refused(
                st, info, f"`{x}.{method}(...)` adds `{item.id}`, which carries gradient, to a list "
                "that came out of another container or a call; srcgrad cannot follow gradients "
                "through that change",
                f"hint: append to a list made in this function (`{x} = []`) and put it "
                "into the container afterwards")


def _taken_lists(stmts):
    """Variables that may hold an object another one holds too: an item taken out of a
    container by index (`box[0]`, not a slice, which copies) or what a call of a user
    function returned, directly or through copies."""
    taken, copies = set(), []
    for st in stmts:
        p = prim(st)
        if p is None or p.result is None:
            continue
        t = p.target
        if t.kind == "copy":
            if A.is_name(p.args[0]):
                copies.append((p.result, p.args[0].id))
        elif t.kind in ("user", "lifted", "unknown"):
            taken.add(p.result)
        elif getattr(t.rule, "key", None) == constructs.GETITEM and not is_slice(p.args[1]):
            taken.add(p.result)
    changed = True
    while changed:
        changed = False
        for dst, src in copies:
            if src in taken and dst not in taken:
                taken.add(dst)
                changed = True
    return taken


def _check_container_change(st, varied, useful, info):
    """`rows[i].append(v)` and the like, kept as written: a value carrying gradient put
    into something the result reads is a change the reverse sweep cannot follow."""
    call = st.value if isinstance(st, A.Expr) else None
    if not (isinstance(call, A.Call) and isinstance(call.func, A.Attribute)
            and call.func.attr in A.MUTATING_METHODS):
        return
    target = arguments.root(call.func.value)
    if target not in useful:
        return
    carried = _carried(_call_args(call), varied)
    if carried:
        raise _refused(
            st, info, f"`.{call.func.attr}(...)` puts `{carried[0]}`, which carries gradient, into "
            f"`{target}` in place; srcgrad cannot follow gradients through that change",
            "hint: append to a list variable of its own (`row = []`, `row.append(v)`) "
            "and build the container from those lists afterwards")


def _out_array(func, args, keywords):
    """The variable a NumPy call writes its result into: `out=o`, or a ufunc's positional
    output after its `nin` inputs."""
    out = keywords.get("out")
    nin = getattr(func, "nin", None)
    if out is None and isinstance(nin, int) and len(args) > nin:
        out = args[nin]
    if isinstance(out, A.Tuple) and len(out.elts) == 1:
        out = out.elts[0]
    return out.id if isinstance(out, A.Name) else None


def _check_out_argument(st, func, args, keywords, label, varied, useful, info):
    """`np.multiply(x, v, out=o)`: a result written into `o` in place, which the reverse
    sweep cannot follow when gradient flows through it."""
    o = _out_array(func, args, keywords)
    if o is None or o not in useful:
        return
    if _carried(list(args) + list(keywords.values()), varied):
        raise _refused(
            st, info, f"`{label}(..., out={o})` writes a result that carries gradient into `{o}` "
            "in place; srcgrad cannot follow gradients through that",
            f"hint: assign the result instead: `{o} = {label}(...)` without `out`")


def _check_kept_call(st, varied, useful, info):
    """A NumPy call kept as written for its effect (`np.add(x, v, out=o)`)."""
    call = st.value if isinstance(st, A.Expr) else None
    if not isinstance(call, A.Call):
        return
    found, func = parse.resolve_static(info, call.func, set(), [])
    if not found and isinstance(call.func, A.Attribute):       # np.add.at: a ufunc's method
        found, owner = parse.resolve_static(info, call.func.value, set(), [])
        func = getattr(owner, call.func.attr, None) if found else None
    if func is None:
        return
    label = A.dotted_path(call.func) or "the call"
    keywords = {k.arg: k.value for k in call.keywords}
    _check_out_argument(st, func, call.args, keywords, label, varied, useful, info)
    owner = getattr(func, "__self__", None)       # np.add.at is a method of the ufunc np.add
    module = getattr(func, "__module__", None) or getattr(owner, "__module__", None) or ""
    if not (module.startswith("numpy") or type(owner).__name__ == "ufunc") \
            or module.startswith("numpy.testing"):
        return
    args = _call_args(call)
    changed = [a.id for a in args if isinstance(a, A.Name) and a.id in useful]
    if changed and _carried(args, varied):
        raise _refused(
            st, info, f"`{label}(...)` is called for its effect, which may change `{changed[0]}` "
            "in place, and gradient flows through it; srcgrad has no derivative for that change",
            "hint: compute a new array instead (e.g. `y = y + np.bincount(...)` for np.add.at)")


def _check_attribute_store(st, varied, useful, info):
    """`obj.w = v` with `v` carrying gradient, and `obj` read for the result: the reverse
    sweep cannot follow a value through an object's attributes."""
    target = st.targets[0] if isinstance(st, A.Assign) else st.target
    owner = arguments.root(target)
    if owner not in useful:
        return
    if owner in varied:
        what = f"changing the attribute `{target.attr}` of `{owner}`, which carries gradient"
    elif _carried([st.value], varied):
        what = (f"storing a value that carries gradient in the attribute `{target.attr}` of "
                f"`{owner}`, which the result reads")
    else:
        return
    raise _refused(st, info, f"{what}: srcgrad cannot follow gradients through attributes of "
                   "objects", "hint: keep the value in a local variable, or build a new array "
                   "(`y = y.reshape(...)`)")


def _stored_at(base, index, stmts):
    """The variables whose arrays may be at `base[index]`: for a list made by one display
    and a constant index, the display's item there and what `base[index] = v` put there;
    None when that cannot be told."""
    if not (A.is_const(index) and type(index.value) is int):
        return None
    k, made, stored = index.value, None, set()
    for st in stmts:
        q = prim(st)
        key = getattr(q.target.rule, "key", None) if q is not None else None
        if q is not None and q.result == base:
            if made is not None or key != constructs.LIST:
                return None
            made = q.args
        if q is None or not q.args or not A.is_name(q.args[0], base):
            continue
        if key == constructs.SETITEM:
            if not (A.is_const(q.args[1]) and type(q.args[1].value) is int):
                return None
            if q.args[1].value == k and A.is_name(q.args[2]):
                stored.add(q.args[2].id)
        elif key in ("method:insert", "method:extend") or (isinstance(key, str) and key.startswith("inplace:")):
            return None
    if made is None or not -len(made) <= k < len(made):
        return None
    return stored | ({made[k].id} if A.is_name(made[k]) else set())


def _check_item_update(st, p, full, copies, live, kinds, varied, useful, info, stmts):
    """`lst[0] += v` changes the array stored at lst[0] in place (Python calls its `+=`):
    a variable that may hold that same array and is read afterwards would see the change,
    which the reverse sweep cannot follow."""
    base, item = p.args[0].id, p.result
    if kinds.get(item) == NUM:
        return
    others = _stored_at(base, p.args[1], stmts)
    if others is None:
        others = full.members(base) - copies.members(base)
    others -= {item}
    after = live.get(id(st), set())
    for y in sorted(others):
        if y in after and y in useful and kinds.get(y) not in (NUM, LIST, DICT, TUPLE) \
                and (y in varied or item in varied):
            raise _refused(
                st, info, f"this in-place update of an item of `{base}` also changes `{y}`, "
                "which may be the same array and is used afterwards; srcgrad cannot follow "
                "gradients through that change",
                f"hint: write `{base}[...] = {base}[...] + ...`, which stores a new array")


def _check_kept_method(st, varied, useful, info):
    """`y.sort()`, `lst.reverse()`, `d.update(e)`, kept as written: a method with no
    derivative that changes a value the result reads, where gradient flows through it."""
    x, call = A.anno(st, "mutates"), st.value
    carried = _carried(_call_args(call), varied)
    if x in useful and (x in varied or carried):
        what = f"`{x}`, which carries gradient," if x in varied else \
            f"`{carried[0]}`, which carries gradient, into `{x}`"
        raise _refused(
            st, info, f"`{x}.{call.func.attr}(...)` changes {what} in place, and srcgrad has "
            f"no derivative for `.{call.func.attr}`",
            f"hint: build a new value instead (e.g. `{x} = np.sort({x})`, or a new list)")


def analyze(fn, kinds, varied, useful, info):
    full, copies = _UnionFind(), _UnionFind()
    events = []       # (stmt, position, name, kind)
    items = []        # (stmt, prim) of `lst[i] += v`: the item read before the update
    nested = None     # functions defined inside fn, looked up once a kept call needs them
    result = AliasInfo()
    for st, path, loops in flow.walk_stmts(fn.body):
        p = prim(st)
        pos = (path, loops)
        if p is None:
            if A.anno(st, "mutates"):
                _check_kept_method(st, varied, useful, info)
                events.append((st, pos, A.anno(st, "mutates"), "array"))
            elif A.anno(st, "opaque"):          # a call kept as written, for its effects
                _check_container_change(st, varied, useful, info)
                if A.anno(st, "opaque") == "attribute":
                    _check_attribute_store(st, varied, useful, info)
                else:
                    _check_kept_call(st, varied, useful, info)
                if nested is None:
                    nested = arguments.nested_functions(info)
                for call in A.walk(st):
                    obj = arguments.called_function(call, info, nested)
                    if obj is not None:
                        keywords = {k.arg: k.value for k in call.keywords}
                        for arg in arguments.changed_arguments(obj, call.args, keywords, kinds):
                            events.append((st, pos, arg, ("argument", call.func.id)))
            continue
        if A.anno(st, "augmented") and kinds.get(getattr(p.args[0], "id", None)) in (LIST, DICT):
            items.append((st, p))
        names = [a.id for a in p.args if isinstance(a, A.Name)]
        t = p.target
        if t.kind == "rule":
            _check_out_argument(st, getattr(t.rule, "key", None), p.args, p.keywords, t.label,
                                varied, useful, info)
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
        elif key in constructs.LIST_CHANGES:
            if isinstance(p.args[0], A.Name):
                events.append((st, pos, p.args[0].id, "container"))
                result.appended.add(p.args[0].id)
                for n in names[1:]:
                    full.union(p.args[0].id, n)
        elif isinstance(key, str) and key.startswith("inplace:"):
            kind = kinds.get(names[0])
            if kind != NUM:         # a tuple is rebound, but the reverse sweep needs its length
                kind = {LIST: "container", TUPLE: "rebound"}.get(kind, "array")
                events.append((st, pos, names[0], kind))
        elif p.result and (t.kind in ("user", "lifted", "unknown")
                           or (t.rule is not None and t.rule.aliases)
                           or key in (constructs.TUPLE, constructs.LIST, constructs.DICT)):
            if key == constructs.GETITEM:       # a view of the base, never of the index
                names = names[:1] if isinstance(p.args[0], A.Name) else []
            for n in names:
                if kinds.get(n) != NUM:
                    full.union(p.result, n)
    if not events and not items:
        return result
    stmts = flow.all_stmts(fn.body)
    _check_foreign_appends(stmts, events, full, varied, useful, info)
    live = flow.live_after(fn.body, set())
    for st, p in items:
        _check_item_update(st, p, full, copies, live, kinds, varied, useful, info, stmts)
    for st, pos, x, kind in events:
        if isinstance(kind, tuple):             # ("argument", the called function)
            _check_argument_change(st, x, kind[1], copies.members(x), live.get(id(st), set()),
                                   useful, varied, info)
            result.mutations.append((pos, copies.members(x) | {x}))
            continue
        if kind == "rebound":           # `t += (v,)` makes a new tuple: no other name sees it
            group = set()
        else:
            group = (full if kind == "array" else copies).members(x)
        group = {n for n in group if kinds.get(n) != NUM}
        result.mutations.append((pos, group | {x}))
        after = live.get(id(st), set())
        for y in sorted(group - {x}):
            if y in after and y in useful and (x in varied or y in varied):
                raise _refused(
                    st, info, f"this in-place update of `{x}` also changes `{y}`, which shares its "
                    "memory and is used afterwards; srcgrad cannot follow gradients through that "
                    "change",
                    f"hint: make `{y}` a copy where it is created (e.g. `{y} = ....copy()`), "
                    "or build a new array instead of updating in place")
    return result


def _check_argument_change(st, x, label, copies, after, useful, varied, info):
    """`label` changes argument `x` in place: the caller's reverse sweep cannot see that
    change, so it is an error when `x` (or a copy of its name) is read afterwards."""
    seen_after = sorted(n for n in copies | {x} if n in after and n in useful)
    involved = {n.id for n in A.walk(st) if isinstance(n, A.Name)}
    if seen_after and involved & varied:
        raise _refused(
            st, info, f"`{label}` changes `{x}` in place, and `{seen_after[0]}` is used "
            "afterwards; srcgrad cannot follow gradients through in-place changes made inside "
            "a called function",
            f"hint: return the new value from `{label}` and assign it here")
