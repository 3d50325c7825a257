"""The columns: each tool turns (benchmark, arguments) into a zero-argument callable.

`prepare(tool, bench, args)` returns `(run, as_arrays)`: `run()` computes the
function (tool "function") or the gradient with respect to `bench.wrt`, with
all set-up (tracing, tensor conversion, jit compilation, srcgrad's first
transformation) already done; `as_arrays(result)` turns what `run` returned
into a tuple of NumPy arrays for cross-checking.  A tool that is not installed
raises `Unavailable`; any other exception is the tool failing on the row.
"""

import os

import numpy as np

from .numpy_switch import with_numpy

TOOLS = ("function", "srcgrad", "autograd", "torch", "jax", "jax jit", "hand")
PEERS = ("autograd", "torch", "jax", "jax jit", "hand")


class Unavailable(Exception):
    """The tool is not installed, or has no version of this objective."""


def prepare(tool, bench, args):
    return _PREPARE[tool](bench, args)


def _arrays(result):
    return tuple(np.asarray(r, dtype=float) for r in result)


def _function(bench, args):
    values = list(args.values())
    return (lambda: bench.fn(*values)), (lambda r: (np.asarray(r, dtype=float),))


def _srcgrad(bench, args):
    import srcgrad
    g = srcgrad.grad(bench.fn, bench.wrt)
    values = list(args.values())
    g(*values)                                   # transformation happens here
    return (lambda: g(*values)), _arrays


def _autograd(bench, args):
    try:
        import autograd
        import autograd.numpy as anp
    except ImportError:
        raise Unavailable("autograd is not installed") from None
    fn = with_numpy(bench.fn, anp)
    fixed = dict(args)

    def packed(ws):
        kw = dict(fixed)
        kw.update(zip(bench.wrt, ws))
        return fn(**kw)

    g = autograd.grad(packed)
    ws = tuple(args[w] for w in bench.wrt)
    return (lambda: g(ws)), _arrays


def _torch(bench, args):
    try:
        import torch
        from . import torch_objectives
    except ImportError:
        raise Unavailable("torch is not installed") from None
    threads = os.environ.get("BENCHMARK_THREADS")
    if threads:
        torch.set_num_threads(int(threads))
    tf = torch_objectives.BY_NAME.get(bench.key)
    if tf is None:
        raise Unavailable(f"no torch version of {bench.key}")
    values, wrt = [], []
    for name, v in args.items():
        if isinstance(v, np.ndarray) and v.dtype.kind in "iu":
            values.append(torch.as_tensor(v, dtype=torch.int64))
        elif isinstance(v, np.ndarray) or name in bench.wrt:
            t = torch.tensor(v, dtype=torch.float64, requires_grad=name in bench.wrt)
            values.append(t)
            if name in bench.wrt:
                wrt.append(t)
        else:
            values.append(v)

    def run():
        return torch.autograd.grad(tf(*values), wrt)

    return run, lambda r: tuple(t.detach().numpy() for t in r)


def _jax_grad(bench, args, jit):
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        raise Unavailable("jax is not installed") from None
    jax.config.update("jax_enable_x64", True)
    names = list(args)
    argnums = tuple(names.index(w) for w in bench.wrt)
    values = [jnp.asarray(v) if isinstance(v, np.ndarray) else v for v in args.values()]
    g = jax.grad(with_numpy(bench.fn, jnp), argnums=argnums)
    if jit:
        static = tuple(i for i, v in enumerate(values)
                       if not isinstance(v, jax.Array) and i not in argnums)
        g = jax.jit(g, static_argnums=static)
        jax.block_until_ready(g(*values))         # compile outside the measurement
    return (lambda: jax.block_until_ready(g(*values))), _arrays


def _hand(bench, args):
    if bench.hand is None:
        raise Unavailable("no hand-written gradient")
    values = list(args.values())
    return (lambda: bench.hand(*values)), _arrays


_PREPARE = {"function": _function, "srcgrad": _srcgrad, "autograd": _autograd, "torch": _torch,
            "jax": lambda b, a: _jax_grad(b, a, False), "jax jit": lambda b, a: _jax_grad(b, a, True),
            "hand": _hand}
