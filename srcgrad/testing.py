"""Gradient checking: srcgrad's gradient against numerical differentiation.

`check_grad(f, *args, wrt=0)` differentiates `f` with srcgrad and with central
finite differences in float64 (or the complex step) and reports, per argument,
the largest absolute and relative error and where it occurs.  It is the tool
to reach for when a gradient or a custom template is in doubt, and the test
suite checks every construct and template through it.
"""

from dataclasses import dataclass, field

import numpy as np

from . import api


@dataclass
class ArgumentCheck:
    name: str
    max_abs: float
    max_rel: float
    worst_index: tuple
    ok: bool
    analytic: object = None
    numeric: object = None


@dataclass
class GradCheck:
    function: str
    method: str
    arguments: list = field(default_factory=list)

    @property
    def ok(self):
        return all(a.ok for a in self.arguments)

    def __bool__(self):
        return self.ok

    def __str__(self):
        lines = [f"gradient check of {self.function} ({self.method} differences): "
                 f"{'OK' if self.ok else 'MISMATCH'}",
                 f"  {'argument':<12} {'max abs err':>12} {'max rel err':>12}  worst index"]
        for a in self.arguments:
            flag = "" if a.ok else "   <-- mismatch"
            lines.append(f"  {a.name:<12} {a.max_abs:12.3e} {a.max_rel:12.3e}  {a.worst_index}{flag}")
        return "\n".join(lines)

    def assert_ok(self):
        if not self.ok:
            raise AssertionError(str(self))
        return self


def _as64(x):
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        return x.astype(np.float64)
    if isinstance(x, np.floating):
        return float(x)
    return x


def numerical_grad(f, args, kwargs, index, method="central", eps=None):
    """d f / d args[index] by finite differences (float64), shaped like the argument."""
    x = args[index]
    scalar = not isinstance(x, np.ndarray)
    base = np.array(x, dtype=np.complex128 if np.iscomplexobj(x) else np.float64)
    flat = base.reshape(-1)
    out = np.zeros(flat.shape, dtype=base.dtype)

    def call(value):
        a = list(args)
        a[index] = value.item() if scalar and np.ndim(value) == 0 else value
        if scalar and isinstance(x, float) and not np.iscomplexobj(value):
            a[index] = float(value)
        return f(*a, **kwargs)

    for i in range(flat.size):
        h = eps if eps is not None else 1e-6 * max(1.0, abs(flat[i]))
        if method == "complex_step":
            h = eps if eps is not None else 1e-20
            pert = flat.astype(np.complex128)
            pert[i] += 1j * h
            out[i] = np.imag(call(pert.reshape(base.shape))) / h
            continue
        parts = []
        for sign in (1, -1):
            pert = flat.copy()
            pert[i] = pert[i] + sign * h
            parts.append(call(pert.reshape(base.shape)))
        out[i] = (parts[0] - parts[1]) / (2 * h)
        if np.iscomplexobj(base):
            parts = []
            for sign in (1, -1):
                pert = flat.copy()
                pert[i] = pert[i] + sign * 1j * h
                parts.append(call(pert.reshape(base.shape)))
            # PyTorch's convention: grad = d/dRe + i d/dIm (the conjugate Wirtinger derivative x 2)
            out[i] = out[i] + 1j * (parts[0] - parts[1]) / (2 * h)
    return out.reshape(base.shape) if not scalar else out.reshape(())[()]


def check_grad(f, *args, wrt=0, method="central", eps=None, rtol=1e-5, atol=1e-6,
               verbose=False, **kwargs):
    """Compare srcgrad's gradient of `f` at `args` with numerical differentiation.

    Returns a GradCheck (truthy when every argument matches); prints it when verbose.
    """
    if method not in ("central", "complex_step"):
        raise ValueError("method must be 'central' or 'complex_step'")
    fn = api.unwrap(f)
    g = api.grad(fn, wrt)
    analytic = g(*args, **kwargs)
    single = not isinstance(wrt, (tuple, list))
    analytic = (analytic,) if single else analytic
    args64 = [_as64(a) for a in args]
    report = GradCheck(getattr(fn, "__qualname__", repr(fn)), method)
    params = list(g.params)
    for name, value in zip(g.wrt, analytic):
        index = params.index(name)
        numeric = numerical_grad(fn, args64, kwargs, index, method, eps)
        a = np.asarray(value, dtype=np.result_type(numeric, np.float64))
        n = np.asarray(numeric)
        if a.shape != n.shape:
            report.arguments.append(ArgumentCheck(name, np.inf, np.inf, (), False, value, numeric))
            continue
        err = np.abs(a - n)
        bad = err > atol + rtol * np.abs(n)
        rel = err / np.maximum(np.abs(n), 1e-300)
        worst = np.unravel_index(np.argmax(err), err.shape) if err.size else ()
        finite_ok = np.array_equal(np.isfinite(a), np.isfinite(n))
        report.arguments.append(ArgumentCheck(
            name, float(np.max(err)) if err.size else 0.0, float(np.max(rel)) if rel.size else 0.0,
            tuple(int(i) for i in worst), bool(not np.any(bad[np.isfinite(n)])) and finite_ok,
            value, numeric))
    if verbose:
        print(report)
    return report


def check_jvp(f, primals, tangents, eps=1e-6, rtol=1e-5, atol=1e-6):
    """Compare srcgrad.jvp(f, primals, tangents) with a central difference along the tangents.

    Returns a GradCheck with one entry, "tangent"; the forward-mode counterpart of check_grad.
    """
    from .products import jvp
    value, analytic = jvp(f, primals, tangents)
    p64 = [_as64(p) for p in primals]

    def moved(step):
        out = []
        for p, t in zip(p64, tangents):
            if t is None:
                out.append(p)
                continue
            q = np.asarray(p, dtype=np.result_type(p, t, np.float64)) + step * np.asarray(t)
            out.append(float(q) if isinstance(p, float) else q)
        return out

    def flat(v):
        if isinstance(v, (tuple, list)):
            return np.concatenate([flat(u) for u in v]) if v else np.zeros(0)
        return np.ravel(np.asarray(v, dtype=np.result_type(v, np.float64)))

    numeric = (flat(f(*moved(eps))) - flat(f(*moved(-eps)))) / (2 * eps)
    a = flat(analytic)
    report = GradCheck(getattr(f, "__qualname__", repr(f)), "central, along the tangent")
    if a.shape != numeric.shape:
        report.arguments.append(ArgumentCheck("tangent", np.inf, np.inf, (), False, a, numeric))
        return report
    err = np.abs(a - numeric)
    worst = (int(np.argmax(err)),) if err.size else ()
    rel = err / np.maximum(np.abs(numeric), 1e-300)
    ok = bool(np.all(err <= atol + rtol * np.abs(numeric)))
    ok = ok and bool(np.allclose(flat(value), flat(f(*p64)), rtol=1e-9, atol=1e-12))
    report.arguments.append(ArgumentCheck("tangent", float(err.max()) if err.size else 0.0,
                                          float(rel.max()) if rel.size else 0.0, worst, ok, a, numeric))
    return report
