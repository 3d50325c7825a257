"""Forward mode: one function computing f and its directional derivative in a single sweep.

After `jvp_function(...)` the unit has one function with f's parameters plus a
keyword-only tangent `x_dot` for each differentiated parameter.  It runs f's
statements in their order (same branches and loops, no tape), each primitive
followed by its tangent statement expanded from the primitive's *forward*
template (an in-place update is preceded by it, since the template reads the
value before the update), and returns `(result, result_dot)`.  A call into
another user function calls that function's own tangent function.
"""

import inspect

from . import astlib as A
from . import runtime
from .analysis import flow
from .analysis.kinds import NUM, is_arith, atom_kind
from .errors import NoTemplateError
from .naming import tangent_param, user_names
from .normalize import prim
from .optimize.adjoints import live_in
from .reverse import global_ref, helper
from .rules.expand import BindError, bind, elidable, expand, missing_derivative
from .rules.registry import choose


class ForwardPass:
    def __init__(self, unit, fn, kinds, active, namer, ctx):
        self.unit = unit
        self.info = unit.info
        self.fn = fn
        self.kinds = kinds
        self.active = active
        self.namer = namer
        self.ctx = ctx
        namer.tangent_params(unit.wrt, user_names(unit.info))
        self.owned = self._owned_tangents()
        self.once = self._assigned_once()
        self.zero = set()           # assigned once, with no tangent flowing in: tangent 0

    # --- names and helpers ------------------------------------------------------------

    def tangent(self, node):
        if isinstance(node, A.Name) and node.id in self.active and node.id not in self.zero:
            return self.namer.tangent(node.id)
        return None

    def kind(self, node):
        return atom_kind(node, self.kinds, self.info)

    def error(self, st, msg, hint=None):
        origin = A.anno(st, "origin") or st
        return NoTemplateError(msg, self.info.filename, getattr(origin, "lineno", None),
                               getattr(origin, "col_offset", None), hint=hint)

    def _owned_tangents(self):
        """Variables whose tangent is updated in place (they get private copies)."""
        out = set()
        for st in flow.all_stmts(self.fn.body):
            p = prim(st)
            if p is None or p.target.kind != "rule" or p.target.rule is None:
                continue
            key = p.target.rule.key
            tpl = p.target.rule.forward
            updates = tpl is not None and tpl.updates
            if (key in ("setitem", "method:append") or updates) and p.args \
                    and isinstance(p.args[0], A.Name):
                out.add(p.args[0].id)
        return out

    def _assigned_once(self):
        """Names with one assignment and no in-place update: a tangent that is zero there
        is zero wherever the name is read, so it needs no variable at all."""
        count = {}
        for st in flow.all_stmts(self.fn.body):
            names = list(flow.defs(st))
            p = prim(st)
            if p is not None and (p.result is None or isinstance(st, A.AugAssign)) \
                    and p.args and isinstance(p.args[0], A.Name):
                names.append(p.args[0].id)
            for n in names:
                count[n] = count.get(n, 0) + 1
        params = {q.id for q in self.fn.args.posonlyargs + self.fn.args.args + self.fn.args.kwonlyargs}
        return {n for n, k in count.items() if k == 1 and n not in params}

    # --- statements ----------------------------------------------------------------------

    def block(self, stmts):
        out = []
        for st in stmts:
            out.extend(self.stmt(st))
        return out

    def stmt(self, st):
        if isinstance(st, A.If):
            st.body = self.block(st.body) or [A.pass_()]
            st.orelse = self.block(st.orelse)
            return [st]
        if isinstance(st, (A.For, A.While)):
            st.body = self.block(st.body) or [A.pass_()]
            return [st]
        p = prim(st)
        if p is None:
            return [st]
        t = p.target
        mutation = p.result is None or isinstance(st, A.AugAssign)
        updates = t.kind == "rule" and t.rule is not None and t.rule.forward is not None \
            and t.rule.forward.updates and bool(p.args) and self.tangent(p.args[0]) is not None
        if not mutation and p.result not in self.active and not updates:
            return [st]
        if mutation and not any(isinstance(a, A.Name) and a.id in self.active for a in p.args):
            return [st]
        if t.kind == "copy":
            return [st] + self.combine(st, p.result, [A.name(self.tangent(p.args[0]))]
                                       if self.tangent(p.args[0]) else [])
        if t.kind in ("user", "lifted"):
            return self.user_call(st, p)
        if t.kind == "nondiff" or (t.kind == "rule" and t.rule is not None and t.rule.nondiff
                                   and t.rule.reverse is None):
            return [st] + self.combine(st, p.result, [])
        rule = t.rule
        arg_kinds = [self.kind(a) for a in p.args]
        tpl = None
        if rule is not None:
            tpl = choose(rule.forward_variants, rule.forward, arg_kinds, p.args)
        if tpl is None:
            if any(self.tangent(a) for a in p.args + list(p.keywords.values())):
                what = t.label or (rule.name if rule else "this call")
                raise self.error(st, f"no forward-mode template for `{what}`",
                                 hint="hint: register one with srcgrad.rules.registry.forward, "
                                      "or use reverse mode (srcgrad.grad / vjp) for this function")
            return [st] + ([] if mutation else self.combine(st, p.result, []))
        try:
            mapping, extra = bind(tpl, list(p.args), dict(p.keywords))
        except BindError as exc:
            raise self.error(st, f"`{t.label}`: {exc}") from None
        missing = missing_derivative(rule, tpl, mapping, extra, self.tangent)
        if missing is not None:
            raise self.error(st, f"`{t.label}` has no forward-mode derivative with respect to its "
                                 f"argument `{missing}`, which carries a tangent here")
        elide = elidable(rule, tpl, mapping, lambda o: self.kind(o) == NUM)
        result = A.name(p.result) if not mutation else None

        def tangent_of(node):
            if result is not None and A.is_name(node, p.result):
                return self.namer.tangent(p.result)
            return self.tangent(node)

        code = expand(tpl, result, mapping, extra, tangent_of, self.namer, frozenset(elide))
        if mutation:
            for node in code:
                A.set_anno(node, "origin", A.anno(st, "origin"))
            return code + [st]
        contributions = []
        temps = []
        for node in code:
            info = A.anno(node, "adjoint")
            if info is not None and info[1] == "acc":
                contributions.append(node.value)
            else:
                temps.append(node)
        if not updates:
            return [st] + temps + self.combine(st, p.result, contributions)
        # the argument's tangent moves in step with the argument (a popped stack) even
        # where the result needs no tangent
        if p.result in self.active:
            # `acc = add_at(acc, ...)`: the result's tangent is the updated private one
            same = isinstance(p.args[0], A.Name) and p.args[0].id == p.result
            steps = self.combine(st, p.result, contributions, private=same)
        else:
            steps = [A.expr_stmt(c) for c in contributions]
        for node in steps:
            A.set_anno(node, "keep", True)
            A.set_anno(node, "origin", A.anno(st, "origin"))
        return [st] + temps + steps

    def combine(self, st, name, contributions, private=False):
        """`z_dot = c1 + c2 + ...` (zeros of z's shape when nothing contributes).

        A tangent that is updated in place gets a private copy, unless `private` says
        the value already is one.
        """
        target = self.namer.tangent(name)
        if not contributions and name in self.once:
            # nothing flows in (a shape read, a constant, a nondifferentiable call): the
            # tangent is 0, and statements reading it drop the terms it would feed
            self.zero.add(name)
            return []
        if not contributions:
            value = A.call(helper("zeros_like_grad"), [A.name(name)])
        else:
            value = contributions[0]
            for c in contributions[1:]:
                if is_arith(self.kinds.get(name)):
                    value = A.binop(value, "+", c)
                else:
                    value = A.call(global_ref(runtime.add, "add"), [value, c])
        if name in self.owned and contributions and not private:
            value = A.call(global_ref(runtime.ops.fresh, "fresh"), [value])
        node = A.assign(A.store(target), value)
        A.set_anno(node, "origin", A.anno(st, "origin"))
        return [node]

    def user_call(self, st, p):
        target = p.target
        if target.kind == "lifted":
            callee = target.obj
            params = A.param_names(callee.info.tree)
            bound = dict(zip(params, p.args))
            bound.update(p.keywords)
            defaults = {}
        else:
            callee = target.obj
            sig = inspect.signature(callee)
            try:
                ba = sig.bind(*p.args, **p.keywords)
            except TypeError as exc:
                raise self.error(st, f"call to `{target.label}`: {exc}") from None
            bound = dict(ba.arguments)
            defaults = {k: v.default for k, v in sig.parameters.items() if v.default is not v.empty}
        wrt = tuple(name for name, node in bound.items() if self.tangent(node))
        from .analysis.kinds import of_value
        kinds = {name: self.kind(node) for name, node in bound.items()}
        for name, value in defaults.items():
            kinds.setdefault(name, of_value(value))
        (ref,) = self.ctx.request(callee, wrt, kinds, mode="forward")
        keywords = [A.keyword(k, v) for k, v in p.keywords.items()]
        taken = user_names(self.ctx.info_of(callee))
        keywords += [A.keyword(tangent_param(w, taken), A.name(self.tangent(bound[w]))) for w in wrt]
        call = A.Call(func=ref, args=list(p.args), keywords=keywords)
        node = A.assign(A.tuple_([A.store(p.result), A.store(self.namer.tangent(p.result))], ctx="store"), call)
        A.set_anno(node, "origin", A.anno(st, "origin"))
        return [node]

    # --- the function ------------------------------------------------------------------------

    def build(self):
        fn = self.fn
        ret = fn.body[-1]
        body = self.block(fn.body[:-1])
        out = ret.value
        out_dot = self.tangent(out)
        if out_dot is None:
            out_value = A.call(helper("zeros_like_grad"), [A.copy_node(out)])
        else:
            out_value = A.name(out_dot)
        if self.ctx.options.get("tangent_only") and self.ctx.top is self.unit:
            body.append(A.return_(out_value))
        else:
            body.append(A.return_(A.tuple_([A.copy_node(out), out_value])))
        positional = [q.id for q in fn.args.posonlyargs + fn.args.args]
        kwonly = [q.id for q in fn.args.kwonlyargs]
        tangent_params = [self.namer.tangent(w) for w in self.unit.wrt]
        # a constant argument that becomes active later (x = x + k*...) starts with tangent 0
        unset = (live_in(body) & set(self.namer.tangents().values())) - set(tangent_params)
        body = [A.assign(A.store(n), A.const(0)) for n in sorted(unset)] + body
        jvp = A.function(self.unit.forward_name, positional, body,
                         defaults=[A.copy_node(d) for d in fn.args.defaults],
                         kwonly=kwonly + tangent_params,
                         kw_defaults=[A.copy_node(d) if d is not None else None for d in fn.args.kw_defaults]
                         + [A.const(0)] * len(tangent_params))
        A.set_anno(jvp, "unit", self.unit)
        return jvp
