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
