"""Losses and penalties: hand-computed values, finite differences, stability, errors."""

import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn

rng = np.random.default_rng(5)
P = rng.standard_normal((6, 3))
T = rng.standard_normal((6, 3))
LABELS = np.array([0, 2, 1, 1, 0, 2])
ONEHOT = np.eye(3)[LABELS]


def test_squared_error_is_half_the_squared_norm_per_sample():
    per = 0.5 * np.sum((P - T) ** 2, axis=1)
    np.testing.assert_allclose(nn.squared_error(P, T), per.mean())
    np.testing.assert_allclose(nn.squared_error(P, T, reduction="sum"), per.sum())
    np.testing.assert_allclose(nn.squared_error(P, T, reduction="none"), per)
    np.testing.assert_allclose(nn.squared_error(P[:, 0], T[:, 0]), 0.25 * np.mean(
        2 * (P[:, 0] - T[:, 0]) ** 2))
    g = cr.grad(lambda p: nn.squared_error(p, T, reduction="sum"))(P)
    np.testing.assert_allclose(g, P - T)  # seed 000: dL/dyhat = yhat - y
    cr.check_grad(lambda p: nn.squared_error(p, T), P)


def test_mean_squared_error():
    np.testing.assert_allclose(nn.mean_squared_error(P, T), np.mean((P - T) ** 2))
    np.testing.assert_allclose(nn.mean_squared_error(P, T, "sum"), np.sum((P - T) ** 2))
    cr.check_grad(lambda p: nn.mean_squared_error(p, T), P)


def test_shapes_must_match():
    with pytest.raises(ValueError, match=r"predictions have shape \(6, 1\) but targets have "
                                         r"shape \(6,\)"):
        nn.squared_error(P[:, :1], T[:, 0])
    with pytest.raises(ValueError, match="reduction='avg'"):
        nn.squared_error(P, T, reduction="avg")


def test_binary_cross_entropy_on_probabilities_and_logits():
    z = rng.standard_normal((6, 2))
    t = (rng.random((6, 2)) > 0.5).astype(float)
    p = 1 / (1 + np.exp(-z))
    expected = -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))
    np.testing.assert_allclose(nn.binary_cross_entropy(p, t), expected, rtol=1e-12)
    np.testing.assert_allclose(nn.binary_cross_entropy_with_logits(z, t), expected, rtol=1e-12)
    g = cr.grad(lambda z: nn.binary_cross_entropy_with_logits(z, t, reduction="sum"))(z)
    np.testing.assert_allclose(g, p - t, rtol=1e-12)
    cr.check_grad(lambda p: nn.binary_cross_entropy(p, t), p)
    cr.check_grad(lambda z: nn.binary_cross_entropy_with_logits(z, t), z)
    # clipping keeps probabilities of exactly 0 and 1 finite
    clipped = nn.binary_cross_entropy(np.array([0.0, 1.0]), np.array([1.0, 0.0]))
    np.testing.assert_allclose(clipped, -np.log(1e-7), rtol=1e-6)
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 1\]"):
        nn.binary_cross_entropy(p, 2 * t)


def test_softmax_cross_entropy_is_seed_000s_cost():
    U = 3 * P
    lse = np.log(np.sum(np.exp(U), axis=1))
    expected = -np.mean(np.sum(U * ONEHOT, 1) - lse)  # seed 000's `cost`
    np.testing.assert_allclose(nn.softmax_cross_entropy(U, LABELS), expected, rtol=1e-12)
    np.testing.assert_allclose(nn.softmax_cross_entropy(U, ONEHOT), expected, rtol=1e-12)
    np.testing.assert_allclose(nn.softmax_cross_entropy(U, LABELS.astype(float)), expected)
    g = cr.grad(lambda u: nn.softmax_cross_entropy(u, LABELS))(U)
    softmax = np.exp(U) / np.exp(U).sum(1, keepdims=True)
    np.testing.assert_allclose(g, (softmax - ONEHOT) / 6, rtol=1e-10)  # (yhat - y) / N
    cr.check_grad(lambda u: nn.softmax_cross_entropy(u, LABELS), U)
    cr.check_grad(lambda u: nn.softmax_cross_entropy(u, ONEHOT, reduction="sum"), U)


def test_softmax_cross_entropy_label_errors():
    with pytest.raises(ValueError, match=r"must lie in \[0, 3\) for logits with 3 classes"):
        nn.softmax_cross_entropy(P, np.array([0, 1, 2, 3, 0, 1]))
    with pytest.raises(ValueError, match="max label 3"):
        nn.softmax_cross_entropy(P, np.array([0, 1, 2, 3, 0, 1]))
    with pytest.raises(ValueError, match=r"labels must be class indices of shape \(6,\)"):
        nn.softmax_cross_entropy(P, np.zeros((6, 2)))
    with pytest.raises(ValueError, match="whole numbers"):
        nn.softmax_cross_entropy(P, np.full(6, 0.5))


def test_losses_are_stable_at_plus_minus_1000():
    z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            assert float(nn.softmax_cross_entropy(z, np.array([0, 1]))) == 0.0
            np.testing.assert_allclose(nn.softmax_cross_entropy(z, np.array([1, 0])), 2000.0)
            g = cr.grad(lambda z: nn.softmax_cross_entropy(z, np.array([1, 0])))(z)
            np.testing.assert_allclose(g, [[0.5, -0.5, 0.0], [-0.5, 0.5, 0.0]])
            t = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
            loss = nn.binary_cross_entropy_with_logits(z, t, reduction="none")
            np.testing.assert_allclose(loss, [[0, 0, np.log(2)], [0, 0, np.log(2)]])
            gb = cr.grad(lambda z: nn.binary_cross_entropy_with_logits(z, t, "sum"))(z)
            np.testing.assert_allclose(gb, [[0, 0, -0.5], [0, 0, 0.5]])


def test_binary_hinge():
    s = np.array([2.0, 0.3, -0.4, 1.5])
    y = np.array([1, 1, 1, -1])
    np.testing.assert_allclose(nn.hinge(s, y, reduction="none"), [0.0, 0.7, 1.4, 2.5])
    np.testing.assert_allclose(cr.grad(lambda s: nn.hinge(s, y, reduction="sum"))(s),
                               [0.0, -1.0, -1.0, 1.0])
    cr.check_grad(lambda s: nn.hinge(s, y), s)
    with pytest.raises(ValueError, match="labels must be -1 or \\+1"):
        nn.hinge(s, np.array([0, 1, 1, 0]))


def test_multiclass_hinge_weston_watkins_and_crammer_singer():
    S = 2 * P
    true = S[np.arange(6), LABELS][:, None]
    margins = np.maximum(0, 1 + S - true) * (1 - ONEHOT)
    np.testing.assert_allclose(nn.multiclass_hinge(S, LABELS, reduction="none"),
                               margins.sum(1))
    np.testing.assert_allclose(nn.multiclass_hinge(S, ONEHOT, kind="crammer_singer",
                                                   reduction="none"),
                               np.maximum(0, (1 + S - true - 1e9 * ONEHOT).max(1)))
    cr.check_grad(lambda s: nn.multiclass_hinge(s, LABELS), S)
    cr.check_grad(lambda s: nn.multiclass_hinge(s, LABELS, kind="crammer_singer"), S)
    with pytest.raises(ValueError, match="kind='ovr'"):
        nn.multiclass_hinge(S, LABELS, kind="ovr")


def test_float32_losses_stay_float32():
    p32, t32 = P.astype(np.float32), T.astype(np.float32)
    assert nn.squared_error(p32, t32).dtype == np.float32
    assert nn.softmax_cross_entropy(p32, LABELS).dtype == np.float32
    assert nn.softmax_cross_entropy(p32, ONEHOT).dtype == np.float32
    assert nn.multiclass_hinge(p32, LABELS).dtype == np.float32
    assert nn.hinge(p32[:, 0], np.sign(T[:, 0]).astype(int)).dtype == np.float32


def test_penalties_take_weights_not_biases():
    net = nn.Sequential(nn.Linear(3, 4, rng=0), nn.BatchNorm(4), nn.Linear(4, 2, rng=1))
    net[0].b = np.ones(4)
    W1, W2 = net[0].W, net[2].W
    lam, n = 0.7, 50
    np.testing.assert_allclose(nn.l2_penalty(net, lam, n),
                               lam / n * (np.sum(W1**2) + np.sum(W2**2)))
    np.testing.assert_allclose(nn.l1_penalty(net, lam, n),
                               lam / n * (np.abs(W1).sum() + np.abs(W2).sum()))
    all_params = sum(np.sum(p**2) for p in net.parameters())
    np.testing.assert_allclose(nn.l2_penalty(net, lam, n, weights_only=False),
                               lam / n * all_params)
    g = cr.grad(lambda m: nn.l2_penalty(m, lam, n))(net)
    np.testing.assert_allclose(g[0].W, 2 * lam / n * W1)
    np.testing.assert_array_equal(g[0].b, 0.0)  # biases are not penalised
    np.testing.assert_array_equal(g[1].gamma, 0.0)
    cr.check_grad(lambda m: nn.l1_penalty(m, lam, n), net)
    # seed 004: a raw weight vector w is penalised whole
    w = np.array([-1.0, 1.5, 0.5])
    np.testing.assert_allclose(nn.l2_penalty(w, 0.1, 2), 0.05 * 3.5)
    with pytest.raises(ValueError, match="n is the number of training examples"):
        nn.l2_penalty(w, 0.1, 0)
