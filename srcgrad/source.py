"""Function object -> its source text, location, globals and closure.

After `read_source(fn)` the returned `SourceInfo` holds the function's
`def` as a gast tree whose line and column numbers are those of the file the
function lives in, with decorators removed.
"""

import builtins
import inspect
import linecache
from dataclasses import dataclass, field

from . import astlib
from .errors import SourceUnavailableError


@dataclass
class SourceInfo:
    func: object            # the Python function (None for lifted nested defs)
    name: str
    qualname: str
    filename: str
    lineno: int             # line of the `def` in `filename`
    text: str               # the function's source, as written
    tree: object            # gast FunctionDef, absolute locations, no decorators
    globals: dict
    closure: dict = field(default_factory=dict)   # free variable name -> cell
    module: str = ""

    @property
    def where(self):
        return f"{self.filename}:{self.lineno}"

    def lookup(self, ident):
        """What a free name refers to when the function runs: (found, value)."""
        cell = self.closure.get(ident)
        if cell is not None:
            try:
                return True, cell.cell_contents
            except ValueError:
                return False, None
        if ident in self.globals:
            return True, self.globals[ident]
        b = self.globals.get("__builtins__", builtins)
        bdict = b if isinstance(b, dict) else vars(b)
        if ident in bdict:
            return True, bdict[ident]
        return False, None


def unwrap(fn):
    """The plain Python function behind srcgrad wrappers and decorators."""
    seen = set()
    while id(fn) not in seen:
        seen.add(id(fn))
        inner = getattr(fn, "__srcgrad_function__", None)
        if inner is not None:
            fn = inner
            continue
        break
    return fn


def read_source(fn):
    fn = unwrap(fn)
    if inspect.ismethod(fn):
        raise SourceUnavailableError(
            f"{fn.__qualname__} is a bound method; srcgrad differentiates plain functions. "
            f"Pass the function itself (e.g. {type(fn.__self__).__name__}.{fn.__name__}) "
            "with the object as an argument.")
    if not inspect.isfunction(fn):
        raise SourceUnavailableError(
            f"{fn!r} is not a Python function (srcgrad reads a function's source to "
            "transform it; builtins and C extensions have no Python source). "
            "Register a template for it with srcgrad.adjoint instead.")
    if fn.__name__ == "<lambda>":
        raise SourceUnavailableError(
            f"cannot differentiate a lambda ({fn.__code__.co_filename}:"
            f"{fn.__code__.co_firstlineno}): write it as a `def` function.")
    filename = fn.__code__.co_filename
    try:
        lines, start = source_lines(fn)
    except (OSError, TypeError) as exc:
        reason = str(exc) or type(exc).__name__
        if filename.startswith("<") and filename.endswith(">"):
            reason = (f"it was defined in {filename}, where Python keeps no source "
                      "(an interactive prompt or exec of a string); put it in a .py file "
                      "or a notebook cell")
        raise SourceUnavailableError(
            f"cannot read the source of {fn.__qualname__}: {reason}") from None
    text = "".join(lines)
    tree = _parse_def(text, start, fn.__name__, filename)
    closure = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    return SourceInfo(func=fn, name=fn.__name__, qualname=fn.__qualname__,
                      filename=filename, lineno=tree.lineno, text=text, tree=tree,
                      globals=fn.__globals__, closure=closure,
                      module=getattr(fn, "__module__", "") or "")


def source_lines(fn):
    """inspect.getsourcelines(fn) for a function read from a file, found from its code
    object's line table instead of by tokenizing (which costs a new process several
    milliseconds on a warm start); inspect's answer wherever that would be unsure."""
    code = fn.__code__
    lines = linecache.getlines(code.co_filename, fn.__globals__)
    first = code.co_firstlineno
    last = _last_line(code)
    if not lines or last is None or not 0 < first <= last <= len(lines) \
            or not lines[first - 1].lstrip().startswith(("def ", "async def ", "@")):
        return inspect.getsourcelines(fn)
    indent = len(lines[first - 1]) - len(lines[first - 1].lstrip())
    for k in range(last, len(lines)):  # lines the line table does not reach: comments, dead code
        line = lines[k]
        stripped = line.strip()
        if not stripped:
            continue
        if len(line) - len(line.lstrip()) <= indent:
            break
        if not stripped.startswith("#"):
            return inspect.getsourcelines(fn)
        last = k + 1                   # a comment inside the block, as inspect keeps it
    return lines[first - 1:last], first


def _last_line(code):
    """The last source line any instruction of `code` or of the functions inside it covers."""
    ends = [end for _, end, _, _ in code.co_positions() if end is not None]
    ends += [_last_line(c) or 0 for c in code.co_consts if hasattr(c, "co_positions")]
    return max(ends) if ends else None


def _parse_def(text, start, fname, filename):
    indented = text[:1].isspace()
    # `if 1:` keeps the original indentation, so column numbers stay those of the file;
    # blank lines in front give the file's line numbers without a pass over the tree.
    lead = start - 1 - (1 if indented else 0)
    src = "\n" * max(lead, 0) + ("if 1:\n" + text if indented else text)
    try:
        module = astlib.parse(src)
    except SyntaxError as exc:
        raise SourceUnavailableError(
            f"cannot parse the source of {fname} at {filename}:{start}: {exc}") from None
    body = module.body[0].body if indented else module.body
    fn = next((n for n in body if isinstance(n, (astlib.FunctionDef, astlib.AsyncFunctionDef))), None)
    if fn is None:
        raise SourceUnavailableError(f"no function definition found for {fname} at {filename}:{start}")
    if lead < 0:                       # an indented block at the top of its text
        for node in astlib.walk(fn):
            if getattr(node, "lineno", None) is not None:
                node.lineno += lead
                if getattr(node, "end_lineno", None) is not None:
                    node.end_lineno += lead
    fn.decorator_list = []
    linecache.getlines(filename)  # make sure error messages can quote lines
    return fn
