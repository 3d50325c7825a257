"""Forward-with-tape and backward functions from the normal form.

After `reverse(...)`:

* the forward function has the user function's signature, runs the original
  computation and returns `(result, tape)`.  The tape is a tuple of the final
  values of every variable the backward function reads, plus a stack holding
  the values that were overwritten before the backward sweep could read them
  (pushed just before they are overwritten), branch flags and loop counters;
* the backward function takes `(tape, d_<result>)`, walks the statements in
  reverse, expanding each primitive's template, popping overwritten values
  back as it passes their assignments, and returns the adjoints of the `wrt`
  parameters (one value, or a tuple for several).

A value an in-place update changes later is copied (`snapshot`) right where
the backward sweep needs it.  Adjoint updates come out as annotated
assignments; `optimize` turns them into plain Python.
"""

import operator
from dataclasses import dataclass, field

import numpy as np

from . import astlib as A
from . import callees, runtime
from .analysis import flow
from .analysis.shapes import ANY
from .analysis.kinds import NUM, _index_rank, array, atom_kind, is_array
from .errors import NoTemplateError
from .normalize import Prim, builtin_ref, prim
from .recompute import recompute
from .rules import constructs
from .rules.registry import choose, lookup
from .rules.expand import BindError, bind, elementwise_params, elidable, expand, missing_derivative


@dataclass
class Site:
    """One forward statement with everything the two sweeps attach to it."""
    fwd: object
    origin: object
    position: tuple = ()
    blocks: list = field(default_factory=list)       # forward child site lists
    bwd: list = field(default_factory=list)          # backward code (compound: one node)
    pre: list = field(default_factory=list)
    post: list = field(default_factory=list)
    bwd_post: list = field(default_factory=list)
    resets: list = field(default_factory=list)
    defs: list = field(default_factory=list)
    result: str | None = None
    mutation: bool = False
    loop_target: str | None = None
    header_reads: set = field(default_factory=set)   # names the backward reads at this header
    counter: str | None = None
    keep: bool = True                                # the backward keeps this if/loop
    reads_before: set = field(default_factory=set)
    reads_after: set = field(default_factory=set)
    value_reads: set = field(default_factory=set)


def global_ref(obj, name):
    node = A.name(name)
    A.set_anno(node, "global", obj)
    A.set_anno(node, "global_name", name)
    return node


def helper(name):
    return global_ref(getattr(runtime, name), name)


class Reverser:
    def __init__(self, unit, fn, kinds, active, aliases, namer, ctx):
        self.unit = unit
        self.info = unit.info
        self.fn = fn
        self.kinds = kinds
        self.active = active
        self.aliases = aliases
        self.namer = namer
        self.ctx = ctx
        self.adjoint_of = {}
        self.tapes = 0

    # --- helpers ------------------------------------------------------------------------

    def adj(self, node):
        if isinstance(node, A.Name) and node.id in self.active:
            return self.namer.adjoint(node.id)
        return None

    def kind(self, node):
        return atom_kind(node, self.kinds, self.info)

    def located_error(self, cls, site, msg, hint=None):
        origin = site.origin
        return cls(msg, self.info.filename, getattr(origin, "lineno", self.info.lineno),
                   getattr(origin, "col_offset", None), hint=hint)

    def reset(self, name):
        var = self.namer.adjoint(name)
        if name in self.aliases.appended:
            node = A.assign(A.store(var), A.call(helper("zeros_list"), [A.name(name)]))
        else:
            node = A.assign(A.store(var), A.const(0))
        A.set_anno(node, "reset", name)
        return node

    # --- blocks ------------------------------------------------------------------------------

    def block(self, stmts, loops=(), path=()):
        sites = []
        for i, st in enumerate(stmts):
            for frozen in self.freeze_header(st):
                frozen.position = (path + (i,), loops)
                sites.append(frozen)
            site = self.stmt(st, loops, path + (i,))
            if site is not None:
                site.position = (path + (i,), loops)
                sites.append(site)
        return sites

    def freeze_header(self, st):
        """Copy a branch test or loop bounds that the statement's own body reassigns.

        The backward sweep evaluates an `if` test (or `range` bounds) before it undoes
        the body, so it must read a variable the body leaves alone.
        """
        if isinstance(st, A.If):
            parts = [("test", st.test)]
        elif isinstance(st, A.For):
            parts = [(i, a) for i, a in enumerate(A.anno(st, "range") or [])]
        else:
            return []
        inner = {d for s in flow.all_stmts(st.body + getattr(st, "orelse", [])) for d in flow.defs(s)}
        out = []
        for where, expr in parts:
            if not set(A.names_in(expr, load_only=True)) & inner:
                continue
            name = self.namer.fresh("_cond" if where == "test" else "_bound")
            node = A.assign(A.store(name), A.copy_node(expr))
            A.set_anno(node, "origin", A.anno(st, "origin") or st)
            out.append(Site(fwd=node, origin=A.anno(st, "origin") or st, defs=[name]))
            if where == "test":
                st.test = A.name(name)
            else:
                args = A.anno(st, "range")
                args[where] = A.name(name)
                st.iter.args[where] = A.name(name)
        return out

    def stmt(self, st, loops, path):
        origin = A.anno(st, "origin") or st
        site = Site(fwd=st, origin=origin)
        if isinstance(st, A.If):
            site.blocks = [self.block(st.body, loops, path + (0,)), self.block(st.orelse, loops, path + (1,))]
            site.header_reads = set(A.names_in(st.test, load_only=True))
            site.bwd = [A.if_(A.copy_node(st.test), [], [])]
            return site
        if isinstance(st, (A.For, A.While)):
            return self.loop(st, site, loops + (st,), path)
        if isinstance(st, A.Return):
            return None
        if isinstance(st, (A.Break, A.Pass)):
            return site
        p = prim(st)
        site.defs = [d for d in flow.defs(st) if not isinstance(st, A.AugAssign)]
        if p is None:
            return site                        # opaque: forward only
        site.result = p.result
        self.primitive(st, p, site, in_loop=bool(loops))
        return site

    def loop(self, st, site, loops, path):
        brk = A.anno(st, "break_flag")
        body_sites = self.block(st.body, loops, path + (0,))
        site.blocks = [body_sites]
        counter = None
        if isinstance(st, A.While) or brk:
            counter = self.namer.fresh("_count")
            init = A.assign(A.store(counter), A.const(0))
            A.set_anno(init, "origin", site.origin)
            incr = A.augassign(A.store(counter), "+", A.const(1))
            A.set_anno(incr, "origin", site.origin)
            site.pre.append(init)
            inc_site = Site(fwd=incr, origin=site.origin, defs=[], position=((), loops))
            body_sites.insert(0, inc_site)
            site.counter = counter
        if isinstance(st, A.For):
            site.loop_target = st.target.id
            args = A.anno(st, "range")
            rng = A.call(A.copy_node(st.iter.func), [A.copy_node(a) for a in args])
            if A.anno(st, "range_builtin") or A.anno(st.iter.func, "global"):
                rng = A.call(builtin_ref("range"), [A.copy_node(a) for a in args])
            if counter:
                rng = A.subscript(rng, A.slice_(None, A.name(counter), None))
            site.header_reads |= set(n for a in args for n in A.names_in(a, load_only=True))
            back = A.for_(A.store(st.target.id), A.call(builtin_ref("reversed"), [rng]), [])
        else:
            k = self.namer.fresh("_")
            back = A.for_(A.store(k), A.call(builtin_ref("range"), [A.name(counter)]), [])
        site.bwd = [back]
        return site

    # --- primitives ---------------------------------------------------------------------------

    def primitive(self, st, p, site, in_loop=False):
        t = p.target
        result_active = p.result is not None and p.result in self.active and not isinstance(st, A.AugAssign)
        if t.kind == "copy":
            src = p.args[0]
            if A.is_name(src) and src.id == p.result:
                return                          # `x = x` changes nothing, its adjoint included
            if result_active:
                code = []
                if self.adj(src):
                    code.append(self.acc(src.id, A.name(self.namer.adjoint(p.result))))
                site.bwd = code
                site.resets = [self.reset(p.result)]
            return
        if t.kind in ("user", "lifted"):
            if result_active:
                self.user_call(st, p, site, in_loop)
            return
        mutation = p.result is None or isinstance(st, A.AugAssign)
        site.mutation = mutation
        if not result_active and not (mutation and self._mutation_active(p)):
            return
        nondiff = t.kind == "nondiff" or (t.rule is not None and t.rule.nondiff)
        if t.kind == "unknown" or t.rule is None or (t.rule.reverse is None and not t.rule.variants):
            if not nondiff and any(self.adj(a) for a in p.args + list(p.keywords.values())):
                what = t.label or "this call"
                raise self.located_error(
                    NoTemplateError, site,
                    f"no derivative template for `{what}`, and srcgrad cannot read its source",
                    hint="hint: register one with @srcgrad.adjoint, or mark it with "
                         "srcgrad.nondifferentiable if no gradient should flow through it")
            if result_active:
                site.resets = [self.reset(p.result)]
            return
        rule = t.rule
        if _squares(rule, p, self.kind):      # x * x or v @ v: one contribution, 2 * x, not two
            rule = lookup(np.square)
            p = Prim(p.target, p.args[:1], {}, p.result)
        arg_kinds = [self.kind(a) for a in p.args]
        tpl = choose(rule.variants, rule.reverse, arg_kinds, p.args)
        if tpl is None:
            if any(self.adj(a) for a in p.args + list(p.keywords.values())):
                raise self.located_error(
                    NoTemplateError, site,
                    f"no derivative template for `{t.label}` with these argument kinds "
                    f"({', '.join(arg_kinds)})")
            return
        positional = list(p.args)
        try:
            mapping, extra = bind(tpl, positional, dict(p.keywords))
        except BindError as exc:
            raise self.located_error(NoTemplateError, site, f"`{t.label}`: {exc}") from None
        missing = missing_derivative(rule, tpl, mapping, extra, self.adj)
        if missing is not None:
            raise self.located_error(
                NoTemplateError, site,
                f"`{t.label}` has no derivative with respect to its argument `{missing}`, "
                "which carries gradient here",
                hint="hint: pass it through srcgrad.stop_gradient if no gradient should flow, "
                     "or register a template that covers it with @srcgrad.adjoint")
        elide = elidable(rule, tpl, mapping, lambda o: self.kind(o) == NUM)
        if (in_loop or self.unit.hot) and self.unit.shapes:
            elide |= self.same_shape(rule, tpl, mapping, p.result, elide)
        if rule.key == constructs.SETITEM and self.kind(p.args[2]) == NUM and \
                _index_rank(self.kind(p.args[0]), p.args[1], self.kinds, self.info) == 0:
            elide.add("v")                    # a scalar stored into one element
        result = A.name(p.result) if p.result is not None and not mutation else None
        code = expand(tpl, result, mapping, extra, self.adj, self.namer, frozenset(elide))
        for node in code:
            info = A.anno(node, "adjoint")
            if info is not None:
                var, mode = info
                A.set_anno(node, "adjoint", (var, mode, self.kinds.get(var)))
        site.bwd = code
        if result_active and not mutation:
            site.resets = [self.reset(p.result)]

    def same_shape(self, rule, tpl, mapping, result, elide):
        """Parameters that have the result's shape by the call's shape pattern (in a loop,
        where an `unbroadcast` per iteration is worth a pattern check per call)."""
        shapes = self.unit.shapes
        want = shapes.get(result)
        if not isinstance(want, tuple) or ANY in want:
            return set()
        more = {q for q in elementwise_params(rule, tpl) if q not in elide and A.is_name(mapping.get(q))
                and shapes.get(mapping[q].id) == want and self.adj(mapping[q])}
        if more:
            self.unit.shaped = True
        return more

    def _mutation_active(self, p):
        return any(isinstance(a, A.Name) and a.id in self.active for a in p.args)

    def acc(self, var, value):
        node = A.assign(A.store(self.namer.adjoint(var)), value)
        A.set_anno(node, "adjoint", (var, "acc", self.kinds.get(var)))
        return node

    def user_call(self, st, p, site, in_loop=False):
        """A call into another user function: its own forward/backward pair."""
        target = p.target
        try:
            callee, bound, defaults = callees.bind(p)
        except TypeError as exc:
            raise self.located_error(NoTemplateError, site, f"call to `{target.label}`: {exc}") from None
        fwd_args, fwd_kw = list(p.args), dict(p.keywords)
        wrt = tuple(name for name, node in bound.items() if self.adj(node))
        kinds = callees.kinds_of(bound, defaults, self.kind)
        fwd_ref, bwd_ref = self.ctx.request(callee, wrt, kinds, pattern=A.anno(st, "callee_pattern", ()),
                                            hot=in_loop or self.unit.hot)
        tape = self.namer.numbered("tape_")
        self.tapes += 1
        new_call = A.Call(func=fwd_ref, args=fwd_args,
                          keywords=[A.keyword(k, v) for k, v in fwd_kw.items()])
        node = A.assign(A.tuple_([A.store(p.result), A.store(tape)], ctx="store"), new_call)
        A.set_anno(node, "origin", A.anno(st, "origin"))
        if target.kind == "user" and isinstance(st, A.Assign) and isinstance(st.value, A.Call):
            A.set_anno(node, "plain", A.copy_node(st.value.func))     # if the tape goes unread
        site.fwd = node
        site.defs = [p.result, tape]
        grads = [self.namer.fresh("g_" + w) for w in wrt]
        target_node = A.store(grads[0]) if len(grads) == 1 else A.tuple_([A.store(g) for g in grads], "store")
        back = A.assign(target_node, A.call(bwd_ref, [A.name(tape), A.name(self.namer.adjoint(p.result))]))
        code = [back]
        for w, g in zip(wrt, grads):
            code.append(self.acc(bound[w].id, A.name(g)))
        site.bwd = code
        site.resets = [self.reset(p.result)]

    # --- what the backward sweep reads ----------------------------------------------------

    def collect_reads(self, sites, fwd_vars):
        adjoints = set(self.namer.adjoints().values())
        for site in sites:
            for block in site.blocks:
                self.collect_reads(block, fwd_vars)
            if site.blocks:
                site.header_all = set(site.header_reads) | getattr(site, "header_all", set())
                site.keep = any(_has_bwd(s) for b in site.blocks for s in b)
                if not site.keep:
                    site.header_reads = set()     # the backward drops this branch or loop
                continue
            value, shape = _reads(site.bwd, fwd_vars - adjoints - self.recomputed)
            every = value | shape
            own = set(site.defs) if not site.mutation else set()
            site.reads_after = every & own
            site.reads_before = every - site.reads_after
            # a shape read sees a rebinding `x += y` (x a number, y an array) change it
            site.value_reads = value | {v for v in shape if not is_array(self.kinds.get(v))}

    def snapshots(self, sites):
        """Copy values that a later in-place update would change before the backward reads them."""
        out = []
        mutated = self.aliases.mutated_names
        for site in sites:
            site.blocks = [self.snapshots(b) for b in site.blocks]
            if site.blocks or not mutated:
                out.append(site)
                continue
            before = []
            for v in sorted(site.value_reads & mutated):
                if self.kinds.get(v) == NUM:
                    continue
                is_result = v in site.reads_after
                if not self.aliases.changed_after(v, site.position, strictly=is_result or not site.mutation):
                    continue
                copy_name = self.namer.fresh(v.lstrip("_") + "_old")
                node = A.assign(A.store(copy_name), A.call(helper("snapshot"), [A.name(v)]))
                A.set_anno(node, "origin", site.origin)
                snap = Site(fwd=node, origin=site.origin, position=site.position, defs=[copy_name])
                for st in site.bwd:
                    A.rename_loads(st, {v: copy_name})
                if is_result:
                    # the copy of this site's own result is taken right after it, as part of
                    # the site: its adjoint reads the copy, and a save of the copy is popped
                    # only after that adjoint has run
                    site.post.append(node)
                    site.defs = list(site.defs) + [copy_name]
                    site.reads_after = (site.reads_after - {v}) | {copy_name}
                else:
                    before.append(snap)
                    site.reads_before = (site.reads_before - {v}) | {copy_name}
            out.extend(before)
            out.append(site)
        return out

    # --- the to-be-recorded analysis ------------------------------------------------------------

    def tbr(self, sites, rs, saves, multi_defs, in_loop=False):
        """Walk forward; `rs` holds variables whose current value the backward has read.

        A variable assigned while its current value has been read must be pushed
        before the assignment and popped back after its adjoint.
        """
        for site in sites:
            node = site.fwd
            rs = rs | self.read_anywhere        # empty unless the analysis is switched off
            if isinstance(node, A.If):
                rs = rs | site.header_reads
                r1 = self.tbr(site.blocks[0], rs, saves, multi_defs, in_loop)
                r2 = self.tbr(site.blocks[1], rs, saves, multi_defs, in_loop)
                rs = r1 | r2
            elif isinstance(node, (A.For, A.While)):
                rs = rs | site.header_reads
                for v in (site.loop_target, site.counter):
                    if v and v in rs:
                        saves.add((id(site), v))
                head = rs - {site.loop_target, site.counter}
                while True:
                    end = self.tbr(site.blocks[0], head, saves, multi_defs, True)
                    new = (head | end) - {site.loop_target}
                    if new == head:
                        break
                    head = new
                rs = head | end
                if site.counter and site.keep:
                    rs = rs | {site.counter}
            else:
                rs = rs | site.reads_before
                for v in site.defs:
                    mirror = v in self.aliases.appended and (in_loop or v in multi_defs)
                    if v in rs or mirror:
                        saves.add((id(site), v))
                rs = (rs - set(site.defs)) | site.reads_after
        return rs

    # --- assembly ----------------------------------------------------------------------------------

    def build(self):
        fn = self.fn
        params = A.param_names(fn)
        ret = fn.body[-1]
        ret_atom = ret.value
        sites = self.block(fn.body[:-1])

        fwd_vars = set(params) | {d for st in flow.all_stmts(fn.body) for d in flow.defs(st)}
        fwd_vars |= {n for site, _, _ in _walk_sites(sites) for n in site.defs}
        fwd_vars |= {s.counter for s, _, _ in _walk_sites(sites) if s.counter}
        off = self.ctx.options.get("disable", ())
        self.recomputed = recompute(sites, self.kinds, self.namer.temps) if "recompute" not in off else set()
        self.collect_reads(sites, fwd_vars)
        sites = self.snapshots(sites)
        fwd_vars |= {n for site, _, _ in _walk_sites(sites) for n in site.defs}

        mirrors = sorted(v for v in self.aliases.appended if v in self.active)
        def_count = {}
        for site, _, _ in _walk_sites(sites):
            for v in site.defs:
                def_count[v] = def_count.get(v, 0) + 1
        multi = {v for v, n in def_count.items() if n > 1 or v in params}
        self.read_anywhere = set()
        if "tbr" in self.ctx.options.get("disable", ()):     # for measurement: save every read value
            for site, _, _ in _walk_sites(sites):
                self.read_anywhere |= site.reads_before | site.reads_after | set(site.header_reads)
        while True:
            saves = set()
            end_rs = self.tbr(sites, set(), saves, multi)
            # a branch or loop the backward would drop must stay if it pops saved values
            revived = False
            for site, _, _ in _walk_sites(sites):
                if site.blocks and not site.keep and _saves_inside(site, saves):
                    site.keep, site.header_reads, revived = True, set(site.header_all), True
            if not revived:
                break

        reads = set(mirrors)
        for site, _, _ in _walk_sites(sites):
            reads |= site.reads_before | site.reads_after | site.header_reads
            if site.counter and site.keep:
                reads.add(site.counter)
        stack_used = bool(saves)
        names = self.unit.names
        push, pop, stack = names["push"], names["pop"], names["stack"]
        # Code that will be differentiated again calls the list methods directly
        # (`stack.append(v)`, `stack.pop()`): they have tangent templates, bound-method
        # aliases have none.
        plain = self.ctx.options.get("plain_stack", False)

        def push_call(v):
            func = A.attr(A.name(stack), "append") if plain else A.name(push)
            return A.call(func, [A.name(v)])

        def pop_call():
            return A.call(A.attr(A.name(stack), "pop") if plain else A.name(pop), [])

        # pushes before the assignment, pops after the adjoint
        for site, _, _ in _walk_sites(sites):
            saved = [v for v in site.defs if (id(site), v) in saves]
            loop_saved = [v for v in (site.loop_target, site.counter) if v and (id(site), v) in saves]
            pushes = [A.expr_stmt(push_call(v)) for v in loop_saved + saved]
            for node, v in zip(pushes, loop_saved + saved):
                A.set_anno(node, "save", (id(site), v))
            site.pre = pushes + site.pre
            pops = [A.assign(A.store(v), pop_call()) for v in reversed(loop_saved + saved)]
            for node, v in zip(pops, reversed(loop_saved + saved)):
                A.set_anno(node, "pop", True)
                A.set_anno(node, "save", (id(site), v))
            site.bwd_post = pops + site.bwd_post

        # variables that may be unset when they are pushed or packed into the tape
        order = list(params)
        for site, _, _ in _walk_sites(sites):
            loop_vars = [v for v in (site.loop_target, site.counter) if v]
            for v in loop_vars + site.defs:
                if v not in order:
                    order.append(v)
        pushed_early = self._pushed_unset(sites, set(params))
        assigned_at_end = self._definitely(sites, set(params))
        tape_vars = [v for v in order if v in reads]
        unset = [v for v in order if (v in pushed_early) or (v in reads and v not in assigned_at_end)]
        fwd_body = [A.assign(A.store(v), A.const(None)) for v in unset]
        if stack_used:
            setup = [A.assign(A.store(stack), A.list_([]))]
            if not plain:
                setup.append(A.assign(A.store(push), A.attr(A.name(stack), "append")))
            for st in setup:
                A.set_anno(st, "stack_setup", True)
            fwd_body += setup
        fwd_body += _flatten_fwd(sites)
        tape_items = [A.name(v) for v in tape_vars] + ([A.name(stack)] if stack_used else [])
        fwd_body.append(A.return_(A.tuple_([A.copy_node(ret_atom), A.tuple_(tape_items)])))
        positional = [p.id for p in fn.args.posonlyargs + fn.args.args]
        forward = A.function(self.unit.forward_name, positional, fwd_body,
                             defaults=[A.copy_node(d) for d in fn.args.defaults],
                             kwonly=[p.id for p in fn.args.kwonlyargs],
                             kw_defaults=[A.copy_node(d) if d is not None else None
                                          for d in fn.args.kw_defaults])
        A.set_anno(forward, "unit", self.unit)

        # backward
        out_adj = self.adj(ret_atom) if isinstance(ret_atom, A.Name) else None
        seed = out_adj or names["d_out"]
        bwd_body = []
        if tape_items:
            target = A.tuple_([A.store(v) for v in tape_vars] + ([A.store(stack)] if stack_used else []),
                              ctx="store")
            if len(tape_items) == 1:
                target = A.tuple_([target.elts[0]], ctx="store")
            bwd_body.append(A.assign(target, A.name(names["tape"])))
        if stack_used:
            copy = A.call(builtin_ref("list"), [A.name(stack)])      # the tape outlives a backward
            bwd_body.append(A.assign(A.store(stack), copy) if plain
                            else A.assign(A.store(pop), A.attr(copy, "pop")))
            A.set_anno(bwd_body[-1], "stack_setup", True)
        for m in mirrors:
            node = self.reset(m)
            if self.namer.adjoint(m) == seed:     # the list returned: its slots start as the seed
                node = A.assign(A.store(seed), A.call(helper("seed_list"), [A.name(m), A.name(seed)]))
            A.set_anno(node, "reset", None)
            bwd_body.append(node)
        bwd_body += _flatten_bwd(sites)
        grads = []
        for w in self.unit.wrt:
            grads.append(A.name(self.namer.adjoint(w)) if w in self.active else A.const(0))
        bwd_body.append(A.return_(grads[0] if len(grads) == 1 else A.tuple_(grads)))
        backward = A.function(self.unit.backward_name, [names["tape"], seed], bwd_body)
        A.set_anno(backward, "seed", seed)
        A.set_anno(backward, "unit", self.unit)
        return forward, backward, end_rs

    def _pushed_unset(self, sites, start):
        """Variables pushed at a point where they may not have been assigned yet."""
        out = set()
        self._unset_walk(sites, set(start), out)
        return out

    def _unset_walk(self, sites, state, out):
        for site in sites:
            for node in site.pre:
                if isinstance(node, A.Expr) and isinstance(node.value, A.Call):
                    for a in node.value.args:
                        if isinstance(a, A.Name) and a.id not in state:
                            out.add(a.id)
                state = state | set(flow.defs(node))
            if isinstance(site.fwd, A.If):
                state = self._unset_walk(site.blocks[0], state, out) & \
                    self._unset_walk(site.blocks[1], state, out)
            elif site.blocks:
                inner = state | ({site.loop_target} if site.loop_target else set())
                self._unset_walk(site.blocks[0], inner, out)
                self._unset_walk(site.blocks[0], inner | self._definitely(site.blocks[0], inner), out)
            else:
                state = state | set(site.defs)
        return state

    def _definitely(self, sites, state):
        for site in sites:
            for node in site.pre:
                state = state | set(flow.defs(node))
            if isinstance(site.fwd, A.If):
                state = self._definitely(site.blocks[0], state) & self._definitely(site.blocks[1], state)
            elif site.blocks:
                pass
            else:
                state = state | set(site.defs)
        return state


def _saves_inside(site, saves):
    return any((id(s), v) in saves for s, _, _ in _walk_sites([site]) if s is not site
               for v in s.defs + [s.loop_target, s.counter] if v)


def _has_bwd(site):
    if site.blocks:
        return any(_has_bwd(s) for b in site.blocks for s in b)
    return bool(site.bwd or site.bwd_post or site.resets)


def _walk_sites(sites, loops=()):
    for site in sites:
        yield site, None, loops
        for block in site.blocks:
            yield from _walk_sites(block, loops)


def _squares(rule, p, kind_of):
    """x * x, or v @ v for a vector v (whose adjoint is also d * 2 * v)."""
    if len(p.args) != 2 or p.keywords or not all(A.is_name(a) for a in p.args) \
            or p.args[0].id != p.args[1].id:
        return False
    if rule.key in (operator.mul, np.multiply):
        return True
    return rule.key in (operator.matmul, np.matmul, np.dot, np.inner) and kind_of(p.args[0]) == array(1)


def _flatten_fwd(sites):
    out = []
    for site in sites:
        out.extend(site.pre)
        node = site.fwd
        if isinstance(node, A.If):
            node.body = _flatten_fwd(site.blocks[0]) or [A.pass_()]
            node.orelse = _flatten_fwd(site.blocks[1])
        elif isinstance(node, (A.For, A.While)):
            node.body = _flatten_fwd(site.blocks[0]) or [A.pass_()]
        out.append(node)
        out.extend(site.post)
    return out


def _flatten_bwd(sites):
    out = []
    for site in reversed(sites):
        code = site.bwd
        if site.blocks and code:
            node = code[0]
            if isinstance(node, A.If):
                body = _flatten_bwd(site.blocks[0])
                orelse = _flatten_bwd(site.blocks[1])
                if body or orelse:
                    node.body = body or [A.pass_()]
                    node.orelse = orelse
                    A.set_anno(node, "origin", site.origin)
                    out.append(node)
            else:
                body = _flatten_bwd(site.blocks[0])
                if body:
                    node.body = body
                    A.set_anno(node, "origin", site.origin)
                    out.append(node)
        else:
            for st in code:
                if A.anno(st, "origin") is None:
                    A.set_anno(st, "origin", site.origin)
            out.extend(code)
        for st in site.bwd_post + site.resets:
            A.set_anno(st, "origin", site.origin)
        out.extend(site.bwd_post)
        out.extend(site.resets)
    return out


_SHAPE_FUNCS = None


def _reads(stmts, fwd_vars):
    """(value reads, shape-only reads) of forward variables in backward code."""
    import numpy as np
    global _SHAPE_FUNCS
    if _SHAPE_FUNCS is None:
        import builtins
        _SHAPE_FUNCS = {np.shape, np.ndim, np.size, builtins.len, runtime.grad_dtype}
    value, shape = set(), set()
    for st in stmts:
        _read(st, fwd_vars, value, shape, False)
    return value, shape


def _read(node, fwd_vars, value, shape, shape_ctx):
    """Add the forward variables `node` reads to `value`, or to `shape` where only the
    shape is read."""
    if isinstance(node, A.Name):
        if isinstance(node.ctx, A.Load) and node.id in fwd_vars:
            (shape if shape_ctx else value).add(node.id)
        return
    if isinstance(node, A.Attribute) and node.attr in ("shape", "ndim", "dtype", "size"):
        _read(node.value, fwd_vars, value, shape, True)
        return
    if isinstance(node, A.Call):
        obj = A.anno(node.func, "global")
        positions = ()
        if obj in _SHAPE_FUNCS:
            positions = range(len(node.args))
        elif obj is not None:
            try:
                positions = runtime.SHAPE_ONLY.get(obj, ())
            except TypeError:
                positions = ()
        _read(node.func, fwd_vars, value, shape, False)
        for i, a in enumerate(node.args):
            _read(a, fwd_vars, value, shape, i in positions)
        for k in node.keywords:
            _read(k.value, fwd_vars, value, shape, False)
        return
    for child in A.iter_child_nodes(node):
        _read(child, fwd_vars, value, shape, False)
