"""Extension points: custom derivative templates, custom primitives, opting out of gradients.

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
        _mark_custom(functions)
        return template
    return register


def tangent(*functions, when=None, elementwise=False):
    """Register the decorated template as the forward-mode derivative of `functions`."""
    def register(template):
        registry.forward(*functions, when=when, elementwise=elementwise)(template)
        _mark_custom(functions)
        return template
    return register


def primitive(fn):
    """Treat the user function `fn` as a primitive: its body is run, never transformed.

        @srcgrad.primitive
        def softclip(x):
            return np.log1p(np.exp(x)) - np.log1p(np.exp(x - 1.0))

        @softclip.adjoint
        def softclip_adjoint(z, x):
            d[x] += d[z] * (expit(x) - expit(x - 1.0))

    Until a template is attached, differentiating through it is an error naming it.
    """
    registry._rule(fn)
    fn.adjoint = adjoint(fn)
    fn.tangent = tangent(fn)
    _mark_custom([fn])
    return fn


def nondifferentiable(*functions):
    """Mark functions whose results never carry gradient."""
    registry.nondifferentiable(*functions)
    _mark_custom(functions)
    return functions[0] if len(functions) == 1 else functions


def _mark_custom(functions):
    """User rules go into the cache key (built-in tables are covered by srcgrad's own hash)."""
    for fn in functions:
        registry.lookup(fn).custom = True
    cache.invalidate_registry()


def stop_gradient(x):
    """`x` itself, seen by srcgrad as a constant: no gradient flows back through it."""
    return x


registry.nondifferentiable(stop_gradient)
