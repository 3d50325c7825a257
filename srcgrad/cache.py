"""Memory and disk cache of compiled gradients.

Memory: per function object, keyed by (wrt, argument kinds, options); an entry
is reused while the names it resolved (helpers, modules) still mean the same.

Disk: each entry is a readable `.py` file under `SRCGRAD_CACHE_DIR` (default
`$XDG_CACHE_HOME/srcgrad` or `~/.cache/srcgrad`; `off` disables it), named by a
hash of srcgrad's version, the template registry, the options, the argument
kinds and the source of the function and of every user function it may call.
Higher-order code is keyed the same way by the user function it derives from,
plus the mode and order it was made for.
Editing any of them changes the name, so stale entries are never used.  The
file ends with a line of link data including a SHA-256 of the text above it;
an entry whose hash does not match, that is truncated, unreadable or from
another version is ignored and rewritten.  Files are written to a temporary
name and renamed, so concurrent writers never expose a partial file.
"""

import hashlib
import importlib
import inspect
import json
import marshal
import os
import sys
import tempfile
import threading
import types
import warnings
import weakref

from . import __version__
from . import astlib as A
from . import loader, parse, pipeline, source
from .rules import registry

_META = "# srcgrad-link: "
_memory = weakref.WeakKeyDictionary()
_lock = threading.RLock()
_inflight = {}
_warned = set()
stats = {"transforms": 0, "disk_hits": 0, "memory_hits": 0, "disk_writes": 0}


# --- where -------------------------------------------------------------------------------

def cache_dir():
    """The disk cache directory, or None when disabled."""
    value = os.environ.get("SRCGRAD_CACHE_DIR")
    if value is not None and value.strip().lower() in ("off", "0", "none", ""):
        return None
    if value:
        return value
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "srcgrad")


def _usable_dir():
    path = cache_dir()
    if path is None:
        return None
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        if not os.access(path, os.W_OK | os.X_OK):
            raise PermissionError(f"{path} is not writable")
        return path
    except OSError as exc:
        if path not in _warned:
            _warned.add(path)
            warnings.warn(f"srcgrad: cache directory {path} is unusable ({exc}); "
                          "compiled gradients are kept in memory only", RuntimeWarning, stacklevel=4)
        return None


# --- keys --------------------------------------------------------------------------------

_registry_digest = None


def registry_digest():
    """A hash over the rules users registered (srcgrad.adjoint, primitive, nondifferentiable).

    srcgrad's own tables are covered by `code_digest` (their files are hashed), so
    whether an optional table has loaded yet does not change any key.
    """
    global _registry_digest
    if _registry_digest is None:
        h = hashlib.sha256()
        custom = [r for r in registry.RULES.values() if r.custom]
        for rule in sorted(custom, key=lambda r: registry.display_name(r.key)):
            h.update(registry.display_name(rule.key).encode())
            for tpl in [rule.reverse, rule.forward] + [t for _, t in rule.variants]:
                if tpl is not None:
                    h.update(tpl.where.encode() + A.to_source_text(tpl.body).encode())
            h.update(b"nondiff" if rule.nondiff else b"")
        _registry_digest = h.hexdigest()
    return _registry_digest


_code_digest = None


def code_digest():
    """A hash of srcgrad's own source files: a changed compiler never reuses old entries."""
    global _code_digest
    if _code_digest is None:
        h = hashlib.sha256()
        root = os.path.dirname(os.path.abspath(__file__))
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(("_", ".")))
            for name in sorted(filenames):
                if name.endswith(".py"):
                    with open(os.path.join(dirpath, name), "rb") as f:
                        h.update(name.encode() + f.read())
        _code_digest = h.hexdigest()
    return _code_digest


def invalidate_registry():
    global _registry_digest
    _registry_digest = None
    _memory.clear()


def reachable(fn):
    """The user functions `fn` may call, found from its source, `fn` first."""
    out, seen = [], set()

    def visit(f):
        if id(f) in seen:
            return
        seen.add(id(f))
        info = source.read_source(f)
        out.append((f, info))
        local = {n.id for n in A.walk(info.tree) if isinstance(n, A.Name) and A.is_store(n)}
        for node in A.walk(info.tree):
            if isinstance(node, A.Call):
                found, obj = parse.resolve_static(info, node.func, local, [])
                if found:
                    obj = source.unwrap(obj)
                    if parse.is_user_function(obj) and registry.lookup(obj) is None:
                        visit(obj)

    visit(source.unwrap(fn))
    return out


def disk_key(fns, wrt, kinds, options):
    h = hashlib.sha256()
    h.update(f"srcgrad {__version__}\n{code_digest()}\n{registry_digest()}\n".encode())
    h.update(repr((tuple(wrt), tuple(sorted(kinds.items())), tuple(sorted(options.items())))).encode())
    for f, info in fns:
        h.update(f"\n{info.qualname}\n{info.text}".encode())
    return h.hexdigest()[:32]


# --- describing the objects a unit binds ----------------------------------------------

_MODULES = ("srcgrad.runtime", "srcgrad.runtime.ops", "srcgrad.runtime.reductions",
            "srcgrad.runtime.shapes", "srcgrad.runtime.linalg", "numpy", "numpy.linalg", "math",
            "builtins", "operator", "cmath")
_reverse_lookup = None


def describe(obj):
    """A (module, attribute) pair that finds `obj` again in another process, or None."""
    global _reverse_lookup
    if inspect.ismodule(obj):
        return ["module", obj.__name__]
    mod, name = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    if mod and name and "<" not in name:
        try:
            if _resolve(["attr", mod, name]) is obj:
                return ["attr", mod, name]
        except Exception:
            pass
    if _reverse_lookup is None:
        _reverse_lookup = {}
        for m in _MODULES:
            module = importlib.import_module(m)
            for k, v in vars(module).items():
                try:
                    _reverse_lookup.setdefault(id(v), ["attr", m, k])
                except TypeError:
                    pass
    return _reverse_lookup.get(id(obj))


def _resolve(desc):
    if desc[0] == "module":
        return importlib.import_module(desc[1])
    obj = importlib.import_module(desc[1])
    for part in desc[2].split("."):
        obj = getattr(obj, part)
    return obj


# --- lookups -----------------------------------------------------------------------------

def get(fn, wrt, kinds, options=None):
    """The compiled gradient of `fn` (memory, then disk, then a fresh transformation)."""
    fn = source.unwrap(fn)
    options = dict(options or {})
    mkey = (tuple(wrt), tuple(sorted(kinds.items())), tuple(sorted(options.items())))
    with _lock:
        per_fn = _memory.get(fn)
        if per_fn is not None:
            c = per_fn.get(mkey)
            if c is not None and c.guards_hold():
                stats["memory_hits"] += 1
                return c
        event = _inflight.get((id(fn), mkey))
        if event is None:
            event = _inflight[(id(fn), mkey)] = threading.Event()
            owner = True
        else:
            owner = False
    if not owner:                                   # another thread is compiling it
        event.wait()
        return get(fn, wrt, kinds, options)
    try:
        c = _load_or_compile(fn, wrt, kinds, options)
        with _lock:
            _memory.setdefault(fn, {})[mkey] = c
        return c
    finally:
        with _lock:
            _inflight.pop((id(fn), mkey), None)
        event.set()


def _load_or_compile(fn, wrt, kinds, options):
    # A function srcgrad generated for higher derivatives names the user function it was
    # made from and how (`__srcgrad_origin__`): its key is that function's source and
    # callees, never the generated text's throwaway file name.
    origin = getattr(fn, "__srcgrad_origin__", None)
    derived = getattr(fn, "__srcgrad_derived__", False)
    directory = None if derived and origin is None else _usable_dir()
    if directory is None:
        stats["transforms"] += 1
        return pipeline.compile_split(fn, wrt, kinds, options)
    fns = reachable(fn)
    if origin is not None:
        made_from, how = origin
        key = disk_key(reachable(made_from), wrt, kinds, {**options, "derived": how})
    else:
        key = disk_key(fns, wrt, kinds, options)
    path = os.path.join(directory, f"{fns[0][1].name}-{key}.py")
    c = _read(path, fns)
    if c is not None:
        stats["disk_hits"] += 1
        return c
    stats["transforms"] += 1
    c = pipeline.compile_split(fn, wrt, kinds, options, filename=path)
    _write(path, c, fns)
    return c


def _write(path, c, fns):
    index = {id(f): i for i, (f, _) in enumerate(fns)}
    units = []
    for u in c.units:
        func = u.lifted_from.outer if u.lifted_from is not None else u.func
        if id(func) not in index:
            return                      # reached a function the key does not cover
        cells = {}
        for name, desc in u.cells.items():
            if desc[0] == "unit":
                cells[name] = ["unit", [k for k, v in enumerate(c.units) if v.key == desc[1]][0], desc[2]]
            elif desc[0] == "object":
                d = describe(desc[1])
                if d is None:
                    return              # something we could not find again: memory only
                cells[name] = d
            else:
                cells[name] = list(desc)
        guards = []
        for info, name, obj in u.guards:
            d = describe(obj) if not isinstance(obj, types.FunctionType) or not parse.is_user_function(obj) \
                else ["userfn", index.get(id(source.unwrap(obj)))]
            if d is None or d == ["userfn", None]:
                return
            guards.append([name, d])
        units.append({"fn": index[id(func)], "lifted": u.lifted_from.name if u.lifted_from else None,
                      "defaults": repr(u.defaults) if u.lifted_from else None,
                      "functions": [list(f) for f in u.functions()],
                      "first_line": c.starts[u.key], "text": [c.starts[u.key], u.text.count("\n")],
                      "cells": cells, "guards": guards, "kinds": u.local_kinds})
    meta = {"version": __version__, "units": units, "shaped": c.shaped,
            "sha256": hashlib.sha256(c.source.encode()).hexdigest()}
    codes = [u.code for u in c.units]
    if all(isinstance(code, types.CodeType) for code in codes):
        _store(_code_path(path), marshal.dumps(
            {"tag": sys.implementation.cache_tag, "path": path, "sha256": meta["sha256"],
             "codes": codes}), binary=True)
    if _store(path, c.source + _META + json.dumps(meta, sort_keys=True) + "\n"):
        stats["disk_writes"] += 1


def _code_path(path):
    """Where the compiled form of entry `path` is kept, next to it (per Python version)."""
    return f"{path[:-3]}.{sys.implementation.cache_tag}.code"


def _store(path, data, binary=False):
    """Write `data` to `path` whole or not at all; say whether it was written."""
    directory = os.path.dirname(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".py", dir=directory)
        with os.fdopen(fd, "wb" if binary else "w") as f:
            f.write(data)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
        return True
    except OSError as exc:
        if directory not in _warned:
            _warned.add(directory)
            warnings.warn(f"srcgrad: cannot write to the cache ({exc}); keeping gradients in memory",
                          RuntimeWarning, stacklevel=5)
        return False


def _codes(path, sha256, count):
    """The compiled units of entry `path` kept by _write, or None: each is used only if it
    was compiled from this very text, under this path, by this Python."""
    try:
        with open(_code_path(path), "rb") as f:
            kept = marshal.loads(f.read())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(kept, dict) or kept.get("tag") != sys.implementation.cache_tag \
            or kept.get("path") != path or kept.get("sha256") != sha256:
        return None
    codes = kept.get("codes")
    if not isinstance(codes, list) or len(codes) != count \
            or not all(isinstance(c, types.CodeType) for c in codes):
        return None
    return codes


def _read(path, fns):
    try:
        with open(path, "rb") as f:
            data = f.read().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    cut = data.rfind(_META)
    if cut < 0:
        return None
    text = data[:cut]
    try:
        meta = json.loads(data[cut + len(_META):])
    except ValueError:
        return None
    if meta.get("version") != __version__ or meta.get("sha256") != hashlib.sha256(text.encode()).hexdigest():
        return None
    try:
        return _link(path, text, meta, fns)
    except Exception:                   # an entry we cannot use is simply regenerated
        return None


def _link(path, text, meta, fns):
    import ast
    lines = text.splitlines(keepends=True)
    loader.register_source(path, text)
    cells = {(k, role): types.CellType() for k, u in enumerate(meta["units"])
             for role, _ in u["functions"]}
    made = []
    guards = []
    codes = _codes(path, meta["sha256"], len(meta["units"])) or [None] * len(meta["units"])
    for k, u in enumerate(meta["units"]):
        func, info = fns[u["fn"]]
        start, count = u["text"]
        unit_text = "".join(lines[start - 1:start - 1 + count])
        unit_cells = {}
        for name, desc in u["cells"].items():
            if desc[0] == "unit":
                unit_cells[name] = cells[(desc[1], desc[2])]
            elif desc[0] == "closure":
                unit_cells[name] = info.closure[desc[1]]
            else:
                unit_cells[name] = types.CellType(_resolve(desc))
        for name, desc in u["guards"]:
            expected = fns[desc[1]][0] if desc[0] == "userfn" else _resolve(desc)
            found, now = info.lookup(name)
            if not found or source.unwrap(now) is not expected:
                raise LookupError(name)
            guards.append((info, name, now))
        first = u["functions"][0][1]
        if u["lifted"]:
            defaults = {first: ast.literal_eval(u["defaults"])}
        else:
            defaults = {first: (func.__defaults__, func.__kwdefaults__)}
        names = {name for _, name in u["functions"]}
        funcs = loader.compile_unit(unit_text, path, start, sorted(u["cells"]), info.globals,
                                    unit_cells, names, defaults=defaults, code=codes[k])
        for role, name in u["functions"]:
            cells[(k, role)].cell_contents = funcs[name]
            funcs[name].__srcgrad_kinds__ = u.get("kinds") or {}
        made.append(funcs)
    roles = {role: made[0][name] for role, name in meta["units"][0]["functions"]}
    return pipeline.Compiled(forward=roles.get("forward"), backward=roles.get("backward"),
                             jvp=roles.get("jvp"), units=[], source=text, guards=guards, filename=path,
                             shaped=meta.get("shaped", False))


def clear_memory():
    _memory.clear()


def module_for_tests():
    return sys.modules[__name__]
