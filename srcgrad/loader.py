"""Generated source -> live functions.

A unit's source text is compiled inside a factory function whose parameters
are the unit's free names that are not the user's globals (template helpers,
other units' functions, the user's closure variables).  The resulting code
objects are turned into functions whose globals are the *user's* module dict
(so globals are read live, as in the original) and whose closure cells hold
those free names; cells for other units are filled when everything is linked,
which is what makes recursion work.  The text is registered with linecache
so tracebacks and pdb show the generated lines.
"""

import linecache
import types

from . import astlib as A


def free_names(fn_nodes):
    """Names the functions load that are bound nowhere inside them (with their 'global' annos)."""
    bound = set()
    loads = {}
    for fn in fn_nodes:
        bound.add(fn.name)
        for node in A.walk(fn):
            if isinstance(node, A.Name):
                if isinstance(node.ctx, (A.Store, A.Param)):
                    bound.add(node.id)
                elif node.id not in loads or A.has_anno(node, "global"):
                    loads[node.id] = node
    return {k: v for k, v in loads.items() if k not in bound}


def register_source(filename, text):
    lines = text.splitlines(keepends=True)
    linecache.cache[filename] = (len(text), None, lines, filename)


def factory_code(text, filename, first_line, cell_names):
    """The compiled module that defines one unit's factory (see compile_unit)."""
    params = ", ".join(cell_names)
    indented = "".join("    " + line if line.strip() else line
                       for line in text.splitlines(keepends=True))
    factory = f"def __srcgrad_factory__({params}):\n{indented}\n    return None\n"
    # the factory's `def` line sits one line above the unit's first line
    padding = "\n" * max(first_line - 2, 0)
    return compile(padding + factory, filename, "exec")


def compile_unit(text, filename, first_line, cell_names, globals_dict, cells, functions,
                 defaults=None, code=None):
    """Compile one unit's text; return {function name: function}.

    text        -- the unit's source (function definitions only)
    first_line  -- line of `text`'s first line within the registered file
    cell_names  -- names to bind through closure cells
    cells       -- name -> cell (types.CellType), shared across units when linking
    functions   -- names of the functions defined in `text`
    defaults    -- function name -> (__defaults__, __kwdefaults__) to install
    code        -- factory_code() of the same arguments, if already at hand
    """
    if code is None:
        code = factory_code(text, filename, first_line, cell_names)
    factory = next(c for c in code.co_consts if isinstance(c, types.CodeType))
    out = {}
    for const in factory.co_consts:
        if isinstance(const, types.CodeType) and const.co_name in functions:
            closure = tuple(cells[name] for name in const.co_freevars)
            fn = types.FunctionType(const, globals_dict, const.co_name, None, closure or None)
            if defaults and const.co_name in defaults:
                fn.__defaults__, fn.__kwdefaults__ = defaults[const.co_name]
            out[const.co_name] = fn
    return out
