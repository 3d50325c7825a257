"""Shape and layout: reshape, transpose, joining, splitting, repeating, indexing helpers."""

import numpy as np

from ..runtime import unbroadcast
from ..runtime.ops import (array_grad, diag_grad, inverse_permutation, repeat_grad, split_like, take_grad, tile_grad, transpose_method_grad, unstack)
from .registry import attribute, d, method, nondifferentiable, reverse



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
