# srcgrad 0.1.0: gradient of loop_branch (golden_functions.py:12)
# with respect to x
# Generated code: regenerated whenever the source changes.


def loop_branch_forward(x, n):
    _t1 = None
    _t5 = None
    stack = []
    push = stack.append
    # s = 0.0   (golden_functions.py:13)
    s = 0.0
    # for i in range(n):   (golden_functions.py:14)
    for i in range(n):
        push(_t1)
        # if s > 1.0:   (golden_functions.py:15)
        _t1 = s > 1.0
        if _t1:
            # s = s - x   (golden_functions.py:16)
            s = s - x
        else:
            push(_t5)
            # s = s + math.sin(x) * s + x   (golden_functions.py:18)
            _t5 = math.sin(x)
            _t3 = s + _t5 * s
            push(s)
            s = _t3 + x
    return s, (x, n, _t1, _t5, stack)


def loop_branch_backward(tape, d_s):
    d_x = 0
    x, n, _t1, _t5, stack = tape
    pop = list(stack).pop
    # grad of: for i in range(n):   (golden_functions.py:14)
    for i in reversed(range(n)):
        # grad of: if s > 1.0:   (golden_functions.py:15)
        if _t1:
            # grad of: s = s - x   (golden_functions.py:16)
            d_x = d_x - d_s
        else:
            # grad of: s = s + math.sin(x) * s + x   (golden_functions.py:18)
            d_x = d_x + d_s
            s = pop()
            d_t5 = d_s * s
            d_s = d_s + d_s * _t5
            d_x = d_x + d_t5 * math.cos(x)
            _t5 = pop()
        _t1 = pop()
    return d_x
