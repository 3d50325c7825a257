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

    def block(stmts, last=None):
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
                    setattr(st, field, block(getattr(st, field), last))
            out.append(st)
        return out

    fn.body = block(fn.body)
    return fn


def _comment(text):
    return A.expr_stmt(A.const(_MARK + text))


def _negative(v):
    return isinstance(v, (int, float, complex)) and not isinstance(v, bool) and \
        math.copysign(1.0, v.real if isinstance(v, complex) else v) < 0


def _unary_minus(node):
    return ast.copy_location(ast.UnaryOp(ast.USub(), ast.Constant(-node.value)), node)


def _parenthesize_negatives(tree):
    """A folded negative constant prints as `-1.25`, which binds looser than `**` and
    attribute access; as `-(1.25)` (a unary minus) the printer parenthesizes it where needed."""
    for node in A.walk(tree):
        for field in node._fields:
            v = getattr(node, field, None)
            if type(v) is ast.Constant and _negative(v.value):
                setattr(node, field, _unary_minus(v))
            elif type(v) is list:
                for i, x in enumerate(v):
                    if type(x) is ast.Constant and _negative(x.value):
                        v[i] = _unary_minus(x)
    return tree


def to_source(nodes, header=()):
    """Source text for a list of function trees, with `header` comment lines on top."""
    module = _parenthesize_negatives(A.to_python_ast(A.module(nodes)))
    text = astor.to_source(module, indent_with=" " * 4)
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if _MARK in stripped and stripped[:1] in "'\"":
            try:
                value = ast.literal_eval(stripped)
            except (ValueError, SyntaxError):
                value = None
            if isinstance(value, str) and value.startswith(_MARK):
                indent = line[: len(line) - len(line.lstrip())]
                lines.append(indent + "# " + value[len(_MARK):])
                continue
        lines.append(line)
    out = []
    for line in lines:
        if line.startswith("def ") and out and out[-1].strip():
            out.extend(["", ""])
        out.append(line)
    head = [f"# {h}" if h else "#" for h in header]
    return "\n".join(head + ([""] if head else []) + out).rstrip() + "\n"
