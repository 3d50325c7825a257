"""Gaussian mixture log-likelihood with a Wishart prior (the ADBench GMM objective).

    f = -n D/2 log 2pi + sum_i logsumexp_k(alpha_k + sum(q_k) - |Q_k (x_i - mu_k)|^2 / 2)
        - n logsumexp(alpha) + sum_k (gamma^2/2 (|exp(q_k)|^2 + |l_k|^2) - m sum(q_k)) - K C

with Q_k = diag(exp(q_k)) + L_k, L_k strictly lower triangular filled column by
column from l_k = icf[k, D:].  `tril` (from `tril_index`) gathers that fill
from a zero-padded copy of l_k, so both versions build Q_k without writing
into arrays.  Two spellings of the same function: `gmm_looped` goes point by
point and component by component in Python, `gmm_vectorized` is whole-array.
"""

import math

import numpy as np


def tril_index(d):
    """Gather index: flat position r*d+c of L takes entry tril[r*d+c] of [0, l_1, l_2, ...]."""
    index = np.zeros(d * d, dtype=np.intp)
    j = 1
    for c in range(d):
        for r in range(c + 1, d):
            index[r * d + c] = j
            j += 1
    return index


def log_normalizer(n, d, k, gamma, m):
    """The constant part of f: -n D/2 log 2pi - K C (no dependence on the parameters)."""
    N = d + m + 1
    log_gamma_d = 0.25 * d * (d - 1) * math.log(math.pi)
    for j in range(d):
        log_gamma_d = log_gamma_d + math.lgamma(0.5 * N - 0.5 * j)
    C = N * d * (math.log(gamma) - 0.5 * math.log(2.0)) - log_gamma_d
    return -0.5 * n * d * math.log(2.0 * math.pi) - k * C


def gmm_looped(alphas, means, icf, x, gamma, m, tril):
    n, d = x.shape
    k = alphas.shape[0]
    Qs = []
    sum_qs = []
    prior = 0.0
    for j in range(k):
        q = icf[j, :d]
        l = icf[j, d:]
        L = np.concatenate([np.zeros(1), l])[tril].reshape(d, d)
        diag = np.exp(q)
        Qs.append(np.diag(diag) + L)
        sum_qs.append(np.sum(q))
        prior = prior + 0.5 * gamma * gamma * (np.sum(diag * diag) + np.sum(l * l)) - m * np.sum(q)
    total = 0.0
    for i in range(n):
        terms = []
        for j in range(k):
            z = Qs[j] @ (x[i] - means[j])
            terms.append(alphas[j] + sum_qs[j] - 0.5 * (z @ z))
        row = np.array(terms)
        top = np.max(row)
        total = total + np.log(np.sum(np.exp(row - top))) + top
    top = np.max(alphas)
    lse_alphas = np.log(np.sum(np.exp(alphas - top))) + top
    return log_normalizer(n, d, k, gamma, m) + total - n * lse_alphas + prior


def gmm_vectorized(alphas, means, icf, x, gamma, m, tril):
    n, d = x.shape
    k = alphas.shape[0]
    qs = icf[:, :d]
    ls = icf[:, d:]
    diags = np.exp(qs)
    sum_qs = np.sum(qs, axis=1)
    Ls = np.concatenate([np.zeros((k, 1)), ls], axis=1)[:, tril].reshape(k, d, d)
    xc = x[:, None, :] - means[None, :, :]
    Qx = diags * xc + np.einsum("kij,nkj->nki", Ls, xc)
    main = alphas + sum_qs - 0.5 * np.sum(Qx * Qx, axis=2)
    top = np.max(main, axis=1, keepdims=True)
    lse = np.log(np.sum(np.exp(main - top), axis=1)) + top[:, 0]
    top_a = np.max(alphas)
    lse_alphas = np.log(np.sum(np.exp(alphas - top_a))) + top_a
    prior = np.sum(0.5 * gamma * gamma * (np.sum(diags * diags, axis=1) + np.sum(ls * ls, axis=1))
                   - m * sum_qs)
    return log_normalizer(n, d, k, gamma, m) + np.sum(lse) - n * lse_alphas + prior


def gmm_vectorized_grad(alphas, means, icf, x, gamma, m, tril):
    """d f / d (alphas, means, icf) written by hand, for comparison."""
    n, d = x.shape
    k = alphas.shape[0]
    qs = icf[:, :d]
    ls = icf[:, d:]
    diags = np.exp(qs)
    Ls = np.concatenate([np.zeros((k, 1)), ls], axis=1)[:, tril].reshape(k, d, d)
    xc = x[:, None, :] - means[None, :, :]
    Qx = diags * xc + np.einsum("kij,nkj->nki", Ls, xc)
    main = alphas + np.sum(qs, axis=1) - 0.5 * np.sum(Qx * Qx, axis=2)
    P = np.exp(main - np.max(main, axis=1, keepdims=True))
    P /= np.sum(P, axis=1, keepdims=True)
    pa = np.exp(alphas - np.max(alphas))
    pa /= np.sum(pa)
    Pk = np.sum(P, axis=0)
    G = -P[:, :, None] * Qx                       # d f / d Qx
    g2 = gamma * gamma
    d_alphas = Pk - n * pa
    d_q = Pk[:, None] + diags * np.einsum("nki,nki->ki", G, xc) + g2 * diags * diags - m
    d_L = np.einsum("nki,nkj->kij", G, xc).reshape(k, d * d)
    lower = np.argsort(tril, kind="stable")[d * d - ls.shape[1]:]
    d_l = d_L[:, lower] + g2 * ls
    d_xc = diags * G + np.einsum("kij,nki->nkj", Ls, G)
    d_means = -np.sum(d_xc, axis=0)
    return d_alphas, d_means, np.concatenate([d_q, d_l], axis=1)
