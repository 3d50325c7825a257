"""How much memory srcgrad's tape holds: the objects the forward sweep keeps for the backward one.

`tape_size(fn, wrt, args)` runs srcgrad's forward-with-tape function once and
walks what it returned (the saved values and the push stack), adding up
`sys.getsizeof` of every object reachable from it once each.  Objects the
caller already owns (the arguments, and whatever they contain) are not
counted, nor are None, booleans and CPython's cached small integers.  An array
view is counted as its header plus its base when the base is new.  The tape
only grows during the forward sweep, so this is also its peak.
"""

import sys
from dataclasses import dataclass

import numpy as np


@dataclass
class TapeSize:
    bytes: int     # memory held by the tape
    values: int    # numbers saved: one per Python scalar, `size` per array owning its data


def _owned_ids(args):
    ids, todo = set(), list(args)
    while todo:
        o = todo.pop()
        if id(o) in ids:
            continue
        ids.add(id(o))
        if isinstance(o, (list, tuple)):
            todo.extend(o)
        elif isinstance(o, dict):
            todo.extend(o.values())
    return ids


def measure(tape, args=()):
    seen = _owned_ids(args)
    total = values = 0
    todo = [tape]
    while todo:
        o = todo.pop()
        if o is None or isinstance(o, bool) or id(o) in seen:
            continue
        seen.add(id(o))
        if type(o) is int and -5 <= o <= 256:
            continue
        total += sys.getsizeof(o)
        if isinstance(o, np.ndarray):
            if o.base is None:
                values += o.size
            else:
                todo.append(o.base)
        elif isinstance(o, (list, tuple, set, frozenset)):
            todo.extend(o)
        elif isinstance(o, dict):
            todo.extend(o.values())
        elif isinstance(o, (int, float, complex, np.generic)):
            values += 1
    return TapeSize(total, values)


def tape_size(fn, wrt, args):
    """TapeSize of srcgrad's tape for `fn` at `args` (a dict in parameter order)."""
    import srcgrad
    g = srcgrad.grad(fn, wrt)
    values = list(args.values())
    compiled, _ = g.split(*values)
    out, tape = compiled.forward(*values)
    return measure(tape, values)
