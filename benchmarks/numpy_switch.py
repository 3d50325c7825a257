"""Run an objective's own code against another NumPy namespace (autograd.numpy, jax.numpy).

The objectives are written once, in plain NumPy, as module-level functions
that say `np.`.  `with_numpy(fn, module)` returns `fn` with the same code
object but globals in which `np` is `module`; the other functions of the
module (helpers it calls) are rebound the same way, so helpers switch too.
The code measured for every tool is therefore the code srcgrad reads.
"""

import types

_namespaces = {}


def with_numpy(fn, np_module):
    home = fn.__globals__
    key = (id(home), np_module.__name__)
    ns = _namespaces.get(key)
    if ns is None:
        ns = dict(home)
        ns["np"] = np_module
        for name, obj in home.items():
            if isinstance(obj, types.FunctionType) and obj.__globals__ is home:
                twin = types.FunctionType(obj.__code__, ns, obj.__name__, obj.__defaults__,
                                          obj.__closure__)
                twin.__kwdefaults__ = obj.__kwdefaults__
                ns[name] = twin
        _namespaces[key] = ns
    return ns[fn.__name__]
