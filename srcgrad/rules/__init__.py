"""The template registry and its tables.  Importing this package fills the registry."""

from . import (complex_numbers, constructs, derivative_code, mathfuncs, numpy_elementwise,  # noqa: F401
               numpy_linalg, numpy_reductions, numpy_shape, operators, pybuiltins,
               runtime_tangents)
from . import numpy_selection  # noqa: F401  (scipy_special loads when scipy is in use)
from .registry import RULES, Rule, Template, attribute, lookup, method, nondifferentiable, reverse

__all__ = ["RULES", "Rule", "Template", "attribute", "lookup", "method", "nondifferentiable",
           "reverse"]
