"""Tangent templates of the helpers that generated backward code calls.

A Hessian-vector product is the tangent of the gradient, so forward mode runs
over f's generated forward and backward code, and every helper that code calls
needs a forward template.  Almost all of them are linear in the cotangent they
receive and read their other arguments only for a shape, an axis or an index
(those parameters are listed in `shape=`, so a tangent there is never asked
for); their tangent is the helper applied to the cotangent's tangent.  The
matrix-product adjoints are bilinear, so their tangent has two terms.  Helpers
that are nonlinear in a primal (prod_grad, eigh_grad, ...) have no tangent
here: differentiating code that calls them stops with a NoTemplateError naming
the helper, and Hessian products fall back to reverse over forward mode.

These are internal: `srcgrad.primitives()` does not list them.
"""

import builtins

from .. import runtime
from ..runtime import (add_at, add_private, as_grad, broadcast_back, drop_last, grad_at, item_grad,
                       keep_reduced, last_grad, seed_list, snapshot, sub_at, unbroadcast, zero_at)
from ..runtime import ops, reductions, sequences, shapes
from ..runtime.ops import (dot_grad_x, dot_grad_y, matmul_grad_x, matmul_grad_y, pop_tangent,
                           repeat_grad, reverse_cumsum, sequence_grad, split_like, sum_grad,
                           take_grad, tile_grad, trace_grad, transpose_method_grad, unstack)
from ..runtime.reductions import scatter_flat
from ..runtime.shapes import join_grad, restack, take_along_axis_grad, unconcatenate, unsplit
from .registry import forward, method, nondifferentiable, t


# --- broadcasting and reductions ------------------------------------------------------

@forward(unbroadcast, shape=("x",))
def unbroadcast_tangent(z, g, x):
    t[z] += unbroadcast(t[g], x)


@forward(broadcast_back, shape=("x", "axis", "keepdims"))
def broadcast_back_tangent(z, g, x, axis=None, keepdims=False):
    t[z] += broadcast_back(t[g], x, axis, keepdims)


@forward(ops.extremum_grad, shape=("x", "z", "axis", "keepdims"))
def extremum_grad_tangent(r, g, x, z, axis=None, keepdims=False):
    t[r] += ops.extremum_grad(t[g], x, z, axis, keepdims)     # the mask is locally constant


@forward(keep_reduced, shape=("x", "axis", "keepdims"))
def keep_reduced_tangent(r, z, x, axis=None, keepdims=False):
    t[r] += keep_reduced(t[z], x, axis, keepdims)


@forward(as_grad, shape=("x",))
def as_grad_tangent(z, g, x):
    t[z] += as_grad(t[g], x)


# --- accumulating adjoints ----------------------------------------------------------------
# The in-place helpers update the tangent accumulator as they update the adjoint
# (`updates=True`): forward mode gives that tangent a private copy where it is
# assigned, and the helper copies a read-only broadcast view before writing.

@forward(add_private)
def add_private_tangent(z, a, b):
    t[z] += add_private(t[a], t[b])


@forward(seed_list, shape=("x",))
def seed_list_tangent(z, x, seed):
    t[z] += seed_list(x, t[seed])


@forward(add_at, shape=("x", "index"), updates=True)
def add_at_tangent(z, acc, x, index, g):
    t[z] += add_at(t[acc], x, index, t[g])


@forward(sub_at, shape=("x", "index"), updates=True)
def sub_at_tangent(z, acc, x, index, g):
    t[z] += sub_at(t[acc], x, index, t[g])


@forward(grad_at, shape=("index",))
def grad_at_tangent(z, acc, index):
    t[z] += grad_at(t[acc], index)


@forward(zero_at, shape=("index",), updates=True)
def zero_at_tangent(z, acc, index):
    t[z] += zero_at(t[acc], index)


@forward(item_grad, shape=("index",))
def item_grad_tangent(z, acc, index):
    t[z] += item_grad(t[acc], index)


@forward(last_grad)
def last_grad_tangent(z, acc):
    t[z] += last_grad(t[acc])


@forward(drop_last, updates=True)
def drop_last_tangent(z, acc):
    t[z] += drop_last(t[acc])


@forward(sequences.head_grad, shape=("x",))
def head_grad_tangent(z, g, x):
    t[z] += sequences.head_grad(t[g], x)


@forward(sequences.tail_grad, shape=("x",))
def tail_grad_tangent(z, g, x):
    t[z] += sequences.tail_grad(t[g], x)


@forward(sequences.fold_grad, shape=("x",))
def fold_grad_tangent(z, g, x):
    t[z] += sequences.fold_grad(t[g], x)


@forward(sequences.last_grads, shape=("items",))
def last_grads_tangent(z, acc, items):
    t[z] += sequences.last_grads(t[acc], items)


@forward(sequences.drop_lasts, shape=("items",), updates=True)
def drop_lasts_tangent(z, acc, items):
    t[z] += sequences.drop_lasts(t[acc], items)


@forward(sequences.inserted_grad, shape=("index",))
def inserted_grad_tangent(z, acc, index):
    t[z] += sequences.inserted_grad(t[acc], index)


@forward(sequences.drop_inserted, shape=("index",), updates=True)
def drop_inserted_tangent(z, acc, index):
    t[z] += sequences.drop_inserted(t[acc], index)


@forward(sequences.values_grad, shape=("dct",))
def values_grad_tangent(z, g, dct):
    t[z] += sequences.values_grad(t[g], dct)


@forward(sequences.items_grad, shape=("dct",))
def items_grad_tangent(z, g, dct):
    t[z] += sequences.items_grad(t[g], dct)


@forward(sequences.merged_grad, shape=("part", "later"))
def merged_grad_tangent(z, g, part, later=None):
    t[z] += sequences.merged_grad(t[g], part, later)


# `for` loops walk `sequence(x)`: differentiating the generated code again passes the
# tangent through, as the first transformation passed x's adjoint and tangent.
@forward(runtime.sequence)
def sequence_tangent(z, obj):
    t[z] += t[obj]


@forward(snapshot)
def snapshot_tangent(z, v):
    t[z] += snapshot(t[v])


@forward(sequence_grad, shape=("iterable",))
def sequence_grad_tangent(z, g, iterable):
    t[z] += sequence_grad(t[g], iterable)


@forward(sum_grad, shape=("iterable",))
def sum_grad_tangent(z, g, iterable):
    t[z] += sum_grad(t[g], iterable)


# --- the tape stack: `v = stack.pop()` pops the tangent list in step -------------------------

@forward(method("pop"), shape=("index",), updates=True)
def pop_tangent_rule(z, self, index=-1):
    t[z] += pop_tangent(t[self], index)


# --- products: bilinear in the cotangent and the other factor ----------------------------------

@forward(matmul_grad_x, shape=("x",))
def matmul_grad_x_tangent(z, g, x, y):
    t[z] += matmul_grad_x(t[g], x, y)
    t[z] += matmul_grad_x(g, x, t[y])


@forward(matmul_grad_y, shape=("y",))
def matmul_grad_y_tangent(z, g, x, y):
    t[z] += matmul_grad_y(t[g], x, y)
    t[z] += matmul_grad_y(g, t[x], y)


@forward(dot_grad_x, shape=("x",))
def dot_grad_x_tangent(z, g, x, y):
    t[z] += dot_grad_x(t[g], x, y)
    t[z] += dot_grad_x(g, x, t[y])


@forward(dot_grad_y, shape=("y",))
def dot_grad_y_tangent(z, g, x, y):
    t[z] += dot_grad_y(t[g], x, y)
    t[z] += dot_grad_y(g, t[x], y)


# --- shape and layout adjoints: linear in the cotangent -------------------------------------

@forward(reverse_cumsum, shape=("axis", "shape"))
def reverse_cumsum_tangent(z, g, axis=None, shape=None):
    t[z] += reverse_cumsum(t[g], axis, shape)


@forward(split_like, shape=("arrays", "axis"))
def split_like_tangent(z, g, arrays, axis=0):
    t[z] += split_like(t[g], arrays, axis)


@forward(unstack, shape=("arrays", "axis"))
def unstack_tangent(z, g, arrays, axis=0):
    t[z] += unstack(t[g], arrays, axis)


@forward(unconcatenate, shape=("arrays", "axis"))
def unconcatenate_tangent(z, g, arrays, axis=0):
    t[z] += unconcatenate(t[g], arrays, axis)


@forward(join_grad, shape=("arrays", "how"))
def join_grad_tangent(z, g, arrays, how):
    t[z] += join_grad(t[g], arrays, how)


@forward(unsplit, shape=("x", "pieces", "axis"))
def unsplit_tangent(z, g, x, pieces, axis=0):
    t[z] += unsplit(t[g], x, pieces, axis)


@forward(restack, shape=("x", "axis"))
def restack_tangent(z, g, x, axis=0):
    t[z] += restack(t[g], x, axis)


@forward(tile_grad, shape=("x", "reps"))
def tile_grad_tangent(z, g, x, reps):
    t[z] += tile_grad(t[g], x, reps)


@forward(repeat_grad, shape=("x", "repeats", "axis"))
def repeat_grad_tangent(z, g, x, repeats, axis=None):
    t[z] += repeat_grad(t[g], x, repeats, axis)


@forward(take_grad, shape=("x", "indices", "axis"))
def take_grad_tangent(z, g, x, indices, axis=None):
    t[z] += take_grad(t[g], x, indices, axis)


@forward(take_along_axis_grad, shape=("x", "indices", "axis"))
def take_along_axis_grad_tangent(z, g, x, indices, axis=-1):
    t[z] += take_along_axis_grad(t[g], x, indices, axis)


@forward(scatter_flat, shape=("x", "index_map"))
def scatter_flat_tangent(z, g, x, index_map):
    t[z] += scatter_flat(t[g], x, index_map)


@forward(trace_grad, shape=("x", "offset"))
def trace_grad_tangent(z, g, x, offset=0):
    t[z] += trace_grad(t[g], x, offset)


@forward(transpose_method_grad, shape=("x", "axes"))
def transpose_method_grad_tangent(z, g, x, axes):
    t[z] += transpose_method_grad(t[g], x, axes)


# Piecewise constant in their inputs (signs, masks, orders, tie weights): zero tangent
# almost everywhere, the convention the first-order templates already use at kinks.
nondifferentiable(runtime.sign, ops.clip_mask, ops.tie_split, reductions.index_map,
                  shapes.sort_order)
# Backward code builds index objects from values on the tape (`slice(c, None)`), which
# forward mode sees as carrying a tangent; an index never has one.
nondifferentiable(builtins.slice)


@forward(ops.diag_grad, shape=("x", "k"))
def diag_grad_tangent(z, g, x, k=0):
    t[z] += ops.diag_grad(t[g], x, k)


@forward(ops.real_if_real, shape=("x",))
def real_if_real_tangent(z, g, x):
    t[z] += ops.real_if_real(t[g], x)


@forward(shapes.sort_grad, shape=("x", "axis"))   # the order is locally constant in x
def sort_grad_tangent(z, g, x, axis=-1):
    t[z] += shapes.sort_grad(t[g], x, axis)
