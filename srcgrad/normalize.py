"""Lower a function to normal form: one operation per statement.

After `normalize(...)` the body holds only these statements, where an *atom*
is a Name, a Constant or a dotted reference to a module-level value (`np.pi`):

    v = atom                              copy
    v = <primitive>(atoms)                operator, call, attribute read, subscript read,
                                          tuple/list/dict display
    a[index] = atom                       subscript write
    a op= atom                            in-place update of a name (+ - * /)
    a.append(atom)                        call statement of a mutating method
    if atom: ... else: ...
    for v in range(atoms): ...
    while atom: ...                       (test statements in the 'cond' annotation)
    break / continue / return atom        (lowered later by controlflow)
    opaque statements                     kept verbatim, forward only (print, assert,
                                          raise, attribute stores, nested defs)

Every primitive statement carries a `Prim` annotation (its target, arguments,
keywords and result name) and every statement an 'origin': the user statement
it came from.  No primitive's result name appears among its own arguments.
"""

import builtins
import functools
from dataclasses import dataclass, field

from . import astlib as A
from . import parse as P
from .closures import assigned_names
from .fence import error_at
from .rules import constructs

_INPLACE = {"+", "-", "*", "/"}


@dataclass
class Prim:
    target: object                 # parse.Target
    args: list                     # atom nodes (index expressions for subscripts)
    keywords: dict = field(default_factory=dict)
    result: str | None = None      # name assigned, None for statements

    @property
    def rule(self):
        return self.target.rule


def prim(node):
    return A.anno(node, "prim")


def is_atom(node):
    return isinstance(node, (A.Name, A.Constant)) or (
        isinstance(node, A.Attribute) and A.anno(node, "static", False))


def is_slice(node):
    """A slice in an index of the normal form (`x[a:b]` is `x[slice(a, b, None)]`)."""
    return isinstance(node, A.Call) and A.anno(node.func, "global") is slice


def builtin_ref(name):
    """A reference to a builtin that user globals cannot shadow."""
    node = A.name(name)
    A.set_anno(node, "global", getattr(builtins, name))
    A.set_anno(node, "global_name", name)
    return node


def normalize(info, namer, lifted, guards):
    n = _Normalizer(info, namer, lifted, guards)
    body = n.block(info.tree.body)
    fn = A.copy_node(info.tree)
    fn.body = body
    return fn


class _Normalizer:
    def __init__(self, info, namer, lifted, guards):
        self.info = info
        self.namer = namer
        self.lifted = lifted
        self.guards = guards
        self.locals = set(assigned_names(info.tree))
        self.out = None
        self.origin = None

    @functools.cached_property
    def resized(self):
        """Names a method call or an augmented assignment may grow or change in place."""
        out = set()
        for n in A.walk(self.info.tree):
            if isinstance(n, A.Call) and isinstance(n.func, A.Attribute) \
                    and A.is_name(n.func.value) and n.func.attr in A.MUTATING_METHODS:
                out.add(n.func.value.id)
            elif isinstance(n, A.AugAssign) and A.is_name(n.target):
                out.add(n.target.id)
        return out

    # --- plumbing -------------------------------------------------------------

    def error(self, node, msg, hint=None):
        return error_at(self.info, node, msg, hint)

    def emit(self, node):
        if A.anno(node, "origin") is None:
            A.set_anno(node, "origin", self.origin)
        self.out.append(node)
        return node

    def block(self, stmts):
        saved, self.out = self.out, []
        for st in stmts:
            saved_origin = self.origin
            self.origin = st if getattr(st, "lineno", None) is not None else self.origin
            self.stmt(st)
            self.origin = saved_origin
        body, self.out = self.out, saved
        return body

    def capture(self, fn):
        saved, self.out = self.out, []
        result = fn()
        stmts, self.out = self.out, saved
        return stmts, result

    def temp(self):
        name = self.namer.temp()
        self.locals.add(name)
        return name

    def emit_prim(self, target_name, value, target, args, keywords=None):
        node = A.assign(A.store(target_name), value)
        A.set_anno(node, "prim", Prim(target, list(args), dict(keywords or {}), target_name))
        return self.emit(node)

    # --- statements -----------------------------------------------------------------

    def stmt(self, node):
        method = getattr(self, "stmt_" + type(node).__name__, None)
        if method is None:
            raise self.error(node, f"{type(node).__name__} statement is not supported by srcgrad")
        method(node)

    def stmt_Expr(self, node):
        v = node.value
        if isinstance(v, A.Constant):
            return                                   # docstring or bare constant
        if isinstance(v, A.Call) and isinstance(v.func, A.Attribute) \
                and not P.is_static_path(self.info, v.func, self.locals):
            recv = v.func.value
            if isinstance(recv, A.Name) and recv.id in self.locals:
                attr = v.func.attr
                target = P.method_target(attr)
                count = constructs.LIST_METHODS.get(attr)
                if target.kind == "rule" and count is not None:
                    if len(v.args) != count or v.keywords:
                        raise self.error(v, f"list.{attr} takes exactly {count} positional "
                                            "argument(s)")
                    args = list(v.args)
                    if attr == "extend" and not isinstance(args[0], (A.List, A.Tuple)):
                        args[0] = A.call(builtin_ref("list"), [args[0]])    # any iterable, once
                    args = [self.atom(a) for a in args]
                    st = self.emit(A.expr_stmt(A.call(A.attr(A.name(recv.id), attr), args)))
                    A.set_anno(st, "prim", Prim(target, [A.name(recv.id)] + args))
                    return
                # another method called for its effect, e.g. x.sort(): opaque, but it may mutate
                st = self.emit(A.copy_node(node))
                A.set_anno(st, "opaque", "method")
                A.set_anno(st, "mutates", recv.id)
                return
        st = self.emit(A.copy_node(node))
        A.set_anno(st, "opaque", "expr")

    def stmt_Pass(self, node):
        pass

    def stmt_Assert(self, node):
        A.set_anno(self.emit(A.copy_node(node)), "opaque", "assert")

    def stmt_Raise(self, node):
        A.set_anno(self.emit(A.copy_node(node)), "opaque", "raise")

    def stmt_FunctionDef(self, node):
        A.set_anno(self.emit(A.copy_node(node)), "opaque", "def")

    def stmt_Break(self, node):
        self.emit(A.break_())

    def stmt_Continue(self, node):
        self.emit(A.Continue())

    def stmt_Return(self, node):
        value = self.atom(node.value) if node.value is not None else A.const(None)
        self.emit(A.return_(value))

    def stmt_AnnAssign(self, node):
        if node.value is None:
            return
        self.assign_to(node.target, node.value)

    def stmt_Assign(self, node):
        if len(node.targets) == 1:
            self.assign_to(node.targets[0], node.value)
            return
        value = self.atom(node.value)
        for t in node.targets:
            self.assign_to(t, value)

    def stmt_AugAssign(self, node):
        sym = A.op_symbol(node.op)
        t = node.target
        if isinstance(t, A.Name):
            value = self.atom(node.value)
            if sym in _INPLACE:
                if A.is_name(value, t.id):           # x += x: read the value once
                    tmp = self.temp()
                    self.emit_copy(tmp, value)
                    value = A.name(tmp)
                st = self.emit(A.augassign(A.store(t.id), sym, value))
                A.set_anno(st, "prim", Prim(P.construct_target(f"inplace:{sym}", f"x {sym}= y"),
                                            [A.name(t.id), value], {}, t.id))
            else:
                self.assign_to(A.store(t.id), A.binop(A.name(t.id), sym, node.value))
            return
        if isinstance(t, A.Subscript):
            base = self.atom(t.value)
            index = self.index(t.slice)
            cur = self.temp()
            st = self.emit_prim(cur, A.subscript(base, index),
                                P.construct_target(constructs.GETITEM, "x[i]"), [base, self.index_expr(index)])
            if sym in _INPLACE:         # an array item of a list or dict is changed in place
                A.set_anno(st, "augmented", True)
            new = self.temp()
            self.expr_into(A.binop(A.name(cur), sym, node.value), new)
            self.setitem(base, index, A.name(new))
            return
        st = self.emit(A.copy_node(node))            # obj.attr += v
        A.set_anno(st, "opaque", "attribute")
        A.set_anno(st, "stores", node.value)

    def stmt_If(self, node):
        test = self.atom(node.test)
        body = self.block(node.body) or []
        orelse = self.block(node.orelse) or []
        self.emit(A.if_(test, body, orelse))

    def stmt_While(self, node):
        cond_stmts, test = self.capture(lambda: self.atom(node.test))
        for s in cond_stmts:
            self.emit(s)
        loop = A.while_(test, self.block(node.body))
        A.set_anno(loop, "cond", cond_stmts)
        self.emit(loop)

    def stmt_For(self, node):
        it = node.iter
        kind, fn = self.loop_kind(it)
        if kind == "range":
            if not isinstance(node.target, A.Name):
                raise self.error(node.target, "a `for` over range() needs a single loop variable")
            args = [self.atom(a) for a in it.args]
            if it.keywords:
                raise self.error(it, "range() takes no keyword arguments")
            loop = A.for_(A.store(node.target.id), A.call(A.copy_node(it.func), args), self.block(node.body))
            A.set_anno(loop, "range", args)
            self.emit(loop)
            return
        # everything else becomes a loop over indices
        if kind == "enumerate":
            iterables = [it.args[0]]
            start = self.atom(it.keywords[0].value) if it.keywords else (
                self.atom(it.args[1]) if len(it.args) > 1 else A.const(0))
        elif kind in ("zip", "reversed"):
            iterables = it.args
        else:
            iterables = [it]
        # a dict, a set or a generator is walked through a list of what it yields (lists,
        # tuples and arrays are indexed as they are)
        seqs = []
        for iterable in iterables:
            tmp = self.temp()
            self.emit_sequence(tmp, self.atom(iterable))
            seqs.append(A.name(tmp))
        lengths = []
        for s in seqs:
            n = self.temp()
            self.emit_prim(n, A.call(builtin_ref("len"), [s]), P.classify(builtins.len, "len"), [s])
            lengths.append(A.name(n))
        if len(lengths) > 1:
            n = self.temp()
            self.emit_prim(n, A.call(builtin_ref("min"), lengths), P.Target("nondiff", label="min"),
                           lengths)
            count = A.name(n)
        else:
            count = lengths[0]
        idx = self.namer.fresh("_i")
        self.locals.add(idx)
        if kind == "reversed":
            last = self.temp()
            self.emit_prim(last, A.binop(count, "-", A.const(1)), P.Target("nondiff", label="-"),
                           [count, A.const(1)])
            range_args = [A.name(last), A.const(-1), A.const(-1)]
        else:
            range_args = [count]

        def body():
            saved_origin = self.origin
            self.origin = node
            items = []
            for s in seqs:
                items.append(A.subscript(s, A.name(idx)))
            if kind == "enumerate":
                counter = A.binop(A.name(idx), "+", start) if not (A.is_const(start) and start.value == 0) \
                    else A.name(idx)
                items = [counter] + items
            value = items[0] if len(items) == 1 else A.tuple_(items)
            head, _ = self.capture(lambda: self.assign_to(node.target, value))
            self.origin = saved_origin
            return head + self.block(node.body)

        stmts = body()
        loop = A.for_(A.store(idx), A.call(builtin_ref("range"), range_args), stmts)
        A.set_anno(loop, "range", range_args)
        A.set_anno(loop, "range_builtin", True)
        self.emit(loop)

    def loop_kind(self, it):
        if isinstance(it, A.Call) and not it.keywords or (
                isinstance(it, A.Call) and len(it.keywords) == 1 and it.keywords[0].arg == "start"):
            found, obj = P.resolve_static(self.info, it.func, self.locals, self.guards)
            if found:
                if obj is builtins.range:
                    return "range", obj
                if obj is builtins.enumerate and 1 <= len(it.args) <= 2:
                    return "enumerate", obj
                if obj is builtins.zip and it.args and not it.keywords:
                    return "zip", obj
                if obj is builtins.reversed and len(it.args) == 1 and not it.keywords:
                    return "reversed", obj
        return "other", None

    # --- assignment -----------------------------------------------------------------

    def assign_to(self, target, value):
        if isinstance(target, A.Name):
            self.expr_into(value, target.id)
        elif isinstance(target, (A.Tuple, A.List)):
            self.unpack(target, value)
        elif isinstance(target, A.Subscript):
            base = self.atom(target.value)
            index = self.index(target.slice)
            v = self.atom(value)
            self.setitem(base, index, v)
        elif isinstance(target, A.Attribute):
            v = self.atom(value)
            node = A.assign(A.copy_node(target), v)
            st = self.emit(node)
            A.set_anno(st, "opaque", "attribute")
            A.set_anno(st, "stores", v)
        else:
            raise self.error(target, f"assignment to {type(target).__name__} is not supported by srcgrad")

    def setitem(self, base, index, v):
        node = A.assign(A.subscript(base, index, "store"), v)
        A.set_anno(node, "prim", Prim(P.construct_target(constructs.SETITEM, "x[i] = v"),
                                      [base, self.index_expr(index), v]))
        self.emit(node)

    def unpack(self, target, value):
        elts = target.elts
        stars = [i for i, e in enumerate(elts) if isinstance(e, A.Starred)]
        if isinstance(value, (A.Tuple, A.List)) and len(value.elts) == len(elts) and not stars:
            # a, b = b, a: evaluate every right-hand item before assigning any name
            targets = {n for e in elts for n in A.names_in(e)}
            atoms = []
            for v in value.elts:
                a = self.atom(v)
                if isinstance(a, A.Name) and a.id in targets:
                    tmp = self.temp()
                    self.emit_copy(tmp, a)
                    a = A.name(tmp)
                atoms.append(a)
            for t, a in zip(elts, atoms):
                self.assign_to(t, a)
            return
        seq = self.atom(value)
        if isinstance(seq, A.Name) and any(seq.id in A.names_in(e) for e in elts):
            tmp = self.temp()
            self.emit_copy(tmp, seq)
            seq = A.name(tmp)
        after = len(elts) - (stars[0] + 1) if stars else 0
        for i, t in enumerate(elts):
            if isinstance(t, A.Starred):
                stop = A.const(-after) if after else A.const(None)
                part = A.subscript(seq, A.slice_(A.const(i), stop, None))
                self.assign_to(t.value, A.call(builtin_ref("list"), [part]))
                continue
            pos = i if not stars or i < stars[0] else i - len(elts)
            self.assign_to(t, A.subscript(seq, A.const(pos)))

    def emit_copy(self, name, atom):
        node = A.assign(A.store(name), atom)
        A.set_anno(node, "prim", Prim(P.Target("copy", label="="), [atom], {}, name))
        return self.emit(node)

    def emit_sequence(self, name, atom):
        """`name = sequence(atom)`: a value to index, passed on as it is (a copy to the
        analyses); its template serves only code generated from this code."""
        from . import runtime
        func = A.name("sequence")
        A.set_anno(func, "global", runtime.sequence)
        A.set_anno(func, "global_name", "sequence")
        self.emit_prim(name, A.call(func, [atom]), P.Target("copy", label="sequence"), [atom])

    # --- expressions ---------------------------------------------------------------------

    def atom(self, expr):
        if is_atom(expr):
            return A.copy_node(expr)
        if isinstance(expr, A.UnaryOp) and A.op_symbol(expr.op) in "-+" and A.is_const(expr.operand) \
                and isinstance(expr.operand.value, (int, float, complex)) \
                and not isinstance(expr.operand.value, bool):
            v = expr.operand.value
            return A.const(-v if A.op_symbol(expr.op) == "-" else v)
        if isinstance(expr, A.Attribute) and P.is_static_path(self.info, expr, self.locals) \
                and not isinstance(expr.ctx, A.Store):
            found, _ = P.resolve_static(self.info, expr, self.locals, self.guards)
            if found:
                node = A.copy_node(expr)
                A.set_anno(node, "static", True)
                return node
        name = self.temp()
        self.expr_into(expr, name)
        return A.name(name)

    def expr_into(self, expr, target):
        """Emit statements that leave the value of `expr` in the variable `target`."""
        if is_atom(expr) or (isinstance(expr, A.UnaryOp) and A.is_const(expr.operand)) or (
                isinstance(expr, A.Attribute) and P.is_static_path(self.info, expr, self.locals)):
            a = self.atom(expr)
            self.emit_copy(target, a)
            return
        if isinstance(expr, A.IfExp):
            self.lower_IfExp(expr, target)       # each branch assigns only after evaluating
            return
        if isinstance(expr, (A.BoolOp, A.ListComp, A.GeneratorExp)) or (
                isinstance(expr, A.Compare) and len(expr.ops) > 1):
            if target in self.namer.temps:
                getattr(self, "lower_" + type(expr).__name__)(expr, target)
                return
            tmp = self.temp()
            getattr(self, "lower_" + type(expr).__name__)(expr, tmp)
            if target in self.resized:   # a list of its own: `target.append` must not reach `tmp`
                self.assign_to(A.store(target), A.call(builtin_ref("list"), [A.name(tmp)]))
            else:
                self.emit_copy(target, A.name(tmp))
            return
        method = getattr(self, "expr_" + type(expr).__name__, None)
        if method is None:
            return self.opaque_into(expr, target)
        value, prim_target, args, keywords = method(expr)
        if any(A.is_name(a, target) for a in list(args) + list(keywords.values())):
            tmp = self.temp()
            self.emit_prim(tmp, value, prim_target, args, keywords)
            self.emit_copy(target, A.name(tmp))
        else:
            self.emit_prim(target, value, prim_target, args, keywords)

    def opaque_into(self, expr, target):
        node = A.assign(A.store(target), A.copy_node(expr))
        A.set_anno(node, "prim", Prim(P.Target("nondiff", label=type(expr).__name__), [], {}, target))
        A.set_anno(node, "opaque_reads", [n for n in A.names_in(expr, load_only=True)])
        self.emit(node)

    def expr_BinOp(self, e):
        left, right = self.atom(e.left), self.atom(e.right)
        sym = A.op_symbol(e.op)
        return (A.binop(left, sym, right), P.classify(_OPERATORS[sym], sym), [left, right], {})

    def expr_UnaryOp(self, e):
        operand = self.atom(e.operand)
        sym = A.op_symbol(e.op)
        return (A.unaryop(sym, operand), P.classify(_UNARY[sym], sym), [operand], {})

    def expr_Compare(self, e):
        left, right = self.atom(e.left), self.atom(e.comparators[0])
        sym = A.op_symbol(e.ops[0])
        return (A.compare(left, sym, right), P.Target("nondiff", label=sym), [left, right], {})

    def expr_Subscript(self, e):
        base = self.atom(e.value)
        index = self.index(e.slice)
        return (A.subscript(base, index), P.construct_target(constructs.GETITEM, "x[i]"),
                [base, self.index_expr(index)], {})

    def expr_Tuple(self, e):
        items = [self.atom(v) for v in e.elts]
        return A.tuple_(items), P.construct_target(constructs.TUPLE, "tuple"), items, {}

    def expr_List(self, e):
        items = [self.atom(v) for v in e.elts]
        return A.list_(items), P.construct_target(constructs.LIST, "list"), items, {}

    def expr_Dict(self, e):
        if any(k is None for k in e.keys):
            raise self.error(e, "`**` unpacking in a dict display is not supported by srcgrad")
        keys = [self.atom(k) for k in e.keys]
        values = [self.atom(v) for v in e.values]
        return (A.dict_(keys, values), P.construct_target(constructs.DICT, "dict"),
                [A.tuple_(keys)] + values, {})

    def expr_Attribute(self, e):
        recv = self.atom(e.value)
        return A.attr(recv, e.attr), P.attribute_target(e.attr), [recv], {}

    def expr_Call(self, e):
        func = e.func
        args = [self.atom(a) for a in e.args]
        keywords = {k.arg: self.atom(k.value) for k in e.keywords}
        kw_nodes = [A.keyword(k, v) for k, v in keywords.items()]
        if isinstance(func, A.Name) and func.id in self.lifted:
            lifted = self.lifted[func.id]
            target = P.Target("lifted", obj=lifted, label=func.id)
            call = A.Call(func=A.name(func.id), args=args, keywords=kw_nodes)
            closed = dict(keywords)
            closed.update({v: A.name(v) for v in lifted.extra})
            return call, target, args, closed
        found, obj = P.resolve_static(self.info, func, self.locals, self.guards)
        if found:
            target = P.classify(obj, A.dotted_path(func))
            return A.Call(func=A.copy_node(func), args=args, keywords=kw_nodes), target, args, keywords
        if isinstance(func, A.Attribute):
            recv = self.atom(func.value)
            target = P.method_target(func.attr)
            call = A.Call(func=A.attr(recv, func.attr), args=args, keywords=kw_nodes)
            return call, target, [recv] + args, keywords
        callee = self.atom(func)
        label = A.dotted_path(func) or "a computed function"
        return (A.Call(func=callee, args=args, keywords=kw_nodes),
                P.Target("unknown", label=label), args, keywords)

    def index(self, node):
        """An index with every computed part turned into an atom."""
        if isinstance(node, A.Slice):
            return A.slice_(*(self.atom(p) if p is not None else None
                              for p in (node.lower, node.upper, node.step)))
        if isinstance(node, A.Tuple):
            return A.tuple_([self.index(e) for e in node.elts])
        return self.atom(node)

    def index_expr(self, index):
        """The index as an expression (slices written as slice(...)) for templates."""
        if isinstance(index, A.Slice):
            parts = [p if p is not None else A.const(None) for p in (index.lower, index.upper, index.step)]
            return A.call(builtin_ref("slice"), parts)
        if isinstance(index, A.Tuple):
            return A.tuple_([self.index_expr(e) for e in index.elts])
        return A.copy_node(index)

    # --- expressions with control flow ------------------------------------------------------

    def lower_IfExp(self, e, tmp):
        test = self.atom(e.test)
        body, _ = self.capture(lambda: self.expr_into(e.body, tmp))
        orelse, _ = self.capture(lambda: self.expr_into(e.orelse, tmp))
        self.emit(A.if_(test, body, orelse))

    def lower_BoolOp(self, e, tmp):
        is_and = type(e.op).__name__ == "And"
        self.expr_into(e.values[0], tmp)
        rest = e.values[1:]
        if not rest:
            return

        def chain(values):
            def inner():
                self.expr_into(values[0], tmp)
                if len(values) > 1:
                    chain(values[1:])
            if is_and:
                body, _ = self.capture(inner)
                self.emit(A.if_(A.name(tmp), body))
            else:
                neg = self.temp()
                self.emit_prim(neg, A.unaryop("not", A.name(tmp)), P.Target("nondiff", label="not"),
                               [A.name(tmp)])
                body, _ = self.capture(inner)
                self.emit(A.if_(A.name(neg), body))
        chain(rest)

    def lower_Compare(self, e, tmp):
        left = self.atom(e.left)
        pairs = list(zip(e.ops, e.comparators))

        def step(left, pairs):
            op, right = pairs[0]
            r = self.atom(right)
            self.emit_prim(tmp, A.compare(left, A.op_symbol(op), r),
                           P.Target("nondiff", label=A.op_symbol(op)), [left, r])
            if len(pairs) > 1:
                body, _ = self.capture(lambda: step(r, pairs[1:]))
                self.emit(A.if_(A.name(tmp), body))
        step(left, pairs)

    def lower_ListComp(self, e, tmp):
        node = A.assign(A.store(tmp), A.list_([]))
        A.set_anno(node, "prim", Prim(P.construct_target(constructs.LIST, "list"), [], {}, tmp))
        self.emit(node)
        # comprehension variables get fresh names: they must not clobber the function's own
        mapping = {}
        for gen in e.generators:
            for n in A.names_in(gen.target):
                mapping[n] = self.namer.fresh(n)
                self.locals.add(mapping[n])
        gens = [A.copy_node(g) for g in e.generators]
        elt = A.rename(A.copy_node(e.elt), mapping)
        for i, g in enumerate(gens):
            A.rename(g.target, mapping)
            for cond in g.ifs:
                A.rename(cond, mapping)
            if i:
                A.rename(g.iter, mapping)
        inner = [A.expr_stmt(A.call(A.attr(A.name(tmp), "append"), [elt]))]
        for g in reversed(gens):
            for cond in reversed(g.ifs):
                inner = [A.if_(cond, inner)]
            inner = [A.for_(g.target, g.iter, inner)]
        for st in inner:
            A.copy_location(st, self.origin)
            self.stmt(st)

    lower_GeneratorExp = lower_ListComp


import operator as _op  # noqa: E402

_OPERATORS = {"+": _op.add, "-": _op.sub, "*": _op.mul, "/": _op.truediv, "//": _op.floordiv,
              "%": _op.mod, "**": _op.pow, "@": _op.matmul, "<<": _op.lshift, ">>": _op.rshift,
              "|": _op.or_, "^": _op.xor, "&": _op.and_}
_UNARY = {"-": _op.neg, "+": _op.pos, "not": _op.not_, "~": _op.invert}
