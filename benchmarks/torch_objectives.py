"""The objectives again in PyTorch, for the eager-mode column.

The same computations, written as a PyTorch user would (torch.logsumexp,
torch.linalg.cross, in-place list updates are fine here).

Arguments arrive as float64 tensors (integer arrays as int64 tensors, Python
numbers unchanged), in the same order as the NumPy versions.
"""

import torch

from .objectives.gmm import log_normalizer


def scalar_loop(x, steps=1000):
    y = x
    for i in range(steps):
        y = torch.sin(y) * 0.9 + torch.cos(x * y) * 0.1 + torch.tanh(y * 0.5) * 0.05
    return y * y


def mlp_loss(W1, b1, W2, b2, x, y):
    h = torch.tanh(x @ W1 + b1)
    err = h @ W2 + b2 - y
    return torch.mean(err * err)


def rnn_loss(Wx, Wh, b, Wy, xs, target):
    h = torch.zeros(Wh.shape[0], dtype=Wh.dtype)
    for t in range(xs.shape[0]):
        h = torch.tanh(xs[t] @ Wx + h @ Wh + b)
    err = h @ Wy - target
    return torch.sum(err * err)


def gmm_looped(alphas, means, icf, x, gamma, m, tril):
    n, d = x.shape
    k = alphas.shape[0]
    Qs, sum_qs = [], []
    prior = 0.0
    for j in range(k):
        q, l = icf[j, :d], icf[j, d:]
        L = torch.cat([torch.zeros(1, dtype=icf.dtype), l])[tril].reshape(d, d)
        diag = torch.exp(q)
        Qs.append(torch.diag(diag) + L)
        sum_qs.append(torch.sum(q))
        prior = prior + 0.5 * gamma * gamma * (torch.sum(diag * diag) + torch.sum(l * l)) - m * torch.sum(q)
    total = 0.0
    for i in range(n):
        terms = []
        for j in range(k):
            z = Qs[j] @ (x[i] - means[j])
            terms.append(alphas[j] + sum_qs[j] - 0.5 * (z @ z))
        total = total + torch.logsumexp(torch.stack(terms), 0)
    return log_normalizer(n, d, k, gamma, m) + total - n * torch.logsumexp(alphas, 0) + prior


def gmm_vectorized(alphas, means, icf, x, gamma, m, tril):
    n, d = x.shape
    k = alphas.shape[0]
    qs, ls = icf[:, :d], icf[:, d:]
    diags = torch.exp(qs)
    sum_qs = torch.sum(qs, 1)
    Ls = torch.cat([torch.zeros((k, 1), dtype=icf.dtype), ls], 1)[:, tril].reshape(k, d, d)
    xc = x[:, None, :] - means[None, :, :]
    Qx = diags * xc + torch.einsum("kij,nkj->nki", Ls, xc)
    main = alphas + sum_qs - 0.5 * torch.sum(Qx * Qx, 2)
    prior = torch.sum(0.5 * gamma * gamma * (torch.sum(diags * diags, 1) + torch.sum(ls * ls, 1))
                      - m * sum_qs)
    return (log_normalizer(n, d, k, gamma, m) + torch.sum(torch.logsumexp(main, 1))
            - n * torch.logsumexp(alphas, 0) + prior)


def _lstm_cell(weight, bias, hidden, cell, inp):
    b = hidden.shape[0]
    forget = torch.sigmoid(inp * weight[:b] + bias[:b])
    ingate = torch.sigmoid(hidden * weight[b:2 * b] + bias[b:2 * b])
    outgate = torch.sigmoid(inp * weight[2 * b:3 * b] + bias[2 * b:3 * b])
    change = torch.tanh(hidden * weight[3 * b:] + bias[3 * b:])
    new_cell = cell * forget + ingate * change
    return outgate * torch.tanh(new_cell), new_cell


def lstm_objective(main_params, extra_params, state, sequence):
    layers = state.shape[0] // 2
    hidden = [state[2 * j] for j in range(layers)]
    cell = [state[2 * j + 1] for j in range(layers)]
    total = 0.0
    for t in range(sequence.shape[0] - 1):
        inp = sequence[t] * extra_params[0]
        for j in range(layers):
            hidden[j], cell[j] = _lstm_cell(main_params[2 * j], main_params[2 * j + 1],
                                            hidden[j], cell[j], inp)
            inp = hidden[j]
        ypred = inp * extra_params[1] + extra_params[2]
        total = total + torch.sum(sequence[t + 1] * (ypred - torch.logsumexp(ypred, 0)))
    return -total / ((sequence.shape[0] - 1) * sequence.shape[1])


def ba_objective(cams, points, weights, features, cam_index, point_index):
    c = cams[cam_index]
    rot = c[:, 0:3]
    X = points[point_index] - c[:, 3:6]
    theta = torch.sqrt(torch.sum(rot * rot, 1, keepdim=True))
    cos_t, sin_t = torch.cos(theta), torch.sin(theta)
    w = rot / theta
    along = torch.sum(w * X, 1, keepdim=True) * (1.0 - cos_t)
    Xcam = X * cos_t + torch.linalg.cross(w, X, dim=1) * sin_t + w * along
    proj = Xcam[:, 0:2] / Xcam[:, 2:3]
    rsq = torch.sum(proj * proj, 1, keepdim=True)
    distortion = 1.0 + c[:, 9:10] * rsq + c[:, 10:11] * rsq * rsq
    predicted = proj * distortion * c[:, 6:7] + c[:, 7:9]
    reproj = weights[:, None] * (predicted - features)
    werr = 1.0 - weights * weights
    return torch.sum(reproj * reproj) + torch.sum(werr * werr)


BY_NAME = {f.__name__: f for f in (scalar_loop, mlp_loss, rnn_loss, gmm_looped, gmm_vectorized,
                                   lstm_objective, ba_objective)}
