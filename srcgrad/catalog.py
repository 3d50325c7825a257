"""The catalog of primitives srcgrad differentiates, built from the template registry.

`primitives()` returns one record per primitive: the canonical spelling, every
other spelling that reaches the same templates (the ndarray method, aliases such
as `np.amax`, Python operators, the `math` function for floats), the arguments
that receive gradient, the modes (reverse and/or forward) and the notes, which
state conventions at kinks and what is not supported.  The docs page
docs/primitives.md is generated from this list (docs/gen_primitives.py), so it
cannot drift from the registry.

    >>> import srcgrad.catalog as catalog
    >>> sin = next(p for p in catalog.primitives() if p.name == "numpy.sin")
    >>> sin.differentiable, sin.modes, "math.sin" in sin.spellings
    (('x',), ('reverse', 'forward'), True)
"""

from dataclasses import dataclass

from . import astlib as A
from .rules.registry import RULES

# Spellings that name the same operation as another primitive (method -> function is automatic).
ALIASES = {
    "numpy.amax": "numpy.max", "numpy.amin": "numpy.min", "numpy.fabs": "numpy.absolute",
    "numpy.radians": "numpy.deg2rad", "numpy.degrees": "numpy.rad2deg",
    "numpy.asarray": "numpy.array", "numpy.asanyarray": "numpy.array",
    "numpy.ascontiguousarray": "numpy.array", "numpy.true_divide": "numpy.divide",
    "numpy.linalg.matrix_transpose": "numpy.matrix_transpose", "numpy.linalg.vecdot": "numpy.vecdot",
    "ndarray.T": "numpy.transpose", "ndarray.flatten": "numpy.ravel", "ndarray.view": "numpy.reshape",
    "operator.add": "numpy.add", "operator.sub": "numpy.subtract", "operator.mul": "numpy.multiply",
    "operator.truediv": "numpy.divide", "operator.mod": "numpy.remainder",
    "operator.pow": "numpy.power", "pow": "numpy.power", "operator.neg": "numpy.negative",
    "operator.pos": "numpy.positive", "operator.matmul": "numpy.matmul", "abs": "numpy.absolute",
    "sum": "numpy.sum", "max": "numpy.max", "min": "numpy.min",
    "math.asin": "numpy.arcsin", "math.acos": "numpy.arccos", "math.atan": "numpy.arctan",
    "math.atan2": "numpy.arctan2", "math.asinh": "numpy.arcsinh", "math.acosh": "numpy.arccosh",
    "math.atanh": "numpy.arctanh", "math.fabs": "numpy.absolute", "math.pow": "numpy.power",
    "math.degrees": "numpy.rad2deg", "math.radians": "numpy.deg2rad",
    "math.erf": "scipy.special.erf", "math.erfc": "scipy.special.erfc",
}

TABLES = {      # template module -> section of the docs page, in page order
    "numpy_elementwise": "Elementwise functions",
    "operators": "Arithmetic operators",
    "numpy_reductions": "Reductions and statistics",
    "numpy_shape": "Shape and layout",
    "numpy_selection": "Selection, sorting, interpolation",
    "numpy_linalg": "Linear algebra",
    "scipy_special": "scipy.special",
    "complex_numbers": "Complex numbers",
    "mathfuncs": "The math module",
    "pybuiltins": "Python builtins",
    "constructs": "Language constructs",
}
INTERNAL = ("derivative_code", "runtime_tangents")     # helpers of generated code, not user-facing primitives


@dataclass(frozen=True)
class Primitive:
    name: str               # canonical spelling, e.g. "numpy.sum"
    spellings: tuple        # every other spelling that reaches the same templates
    differentiable: tuple   # parameters that receive gradient
    modes: tuple            # ("reverse", "forward"), or a subset
    notes: str
    table: str              # section (see TABLES)

    @property
    def library(self):
        """"numpy", "scipy", "math" or "python"."""
        head = self.name.split(".")[0]
        return head if head in ("numpy", "scipy", "math") else "python"


def _table(rule):
    tpl = rule.reverse or rule.forward
    return tpl.func.__module__.rsplit(".", 1)[-1] if tpl is not None else None


def _canonical(name, names):
    if name in ALIASES and ALIASES[name] in names:
        return ALIASES[name]
    if name.startswith("ndarray.") and "numpy." + name[8:] in names:
        return "numpy." + name[8:]
    if name.startswith("math.") and "numpy." + name[5:] in names:
        return "numpy." + name[5:]
    return name


def _walk_body(body):
    for st in body:
        yield from A.walk(st)


def _gradient_params(rule):
    """Parameters the reverse template sends gradient to, minus those it only refuses
    (`d[p] += no_gradient(...)` raises when p carries gradient)."""
    tpl = rule.reverse
    if tpl is None:
        return rule.diff_params
    refused = {st.target.slice.id for st in _walk_body(tpl.body)
               if isinstance(st, A.AugAssign) and isinstance(st.value, A.Call)
               and A.is_name(st.value.func, "no_gradient")}
    return tuple(p for p in rule.diff_params if p not in refused)


def primitives(include_internal=False, include_custom=False):
    """Every differentiable primitive in the registry, grouped by operation, in page order.

    Tables of optional libraries that are installed (scipy) are loaded first.  Rules
    users registered (srcgrad.adjoint, srcgrad.primitive) are listed with include_custom.
    """
    _load_installed()
    rules = [r for r in RULES.values()
             if not r.nondiff and (r.reverse or r.forward)
             and (include_custom or not r.custom)
             and (include_internal or _table(r) not in INTERNAL)]
    names = {r.name for r in rules}
    groups = {}
    for r in rules:
        groups.setdefault(_canonical(r.name, names), []).append(r)
    out = []
    for name, members in groups.items():
        head = next((r for r in members if r.name == name), members[0])
        notes = []
        for r in [head] + [m for m in members if m is not head]:
            if r.notes and r.notes not in notes:
                notes.append(r.notes)
        modes = tuple(m for m, has in (("reverse", head.reverse), ("forward", head.forward)) if has)
        out.append(Primitive(name, tuple(sorted(m.name for m in members if m is not head)),
                             _gradient_params(head), modes, "; ".join(notes), _table(head)))
    order = list(TABLES)
    return sorted(out, key=lambda p: (order.index(p.table) if p.table in order else len(order), p.name))


def constants():
    """Names of the functions registered as non-differentiable (their results carry no gradient)."""
    return sorted(r.name for r in RULES.values() if r.nondiff)


def _load_installed():
    import importlib.util
    if importlib.util.find_spec("scipy") is not None:
        import scipy.special  # noqa: F401
    from .rules import registry
    registry.load_optional_tables()
