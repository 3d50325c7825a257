"""Building and inspecting syntax trees.

This is the only module that calls gast node constructors, so a gast upgrade
touches one file.  Everything else builds nodes through these helpers and
reads them through the plain attribute names Python's own `ast` uses.

Nodes carry annotations (`set_anno`/`anno`) in a private dict; annotations
survive `copy_node`.
"""

import ast as _ast

import gast

# Node classes other modules may test with isinstance.  Re-exported so that
# nobody else imports gast.
Name = gast.Name
Constant = gast.Constant
Call = gast.Call
Attribute = gast.Attribute
Subscript = gast.Subscript
Slice = gast.Slice
Tuple = gast.Tuple
List = gast.List
Dict = gast.Dict
BinOp = gast.BinOp
UnaryOp = gast.UnaryOp
Compare = gast.Compare
BoolOp = gast.BoolOp
IfExp = gast.IfExp
ListComp = gast.ListComp
GeneratorExp = gast.GeneratorExp
SetComp = gast.SetComp
DictComp = gast.DictComp
Set = gast.Set
Lambda = gast.Lambda
Starred = gast.Starred
JoinedStr = gast.JoinedStr
NamedExpr = gast.NamedExpr
Await = gast.Await
Yield = gast.Yield
YieldFrom = gast.YieldFrom

Assign = gast.Assign
AugAssign = gast.AugAssign
AnnAssign = gast.AnnAssign
Expr = gast.Expr
If = gast.If
For = gast.For
While = gast.While
Break = gast.Break
Continue = gast.Continue
Return = gast.Return
Pass = gast.Pass
Assert = gast.Assert
Raise = gast.Raise
FunctionDef = gast.FunctionDef
AsyncFunctionDef = gast.AsyncFunctionDef
ClassDef = gast.ClassDef
Try = gast.Try
With = gast.With
AsyncWith = gast.AsyncWith
AsyncFor = gast.AsyncFor
Global = gast.Global
Nonlocal = gast.Nonlocal
Delete = gast.Delete
Import = gast.Import
ImportFrom = gast.ImportFrom
Match = getattr(gast, "Match", ())
TryStar = getattr(gast, "TryStar", ())

Load, Store, Param = gast.Load, gast.Store, gast.Param

NodeVisitor = gast.NodeVisitor
_AST = gast.AST
_Name, _Load = gast.Name, gast.Load


# fields that never hold a node worth visiting: names, flags, and the expression
# contexts and operators, which analyses read through their parent node
_LEAF_FIELDS = {"ctx", "op", "ops", "id", "attr", "arg", "kind", "type_comment", "is_async",
                "level", "module", "conversion"}
_WALKED = {}        # node class -> the fields walk() visits


def _fields_to_visit(cls):
    fields = _WALKED.get(cls)
    if fields is None:
        fields = _WALKED[cls] = tuple(f for f in cls._fields if f not in _LEAF_FIELDS)
    return fields


class NodeTransformer(gast.NodeTransformer):
    """gast's transformer, minus the detours its generic visit takes per node (the
    passes transform every statement several times).  Like `walk`, it does not visit
    expression contexts and operators: a `visit_Load` would never be called."""

    def visit(self, node):
        visitor = getattr(self, "visit_" + type(node).__name__, None)
        return self.generic_visit(node) if visitor is None else visitor(node)

    def generic_visit(self, node):
        for field in _fields_to_visit(type(node)):
            old = getattr(node, field, None)
            if type(old) is list:
                new = []
                for value in old:
                    if isinstance(value, _AST):
                        value = self.visit(value)
                        if value is None:
                            continue
                        if not isinstance(value, _AST):
                            new.extend(value)
                            continue
                    new.append(value)
                old[:] = new
            elif isinstance(old, _AST):
                value = self.visit(old)
                if value is None:
                    delattr(node, field)
                else:
                    setattr(node, field, value)
        return node


def iter_child_nodes(node):
    """The nodes directly under `node`, in field order, except contexts and operators."""
    out = []
    for field in _WALKED.get(type(node)) or _fields_to_visit(type(node)):
        v = getattr(node, field, None)
        if type(v) is list:
            out.extend([x for x in v if isinstance(x, _AST)])
        elif isinstance(v, _AST):
            out.append(v)
    return out


def walk(node):
    """Every node under `node`, itself first, breadth first (gast.walk's order), except
    expression contexts and operators (`Load`, `Add`...): read them through their parent.

    gast.walk goes through two generators per node; the passes walk every
    statement many times, and this loop is several times faster."""
    todo = [node]
    walked = _WALKED
    for n in todo:                  # the list grows while it is read: a queue without pops
        fields = walked.get(type(n)) or _fields_to_visit(type(n))
        for field in fields:
            v = getattr(n, field, None)
            if type(v) is list:
                todo.extend([x for x in v if isinstance(x, _AST)])
            elif isinstance(v, _AST):
                todo.append(v)
    return todo

_ANNO = "_srcgrad_anno"

# --- operators -----------------------------------------------------------

BINOPS = {
    gast.Add: "+", gast.Sub: "-", gast.Mult: "*", gast.Div: "/",
    gast.FloorDiv: "//", gast.Mod: "%", gast.Pow: "**", gast.MatMult: "@",
    gast.LShift: "<<", gast.RShift: ">>", gast.BitOr: "|", gast.BitXor: "^",
    gast.BitAnd: "&",
}
UNARYOPS = {gast.USub: "-", gast.UAdd: "+", gast.Not: "not", gast.Invert: "~"}
CMPOPS = {
    gast.Eq: "==", gast.NotEq: "!=", gast.Lt: "<", gast.LtE: "<=",
    gast.Gt: ">", gast.GtE: ">=", gast.Is: "is", gast.IsNot: "is not",
    gast.In: "in", gast.NotIn: "not in",
}
# methods that change the object they are called on (lists, dicts, arrays)
MUTATING_METHODS = {"append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse",
                    "update", "setdefault", "popitem", "fill", "resize", "put", "itemset",
                    "__setitem__", "__iadd__", "__isub__", "__imul__", "__itruediv__"}
_BINOP_CLASSES = {v: k for k, v in BINOPS.items()}
_UNARY_CLASSES = {v: k for k, v in UNARYOPS.items()}
_CMP_CLASSES = {v: k for k, v in CMPOPS.items()}


def op_symbol(op):
    """The source symbol of an operator node (`+`, `not`, `<=` ...)."""
    for table in (BINOPS, UNARYOPS, CMPOPS):
        if type(op) in table:
            return table[type(op)]
    raise KeyError(type(op).__name__)


def binop_node(symbol):
    return _BINOP_CLASSES[symbol]()


# --- annotations -----------------------------------------------------------

def set_anno(node, key, value):
    annos = node.__dict__.setdefault(_ANNO, {})
    annos[key] = value
    return node


def anno(node, key, default=None):
    return node.__dict__.get(_ANNO, {}).get(key, default)


def has_anno(node, key):
    return key in node.__dict__.get(_ANNO, {})


def copy_annos(new, old):
    """Give `new` the annotations of `old` (a statement rewritten into another form)."""
    annos = old.__dict__.get(_ANNO)
    if annos:
        new.__dict__[_ANNO] = dict(annos)
    return new


def copy_node(node):
    """Deep copy of a tree; annotation values, expression contexts and operators (which
    hold nothing) are shared, not copied."""
    if type(node) is list:
        return [copy_node(n) for n in node]
    if not isinstance(node, _AST):
        return node
    cls = type(node)
    state = dict(node.__dict__)             # fields, location and annotations
    for f in _WALKED.get(cls) or _fields_to_visit(cls):
        v = state.get(f)
        if type(v) is list:
            state[f] = [copy_node(x) for x in v]
        elif isinstance(v, _AST):
            state[f] = copy_node(v)
    if "ops" in state:                      # Compare's operators: a list of its own
        state["ops"] = list(state["ops"])
    annos = state.get(_ANNO)
    if annos:
        state[_ANNO] = dict(annos)
    new = cls.__new__(cls)
    new.__dict__.update(state)
    return new


def copy_location(new, old):
    """Give `new` (and its children without a location) the location of `old`."""
    lineno = getattr(old, "lineno", None)
    col = getattr(old, "col_offset", None)
    for n in walk(new):
        if lineno is not None and getattr(n, "lineno", None) is None and hasattr(n, "_attributes") \
                and "lineno" in n._attributes:
            n.lineno, n.col_offset = lineno, col
            n.end_lineno, n.end_col_offset = getattr(old, "end_lineno", None), \
                getattr(old, "end_col_offset", None)
    return new


def like(new, st):
    """`new` with the annotations and location of the statement `st` it stands for."""
    copy_annos(new, st)
    return copy_location(new, st)


# --- construction ------------------------------------------------------------

def name(id_, ctx="load"):
    ctxs = {"load": gast.Load, "store": gast.Store, "param": gast.Param}
    return gast.Name(id=id_, ctx=ctxs[ctx](), annotation=None, type_comment=None)


def store(id_):
    return name(id_, "store")


def const(value):
    return gast.Constant(value=value, kind=None)


def attr(value, attribute):
    if isinstance(value, str):
        value = dotted(value)
    return gast.Attribute(value=value, attr=attribute, ctx=gast.Load())


def dotted(path):
    """`np.linalg.norm` as a Name/Attribute chain."""
    parts = path.split(".")
    node = name(parts[0])
    for part in parts[1:]:
        node = gast.Attribute(value=node, attr=part, ctx=gast.Load())
    return node


def call(func, args=(), keywords=None):
    if isinstance(func, str):
        func = dotted(func)
    kws = [gast.keyword(arg=k, value=v) for k, v in (keywords or {}).items()]
    return gast.Call(func=func, args=list(args), keywords=kws)


def keyword(arg, value):
    return gast.keyword(arg=arg, value=value)


def subscript(value, index, ctx="load"):
    ctx = gast.Store() if ctx == "store" else gast.Load()
    return gast.Subscript(value=value, slice=index, ctx=ctx)


def slice_(lower, upper, step):
    return gast.Slice(lower=lower, upper=upper, step=step)


def tuple_(elts, ctx="load"):
    return gast.Tuple(elts=list(elts), ctx=gast.Store() if ctx == "store" else gast.Load())


def list_(elts):
    return gast.List(elts=list(elts), ctx=gast.Load())


def dict_(keys, values):
    return gast.Dict(keys=list(keys), values=list(values))


def binop(left, symbol, right):
    return gast.BinOp(left=left, op=_BINOP_CLASSES[symbol](), right=right)


def unaryop(symbol, operand):
    return gast.UnaryOp(op=_UNARY_CLASSES[symbol](), operand=operand)


def compare(left, symbol, right):
    return gast.Compare(left=left, ops=[_CMP_CLASSES[symbol]()], comparators=[right])


def assign(target, value):
    if isinstance(target, str):
        target = store(target)
    return gast.Assign(targets=[target], value=value, type_comment=None)


def augassign(target, symbol, value):
    if isinstance(target, str):
        target = store(target)
    return gast.AugAssign(target=target, op=_BINOP_CLASSES[symbol](), value=value)


def expr_stmt(value):
    return gast.Expr(value=value)


def if_(test, body, orelse=()):
    return gast.If(test=test, body=list(body), orelse=list(orelse))


def for_(target, iter_, body):
    if isinstance(target, str):
        target = store(target)
    return gast.For(target=target, iter=iter_, body=list(body), orelse=[], type_comment=None)


def while_(test, body):
    return gast.While(test=test, body=list(body), orelse=[])


def return_(value):
    return gast.Return(value=value)


def break_():
    return gast.Break()


def pass_():
    return gast.Pass()


def comment(text):
    """A statement that code generation prints as `# text`."""
    node = gast.Expr(value=gast.Constant(value=text, kind=None))
    return set_anno(node, "comment", text)


def blank_line():
    return set_anno(gast.Expr(value=gast.Constant(value="", kind=None)), "blank", True)


def function(fname, params, body, defaults=(), kwonly=(), kw_defaults=()):
    args = gast.arguments(
        args=[name(p, "param") for p in params], posonlyargs=[], vararg=None,
        kwonlyargs=[name(p, "param") for p in kwonly], kw_defaults=list(kw_defaults),
        kwarg=None, defaults=list(defaults))
    fn = gast.FunctionDef(name=fname, args=args, body=list(body), decorator_list=[],
                          returns=None, type_comment=None, type_params=[])
    return fn


def lambda_(params, body):
    return gast.Lambda(args=function("<lambda>", params, []).args, body=body)


def module(body):
    return gast.Module(body=list(body), type_ignores=[])


# --- inspection -------------------------------------------------------------

def is_name(node, id_=None):
    return isinstance(node, gast.Name) and (id_ is None or node.id == id_)


def is_const(node):
    return isinstance(node, gast.Constant)


def is_store(node):
    return isinstance(getattr(node, "ctx", None), (gast.Store, gast.Param))


def param_names(fn):
    """Positional then keyword-only parameter names of a FunctionDef."""
    a = fn.args
    return [p.id for p in a.posonlyargs + a.args] + [p.id for p in a.kwonlyargs]


def stored_names(node):
    """Every Name id that `node` stores into (once per store)."""
    return [n.id for n in walk(node) if type(n) is _Name and type(n.ctx) is gast.Store]


def names_in(node, load_only=False):
    """Every Name id under `node` (loads only if asked)."""
    if load_only:
        return [n.id for n in walk(node) if type(n) is _Name and type(n.ctx) is _Load]
    return [n.id for n in walk(node) if type(n) is _Name]


def dotted_path(node):
    """`np.linalg.norm` for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, gast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, gast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def parse(source):
    return from_python_ast(_ast.parse(source))


_module_trees = {}


def parse_function_at(filename, lines, lineno, name):
    """The gast FunctionDef `name` starting (decorators included) at `lineno` of a file.

    Each file is parsed once with `ast` and only the wanted function is converted,
    which keeps importing a table of hundreds of templates fast.  Line numbers are
    the file's.  None if the function is not found (e.g. the file changed).
    """
    index = _module_trees.get(filename)
    if index is None:
        index = _module_trees[filename] = {}
        for node in _ast.walk(_ast.parse("".join(lines))):
            if isinstance(node, _ast.FunctionDef):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                index[(node.name, first)] = index[(node.name, node.lineno)] = node
    node = index.get((name, lineno))
    return from_python_ast(node) if node is not None else None


def parse_expr(source):
    return parse(source).body[0].value


# Nodes whose gast and ast forms have the same fields (gast's extra ones empty): converted
# by to_python_ast's and from_python_ast's own loops.  The rest (arguments, comprehensions,
# ...) go through gast's converters, which are generic and several times slower; source
# and generated code are nearly all made of these.
_SAME_FIELDS = ("Module", "FunctionDef", "Assign", "AugAssign", "Expr", "Return", "For", "If",
                "While", "Break", "Continue", "Pass", "Name", "Constant", "BinOp", "UnaryOp",
                "BoolOp", "Compare", "Call", "keyword", "Attribute", "Subscript", "Slice", "Tuple",
                "List", "IfExp", "Starred")
_PLAIN = {getattr(gast, n): getattr(_ast, n) for n in _SAME_FIELDS}
_FROM_PLAIN = {v: k for k, v in _PLAIN.items()}
_LEAVES = {}        # gast context or operator class -> one shared ast instance (gast trees get
                    # one instance per node, as gast.ast_to_gast makes them)
_POSITION = ("lineno", "col_offset", "end_lineno", "end_col_offset")


def from_python_ast(node):
    """The gast tree for a standard-library tree (what gast.ast_to_gast makes)."""
    return _convert(node, _FROM_PLAIN, _ast.AST, gast, gast.ast_to_gast, None)


def to_python_ast(node):
    """The standard-library tree for a gast tree (for printing and compiling)."""
    return _convert(node, _PLAIN, _AST, _ast, gast.gast_to_ast, _LEAVES)


def _convert(node, plain, base, target, fallback, leaves):
    """`node` as a tree of `target`'s classes: same-field nodes (`plain`: source class ->
    target class) by this loop, contexts and operators by name (one shared instance each
    when `leaves` is a dict to keep them in, else one per node), anything else by gast's
    `fallback`."""
    t = type(node)
    cls = plain.get(t)
    if cls is None:
        if t._fields:
            return fallback(node)
        if leaves is None:                          # Load, Add, ...: no fields to convert
            return getattr(target, t.__name__)()
        leaf = leaves.get(t)
        if leaf is None:
            leaf = leaves[t] = getattr(target, t.__name__)()
        return leaf
    new = cls()
    for f in cls._fields:
        v = getattr(node, f, None)
        if type(v) is list:
            v = [_convert(x, plain, base, target, fallback, leaves) if isinstance(x, base) else x
                 for x in v]
        elif isinstance(v, base):
            v = _convert(v, plain, base, target, fallback, leaves)
        elif v is None and f == "type_params":      # FunctionDef's, on Pythons that lack it
            v = []
        setattr(new, f, v)
    for a in _POSITION:
        v = getattr(node, a, None)
        if v is not None:
            setattr(new, a, v)
    return new


def to_source_text(node):
    """Plain source text of a node or a list of statements (no comments)."""
    if isinstance(node, list):
        node = module(node)
    tree = to_python_ast(node)
    _ast.fix_missing_locations(tree)
    return _ast.unparse(tree)


def rename(node, mapping):
    """Rename Name nodes in place according to `mapping` (id -> id)."""
    for n in walk(node):
        if isinstance(n, gast.Name) and n.id in mapping:
            n.id = mapping[n.id]
    return node


def rename_loads(node, mapping):
    """Rename loads (not stores) of names in place."""
    for n in walk(node):
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and n.id in mapping:
            n.id = mapping[n.id]
    return node


def substitute(node, mapping):
    """Replace loads of names in `mapping` by copies of the mapped nodes."""
    return _Substitute(mapping).visit(node)


class _Substitute(NodeTransformer):
    def __init__(self, mapping):
        self.mapping = mapping

    def visit_Name(self, n):
        if isinstance(n.ctx, gast.Load) and n.id in self.mapping:
            return copy_node(self.mapping[n.id])
        return n
