"""Shared weights (seed 003 section 3.2.9): the tied autoencoder's gradient of W is the sum
of the gradients of its two uses."""

import numpy as np

import chainrule as cr
from chainrule import nn

X = np.random.default_rng(2).standard_normal((10, 5))


def untied_loss(W_enc, W_dec, b_hidden, b_out, act):
    h = act(X @ W_enc + b_hidden)
    return nn.squared_error(h @ W_dec + b_out, X)


def check_tied(activation):
    ae = nn.TiedAutoencoder(5, 3, activation=activation, rng=0)
    ae.b_hidden = np.array([0.1, -0.2, 0.3])
    ae.b_out = np.linspace(-0.5, 0.5, 5)
    g = cr.grad(lambda m: nn.squared_error(m(X), X))(ae)
    # untie: one copy of W per use, differentiate each, and add
    g_enc, g_dec = cr.grad(untied_loss, argnums=(0, 1))(ae.W, ae.W.T, ae.b_hidden, ae.b_out,
                                                         activation)
    np.testing.assert_allclose(g.W, g_enc + g_dec.T, rtol=1e-12, atol=1e-14)
    assert not np.allclose(g.W, g_enc) and not np.allclose(g.W, g_dec.T)
    # and against central differences on the tied weight itself
    numeric = cr.numerical_grad(
        lambda W: untied_loss(W, W.T, ae.b_hidden, ae.b_out, activation), ae.W)
    np.testing.assert_allclose(g.W, numeric, rtol=1e-7, atol=1e-9)
    cr.check_grad(lambda m: nn.squared_error(m(X), X), ae)


def test_linear_tied_autoencoder():
    check_tied(nn.identity)


def test_sigmoid_tied_autoencoder():
    check_tied(nn.sigmoid)


def test_structure_and_learned_activation():
    ae = nn.TiedAutoencoder(5, 3, activation=nn.LeakyReLU(0.2, learn_alpha=True), rng=0)
    assert [n for n, _ in ae.named_parameters()] == ["activation.alpha", "W", "b_hidden", "b_out"]
    assert ae.encode(X).shape == (10, 3) and ae(X).shape == (10, 5)
    step = cr.grad(lambda m: nn.squared_error(m(X), X))(ae)
    new = cr.tree_map(lambda p, g: p - 0.05 * g, ae, step)
    assert float(nn.squared_error(new(X), X)) < float(nn.squared_error(ae(X), X))
