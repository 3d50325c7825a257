"""Hand over only the tape entries the backward function reads.

After `trim(forward, backward, tape_name)` every name in the tape tuple the
forward function returns is read by the backward function before it is
assigned there.  (A value the backward restores with a pop, or a loop variable
it rebinds, is never read from the tape; saving it would only keep it alive.)
"""

from .. import astlib as A
from ..analysis import flow


def _unpack(backward, tape_name):
    for i, st in enumerate(backward.body):
        if isinstance(st, A.Assign) and A.is_name(st.value) and st.value.id == tape_name \
                and isinstance(st.targets[0], A.Tuple):
            return i, st
    return None, None


def trim(forward, backward, tape_name):
    i, unpack = _unpack(backward, tape_name)
    ret = forward.body[-1]
    if unpack is None or not isinstance(ret, A.Return) or not isinstance(ret.value, A.Tuple):
        return
    packed = ret.value.elts[1]
    names = [t.id for t in unpack.targets[0].elts]
    if not isinstance(packed, A.Tuple) or [getattr(e, "id", None) for e in packed.elts] != names:
        return
    lead = A.pass_()
    rest = [lead] + backward.body[i + 1:]
    live = flow.live_after(rest, set()).get(id(lead), set())
    keep = [n for n in names if n in live]
    if keep == names:
        return
    if keep:
        unpack.targets[0].elts = [A.store(n) for n in keep]
    else:
        del backward.body[i]
    packed.elts = [A.name(n) for n in keep]
