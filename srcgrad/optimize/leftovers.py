"""Drop what the forward function computes only for statements the clean-up removed.

After the backward pass is simplified, the forward function can still assign
control-flow flags (`_returned`, `_break`, loop counters), snapshot copies,
temporaries holding the test of a branch that no longer exists, and the tapes
of calls whose backward the clean-up removed (those become calls of the
function itself).  `drop(forward, info, kinds)` removes those assignments when
nothing reads them.  A dead
temporary whose value calls something that may have effects (a user function,
an unknown method) keeps the calls as statements, so the function still does
everything the original did.
"""

import builtins
import re

from .. import astlib as A
from .. import parse
from ..analysis import flow, kinds as K
from ..naming import user_names
from ..rules import registry
from . import deadcode

_PURE_BUILTINS = (builtins.len, builtins.min, builtins.max, builtins.abs, builtins.float,
                  builtins.int, builtins.sum)
_TEMP = re.compile(r"^(_t|tape_)\d+$")
_FLAG = re.compile(r"^(_returned|_break|_continue|_count|_cond|.+_old)(_\d+)?$")


def drop(forward, info, kinds):
    """Remove dead flag, snapshot and temporary assignments from `forward`."""
    ours = user_names(info)
    flags = {n.id for n in A.walk(forward) if isinstance(n, A.Name) and isinstance(n.ctx, A.Store)
             and _FLAG.match(n.id)} - ours
    temps = {name for st in flow.all_stmts(forward.body) for name in flow.defs(st)
             if _TEMP.match(name)} - ours
    if not flags and not temps:
        return
    impure = {name for st in flow.all_stmts(forward.body) if not pure_assignment(st, info, kinds)
              for name in flow.defs(st)}
    pure = temps - impure
    returned = [n.id for n in A.walk(forward.body[-1]) if isinstance(n, A.Name)]
    deadcode.eliminate(forward, returned, only=flags | pure)
    while _keep_effects(forward, returned, temps - pure, info, kinds):
        deadcode.eliminate(forward, returned, only=flags | pure)


def _keep_effects(forward, returned, names, info, kinds):
    """Dead temporaries with calls that may have effects become those calls; True if any."""
    live = flow.live_after(forward.body, set(returned))
    changed = []
    forward.body = _effects_kept(forward.body, live, names, info, kinds, changed)
    return bool(changed)


def _effects_kept(stmts, live, names, info, kinds, changed):
    out = []
    for st in stmts:
        for block in flow.children(st):
            block[:] = _effects_kept(block, live, names, info, kinds, changed)
        targets = flow.defs(st) if isinstance(st, A.Assign) and len(st.targets) == 1 \
            and isinstance(st.targets[0], A.Name) else ()
        if targets and set(targets) <= names and not live.any_live(id(st), targets):
            for call in _effect_calls(st.value, info, kinds):
                out.append(A.expr_stmt(call))
                A.set_anno(out[-1], "origin", A.anno(st, "origin"))
            changed.append(st)
            continue
        plain = A.anno(st, "plain")
        if plain is not None and not live.any_live(id(st), [st.targets[0].elts[1].id]):
            # the callee's tape is never read: call the function itself (with the
            # arguments as they are now, after the clean-up)
            call = A.Call(func=A.copy_node(plain), args=st.value.args, keywords=st.value.keywords)
            st = A.assign(st.targets[0].elts[0], call)
            changed.append(st)
        out.append(st)
    return out


def _effect_calls(node, info, kinds):
    """The outermost calls in `node` that may have effects, in evaluation order."""
    if isinstance(node, A.Call) and not _pure_call(node, info, kinds):
        return [node]
    out = []
    for child in A.iter_child_nodes(node):
        out += _effect_calls(child, info, kinds)
    return out


def pure_assignment(st, info, kinds):
    """A comparison, a copy, a subscript read, or calls of NumPy/math functions, pure builtins
    and ndarray methods that do not update in place: nothing but its value."""
    if not isinstance(st, A.Assign):
        return False
    for node in A.walk(st.value):
        if isinstance(node, A.Call):
            if not _pure_call(node, info, kinds):
                return False
        elif isinstance(node, (A.Lambda, A.Yield, A.Await, A.NamedExpr)):
            return False
    return True


def _pure_call(node, info, kinds):
    func = node.func
    if isinstance(func, A.Attribute) and isinstance(func.value, A.Name) \
            and K.is_array(kinds.get(func.value.id)):
        rule = registry.RULES.get(registry.method(func.attr))
        return rule is not None and not rule.inplace
    found, obj = parse.resolve_static(info, func, set(), [])
    obj = A.anno(func, "global") if not found else obj
    return obj is not None and _pure_callable(obj)


def _pure_callable(obj):
    if any(obj is b for b in _PURE_BUILTINS):
        return True
    rule = registry.lookup(obj)
    return rule is not None and not rule.inplace and \
        registry.display_name(rule.key).startswith(("numpy.", "math."))
