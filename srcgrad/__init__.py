"""srcgrad: a source-to-source gradient compiler for Python and NumPy.

    >>> import srcgrad
    >>> def f(x):
    ...     return x * x + 3.0 * x
    >>> srcgrad.grad(f)(2.0)
    7.0
"""

__version__ = "0.1.0"

from .api import Function, function, grad, show, source, value_and_grad  # noqa: E402
from .errors import (ArgumentError, InPlaceError, NoTemplateError, SourceUnavailableError,  # noqa: E402
                     SrcgradError, TemplateError, TensorError, UnsupportedSyntaxError)
from .catalog import primitives  # noqa: E402
from .extend import adjoint, nondifferentiable, primitive, stop_gradient, tangent  # noqa: E402
from .higher import hessian, hvp  # noqa: E402
from .products import jacobian, jvp, vjp  # noqa: E402
from .facade import (Tensor, autograd_grad, enable_grad, is_grad_enabled, no_grad,  # noqa: E402
                     set_grad_enabled, tensor)
from .testing import check_grad  # noqa: E402

__all__ = [
    "grad", "value_and_grad", "jvp", "vjp", "jacobian", "hessian", "hvp",
    "function", "Function", "source", "show", "check_grad", "primitives",
    "adjoint", "tangent", "primitive", "nondifferentiable", "stop_gradient",
    "SrcgradError", "UnsupportedSyntaxError", "NoTemplateError", "SourceUnavailableError",
    "ArgumentError", "InPlaceError", "TemplateError", "TensorError", "__version__",
    "Tensor", "tensor", "no_grad", "enable_grad", "is_grad_enabled", "set_grad_enabled",
    "autograd_grad",
]
