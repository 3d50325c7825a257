"""Put one unsupported construct into a valid program.

Every construct srcgrad/fence.py rejects, written so the module still imports
(a construct Python itself rejects, like `await` outside `async def`, cannot
reach srcgrad and is not listed).  The construct goes before a statement of
`f` (a helper is only compiled when its result carries gradient, so a
construct there may legitimately run as plain Python).  Differentiating the
result must raise a SrcgradError located in the inserted lines -- never
another exception, never a gradient.
"""

from dataclasses import dataclass

# name -> lines (relative indent, text); each is one construct fence.py names
CONSTRUCTS = {
    "try/except": [(0, "try:"), (1, "_q = 1.0"), (0, "except ValueError:"), (1, "_q = 2.0")],
    "try/finally": [(0, "try:"), (1, "_q = 1.0"), (0, "finally:"), (1, "_q = 2.0")],
    "with": [(0, "with np.errstate(all='ignore'):"), (1, "_q = 1.0")],
    "yield": [(0, "yield 1.0")],
    "yield from": [(0, "yield from ()")],
    "global": [(0, "global _G")],
    "nonlocal": [(0, "_q = 0.0"), (0, "def _inner():"), (1, "nonlocal _q"), (1, "_q = 1.0")],
    "del": [(0, "_q = 1.0"), (0, "del _q")],
    "class": [(0, "class _C:"), (1, "pass")],
    "set comprehension": [(0, "_q = {k for k in range(2)}")],
    "dict comprehension": [(0, "_q = {k: k for k in range(2)}")],
    "lambda": [(0, "_q = lambda z: z")],
    "walrus": [(0, "_q = (_r := 1.0)")],
    "import": [(0, "import os")],
    "from import": [(0, "from math import sin")],
    "match": [(0, "match 1:"), (1, "case _:"), (2, "_q = 1.0")],
    "for/else": [(0, "for _k in range(1):"), (1, "_q = 1.0"), (0, "else:"), (1, "_q = 2.0")],
    "while/else": [(0, "while False:"), (1, "_q = 1.0"), (0, "else:"), (1, "_q = 2.0")],
    "star call": [(0, "_q = np.add(*(1.0, 2.0))")],
    "double-star call": [(0, "_q = np.clip(1.0, **{'a_min': 0.0, 'a_max': 2.0})")],
    "decorated nested def": [(0, "@staticmethod"), (0, "def _g(z):"), (1, "return z")],
    "async nested def": [(0, "async def _g():"), (1, "pass")],
    "vararg nested def": [(0, "def _g(*zs):"), (1, "return zs")],
    "kwarg nested def": [(0, "def _g(**zs):"), (1, "return zs")],
}
NAMES = sorted(CONSTRUCTS)


@dataclass
class Injected:
    program: object
    construct: str
    text: str               # module text with the construct
    first_line: int         # 1-based lines of the inserted construct in `text`
    last_line: int
    function: str

    def __repr__(self):
        return f"Injected({self.construct!r} in {self.function}, lines {self.first_line}-{self.last_line}):\n{self.text}"


def points(program):
    """(line index, indent) of statements of f, where a statement may go."""
    return [(k, ln.indent) for k, ln in enumerate(program.lines)
            if ln.stmt and ln.indent >= 1 and ln.func == "f"]


def inject(program, construct, point):
    k, indent = point
    lines = CONSTRUCTS[construct]
    text = program.render(extra={k: [(indent + d, t) for d, t in lines]})
    header = program.HEADER.count("\n")
    first = header + k + 1
    return Injected(program, construct, text, first, first + len(lines) - 1, program.lines[k].func)


def injected_programs():
    """A hypothesis strategy of Injected programs."""
    from hypothesis import strategies as st

    from .programs import generate, hypothesis_chooser

    @st.composite
    def strategy(draw):
        program = generate(hypothesis_chooser(draw), max_stmts=4)
        construct = draw(st.sampled_from(NAMES))
        where = points(program)
        point = where[draw(st.integers(0, len(where) - 1))]
        return inject(program, construct, point)
    return strategy()
