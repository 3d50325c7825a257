"""One template -> one Python function: the pullback of a single primitive call.

The Tensor facade runs primitives one at a time and needs, for each, a
function from the output cotangent to the input cotangents.  Instead of a
second derivative table, `pullback(...)` expands the primitive's registered
template (the same one the compiler inlines) into a small generated function

    def sin_pullback(d_z, z, x):
        d_x = d_z * np.cos(x)
        return (d_x,)

compiled once per (template, which arguments need gradient, arity, keywords)
and cached.  Its source is in `.source`.  Because the body is ordinary NumPy
code, calling it on Tensors records the backward computation itself, which is
what `create_graph=True` needs.
"""

import threading

from . import astlib as A
from . import codegen, loader, runtime
from .runtime import ops
from .analysis.kinds import NUMERIC
from .rules.registry import choose
from .errors import NoTemplateError
from .naming import Namer
from .optimize import adjoints, deadcode, simplify
from .reverse import global_ref
from .rules import registry
from .rules.expand import BindError, bind, elidable, expand

_cache = {}
_lock = threading.Lock()


class Pullback:
    def __init__(self, fn, source, params):
        self.fn = fn
        self.source = source
        self.params = params

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def __repr__(self):
        return f"<pullback {self.fn.__name__}>"


def pullback(rule, n_args, active, keywords=(), arg_kinds=None):
    """The compiled pullback of `rule` called with `n_args` positional arguments.

    active    -- booleans, one per positional argument: which need an adjoint
    keywords  -- names of keyword arguments passed to the primitive
    arg_kinds -- kinds of the arguments (picks scalar/rank variants), default generic
    Returns a Pullback: pb(d_z, z, *args, **keywords) -> tuple of adjoints, one per
    positional argument (None where not active).
    """
    kinds = tuple(arg_kinds) if arg_kinds is not None else (NUMERIC,) * n_args
    tpl = choose(rule.variants, rule.reverse, kinds)
    if tpl is None:
        raise NoTemplateError(f"no derivative template for {rule.name}")
    key = (id(rule), id(tpl), tuple(active), n_args, tuple(sorted(keywords)), kinds)
    with _lock:
        pb = _cache.get(key)
    if pb is None:
        pb = _build(rule, tpl, n_args, tuple(active), tuple(sorted(keywords)), kinds)
        with _lock:
            _cache[key] = pb
    return pb


def _build(rule, tpl, n_args, active, keywords, kinds):
    named = [p for p in tpl.params[1:] if p != tpl.varargs]
    if tpl.varargs is not None:
        n_named = tpl.params.index(tpl.varargs) - 1
    else:
        n_named = len(named)
    positional = named[:min(n_args, n_named)]
    extra = [f"{tpl.varargs}_{i}" for i in range(max(0, n_args - n_named))] if tpl.varargs else []
    if n_args > n_named and not tpl.varargs:
        raise NoTemplateError(f"{rule.name} takes at most {n_named} positional arguments")
    arg_names = positional + extra
    namer = Namer(set(arg_names) | set(keywords) | set(dir(runtime)) | {"z", "d_z", "np", "math"}
                  | set(tpl.globals))
    try:
        mapping, varargs = bind(tpl, [A.name(n) for n in arg_names], {k: A.name(k) for k in keywords})
    except BindError as exc:
        raise NoTemplateError(f"{rule.name}: {exc}") from None
    active_names = {n for n, a in zip(arg_names, active) if a}
    # an in-place primitive (`d[x] = ...` in its template) hands x's adjoint on: it starts as d_z
    updated = [mapping[p].id for p in sorted(tpl.sets) if A.is_name(mapping.get(p))] \
        if rule.inplace else []
    adj = {n: namer.fresh("d_" + n) for n in sorted(active_names | set(updated))}

    def adjoint(node):
        if isinstance(node, A.Name):
            if node.id == "z":
                return "d_z"
            return adj.get(node.id)
        return None

    kind_of = dict(zip(arg_names, kinds))
    elide = elidable(rule, tpl, mapping,
                     lambda o: (A.is_const(o) and not isinstance(o.value, (str, type(None))))
                     or kind_of.get(getattr(o, "id", None)) == "num")
    body = expand(tpl, A.name("z"), mapping, varargs, adjoint, namer, frozenset(elide))
    # a copy: helpers such as zero_at update it in place, and d_z belongs to the caller
    body = [A.assign(A.store(adj[n]), A.call(global_ref(ops.fresh, "fresh"), [A.name("d_z")]))
            for n in updated] + body
    for node in body:
        info = A.anno(node, "adjoint")
        if info is not None:
            A.set_anno(node, "adjoint", (info[0], info[1], NUMERIC))
    name = registry.display_name(rule.key).replace(".", "_").replace(":", "_").replace("[", "_") \
        .replace("]", "").replace(" ", "").replace("=", "_").replace(",", "_").replace("(", "") \
        .replace(")", "") + "_pullback"
    name = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in name)
    results = [A.name(adj[n]) if n in active_names else A.const(None) for n in arg_names]
    body.append(A.return_(A.tuple_(results)))
    fn = A.function(name, ["d_z", "z"] + arg_names, body, kwonly=list(keywords),
                    kw_defaults=[None] * len(keywords))
    simplify.simplify(fn)
    adjoints.finalize(fn, "d_z", lambda: global_ref(runtime.add, "add"))
    deadcode.eliminate(fn, [adj[n] for n in active_names])
    simplify.simplify(fn)
    cells = {}
    for node in A.walk(fn):
        if isinstance(node, A.Name) and A.has_anno(node, "global"):
            cells[node.id] = A.anno(node, "global")
    text = codegen.to_source([fn], header=[f"pullback of {rule.name} (template {tpl.where})"])
    filename = f"<srcgrad pullback {name}>"
    loader.register_source(filename, text)
    first = text.index("def ")
    first_line = text[:first].count("\n") + 1
    made = loader.compile_unit(text[first:], filename, first_line, sorted(cells), {"__builtins__": __builtins__},
                               {k: _cell(v) for k, v in cells.items()}, {name})
    return Pullback(made[name], text, arg_names)


def _cell(value):
    import types
    return types.CellType(value)
