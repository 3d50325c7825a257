# srcgrad 0.1.0: gradient of caller (golden_functions.py:27)
# with respect to x, y
# Generated code: regenerated whenever the source changes.


def caller_forward(x, y):
    # return helper(x, y) * 2.0   (golden_functions.py:28)
    _t2, tape_1 = helper_forward(x, y)
    _t1 = _t2 * 2.0
    return _t1, (tape_1,)


def caller_backward(tape, d_t1):
    tape_1, = tape
    # grad of: return helper(x, y) * 2.0   (golden_functions.py:28)
    d_t2 = d_t1 * 2.0
    g_a, g_b = helper_backward(tape_1, d_t2)
    d_x = g_a
    d_y = g_b
    return d_x, d_y


def helper_forward(a, b=3.0):
    # return a * b + np.exp(a)   (golden_functions.py:32)
    _t2 = a * b
    _t3 = np.exp(a)
    _t1 = _t2 + _t3
    return _t1, (a, b, _t3)


def helper_backward(tape, d_t1):
    a, b, _t3 = tape
    # grad of: return a * b + np.exp(a)   (golden_functions.py:32)
    d_a = d_t1 * _t3
    d_a = d_a + d_t1 * b
    d_b = d_t1 * a
    return d_a, d_b
