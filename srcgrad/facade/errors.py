"""The messages of the errors the Tensor facade raises (the classes live in srcgrad.errors).

The texts of the PyTorch-shaped situations follow PyTorch's wording, so that
people who know PyTorch recognize them.
"""

from ..errors import (GraphFreedError, InplaceModifiedError, TensorError,  # noqa: F401
                      UnsupportedOpError)

FREED = ("Trying to backward through the graph a second time (or directly access saved tensors "
         "after they have already been freed). Saved intermediate values of the graph are freed "
         "when you call .backward() or autograd_grad(). Specify retain_graph=True if you need to "
         "backward through the graph a second time or if you need to access saved tensors after "
         "calling backward.")

NOT_FLOAT = "Only Tensors of floating point and complex dtype can require gradients"

LEAF_INPLACE = ("a leaf Variable that requires grad is being used in an in-place operation. "
                "Update parameters inside `with srcgrad.no_grad():`.")
