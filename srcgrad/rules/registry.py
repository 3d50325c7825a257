"""The one table of derivative rules, and the template language they are written in.

A *reverse template* is a plain Python function that is parsed, never run.  Its
first parameter names the primitive's result, the others the primitive's
parameters, in the primitive's order and with its defaults::

    @reverse(np.sin)
    def sin(z, x):
        d[x] += d[z] * np.cos(x)

The contract:

* ``d[p]`` is the adjoint (cotangent) of parameter ``p`` or of the result.
* ``d[p] += e`` adds ``e`` to ``p``'s adjoint.  The compiler drops the statement
  when ``p`` carries no gradient (a constant, an integer, an inactive value).
* ``d[p] = e`` replaces ``p``'s adjoint; templates of in-place operations use it,
  often with a helper from ``srcgrad.runtime`` that updates the adjoint in place.
* ``unbroadcast(e, p)`` means "``e`` has the result's shape; sum it down to
  ``p``'s shape".  The compiler removes the call when it can prove the shapes
  already agree (every other argument is a scalar).
* Any other name is a parameter, a temporary assigned earlier in the template,
  or a global of the module the template is written in (``np``, ``math``,
  runtime helpers).  Names are checked when the template is registered, so a
  typo fails at import time with the template's ``file:line``.
* A parameter declared ``*ps`` collects extra positional arguments;
  ``for i in unrolled(ps):`` repeats its body for each of them, with
  ``ps[i]`` naming one argument.
* Templates are expanded in place: parameters are replaced by the call's
  arguments (names or constants), temporaries get fresh names.

A primitive may also have a *scalar* reverse template, used when every argument
is a real Python or NumPy scalar (so ``math.cos`` can stand in for ``np.cos``),
and is otherwise marked non-differentiable (its result never carries gradient).
"""

import importlib
import inspect
import linecache
import math
import sys
from dataclasses import dataclass, field

from .. import astlib as A
from ..errors import TemplateError

ADJOINT = "d"
TANGENT = "t"
UNROLL = "unrolled"

# Placeholders so template modules import the template language's two special
# names; templates are parsed, never run, so these are never called.
d = None
t = None


def unrolled(params):
    """In a template, `for i in unrolled(ps):` repeats its body for each argument in *ps."""
    raise TypeError("templates are expanded by the compiler, not called")


@dataclass
class Template:
    func: object
    params: list            # result first, then the primitive's parameters
    varargs: str | None
    defaults: dict          # parameter -> default value
    body: list              # gast statements
    globals: dict           # free name -> object
    filename: str
    lineno: int
    sets: frozenset         # parameters whose adjoint the template replaces (d[p] = ...)
    targets: frozenset = frozenset()   # parameters whose adjoint the template touches
    marker: str = "d"                  # "d" (adjoints, reverse) or "t" (tangents, forward)
    shape_params: frozenset = frozenset()   # read only for their shape: never get gradient
    updates: bool = False              # forward: updates the first argument's tangent in place

    @property
    def where(self):
        return f"{self.filename}:{self.lineno}"


@dataclass
class Rule:
    key: object
    name: str
    reverse: Template | None = None
    variants: list = field(default_factory=list)   # (predicate on argument kinds, Template)
    forward: Template | None = None
    forward_variants: list = field(default_factory=list)
    nondiff: bool = False
    inplace: bool = False
    custom: bool = False          # registered by a user (srcgrad.adjoint, ...), not a built-in table
    aliases: bool = False       # the result may share memory with an argument
    elementwise: bool = False   # broadcasting elementwise op: unbroadcast may be elided
    notes: str = ""
    diff_params: tuple = ()     # parameters that can carry gradient
    extra: dict = field(default_factory=dict)


RULES = {}          # key -> Rule


def key_of(obj):
    """Registry key of a callable, a method name or a construct."""
    if isinstance(obj, str):
        return obj
    return ("obj", id(obj)) if not _hashable(obj) else obj


def _hashable(obj):
    try:
        hash(obj)
        return True
    except TypeError:
        return False


def lookup(obj):
    try:
        rule = RULES.get(key_of(obj))
    except TypeError:
        return None
    if rule is None and load_optional_tables():
        return lookup(obj)
    return rule


# Tables for optional libraries load when the library is in use: importing scipy
# costs far more than every other table together, and a function cannot call a
# scipy function without scipy having been imported.
_OPTIONAL = {"scipy": "scipy_special"}
_loaded = set()


def load_optional_tables():
    """Load the tables of optional libraries that are now imported; True if any loaded."""
    new = False
    for library, table in _OPTIONAL.items():
        if table not in _loaded and sys.modules.get(library) is not None:
            _loaded.add(table)
            importlib.import_module(f"{__package__}.{table}")
            new = True
    return new


def method(name):
    """Key of an ndarray/list method (`x.sum(...)` looks up `method("sum")`)."""
    return f"method:{name}"


def attribute(name):
    """Key of an attribute read (`x.T` looks up `attribute("T")`)."""
    return f"attribute:{name}"


def display_name(obj):
    if isinstance(obj, str):
        kind, _, rest = obj.partition(":")
        return {"method": f"ndarray.{rest}", "attribute": f"ndarray.{rest}"}.get(kind, obj)
    mod = getattr(obj, "__module__", None) or ""
    qual = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", repr(obj))
    if mod in ("builtins", "_operator", "operator"):
        mod = "operator" if mod != "builtins" else ""
    if mod.startswith("numpy") or type(obj).__name__ == "ufunc":
        mod = "numpy"
        if getattr(obj, "__module__", "") == "numpy.linalg":
            mod = "numpy.linalg"
    return f"{mod}.{qual}" if mod else qual


def _rule(key_obj, name=None):
    key = key_of(key_obj)
    rule = RULES.get(key)
    if rule is None:
        rule = RULES[key] = Rule(key=key_obj, name=name or display_name(key_obj))
    return rule


def choose(variants, default, kinds, atoms=None):
    """The template of the first variant whose predicate holds for the arguments' kinds
    (and, for predicates marked `on_atoms`, the argument atoms of the call), else `default`.
    Without atoms (a Tensor op) such predicates do not hold."""
    for predicate, tpl in variants:
        if getattr(predicate, "on_atoms", False):
            if atoms is not None and predicate(kinds, atoms):
                return tpl
        elif predicate(kinds):
            return tpl
    return default


def nonzero_constant_at(i):
    """Variant predicate on the call: the argument at `i` is a nonzero number literal."""
    def predicate(kinds, atoms):
        value = getattr(atoms[i], "value", None) if i < len(atoms) else None
        return type(value) in (int, float) and value != 0 and math.isfinite(value)
    predicate.on_atoms = True
    predicate.__name__ = f"nonzero_constant_at{i}"
    return predicate


def all_scalar(kinds):
    """Variant predicate: every argument is a real scalar."""
    return bool(kinds) and all(k == "num" for k in kinds)


def dict_at(i):
    """Variant predicate: the argument at `i` is a dict (`d.items()`, not another `.items()`)."""
    def predicate(kinds):
        return i < len(kinds) and kinds[i] == "dict"
    predicate.__name__ = f"dict_at{i}"
    return predicate


def first_array(kinds):
    """Variant predicate: the first argument is an ndarray (an in-place update keeps its shape)."""
    return bool(kinds) and kinds[0].startswith("array")


def sequence_at(*positions):
    """Variant predicate: the arguments at `positions` are lists or tuples and the others
    plain numbers (`a + b` joins, `a * n` repeats; with an array NumPy broadcasts instead)."""
    def predicate(kinds):
        return any(i < len(kinds) and kinds[i] in ("list", "tuple") for i in positions) \
            and not any(k.startswith("array") or k == "numeric" for k in kinds)
    predicate.__name__ = "sequence_at" + "".join(map(str, positions))
    return predicate


def ranks(*ns):
    """Variant predicate: the leading arguments are arrays of exactly these ranks."""
    want = tuple(f"array:{n}" if n else "num" for n in ns)

    def predicate(kinds):
        return tuple(kinds[:len(want)]) == want
    predicate.__name__ = "ranks" + "".join(map(str, ns))
    return predicate


def reverse(*objs, scalar=False, when=None, aliases=False, elementwise=False, notes="", name=None,
            inplace=False, shape=()):
    """Register the decorated function as the reverse template of each of `objs`.

    scalar      -- shorthand for when=all_scalar
    when        -- a predicate on the arguments' kinds; the template is a variant used
                   only where it holds (e.g. plain `g @ y.T` when both are matrices)
    aliases     -- the primitive's result may be a view of an argument
    elementwise -- the primitive broadcasts its arguments elementwise
    inplace     -- the primitive updates its first argument (x[i] = v, x += y, lst.append):
                   the adjoint flowing in is that argument's, after the update
    shape       -- parameters the primitive reads only for their shape or length: no
                   gradient flows to them (any other parameter without `d[p]` is an error
                   when it carries gradient)
    """
    if scalar:
        when = all_scalar

    def register(fn):
        tpl = parse_template(fn)
        tpl.shape_params = frozenset(shape)
        for obj in objs:
            rule = _rule(obj, name)
            if when is not None:
                rule.variants.append((when, tpl))
            else:
                rule.reverse = tpl
                rule.diff_params = tuple(_diff_params(tpl))
            rule.aliases = rule.aliases or aliases
            rule.inplace = rule.inplace or inplace
            rule.elementwise = rule.elementwise or elementwise
            rule.notes = notes or rule.notes
        return fn

    return register


def forward(*objs, when=None, elementwise=False, name=None, shape=(), updates=False):
    """Register the decorated function as the forward-mode (tangent) template of `objs`.

    The language mirrors reverse templates with the marker `t`: `t[z] += e` adds
    a contribution to the result's tangent, where `e` uses tangents `t[p]` of the
    parameters (dropped when none of them carries a tangent); `t[p] = e` replaces
    a parameter's tangent (for primitives that update an argument in place).

    updates -- the primitive returns a value *and* updates its first argument
               (`lst.pop()`), and so does the template's expression to that argument's
               tangent: it runs wherever the argument has a tangent, even when the
               result needs none, and is never removed as dead code
    """

    def register(fn):
        tpl = parse_template(fn, marker=TANGENT)
        tpl.shape_params = frozenset(shape)
        tpl.updates = updates
        for obj in objs:
            rule = _rule(obj, name)
            if when is not None:
                rule.forward_variants.append((when, tpl))
            else:
                rule.forward = tpl
            rule.elementwise = rule.elementwise or elementwise
        return fn

    return register


def nondifferentiable(*objs, notes=""):
    """Mark callables whose result never carries gradient (floor, argmax, shape...)."""
    for obj in objs:
        rule = _rule(obj)
        rule.nondiff = True
        rule.notes = notes or rule.notes


def _diff_params(tpl):
    """Parameters the template sends gradient to, in parameter order."""
    return [p for p in tpl.params[1:] if p in tpl.targets]


# --- parsing and validation --------------------------------------------------

def parse_template(fn, marker=None):
    """Parse and check a template; `marker` is "d" (reverse) or "t" (forward)."""
    marker = marker or ADJOINT
    fdef = _parse_def(fn)
    filename = fn.__code__.co_filename
    sig = inspect.signature(fn)
    params, varargs, defaults = [], None, {}
    for p in sig.parameters.values():
        if p.kind is p.VAR_POSITIONAL:
            varargs = p.name
        elif p.kind is p.VAR_KEYWORD:
            raise TemplateError("a template cannot take **kwargs", filename, fdef.lineno)
        params.append(p.name)
        if p.default is not p.empty:
            defaults[p.name] = p.default
    if not params or params[0] == varargs:
        raise TemplateError(f"template {fn.__name__} needs the result as its first parameter",
                            filename, fdef.lineno)
    body = [s for s in fdef.body if not (isinstance(s, A.Expr) and A.is_const(s.value))]
    tpl = Template(func=fn, params=params, varargs=varargs, defaults=defaults, body=body,
                   globals={}, filename=filename, lineno=fdef.lineno, sets=frozenset(),
                   marker=marker)
    _validate(tpl, fn)
    return tpl


def _parse_def(fn):
    """The template's FunctionDef, with the line numbers of its file."""
    filename = fn.__code__.co_filename
    start = fn.__code__.co_firstlineno
    lines = linecache.getlines(filename)
    fdef = A.parse_function_at(filename, lines, start, fn.__name__) if lines else None
    if fdef is not None:
        return fdef
    try:                                     # no file on disk: ask inspect, then parse the block
        block, start = inspect.getsourcelines(fn)
    except OSError as exc:
        raise TemplateError(f"cannot read the source of template {fn.__qualname__}: {exc}") from None
    text = "".join(block)
    indented = text[:1].isspace()
    tree = A.parse(("if 1:\n" + text) if indented else text)
    fdef = (tree.body[0].body if indented else tree.body)[0]
    shift = start - 1 - (1 if indented else 0)
    for node in A.walk(fdef):
        if getattr(node, "lineno", None) is not None:
            node.lineno += shift
    return fdef


def _validate(tpl, fn):
    ADJOINT = tpl.marker    # noqa: N806 -- the marker this template uses
    params = set(tpl.params)
    local = set()
    sets = set()
    targets = set()

    def fail(node, msg):
        raise TemplateError(f"template {fn.__name__}: {msg}", tpl.filename,
                            getattr(node, "lineno", tpl.lineno), getattr(node, "col_offset", None))

    def check_adjoint_index(sub):
        idx = sub.slice
        if A.is_name(idx) and idx.id in params:
            return idx.id
        if isinstance(idx, A.Subscript) and A.is_name(idx.value, tpl.varargs) \
                and A.is_name(idx.slice) and idx.slice.id in local:
            return tpl.varargs
        fail(sub, f"{ADJOINT}[...] must name a parameter of the template, "
                  f"got {A.dotted_path(idx) or 'an expression'}")

    def check_expr(node):
        for n in A.walk(node):
            if isinstance(n, A.Subscript) and A.is_name(n.value, ADJOINT):
                check_adjoint_index(n)
            elif isinstance(n, A.Name) and isinstance(n.ctx, A.Load):
                if n.id in params or n.id in local or n.id == ADJOINT:
                    continue
                if n.id in fn.__globals__:
                    tpl.globals[n.id] = fn.__globals__[n.id]
                    continue
                import builtins
                if hasattr(builtins, n.id):
                    tpl.globals[n.id] = getattr(builtins, n.id)
                    continue
                fail(n, f"unknown name `{n.id}` (not a parameter, a temporary assigned earlier, "
                        "or a global of the template's module)")

    def check_block(stmts):
        for st in stmts:
            if isinstance(st, A.AugAssign):
                t = st.target
                if not (isinstance(t, A.Subscript) and A.is_name(t.value, ADJOINT)):
                    fail(st, f"only `{ADJOINT}[p] += e` may use augmented assignment")
                if not isinstance(st.op, type(A.binop_node("+"))):
                    fail(st, "contributions are accumulated with `+=`")
                targets.add(check_adjoint_index(t))
                check_expr(st.value)
            elif isinstance(st, A.Assign):
                check_expr(st.value)
                for t in st.targets:
                    if isinstance(t, A.Subscript) and A.is_name(t.value, ADJOINT):
                        sets.add(check_adjoint_index(t))
                        targets.add(check_adjoint_index(t))
                    elif isinstance(t, A.Name):
                        if t.id in params or t.id == ADJOINT:
                            fail(t, f"cannot assign to parameter `{t.id}`")
                        local.add(t.id)
                    elif isinstance(t, A.Tuple) and all(isinstance(e, A.Name) for e in t.elts):
                        local.update(e.id for e in t.elts)
                    else:
                        fail(t, f"assignment target must be {ADJOINT}[p], a name or a tuple of names")
            elif isinstance(st, A.For):
                it = st.iter
                ok = (isinstance(it, A.Call) and A.is_name(it.func, UNROLL) and len(it.args) == 1
                      and A.is_name(it.args[0], tpl.varargs) and A.is_name(st.target))
                if not ok:
                    fail(st, f"the only loop a template may contain is `for i in {UNROLL}(<*param>)`")
                local.add(st.target.id)
                check_block(st.body)
            elif isinstance(st, A.Expr):
                check_expr(st.value)
            elif isinstance(st, A.If):
                check_expr(st.test)
                check_block(st.body)
                check_block(st.orelse)
            else:
                fail(st, f"{type(st).__name__} statements are not allowed in templates")

    check_block(tpl.body)
    tpl.sets = frozenset(sets)
    tpl.targets = frozenset(targets)
