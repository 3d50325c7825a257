# srcgrad 0.1.0: gradient of mlp (golden_functions.py:22)
# with respect to W, b
# Generated code: regenerated whenever the source changes.


def mlp_forward(W, b, x):
    # h = np.tanh(x @ W + b)   (golden_functions.py:23)
    _t2 = x @ W
    h = np.tanh(_t2 + b)
    # return np.sum(h * h)   (golden_functions.py:24)
    _t4 = h * h
    _t3 = np.sum(_t4)
    return _t3, (b, x, _t2, h, _t4)


def mlp_backward(tape, d_t3):
    b, x, _t2, h, _t4 = tape
    # grad of: return np.sum(h * h)   (golden_functions.py:24)
    d_t4 = broadcast_back(d_t3, _t4, None, False)
    d_h = d_t4 * 2 * h
    # grad of: h = np.tanh(x @ W + b)   (golden_functions.py:23)
    d_t1 = d_h * (1 - h * h)
    d_t2 = unbroadcast(d_t1, _t2)
    d_b = unbroadcast(d_t1, b)
    d_W = x.T @ d_t2
    return d_W, d_b
