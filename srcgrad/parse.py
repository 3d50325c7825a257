"""Call targets: what a name or attribute chain in the user's code refers to.

`resolve_call` decides, at transformation time, whether a call is a primitive
with a template, a user function to transform, a non-differentiable function,
a method call on a value, or something unknown.  Every resolution that reads a
global or a closure cell is recorded as a guard (namespace, name, object), so
the compiled gradient can check the binding has not changed before it runs.
"""

import inspect
import types
from dataclasses import dataclass

import numpy as np

from . import astlib as A
from .rules import registry

# Modules whose functions are library code: never transformed from source.
_LIBRARY_PREFIXES = ("numpy", "scipy", "math", "builtins", "operator", "srcgrad", "autograd",
                     "jax", "torch", "functools", "itertools", "random", "statistics", "cmath",
                     "_operator", "collections", "typing")


@dataclass
class Target:
    kind: str            # rule | user | lifted | nondiff | unknown | method
    rule: object = None  # registry.Rule
    obj: object = None   # the resolved object (function, lifted info...)
    label: str = ""      # how to name it in messages


def is_user_function(obj):
    if not isinstance(obj, types.FunctionType):
        return False
    mod = getattr(obj, "__module__", "") or ""
    return mod.split(".")[0] not in _LIBRARY_PREFIXES


def classify(obj, label):
    """Target for a resolved callable object."""
    from .source import unwrap
    obj = unwrap(obj)
    rule = registry.lookup(obj)
    if rule is not None:
        return Target("nondiff" if rule.nondiff and rule.reverse is None else "rule",
                      rule=rule, obj=obj, label=label)
    if is_user_function(obj):
        return Target("user", obj=obj, label=label)
    if isinstance(obj, type) and issubclass(obj, np.generic) and issubclass(obj, np.inexact):
        return Target("rule", rule=registry.lookup(float), obj=obj, label=label)
    return Target("unknown", obj=obj, label=label)


def resolve_static(info, node, local_names, guards):
    """(found, object) for a Name/Attribute chain that does not start at a local variable."""
    path = A.dotted_path(node)
    if path is None:
        return False, None
    root, *rest = path.split(".")
    if root in local_names:
        return False, None
    found, obj = info.lookup(root)
    if not found:
        return False, None
    guards.append((info, root, obj))
    for part in rest:
        if not (inspect.ismodule(obj) or inspect.isclass(obj)):
            return False, None          # attribute of a value: a method call
        try:
            obj = getattr(obj, part)
        except AttributeError:
            return False, None
    return True, obj


def is_static_path(info, node, local_names):
    """True when `node` (a Name/Attribute chain) names a module-level thing, not a value."""
    path = A.dotted_path(node)
    if path is None:
        return False
    root = path.split(".")[0]
    if root in local_names:
        return False
    found, obj = info.lookup(root)
    if not found:
        return False
    parts = path.split(".")[1:]
    for part in parts[:-1] if isinstance(node, A.Attribute) else []:
        if not (inspect.ismodule(obj) or inspect.isclass(obj)):
            return False
        obj = getattr(obj, part, None)
    return inspect.ismodule(obj) or inspect.isclass(obj) or not parts


def method_target(name):
    rule = registry.lookup(registry.method(name))
    label = f".{name}()"
    if rule is None:
        return Target("unknown", label=label)
    return Target("nondiff" if rule.nondiff and rule.reverse is None else "rule",
                  rule=rule, label=label)


def attribute_target(name):
    rule = registry.lookup(registry.attribute(name))
    label = f".{name}"
    if rule is None:
        return Target("unknown", label=label)
    return Target("nondiff" if rule.nondiff and rule.reverse is None else "rule",
                  rule=rule, label=label)


def construct_target(key, label):
    return Target("rule", rule=registry.lookup(key), label=label)
