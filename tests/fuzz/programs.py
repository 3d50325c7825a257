"""A generator of random valid programs from srcgrad's supported subset.

A program is a module: a few helper functions and a main function `f` whose
parameters are floats (`x0`, `x1`, ...) and float vectors of length 3 (`v0`,
...).  Every value stays inside the smooth domain of the primitive it is passed
to (`np.log(1.5 + np.sin(e))`, never `np.log(e)`), loops have bounded trip
counts, every index is in range and no statement writes into an array that
may alias an argument, so the function is pure and the finite-difference
check is meaningful.

Each expression and statement is rendered twice, side by side:

    plain         if x0 > np.abs(v0[1]):
    instrumented  if __br__(x0 > __kink__('abs', v0[1])):

The instrumented module records every branch decision and, for primitives
with a kink (abs, maximum, clip, max...), which side of the kink each call is
on.  Two inputs with the same trace follow the same smooth piece, which is how
the harness skips inputs near a branch switch or kink.
"""

import math
import random
from dataclasses import dataclass

import numpy as np

N = 3                       # length of every vector


# --- choices ------------------------------------------------------------------------------

class Chooser:
    """Every random decision; `below(n)` returns an int in [0, n).  0 is the simplest."""

    def __init__(self, below):
        self.below = below

    def pick(self, seq):
        return seq[self.below(len(seq))] if len(seq) > 1 else seq[0]

    def chance(self, percent):
        return self.below(100) >= 100 - percent      # 0 (the shrink target) means no

    def weighted(self, options):
        """options: [(weight, value)], first = simplest."""
        total = sum(w for w, _ in options)
        r = self.below(total)
        for w, v in options:
            if r < w:
                return v
            r -= w
        return options[-1][1]


def hypothesis_chooser(draw):
    from hypothesis import strategies as st
    return Chooser(lambda n: draw(st.integers(0, n - 1)) if n > 1 else 0)


def random_chooser(seed):
    rng = random.Random(seed)
    return Chooser(lambda n: rng.randrange(n))


# --- expressions: (plain, instrumented) pairs ----------------------------------------------

def E(fmt, *args):
    return (fmt.format(*[a[0] for a in args]), fmt.format(*[a[1] for a in args]))


def leaf(text):
    return (text, text)


def kink(name, fmt, *args):
    plain = fmt.format(*[a[0] for a in args])
    instr = f"__kink__({name!r}, " + ", ".join(a[1] for a in args) + ")"
    return (plain, instr)


def branch(cond):
    return (cond[0], f"__br__({cond[1]})")


# Positive and bounded wrappers: keep arguments inside a primitive's smooth domain.
POSITIVE = ["(1.5 + np.sin({0}))", "(2.0 + np.tanh({0}))", "np.cosh({0})", "np.exp(0.5 * np.cos({0}))"]
BOUNDED = ["(0.9 * np.tanh({0}))", "(0.9 * np.sin({0}))"]

# (name, template, domain) -- domain: "any", "pos" (> 0), "unit" (|.| < 1), "ge1" (> 1)
UNARY = [
    ("sin", "np.sin({0})", "any"), ("cos", "np.cos({0})", "any"), ("tanh", "np.tanh({0})", "any"),
    ("exp", "np.exp({0})", "bounded"), ("log", "np.log({0})", "pos"), ("sqrt", "np.sqrt({0})", "pos"),
    ("neg", "(-{0})", "any"), ("square", "np.square({0})", "any"), ("pow2", "({0}) ** 2", "any"),
    ("pow3", "({0}) ** 3", "any"), ("powf", "({0}) ** 1.5", "pos"), ("rpow", "np.power({0}, 0.5)", "pos"),
    ("reciprocal", "np.reciprocal({0})", "pos"), ("log1p", "np.log1p({0})", "pos"),
    ("log2", "np.log2({0})", "pos"), ("log10", "np.log10({0})", "pos"), ("expm1", "np.expm1({0})", "bounded"),
    ("exp2", "np.exp2({0})", "bounded"), ("arctan", "np.arctan({0})", "any"),
    ("arcsinh", "np.arcsinh({0})", "any"), ("arcsin", "np.arcsin({0})", "unit"),
    ("arccos", "np.arccos({0})", "unit"), ("arctanh", "np.arctanh({0})", "unit"),
    ("arccosh", "np.arccosh(1.0 + {0})", "pos"), ("sinh", "np.sinh({0})", "bounded"),
    ("cosh", "np.cosh({0})", "bounded"), ("tan", "np.tan({0})", "unit"), ("cbrt", "np.cbrt({0})", "pos"),
    ("negative", "np.negative({0})", "any"), ("positive", "np.positive({0})", "any"),
]
# math functions: scalars only
MATH_UNARY = [
    ("m.sin", "math.sin({0})", "any"), ("m.cos", "math.cos({0})", "any"), ("m.exp", "math.exp({0})", "bounded"),
    ("m.log", "math.log({0})", "pos"), ("m.sqrt", "math.sqrt({0})", "pos"), ("m.tanh", "math.tanh({0})", "any"),
    ("m.atan", "math.atan({0})", "any"), ("m.erf", "math.erf({0})", "any"), ("m.erfc", "math.erfc({0})", "any"),
    ("m.log1p", "math.log1p({0})", "pos"), ("m.asinh", "math.asinh({0})", "any"),
    ("m.pow", "math.pow({0}, 1.5)", "pos"), ("float", "float({0})", "any"),
]
# (name, template, domain of the second argument)
BINARY = [
    ("add", "({0} + {1})", "any"), ("sub", "({0} - {1})", "any"), ("mul", "({0} * {1})", "any"),
    ("div", "({0} / {1})", "pos"), ("np.add", "np.add({0}, {1})", "any"),
    ("np.multiply", "np.multiply({0}, {1})", "any"), ("np.subtract", "np.subtract({0}, {1})", "any"),
    ("np.divide", "np.divide({0}, {1})", "pos"), ("arctan2", "np.arctan2({0}, {1})", "pos"),
    ("logaddexp", "np.logaddexp({0}, {1})", "any"), ("pow", "(({1}) ** {0})", "pos"),
    ("np.power", "np.power({1}, {0})", "pos"),
]
MATH_BINARY = [("m.atan2", "math.atan2({0}, {1})", "pos"), ("m.hypot", "math.hypot({0}, {1})", "pos"),
               ("m.pow2", "math.pow({1}, {0})", "pos")]
# kinks: (name, plain template, arity, scalars only)
KINK_S = [("abs", "abs({0})", 1), ("np.abs", "np.abs({0})", 1), ("fabs", "np.fabs({0})", 1),
          ("m.fabs", "math.fabs({0})", 1), ("max2", "max({0}, {1})", 2), ("min2", "min({0}, {1})", 2),
          ("maximum", "np.maximum({0}, {1})", 2), ("minimum", "np.minimum({0}, {1})", 2),
          ("fmax", "np.fmax({0}, {1})", 2), ("fmin", "np.fmin({0}, {1})", 2),
          ("clip", "np.clip({0}, -1.0, 1.0)", 1)]
KINK_V = [("np.abs", "np.abs({0})", 1), ("maximum", "np.maximum({0}, {1})", 2),
          ("minimum", "np.minimum({0}, {1})", 2), ("clip", "np.clip({0}, -1.0, 1.0)", 1)]
KINK_REDUCE = [("vmax", "np.max({0})"), ("vmin", "np.min({0})"), ("vmax", "({0}).max()"),
               ("vmin", "({0}).min()")]
REDUCE = [("sum", "np.sum({0})"), ("mean", "np.mean({0})"), (".sum", "({0}).sum()"),
          ("prod", "np.prod({0})"), ("norm", "np.linalg.norm({0})"), (".mean", "({0}).mean()"),
          ("var", "np.var({0})"),
          # std has a cone point where the spread is 0 (np.array([x, x, x]) is common here)
          ("std", "np.std({0} + np.array([0.0, 0.5, 1.0]))")]
REDUCE2 = [("dot", "np.dot({0}, {1})"), ("matmul", "({0} @ {1})"), ("inner", "np.inner({0}, {1})"),
           (".dot", "({0}).dot({1})")]
VECTOR_OPS = [("cumsum", "np.cumsum({0})"), ("flip", "np.flip({0})"), ("rev", "({0})[::-1]"),
              ("cumprod", "np.cumprod({0})"), ("copy", "np.copy({0})"), ("slice", "({0})[0:3]")]


def _switches(name, args):
    """The quantities whose sign tells which side of a kink a call is on."""
    if name in ("abs", "np.abs", "fabs", "m.fabs"):
        return [args[0]]
    if name in ("max2", "min2", "maximum", "minimum", "fmax", "fmin"):
        return [np.subtract(args[0], args[1])]
    if name == "clip":
        return [np.add(args[0], 1.0), np.subtract(args[0], 1.0)]
    if name in ("vmax", "vmin"):
        return [np.argmax(args[0]) if name == "vmax" else np.argmin(args[0])]
    raise KeyError(name)


_KINK_FUNCS = {"abs": abs, "np.abs": np.abs, "fabs": np.fabs, "m.fabs": math.fabs,
               "max2": max, "min2": min, "maximum": np.maximum, "minimum": np.minimum,
               "fmax": np.fmax, "fmin": np.fmin, "clip": lambda a: np.clip(a, -1.0, 1.0),
               "vmax": np.max, "vmin": np.min}


def tracer():
    """(trace list, namespace for an instrumented module)."""
    trace = []

    def br(c):
        trace.append(bool(c))
        return c

    def kink_call(name, *args):
        for s in _switches(name, args):
            trace.append(tuple(np.sign(np.ravel(s)).tolist()))
        return _KINK_FUNCS[name](*args)

    return trace, {"__br__": br, "__kink__": kink_call}


# --- programs -----------------------------------------------------------------------------

@dataclass
class Line:
    indent: int
    plain: str
    instr: str
    func: str
    stmt: bool = True           # a statement start (an injection point); False for elif/else


class Program:
    """Lines of a module; `params` [(name, "s" | "v")] of f; `called` the functions f reaches.

    (A plain class, not a dataclass, so hypothesis prints a failing program as text.)
    """

    def __init__(self, lines, params, features=(), called=()):
        self.lines = lines
        self.params = params
        self.features = set(features)
        self.called = set(called)

    HEADER = "import math\n\nimport numpy as np\n\n"

    def __repr__(self):
        return "Program:\n" + self.render()

    def render(self, instrumented=False, extra=None):
        """Module text.  `extra`: {line index: [(indent, text)]} inserted before that line."""
        out = [self.HEADER]
        for k, ln in enumerate(self.lines):
            for indent, text in (extra or {}).get(k, []):
                out.append("    " * indent + text + "\n")
            out.append("    " * ln.indent + (ln.instr if instrumented else ln.plain) + "\n")
        return "".join(out)

    @property
    def text(self):
        return self.render()

    def make_args(self, rng, lo=-1.5, hi=1.5):
        return [float(rng.uniform(lo, hi)) if k == "s" else rng.uniform(lo, hi, size=N)
                for _, k in self.params]


class _Scope:
    def __init__(self, env, tainted, loops, in_loop):
        self.env = dict(env)            # name -> "s" | "v" | "i" (int index < N)
        self.tainted = set(tainted)     # vectors that may alias an argument: never written
        self.loops = loops              # loop nesting depth
        self.in_loop = in_loop


class Generator:
    """Draws one program.  Sizes: up to 2 helpers, 6 statements a body, nesting depth 2."""

    def __init__(self, chooser, max_stmts=6, max_depth=2, expr_depth=2, allow_kinks=True):
        self.c = chooser
        self.max_stmts = max_stmts
        self.max_depth = max_depth
        self.expr_depth = expr_depth
        self.allow_kinks = allow_kinks
        self.lines = []
        self.features = set()
        self.helpers = []               # (name, [param kinds], return kind)
        self.calls = {}                 # function -> functions it calls
        self.func = None
        self.counter = 0

    def fresh(self, base):
        self.counter += 1
        return f"{base}{self.counter}"

    def emit(self, indent, plain, instr=None, stmt=True):
        self.lines.append(Line(indent, plain, plain if instr is None else instr, self.func, stmt))

    # --- top level ----------------------------------------------------------------------

    def program(self):
        for _ in range(self.c.weighted([(5, 0), (3, 1), (2, 2)])):
            self.helper()
        n_s = 1 + self.c.below(3)
        n_v = self.c.weighted([(4, 0), (4, 1), (2, 2)])
        params = [(f"x{i}", "s") for i in range(n_s)] + [(f"v{i}", "v") for i in range(n_v)]
        self.function("f", params, "s")
        called = self._reachable("f")
        return Program(self.lines, params, self.features, called)

    def _reachable(self, name):
        seen, todo = set(), [name]
        while todo:
            n = todo.pop()
            if n not in seen:
                seen.add(n)
                todo.extend(self.calls.get(n, ()))
        return seen

    def helper(self):
        name = f"h{len(self.helpers)}"
        kinds = [self.c.pick(["s", "v"]) for _ in range(1 + self.c.below(2))]
        params = [(f"a{i}", k) for i, k in enumerate(kinds)]
        ret = self.c.pick(["s", "v"])
        self.function(name, params, ret, max_stmts=3)
        self.helpers.append((name, kinds, ret))
        self.features.add("helper call")

    def function(self, name, params, ret, max_stmts=None):
        self.func = name
        self.calls.setdefault(name, set())
        self.ret_kind = ret
        self.emit(0, f"def {name}({', '.join(p for p, _ in params)}):", stmt=False)
        scope = _Scope({p: k for p, k in params}, {p for p, k in params if k == "v"}, 0, False)
        self.block(scope, 1, max_stmts or self.max_stmts, 0)
        self.emit(1, *self._pair("return ", self.expr(scope, ret)))
        self.emit(0, "", stmt=False)
        self.emit(0, "", stmt=False)

    @staticmethod
    def _pair(prefix, e, suffix=""):
        return prefix + e[0] + suffix, prefix + e[1] + suffix

    # --- statements ---------------------------------------------------------------------

    def block(self, scope, indent, max_stmts, depth):
        n = self.c.below(max_stmts + 1)
        if n == 0:
            self.emit(indent, "pass")
            return
        for _ in range(n):
            self.statement(scope, indent, depth)

    def statement(self, scope, indent, depth):
        options = [(6, self.assign), (2, self.augassign), (1, self.unpack)]
        if any(k == "v" and v not in scope.tainted for v, k in scope.env.items()):
            options.append((2, self.setitem))
        if depth < self.max_depth:
            options += [(2, self.if_stmt), (2, self.for_range), (1, self.for_each), (1, self.while_loop)]
        if scope.in_loop:
            options.append((1, self.jump))
        options.append((1, self.early_return))
        self.c.weighted(options)(scope, indent, depth)

    def target(self, scope, kind, fresh_value):
        """A new name, or an existing variable of `kind` that may receive this value."""
        existing = [v for v, k in scope.env.items() if k == kind and (kind == "s" or fresh_value
                                                                        or v in scope.tainted)]
        if existing and self.c.chance(40):
            return self.c.pick(existing)
        name = self.fresh("s" if kind == "s" else "w")
        return name

    def bind(self, scope, name, kind, fresh_value):
        scope.env[name] = kind
        if kind == "v" and not fresh_value:
            scope.tainted.add(name)

    def assign(self, scope, indent, depth):
        kind = self.c.weighted([(3, "s"), (1, "v")])
        e, fresh_value = self.expr_fresh(scope, kind)
        name = self.target(scope, kind, fresh_value)
        self.emit(indent, *self._pair(f"{name} = ", e))
        self.bind(scope, name, kind, fresh_value)

    def augassign(self, scope, indent, depth):
        names = [v for v, k in scope.env.items() if k == "s" or (k == "v" and v not in scope.tainted)]
        if not names:
            return self.assign(scope, indent, depth)
        name = self.c.pick(names)
        op = self.c.pick(["+=", "-=", "*="])
        e = self.expr(scope, "s" if scope.env[name] == "s" or self.c.chance(50) else "v")
        self.emit(indent, *self._pair(f"{name} {op} ", e))
        self.features.add("augmented assignment")

    def unpack(self, scope, indent, depth):
        self.features.add("tuple unpacking")
        if self.c.chance(30):           # swap two scalars
            names = [v for v, k in scope.env.items() if k == "s"]
            if len(names) >= 2:
                a, b = names[0], names[1 + self.c.below(len(names) - 1)]
                self.emit(indent, f"{a}, {b} = {b}, {a}")
                return
        kinds = [self.c.weighted([(3, "s"), (1, "v")]) for _ in range(2)]
        values = [self.expr_fresh(scope, k) for k in kinds]
        names = []
        for k, (e, fr) in zip(kinds, values):
            n = self.target(scope, k, fr)
            while n in names:
                n = self.fresh("s" if k == "s" else "w")
            names.append(n)
        rhs = E("{0}, {1}", values[0][0], values[1][0])
        self.emit(indent, *self._pair(f"{names[0]}, {names[1]} = ", rhs))
        for n, k, (_, fr) in zip(names, kinds, values):
            self.bind(scope, n, k, fr)

    def setitem(self, scope, indent, depth):
        names = [v for v, k in scope.env.items() if k == "v" and v not in scope.tainted]
        name = self.c.pick(names)
        idx = self.index(scope)
        op = self.c.pick(["=", "+=", "*="])
        e = self.expr(scope, "s")
        self.emit(indent, *self._pair(f"{name}[{idx}] {op} ", e))
        self.features.add("subscript write")

    def index(self, scope):
        ints = [v for v, k in scope.env.items() if k == "i"]
        if ints and self.c.chance(50):
            return self.c.pick(ints)
        return str(self.c.pick([0, 1, 2, -1]))

    def cond(self, scope):
        a = self.expr(scope, "s", self.expr_depth - 1)
        form = self.c.below(4)
        if form == 0:
            c = E("{0} > 0.0", a)
        elif form == 1:
            c = E("{0} < {1}", a, self.expr(scope, "s", self.expr_depth - 1))
        elif form == 2:
            c = E("-0.5 < {0} < 0.5", a)
            self.features.add("chained comparison")
        else:
            c = E("{0} >= {1}", a, leaf(self.const()))
        return branch(c)

    def sub_block(self, scope, indent, depth, in_loop=None):
        inner = _Scope(scope.env, scope.tainted, scope.loops, scope.in_loop if in_loop is None else in_loop)
        return inner

    def _after(self, scope, inner):
        # names first bound inside the block are not visible after it; taint only grows
        scope.tainted |= {n for n in inner.tainted if n in scope.env}

    def if_stmt(self, scope, indent, depth):
        self.features.add("if")
        self.emit(indent, *self._pair("if ", self.cond(scope), ":"))
        arms = [self.sub_block(scope, indent, depth)]
        self.block(arms[-1], indent + 1, 3, depth + 1)
        for _ in range(self.c.weighted([(3, 0), (1, 1)])):
            self.features.add("elif")
            c = self.cond(scope)
            self.emit(indent, *self._pair("elif ", c, ":"), stmt=False)
            arms.append(self.sub_block(scope, indent, depth))
            self.block(arms[-1], indent + 1, 3, depth + 1)
        if self.c.chance(50):
            self.features.add("else")
            self.emit(indent, "else:", stmt=False)
            arms.append(self.sub_block(scope, indent, depth))
            self.block(arms[-1], indent + 1, 3, depth + 1)
        for arm in arms:
            self._after(scope, arm)

    def for_range(self, scope, indent, depth):
        self.features.add("for range")
        i = self.fresh("i")
        n = self.c.pick(["3", "2", "1", "len(v)", "N"])
        vecs = [v for v, k in scope.env.items() if k == "v"]
        if n == "len(v)":
            n = f"len({vecs[0]})" if vecs else "3"
        elif n == "N":
            n = "0, 3" if self.c.chance(50) else "1, 3"
        self.emit(indent, f"for {i} in range({n}):")
        inner = self.sub_block(scope, indent, depth, in_loop=True)
        inner.env[i] = "i"
        self.block(inner, indent + 1, 3, depth + 1)
        self._after(scope, inner)

    def for_each(self, scope, indent, depth):
        self.features.add("for over array")
        e = self.fresh("e")
        vec = self.expr(scope, "v", 0)
        self.emit(indent, *self._pair(f"for {e} in ", vec, ":"))
        inner = self.sub_block(scope, indent, depth, in_loop=True)
        inner.env[e] = "s"
        self.block(inner, indent + 1, 3, depth + 1)
        self._after(scope, inner)

    def while_loop(self, scope, indent, depth):
        self.features.add("while")
        k = self.fresh("k")
        self.emit(indent, f"{k} = 0")
        bound = self.c.pick(["3", "2", "4"])
        if self.c.chance(50):
            c = self.cond(scope)
            self.features.add("while on data")
            self.emit(indent, f"while {k} < {bound} and {c[0]}:", f"while __br__({k} < {bound}) and {c[1]}:")
        else:
            self.emit(indent, f"while {k} < {bound}:", f"while __br__({k} < {bound}):")
        self.emit(indent + 1, f"{k} += 1")
        inner = self.sub_block(scope, indent, depth, in_loop=True)
        self.block(inner, indent + 1, 3, depth + 1)
        self._after(scope, inner)

    def jump(self, scope, indent, depth):
        word = self.c.pick(["break", "continue"])
        self.features.add(word)
        self.emit(indent, *self._pair("if ", self.cond(scope), ":"))
        self.emit(indent + 1, word)

    def early_return(self, scope, indent, depth):
        self.features.add("early return")
        self.emit(indent, *self._pair("if ", self.cond(scope), ":"))
        self.emit(indent + 1, *self._pair("return ", self.expr(scope, self.ret_kind)))

    # --- expressions --------------------------------------------------------------------

    def const(self):
        return self.c.pick(["0.5", "1.5", "-0.75", "2.0", "0.25", "-1.25"])

    def expr_fresh(self, scope, kind):
        """(expression, whether a vector value is a new array no argument can alias)."""
        e = self.expr(scope, kind)
        if kind == "s":
            return e, True
        if self.c.chance(25):
            self.features.add("array copy")
            return E(self.c.pick(["np.array({0})", "({0}).copy()", "np.copy({0})"]), e), True
        return e, not self._may_alias(e[0])

    @staticmethod
    def _may_alias(text):
        # a bare name, a view (slice, flip) or a helper's result may share memory
        return text.isidentifier() or "[" in text or "flip" in text or text.startswith("h")

    def expr(self, scope, kind, depth=None):
        depth = self.expr_depth if depth is None else depth
        if depth <= 0 or self.c.below(3) == 0:
            return self.leaf(scope, kind)
        return (self.scalar if kind == "s" else self.vector)(scope, depth - 1)

    def wrap(self, e, domain):
        if domain == "pos":
            return E(self.c.pick(POSITIVE), e)
        if domain == "unit":
            return E(self.c.pick(BOUNDED), e)
        if domain == "bounded":
            return E("np.sin({0})", e) if self.c.chance(50) else e
        return e

    def leaf(self, scope, kind):
        names = [v for v, k in scope.env.items() if k == kind]
        if kind == "s":
            options = [(4, "name")] if names else []
            options += [(1, "const")]
            vecs = [v for v, k in scope.env.items() if k == "v"]
            if vecs:
                options.append((2, "item"))
            ints = [v for v, k in scope.env.items() if k == "i"]
            if ints:
                options.append((1, "int"))
            what = self.c.weighted(options)
            if what == "name":
                return leaf(self.c.pick(names))
            if what == "item":
                self.features.add("subscript read")
                return leaf(f"{self.c.pick(vecs)}[{self.index(scope)}]")
            if what == "int":
                self.features.add("loop index in arithmetic")
                return leaf(self.c.pick(ints))
            return leaf(self.const())
        if names and not self.c.chance(15):
            return leaf(self.c.pick(names))
        self.features.add("array display")
        items = [self.leaf(scope, "s") for _ in range(N)]
        return E("np.array([{0}, {1}, {2}])", *items)

    def scalar(self, scope, depth):
        options = [(3, "binary"), (3, "unary"), (2, "reduce"), (1, "math"), (1, "ifexp")]
        if self.allow_kinks:
            options.append((1, "kink"))
        if any(r == "s" for _, _, r in self.helpers):
            options.append((2, "call"))
        what = self.c.weighted(options)
        if what == "binary":
            name, tpl, dom = self.c.pick(BINARY)
            self.features.add(f"prim {name}")
            a, b = self.expr(scope, "s", depth), self.expr(scope, "s", depth)
            return E(tpl, a if name not in ("pow", "np.power") else leaf(self.const()), self.wrap(b, dom))
        if what == "unary":
            name, tpl, dom = self.c.pick(UNARY)
            self.features.add(f"prim {name}")
            return E(tpl, self.wrap(self.expr(scope, "s", depth), dom))
        if what == "math":
            if self.c.chance(30):
                name, tpl, dom = self.c.pick(MATH_BINARY)
                self.features.add(f"prim {name}")
                a = self.expr(scope, "s", depth) if name != "m.pow2" else leaf(self.const())
                return E(tpl, a, self.wrap(self.expr(scope, "s", depth), dom))
            name, tpl, dom = self.c.pick(MATH_UNARY)
            self.features.add(f"prim {name}")
            return E(tpl, self.wrap(self.expr(scope, "s", depth), dom))
        if what == "reduce":
            if self.c.chance(30):
                name, tpl = self.c.pick(REDUCE2)
                self.features.add(f"prim {name}")
                return E(tpl, self.expr(scope, "v", depth), self.expr(scope, "v", depth))
            name, tpl = self.c.pick(REDUCE)
            self.features.add(f"prim {name}")
            return E(tpl, self.expr(scope, "v", depth))
        if what == "ifexp":
            self.features.add("conditional expression")
            c = self.cond(scope)
            return E("({0} if {1} else {2})", self.expr(scope, "s", depth), c, self.expr(scope, "s", depth))
        if what == "kink":
            if self.c.chance(25):
                name, tpl = self.c.pick(KINK_REDUCE)
                self.features.add(f"kink {name}")
                return kink(name, tpl, self.expr(scope, "v", depth))
            name, tpl, arity = self.c.pick(KINK_S)
            self.features.add(f"kink {name}")
            return kink(name, tpl, *[self.expr(scope, "s", depth) for _ in range(arity)])
        return self.call(scope, "s", depth)

    def vector(self, scope, depth):
        options = [(3, "binary"), (2, "unary"), (1, "op")]
        if self.allow_kinks:
            options.append((1, "kink"))
        if any(r == "v" for _, _, r in self.helpers):
            options.append((2, "call"))
        what = self.c.weighted(options)
        if what == "binary":
            name, tpl, dom = self.c.pick([b for b in BINARY if b[0] not in ("pow",)])
            self.features.add(f"prim {name} (array)")
            ka, kb = self.c.pick([("v", "v"), ("v", "s"), ("s", "v")])
            a, b = self.expr(scope, ka, depth), self.expr(scope, kb, depth)
            if name == "np.power":
                a = leaf(self.const()) if ka == "s" else a
            return E(tpl, a, self.wrap(b, dom))
        if what == "unary":
            name, tpl, dom = self.c.pick(UNARY)
            self.features.add(f"prim {name} (array)")
            return E(tpl, self.wrap(self.expr(scope, "v", depth), dom))
        if what == "op":
            name, tpl = self.c.pick(VECTOR_OPS)
            self.features.add(f"prim {name}")
            return E(tpl, self.expr(scope, "v", depth))
        if what == "kink":
            name, tpl, arity = self.c.pick(KINK_V)
            self.features.add(f"kink {name} (array)")
            args = [self.expr(scope, "v", depth)] + [self.expr(scope, self.c.pick(["v", "s"]), depth)
                                                     for _ in range(arity - 1)]
            return kink(name, tpl, *args)
        return self.call(scope, "v", depth)

    def call(self, scope, kind, depth):
        name, kinds, _ = self.c.pick([h for h in self.helpers if h[2] == kind])
        self.calls.setdefault(self.func, set()).add(name)
        args = [self.expr(scope, k, depth) for k in kinds]
        fmt = name + "(" + ", ".join("{%d}" % i for i in range(len(args))) + ")"
        return E(fmt, *args)


def generate(chooser, **kw):
    return Generator(chooser, **kw).program()


def programs(**kw):
    """A hypothesis strategy of Programs."""
    from hypothesis import strategies as st

    @st.composite
    def strategy(draw):
        return generate(hypothesis_chooser(draw), **kw)
    return strategy()
