"""BatchNorm against seed 003 section 3.6 (forward eqs. 3.58-3.61, backward eqs. 3.62-3.65),
finite differences, running statistics; LayerNorm."""

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn

rng = np.random.default_rng(42)
V = rng.standard_normal((7, 3)) * np.array([1.0, 5.0, 0.1]) + np.array([0.0, 3.0, -2.0])
G = rng.standard_normal((7, 3))  # dL/da: the loss is L = sum(G * a)


def bn_with(gamma, beta, eps=1e-5):
    bn = nn.BatchNorm(3, eps=eps)
    bn.gamma, bn.beta = gamma, beta
    return bn


GAMMA, BETA = np.array([1.5, -0.5, 2.0]), np.array([0.1, 0.2, -0.3])


def test_forward_is_eqs_3_58_to_3_61():
    bn = bn_with(GAMMA, BETA)
    mu = V.sum(0) / 7  # 3.58
    sigma2 = ((V - mu) ** 2).sum(0) / 7 + 1e-5  # 3.59
    v_hat = (V - mu) / np.sqrt(sigma2)  # 3.60
    np.testing.assert_allclose(bn(V), GAMMA * v_hat + BETA, rtol=1e-13)  # 3.61


def test_backward_matches_the_seeds_closed_form():
    """Seed 003 eqs. 3.62-3.65 and the two parameter gradients, written out by hand."""
    m, eps = V.shape[0], 1e-5
    mu = V.mean(0)
    sigma = np.sqrt(((V - mu) ** 2).mean(0) + eps)
    v_hat = (V - mu) / sigma
    dv_hat = GAMMA * G  # 3.64
    d_sigma2 = -1 / (2 * sigma**3) * np.sum(G * GAMMA * (V - mu), axis=0)
    d_mu = (-GAMMA / sigma * G.sum(0)
            + (1 / sigma**3) * np.sum(G * GAMMA * (V - mu), axis=0) * (V - mu).sum(0) / m)
    dv = dv_hat / sigma + d_mu / m + d_sigma2 * 2 * (V - mu) / m  # 3.63 / 3.65
    d_beta = G.sum(0)
    d_gamma = np.sum(G * v_hat, axis=0)

    g_bn, g_v = cr.grad(lambda bn, v: np.sum(G * bn(v)), argnums=(0, 1))(bn_with(GAMMA, BETA), V)
    np.testing.assert_allclose(g_v, dv, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(g_bn.beta, d_beta, rtol=1e-12)
    np.testing.assert_allclose(g_bn.gamma, d_gamma, rtol=1e-10, atol=1e-12)
    # the gradient with respect to the input sums to zero per feature (the mean is removed)
    np.testing.assert_allclose(g_v.sum(0), 0.0, atol=1e-10)


def test_backward_matches_finite_differences():
    cr.check_grad(lambda bn, v: bn(v), bn_with(GAMMA, BETA), V)
    cr.check_grad(lambda bn, v: bn(v), bn_with(GAMMA, BETA).eval(), V)
    x3 = rng.standard_normal((4, 2, 3))  # every axis but the last is the batch
    cr.check_grad(lambda bn, v: bn(v), bn_with(GAMMA, BETA), x3, order=1)


def test_running_statistics_pytorch_convention():
    bn = nn.BatchNorm(3)
    bn(V)
    np.testing.assert_allclose(bn.running_mean, 0.1 * V.mean(0))
    np.testing.assert_allclose(bn.running_var, 0.9 + 0.1 * V.var(0, ddof=1))  # unbiased
    bn(V)
    np.testing.assert_allclose(bn.running_mean, 0.19 * V.mean(0))
    x3 = rng.standard_normal((4, 5, 3))
    bn3 = nn.BatchNorm(3, momentum=1.0)
    bn3(x3)
    np.testing.assert_allclose(bn3.running_var, x3.reshape(-1, 3).var(0, ddof=1))


def test_inference_uses_the_running_estimates():
    bn = bn_with(GAMMA, BETA)
    bn.running_mean = np.array([1.0, 2.0, 3.0])
    bn.running_var = np.array([4.0, 1.0, 0.25])
    bn.eval()
    x = np.array([[3.0, 2.0, 3.5]])  # a single example works in inference mode
    expected = GAMMA * (x - bn.running_mean) / np.sqrt(bn.running_var + 1e-5) + BETA
    np.testing.assert_allclose(bn(x), expected)
    np.testing.assert_array_equal(bn.running_mean, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"at least 2 values per feature.*shape \(1, 3\)"):
        bn.train()(x)


def test_batchnorm_before_or_after_the_activation():
    X = rng.standard_normal((16, 3))
    Y = rng.standard_normal((16, 1))
    for order in ("pre", "post"):
        layers = [nn.Linear(3, 4, rng=0), nn.BatchNorm(4), nn.ReLU(), nn.Linear(4, 1, rng=1)]
        if order == "post":
            layers[1], layers[2] = layers[2], layers[1]
        net = nn.Sequential(*layers)
        cr.check_grad(lambda m: nn.squared_error(m(X), Y), net, kink=True, order=1)
        grads = cr.grad(lambda m: nn.squared_error(m(X), Y))(net)
        assert len(grads.parameters()) == 6


def test_float32_batchnorm():
    bn = nn.BatchNorm(3, dtype=np.float32)
    out = bn(V.astype(np.float32))
    assert out.dtype == np.float32 and bn.running_var.dtype == np.float32


def test_layernorm_normalises_each_example():
    ln = nn.LayerNorm(3)
    ln.gamma, ln.beta = GAMMA, BETA
    mu = V.mean(-1, keepdims=True)
    expected = GAMMA * (V - mu) / np.sqrt(V.var(-1, keepdims=True) + 1e-5) + BETA
    np.testing.assert_allclose(ln(V), expected, rtol=1e-12)
    np.testing.assert_allclose(ln.eval()(V), expected, rtol=1e-12)
    assert ln.named_buffers() == []
    cr.check_grad(lambda m, v: m(v), ln, V)
    with pytest.raises(nn.ShapeError, match=r"LayerNorm\(3\) expects inputs of shape "
                                            r"\(\.\.\., 3\)"):
        ln(np.zeros((2, 4)))
