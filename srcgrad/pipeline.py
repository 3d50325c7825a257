"""The compiler driver: a function and a `wrt` choice -> linked forward/backward pair.

    source -> fence -> lift closures -> normalize -> control flow -> kinds -> activity
           -> aliases -> reverse -> optimize -> codegen -> load

`compile_split` runs the stages for the requested function and for every user
function it calls with gradient (each a *unit*: one function, one set of
differentiated parameters, one set of argument kinds), then links the units
together.  The result keeps each stage's output for inspection.
"""

import builtins
import contextlib
import gc
import itertools
import os
import types
from dataclasses import dataclass, field

from . import __version__
from . import astlib as A
from . import callees, closures, codegen, controlflow, fence, inplace, loader, normalize, runtime, source
from .analysis import activity, aliases, flow, kinds as K, shapes
from .forward import ForwardPass
from .errors import ArgumentError
from .naming import Namer, user_names
from .optimize import (accumulate, adjoints, batch, copyprop, deadcode, einsum, leftovers, negation,
                       outer, parts, renest, simplify, tape)
from .reverse import Reverser, global_ref
from .rules import registry

_RESERVED = None


def _reserved_names():
    """Names generated code may bind to helpers: temporaries must never take them."""
    global _RESERVED
    if _RESERVED is None:
        names = set(dir(runtime)) | set(dir(builtins)) | {"np", "math"}
        for rule in registry.RULES.values():
            for tpl in [rule.reverse, rule.forward] + [v for _, v in rule.variants]:
                if tpl is not None:
                    names |= set(tpl.globals)
        _RESERVED = names
    return _RESERVED


@dataclass
class Unit:
    key: tuple
    info: object
    wrt: tuple
    kinds: dict
    forward_name: str
    backward_name: str
    lifted_from: object = None
    func: object = None
    mode: str = "reverse"
    names: dict = field(default_factory=dict)
    forward: object = None      # the function trees, until link() prints them
    backward: object = None
    jvp: object = None
    text: str = ""
    code: object = None         # the compiled text (loader.factory_code), kept for the disk cache
    cells: dict = field(default_factory=dict)      # cell name -> binding description
    local_kinds: dict = field(default_factory=dict)   # kinds of the normal form's variables
    pattern: tuple = ()         # a callee's argument shapes at its calls ((name, shape), ...)
    hot: bool = False           # called in a loop, or from code that is
    shapes: dict = None         # size classes of the variables, for a call's shape pattern
    shaped: bool = False        # its code holds only for that pattern
    guards: list = field(default_factory=list)
    defaults: tuple = (None, None)

    def functions(self):
        """(role, name) of the functions this unit defines."""
        if self.mode == "forward":
            return [("jvp", self.forward_name)]
        return [("forward", self.forward_name), ("backward", self.backward_name)]

    def trees(self):
        return [self.jvp] if self.mode == "forward" else [self.forward, self.backward]


@dataclass
class Compiled:
    """A linked gradient: the top unit's forward and backward, and every unit's source."""
    forward: object
    backward: object
    units: list
    source: str
    guards: list
    filename: str
    starts: dict = field(default_factory=dict)    # unit key -> first line in `source`

    jvp: object = None
    shaped: bool = False        # valid only for the shape pattern it was compiled for

    def guards_hold(self):
        for info, name, obj in self.guards:
            found, now = info.lookup(name)
            if not found or now is not obj:
                return False
        return True


def identity(fn):
    if isinstance(fn, closures.Lifted):
        return ("lifted", id(fn.info.tree), fn.name)
    return ("fn", id(fn))


def unit_ref(unit_key, which, name):
    node = A.name(name)
    A.set_anno(node, "unit_ref", (unit_key, which))
    return node


class Compilation:
    def __init__(self, options=None):
        self.options = dict(options or {})
        self.units = {}
        self.queue = []
        self.display = Namer()
        self.infos = {}
        self.top = None
        self.fronts = {}            # (callee, argument kinds) -> its normal form, for shapes
        self.shape_memo = {}        # callees.CallShapes' answers

    # --- units -----------------------------------------------------------------------------

    def info_of(self, fn):
        if isinstance(fn, closures.Lifted):
            return fn.info
        key = id(fn)
        if key not in self.infos:
            info = source.read_source(fn)
            fence.check(info)
            self.infos[key] = info
        return self.infos[key]

    def unit(self, fn, wrt, kinds, mode="reverse", pattern=(), hot=False):
        info = self.info_of(fn)
        params = A.param_names(info.tree)
        kinds_key = tuple(kinds.get(p, K.UNKNOWN) for p in params)
        key = (identity(fn), tuple(wrt), kinds_key, mode, pattern)
        unit = self.units.get(key)
        if unit is not None:
            unit.hot |= hot                 # a later request only adds (a unit done stays cold)
        else:
            base = info.name
            first, second = ("forward", "backward") if mode == "reverse" else ("jvp", None)
            unit = Unit(key=key, info=info, wrt=tuple(wrt), kinds=dict(kinds),
                        forward_name=self.display.fresh(f"{base}_{first}"),
                        backward_name=self.display.fresh(f"{base}_{second}") if second else None,
                        lifted_from=fn if isinstance(fn, closures.Lifted) else None, mode=mode,
                        pattern=pattern, hot=hot)
            if not isinstance(fn, closures.Lifted):
                unit.defaults = (fn.__defaults__, fn.__kwdefaults__)
                unit.func = fn
            else:
                unit.defaults = fn.defaults
            self.units[key] = unit
            self.queue.append(unit)
        return unit

    def request(self, fn, wrt, kinds, mode="reverse", pattern=(), hot=False):
        """Called by a pass for a call into another user function: references to its functions."""
        unit = self.unit(fn, wrt, kinds, mode, pattern, hot)
        return tuple(unit_ref(unit.key, k, name) for k, name in unit.functions())

    def front(self, fn, kinds):
        """(normal form, variable kinds, info) of a callee, for the analysis of its shapes."""
        info = self.info_of(fn)
        key = (identity(fn), tuple(sorted(kinds.items())))
        if key not in self.fronts:
            namer = Namer(user_names(info) | _reserved_names())
            normal, local_kinds = front_end(info, kinds, namer, [])
            self.fronts[key] = (normal, local_kinds, info)
        return self.fronts[key]

    def run(self):
        while self.queue:
            transform(self.queue.pop(0), self)


def front_end(info, param_kinds, namer, guards):
    """The stages every analysis starts from: (normal form, kinds of its variables)."""
    fn = normalize.normalize(info, namer, closures.lift(info), guards)
    fn = controlflow.lower(fn, namer)
    kinds = K.infer(fn, param_kinds, info, _kind_hints(info))
    return inplace.lower_scalars(fn, kinds, namer), kinds


def transform(unit, ctx):
    """Run every stage on one unit, filling in its trees and text."""
    info = unit.info
    namer = Namer(user_names(info) | _reserved_names())
    unit.names = {k: namer.fresh(k) for k in ("stack", "push", "pop", "tape", "d_out")}
    guards = []
    fn, kinds = front_end(info, unit.kinds, namer, guards)
    unit.local_kinds = {n: k for n, k in kinds.items() if k != K.UNKNOWN}
    ret = fn.body[-1].value
    output = ret.id if isinstance(ret, A.Name) else None
    off = set(ctx.options.get("disable", ()))
    active, varied, useful = activity.analyze(fn, unit.wrt, output)
    if "activity" in off:              # for measurement: adjoints for everything on a path
        active = varied | useful
    alias_info = aliases.analyze(fn, kinds, varied, useful, info)
    pattern = dict(ctx.options.get("shapes", ()) if unit is ctx.top else unit.pattern)
    if pattern and "shapes" not in off:
        hook = callees.CallShapes(ctx.front, ctx.shape_memo, kinds, info)
        unit.shapes = shapes.infer(fn, pattern, kinds, info, hook)
    if unit.mode == "forward":
        jvp = ForwardPass(unit, fn, kinds, active, namer, ctx).build()
        tangents = set(namer.tangents().values())
        simplify.simplify(jvp, only=tangents)
        returned = [n.id for n in A.walk(jvp.body[-1]) if isinstance(n, A.Name)]
        deadcode.eliminate(jvp, returned, only=tangents)
        renest.renest(jvp, namer.temps, _tangent_reads(jvp, tangents))
        codegen.annotate(jvp, info.filename)
        unit.jvp = jvp
        unit.guards = guards
        return
    rev = Reverser(unit, fn, kinds, active, alias_info, namer, ctx)
    forward, backward, _ = rev.build()
    optimize_pair(forward, backward, namer, off)
    if "tbr" not in off:
        returned = [n.id for n in A.walk(backward.body[-1]) if isinstance(n, A.Name)]
        tape.drop_dead_saves(forward, backward, returned)
        tape.trim(forward, backward, unit.names["tape"])
    if "batch-taped" not in off:
        batch.batch_taped(backward, kinds, unit.names, namer)
    leftovers.drop(forward, info, kinds)
    codegen.annotate(forward, info.filename)
    codegen.annotate(backward, info.filename, prefix="grad of: ")
    unit.forward, unit.backward = forward, backward
    unit.guards = guards


def _kind_hints(info):
    """Kinds of the variables of generated code being transformed again (higher
    derivatives): what the values restored from its tape were when it was made,
    which analysis of the code alone (`x = tape[0]`) cannot see."""
    hints = getattr(info.func, "__srcgrad_kinds__", None)
    if not hints:
        return None
    names = {n.id for n in A.walk(info.tree) if isinstance(n, A.Name)} - set(A.param_names(info.tree))
    return {n: k for n, k in hints.items() if n in names}


PASSES = ("activity", "tbr", "recompute", "first-assignment", "simplify", "negation", "copyprop",
          "deadcode", "hoist-outer", "batch-taped", "assign-parts", "in-place-add", "renest",
          "plan-einsum", "shapes")


def options_from_env():
    """Compilation options from the environment: SRCGRAD_DISABLE_PASSES=tbr,copyprop,...

    Switching passes off is for measuring what each contributes (benchmarks/); the
    gradients stay correct, only slower or larger.
    """
    names = [n.strip() for n in os.environ.get("SRCGRAD_DISABLE_PASSES", "").split(",") if n.strip()]
    unknown = [n for n in names if n not in PASSES]
    if unknown:
        raise ArgumentError(f"SRCGRAD_DISABLE_PASSES: unknown pass {unknown[0]!r} "
                            f"(passes: {', '.join(PASSES)})")
    return {"disable": tuple(sorted(names))} if names else {}


def optimize_pair(forward, backward, namer, off=frozenset()):
    """Clean-up passes on a forward/backward pair; `off` names passes to skip (for measurement)."""
    seed = A.anno(backward, "seed")
    on = {p: p not in off for p in PASSES}
    adjoint_names = adjoints.adjoint_names(backward)
    if on["simplify"]:
        simplify.simplify(backward)
    adjoints.finalize(backward, seed, lambda: global_ref(runtime.add, "add"),
                      first_assignment=on["first-assignment"])
    fwd_vars = {n.id for n in A.walk(forward) if isinstance(n, A.Name)}
    bwd_locals = {n.id for n in A.walk(backward) if isinstance(n, A.Name)
                  and isinstance(n.ctx, A.Store)} - fwd_vars
    returned = [n.id for n in A.walk(backward.body[-1]) if isinstance(n, A.Name)]
    for _ in range(2):             # simplification leaves copies and self-copies behind
        if on["deadcode"]:
            deadcode.eliminate(backward, returned)
        if on["copyprop"]:
            copyprop.propagate(backward, bwd_locals)
        if on["deadcode"]:
            deadcode.eliminate(backward, returned)
        if on["simplify"]:
            simplify.simplify(backward)
        if on["negation"]:
            negation.cancel(backward, bwd_locals)
    if on["deadcode"]:
        deadcode.eliminate(backward, returned)
    if on["hoist-outer"]:
        outer.hoist(backward, namer)
    if on["assign-parts"]:
        parts.assign_parts(forward, backward)
    if on["in-place-add"]:
        accumulate.reuse_buffers(backward, adjoint_names)
    if on["plan-einsum"]:
        einsum.plan(forward)
    if on["renest"]:
        keep = {n.id for n in A.walk(backward) if isinstance(n, A.Name)} | _pushed(forward)
        renest.renest(forward, namer.temps, keep)


def _tangent_reads(fn, tangents):
    """Names the tangent statements read: they must stay variables in the forward sweep."""
    names = set()
    for st in flow.all_stmts(fn.body):
        if any(d in tangents for d in flow.defs(st)) or isinstance(st, A.Return):
            names |= flow.uses(st)
    return names


def _pushed(forward):
    names = set()
    for node in A.walk(forward):
        if isinstance(node, A.Return):
            names |= {n.id for n in A.walk(node) if isinstance(n, A.Name)}
    return names


def bind_names(unit):
    """Decide the closure cells of a unit: helpers, other units, the user's closure."""
    fns = unit.trees()
    names = [n for fn in fns for n in A.walk(fn) if isinstance(n, A.Name)]     # walked once
    loads = [n for n in names if isinstance(n.ctx, A.Load)]
    local_user = {n.id for n in loads
                  if not A.has_anno(n, "global") and not A.has_anno(n, "unit_ref")}
    taken = {}
    cells = {}
    renames = []
    for node in loads:
        if A.has_anno(node, "unit_ref"):
            cells[node.id] = ("unit",) + A.anno(node, "unit_ref")
            continue
        if not A.has_anno(node, "global"):
            continue
        obj = A.anno(node, "global")
        name = node.id
        user_has = name in local_user and not (
            name in unit.info.globals and unit.info.globals[name] is obj)
        if name in taken and taken[name] is not obj or user_has:
            renames.append((node, name, obj))
            continue
        taken[name] = obj
        cells[name] = ("object", obj)
    for node, name, obj in renames:
        for k in itertools.count(1):
            new = f"{name}_{k}"
            if new not in taken and new not in local_user or taken.get(new) is obj:
                break
        node.id = new
        taken[new] = obj
        cells[new] = ("object", obj)
    closure_names = set(unit.info.closure)
    for node in loads:
        if node.id in closure_names and node.id not in cells:
            cells[node.id] = ("closure", node.id)
    # names assigned inside the functions are locals, never cells
    bound = {n.id for n in names if isinstance(n.ctx, A.Store)}
    for fn in fns:
        bound |= set(A.param_names(fn))
    unit.cells = {k: v for k, v in cells.items() if k not in bound or v[0] != "closure"}
    return unit


def link(ctx, top_unit, filename):
    """Compile every unit's text into functions and connect them through cells."""
    units = [top_unit] + [u for u in ctx.units.values() if u is not top_unit]
    what = "tangent (forward mode)" if top_unit.mode == "forward" else "gradient"
    header = [f"srcgrad {__version__}: {what} of {top_unit.info.qualname} "
              f"({top_unit.info.filename}:{top_unit.info.lineno})",
              f"with respect to {', '.join(top_unit.wrt) or '(nothing)'}",
              "Generated code: regenerated whenever the source changes."]
    text = "\n".join(f"# {h}" for h in header) + "\n"
    guards = [g for u in units for g in u.guards]
    for u in units:
        bind_names(u)
    units = _reachable(units)
    starts = {}
    for u in units:
        u.text = codegen.to_source(u.trees())
        u.forward = u.backward = u.jvp = None
        text += "\n\n"
        starts[u.key] = text.count("\n") + 1
        text += u.text
    loader.register_source(filename, text)
    unit_cells = {(u.key, role): types.CellType() for u in units for role, _ in u.functions()}
    made = {}
    for u in units:
        cells = {}
        for name, desc in u.cells.items():
            if desc[0] == "unit":
                cells[name] = unit_cells[(desc[1], desc[2])]
            elif desc[0] == "object":
                cells[name] = types.CellType(desc[1])
            else:
                cells[name] = u.info.closure[desc[1]]
        names = {name for _, name in u.functions()}
        u.code = loader.factory_code(u.text, filename, starts[u.key], sorted(u.cells))
        funcs = loader.compile_unit(u.text, filename, starts[u.key], sorted(u.cells),
                                    u.info.globals, cells, names,
                                    defaults={u.forward_name: u.defaults}, code=u.code)
        made[u.key] = funcs
        for role, name in u.functions():
            unit_cells[(u.key, role)].cell_contents = funcs[name]
            funcs[name].__srcgrad_kinds__ = u.local_kinds
    top = made[top_unit.key]
    roles = {role: top[name] for role, name in top_unit.functions()}
    return Compiled(forward=roles.get("forward"), backward=roles.get("backward"), jvp=roles.get("jvp"),
                    units=units, source=text, guards=guards, filename=filename, starts=starts,
                    shaped=any(u.shaped for u in units))


def _reachable(units):
    """The units the first one calls, directly or not (a callee whose tape went unread is
    called as the plain function, so its pair may be unused)."""
    by_key = {u.key: u for u in units}
    seen, todo = {units[0].key}, [units[0]]
    while todo:
        for desc in todo.pop().cells.values():
            if desc[0] == "unit" and desc[1] not in seen:
                seen.add(desc[1])
                todo.append(by_key[desc[1]])
    return [u for u in units if u.key in seen]


_counter = itertools.count(1)


def compile_split(fn, wrt, kinds, options=None, filename=None):
    """Compile `fn` differentiated with respect to the parameters `wrt` (names).

    options["mode"] is "reverse" (forward/backward pair, the default) or "forward" (jvp);
    options["tangent_only"] makes the top jvp function return just the tangent (the
    form higher derivatives differentiate, so no work is spent on the value's adjoint);
    options["plain_stack"] makes reverse-mode code push and pop with `stack.append(v)` and
    `stack.pop()` (the form forward mode can differentiate again, for Hessian products).
    """
    ctx = Compilation(options)
    info = ctx.info_of(fn)
    params = A.param_names(info.tree)
    for w in wrt:
        if w not in params:
            raise ArgumentError(f"{info.qualname} has no parameter `{w}`")
    top = ctx.unit(fn, tuple(wrt), kinds, (options or {}).get("mode", "reverse"))
    ctx.top = top
    with _collector_paused():
        ctx.run()
        filename = filename or f"<srcgrad {info.qualname} #{next(_counter)}>"
        return link(ctx, top, filename)


@contextlib.contextmanager
def _collector_paused():
    """Compiling makes tens of thousands of tree nodes and no garbage cycles worth
    collecting, yet each allocation burst would set off the cycle collector over every
    object the process holds (a fifth of a cold compile).  Paused, it runs afterwards."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
