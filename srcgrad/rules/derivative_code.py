"""Templates for the helpers that generated derivative code calls.

Higher derivatives are computed by transforming generated code again, so the
few helpers forward-mode code uses (fitting a tangent to a shape, adding
tangents, copying one, reading one element) need templates of their own, in
both modes.  Helpers that update an argument in place (`set_at`,
`append_tangent`) have none on purpose: differentiating code that calls them
stops with a NoTemplateError naming the helper rather than risk a wrong answer.
"""

from .. import runtime
from ..runtime import add, add_at, unbroadcast
from ..runtime import ops
from ..runtime.ops import (dot_grad_x, dot_grad_y, fit, fit_update, fresh, item_tangent,
                           matmul_grad_x, matmul_grad_y, tangent_dot, tangent_matmul)
from .registry import d, forward, nondifferentiable, reverse, t


@reverse(ops.fit, name="fit (tangent to result shape)", shape=("result",))
def fit_adjoint(z, tangent, result):
    d[tangent] += unbroadcast(d[z], tangent)


@forward(ops.fit, shape=("result",))
def fit_tangent(z, tangent, result):
    t[z] += fit(t[tangent], result)


@reverse(ops.fit_update, name="fit_update (tangent to an updated shape)", shape=("x", "y"))
def fit_update_adjoint(z, tangent, x, y):
    d[tangent] += unbroadcast(d[z], tangent)


@forward(ops.fit_update, shape=("x", "y"))
def fit_update_tangent(z, tangent, x, y):
    t[z] += fit_update(t[tangent], x, y)


@reverse(ops.tangent_matmul, name="tangent_matmul (a product of tangents)")
def tangent_matmul_adjoint(z, a, b):
    d[a] += matmul_grad_x(d[z], a, b)
    d[b] += matmul_grad_y(d[z], a, b)


@forward(ops.tangent_matmul)
def tangent_matmul_tangent(z, a, b):
    t[z] += tangent_matmul(t[a], b)
    t[z] += tangent_matmul(a, t[b])


@reverse(ops.tangent_dot, name="tangent_dot (a dot product of tangents)")
def tangent_dot_adjoint(z, a, b):
    d[a] += dot_grad_x(d[z], a, b)
    d[b] += dot_grad_y(d[z], a, b)


@forward(ops.tangent_dot)
def tangent_dot_tangent(z, a, b):
    t[z] += tangent_dot(t[a], b)
    t[z] += tangent_dot(a, t[b])


@reverse(ops.fresh, name="fresh (private copy)")
def fresh_adjoint(z, tangent):
    d[tangent] += d[z]


@forward(ops.fresh)
def fresh_tangent(z, tangent):
    t[z] += fresh(t[tangent])


@reverse(add, name="add (adjoints and tangents)")
def add_adjoint(z, a, b):
    d[a] += unbroadcast(d[z], a)
    d[b] += unbroadcast(d[z], b)


@forward(add)
def add_tangent(z, a, b):
    t[z] += add(t[a], t[b])


@reverse(ops.item_tangent, aliases=True, name="item_tangent (element of a tangent)",
         shape=("x",))
def item_tangent_adjoint(z, tx, x, index):
    d[tx] = add_at(d[tx], x, index, d[z])


@forward(ops.item_tangent, shape=("x", "index"))
def item_tangent_tangent(z, tx, x, index):
    t[z] += item_tangent(t[tx], x, index)


# results that never depend on a differentiated value (zeros, shapes, axis lists)
nondifferentiable(ops.transpose_axes, ops.inverse_permutation, runtime.zeros_like_grad,
                  runtime.zeros_list, runtime.seed_like, runtime.grad_dtype, runtime.reduced_count,
                  runtime.normalize_axis)
