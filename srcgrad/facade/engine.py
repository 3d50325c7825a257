"""The backward sweep: `Tensor.backward` and `autograd_grad`, with PyTorch's semantics.

`run` counts, for each node reachable from the roots, how many edges point at
it, then applies nodes in Kahn order: a node runs once every consumer has sent
its gradient, so diamonds and reused values are summed before they flow on.
Only nodes that lead to a wanted tensor run (all of them for a plain
backward).  Without `create_graph` gradients are NumPy arrays; with it they
are Tensors and each pullback runs on Tensors (`higher.run`), so the sweep is
itself recorded.  Unless `retain_graph`, each node frees its saved values once
it has run.  A graph of one node whose edges go to different leaves without
hooks (a compiled function called on Tensors) needs no ordering: that node
runs and its gradients go straight to the leaves.
"""

import numpy as np

from . import grad_mode
from . import tensor as T
from .errors import TensorError
from .graph import AccumulateGrad


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _seeds(outputs, gradients, create_graph):
    seeds = []
    for i, (out, g) in enumerate(zip(outputs, gradients)):
        if not isinstance(out, T.Tensor) or not out.requires_grad:
            raise TensorError(f"element {i} of tensors does not require grad and does not have a "
                              "grad_fn")
        data = out._data
        if g is None:
            if data.size != 1:
                raise TensorError("grad can be implicitly created only for scalar outputs; pass "
                                  "`gradient=` (the vector of the vector-Jacobian product)")
            if data.dtype.kind == "c":
                raise TensorError("grad can be implicitly created only for real scalar outputs")
            # np.array(1, dtype): the 0-d one np.ones((), dtype) makes, several times faster
            g = np.array(1, data.dtype) if not data.ndim else np.ones(data.shape, data.dtype)
        elif isinstance(g, T.Tensor):
            g = g if create_graph else g.data
        else:
            g = np.asarray(g, dtype=np.result_type(g, out.dtype))
        if g.shape != data.shape:
            raise TensorError(f"Mismatch in shape: grad_output[{i}] has a shape of {np.shape(g)} "
                              f"and output[{i}] has a shape of {out.shape}.")
        if create_graph and not isinstance(g, T.Tensor):
            g = T.Tensor._wrap(np.asarray(g))
        seeds.append((out._edge(), g))
    return seeds


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """torch.autograd.backward: accumulate gradients into `.grad` of the leaves."""
    tensors = _as_list(tensors)
    grads = _as_list(grad_tensors) if grad_tensors is not None else [None] * len(tensors)
    if retain_graph is None:
        retain_graph = create_graph
    targets = None
    if inputs is not None:
        inputs = _as_list(inputs)
        if not inputs:
            raise TensorError("'inputs' argument to backward() cannot be empty.")
        targets = {}
        for t in inputs:
            if not t.requires_grad:
                raise TensorError("One of the differentiated Tensors does not require grad")
            targets[t._edge()] = t
    captured = run(_seeds(tensors, grads, create_graph), retain_graph, create_graph, targets,
                   accumulate=True)
    for node, t in (targets or {}).items():
        if not isinstance(node, AccumulateGrad) and node in captured:
            _accumulate(t, captured[node], create_graph)


def autograd_grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
                  allow_unused=False):
    """torch.autograd.grad: the gradients of `outputs` with respect to `inputs`, as a tuple.

    Nothing is accumulated into `.grad`.  With create_graph=True the results are Tensors
    that can be differentiated again.
    """
    outputs, inputs = _as_list(outputs), _as_list(inputs)
    grads = _as_list(grad_outputs) if grad_outputs is not None else [None] * len(outputs)
    if retain_graph is None:
        retain_graph = create_graph
    targets = {}
    for t in inputs:
        if not isinstance(t, T.Tensor) or not t.requires_grad:
            raise TensorError("One of the differentiated Tensors does not require grad")
        targets[t._edge()] = t
    captured = run(_seeds(outputs, grads, create_graph), retain_graph, create_graph, targets,
                   accumulate=False)
    result = []
    for t in inputs:
        g = captured.get(t._edge())
        if g is None and not allow_unused:
            raise TensorError("One of the differentiated Tensors appears to not have been used in "
                              "the graph. Set allow_unused=True if this is the desired behavior.")
        result.append(None if g is None else (g if isinstance(g, T.Tensor) else T.Tensor._wrap(g)))
    return tuple(result)


def _graph(roots):
    """Dependency counts of every node reachable from `roots`, and the set of those nodes."""
    deps = {}
    first = set(roots)
    stack = list(first)
    while stack:
        for nxt in stack.pop().next:
            if nxt is None:
                continue
            if nxt in deps:
                deps[nxt] += 1
            else:
                deps[nxt] = 1
                if nxt not in first:      # a root reached from another root is walked once
                    stack.append(nxt)
    return deps, first.union(deps)


def _needed(nodes, targets):
    """Nodes on some path to a target (every node when there are no targets)."""
    if targets is None:
        return nodes
    need = {}

    def visit(root):
        # iterative post-order: a node is needed if it is a target or feeds a needed node
        stack = [(root, False)]
        while stack:
            node, done = stack.pop()
            if node in need:
                continue
            if done:
                need[node] = node in targets or any(need.get(n, False) for n in node.next
                                                    if n is not None)
                continue
            stack.append((node, True))
            stack.extend((n, False) for n in node.next if n is not None and n not in need)
    for n in nodes:
        visit(n)
    return {n for n, flag in need.items() if flag}


def run(seeds, retain_graph, create_graph, targets, accumulate):
    """The sweep.  Returns {target node: gradient} for the nodes in `targets`."""
    if targets is None and accumulate and len(seeds) == 1 and _one_node(seeds[0][0]):
        # a compiled function's graph: no order to work out, nothing to sum
        node, grad = seeds[0]
        with grad_mode.set_grad_enabled(create_graph):
            grads = node.apply(grad, create_graph)
            if not retain_graph:
                node.release()
            for leaf_node, g in zip(node.next, grads):
                if leaf_node is not None and g is not None:
                    _accumulate(leaf_node.leaf, g, create_graph)
        return {}
    roots = [n for n, _ in seeds]
    deps, nodes = _graph(roots)
    # None: every node is needed (a plain backward), and the membership tests below are skipped
    needed = None if targets is None else _needed(nodes, targets)
    buffers = {}
    for node, g in seeds:
        buffers[node] = g if node not in buffers else buffers[node] + g
    ready = [n for n in dict.fromkeys(roots) if deps.get(n, 0) == 0]
    captured = {}
    with grad_mode.set_grad_enabled(create_graph):
        while ready:
            node = ready.pop()
            grad = buffers.pop(node, None)
            grads = ()
            if grad is not None and (needed is None or node in needed):
                leaf = node.leaf if type(node) is AccumulateGrad else None
                hooks = node.pre_hooks if leaf is None else leaf._hooks
                if hooks or node.retained is not None:
                    grad = _pre_hooks(node, grad, create_graph)
                if targets is not None and node in targets:
                    captured[node] = grad
                if leaf is not None:
                    if accumulate and (targets is None or node in targets):
                        _accumulate(leaf, grad, create_graph)
                elif needed is None or any(n in needed for n in node.next if n):
                    grads = node.apply(grad, create_graph)
                    if not retain_graph:
                        node.release()
            nexts = node.next
            if len(grads) < len(nexts):
                grads = list(grads) + [None] * (len(nexts) - len(grads))
            for nxt, g in zip(nexts, grads):
                if nxt is None:
                    continue
                if g is not None and (needed is None or nxt in needed):
                    old = buffers.get(nxt)
                    buffers[nxt] = g if old is None else old + g
                left = deps[nxt] - 1
                deps[nxt] = left
                if not left:
                    ready.append(nxt)
    return captured


def _one_node(node):
    """True for one recorded node whose edges all go to different leaves, with no hooks."""
    if type(node) is AccumulateGrad or node.pre_hooks or node.retained is not None:
        return False
    edges = [n for n in node.next if n is not None]
    for n in edges:
        if type(n) is not AccumulateGrad or n.leaf._hooks:
            return False
    return len(set(edges)) == len(edges)


def _pre_hooks(node, grad, create_graph):
    hooks = node.leaf._hooks if isinstance(node, AccumulateGrad) else node.pre_hooks
    for hook in list(hooks or ()):
        arg = grad if isinstance(grad, T.Tensor) else T.Tensor._wrap(grad)
        new = hook(arg)
        if new is not None:
            new = new if isinstance(new, T.Tensor) else T.Tensor._wrap(np.asarray(new))
            if new.shape != arg.shape:
                raise TensorError(f"hook {getattr(hook, '__name__', hook)} returned a gradient of "
                                  f"shape {new.shape}; expected {arg.shape}")
            grad = new if create_graph else new.data
    if node.retained is not None:
        t = node.retained()
        if t is not None:
            _accumulate(t, grad, create_graph)
    return grad


def _accumulate(t, grad, create_graph):
    """`t.grad += grad`, in place when nothing is recorded (PyTorch's rule)."""
    if create_graph:
        g = grad if isinstance(grad, T.Tensor) else T.Tensor._wrap(np.asarray(grad))
        t._grad = g if t._grad is None else t._grad + g
        return
    g = grad._data if isinstance(grad, T.Tensor) else grad
    old = t._grad
    if old is None:
        # a copy: the same array may be another leaf's gradient too, or a value the graph holds
        t._grad = T.Tensor._wrap(np.array(g, dtype=t._data.dtype))
    elif old._requires_grad:
        t._grad = T.Tensor._wrap(old._data + g)
    else:
        np.add(old._data, g, out=old._data)
        old._version[0] += 1
