"""Structured control flow: one exit, no `continue`, `break` only at the end of a loop body.

After `lower(fn, namer)`:
* the body ends with the function's only `return <atom>`;
* a loop body contains no `continue`; if the loop can exit early, its body
  ends with `if <flag>: break` and that is the only `break` in it;
* a `while` loop recomputes its test at the end of its body (after the break
  test), so the reverse sweep sees ordinary straight-line statements.
Flags and the return variable are fresh names.  An `if` test may be `not <name>`.
"""

from . import astlib as A
from . import parse as P
from .normalize import Prim


def lower(fn, namer):
    low = _Lowering(namer)
    body = low.absorb(fn.body)
    single_exit = _count_returns(body) == 1 and isinstance(body[-1], A.Return)
    if not single_exit:
        if low.needs_flag(body):
            low.done = namer.fresh("_returned")
        body = low.returns(body, in_loop=False)
    body = low.loops(body)
    if low.done is not None:
        body = [low.flag(low.done, False, fn.body[0] if fn.body else None)] + body
    if not body or not isinstance(body[-1], A.Return):
        body.append(A.return_(A.name(low.ret) if low.ret else A.const(None)))
    fn.body = body
    return fn


def _count_returns(stmts):
    n = 0
    for st in stmts:
        if isinstance(st, A.Return):
            n += 1
        for field in ("body", "orelse"):
            if isinstance(st, (A.If, A.For, A.While)):
                n += _count_returns(getattr(st, field))
    return n


def always_returns(stmts):
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, A.Return):
        return True
    if isinstance(last, A.If):
        return always_returns(last.body) and always_returns(last.orelse)
    return False


def _contains(stmts, cls, stop_at_loops=True):
    for st in stmts:
        if isinstance(st, cls):
            return True
        if isinstance(st, A.If):
            if _contains(st.body, cls, stop_at_loops) or _contains(st.orelse, cls, stop_at_loops):
                return True
        elif isinstance(st, (A.For, A.While)):
            if not stop_at_loops and _contains(st.body, cls, stop_at_loops):
                return True
    return False


def contains_return(stmts):
    return _contains(stmts, A.Return, stop_at_loops=False)


class _Lowering:
    def __init__(self, namer):
        self.namer = namer
        self.ret = None
        self.done = None

    def flag(self, name, value, origin):
        node = A.assign(A.store(name), A.const(value))
        A.set_anno(node, "prim", Prim(P.Target("copy", label="="), [A.const(value)], {}, name))
        A.set_anno(node, "origin", A.anno(origin, "origin") if origin is not None else None)
        A.set_anno(node, "control", True)
        return node

    # --- early returns ----------------------------------------------------------------

    def absorb(self, stmts):
        """`if c: return a` followed by more code: move that code into the else branch."""
        out = []
        for i, st in enumerate(stmts):
            if isinstance(st, A.If):
                st.body = self.absorb(st.body)
                st.orelse = self.absorb(st.orelse)
                rest = stmts[i + 1:]
                if rest and (always_returns(st.body) or always_returns(st.orelse)):
                    if always_returns(st.body) and not always_returns(st.orelse):
                        st.orelse = self.absorb(st.orelse + rest)
                    elif always_returns(st.orelse) and not always_returns(st.body):
                        st.body = self.absorb(st.body + rest)
                    out.append(st)
                    return out          # code after an if whose branches both return is dead
            out.append(st)
            if isinstance(st, A.Return):
                return out              # code after return is dead
        return out

    def returns(self, stmts, in_loop):
        """Replace `return v` by an assignment to the return variable.

        Where code may follow a return (inside loops, after a branch that only
        sometimes returns) a flag records that the function has returned, loops
        break on it and the code that follows is guarded by it.
        """
        out = []
        for i, st in enumerate(stmts):
            if isinstance(st, A.Return):
                if self.ret is None:
                    self.ret = self.namer.fresh("_ret")
                node = A.assign(A.store(self.ret), st.value)
                A.set_anno(node, "prim", Prim(P.Target("copy", label="="), [st.value], {}, self.ret))
                A.set_anno(node, "origin", A.anno(st, "origin"))
                out.append(node)
                if self.done is not None:
                    out.append(self.flag(self.done, True, st))
                if in_loop:
                    out.append(A.break_())
                return out
            rest = stmts[i + 1:]
            if isinstance(st, A.If) and contains_return([st]):
                partial = not always_returns([st])
                st.body = self.returns(st.body, in_loop)
                st.orelse = self.returns(st.orelse, in_loop)
                out.append(st)
                if partial and rest:
                    guarded = self.returns(rest, in_loop)
                    out.append(A.if_(A.unaryop("not", A.name(self.done)), guarded))
                return out
            if isinstance(st, (A.For, A.While)) and contains_return(st.body):
                st.body = self.returns(st.body, in_loop=True)
                out.append(st)
                if in_loop:
                    out.append(A.if_(A.name(self.done), [A.break_()]))
                if rest:
                    out.append(A.if_(A.unaryop("not", A.name(self.done)), self.returns(rest, in_loop)))
                return out
            out.append(st)
        return out

    def needs_flag(self, stmts, in_loop=False):
        for i, st in enumerate(stmts):
            if isinstance(st, A.Return) and in_loop:
                return True
            if isinstance(st, A.If):
                if self.needs_flag(st.body, in_loop) or self.needs_flag(st.orelse, in_loop):
                    return True
                if contains_return([st]) and not always_returns([st]) and stmts[i + 1:]:
                    return True
            if isinstance(st, (A.For, A.While)) and contains_return(st.body):
                return True
        return False

    # --- break and continue -------------------------------------------------------------

    def loops(self, stmts):
        out = []
        for st in stmts:
            if isinstance(st, A.If):
                st.body = self.loops(st.body)
                st.orelse = self.loops(st.orelse)
            elif isinstance(st, (A.For, A.While)):
                st.body = self.loops(st.body)      # inner loops first
                self.lower_loop(st)
            out.append(st)
        return out

    def lower_loop(self, loop):
        has_break = _contains(loop.body, A.Break)
        has_continue = _contains(loop.body, A.Continue)
        body = loop.body
        if has_break or has_continue:
            brk = self.namer.fresh("_break") if has_break else None
            skip = self.namer.fresh("_continue") if has_continue else brk
            state = {"brk": brk, "skip": skip}
            body = self.guard(body, state)
            inits = [self.flag(f, False, loop) for f in dict.fromkeys([skip, brk]) if f]
            body = inits + body
            if brk:
                body.append(A.if_(A.name(brk), [A.break_()]))
                A.set_anno(loop, "break_flag", brk)
        footer = A.anno(loop, "cond")
        if isinstance(loop, A.While) and footer:
            body = body + [A.copy_node(s) for s in footer]
        loop.body = body or [A.pass_()]

    def guard(self, stmts, state):
        out = []
        for i, st in enumerate(stmts):
            if isinstance(st, A.Break):
                out.append(self.flag(state["brk"], True, st))
                if state["skip"] != state["brk"]:
                    out.append(self.flag(state["skip"], True, st))
                return out
            if isinstance(st, A.Continue):
                out.append(self.flag(state["skip"], True, st))
                return out
            if isinstance(st, A.If) and (_contains([st], A.Break) or _contains([st], A.Continue)):
                st.body = self.guard(st.body, state)
                st.orelse = self.guard(st.orelse, state)
                out.append(st)
                rest = self.guard(stmts[i + 1:], state)
                if rest:
                    out.append(A.if_(A.unaryop("not", A.name(state["skip"])), rest))
                return out
            out.append(st)
        return out
