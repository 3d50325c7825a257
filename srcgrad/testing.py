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
        w = max([12] + [len(a.name) for a in self.arguments])
        lines = [f"gradient check of {self.function} ({self.method} differences): "
                 f"{'OK' if self.ok else 'MISMATCH'}",
                 f"  {'argument':<{w}} {'max abs err':>12} {'max rel err':>12}  worst index"]
        for a in self.arguments:
            flag = "" if a.ok else "   <-- mismatch"
            lines.append(f"  {a.name:<{w}} {a.max_abs:12.3e} {a.max_rel:12.3e}  {a.worst_index}{flag}")
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
    if isinstance(x, (list, tuple, dict)):
        return _map_tree(x, _as64)
    return x


# --- containers: the leaves of nested lists, tuples and dicts ---------------------------------

def _is_container(x):
    return isinstance(x, (list, tuple, dict))


def _items(x):
    return x.items() if isinstance(x, dict) else enumerate(x)


def _map_tree(x, fn):
    if isinstance(x, dict):
        return {k: _map_tree(v, fn) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        items = [_map_tree(v, fn) for v in x]
        return items if isinstance(x, list) else type(x)(*items) if hasattr(x, "_fields") else tuple(items)
    return fn(x)


def _leaves(x, path=()):
    """(path, leaf) for every float or array leaf; integers and other values are constants."""
    if _is_container(x):
        for k, v in _items(x):
            yield from _leaves(v, path + (k,))
    elif isinstance(x, (float, complex, np.floating, np.complexfloating)) or \
            (isinstance(x, np.ndarray) and x.dtype.kind in "fc"):
        yield path, x


def _replaced(x, path, value):
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(x, dict):
        out = dict(x)
        out[head] = _replaced(x[head], rest, value)
        return out
    items = list(x)
    items[head] = _replaced(x[head], rest, value)
    return items if isinstance(x, list) else type(x)(*items) if hasattr(x, "_fields") else tuple(items)


def _get(x, path):
    for k in path:
        x = x[k]
    return x


def _label(name, path):
    return name + "".join(f"[{k!r}]" for k in path)


def numerical_grad(f, args, kwargs, index, method="central", eps=None):
    """d f / d args[index] by finite differences (float64), shaped like the argument.

    A container argument (nested lists, tuples, dicts) gives a container of the same
    structure, with None at leaves that are not floating-point.
    """
    x = args[index]
    if _is_container(x):
        result = _map_tree(x, lambda leaf: None)
        for path, leaf in _leaves(x):
            def at_leaf(value, *rest, path=path):
                a = list(rest)
                a.insert(index, _replaced(x, path, value))
                return f(*a, **kwargs)
            others = [a for i, a in enumerate(args) if i != index]
            result = _replaced(result, path, numerical_grad(at_leaf, [leaf] + others, {}, 0,
                                                            method, eps))
        return result
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
        if _is_container(args64[index]):
            for path, _ in _leaves(args64[index]):
                report.arguments.append(_compare(_label(name, path), _get(value, path),
                                                 _get(numeric, path), rtol, atol))
        else:
            report.arguments.append(_compare(name, value, numeric, rtol, atol))
    if verbose:
        print(report)
    return report


def _compare(name, value, numeric, rtol, atol):
    """One ArgumentCheck: srcgrad's `value` against the numerical derivative."""
    a = np.asarray(value, dtype=np.result_type(numeric, np.float64))
    n = np.asarray(numeric)
    if a.shape != n.shape:
        return ArgumentCheck(name, np.inf, np.inf, (), False, value, numeric)
    err = np.abs(a - n)
    bad = err > atol + rtol * np.abs(n)
    rel = err / np.maximum(np.abs(n), 1e-300)
    worst = np.unravel_index(np.argmax(err), err.shape) if err.size else ()
    finite_ok = np.array_equal(np.isfinite(a), np.isfinite(n))
    return ArgumentCheck(
        name, float(np.max(err)) if err.size else 0.0, float(np.max(rel)) if rel.size else 0.0,
        tuple(int(i) for i in worst), bool(not np.any(bad[np.isfinite(n)])) and finite_ok,
        value, numeric)


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
    report = GradCheck(getattr(f, "__qualname__", repr(f)), "central, along the tangent")
    entry = _compare("tangent", flat(analytic), numeric, rtol, atol)
    # a derivative that is not finite along the tangent cannot be confirmed by differences
    entry.ok = entry.ok and bool(np.all(np.isfinite(numeric))) and \
        bool(np.allclose(flat(value), flat(f(*p64)), rtol=1e-9, atol=1e-12))
    report.arguments.append(entry)
    return report
