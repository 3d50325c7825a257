"""The higher-order rows: Hessian-vector products, a full Hessian and a Jacobian, srcgrad against peers.

Rows: hvp of the MLP loss (packed parameters, 5,256 of them) and of the
100-dimensional Rosenbrock function, the full Rosenbrock Hessian (n=100), and
the Jacobian of a 50-step Euler integrator with a 10-dimensional state (each
`jacobian` mode).  srcgrad is called through `srcgrad.hvp(f)(x, v)`,
`srcgrad.hessian(f, wrt=0)(x)` and `srcgrad.jacobian(f, wrt=0, mode=...)(x, W)`;
an API srcgrad does not have yet gives "n/a (not available)".  Peers: HIPS
autograd, and JAX without and with jit when installed.  "÷grad" is the srcgrad
figure over one srcgrad gradient of the same scalar function.
"""

import time
from dataclasses import dataclass, field

import numpy as np

from . import data, table, timing
from .measure import agree
from .numpy_switch import with_numpy
from .objectives import mlp, second_order

TOOLS = ("srcgrad", "autograd", "jax", "jax jit")
NA = "n/a (not available)"


class Unavailable(Exception):
    pass


@dataclass
class Task:
    name: str
    kind: str              # "hvp", "hessian" or "jacobian"
    fn: object             # its first argument is the one differentiated
    args: tuple            # arguments of fn
    v: object = None       # hvp direction
    mode: str = "auto"     # jacobian mode for srcgrad
    twin: object = None    # numpy module -> fn over that module (default: numpy_switch.with_numpy)

    def over(self, module):
        return self.twin(module) if self.twin else with_numpy(self.fn, module)


def tasks():
    rng = data.generator(1)
    m = data.mlp(rng)
    hidden = m["W1"].shape[1]
    theta = np.concatenate([m[k].ravel() for k in ("W1", "b1", "W2", "b2")])
    loss = mlp.mlp_flat_at(m["x"], m["y"], hidden)

    def loss_over(module):
        return with_numpy(mlp.mlp_flat_at, module)(m["x"], m["y"], hidden)

    x = rng.uniform(-1.0, 1.5, 100)
    x0 = rng.normal(size=10)
    W = rng.normal(0, 10 ** -0.5, (10, 10))
    return [
        Task(f"hvp, MLP loss ({theta.size} parameters)", "hvp", loss, (theta,),
             v=rng.normal(size=theta.size), twin=loss_over),
        Task("hvp, Rosenbrock n=100", "hvp", second_order.rosenbrock, (x,), v=rng.normal(size=100)),
        Task("Hessian, Rosenbrock n=100", "hessian", second_order.rosenbrock, (x,)),
        Task("Jacobian, Euler 50 steps, state 10 (auto)", "jacobian", second_order.euler, (x0, W)),
        Task("Jacobian, Euler 50 steps, state 10 (reverse)", "jacobian", second_order.euler, (x0, W),
             mode="reverse"),
        Task("Jacobian, Euler 50 steps, state 10 (forward)", "jacobian", second_order.euler, (x0, W),
             mode="forward"),
    ]


def _srcgrad(task):
    import srcgrad
    api = {"hvp": "hvp", "hessian": "hessian", "jacobian": "jacobian"}[task.kind]
    if not hasattr(srcgrad, api):
        raise Unavailable(NA)
    if task.kind == "hvp":
        h = srcgrad.hvp(task.fn)
        return lambda: h(task.args[0], task.v)
    if task.kind == "hessian":
        h = srcgrad.hessian(task.fn, wrt=0)
        return lambda: h(*task.args)
    j = srcgrad.jacobian(task.fn, wrt=0, mode=task.mode)
    return lambda: j(*task.args)


def _autograd(task):
    try:
        import autograd
        import autograd.numpy as anp
    except ImportError:
        raise Unavailable("not installed") from None
    f = task.over(anp)
    if task.kind == "hvp":
        h = autograd.hessian_vector_product(f)
        return lambda: h(task.args[0], task.v)
    if task.kind == "hessian":
        h = autograd.hessian(f)
        return lambda: h(*task.args)
    j = autograd.jacobian(f)
    return lambda: j(*task.args)


def _jax(task, jit):
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        raise Unavailable("not installed") from None
    jax.config.update("jax_enable_x64", True)
    f = task.over(jnp)
    args = tuple(jnp.asarray(a) for a in task.args)
    if task.kind == "hvp":
        def h(x, v):
            return jax.jvp(jax.grad(f), (x,), (v,))[1]
        call_args = (args[0], jnp.asarray(task.v))
    elif task.kind == "hessian":
        h, call_args = jax.hessian(f), args
    else:
        h = {"forward": jax.jacfwd, "reverse": jax.jacrev}.get(task.mode, jax.jacfwd)(f)
        call_args = args
    if jit:
        h = jax.jit(h)
        jax.block_until_ready(h(*call_args))      # compile outside the measurement
    return lambda: jax.block_until_ready(h(*call_args))


_PREPARE = {"srcgrad": _srcgrad, "autograd": _autograd,
            "jax": lambda t: _jax(t, False), "jax jit": lambda t: _jax(t, True)}


@dataclass
class TaskResult:
    name: str
    times: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)     # tool -> "n/a ..." / "FAILED ..." / "MISMATCH ..."
    grad_time: float = None                       # one srcgrad gradient of the scalar function


def run_task(task, budget, log=None):
    res = TaskResult(task.name)
    runs, outs, first = {}, {}, {}
    for tool in TOOLS:
        try:
            run = _PREPARE[tool](task)
            if tool == "srcgrad":
                run()           # a first call transforms: keep it out of the calibration
            start = time.perf_counter()
            outs[tool] = np.asarray(run(), dtype=float)
            first[tool] = time.perf_counter() - start
            runs[tool] = run
        except Unavailable as exc:
            res.notes[tool] = str(exc)
        except Exception as exc:
            res.notes[tool] = f"FAILED: {type(exc).__name__}: {exc}"
            if log is not None:
                print(f"!!! {tool} FAILED on {task.name}: {type(exc).__name__}: {exc}", file=log, flush=True)
    ref = next(iter(outs), None)
    for tool in list(outs)[1:]:
        problem = agree((outs[tool],), (outs[ref],))
        if problem:
            res.notes[tool] = f"MISMATCH with {ref}: {problem}"
            if log is not None:
                print(f"!!! MISMATCH on {task.name}: {tool} vs {ref}: {problem}", file=log, flush=True)
    if task.kind != "jacobian" and "srcgrad" in runs:
        import srcgrad
        g = srcgrad.grad(task.fn)
        g(*task.args)           # its first call transforms too: keep it out of the calibration
        runs["grad"] = lambda: g(*task.args)
    res.times = timing.side_by_side(runs, budget=budget, known=first)
    res.grad_time = res.times.pop("grad", None)
    return res


def render(results, markdown=False):
    used = [t for t in TOOLS if t == "srcgrad" or any(t in r.times for r in results)]
    headers = ["task"]
    for tool in used:
        headers += [tool] + ([] if tool == "srcgrad" else ["÷sg"])
    headers += ["÷grad"]
    rows = []
    for r in results:
        cells = [r.name]
        for tool in used:
            t = r.times.get(tool)
            if t is None:
                note = r.notes.get(tool, "—")
                cells.append(NA if note == NA else ("×" if note.startswith("FAILED") else "—"))
            else:
                cells.append(table.seconds(t) + ("!" if r.notes.get(tool, "").startswith("MISMATCH") else ""))
            if tool != "srcgrad":
                s, p = r.times.get("srcgrad"), r.times.get(tool)
                cells.append(table.ratio(p / s if s and p else None))
        s = r.times.get("srcgrad")
        cells.append(table.ratio(s / r.grad_time if s and r.grad_time else None))
        rows.append(cells)
    out = [table.render(headers, rows, markdown, title="Higher order"), "",
           "÷sg: the tool's time / srcgrad's.  ÷grad: srcgrad's time / one srcgrad gradient of "
           "the same scalar function (target for hvp: at most 5).  Peers are checked against "
           "srcgrad's result (or autograd's while srcgrad has no such API)."]
    notes = [f"{r.name}: {tool}: {n}" for r in results for tool, n in r.notes.items()
             if n not in (NA, "not installed")]
    missing = sorted({tool for r in results for tool, n in r.notes.items() if n == "not installed"})
    if missing:
        out.append(f"Not installed: {', '.join(missing)}.")
    out += [("- " if markdown else "") + n for n in notes]
    return "\n".join(out)
