"""Shape and layout: reshape, axes, joining, splitting, repeating, padding, triangles, grids.

These primitives move or copy elements without arithmetic, so each adjoint is the
inverse move (or, for copies, the sum of the copies' gradients); several use the
position-map trick of `scatter_flat`: apply the primitive to each element's flat
index and send the gradient back along it."""

import numpy as np

from ..runtime import item_grad, unbroadcast
from ..runtime.ops import (array_grad, array_tangent, concatenate_tangent, diag_grad, fit,
                           inverse_permutation, repeat_grad, stack_tangent, tile_grad,
                           transpose_axes, transpose_method_grad, unstack)
from ..runtime.reductions import diagonal_grad, filled, index_map, no_gradient, scatter_flat
from ..runtime.shapes import (append_grad, broadcast_arrays_tangent, insert_grad_values,
                              insert_index_maps, join_grad, join_tangent, linspace_grad,
                              linspace_tangent, meshgrid_grad, meshgrid_tangent, pad_fill_grad,
                              pad_index_map, pad_tangent, restack, rollaxis_grad, split_axis,
                              unconcatenate, unsplit)
from ..runtime.linalg import vander_grad, vander_x_tangent
from .registry import attribute, d, forward, method, nondifferentiable, reverse, t, unrolled



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
def concatenate(z, arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    d[arrays] += unconcatenate(d[z], arrays, axis)


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


@reverse(np.array, np.asarray, np.asanyarray, np.ascontiguousarray)
def array(z, object, dtype=None, copy=True, order="K", ndmin=0):
    d[object] += array_grad(d[z], object)


@reverse(np.diag)
def diag(z, v, k=0):
    d[v] += diag_grad(d[z], v, k)


@reverse(np.diagonal, method("diagonal"), aliases=True)
def diagonal(z, a, offset=0, axis1=0, axis2=1):
    d[a] += diagonal_grad(d[z], a, offset, axis1, axis2)


@reverse(method("copy"), np.copy)
def copy(z, a):
    d[a] += d[z]


@reverse(method("astype"))
def astype(z, self, dtype, order="K", casting="unsafe", subok=True, copy=True):
    d[self] += d[z]


@reverse(method("item"))
def item(z, self):
    d[self] += np.reshape(d[z], np.shape(self))


# --- axes ---------------------------------------------------------------------------------

@reverse(np.swapaxes, method("swapaxes"), aliases=True)
def swapaxes(z, a, axis1, axis2):
    d[a] += np.swapaxes(d[z], axis1, axis2)


@reverse(np.matrix_transpose, np.linalg.matrix_transpose, aliases=True)
def matrix_transpose(z, x):
    d[x] += np.swapaxes(d[z], -1, -2)


@reverse(np.moveaxis, aliases=True)
def moveaxis(z, a, source, destination):
    d[a] += np.moveaxis(d[z], destination, source)


@reverse(np.rollaxis, aliases=True)
def rollaxis(z, a, axis, start=0):
    d[a] += rollaxis_grad(d[z], a, axis, start)


@reverse(np.broadcast_to, aliases=True)
def broadcast_to(z, array, shape, subok=False):
    d[array] += unbroadcast(d[z], array)


@reverse(np.broadcast_arrays, aliases=True)
def broadcast_arrays(z, *args, subok=False):
    for i in unrolled(args):
        d[args[i]] += unbroadcast(item_grad(d[z], i), args[i])


# --- joining and splitting ---------------------------------------------------------------------

@reverse(np.hstack)
def hstack(z, tup, dtype=None, casting="same_kind"):
    d[tup] += join_grad(d[z], tup, "hstack")


@reverse(np.vstack)
def vstack(z, tup, dtype=None, casting="same_kind"):
    d[tup] += join_grad(d[z], tup, "vstack")


@reverse(np.dstack)
def dstack(z, tup):
    d[tup] += join_grad(d[z], tup, "dstack")


@reverse(np.column_stack)
def column_stack(z, tup):
    d[tup] += join_grad(d[z], tup, "column_stack")


@reverse(np.append)
def append(z, arr, values, axis=None):
    d[arr] += append_grad(d[z], arr, values, axis, 0)
    d[values] += append_grad(d[z], arr, values, axis, 1)


@reverse(np.insert, notes="the positions get no gradient")
def insert(z, arr, obj, values, axis=None):
    d[arr] += scatter_flat(d[z], arr, insert_index_maps(arr, obj, values, axis))
    d[values] += insert_grad_values(d[z], arr, obj, values, axis)


@reverse(np.delete)
def delete(z, arr, obj, axis=None):
    d[arr] += scatter_flat(d[z], arr, np.delete(index_map(arr), obj, axis))


@reverse(np.split, np.array_split, aliases=True)
def split(z, ary, indices_or_sections, axis=0):
    d[ary] += unsplit(d[z], ary, z, axis)


@reverse(np.hsplit, aliases=True)
def hsplit(z, ary, indices_or_sections):
    d[ary] += unsplit(d[z], ary, z, split_axis(ary, "hsplit"))


@reverse(np.vsplit, aliases=True)
def vsplit(z, ary, indices_or_sections):
    d[ary] += unsplit(d[z], ary, z, 0)


@reverse(np.dsplit, aliases=True)
def dsplit(z, ary, indices_or_sections):
    d[ary] += unsplit(d[z], ary, z, 2)


@reverse(np.unstack, aliases=True)
def unstack_(z, x, axis=0):
    d[x] += restack(d[z], x, axis)


# --- rearranging ----------------------------------------------------------------------------------

@reverse(np.fliplr, aliases=True)
def fliplr(z, m):
    d[m] += np.fliplr(d[z])


@reverse(np.flipud, aliases=True)
def flipud(z, m):
    d[m] += np.flipud(d[z])


@reverse(np.roll)
def roll(z, a, shift, axis=None):
    d[a] += np.roll(d[z], np.negative(shift), axis)


@reverse(np.rot90, aliases=True)
def rot90(z, m, k=1, axes=(0, 1)):
    d[m] += np.rot90(d[z], -k, axes)


@reverse(np.resize)
def resize(z, a, new_shape):
    d[a] += scatter_flat(d[z], a, np.resize(index_map(a), new_shape))


@reverse(np.pad, notes="modes constant, edge, reflect, symmetric, wrap, empty; a scalar "
                       "constant_values gets the padding's gradient")
def pad(z, array, pad_width, mode="constant", constant_values=0, stat_length=None,
        end_values=0, reflect_type="even"):
    d[array] += scatter_flat(d[z], array, pad_index_map(array, pad_width, mode, reflect_type))
    d[constant_values] += pad_fill_grad(d[z], array, pad_width, mode, constant_values)
    d[end_values] += no_gradient(d[z], "np.pad", "end_values")


# --- triangles and diagonals ------------------------------------------------------------------------

@reverse(np.triu)
def triu(z, m, k=0):
    d[m] += unbroadcast(np.triu(d[z], k), m)


@reverse(np.tril)
def tril(z, m, k=0):
    d[m] += unbroadcast(np.tril(d[z], k), m)


@reverse(np.diagflat)
def diagflat(z, v, k=0):
    d[v] += np.reshape(np.diagonal(d[z], k), np.shape(v))


@reverse(np.vander)
def vander(z, x, N=None, increasing=False):
    d[x] += vander_grad(d[z], x, N, increasing)


# --- grids and filled arrays -------------------------------------------------------------------------

@reverse(np.meshgrid)
def meshgrid(z, *xi, copy=True, sparse=False, indexing="xy"):
    for i in unrolled(xi):
        d[xi[i]] += meshgrid_grad(d[z], xi, i, indexing)


@reverse(np.linspace, notes="retstep=True is not supported")
def linspace(z, start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    d[start] += linspace_grad(d[z], start, stop, num, endpoint, axis, 0)
    d[stop] += linspace_grad(d[z], start, stop, num, endpoint, axis, 1)


@reverse(np.full_like, notes="the template array gives only the shape")
def full_like(z, a, fill_value, dtype=None, order="K", subok=True, shape=None):
    d[fill_value] += unbroadcast(d[z], fill_value)


nondifferentiable(
    np.shape, np.ndim, np.size, np.zeros, np.ones, np.empty, np.zeros_like, np.ones_like,
    np.empty_like, np.eye, np.identity, np.arange, np.indices, np.tri,
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
def concatenate_tangent_rule(z, arrays, axis=0, out=None, dtype=None, casting="same_kind"):
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


@forward(np.swapaxes, method("swapaxes"))
def swapaxes_tangent(z, a, axis1, axis2):
    t[z] += np.swapaxes(t[a], axis1, axis2)


@forward(np.matrix_transpose, np.linalg.matrix_transpose)
def matrix_transpose_tangent(z, x):
    t[z] += np.swapaxes(t[x], -1, -2)


@forward(np.moveaxis)
def moveaxis_tangent(z, a, source, destination):
    t[z] += np.moveaxis(t[a], source, destination)


@forward(np.rollaxis)
def rollaxis_tangent(z, a, axis, start=0):
    t[z] += np.rollaxis(t[a], axis, start)


@forward(np.broadcast_to)
def broadcast_to_tangent(z, array, shape, subok=False):
    t[z] += np.broadcast_to(t[array], shape)


@forward(np.broadcast_arrays)
def broadcast_arrays_tangent_rule(z, *args, subok=False):
    t[z] += broadcast_arrays_tangent(t[args], args)


@forward(np.hstack)
def hstack_tangent(z, tup, dtype=None, casting="same_kind"):
    t[z] += join_tangent(t[tup], tup, "hstack")


@forward(np.vstack)
def vstack_tangent(z, tup, dtype=None, casting="same_kind"):
    t[z] += join_tangent(t[tup], tup, "vstack")


@forward(np.dstack)
def dstack_tangent(z, tup):
    t[z] += join_tangent(t[tup], tup, "dstack")


@forward(np.column_stack)
def column_stack_tangent(z, tup):
    t[z] += join_tangent(t[tup], tup, "column_stack")


@forward(np.append)
def append_tangent(z, arr, values, axis=None):
    t[z] += np.append(filled(t[arr], arr), filled(t[values], values), axis)


@forward(np.insert)
def insert_tangent(z, arr, obj, values, axis=None):
    t[z] += np.insert(filled(t[arr], arr), obj, filled(t[values], values), axis)


@forward(np.delete)
def delete_tangent(z, arr, obj, axis=None):
    t[z] += np.delete(t[arr], obj, axis)


@forward(np.split)
def split_tangent(z, ary, indices_or_sections, axis=0):
    t[z] += np.split(t[ary], indices_or_sections, axis)


@forward(np.array_split)
def array_split_tangent(z, ary, indices_or_sections, axis=0):
    t[z] += np.array_split(t[ary], indices_or_sections, axis)


@forward(np.hsplit)
def hsplit_tangent(z, ary, indices_or_sections):
    t[z] += np.hsplit(t[ary], indices_or_sections)


@forward(np.vsplit)
def vsplit_tangent(z, ary, indices_or_sections):
    t[z] += np.vsplit(t[ary], indices_or_sections)


@forward(np.dsplit)
def dsplit_tangent(z, ary, indices_or_sections):
    t[z] += np.dsplit(t[ary], indices_or_sections)


@forward(np.unstack)
def unstack_tangent(z, x, axis=0):
    t[z] += np.unstack(t[x], axis=axis)


@forward(np.fliplr)
def fliplr_tangent(z, m):
    t[z] += np.fliplr(t[m])


@forward(np.flipud)
def flipud_tangent(z, m):
    t[z] += np.flipud(t[m])


@forward(np.roll)
def roll_tangent(z, a, shift, axis=None):
    t[z] += np.roll(t[a], shift, axis)


@forward(np.rot90)
def rot90_tangent(z, m, k=1, axes=(0, 1)):
    t[z] += np.rot90(t[m], k, axes)


@forward(np.resize)
def resize_tangent(z, a, new_shape):
    t[z] += np.resize(t[a], new_shape)


@forward(np.pad)
def pad_tangent_rule(z, array, pad_width, mode="constant", constant_values=0, stat_length=None,
                end_values=0, reflect_type="even"):
    t[z] += pad_tangent(t[array], t[constant_values], array, pad_width, mode, reflect_type)


@forward(np.triu)
def triu_tangent(z, m, k=0):
    t[z] += np.triu(t[m], k)


@forward(np.tril)
def tril_tangent(z, m, k=0):
    t[z] += np.tril(t[m], k)


@forward(np.diagflat)
def diagflat_tangent(z, v, k=0):
    t[z] += np.diagflat(t[v], k)


@forward(np.vander)
def vander_tangent(z, x, N=None, increasing=False):
    t[z] += vander_x_tangent(t[x], x, N, increasing)


@forward(np.meshgrid)
def meshgrid_tangent_rule(z, *xi, copy=True, sparse=False, indexing="xy"):
    t[z] += meshgrid_tangent(t[xi], xi, copy, sparse, indexing)


@forward(np.linspace)
def linspace_tangent_rule(z, start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    t[z] += linspace_tangent(t[start], t[stop], z, num, endpoint, axis)


@forward(np.full_like)
def full_like_tangent(z, a, fill_value, dtype=None, order="K", subok=True, shape=None):
    t[z] += fit(t[fill_value], z)
