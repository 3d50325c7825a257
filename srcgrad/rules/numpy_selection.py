"""Selection: where, clip, gathers along indices, choice, sorting, interpolation.

Every primitive here reads some elements of its inputs and passes them on; the
adjoint sends each result element's gradient back to the element it came from
(scatter-add, so an element read twice gets both contributions).
"""

import numpy as np

from ..runtime import unbroadcast
from ..runtime.ops import clip_mask, fit, take_grad
from ..runtime.reductions import no_gradient, scatter_flat
from ..runtime.shapes import (choose_grad, choose_tangent, compress_index_map, interp_grad,
                              interp_tangent, select_choice_grad, select_choice_tangent,
                              select_default_grad, sort_grad, sort_tangent, take_along_axis_grad,
                              take_indices)
from .registry import d, forward, method, reverse, t


@reverse(np.where, elementwise=True, notes="one-argument np.where gives indices (no gradient)")
def where(z, condition, x=None, y=None):
    d[x] += unbroadcast(np.where(condition, d[z], 0), x)
    d[y] += unbroadcast(np.where(condition, 0, d[z]), y)


@reverse(np.clip, method("clip"), elementwise=True,
         notes="gradient flows where a_min <= a <= a_max (bounds included), as in PyTorch clamp")
def clip(z, a, a_min=None, a_max=None):
    d[a] += unbroadcast(d[z] * clip_mask(a, a_min, a_max), a)
    d[a_min] += unbroadcast(d[z] * (a < a_min), a_min)
    d[a_max] += unbroadcast(d[z] * (a > a_max), a_max)


@reverse(np.take, method("take"), notes="repeated indices accumulate")
def take(z, a, indices, axis=None, out=None, mode="raise"):
    d[a] += take_grad(d[z], a, take_indices(indices, a, axis, mode), axis)


@reverse(np.take_along_axis, notes="repeated indices accumulate")
def take_along_axis(z, arr, indices, axis=-1):
    d[arr] += take_along_axis_grad(d[z], arr, indices, axis)


@reverse(np.choose, notes="the index array gets no gradient")
def choose(z, a, choices, out=None, mode="raise"):
    d[choices] += choose_grad(d[z], a, choices, mode)


@reverse(np.select, notes="each element's gradient goes to the first choice whose condition holds")
def select(z, condlist, choicelist, default=0):
    d[choicelist] += select_choice_grad(d[z], condlist, choicelist, z)
    d[default] += select_default_grad(d[z], condlist, default, z)


@reverse(np.sort, notes="ties: each sorted position takes the gradient of the element the stable "
                        "sort put there (PyTorch also routes it through its sort indices)")
def sort(z, a, axis=-1, kind=None, order=None, stable=None):
    d[a] += sort_grad(d[z], a, axis)


@reverse(np.compress)
def compress(z, condition, a, axis=None, out=None):
    d[a] += scatter_flat(d[z], a, compress_index_map(condition, a, axis))


@reverse(np.extract)
def extract(z, condition, arr):
    d[arr] += scatter_flat(d[z], arr, compress_index_map(np.ravel(condition), np.ravel(arr)))


@reverse(np.interp, notes="at a knot, the slope of the segment to its right; 0 outside [xp[0], "
                          "xp[-1]] (where left/right or the end values take the gradient)")
def interp(z, x, xp, fp, left=None, right=None, period=None):
    d[x] += interp_grad(d[z], x, xp, fp, left, right, period, "x")
    d[xp] += interp_grad(d[z], x, xp, fp, left, right, period, "xp")
    d[fp] += interp_grad(d[z], x, xp, fp, left, right, period, "fp")
    d[left] += interp_grad(d[z], x, xp, fp, left, right, period, "left")
    d[right] += interp_grad(d[z], x, xp, fp, left, right, period, "right")
    d[period] += no_gradient(d[z], "np.interp", "period")


# --- forward mode ---------------------------------------------------------------------

@forward(np.where, elementwise=True)
def where_tangent(z, condition, x=None, y=None):
    t[z] += fit(np.where(condition, t[x], 0), z)
    t[z] += fit(np.where(condition, 0, t[y]), z)


@forward(np.clip, method("clip"), elementwise=True)
def clip_tangent(z, a, a_min=None, a_max=None):
    t[z] += fit(t[a] * clip_mask(a, a_min, a_max), z)
    t[z] += fit(t[a_min] * (a < a_min), z)
    t[z] += fit(t[a_max] * (a > a_max), z)


@forward(np.take, method("take"))
def take_tangent(z, a, indices, axis=None, out=None, mode="raise"):
    t[z] += np.take(t[a], indices, axis, mode=mode)


@forward(np.take_along_axis)
def take_along_axis_tangent(z, arr, indices, axis=-1):
    t[z] += np.take_along_axis(t[arr], indices, axis)


@forward(np.choose)
def choose_tangent_rule(z, a, choices, out=None, mode="raise"):
    t[z] += choose_tangent(t[choices], a, choices, mode)


@forward(np.select)
def select_tangent_rule(z, condlist, choicelist, default=0):
    t[z] += select_choice_tangent(t[choicelist], t[default], condlist, choicelist, z)


@forward(np.sort)
def sort_tangent_rule(z, a, axis=-1, kind=None, order=None, stable=None):
    t[z] += sort_tangent(t[a], a, axis)


@forward(np.compress)
def compress_tangent(z, condition, a, axis=None, out=None):
    t[z] += np.compress(condition, t[a], axis)


@forward(np.extract)
def extract_tangent(z, condition, arr):
    t[z] += np.extract(condition, t[arr])


@forward(np.interp)
def interp_tangent_rule(z, x, xp, fp, left=None, right=None, period=None):
    t[z] += interp_tangent(t[x], t[xp], t[fp], t[left], t[right], x, xp, fp, left, right, period)
