"""A hundred-line model, for timing the transformation of a long function.

One function, written the way a person writes a small model in one go: an
input layer, two attention heads, layer normalisation, a feed-forward block
with a tanh GELU, a short recurrent read-out, and a loss with label smoothing
and penalties.  Nothing calls out to other user functions, so the transform
column times one function's pipeline and not its helpers.
"""

import numpy as np


def long_model(W_in, b_in, W_q, W_k, W_v, W_o, gain, shift, W_ff1, W_ff2, W_rec, W_out, x, y):
    n, d_in = x.shape
    width = W_in.shape[1]
    heads = 2
    head = width // heads
    classes = W_out.shape[1]

    # input layer
    h = x @ W_in + b_in
    h = np.where(h > 0, h, 0.01 * h)

    # attention: each head looks at every row
    mixed = []
    for k in range(heads):
        lo = k * head
        hi = lo + head
        q = h @ W_q[:, lo:hi]
        key = h @ W_k[:, lo:hi]
        v = h @ W_v[:, lo:hi]
        scores = q @ key.T / np.sqrt(head)
        scores = scores - np.max(scores, axis=1, keepdims=True)
        weights = np.exp(scores)
        weights = weights / np.sum(weights, axis=1, keepdims=True)
        mixed.append(weights @ v)
    attended = np.concatenate(mixed, axis=1) @ W_o
    h = h + attended

    # layer normalisation
    mean = np.mean(h, axis=1, keepdims=True)
    centred = h - mean
    var = np.mean(centred * centred, axis=1, keepdims=True)
    h = centred / np.sqrt(var + 1e-5) * gain + shift

    # feed-forward block with the tanh approximation of GELU
    u = h @ W_ff1
    inner = 0.7978845608 * (u + 0.044715 * u * u * u)
    u = 0.5 * u * (1.0 + np.tanh(inner))
    h = h + u @ W_ff2

    # a second normalisation, then a gate that decides how much of each feature passes
    mean = np.mean(h, axis=1, keepdims=True)
    centred = h - mean
    var = np.mean(centred * centred, axis=1, keepdims=True)
    h = centred / np.sqrt(var + 1e-5)
    gate = 1.0 / (1.0 + np.exp(-h))
    h = gate * h + (1.0 - gate) * np.tanh(h)

    # a short recurrence over the rows, summarising the sequence
    state = np.zeros(width)
    states = []
    for t in range(n):
        pre = h[t] + state @ W_rec
        state = np.tanh(pre)
        states.append(state)
    summary = np.stack(states)

    # read-out with a temperature, and softmax cross-entropy with label smoothing
    temperature = 1.0 + 0.1 * np.mean(np.abs(summary))
    logits = summary @ W_out / temperature
    top = np.max(logits, axis=1, keepdims=True)
    shifted = logits - top
    log_norm = np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    log_probs = shifted - log_norm
    smooth = 0.1
    target = y * (1.0 - smooth) + smooth / classes
    data_loss = -np.sum(target * log_probs) / n

    # a confidence penalty on the predicted distribution
    probs = np.exp(log_probs)
    entropy = -np.sum(probs * log_probs) / n
    if entropy < 0.5:
        data_loss = data_loss + 0.1 * (0.5 - entropy)

    # penalties: weight decay on the matrices, a smoothness term on the states
    decay = 0.0
    for W in (W_in, W_q, W_k, W_v, W_o, W_ff1, W_ff2, W_rec, W_out):
        decay = decay + np.sum(W * W)
    rough = 0.0
    for t in range(1, n):
        step = summary[t] - summary[t - 1]
        rough = rough + np.dot(step, step)
    scale = np.abs(gain) + 1e-3
    spread = np.sum(np.log(scale)) - np.sum(shift ** 2)

    # a running average of the per-row losses, weighted towards the end
    per_row = -np.sum(target * log_probs, axis=1)
    average = per_row[0]
    worst = per_row[0]
    for t in range(1, n):
        rate = 1.0 / (t + 1)
        average = average + rate * (per_row[t] - average)
        if per_row[t] > worst:
            worst = per_row[t]

    # clip the total, as training code often does
    total = data_loss + 1e-4 * decay + 1e-3 * rough - 1e-4 * spread
    total = total + 0.01 * average + 0.001 * worst
    if total > 1e6:
        total = 1e6 + np.log1p(total - 1e6)
    return total
