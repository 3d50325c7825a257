"""Extension points: custom derivative templates and non-differentiable marks.

    @srcgrad.adjoint(my_function)
    def my_function_adjoint(z, x, y):
        d[x] += d[z] * y
        d[y] += d[z] * x

The template language is the registry's (see `srcgrad.rules.registry`); the
template is checked when it is registered, and compiled gradients that may
have used the old rule are dropped.
"""

from . import cache
from .rules import registry


def adjoint(*functions, when=None, elementwise=False):
    """Register the decorated template as the reverse-mode derivative of `functions`."""
    def register(template):
        registry.reverse(*functions, when=when, elementwise=elementwise)(template)
        cache.invalidate_registry()
        return template
    return register


def nondifferentiable(*functions):
    """Mark functions whose results never carry gradient."""
    registry.nondifferentiable(*functions)
    cache.invalidate_registry()
    return functions[0] if len(functions) == 1 else functions
