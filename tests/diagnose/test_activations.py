"""Activation statistics: dead ReLU units, saturated sigmoid/tanh units, layer outputs."""

import numpy as np
import pytest

from chainrule import nn
from chainrule.diagnose import (
    activation_kind,
    activation_stats,
    diagnose,
    layer_outputs,
    relative_derivative,
)


def dying_layer(act):
    """Units 1 and 3 have negative weights and bias: with positive inputs their pre-activation
    is negative for every sample (seed 003, section 3.4.3's example of a dead unit)."""
    lin = nn.Linear(2, 4, rng=0)
    lin.W[...] = [[1.0, -1.0, 0.5, -2.0], [1.0, -1.0, 0.5, -2.0]]
    lin.b[...] = [0.0, -0.1, 0.0, 0.0]
    return nn.Sequential(lin, act)


X_POSITIVE = np.random.default_rng(0).uniform(0.1, 1.0, size=(30, 2))


@pytest.mark.parametrize("act", [nn.ReLU(), nn.Lambda(nn.relu), nn.LeakyReLU(0.1)])
def test_dead_units_exact_fraction(act):
    stats = activation_stats(dying_layer(act), X_POSITIVE)
    assert [s.kind for s in stats] == [None, activation_kind(act)]
    dead = stats[1]
    assert dead.dead == 0.5 and dead.dead_units == [1, 3] and dead.units == 4
    assert dead.saturated is None and stats[0].dead is None
    out = layer_outputs(dying_layer(act), X_POSITIVE)[1].outputs
    if activation_kind(act) == "relu":
        assert np.all(out[:, [1, 3]] == 0) and np.all(out[:, [0, 2]] > 0)


def test_one_positive_sample_keeps_a_unit_alive():
    X = X_POSITIVE.copy()
    net = dying_layer(nn.ReLU())
    net.layers[0].W[:, 1] = [1.0, 0.0]
    net.layers[0].b[1] = -0.95  # x0 > 0.95 only for a few samples
    X[:, 0] = 0.5
    X[7, 0] = 1.0
    stats = activation_stats(net, X)[1]
    assert stats.dead_units == [3] and stats.dead == 0.25


def test_mean_and_std_of_each_layer():
    net = dying_layer(nn.ReLU())
    stats = activation_stats(net, X_POSITIVE)
    a = X_POSITIVE @ net.layers[0].W + net.layers[0].b
    h = np.maximum(a, 0)
    assert stats[0].mean == pytest.approx(a.mean()) and stats[0].std == pytest.approx(a.std())
    assert stats[1].mean == pytest.approx(h.mean()) and stats[1].std == pytest.approx(h.std())


def test_sigmoid_with_huge_weights_is_saturated():
    lin = nn.Linear(1, 3, rng=0)
    lin.W[...] = [[100.0, 0.1, -100.0]]
    X = np.random.default_rng(1).uniform(0.5, 1.0, size=(40, 1))
    stats = activation_stats(nn.Sequential(lin, nn.Sigmoid()), X)[1]
    assert stats.kind == "sigmoid" and stats.dead is None
    assert stats.saturated == pytest.approx(2 / 3) and stats.saturated_units == [0, 2]
    d = diagnose(nn.Sequential(lin, nn.Sigmoid()), nn.mean_squared_error, X, np.zeros((40, 3)))
    assert any("2 of 3 units (66.7 %) saturated" in w for w in d.warnings())


def test_saturation_share_is_99_percent_of_the_samples():
    lin = nn.Linear(1, 1, rng=0)
    lin.W[...] = 1.0
    X = np.full((100, 1), 10.0)
    X[0] = 0.0  # one sample in the active region: 99 % saturated
    net = nn.Sequential(lin, nn.Sigmoid())
    assert activation_stats(net, X)[1].saturated == 1.0
    X[1] = 0.0  # two: 98 %
    assert activation_stats(net, X)[1].saturated == 0.0
    assert activation_stats(net, X, share=0.98)[1].saturated == 1.0


@pytest.mark.parametrize("kind, inside, outside", [
    ("sigmoid", 5.98, 6.0), ("tanh", 2.99, 3.0), ("hard_tanh", 1.0, 1.01),
    ("softplus", -4.59, -4.6)])
def test_documented_saturation_thresholds(kind, inside, outside):
    # the derivative falls below 1 % of its maximum just past the documented arguments
    rel = relative_derivative(kind, np.array([inside, -inside, outside, -outside]))
    assert rel[0] >= 0.01 and rel[2] < 0.01
    if kind != "softplus":  # symmetric derivatives
        assert rel[1] >= 0.01 and rel[3] < 0.01
    assert relative_derivative(kind, np.array([0.0]))[0] == pytest.approx(
        0.5 if kind == "softplus" else 1.0)
    with pytest.raises(ValueError, match="unknown saturating activation"):
        relative_derivative("relu", np.zeros(1))


def test_tanh_and_hard_tanh_layers():
    lin = nn.Linear(1, 2, rng=0)
    lin.W[...] = [[5.0, 0.5]]
    X = np.linspace(1.0, 2.0, 11)[:, None]
    for act, expected in ((nn.Tanh(), [0]), (nn.HardTanh(), [0]), (nn.Lambda(np.tanh), [0])):
        stats = activation_stats(nn.Sequential(lin, act), X)[1]
        assert stats.saturated_units == expected and stats.saturated == 0.5


def test_nested_sequential_and_residual_are_opened():
    block = nn.Sequential(nn.Linear(3, 3, rng=1), nn.ReLU())
    net = nn.Sequential(nn.Linear(2, 3, rng=0), nn.Residual(block),
                        nn.Sequential(nn.Tanh(), nn.Linear(3, 1, rng=2)))
    X = np.random.default_rng(2).normal(size=(7, 2))
    outs = layer_outputs(net, X)
    assert [o.name for o in outs] == ["0 Linear(2 -> 3)", "1.block.0 Linear(3 -> 3)",
                                      "1.block.1 ReLU()", "1 Residual", "2.0 Tanh()",
                                      "2.1 Linear(3 -> 1)"]
    assert [o.path for o in outs][:3] == ["layers.0", "layers.1.block.layers.0",
                                          "layers.1.block.layers.1"]
    h0 = outs[0].outputs
    assert np.allclose(outs[3].outputs, h0 + block(h0))
    assert np.allclose(outs[-1].outputs, net(X))
    assert [s.kind for s in activation_stats(net, X)] == [None, None, "relu", None, "tanh",
                                                          None]


def test_models_that_are_not_sequential_are_rejected():
    with pytest.raises(TypeError, match="model is a TiedAutoencoder"):
        activation_stats(nn.TiedAutoencoder(4, 2, rng=0), np.ones((3, 4)))
    with pytest.raises(TypeError, match="model is a Linear"):
        layer_outputs(nn.Linear(2, 2, rng=0), np.ones((3, 2)))
    net = dying_layer(nn.ReLU())
    with pytest.raises(ValueError, match=r"shape \(n, features\).*got shape \(2,\)"):
        activation_stats(net, np.ones(2))
    with pytest.raises(ValueError, match="saturation"):
        activation_stats(net, X_POSITIVE, saturation=1.5)
    with pytest.raises(ValueError, match="share"):
        activation_stats(net, X_POSITIVE, share=0.0)


def test_dropout_is_off_while_diagnosing():
    net = nn.Sequential(nn.Linear(2, 4, rng=0), nn.ReLU(), nn.Dropout(0.9, rng=0))
    state = net.layers[2].rng.bit_generator.state
    outs = layer_outputs(net, X_POSITIVE)
    assert np.array_equal(outs[2].outputs, outs[1].outputs)
    assert net.layers[2].rng.bit_generator.state == state
