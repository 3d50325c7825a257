"""Functions srcgrad must refuse, each with the construct named in `REJECTS`.

Line numbers matter: tests find each construct's line by searching this file.
"""

import numpy as np

counter = 0


def uses_try(x):
    try:
        return x * 2.0
    except ValueError:
        return x


def uses_with(x):
    with open("/dev/null"):
        y = x * 2.0
    return y


def uses_yield(x):
    yield x * 2.0


def uses_global(x):
    global counter
    counter = 1
    return x


def uses_nonlocal(x):
    y = x

    def inner():
        nonlocal y
        y = 2.0
    inner()
    return y


def uses_del(x):
    y = x * 2.0
    del y
    return x


def uses_class(x):
    class Box:
        pass
    return x


def uses_set_comp(x):
    return sum({v for v in [x, x]})


def uses_dict_comp(x):
    d = {k: x for k in range(2)}
    return d[0]


def uses_lambda(x):
    f = lambda v: v * 2.0  # noqa: E731
    return f(x)


def uses_walrus(x):
    if (y := x * 2.0) > 0:
        return y
    return x


def uses_import(x):
    import math
    return math.sin(x)


def uses_match(x):
    match x:
        case 0.0:
            return x
    return x * 2.0


def uses_star_args(*xs):
    return xs[0]


def uses_loop_else(x):
    for i in range(3):
        x = x * 2.0
    else:
        x = x + 1.0
    return x


def calls_untemplated(x):
    y = np.i0(x)
    return y


def returns_array(x):
    return x * 2.0


def uses_integer(x, n):
    return x * n
