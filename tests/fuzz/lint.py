"""A lint pass over generated gradient source.

Generated code is a product (STYLE.md, habit 9), so the fuzzer holds every
generated file to these rules:

* it compiles on its own and assigns no local variable it never reads
  (helpers and other units reach the code through closure cells);
* no dead adjoint: every assignment to an adjoint (`d_*`, see srcgrad/naming.py)
  is read on some path before it is overwritten or the function returns;
* no unused tape push: each forward function pushes exactly as many values as
  its backward function pops, and every popped value is read afterwards.

`lint(source)` returns a list of messages, empty when the source is clean.
Liveness is a plain backward data-flow over the structured statements the code
generator emits (assignments, if, for, while, break, continue, return).
"""

import ast

ADJOINT_PREFIXES = ("d_",)


def _loads(node):
    if node is None:
        return set()
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _target_defs(target):
    """Names a target rebinds (a subscript store reads its base instead)."""
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, (ast.Tuple, ast.List)):
        out = set()
        for e in target.elts:
            out |= _target_defs(e)
        return out
    if isinstance(target, ast.Starred):
        return _target_defs(target.value)
    return set()


class _Liveness:
    """Backward liveness; remembers the live-out set of every assignment."""

    def __init__(self):
        self.after = {}                 # id(assign node) -> (node, live-out set)

    def block(self, stmts, out, brk, cont):
        live = set(out)
        for st in reversed(stmts):
            live = self.stmt(st, live, brk, cont)
        return live

    def stmt(self, st, out, brk, cont):
        if isinstance(st, ast.Return):
            return _loads(st.value)
        if isinstance(st, ast.Break):
            return set(brk)
        if isinstance(st, ast.Continue):
            return set(cont)
        if isinstance(st, (ast.Assign, ast.AnnAssign)):
            targets = st.targets if isinstance(st, ast.Assign) else [st.target]
            defs, uses = set(), _loads(st.value)
            for t in targets:
                defs |= _target_defs(t)
                uses |= _loads(t)        # subscript bases and indices
            self.after[id(st)] = (st, set(out))
            return uses | (out - defs)
        if isinstance(st, ast.AugAssign):
            return _loads(st.value) | _loads(st.target) | _target_defs(st.target) | out
        if isinstance(st, ast.If):
            return _loads(st.test) | self.block(st.body, out, brk, cont) | self.block(st.orelse, out, brk, cont)
        if isinstance(st, (ast.For, ast.While)):
            head = set(out)
            while True:
                body_in = self.block(st.body, head, out, head)
                if isinstance(st, ast.For):
                    new = set(out) | (body_in - _target_defs(st.target)) | _loads(st.target)
                else:
                    new = set(out) | body_in | _loads(st.test)
                if new <= head:
                    break
                head |= new
            extra = _loads(st.iter) if isinstance(st, ast.For) else set()
            return head | extra | self.block(st.orelse, out, brk, cont)
        if isinstance(st, (ast.FunctionDef, ast.ClassDef)):
            return out
        # Expr, Pass, Assert, Raise, ...: reads only
        return out | _loads(st)


def _bound_to_method(fn, attr):
    """Names assigned a bound method `<expr>.attr` (`push = stack.append`, `pop = list(stack).pop`)."""
    return {t.id for n in ast.walk(fn) if isinstance(n, ast.Assign)
            and isinstance(n.value, ast.Attribute) and n.value.attr == attr
            for t in n.targets if isinstance(t, ast.Name)}


def _calls_to(fn, names):
    return [n for n in ast.walk(fn) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
            and n.func.id in names]


def lint_function(fn):
    msgs = []
    lv = _Liveness()
    lv.block(fn.body, set(), set(), set())
    params = [a.arg for a in fn.args.args]
    pops = _bound_to_method(fn, "pop")
    for node, live in lv.after.values():
        names = set()
        for t in node.targets:
            names |= _target_defs(t)
        where = f"{fn.name}:{node.lineno}"
        if node.value in _calls_to(node, pops) and not node.value.args:
            dead = names - live
            if dead:
                msgs.append(f"{where}: unused tape push: popped {', '.join(sorted(dead))} is never read")
            continue
        if isinstance(node.value, ast.Name) and node.value.id in params[:1] and params[:1] == ["tape"]:
            dead = names - live
            if dead:
                msgs.append(f"{where}: unused tape entry: {', '.join(sorted(dead))} saved but never read")
            continue
        adj = {n for n in names if n.startswith(ADJOINT_PREFIXES)}
        if adj and not (names & live):
            msgs.append(f"{where}: dead adjoint: {', '.join(sorted(adj))} assigned and never read")
    return msgs


def lint(source, user_names=()):
    """Messages about `source` (generated gradient code); [] when clean.

    `user_names`: the names the user's code binds; unused-variable
    reports about them describe the user's own dead code and are not counted.
    """
    msgs = []
    try:
        compile(source, "<generated>", "exec")
    except SyntaxError as exc:
        return [f"does not compile: {exc}"]
    tree = ast.parse(source)
    fns = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    for fn in fns:
        for name, line in _unused_locals(fn):
            if name not in user_names:
                msgs.append(f"unused: <generated>:{line}: local variable '{name}' is assigned to "
                            "but never used")
    for fn in fns:
        msgs += lint_function(fn)
    # forward/backward pairs: pushes and pops must balance
    for fwd, bwd in zip(fns, fns[1:]):
        if fwd.name.endswith("_forward") and bwd.args.args and bwd.args.args[0].arg == "tape":
            pushes = len(_calls_to(fwd, _bound_to_method(fwd, "append")))
            pops = len(_calls_to(bwd, _bound_to_method(bwd, "pop")))
            if pushes != pops:
                msgs.append(f"{fwd.name}/{bwd.name}: {pushes} tape pushes but {pops} pops")
    return msgs



def _unused_locals(fn):
    """(name, line) of plain assignments to names the function never reads (as pyflakes
    reports them: names bound by tuple unpacking, loops and parameters are not counted)."""
    loads = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    loads |= {n.target.id for n in ast.walk(fn)                  # `x += 1` reads x
              if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name)}
    out = {}
    for node in ast.walk(fn):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name) and t.id not in loads:
                    out.setdefault(t.id, node.lineno)
    return sorted(out.items(), key=lambda item: item[1])
