"""Generated function trees -> readable Python source.

Each run of statements that came from one user statement is headed by a
comment quoting that statement and its `file:line`; backward blocks say
`grad of:`.  Output is deterministic: same trees, same text.
"""

import ast
import math
import linecache
import os

import astor

from . import astlib as A

_MARK = "#@srcgrad-comment@#"


def origin_text(origin, filename):
    lineno = getattr(origin, "lineno", None)
    if lineno is None:
        return None
    line = linecache.getline(filename, lineno).strip()
    if not line:
        return None
    if line.endswith(":") and isinstance(origin, (A.If, A.For, A.While)):
        pass
    return f"{line}   ({os.path.basename(filename)}:{lineno})"


def annotate(fn, filename, prefix=""):
    """Insert comment statements in front of each new source statement's block."""
    fn.body = _annotated(fn.body, filename, prefix, None)
    return fn


def _annotated(stmts, filename, prefix, last):
    out = []
    for st in stmts:
        origin = A.anno(st, "origin")
        key = (getattr(origin, "lineno", None), getattr(origin, "col_offset", None))
        if origin is not None and key != last and key[0] is not None:
            text = origin_text(origin, filename)
            if text:
                out.append(_comment(prefix + text))
            last = key
        for field in ("body", "orelse"):
            if isinstance(st, (A.If, A.For, A.While)):
                setattr(st, field, _annotated(getattr(st, field), filename, prefix, last))
        out.append(st)
    return out


def _comment(text):
    return A.expr_stmt(A.const(_MARK + text))


def _negative(v):
    return isinstance(v, (int, float, complex)) and not isinstance(v, bool) and \
        math.copysign(1.0, v.real if isinstance(v, complex) else v) < 0


class _Printer(astor.SourceGenerator):
    """astor's printer, plus what generated code needs: comment statements print as
    comments, and a negative constant (folded, so `-1.25`, which binds looser than `**`
    and attribute access) prints as a unary minus, parenthesized where needed."""

    def visit_Expr(self, node):
        value = node.value
        if type(value) is ast.Constant and isinstance(value.value, str) \
                and value.value.startswith(_MARK):
            self.statement(node, "# " + value.value[len(_MARK):])
        else:
            super().visit_Expr(node)

    def visit_Constant(self, node):
        if not _negative(node.value):
            return super().visit_Constant(node)
        minus = ast.UnaryOp(ast.USub(), ast.Constant(-node.value))
        if "_pp" in node.__dict__:         # the precedence the parent asked of the constant
            minus._pp = node._pp
        return self.visit_UnaryOp(minus)


def to_source(nodes, header=()):
    """Source text for a list of function trees, with `header` comment lines on top."""
    module = A.to_python_ast(A.module(nodes))
    text = astor.to_source(module, indent_with=" " * 4, source_generator_class=_Printer)
    out = []
    for line in text.splitlines():
        if line.startswith("def ") and out and out[-1].strip():
            out.extend(["", ""])
        out.append(line)
    head = [f"# {h}" if h else "#" for h in header]
    return "\n".join(head + ([""] if head else []) + out).rstrip() + "\n"
