"""The ADBench LSTM: mean negative log-softmax prediction of the next character.

`main_params` is (2l, 4b): row 2j holds layer j's weights, row 2j+1 its biases,
each the four gates (forget, input, output, change) of b values.  The gates
scale their input elementwise (ADBench's model has no matrix products): forget
and output gates read the layer input, input and change gates the hidden
state.  `extra_params` is (3, b): input scale, output scale, output bias.
`state` is (2l, b): hidden and cell rows per layer.  `sequence` is (c, b).
"""

import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def lstm_cell(weight, bias, hidden, cell, inp):
    b = hidden.shape[0]
    forget = sigmoid(inp * weight[:b] + bias[:b])
    ingate = sigmoid(hidden * weight[b:2 * b] + bias[b:2 * b])
    outgate = sigmoid(inp * weight[2 * b:3 * b] + bias[2 * b:3 * b])
    change = np.tanh(hidden * weight[3 * b:] + bias[3 * b:])
    new_cell = cell * forget + ingate * change
    return outgate * np.tanh(new_cell), new_cell


def lstm_predict(main_params, extra_params, hidden, cell, x):
    inp = x * extra_params[0]
    new_hidden = []
    new_cell = []
    for j in range(len(hidden)):
        h, c = lstm_cell(main_params[2 * j], main_params[2 * j + 1], hidden[j], cell[j], inp)
        new_hidden.append(h)
        new_cell.append(c)
        inp = h
    return inp * extra_params[1] + extra_params[2], new_hidden, new_cell


def lstm_objective(main_params, extra_params, state, sequence):
    layers = state.shape[0] // 2
    hidden = [state[2 * j] for j in range(layers)]
    cell = [state[2 * j + 1] for j in range(layers)]
    total = 0.0
    for t in range(sequence.shape[0] - 1):
        ypred, hidden, cell = lstm_predict(main_params, extra_params, hidden, cell, sequence[t])
        top = np.max(ypred)
        lse = np.log(np.sum(np.exp(ypred - top))) + top
        total = total + np.sum(sequence[t + 1] * (ypred - lse))
    return -total / ((sequence.shape[0] - 1) * sequence.shape[1])


def lstm_objective_grad(main_params, extra_params, state, sequence):
    """The gradient written by hand (same forward operations, then the reverse sweep):
    the figure a compiler should approach."""
    layers = state.shape[0] // 2
    b = state.shape[1]
    hidden = [state[2 * j] for j in range(layers)]
    cell = [state[2 * j + 1] for j in range(layers)]
    steps = []
    for t in range(sequence.shape[0] - 1):
        inp = sequence[t] * extra_params[0]
        cells = []
        for j in range(layers):
            weight, bias, h, c = main_params[2 * j], main_params[2 * j + 1], hidden[j], cell[j]
            forget = sigmoid(inp * weight[:b] + bias[:b])
            ingate = sigmoid(h * weight[b:2 * b] + bias[b:2 * b])
            outgate = sigmoid(inp * weight[2 * b:3 * b] + bias[2 * b:3 * b])
            change = np.tanh(h * weight[3 * b:] + bias[3 * b:])
            cell[j] = c * forget + ingate * change
            squashed = np.tanh(cell[j])
            cells.append((inp, h, c, forget, ingate, outgate, change, squashed))
            hidden[j] = inp = outgate * squashed
        ypred = inp * extra_params[1] + extra_params[2]
        top = np.max(ypred)
        e = np.exp(ypred - top)
        steps.append((cells, inp, e / np.sum(e)))
    d_main = np.zeros_like(main_params)
    d_extra = np.zeros_like(extra_params)
    d_hidden = [0.0] * layers
    d_cell = [0.0] * layers
    scale = -1.0 / ((sequence.shape[0] - 1) * sequence.shape[1])
    for t in reversed(range(len(steps))):
        cells, last, softmax = steps[t]
        target = sequence[t + 1]
        d_ypred = scale * (target - np.sum(target) * softmax)
        d_extra[1] += d_ypred * last
        d_extra[2] += d_ypred
        d_inp = d_ypred * extra_params[1]
        for j in reversed(range(layers)):
            inp, h, c, forget, ingate, outgate, change, squashed = cells[j]
            weight = main_params[2 * j]
            d_h = d_inp + d_hidden[j]
            d_c = d_h * outgate * (1.0 - squashed * squashed) + d_cell[j]
            d_forget = d_c * c * forget * (1.0 - forget)
            d_ingate = d_c * change * ingate * (1.0 - ingate)
            d_outgate = d_h * squashed * outgate * (1.0 - outgate)
            d_change = d_c * ingate * (1.0 - change * change)
            d_cell[j] = d_c * forget
            d_main[2 * j + 1] += np.concatenate((d_forget, d_ingate, d_outgate, d_change))
            d_main[2 * j] += np.concatenate((d_forget * inp, d_ingate * h,
                                             d_outgate * inp, d_change * h))
            d_hidden[j] = d_ingate * weight[b:2 * b] + d_change * weight[3 * b:]
            d_inp = d_forget * weight[:b] + d_outgate * weight[2 * b:3 * b]
        d_extra[0] += d_inp * sequence[t]
    return d_main, d_extra
