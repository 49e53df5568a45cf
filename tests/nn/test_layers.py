"""Linear, Maxout, Dropout, Sequential (with hidden-node losses), Residual, shape errors."""

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn

rng = np.random.default_rng(0)
X = rng.standard_normal((5, 3))


def test_linear_is_x_at_w_plus_b_and_its_gradient():
    layer = nn.Linear(3, 2, rng=0)
    layer.b = np.array([0.5, -1.0])
    np.testing.assert_allclose(layer(X), X @ layer.W + layer.b)
    G = rng.standard_normal((5, 2))
    g = cr.grad(lambda m: np.sum(G * m(X)))(layer)
    np.testing.assert_allclose(g.W, X.T @ G)  # seed 000: input from below times error above
    np.testing.assert_allclose(g.b, G.sum(0))
    cr.check_grad(lambda m, x: m(x), layer, X)
    assert nn.Linear(3, 2, bias=False, rng=0).b is None
    assert repr(nn.Linear(3, 2, bias=False, rng=0)) == "Linear(3 -> 2, bias=False)"


def test_linear_default_init_is_fan_in_uniform_and_seeded():
    a, b = nn.Linear(400, 300, rng=1), nn.Linear(400, 300, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(a.W, b.W)
    assert np.abs(a.W).max() <= 1 / np.sqrt(400)
    np.testing.assert_allclose(a.W.var(), 1 / (3 * 400), rtol=0.02)
    np.testing.assert_array_equal(a.b, 0.0)


def test_maxout_is_the_max_of_k_affine_pieces():
    m = nn.Maxout(3, 2, k=3, rng=0)
    m.b = rng.standard_normal((3, 2))
    pieces = np.stack([X @ m.W[i] + m.b[i] for i in range(3)])
    np.testing.assert_allclose(m(X), pieces.max(0))
    cr.check_grad(lambda m, x: m(x), m, X)
    # with k = 2 and one piece fixed at zero, maxout is a ReLU unit (seed 3.4.3.2)
    relu_like = nn.Maxout(3, 2, k=2, bias=False, rng=0)
    relu_like.W = np.stack([relu_like.W[0], np.zeros((3, 2))])
    np.testing.assert_allclose(relu_like(X), nn.relu(X @ relu_like.W[0]))


def test_dropout_training_and_inference():
    d = nn.Dropout(0.3, rng=0)
    x = np.ones((200, 500))
    y = d(x)
    dropped = y == 0
    assert abs(dropped.mean() - 0.3) < 0.01
    np.testing.assert_allclose(y[~dropped], 1 / 0.7)
    assert abs(y.mean() - 1.0) < 0.02  # inverted dropout keeps the expectation
    np.testing.assert_array_equal(d.eval()(x), x)
    # deterministic for a seed; later calls draw new masks
    a, b = nn.Dropout(0.5, rng=3), nn.Dropout(0.5, rng=3)
    first = a(x[:4])
    np.testing.assert_array_equal(first, b(x[:4]))
    assert not np.array_equal(first, a(x[:4]))
    assert nn.Dropout(0.0)(X) is X
    np.testing.assert_array_equal(nn.Dropout(1.0)(X), 0.0)
    with pytest.raises(ValueError, match=r"must be in \[0, 1\], got 1.5"):
        nn.Dropout(1.5)


def test_dropout_gradient_is_the_scaled_mask():
    g = cr.grad(lambda x: np.sum(nn.Dropout(0.4, rng=11)(x)))(X)
    mask = nn.Dropout(0.4, rng=11)(np.ones_like(X))
    np.testing.assert_allclose(g, mask)
    cr.check_grad(lambda x: nn.Dropout(0.4, rng=11)(x) ** 2, X)


def test_dropout_keeps_float32():
    assert nn.Dropout(0.5, rng=0)(X.astype(np.float32)).dtype == np.float32


def test_sequential_wraps_functions_and_indexes():
    net = nn.Sequential(nn.Linear(3, 4, rng=0), np.tanh, nn.Linear(4, 1, rng=1))
    assert isinstance(net[1], nn.Lambda) and len(net) == 3 and list(net)[0] is net[0]
    np.testing.assert_allclose(net(X), np.tanh(X @ net[0].W + net[0].b) @ net[2].W + net[2].b)
    assert nn.Sequential([nn.ReLU()]).layers[0].__class__ is nn.ReLU
    shared = nn.Linear(3, 3, rng=0)
    with pytest.raises(ValueError, match="same object as an earlier layer"):
        nn.Sequential(shared, shared)


def test_loss_on_a_hidden_layer():
    """Seed 003 section 3.2.7: an L1 sparsity penalty on hidden activations adds its gradient
    flow at the hidden node (eq. 3.26) to the flow coming back from the output."""
    net = nn.Sequential(nn.Linear(3, 6, rng=0), nn.Sigmoid(), nn.Linear(6, 2, rng=1))
    Y = rng.standard_normal((5, 2))
    lam = 0.3

    def total(m):
        out, hidden = m(X, return_hidden=True)
        return nn.squared_error(out, Y) + lam * np.mean(np.sum(np.abs(hidden[1]), axis=1))

    cr.check_grad(total, net)
    # the gradient is the sum of the two losses' gradients
    g = cr.grad(total)(net)
    g_out = cr.grad(lambda m: nn.squared_error(m(X), Y))(net)
    g_hid = cr.grad(lambda m: lam * np.mean(np.sum(np.abs(m(X, True)[1][1]), axis=1)))(net)
    for a, b, c in zip(g.parameters(), g_out.parameters(), g_hid.parameters(), strict=True):
        np.testing.assert_allclose(a, b + c, rtol=1e-12, atol=1e-15)
    # at the hidden node: dL/dh = (output error) W2^T + lam sign(h) / n  (eq. 3.26)
    h = net[1](net[0](X))
    W2, b2 = net[2].W, net[2].b
    dh = cr.grad(lambda h: nn.squared_error(h @ W2 + b2, Y)
                 + lam * np.mean(np.sum(np.abs(h), axis=1)))(h)
    np.testing.assert_allclose(dh, (h @ W2 + b2 - Y) / 5 @ W2.T + lam * np.sign(h) / 5)


def test_residual_adds_the_skip_connection():
    block = nn.Sequential(nn.Linear(3, 3, rng=0), nn.ReLU(), nn.Linear(3, 3, rng=1))
    r = nn.Residual(block)
    np.testing.assert_allclose(r(X), X + block(X))
    g = cr.grad(lambda x: np.sum(r(x)))(X)
    gb = cr.grad(lambda x: np.sum(block(x)))(X)
    np.testing.assert_allclose(g, 1.0 + gb)  # the identity path adds 1 to every derivative
    cr.check_grad(lambda m, x: m(x), r, X)
    with pytest.raises(nn.ShapeError, match=r"maps an input of shape \(5, 3\) to shape \(5, 2\)"):
        nn.Residual(nn.Linear(3, 2, rng=0))(X)


def test_shape_errors_name_the_layer_and_both_shapes():
    with pytest.raises(ValueError, match=r"Linear\(4 -> 16\) expects inputs of shape "
                                         r"\(\.\.\., 4\), but was given an input of shape "
                                         r"\(32, 3\)"):
        nn.Linear(4, 16, rng=0)(np.zeros((32, 3)))
    net = nn.Sequential(nn.Linear(3, 4, rng=0),
                        nn.Residual(nn.Sequential(nn.ReLU(), nn.Linear(5, 4, rng=1))))
    with pytest.raises(nn.ShapeError) as info:
        net(X)
    assert str(info.value).startswith("at layers.1.block.layers.1: Linear(5 -> 4) expects")
    with pytest.raises(nn.ShapeError, match=r"Maxout\(2 -> 1, k=2\).*shape \(5, 3\)"):
        nn.Maxout(2, 1, rng=0)(X)
    with pytest.raises(ValueError, match="out_features must be a positive integer, got 0"):
        nn.Linear(3, 0)
