"""The compiler driver: a function and a `wrt` choice -> linked forward/backward pair.

    source -> fence -> lift closures -> normalize -> control flow -> kinds -> activity
           -> aliases -> reverse -> optimize -> codegen -> load

`compile_split` runs the stages for the requested function and for every user
function it calls with gradient (each a *unit*: one function, one set of
differentiated parameters, one set of argument kinds), then links the units
together.  The result keeps each stage's output for inspection.
"""

import builtins
import itertools
import types
from dataclasses import dataclass, field

from . import __version__
from . import astlib as A
from . import closures, codegen, controlflow, fence, inplace, loader, normalize, runtime, source
from .analysis import activity, aliases, kinds as K
from .errors import ArgumentError
from .naming import Namer
from .optimize import adjoints, copyprop, deadcode, renest, simplify
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
    names: dict = field(default_factory=dict)
    normal: object = None
    forward: object = None
    backward: object = None
    text: str = ""
    cells: dict = field(default_factory=dict)      # cell name -> binding description
    guards: list = field(default_factory=list)
    defaults: tuple = (None, None)


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

    def unit(self, fn, wrt, kinds):
        info = self.info_of(fn)
        params = A.param_names(info.tree)
        kinds_key = tuple(kinds.get(p, K.UNKNOWN) for p in params)
        key = (identity(fn), tuple(wrt), kinds_key)
        unit = self.units.get(key)
        if unit is None:
            base = info.name
            unit = Unit(key=key, info=info, wrt=tuple(wrt), kinds=dict(kinds),
                        forward_name=self.display.fresh(f"{base}_forward"),
                        backward_name=self.display.fresh(f"{base}_backward"),
                        lifted_from=fn if isinstance(fn, closures.Lifted) else None)
            if not isinstance(fn, closures.Lifted):
                unit.defaults = (fn.__defaults__, fn.__kwdefaults__)
                unit.func = fn
            else:
                unit.defaults = fn.defaults
            self.units[key] = unit
            self.queue.append(unit)
        return unit

    def request(self, fn, wrt, kinds):
        """Called by the reverse pass for a call into another user function."""
        unit = self.unit(fn, wrt, kinds)
        return (unit_ref(unit.key, "forward", unit.forward_name),
                unit_ref(unit.key, "backward", unit.backward_name))

    def run(self):
        while self.queue:
            transform(self.queue.pop(0), self)


def transform(unit, ctx):
    """Run every stage on one unit, filling in its trees and text."""
    info = unit.info
    lifted = closures.lift(info)
    user_names = set(A.names_in(info.tree)) | set(info.closure)
    namer = Namer(user_names | _reserved_names())
    unit.names = {k: namer.fresh(k) for k in ("stack", "push", "pop", "tape", "d_out")}
    guards = []
    fn = normalize.normalize(info, namer, lifted, guards)
    fn = controlflow.lower(fn, namer)
    unit.normal = A.copy_node(fn)
    kinds = K.infer(fn, unit.kinds, info)
    fn = inplace.lower_scalars(fn, kinds, namer)
    ret = fn.body[-1].value
    output = ret.id if isinstance(ret, A.Name) else None
    active, varied, useful = activity.analyze(fn, unit.wrt, output)
    alias_info = aliases.analyze(fn, kinds, varied, useful, info)
    rev = Reverser(unit, fn, kinds, active, alias_info, namer, ctx)
    forward, backward, _ = rev.build()
    seed = A.anno(backward, "seed")
    simplify.simplify(backward)
    adjoints.finalize(backward, seed, lambda: global_ref(runtime.add, "add"))
    fwd_vars = {n.id for n in A.walk(forward) if isinstance(n, A.Name)}
    bwd_locals = {n.id for n in A.walk(backward) if isinstance(n, A.Name)
                  and isinstance(n.ctx, A.Store)} - fwd_vars
    returned = [n.id for n in A.walk(backward.body[-1]) if isinstance(n, A.Name)]
    deadcode.eliminate(backward, returned)
    copyprop.propagate(backward, bwd_locals)
    deadcode.eliminate(backward, returned)
    simplify.simplify(backward)
    keep = {n.id for n in A.walk(backward) if isinstance(n, A.Name)} | _pushed(forward)
    renest.renest(forward, namer.temps, keep)
    codegen.annotate(forward, info.filename)
    codegen.annotate(backward, info.filename, prefix="grad of: ")
    unit.forward, unit.backward = forward, backward
    unit.guards = guards
    unit.text = codegen.to_source([forward, backward])


def _pushed(forward):
    names = set()
    for node in A.walk(forward):
        if isinstance(node, A.Return):
            names |= {n.id for n in A.walk(node) if isinstance(n, A.Name)}
    return names


def bind_names(unit):
    """Decide the closure cells of a unit: helpers, other units, the user's closure."""
    fns = [unit.forward, unit.backward]
    local_user = set()
    for fn in fns:
        for node in A.walk(fn):
            if isinstance(node, A.Name) and not A.has_anno(node, "global") \
                    and not A.has_anno(node, "unit_ref") and isinstance(node.ctx, A.Load):
                local_user.add(node.id)
    taken = {}
    cells = {}
    renames = []
    for fn in fns:
        for node in A.walk(fn):
            if not isinstance(node, A.Name) or not isinstance(node.ctx, A.Load):
                continue
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
    for fn in fns:
        for node in A.walk(fn):
            if isinstance(node, A.Name) and node.id in closure_names and node.id not in cells \
                    and isinstance(node.ctx, A.Load):
                cells[node.id] = ("closure", node.id)
    # names assigned inside the functions are locals, never cells
    bound = set()
    for fn in fns:
        bound |= set(A.param_names(fn))
        for node in A.walk(fn):
            if isinstance(node, A.Name) and isinstance(node.ctx, A.Store):
                bound.add(node.id)
    unit.cells = {k: v for k, v in cells.items() if k not in bound or v[0] != "closure"}
    return unit


def link(ctx, top_unit, filename):
    """Compile every unit's text into functions and connect them through cells."""
    units = [top_unit] + [u for u in ctx.units.values() if u is not top_unit]
    header = [f"srcgrad {__version__}: gradient of {top_unit.info.qualname} "
              f"({top_unit.info.filename}:{top_unit.info.lineno})",
              f"with respect to {', '.join(top_unit.wrt) or '(nothing)'}",
              "Generated code: regenerated whenever the source changes."]
    text = "\n".join(f"# {h}" for h in header) + "\n"
    starts = {}
    for u in units:
        bind_names(u)
        u.text = codegen.to_source([u.forward, u.backward])
        text += "\n\n"
        starts[u.key] = text.count("\n") + 1
        text += u.text
    loader.register_source(filename, text)
    unit_cells = {}
    for u in units:
        unit_cells[(u.key, "forward")] = types.CellType()
        unit_cells[(u.key, "backward")] = types.CellType()
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
        funcs = loader.compile_unit(u.text, filename, starts[u.key], sorted(u.cells),
                                    u.info.globals, cells, {u.forward_name, u.backward_name},
                                    defaults={u.forward_name: u.defaults})
        made[u.key] = funcs
        unit_cells[(u.key, "forward")].cell_contents = funcs[u.forward_name]
        unit_cells[(u.key, "backward")].cell_contents = funcs[u.backward_name]
    top = made[top_unit.key]
    guards = [g for u in units for g in u.guards]
    return Compiled(forward=top[top_unit.forward_name], backward=top[top_unit.backward_name],
                    units=units, source=text, guards=guards, filename=filename, starts=starts)


_counter = itertools.count(1)


def compile_split(fn, wrt, kinds, options=None, filename=None):
    """Compile `fn` differentiated with respect to the parameters `wrt` (names)."""
    ctx = Compilation(options)
    info = ctx.info_of(fn)
    params = A.param_names(info.tree)
    for w in wrt:
        if w not in params:
            raise ArgumentError(f"{info.qualname} has no parameter `{w}`")
    top = ctx.unit(fn, tuple(wrt), kinds)
    ctx.run()
    filename = filename or f"<srcgrad {info.qualname} #{next(_counter)}>"
    return link(ctx, top, filename)
