"""Shape and layout: reshape, transpose, joining, splitting, repeating, indexing helpers."""

import numpy as np

from ..runtime import unbroadcast
from ..runtime.ops import (array_grad, array_tangent, concatenate_tangent, diag_grad, fit,
                           inverse_permutation, repeat_grad, split_like, stack_tangent, take_grad,
                           tile_grad, transpose_axes, transpose_method_grad, unstack)
from .registry import attribute, d, forward, method, nondifferentiable, reverse, t



@reverse(np.reshape, aliases=True)
def reshape(z, a, shape=None, order="C"):
    d[a] += np.reshape(d[z], np.shape(a))


@reverse(method("reshape"), method("view"), aliases=True)
def reshape_method(z, self, *shape):
    d[self] += np.reshape(d[z], np.shape(self))


@reverse(np.ravel, method("ravel"), method("flatten"), np.atleast_1d, np.atleast_2d,
         np.atleast_3d, np.squeeze, method("squeeze"), aliases=True)
def ravel(z, a, axis=None):
    d[a] += np.reshape(d[z], np.shape(a))


@reverse(np.expand_dims, aliases=True)
def expand_dims(z, a, axis):
    d[a] += np.reshape(d[z], np.shape(a))


@reverse(np.transpose, aliases=True)
def transpose(z, a, axes=None):
    d[a] += np.transpose(d[z], inverse_permutation(axes, np.ndim(a)))


@reverse(method("transpose"), aliases=True)
def transpose_method(z, self, *axes):
    d[self] += transpose_method_grad(d[z], self, axes)


@reverse(attribute("T"), aliases=True)
def transpose_attr(z, self):
    d[self] += np.transpose(d[z])


@reverse(np.concatenate)
def concatenate(z, arrays, axis=0):
    d[arrays] += split_like(d[z], arrays, axis)


@reverse(np.stack)
def stack(z, arrays, axis=0):
    d[arrays] += unstack(d[z], arrays, axis)


@reverse(np.flip, aliases=True)
def flip(z, m, axis=None):
    d[m] += np.flip(d[z], axis)


@reverse(np.tile)
def tile(z, A, reps):
    d[A] += tile_grad(d[z], A, reps)


@reverse(np.repeat, method("repeat"))
def repeat(z, a, repeats, axis=None):
    d[a] += repeat_grad(d[z], a, repeats, axis)


@reverse(np.take, method("take"))
def take(z, a, indices, axis=None):
    d[a] += take_grad(d[z], a, indices, axis)


@reverse(np.array, np.asarray, np.asanyarray, np.ascontiguousarray)
def array(z, object, dtype=None, copy=True, order="K", ndmin=0):
    d[object] += array_grad(d[z], object)


@reverse(np.diag)
def diag(z, v, k=0):
    d[v] += diag_grad(d[z], v, k)


@reverse(np.diagonal, method("diagonal"), aliases=True)
def diagonal(z, a, offset=0, axis1=0, axis2=1):
    d[a] += diag_grad(d[z], a, offset)


@reverse(method("copy"), np.copy)
def copy(z, a):
    d[a] += d[z]


@reverse(method("astype"))
def astype(z, self, dtype, order="K", casting="unsafe", subok=True, copy=True):
    d[self] += d[z]


@reverse(method("item"))
def item(z, self):
    d[self] += np.reshape(d[z], np.shape(self))


nondifferentiable(
    np.shape, np.ndim, np.size, np.zeros, np.ones, np.empty, np.zeros_like, np.ones_like,
    np.empty_like, np.full_like, np.eye, np.identity, np.arange, np.linspace, np.logspace,
    np.meshgrid, np.indices, np.tri,
    attribute("shape"), attribute("ndim"), attribute("size"), attribute("dtype"),
    attribute("itemsize"), attribute("nbytes"), attribute("strides"),
    notes="shape information or constant arrays")


@reverse(np.full)
def full(z, shape, fill_value, dtype=None, order="C"):
    d[fill_value] += unbroadcast(d[z], fill_value)


# --- forward mode ---------------------------------------------------------------------

@forward(method("reshape"), method("view"), method("ravel"), method("flatten"), method("squeeze"),
         method("item"))
def reshape_method_tangent(z, a, *rest):
    t[z] += np.reshape(t[a], np.shape(z))


@forward(np.reshape, np.ravel, np.atleast_1d, np.atleast_2d, np.atleast_3d, np.squeeze, np.expand_dims)
def reshape_tangent(z, a, shape=None, order="C", axis=None, newshape=None):
    t[z] += np.reshape(t[a], np.shape(z))


@forward(np.transpose)
def transpose_tangent(z, a, axes=None):
    t[z] += np.transpose(t[a], axes)


@forward(method("transpose"))
def transpose_method_tangent(z, self, *axes):
    t[z] += np.transpose(t[self], transpose_axes(axes))


@forward(attribute("T"))
def transpose_attr_tangent(z, self):
    t[z] += np.transpose(t[self])


@forward(np.concatenate)
def concatenate_tangent_rule(z, arrays, axis=0):
    t[z] += concatenate_tangent(t[arrays], arrays, axis)


@forward(np.stack)
def stack_tangent_rule(z, arrays, axis=0):
    t[z] += stack_tangent(t[arrays], arrays, axis)


@forward(np.flip)
def flip_tangent(z, m, axis=None):
    t[z] += np.flip(t[m], axis)


@forward(np.tile)
def tile_tangent(z, A, reps):
    t[z] += np.tile(t[A], reps)


@forward(np.repeat, method("repeat"))
def repeat_tangent(z, a, repeats, axis=None):
    t[z] += np.repeat(t[a], repeats, axis)


@forward(np.take, method("take"))
def take_tangent(z, a, indices, axis=None):
    t[z] += np.take(t[a], indices, axis)


@forward(np.array, np.asarray, np.asanyarray, np.ascontiguousarray)
def array_tangent_rule(z, object, dtype=None, copy=True, order="K", ndmin=0):
    t[z] += np.reshape(array_tangent(t[object], object), np.shape(z))


@forward(np.diag)
def diag_tangent(z, v, k=0):
    t[z] += np.diag(t[v], k)


@forward(np.diagonal, method("diagonal"))
def diagonal_tangent(z, a, offset=0, axis1=0, axis2=1):
    t[z] += np.diagonal(t[a], offset, axis1, axis2)


@forward(method("copy"), np.copy, method("astype"))
def copy_tangent(z, a, *rest):
    t[z] += t[a]


@forward(np.full)
def full_tangent(z, shape, fill_value, dtype=None, order="C"):
    t[z] += fit(t[fill_value], z)
