"""The PyTorch-style Tensor facade: `loss.backward()` on srcgrad's derivatives.

    tensor.py    the Tensor object and `tensor()`
    methods.py   operators and torch-style methods, each a registry primitive
    interop.py   np.sin(t), np.sum(t, axis=0), ... via the NumPy protocols
    ops.py       one primitive: forward on arrays, pullback from the registry
    graph.py     nodes, saved values, hooks
    engine.py    the backward sweep: backward(), autograd_grad()
    higher.py    create_graph=True: pullbacks run on Tensors
    compiled.py  a @srcgrad.function called on Tensors: one node, compiled backward
    grad_mode.py no_grad / enable_grad
    errors.py    the RuntimeError subclasses raised here

Importing this package registers the Tensor call handler with srcgrad.api.
"""

from .. import api as _api
from .compiled import call as _call
from .engine import autograd_grad, backward
from .errors import GraphFreedError, InplaceModifiedError, TensorError, UnsupportedOpError
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .tensor import Tensor, tensor

if not any(h is _call for _, h in _api._call_handlers):
    _api.register_call_handler((Tensor,), _call)

__all__ = ["Tensor", "tensor", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled",
           "autograd_grad", "backward", "TensorError", "GraphFreedError", "InplaceModifiedError",
           "UnsupportedOpError"]
