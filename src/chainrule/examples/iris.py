"""Seeds 000/001: a two-layer MLP on Iris with a hand-written cost and hand-written gradients.

``cost``, ``logistic``, ``softmax``, ``logsumexp`` and ``gradients`` are typed as the seed shows
them. Note the broadcasting in ``cost``: ``np.sum(U*Y, 1)`` has shape (N,) while ``logsumexp(U)``
has shape (N, 1), so their difference is an (N, N) matrix; its mean still equals the mean
negative log-likelihood (mean over i, j of a_i - b_j = mean(a) - mean(b)), so automatic
derivatives agree with the seed's ``gradients``.
"""

import numpy as np


def logistic(x):
    return 1 / (1 + np.exp(-x))


def cost(X,  # N x D
         Y,  # N x C
         W,  # M x C
         V,  # D x M
         ):
    Q = np.dot(X, V)  # N x M
    Z = logistic(Q)  # N x M
    U = np.dot(Z, W)  # N x C
    Yh = softmax(U)  # noqa: F841  (kept as in the seed)
    nll = - np.mean(np.sum(U*Y, 1) - logsumexp(U))
    return nll


def logsumexp(
    Z,  # NxM
):
    Zmax = np.max(Z, axis=1)[:, None]
    lse = Zmax + np.log(np.sum(np.exp(Z - Zmax), axis=1))[:, None]
    return lse  # N


def softmax(
    u,  # N x C
):
    u_exp = np.exp(u - np.max(u, 1)[:, None])
    return u_exp / np.sum(u_exp, axis=-1)[:, None]


def gradients(X,  # N x D
              Y,  # N x K
              W,  # M x K
              V,  # D x M
              ):
    Z = logistic(np.dot(X, V))  # N x M
    N, D = X.shape
    Yh = softmax(np.dot(Z, W))  # N x K
    dY = Yh - Y  # N x K
    dW = np.dot(Z.T, dY) / N  # M x K
    dZ = np.dot(dY, W.T)  # N x M
    dV = np.dot(X.T, dZ * Z * (1 - Z)) / N  # D x M
    return dW, dV


def iris_problem(seed: int = 0):
    """(X, Y, W, V) as in the seed: 2 Iris features + a bias column, one-hot labels for the
    3 classes, M = 16 hidden units, weights drawn like the seed's GD (randn * .01)."""
    from chainrule.data import load_iris

    features, labels = load_iris()
    X = np.column_stack([features[:, :2], np.ones(len(features))])
    Y = np.eye(3)[labels]
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((16, 3)) * 0.01
    V = rng.standard_normal((3, 16)) * 0.01
    return X, Y, W, V
