"""Reject Python that srcgrad cannot differentiate, before any transformation.

After `check(info)` returns, the function contains only constructs the
normalizer knows how to lower.  Each rejection is an UnsupportedSyntaxError at
the construct's `file:line:col`, naming it and, where there is one, the
supported alternative.
"""

from . import astlib as A
from .errors import UnsupportedSyntaxError

# construct class -> (name shown to the user, hint)
_REJECTED = [
    (A.Try, "try/except", "move the error handling outside the differentiated function"),
    (A.TryStar, "try/except*", "move the error handling outside the differentiated function"),
    (A.With, "`with` statement", "move the context manager outside the differentiated function"),
    (A.AsyncWith, "`async with`", None),
    (A.AsyncFor, "`async for`", None),
    (A.AsyncFunctionDef, "async function", None),
    (A.Await, "`await`", None),
    (A.Yield, "`yield` (generator function)", "build a list and return it instead"),
    (A.YieldFrom, "`yield from`", None),
    (A.Global, "`global` statement (writing module globals)",
     "return the value instead of assigning a global; reading globals needs no declaration"),
    (A.Nonlocal, "`nonlocal` statement (writing an enclosing function's variable)",
     "return the value from the inner function instead"),
    (A.Delete, "`del` statement", "let the variable go out of scope, or assign a new value"),
    (A.ClassDef, "class definition", "define the class at module level"),
    (A.SetComp, "set comprehension", "use a list comprehension"),
    (A.DictComp, "dict comprehension", "build the dict in a for loop"),
    (A.Lambda, "lambda expression", "define a nested function with `def`"),
    (A.NamedExpr, "assignment expression (`:=`)", "assign on a separate line"),
    (A.Import, "import inside the function", "import at module level"),
    (A.ImportFrom, "import inside the function", "import at module level"),
    (A.Match, "`match` statement", "use if/elif/else"),
]


def check(info):
    """Raise UnsupportedSyntaxError for the first unsupported construct in `info.tree`."""
    _check_signature(info, info.tree)
    for node in A.walk(info.tree):
        if node is info.tree:
            continue
        for cls, what, hint in _REJECTED:
            if cls and isinstance(node, cls):
                raise _error(info, node, f"{what} is not supported by srcgrad", hint)
        if isinstance(node, A.FunctionDef):
            if node.decorator_list:
                raise _error(info, node.decorator_list[0],
                             "decorators on nested functions are not supported by srcgrad",
                             "define the decorated function at module level")
            _check_signature(info, node)
        if isinstance(node, A.Starred) and not _starred_target(node):
            raise _error(info, node, "`*` unpacking in a call or literal is not supported by srcgrad",
                         "pass the arguments one by one")
        if isinstance(node, A.Call):
            for kw in node.keywords:
                if kw.arg is None:
                    raise _error(info, kw.value, "`**` unpacking in a call is not supported by srcgrad",
                                 "pass the keyword arguments one by one")
        if isinstance(node, (A.ListComp, A.GeneratorExp)):
            for gen in node.generators:
                if gen.is_async:
                    raise _error(info, node, "async comprehension is not supported by srcgrad")
        if isinstance(node, (A.For, A.While)) and node.orelse:
            raise _error(info, node.orelse[0], f"`else` clause on a `{'for' if isinstance(node, A.For) else 'while'}` loop is not supported by srcgrad",
                         "use a flag variable set before `break`")


def _starred_target(node):
    return isinstance(node.ctx, A.Store)


def _check_signature(info, fn):
    a = fn.args
    if a.vararg is not None:
        raise _error(info, a.vararg, f"`*{a.vararg.id}` parameter is not supported by srcgrad",
                     "name each parameter, or pass a tuple/list")
    if a.kwarg is not None:
        raise _error(info, a.kwarg, f"`**{a.kwarg.id}` parameter is not supported by srcgrad",
                     "name each parameter, or pass a dict")


def _error(info, node, message, hint=None):
    return UnsupportedSyntaxError(message, info.filename, getattr(node, "lineno", info.lineno),
                                  getattr(node, "col_offset", None),
                                  hint=f"hint: {hint}" if hint else None)


def error_at(info, node, message, hint=None, cls=UnsupportedSyntaxError):
    """A located error for later passes that find something they cannot handle."""
    return cls(message, info.filename, getattr(node, "lineno", info.lineno),
               getattr(node, "col_offset", None), hint=f"hint: {hint}" if hint else None)
