"""Graph nodes: what a recorded operation keeps for the backward sweep.

A Tensor made by a recorded operation holds its `grad_fn`, a Node; a Node
holds edges (`next`) to the nodes of its inputs, never to its output, so the
graph has no reference cycles: dropping the last Tensor frees everything.  A
leaf that requires grad is reached through an `AccumulateGrad` node, which the
leaf references only weakly.

Guarantees:
* `Node.apply(grad, create_graph)` returns one gradient (or None) per edge,
  each shaped and typed like the input it belongs to (`fit`).
* After `release()` the saved values are gone; applying again raises
  GraphFreedError with PyTorch's message.
* Saved Tensors are checked against their version counters, so a value
  modified in place after it was saved raises instead of giving a wrong answer.
"""

import weakref

import numpy as np

from .errors import FREED, GraphFreedError, InplaceModifiedError


class Node:
    """Base class: one recorded operation (or a leaf's accumulator)."""

    __slots__ = ("next", "pre_hooks", "retained", "freed", "shapes", "__weakref__")

    def __init__(self, next_nodes, shapes):
        self.next = tuple(next_nodes)     # one Node (or None) per gradient this node returns
        self.shapes = tuple(shapes)       # (shape, dtype) of each input, for `fit`
        self.pre_hooks = None             # hooks of the output tensor: fn(grad) -> grad | None
        self.retained = None              # weakref to the output tensor when it retains grad
        self.freed = False

    def name(self):
        return type(self).__name__

    @property
    def next_functions(self):
        return tuple((n, 0) for n in self.next)

    def __repr__(self):
        return f"<{self.name()}>"

    def release(self):
        self.freed = True

    def check_freed(self):
        if self.freed:
            raise GraphFreedError(FREED)


def save(tensors):
    """The Tensors a node reads in backward, each with its version counter and current version.

    (tensor, counter, version) triples rather than objects: every recorded operation
    saves its inputs, so this is on the hot path.
    """
    return [(t, t._version, t._version[0]) for t in tensors]


def check_saved(saved, node):
    """Raise if a saved Tensor was modified in place after it was saved."""
    for t, counter, version in saved:
        if counter[0] != version:
            raise InplaceModifiedError(
                f"one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: a tensor of shape {t.shape} saved by {node.name()} is at "
                f"version {counter[0]}; expected version {version} instead. Hint: do the "
                f"update out of place (x = x - y) or after calling backward().")


class AccumulateGrad(Node):
    """The node of a leaf that requires grad: adds incoming gradients to `leaf.grad`."""

    __slots__ = ("leaf",)

    def __init__(self, leaf):
        super().__init__((), ())
        self.leaf = leaf

    def release(self):
        pass    # nothing saved; a leaf may receive gradients any number of times


class HookHandle:
    """Returned by register_hook; `.remove()` unregisters the hook."""

    def __init__(self, hooks, fn):
        self._hooks = weakref.ref(hooks) if hasattr(hooks, "__weakref__") else (lambda: hooks)
        self._fn = fn

    def remove(self):
        hooks = self._hooks()
        if hooks is not None and self._fn in hooks:
            hooks.remove(self._fn)


class HookList(list):
    """A list that can be weakly referenced (so a handle does not keep hooks alive)."""
    __slots__ = ("__weakref__",)


def meta(value):
    """(shape, dtype) of an input, for checking the gradient the pullback returns."""
    if type(value) is np.ndarray:
        return (value.shape, value.dtype)
    return (np.shape(value), getattr(value, "dtype", None))
