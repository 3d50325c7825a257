"""The Tensor facade: one MLP training step, and a 200-step scalar loop on Tensors.

Rows, timed side by side: (a) Tensor ops, (b) a `@srcgrad.function` loss called on
Tensors (one graph node, compiled backward), PyTorch eager and HIPS autograd,
each doing forward, backward and an SGD update of the four parameters.
"""

import numpy as np

from . import data, table, timing
from .objectives import tensor_step as T
from .objectives.mlp import mlp_loss

LR = 1e-3


def _mlp_rows():
    import srcgrad
    args = data.mlp(data.generator(0))
    names = ("W1", "b1", "W2", "b2")
    rows = {}

    params = {n: srcgrad.tensor(args[n].copy(), requires_grad=True) for n in names}
    x, y = srcgrad.tensor(args["x"]), srcgrad.tensor(args["y"])

    def step(loss_fn):
        def run():
            for p in params.values():
                p.grad = None
            loss = loss_fn(params["W1"], params["b1"], params["W2"], params["b2"], x, y)
            loss.backward()
            with srcgrad.no_grad():
                for p in params.values():
                    p -= LR * p.grad
        return run

    def op_by_op(W1, b1, W2, b2, x, y):
        h = (x @ W1 + b1).tanh()
        err = h @ W2 + b2 - y
        return (err * err).mean()

    rows["(a) srcgrad Tensor ops"] = step(op_by_op)
    rows["(b) srcgrad @function on Tensors"] = step(T.mlp_loss_compiled)

    try:
        import autograd
        import autograd.numpy as anp

        def a_loss(W1, b1, W2, b2, x, y):
            h = anp.tanh(x @ W1 + b1)
            err = h @ W2 + b2 - y
            return anp.mean(err * err)
        a_grad = autograd.grad(a_loss, (0, 1, 2, 3))
        a_params = [args[n].copy() for n in names]

        def a_step():
            gs = a_grad(*a_params, args["x"], args["y"])
            for p, g in zip(a_params, gs):
                p -= LR * g
        rows["HIPS autograd"] = a_step
    except ImportError:
        pass

    try:
        import torch
        t_params = [torch.tensor(args[n].copy(), requires_grad=True) for n in names]
        tx, ty = torch.tensor(args["x"]), torch.tensor(args["y"])

        def t_step():
            for p in t_params:
                p.grad = None
            W1, b1, W2, b2 = t_params
            h = torch.tanh(tx @ W1 + b1)
            err = h @ W2 + b2 - ty
            loss = torch.mean(err * err)
            loss.backward()
            with torch.no_grad():
                for p in t_params:
                    p -= LR * p.grad
        rows["PyTorch eager"] = t_step
    except ImportError:
        pass
    _cross_check(args, names, op_by_op)
    return rows


def _cross_check(args, names, op_by_op):
    """Both srcgrad ways give the gradient srcgrad.grad gives, before anything is timed."""
    import srcgrad
    expected = srcgrad.grad(mlp_loss, names)(*args.values())
    for fn in (op_by_op, T.mlp_loss_compiled):
        ps = [srcgrad.tensor(args[n], requires_grad=True) for n in names]
        fn(*ps, srcgrad.tensor(args["x"]), srcgrad.tensor(args["y"])).backward()
        for p, e in zip(ps, expected):
            if not np.allclose(p.grad.numpy(), e, rtol=1e-10, atol=1e-12):
                print("!!! GRADIENT MISMATCH in the Tensor facade rows", flush=True)


def _loop_rows():
    import srcgrad

    def run(fn):
        def go():
            x = srcgrad.tensor(0.3, requires_grad=True)
            fn(x).backward()
        return go

    def op_by_op(x):
        s = x
        for i in range(200):
            s = s.sin() * 0.9 + x * 0.1
        return s
    return {"200-step loop, op by op": run(op_by_op),
            "200-step loop, @function": run(T.scalar_loop_compiled)}


def run(budget):
    return (timing.side_by_side(_mlp_rows(), budget=budget),
            timing.side_by_side(_loop_rows(), budget=budget))


def render(outcome, markdown=False):
    mlp, loop = outcome
    title = "Tensor facade: one MLP training step (forward, backward, SGD update)"
    torch_t = mlp.get("PyTorch eager")
    rows = [[name, table.seconds(t), table.ratio(t / torch_t) if torch_t else "—"]
            for name, t in mlp.items()]
    out = table.render(["way", "time per step", "÷ PyTorch eager"], rows, markdown, title=title)
    op, comp = loop["200-step loop, op by op"], loop["200-step loop, @function"]
    rows = [[name, table.seconds(t)] for name, t in loop.items()]
    rows.append(["op by op ÷ @function", table.ratio(op / comp)])
    out += "\n\n" + table.render(["200-step scalar loop on Tensors", "time"], rows, markdown,
                                 title="Tensor facade: compiled function against op by op")
    return out
