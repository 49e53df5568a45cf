"""Gradient norms per layer: hand-computed values, verdicts and the deep-network experiment."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainrule import nn
from chainrule.diagnose import (
    GradientReport,
    LayerGradient,
    deep_network,
    gradient_norms,
    gradient_profiles,
    parameter_groups,
)


def tiny_network():
    rng = np.random.default_rng(3)
    net = nn.Sequential(nn.Linear(2, 3, rng=0), nn.Tanh(), nn.Linear(3, 1, rng=1))
    net.layers[0].b[...] = rng.normal(size=3)
    net.layers[2].b[...] = rng.normal(size=1)
    X, y = rng.normal(size=(5, 2)), rng.normal(size=(5, 1))
    return net, X, y


def hand_gradients(net, X, y):
    """Backpropagation written out with NumPy for Linear -> tanh -> Linear and the mean squared
    error (seed 003, section 3.2)."""
    W1, b1, W2, b2 = net.layers[0].W, net.layers[0].b, net.layers[2].W, net.layers[2].b
    a = X @ W1 + b1
    h = np.tanh(a)
    out = h @ W2 + b2
    d_out = 2 * (out - y) / out.size
    gW2, gb2 = h.T @ d_out, d_out.sum(axis=0)
    d_a = (d_out @ W2.T) * (1 - h ** 2)
    gW1, gb1 = X.T @ d_a, d_a.sum(axis=0)
    loss = float(np.mean((out - y) ** 2))
    return loss, (gW1, gb1), (gW2, gb2)


def test_norms_equal_the_hand_computed_backpropagation():
    net, X, y = tiny_network()
    loss, first, last = hand_gradients(net, X, y)
    report = gradient_norms(net, nn.mean_squared_error, X, y)
    n1 = math.sqrt(sum(float(np.sum(g ** 2)) for g in first))
    n2 = math.sqrt(sum(float(np.sum(g ** 2)) for g in last))
    assert report.loss == pytest.approx(loss, rel=1e-12)
    assert report.norms == pytest.approx([n1, n2], rel=1e-10)
    assert report.layers[0].size == 9 and report.layers[1].size == 4
    assert report.layers[0].rms == pytest.approx(n1 / 3.0, rel=1e-10)
    w1 = math.sqrt(float(np.sum(net.layers[0].W ** 2) + np.sum(net.layers[0].b ** 2)))
    assert report.layers[0].weight_norm == pytest.approx(w1, rel=1e-12)
    assert report.first_to_last == pytest.approx(n1 / n2, rel=1e-10)
    assert report.step_ratios == pytest.approx([n1 / n2], rel=1e-10)
    assert [g.name for g in report.layers] == ["0 Linear(2 -> 3)", "2 Linear(3 -> 1)"]
    assert [g.path for g in report.layers] == ["layers.0", "layers.2"]


def test_verdict_thresholds():
    def report(first, last, **kw):
        return GradientReport(1.0, [LayerGradient("a", "a", first, first, 1, 1.0),
                                    LayerGradient("b", "b", last, last, 1, 1.0)], **kw)

    assert report(0.009, 1.0).verdict == "vanishing"
    assert report(0.011, 1.0).verdict == "healthy"
    assert report(101.0, 1.0).verdict == "exploding"
    assert report(99.0, 1.0).verdict == "healthy"
    assert report(0.05, 1.0, vanishing=0.1).verdict == "vanishing"
    assert report(0.0, 1.0).verdict == "vanishing"
    assert report(1.0, 0.0).verdict == "undefined" and report(1.0, 0.0).first_to_last is None
    assert report(math.nan, 1.0).verdict == "non-finite"
    assert report(math.inf, 1.0).to_dict()["layers"][0]["norm"] is None
    with pytest.raises(ValueError, match="vanishing"):
        gradient_norms(nn.Sequential(nn.Linear(1, 1)), nn.mean_squared_error,
                       np.ones((1, 1)), np.ones((1, 1)), vanishing=2.0)


def test_report_round_trips_through_json():
    net, X, y = tiny_network()
    report = gradient_norms(net, nn.mean_squared_error, X, y)
    d = json.loads(json.dumps(report.to_dict()))
    back = GradientReport.from_dict(d)
    assert back.norms == report.norms and back.verdict == report.verdict == d["verdict"]


def test_deep_sigmoid_vanishes_and_relu_does_not():
    p = gradient_profiles(("sigmoid", "tanh", "relu"), depth=10, width=32, n_samples=64)
    assert p["sigmoid"].first_to_last < 1e-2 and p["sigmoid"].verdict == "vanishing"
    assert p["relu"].first_to_last > 1e-2 and p["relu"].verdict == "healthy"
    assert p["tanh"].first_to_last > 1e-2
    # the sigmoid gradient shrinks by more than sigmoid'(0) = 1/4 times the weights' gain at
    # almost every step back (eq. 3.38)
    assert sum(r < 0.5 for r in p["sigmoid"].step_ratios) >= 8
    assert len(p["relu"].layers) == 10


def test_default_init_relu_vanishes_too_and_the_network_is_unchanged():
    # the fan-in uniform default (variance 1/(3 r)) loses sqrt(1/6) per ReLU layer
    net = deep_network("relu", depth=10, width=32, init="fan_in_uniform")
    before = [p.copy() for p in net.parameters()]
    X = np.random.default_rng(0).normal(size=(64, 32))
    report = gradient_norms(net, nn.mean_squared_error, X, np.zeros((64, 1)))
    assert report.verdict == "vanishing"
    assert all(np.array_equal(a, b) for a, b in zip(before, net.parameters(), strict=True))


def test_groups_of_nested_models_and_inference_mode():
    net = nn.Sequential(nn.Linear(3, 4, rng=0), nn.BatchNorm(4), nn.Dropout(0.5, rng=0),
                        nn.Residual(nn.Sequential(nn.Linear(4, 4, rng=1), nn.ReLU())),
                        nn.Sequential(nn.LeakyReLU(learn_alpha=True), nn.Linear(4, 1, rng=2)))
    names = [g.name for g in parameter_groups(net)]
    assert names == ["0 Linear(3 -> 4)", "1 BatchNorm(4)", "3.block.0 Linear(4 -> 4)",
                     "4.0 LeakyReLU(alpha=0.01, learned)", "4.1 Linear(4 -> 1)"]
    state = net.layers[2].rng.bit_generator.state
    mean = net.layers[1].running_mean.copy()
    X = np.random.default_rng(1).normal(size=(6, 3))
    report = gradient_norms(net, nn.mean_squared_error, X, np.ones((6, 1)))
    assert len(report.layers) == 5 and all(g.norm > 0 for g in report.layers)
    # no dropout mask drawn, no running statistics moved, the model stays in training mode
    assert net.layers[2].rng.bit_generator.state == state
    assert np.array_equal(net.layers[1].running_mean, mean) and net.training


def test_a_plain_module_and_bad_loss():
    lin = nn.Linear(2, 1, rng=0)
    X, y = np.ones((4, 2)), np.zeros((4, 1))
    report = gradient_norms(lin, nn.mean_squared_error, X, y)
    g = 2 * (X @ lin.W + lin.b - y) / 4
    expected = math.sqrt(float(np.sum((X.T @ g) ** 2) + np.sum(g.sum(axis=0) ** 2)))
    assert [x.name for x in report.layers] == ["Linear(2 -> 1)"]
    assert report.norms == pytest.approx([expected]) and report.first_to_last == 1.0
    with pytest.raises(TypeError, match="loss must be a function"):
        gradient_norms(lin, "mse", X, y)
    with pytest.raises(TypeError, match="chainrule.nn.Module"):
        gradient_norms(lambda x: x, nn.mean_squared_error, X, y)


@settings(max_examples=15)
@given(scale=st.floats(1e-3, 1e3), seed=st.integers(0, 10_000))
def test_scaling_the_loss_scales_every_norm_and_keeps_the_ratios(scale, seed):
    rng = np.random.default_rng(seed)
    net = nn.Sequential(nn.Linear(3, 5, rng=seed), nn.Sigmoid(), nn.Linear(5, 2, rng=seed + 1))
    X, y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    base = gradient_norms(net, nn.mean_squared_error, X, y)
    scaled = gradient_norms(net, lambda out, t: scale * nn.mean_squared_error(out, t), X, y)
    assert scaled.norms == pytest.approx([scale * n for n in base.norms], rel=1e-9)
    assert scaled.first_to_last == pytest.approx(base.first_to_last, rel=1e-9)
    assert scaled.loss == pytest.approx(scale * base.loss, rel=1e-12)
