# srcgrad 0.1.0: gradient of poly (golden_functions.py:8)
# with respect to x
# Generated code: regenerated whenever the source changes.


def poly_forward(x):
    # return 3.0 * x * x + 2.0 * x + 1.0   (golden_functions.py:9)
    _t4 = 3.0 * x
    _t3 = _t4 * x
    _t1 = _t3 + 2.0 * x + 1.0
    return _t1, (x, _t4)


def poly_backward(tape, d_t1):
    x, _t4 = tape
    # grad of: return 3.0 * x * x + 2.0 * x + 1.0   (golden_functions.py:9)
    d_x = d_t1 * 2.0
    d_t4 = d_t1 * x
    d_x = d_x + d_t1 * _t4
    d_x = d_x + d_t4 * 3.0
    return d_x
