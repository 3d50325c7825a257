"""Save only what the backward function reads.

After `trim(forward, backward, tape_name)` every name in the tape tuple the
forward function returns is read by the backward function before it is
assigned there.  (A value the backward restores with a pop, or a loop variable
it rebinds, is never read from the tape; saving it would only keep it alive.)

After `drop_dead_saves(forward, backward, live_out)` every value the backward
pops is read afterwards: a push whose pop restores a value nobody reads (the
clean-up passes removed the reader) goes, together with its pop.  Pushes and
pops of one save are removed in pairs, so the stack stays balanced.
"""

from .. import astlib as A
from ..analysis import flow
from . import deadcode


def _unpack(backward, tape_name):
    for i, st in enumerate(backward.body):
        if isinstance(st, A.Assign) and A.is_name(st.value) and st.value.id == tape_name \
                and isinstance(st.targets[0], A.Tuple):
            return i, st
    return None, None


def trim(forward, backward, tape_name):
    i, unpack = _unpack(backward, tape_name)
    ret = forward.body[-1]
    if not isinstance(ret, A.Return) or not isinstance(ret.value, A.Tuple):
        return
    packed = ret.value.elts[1]
    if unpack is None:
        reads_tape = any(isinstance(n, A.Name) and n.id == tape_name and isinstance(n.ctx, A.Load)
                         for n in A.walk(backward))
        if not reads_tape and isinstance(packed, A.Tuple):
            packed.elts = []                    # the backward reads nothing from the tape
        return
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


def drop_dead_saves(forward, backward, live_out):
    """Pushes whose popped value the backward never reads go, with their pops.

    Repeated until nothing changes: dropping a pop can empty a backward loop, and the
    loop's own counter (popped further out) is then dead too.
    """
    while _drop_once(forward, backward, live_out):
        pass
    _drop_stack(forward, backward)


def _drop_once(forward, backward, live_out):
    live = flow.live_after(backward.body, set(live_out))
    dead = set()
    for st in flow.all_stmts(backward.body):
        key = A.anno(st, "save")
        if key is not None and A.anno(st, "pop") and not live.any_live(id(st), flow.defs(st)):
            dead.add(key)
    if not dead:
        return False
    forward.body = _without_saves(forward.body, dead)
    backward.body = _without_saves(backward.body, dead)
    deadcode.eliminate(backward, live_out)      # branches and loops left empty
    return True


def _without_saves(stmts, dead):
    """`stmts` without the pushes and pops of the saves in `dead`."""
    out = []
    for st in stmts:
        if A.anno(st, "save") in dead:
            continue
        for block in flow.children(st):
            block[:] = _without_saves(block, dead)
        if flow.children(st) and not st.body:      # a body emptied of its pushes
            st.body.append(A.pass_())
        out.append(st)
    return out


def _drop_stack(forward, backward):
    """No pushes left: the stack, `push` and `pop` go (the tape trim drops the stack itself)."""
    def is_setup(st):
        return isinstance(st, A.Assign) and len(st.targets) == 1 and A.is_name(st.targets[0]) \
            and A.anno(st, "stack_setup")
    setup = [st for st in forward.body if is_setup(st)]
    if not setup:
        return
    # `push = stack.append`, or `stack = []` itself where pushes call `stack.append`
    push = setup[-1].targets[0].id
    used = any(isinstance(n, A.Name) and n.id == push and isinstance(n.ctx, A.Load)
               for st in forward.body[:-1] if not is_setup(st) for n in A.walk(st))
    if used:
        return
    forward.body = [st for st in forward.body if not is_setup(st)]
    backward.body = [st for st in backward.body if not is_setup(st)]
