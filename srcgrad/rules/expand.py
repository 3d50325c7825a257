"""Expanding a template at one call site.

`bind` matches a call's arguments to a template's parameters; `expand`
returns the template's statements with parameters replaced by the call's
arguments, adjoints by the caller's adjoint variables and temporaries by fresh
names.  Each adjoint update comes out as an Assign to the adjoint variable
annotated ``("adjoint", var, mode)`` where mode is ``"acc"`` (add the value)
or ``"set"`` (replace); the reverse pass decides how an addition is written.
"""



from .. import astlib as A
from ..runtime import unbroadcast
from ..runtime.ops import fit
from .registry import ADJOINT

_LITERAL_TYPES = (int, float, complex, str, bool, type(None), bytes)


class BindError(Exception):
    """The call's arguments do not fit the template (message says why)."""


def literal(value):
    """A constant node for a template default, or None if it has no literal form."""
    if isinstance(value, _LITERAL_TYPES) or value is Ellipsis:
        return A.const(value)
    if isinstance(value, tuple) and all(isinstance(v, _LITERAL_TYPES) for v in value):
        return A.tuple_([A.const(v) for v in value])
    return None


def bind(tpl, args, keywords):
    """Map template parameters to argument nodes.

    `args` are positional argument nodes, `keywords` a dict name -> node.
    Returns (mapping param -> node, varargs nodes).
    """
    named = [p for p in tpl.params[1:] if p != tpl.varargs]
    if tpl.varargs is not None:
        n_before = tpl.params.index(tpl.varargs) - 1
        positional = named[:n_before]
    else:
        positional = named
    mapping = {}
    if len(args) > len(positional) and tpl.varargs is None:
        raise BindError(f"takes at most {len(positional)} positional argument(s), got {len(args)}")
    for p, a in zip(positional, args):
        mapping[p] = a
    extra = list(args[len(positional):]) if tpl.varargs is not None else []
    for k, v in keywords.items():
        if k in mapping:
            raise BindError(f"got two values for `{k}`")
        if k not in named:
            if A.is_const(v) and v.value is None:
                continue     # out=None, where=None ... mean "the default"
            raise BindError(f"keyword `{k}` is not supported by srcgrad's template")
        mapping[k] = v
    for p in named:
        if p not in mapping:
            if p not in tpl.defaults:
                raise BindError(f"missing argument `{p}`")
            node = literal(tpl.defaults[p])
            if node is None:
                raise BindError(f"the default of `{p}` has no literal form")
            mapping[p] = node
    return mapping, extra


def missing_derivative(rule, tpl, mapping, varargs, has_gradient):
    """The first parameter bound to an argument that carries gradient but that the template
    sends no gradient to (`d[p]`/`t[p]` never written), or None.

    Such a call would otherwise give a silent zero; callers turn it into an error.  The
    argument an in-place primitive updates keeps its adjoint without the template's help.
    """
    covered = _marked(tpl)
    for q in tpl.params[2 if rule.inplace else 1:]:
        if q == tpl.varargs:
            if q not in covered and any(has_gradient(a) for a in varargs):
                return q
        elif q in mapping and q not in covered and has_gradient(mapping[q]):
            return q
    return None


def _marked(tpl):
    """Parameters the template mentions under its marker (`d[p]` written, `t[p]` read)."""
    found = getattr(tpl, "_marked", None)
    if found is None:
        found = set(tpl.targets) | set(tpl.shape_params)
        for node in _walk(tpl.body):
            if isinstance(node, A.Subscript) and A.is_name(node.value) and node.value.id == tpl.marker:
                index = node.slice
                if isinstance(index, A.Subscript):          # t[ps[i]]
                    index = index.value
                if A.is_name(index):
                    found.add(index.id)
        tpl._marked = found
    return found


def _walk(body):
    for st in body:
        yield from A.walk(st)


def elementwise_params(rule, tpl):
    """The template parameters an elementwise rule broadcasts (its `unbroadcast` targets)."""
    if not rule.elementwise:
        return []
    return [q for q in tpl.params[1:] if q != tpl.varargs]


def elidable(rule, tpl, mapping, is_scalar):
    """Parameters whose `unbroadcast` an elementwise rule can drop at this call.

    An argument already has the result's shape when every other argument is a
    scalar or is the very same variable (`v * v`).
    """
    params = elementwise_params(rule, tpl)
    elide = set()
    for q in params:
        mine = mapping.get(q)
        others = [mapping[o] for o in params if o != q and o in mapping]
        if all(is_scalar(o) or (A.is_name(o) and A.is_name(mine) and o.id == mine.id)
               for o in others):
            elide.add(q)
    return elide


def expand(tpl, result, mapping, varargs, adjoint, namer, elide=frozenset()):
    """The template's body instantiated at one call site.

    result   -- node for the primitive's result (a Name, or None for statements)
    mapping  -- param -> argument node (from `bind`)
    varargs  -- argument nodes collected by the template's *param
    adjoint  -- function(node) -> adjoint variable name, or None if no gradient
    namer    -- gives fresh names to temporaries
    elide    -- parameters p for which `unbroadcast(e, p)` may be replaced by e
    """
    env = dict(mapping)
    env[tpl.params[0]] = result if result is not None else A.const(None)
    if tpl.varargs is not None:
        env[tpl.varargs] = A.tuple_(varargs)
    temps = {}
    out = []
    _expand_block(tpl, tpl.body, env, temps, {}, adjoint, namer, elide, out, varargs)
    return out


def _expand_block(tpl, body, env, temps, unroll, adjoint, namer, elide, out, varargs):
    for st in body:
        if isinstance(st, A.For):            # for i in unrolled(ps)
            for i in range(len(varargs)):
                inner = dict(unroll)
                inner[st.target.id] = i
                _expand_block(tpl, st.body, env, temps, inner, adjoint, namer, elide, out, varargs)
            continue
        if isinstance(st, A.If):
            node = A.if_(_expr(tpl, st.test, env, temps, unroll, adjoint, elide, varargs), [], [])
            _expand_block(tpl, st.body, env, temps, unroll, adjoint, namer, elide, node.body, varargs)
            _expand_block(tpl, st.orelse, env, temps, unroll, adjoint, namer, elide, node.orelse, varargs)
            if not node.body:
                node.body = [A.pass_()]
            out.append(node)
            continue
        if isinstance(st, A.AugAssign) or (isinstance(st, A.Assign) and _is_ref(st.targets[0], tpl.marker)):
            target = st.target if isinstance(st, A.AugAssign) else st.targets[0]
            arg = _adjoint_arg(target, env, unroll, varargs)
            var = adjoint(arg)
            if var is None:
                continue
            if tpl.marker != ADJOINT and isinstance(st, A.AugAssign):
                refs = []
                for n in A.walk(st.value):
                    if not _is_ref(n, tpl.marker):
                        continue
                    if tpl.varargs is not None and A.is_name(n.slice, tpl.varargs):
                        refs.extend(adjoint(v) for v in varargs)
                    else:
                        refs.append(adjoint(_adjoint_arg(n, env, unroll, varargs)))
                if refs and all(r is None for r in refs):
                    continue                # no argument carries a tangent: no contribution
            value = _expr(tpl, st.value, env, temps, unroll, adjoint, elide, varargs)
            node = A.assign(A.store(var), value)
            mode = "acc" if isinstance(st, A.AugAssign) else "set"
            A.set_anno(node, "adjoint", (arg.id, mode))
            out.append(node)
            continue
        if isinstance(st, A.Assign):
            value = _expr(tpl, st.value, env, temps, unroll, adjoint, elide, varargs)
            tgt = st.targets[0]
            names = [tgt.id] if isinstance(tgt, A.Name) else [e.id for e in tgt.elts]
            for n in names:
                temps[n] = namer.fresh(n)
            if isinstance(tgt, A.Name):
                new_t = A.store(temps[tgt.id])
            else:
                new_t = A.tuple_([A.store(temps[n]) for n in names], ctx="store")
            out.append(A.assign(new_t, value))
            continue
        if isinstance(st, A.Expr):
            out.append(A.expr_stmt(_expr(tpl, st.value, env, temps, unroll, adjoint, elide, varargs)))
            continue
        raise AssertionError(f"unexpected template statement {type(st).__name__}")


def _is_ref(node, marker):
    """Is `node` `d[...]` (or `t[...]`, for forward templates)?"""
    return isinstance(node, A.Subscript) and A.is_name(node.value, marker)


def _adjoint_arg(sub, env, unroll, varargs):
    idx = sub.slice
    if A.is_name(idx):
        return env[idx.id]
    # ps[i] inside an unrolled loop
    return varargs[unroll[idx.slice.id]]


def _expr(tpl, node, env, temps, unroll, adjoint, elide, varargs):
    return _Instantiate(tpl, env, temps, unroll, adjoint, elide, varargs).visit(A.copy_node(node))


class _Instantiate(A.NodeTransformer):
    """A template expression with parameters, adjoints and temporaries replaced."""

    def __init__(self, tpl, env, temps, unroll, adjoint, elide, varargs):
        self.tpl, self.env, self.temps, self.unroll = tpl, env, temps, unroll
        self.adjoint, self.elide, self.varargs = adjoint, elide, varargs

    def visit_Subscript(self, n):
        tpl = self.tpl
        if tpl.varargs is not None and _is_ref(n, tpl.marker) and A.is_name(n.slice, tpl.varargs):
            # t[ps] for a *ps parameter: the tuple of the arguments' tangents
            refs = [self.adjoint(v) for v in self.varargs]
            return A.tuple_([A.name(r) if r is not None else A.const(0) for r in refs])
        if _is_ref(n, tpl.marker):
            arg = _adjoint_arg(n, self.env, self.unroll, self.varargs)
            var = self.adjoint(arg)
            return A.name(var) if var is not None else A.const(0)
        if A.is_name(n.value, tpl.varargs) and A.is_name(n.slice) and n.slice.id in self.unroll:
            return A.copy_node(self.varargs[self.unroll[n.slice.id]])
        self.generic_visit(n)
        return n

    def visit_Call(self, n):
        if A.is_name(n.func) and self.tpl.globals.get(n.func.id) is fit and n.args:
            params = {r.slice.id for r in A.walk(n.args[0])
                      if _is_ref(r, self.tpl.marker) and A.is_name(r.slice)}
            if params and params <= set(self.elide):
                return self.visit(n.args[0])    # already the result's shape
        self.generic_visit(n)
        if (A.is_name(n.func) and A.anno(n.func, "global") is unbroadcast
                and len(n.args) == 2 and A.anno(n.args[1], "param") in self.elide):
            return n.args[0]
        return n

    def visit_Name(self, n):
        if not isinstance(n.ctx, A.Load):
            return n
        if n.id in self.unroll:
            return A.const(self.unroll[n.id])
        if n.id in self.temps:
            return A.name(self.temps[n.id])
        if n.id in self.env:
            new = A.copy_node(self.env[n.id])
            A.set_anno(new, "param", n.id)
            return new
        if n.id in self.tpl.globals:
            new = A.name(n.id)
            A.set_anno(new, "global", self.tpl.globals[n.id])
            A.set_anno(new, "global_name", n.id)
            return new
        return n
