def poly_jvp_forward(x, *, x_dot=0):
    # _t4 = 3.0 * x   (poly.py:8)
    _t4 = 3.0 * x
    # t4_dot = 3.0 * x_dot   (poly.py:9)
    t4_dot = 3.0 * x_dot
    # _t3 = _t4 * x   (poly.py:10)
    _t3 = _t4 * x
    # t3_dot = t4_dot * x + _t4 * x_dot   (poly.py:11)
    _t6 = t4_dot * x
    t3_dot = _t6 + _t4 * x_dot
    # _t5 = 2.0 * x   (poly.py:12)
    _t5 = 2.0 * x
    # t5_dot = 2.0 * x_dot   (poly.py:13)
    t5_dot = 2.0 * x_dot
    # _t2 = _t3 + _t5   (poly.py:14)
    _t2 = _t3 + _t5
    # t2_dot = t3_dot + t5_dot   (poly.py:15)
    t2_dot = t3_dot + t5_dot
    # _t1 = _t2 + 1.0   (poly.py:16)
    _t1 = _t2 + 1.0
    # t1_dot = t2_dot   (poly.py:17)
    t1_dot = t2_dot
    return t1_dot, (x_dot, t4_dot)


def poly_jvp_backward(tape, d_t1_dot):
    x_dot, t4_dot = tape
    # grad of: t3_dot = t4_dot * x + _t4 * x_dot   (poly.py:11)
    d_t4 = d_t1_dot * x_dot
    d_x = d_t1_dot * t4_dot
    # grad of: _t4 = 3.0 * x   (poly.py:8)
    d_x = d_x + d_t4 * 3.0
    return d_x
