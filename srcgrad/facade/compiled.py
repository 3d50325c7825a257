"""A `@srcgrad.function` called on Tensors: one graph node, the compiled backward.

`call(function, args, kwargs)` is registered with `srcgrad.api` as the handler
for Tensor arguments.  It runs the compiled forward-with-tape on the arrays and
returns a Tensor whose grad_fn is one CompiledNode; that node's backward is
`compiled.backward(tape, grad)`, the very function `srcgrad.grad` runs, so the
two give identical numbers.  Tensor arguments that require grad are the `wrt`
set; everything else is a constant.  Releasing the node drops the tape.

create_graph=True through a compiled node recomputes the call op by op: the
original Python function runs on the input Tensors with recording on, and the
engine differentiates that subgraph with create_graph=True.  (The tape holds
plain arrays, so the compiled backward cannot see how its values depend on the
inputs.)  Code that leaves the Tensor world there (`math.exp(t)`, `float(t)`)
raises instead of giving a wrong second derivative.
"""

import inspect

import numpy as np

from .. import runtime
from . import engine, grad_mode
from . import tensor as T
from .errors import TensorError
from .graph import Node, check_saved, meta, save
from .ops import fit, kind, unwrap


def call(function, args, kwargs):
    """The Tensor call handler for srcgrad.Function."""
    params, plain = _params(function.fn)
    positional = plain and not kwargs and len(args) == len(params)
    if positional:          # the common case: no binding, no defaults to fill in
        names, values = params, args
    else:
        bound = dict(zip(params, args))
        bound.update(kwargs)
        names, values = list(bound), list(bound.values())
    wrt, wrt_tensors = [], []
    for name, v in zip(names, values):
        if isinstance(v, T.Tensor):
            if v._requires_grad:
                wrt.append(name)
                wrt_tensors.append(v)
        elif type(v) in (list, tuple, dict) and _nested_grad(v):
            raise TensorError(f"{function.fn.__qualname__}: argument `{name}` holds Tensors that "
                              "require grad inside a container; pass them as separate arguments")
    raw_args = [_raw(a) for a in args]
    raw_kwargs = {k: _raw(v) for k, v in kwargs.items()} if kwargs else {}
    if not wrt or not grad_mode.is_grad_enabled():
        return _wrap_out(function.fn(*raw_args, **raw_kwargs))
    gradient = function.grad(tuple(wrt) if len(wrt) > 1 else wrt[0])
    if positional:
        raw_values = dict(zip(params, raw_args))
        compiled = gradient.for_call({p: kind(v) for p, v in raw_values.items()}, raw_values)
    else:
        compiled, raw_values = gradient.split(*raw_args, **raw_kwargs)
    out, tape = compiled.forward(*raw_args, **raw_kwargs)
    if type(out) is np.ndarray:
        data = out
    elif isinstance(out, (np.generic, float, int, complex)):
        data = np.asarray(out)
    else:
        raise TensorError(f"{function.fn.__qualname__} returned a {type(out).__name__}; a "
                          "compiled function called on Tensors must return one array or number")
    if data.dtype.kind not in "fc":
        return T.Tensor._wrap(data)
    node = CompiledNode(function, compiled, tape, wrt_tensors, [raw_values[w] for w in wrt], args,
                        kwargs, out)
    return T.Tensor._from_node(data, node)


def _raw(v):
    # a 0-d Tensor goes in as a NumPy scalar: immutable like the float it stands for
    if isinstance(v, T.Tensor):
        data = v._data
        return data[()] if data.ndim == 0 else data
    return unwrap(v)


_PLAIN = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _params(fn, _cache={}):
    """(parameter names, whether they are all plain positional ones), cached per function."""
    found = _cache.get(fn)
    if found is None:
        parameters = inspect.signature(fn).parameters.values()
        found = _cache[fn] = ([p.name for p in parameters],
                              all(p.kind in _PLAIN for p in parameters))
    return found


def _nested_grad(v):
    items = v.values() if isinstance(v, dict) else v
    return any(isinstance(i, T.Tensor) and i.requires_grad for i in items)


def _wrap_out(out):
    if isinstance(out, T.Tensor):
        return out
    if isinstance(out, tuple):
        return tuple(_wrap_out(o) for o in out)
    return T.Tensor._wrap(np.asarray(out)) if isinstance(out, (np.ndarray, np.generic, float, int,
                                                                 complex)) else out


class CompiledNode(Node):
    """One call of a compiled function: its backward is the generated backward."""

    __slots__ = ("function", "compiled", "tape", "wrt", "raw_wrt", "args", "kwargs", "saved", "out")

    def __init__(self, function, compiled, tape, wrt_tensors, raw_wrt, args, kwargs, out):
        super().__init__([t._edge() for t in wrt_tensors], [meta(r) for r in raw_wrt])
        self.function, self.compiled, self.tape = function, compiled, tape
        self.raw_wrt, self.args, self.kwargs, self.out = raw_wrt, args, kwargs, out
        self.wrt = wrt_tensors
        tensors = [a for a in args if isinstance(a, T.Tensor)]
        if kwargs:
            tensors += [v for v in kwargs.values() if isinstance(v, T.Tensor)]
        self.saved = save(tensors)

    def name(self):
        return f"CompiledBackward[{self.function.fn.__qualname__}]"

    def release(self):
        self.freed = True
        self.tape = self.args = self.kwargs = self.saved = self.raw_wrt = self.out = None
        self.wrt = None

    def apply(self, grad, create_graph):
        if self.freed:
            self.check_freed()
        check_saved(self.saved, self)
        if create_graph:
            return self._recompute(grad)
        raw = self.compiled.backward(self.tape, _seed(grad, self.out))
        raw = raw if len(self.next) > 1 else (raw,)
        # an array that owns its data, shaped and typed like its input, is what as_grad and
        # fit would return unchanged
        return runtime.distinct([g if type(g) is np.ndarray and g.dtype == dtype and g.shape == shape
                                 and g.base is None and g.flags.writeable
                                 else fit(runtime.as_grad(g, r), shape, dtype, self)
                                 for g, r, (shape, dtype) in zip(raw, self.raw_wrt, self.shapes)])

    def _recompute(self, grad):
        unique = list({id(t): t for t in self.wrt}.values())
        with grad_mode.recording_backward():
            out = self.function.fn(*self.args, **self.kwargs)
            if not isinstance(out, T.Tensor) or not out.requires_grad:
                raise TensorError(f"create_graph=True through {self.name()}: running "
                                  f"{self.function.fn.__qualname__} op by op on Tensors did not "
                                  "record a graph, so its second derivative cannot be formed")
            g = grad if isinstance(grad, T.Tensor) else T.Tensor._wrap(np.asarray(grad))
            grads = engine.autograd_grad([out], unique, [g], retain_graph=True,
                                         create_graph=True, allow_unused=True)
        by_id = dict(zip(map(id, unique), grads))
        # a Tensor passed twice has one edge per parameter: its total goes to the first
        return [by_id.pop(id(t), None) for t in self.wrt]


def _seed(grad, out):
    """The output cotangent in the type the compiled backward expects for `out`."""
    if type(out) is np.ndarray:
        return grad
    scalar = grad.ndim == 0 if type(grad) is np.ndarray else np.ndim(grad) == 0
    if isinstance(out, float):
        return float(np.real(grad)) if scalar else grad
    if isinstance(out, np.generic):
        return out.dtype.type(grad) if scalar else grad
    return grad
