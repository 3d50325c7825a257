"""Nested functions: lifted into functions of their own with explicit arguments.

A `def` inside the differentiated function that reads the outer function's
variables becomes a separate unit whose extra parameters are those variables;
calls to it pass them explicitly, so gradients flow to what it closes over.
After `lift(info)` the returned dict maps each nested function's name to a
`Lifted` record; the `def` statements stay where they are (the forward sweep
still defines them, for calls that carry no gradient).
"""

from dataclasses import dataclass, replace

from . import astlib as A
from .fence import error_at


@dataclass
class Lifted:
    name: str
    info: object          # SourceInfo of the lifted function (extra params appended)
    extra: list           # outer variables passed as extra arguments
    outer: object = None  # the Python function it was defined in
    defaults: tuple = (None, None)   # (__defaults__, __kwdefaults__) of the lifted function


def assigned_names(fn):
    """Parameters and every name a function body binds (not inside nested defs)."""
    out = list(A.param_names(fn))

    def visit(stmts):
        for st in stmts:
            if isinstance(st, A.FunctionDef):
                out.append(st.name)
                continue
            for node in _walk_no_defs(st):
                if isinstance(node, A.Name) and isinstance(node.ctx, A.Store):
                    out.append(node.id)
    visit(fn.body)
    seen = set()
    return [n for n in out if not (n in seen or seen.add(n))]


def _walk_no_defs(node):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        for child in A.iter_child_nodes(n):
            if not isinstance(child, A.FunctionDef):
                stack.append(child)


def _literal_defaults(info, fn):
    """A nested function's defaults, which must be constants (they are evaluated once, here)."""
    import ast

    def value(node):
        try:
            return ast.literal_eval(A.to_source_text(node))
        except (ValueError, SyntaxError):
            raise error_at(info, node, "a nested function's default value must be a constant",
                           "pass the value as an argument instead") from None

    pos = tuple(value(d) for d in fn.args.defaults) or None
    kw = {p.id: value(d) for p, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults) if d is not None}
    return pos, kw or None


def _nested_defs(stmts):
    """`def` statements directly inside these statements (not inside other defs)."""
    for st in stmts:
        if isinstance(st, A.FunctionDef):
            yield st
        else:
            for field in ("body", "orelse"):
                yield from _nested_defs(getattr(st, field, []) or [])


def lift(info):
    outer_locals = set(assigned_names(info.tree))
    lifted = {}
    for st in _nested_defs(info.tree.body):
        inner_locals = set(assigned_names(st))
        reads = [n.id for n in _walk_no_defs(A.module(st.body))
                 if isinstance(n, A.Name) and isinstance(n.ctx, A.Load)]
        extra = []
        for r in reads:
            if r in outer_locals and r not in inner_locals and r not in extra and r != st.name:
                extra.append(r)
        if st.name in lifted:
            raise error_at(info, st, f"nested function `{st.name}` is defined twice",
                           "give each nested function its own name")
        tree = A.copy_node(st)
        # the variables it closes over become keyword-only parameters
        tree.args.kwonlyargs.extend(A.name(e, "param") for e in extra)
        tree.args.kw_defaults.extend([None] * len(extra))
        defaults = _literal_defaults(info, st)
        sub = replace(info, func=None, name=st.name, qualname=f"{info.qualname}.<locals>.{st.name}",
                      lineno=st.lineno, tree=tree)
        lifted[st.name] = Lifted(st.name, sub, extra, info.func, defaults)
    _check_uses(info, lifted)
    return lifted


def _check_uses(info, lifted):
    """A nested function may only be called, not passed around as a value."""
    calls = set()
    for node in A.walk(info.tree):
        if isinstance(node, A.Call) and A.is_name(node.func) and node.func.id in lifted:
            calls.add(id(node.func))
    for node in A.walk(info.tree):
        if isinstance(node, A.Name) and node.id in lifted and isinstance(node.ctx, A.Load) \
                and id(node) not in calls:
            raise error_at(info, node, f"nested function `{node.id}` is used as a value",
                           "srcgrad lifts nested functions into separate ones; call it directly")
