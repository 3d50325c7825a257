"""Deterministic fresh names.

Generated names come from counters, never from randomness, so the same input
gives byte-identical source.  A Namer knows every name the user's code uses and
never hands one of them out: adjoints are `d_<name>`, temporaries `_t1`, `_t2`...,
and a clash gets a numeric suffix.
"""


class Namer:
    def __init__(self, reserved=()):
        self.taken = set(reserved)
        self._counters = {}
        self._adjoints = {}
        self.temps = set()

    def reserve(self, names):
        self.taken.update(names)

    def fresh(self, base):
        """`base` itself if free, else `base_1`, `base_2`, ..."""
        if base not in self.taken:
            self.taken.add(base)
            return base
        n = self._counters.get(base, 1)
        while f"{base}_{n}" in self.taken:
            n += 1
        self._counters[base] = n + 1
        name = f"{base}_{n}"
        self.taken.add(name)
        return name

    def numbered(self, base):
        """`base1`, `base2`, ... (for temporaries)."""
        n = self._counters.get(base + "#", 1)
        while f"{base}{n}" in self.taken:
            n += 1
        self._counters[base + "#"] = n + 1
        name = f"{base}{n}"
        self.taken.add(name)
        return name

    def temp(self):
        name = self.numbered("_t")
        self.temps.add(name)
        return name

    def adjoint(self, var):
        """The adjoint variable of `var` in reverse mode (`d_x`, the same name every time)."""
        name = self._adjoints.get(var)
        if name is None:
            name = self._adjoints[var] = self.fresh("d_" + var.lstrip("_"))
        return name

    def adjoints(self):
        return {k: v for k, v in self._adjoints.items() if not isinstance(k, tuple)}

    def tangent(self, var):
        """The tangent variable of `var` in forward mode (`x_dot`)."""
        key = ("tangent", var)
        name = self._adjoints.get(key)
        if name is None:
            name = self._adjoints[key] = self.fresh(var.lstrip("_") + "_dot")
        return name

    def tangent_params(self, params, user_names):
        """Fix the tangent names of `params` to what callers pass (see `tangent_param`)."""
        for p in params:
            name = tangent_param(p, user_names)
            self._adjoints[("tangent", p)] = name
            self.taken.add(name)

    def tangents(self):
        return {k[1]: v for k, v in self._adjoints.items() if isinstance(k, tuple)}


def tangent_param(param, user_names):
    """The keyword through which a forward-mode function takes the tangent of `param`.

    Callers compute it from the callee's own names, so it must not depend on
    anything else: `x_dot`, or `x_dot_`, `x_dot__`... if the user's code has that name.
    """
    name = param + "_dot"
    while name in user_names:
        name += "_"
    return name


def user_names(info):
    """Every name the user's function (and its closure) uses: generated names avoid them."""
    from . import astlib as A
    return set(A.names_in(info.tree)) | set(info.closure)
