"""Whether operations on Tensors are recorded, per thread.

`no_grad()` / `enable_grad()` work as context managers and as decorators, and
nest.  `recording_backward()` marks the stretch where a pullback runs on
Tensors for `create_graph=True`: there, turning a Tensor that requires grad
into a plain array would cut the graph silently, so `Tensor.__array__` and
`float(t)` raise instead (see `cuts_graph`).
"""

import functools
import threading


class _State(threading.local):
    # class-level defaults: a thread that never changed the mode reads them without a miss
    enabled = True
    strict = 0


_state = _State()


def is_grad_enabled():
    """True when new Tensor operations are recorded for backward."""
    return _state.enabled


def _set(flag):
    _state.enabled = flag


def in_recorded_backward():
    return _state.strict > 0


class _Mode:
    flag = True

    def __enter__(self):
        self._prev = is_grad_enabled()
        _set(self.flag)
        return self

    def __exit__(self, *exc):
        _set(self._prev)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with type(self)():
                return fn(*args, **kwargs)
        return wrapper


class no_grad(_Mode):   # noqa: N801 -- PyTorch's name
    """Context manager and decorator: operations inside are not recorded."""
    flag = False


class enable_grad(_Mode):   # noqa: N801
    """Context manager and decorator: record operations even inside no_grad()."""
    flag = True


class set_grad_enabled(_Mode):   # noqa: N801
    """Context manager: record operations iff `mode`."""

    def __init__(self, mode):
        self.flag = bool(mode)

    def __call__(self, fn):
        raise TypeError("set_grad_enabled(mode) is a context manager; use no_grad or enable_grad "
                        "as a decorator")


class recording_backward:   # noqa: N801
    """Inside: grad mode on, and a graph cut (Tensor -> plain array) raises."""

    def __enter__(self):
        self._prev = is_grad_enabled()
        _set(True)
        _state.strict += 1
        return self

    def __exit__(self, *exc):
        _state.strict -= 1
        _set(self._prev)
        return False
