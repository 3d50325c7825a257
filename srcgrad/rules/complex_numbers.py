"""Complex numbers: the few primitives that are not holomorphic.

Inside generated code the cotangent of a complex value is carried conjugated
(`c = conj(g)`, with `g` PyTorch's gradient), so every holomorphic primitive
keeps its plain chain rule (`d[x] += d[z] * f'(x)`) and only the functions
below, which are not complex-differentiable, need their own rules.  `grad`
conjugates once at the end, giving PyTorch's convention: for a real loss,
`z -= lr * grad` descends.  Cotangents of real values stay meaningful through
their real part.
"""

import numpy as np

from ..runtime import unbroadcast
from .registry import attribute, d, forward, method, reverse, t


@reverse(attribute("real"))
@reverse(np.real, name="np.real")
def real(z, x):
    d[x] += np.real(d[z])


@reverse(attribute("imag"))
@reverse(np.imag, name="np.imag")
def imag(z, x):
    d[x] += -1j * np.real(d[z])


@reverse(np.conj, np.conjugate, method("conj"), method("conjugate"), elementwise=True)
def conj(z, x):
    d[x] += np.conj(d[z])


@reverse(np.angle, notes="zero for real arguments")
def angle(z, x, deg=False):
    d[x] += unbroadcast(-1j * np.real(d[z]) * np.conj(x) / np.maximum(np.abs(x) ** 2, 1e-300), x)


@forward(np.real, attribute("real"))
def real_tangent(z, x):
    t[z] += np.real(t[x])


@forward(np.imag, attribute("imag"))
def imag_tangent(z, x):
    t[z] += np.imag(t[x])


@forward(np.conj, np.conjugate, method("conj"), method("conjugate"))
def conj_tangent(z, x):
    t[z] += np.conj(t[x])


@forward(np.angle)
def angle_tangent(z, x, deg=False):
    t[z] += np.imag(t[x] * np.conj(x)) / np.maximum(np.abs(x) ** 2, 1e-300)
