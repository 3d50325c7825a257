"""Command line: `python -m srcgrad show path/to/file.py:func [--wrt a,b] [--mode forward]`."""

import argparse
import importlib
import importlib.util
import os
import sys

from . import api
from .errors import SrcgradError


def load(target):
    """`path/to/file.py:func` or `package.module:func` -> the function."""
    where, sep, name = target.rpartition(":")
    if not sep or not where or not name:
        raise SystemExit(f"srcgrad: expected FILE.py:FUNCTION or MODULE:FUNCTION, got {target!r}")
    if where.endswith(".py") or os.sep in where or os.path.exists(where):
        path = os.path.abspath(where)
        if not os.path.exists(path):
            raise SystemExit(f"srcgrad: no such file: {where}")
        mod_name = "_srcgrad_cli_" + os.path.splitext(os.path.basename(path))[0]
        spec = importlib.util.spec_from_file_location(mod_name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[mod_name] = module
        sys.path.insert(0, os.path.dirname(path))
        spec.loader.exec_module(module)
    else:
        sys.path.insert(0, os.getcwd())
        module = importlib.import_module(where)
    obj = module
    for part in name.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise SystemExit(f"srcgrad: {where} has no attribute {name!r}") from None
    return obj


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m srcgrad",
                                     description="Inspect the gradient code srcgrad generates.")
    sub = parser.add_subparsers(dest="command", required=True)
    show = sub.add_parser("show", help="print the generated gradient source of a function")
    show.add_argument("target", help="FILE.py:FUNCTION or package.module:FUNCTION")
    show.add_argument("--wrt", default=None,
                      help="comma-separated parameter names or positions (default: the first)")
    show.add_argument("--kinds", default=None,
                      help="argument kinds to specialize for, e.g. x=num,W=array:2")
    show.add_argument("--mode", choices=("reverse", "forward"), default="reverse",
                      help="reverse: the gradient (default); forward: the tangent sweep of jvp")
    args = parser.parse_args(argv)
    fn = load(args.target)
    wrt = 0
    if args.wrt:
        items = [int(w) if w.strip().lstrip("-").isdigit() else w.strip() for w in args.wrt.split(",")]
        wrt = items[0] if len(items) == 1 else tuple(items)
    kinds = dict(kv.split("=", 1) for kv in args.kinds.split(",")) if args.kinds else None
    try:
        sys.stdout.write(api.source(fn, wrt, kinds, mode=args.mode))
    except SrcgradError as exc:
        print(f"srcgrad: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
