"""Functions for the Hessian-vector product tests (module-level: srcgrad reads source).

The first group calls the runtime helpers that generated backward code calls, so
their tangent templates can be checked against differences like any primitive.
"""

import math

import numpy as np

from srcgrad.runtime import (add_at, add_private, as_grad, broadcast_back, drop_last, grad_at,
                             item_grad, keep_reduced, last_grad, seed_list, sequence, snapshot,
                             sub_at, unbroadcast, zero_at)
from srcgrad.runtime.ops import (diag_grad, dot_grad_x, dot_grad_y, extremum_grad, matmul_grad_x,
                                 matmul_grad_y, real_if_real, repeat_grad, reverse_cumsum,
                                 sequence_grad, split_like, sum_grad, take_grad, tile_grad,
                                 trace_grad, transpose_method_grad, unstack)
from srcgrad.runtime.reductions import scatter_flat
from srcgrad.runtime.sequences import (drop_inserted, drop_lasts, fold_grad, head_grad,
                                       inserted_grad, items_grad, last_grads, merged_grad,
                                       tail_grad, values_grad)
from srcgrad.runtime.shapes import (join_grad, restack, sort_grad, take_along_axis_grad,
                                    unconcatenate, unsplit)


# --- helpers of backward code (g: a cotangent, made nonlinear so tangents are not trivial) ----

def h_unbroadcast(g, x):
    return unbroadcast(g * g, x)


def h_broadcast_back(g, x):
    return broadcast_back(g * g, x, 1, False)


def h_keep_reduced(g, x):
    return keep_reduced(g * g, x, 1, False)


def h_as_grad(g, x):
    return as_grad(g * g, x)


def h_add_private(a, b):
    return add_private(a * b, b)


def h_add_at(acc, g, x):
    return add_at(acc * 1.0, x, slice(1, 3), g * g)


def h_sub_at(acc, g, x):
    return sub_at(acc * 1.0, x, slice(1, 3), g * g)


def h_extremum_grad(g, x):
    return extremum_grad(g * g, x, np.max(x))


def h_extremum_grad_rows(g, x):
    return extremum_grad(g * g, x, np.min(x, axis=1), 1, False)


def h_grad_at(acc):
    return grad_at(acc * acc, 1)


def h_zero_at(acc):
    return zero_at(acc * acc, 1)


def h_item_grad(a, b):
    return item_grad([a * b, b], 0)


def h_last_grad(a, b):
    return last_grad([a, b * b])


def h_drop_last(a, b):
    return drop_last([a * a, b * b])


def h_seed_list(a, b):
    return seed_list([a, b], [a * b, b * b])


def h_head_grad(a, b):
    return head_grad([a * a, b * b, a * b], [0, 0])


def h_tail_grad(a, b):
    return tail_grad([a * a, b * b, a * b], [0])


def h_fold_grad(a, b):
    return fold_grad([a * a, b * b, a * b, b], [0, 0])


def h_last_grads(a, b):
    return last_grads([a * a, b * b, a * b], [0, 0])


def h_drop_lasts(a, b):
    return drop_lasts([a * a, b * b, a * b], [0])


def h_inserted_grad(a, b):
    return inserted_grad([a * a, b * b, a * b], -1)


def h_drop_inserted(a, b):
    return drop_inserted([a * a, b * b, a * b], 1)


def h_values_grad(a, b):
    return values_grad([a * a, b * b], {"p": 1, "q": 2})["q"]


def h_items_grad(a, b):
    return items_grad([[0, a * b], [0, b * b]], {"p": 1, "q": 2})["p"]


def h_merged_grad(a, b):
    return merged_grad({"p": a * a, "q": a * b}, {"p": 1, "q": 2}, {"p": 3})["q"]


def h_sequence(a, b):
    items = sequence([a * a, b * b])
    return items[0] * items[1]


def h_snapshot(a):
    return snapshot(a * a)


def h_list_pop(a, b):
    s = [a, b * b]
    s = list(s)
    v = s.pop()
    return v * a + s[0]


def h_matmul_grad_x(g, x, y):
    return matmul_grad_x(g, x, y)


def h_matmul_grad_y(g, x, y):
    return matmul_grad_y(g, x, y)


def h_dot_grad_x(g, x, y):
    return dot_grad_x(g, x, y)


def h_dot_grad_y(g, x, y):
    return dot_grad_y(g, x, y)


def h_reverse_cumsum(g):
    return reverse_cumsum(g * g, 0, None)


def h_split_like(g, a, b):
    return split_like(g * g, [a, b], 0)


def h_unstack(g, a, b):
    return unstack(g * g, [a, b], 0)


def h_unconcatenate(g, a, b):
    return unconcatenate(g * g, [a, b], 0)


def h_join_grad(g, a, b):
    return join_grad(g * g, [a, b], "hstack")


def h_unsplit(g, x):
    return unsplit([g * g, g], x, [g, g], 0)


def h_restack(g, x):
    return restack([g * g, g], x, 0)


def h_tile_grad(g, x):
    return tile_grad(g * g, x, 2)


def h_repeat_grad(g, x):
    return repeat_grad(g * g, x, 2)


def h_take_grad(g, x):
    return take_grad(g * g, x, [2, 0, 2])


def h_take_along_axis_grad(g, x):
    return take_along_axis_grad(g * g, x, np.array([2, 0, 1]), 0)


def h_scatter_flat(g, x):
    return scatter_flat(g * g, x, np.array([1, -1, 0]))


def h_trace_grad(g, x):
    return trace_grad(g * g, x)


def h_transpose_method_grad(g, x):
    return transpose_method_grad(g * g, x, (1, 0))


def h_diag_grad(g, x):
    return diag_grad(g * g, x)


def h_real_if_real(g, x):
    return real_if_real(g * g, x)


def h_sort_grad(g, x):
    return sort_grad(g * g, x)


def h_sequence_grad(g, x):
    return sequence_grad(g * g, x)


def h_sum_grad(g, x):
    return sum_grad(g * g, x)


# --- functions whose Hessians are checked ----------------------------------------------------

def branches(x, y):
    if np.sum(x) > 0:
        z = np.sin(x) * y
    else:
        z = np.cos(x) * y * y
    return np.sum(z * z) + y * np.sum(x)


def loop_arrays(x, n):
    s = x
    for i in range(n):
        s = np.tanh(s) * x + 0.1 * s[::-1]
    return np.sum(s * s)


def _scaled(v, k):
    return np.sum(np.exp(k * v)) / k


def calls_arrays(x, k):
    return _scaled(x, k) + _scaled(x * x, 2.0) * math.cos(k)


def product(x):
    return np.sum(np.diff(x) ** 3) + np.sum(x * x)


def dot_method(w, A):
    """`.dot` on an input that carries no tangent, transposed: its tangent is a 0 stand-in."""
    h = np.tanh(A.dot(w))
    return np.sum(A.T.dot(h) ** 2) + np.dot(np.dot(h, A), w)


def loop_over_containers(x):
    items = [x[0] * x[1], x[2]]
    params = {"a": x[0] * x[2], "b": x[1] * x[1]}
    merged = params | {"c": x[2] * x[2]}
    total = 0.0
    for v in items:
        total = total + np.sin(v)
    for k, v in merged.items():
        total = total + v * v
    for v in params.values():
        total = total + np.cos(v)
    return total
