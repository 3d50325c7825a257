# srcgrad 0.1.0: tangent (forward mode) of poly (golden_functions.py:8)
# with respect to x
# Generated code: regenerated whenever the source changes.


def poly_jvp(x, *, x_dot=0):
    # return 3.0 * x * x + 2.0 * x + 1.0   (golden_functions.py:9)
    _t4 = 3.0 * x
    t4_dot = 3.0 * x_dot
    _t3 = _t4 * x
    t3_dot = t4_dot * x + _t4 * x_dot
    _t5 = 2.0 * x
    t5_dot = 2.0 * x_dot
    _t2 = _t3 + _t5
    t2_dot = t3_dot + t5_dot
    _t1 = _t2 + 1.0
    t1_dot = t2_dot
    return _t1, t1_dot
