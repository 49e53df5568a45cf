"""The Diagnostics fit callback and the text report."""

import json
import math
import os

import numpy as np
import pytest

from chainrule import nn, optim
from chainrule.diagnose import (
    Diagnosis,
    Diagnostics,
    GradientReport,
    LayerGradient,
    deep_network,
    diagnose,
    synthetic_batch,
)
from chainrule.train import Checkpointer, fit

X = np.random.default_rng(0).normal(size=(48, 3))
Y = (X[:, 0] + X[:, 1] > 0).astype(int)


def network(dropout=0.0):
    layers = [nn.Linear(3, 8, rng=0), nn.BatchNorm(8), nn.ReLU()]
    layers += [nn.Dropout(dropout, rng=1)] if dropout else []
    return nn.Sequential(*layers, nn.Linear(8, 2, rng=2))


def train(model, epochs, callbacks=(), **kw):
    return fit(model, nn.softmax_cross_entropy, (X, Y), optim.adam(0.05), epochs=epochs,
               batch_size=16, seed=3, callbacks=list(callbacks), **kw)


def test_records_every_few_epochs_and_the_last():
    diag = Diagnostics(nn.softmax_cross_entropy, every=2)
    train(network(), 5, [diag])
    assert [r["epoch"] for r in diag.history] == [0, 2, 4, 5]
    assert diag.probe[0].shape == (48, 3) and np.array_equal(diag.probe[0], X)
    assert json.loads(json.dumps(diag.to_dict()))["history"] == diag.history
    last = diag.last
    assert isinstance(last, Diagnosis) and last.epoch == 5 and last.samples == 48
    assert [g.name for g in last.gradients.layers] == ["0 Linear(3 -> 8)", "1 BatchNorm(8)",
                                                       "3 Linear(8 -> 2)"]


def test_diagnostics_do_not_change_the_training_run():
    a, b = network(dropout=0.3), network(dropout=0.3)
    train(a, 4)
    train(b, 4, [Diagnostics(nn.softmax_cross_entropy)])
    assert all(np.array_equal(p, q) for p, q in zip(a.parameters(), b.parameters(),
                                                    strict=True))
    assert np.array_equal(a.layers[1].running_mean, b.layers[1].running_mean)


def test_update_ratio_is_the_relative_change_since_the_previous_record():
    model = network()
    start = {k: v.copy() for k, v in model.state_dict().items()}
    diag = Diagnostics(nn.softmax_cross_entropy)
    train(model, 1, [diag])
    first, last = diag.history
    assert all(g["update_ratio"] is None for g in first["gradients"]["layers"])
    end = model.state_dict()
    moved = math.sqrt(sum(np.sum((end[k] - start[k]) ** 2) for k in ("layers.0.W",
                                                                       "layers.0.b")))
    size = math.sqrt(sum(np.sum(start[k] ** 2) for k in ("layers.0.W", "layers.0.b")))
    assert last["gradients"]["layers"][0]["update_ratio"] == pytest.approx(moved / size)


def test_state_survives_json_and_a_checkpointed_resume(tmp_path):
    straight = Diagnostics(nn.softmax_cross_entropy, every=2)
    train(network(dropout=0.2), 6, [straight])
    path = os.path.join(tmp_path, "ckpt.npz")
    first = Diagnostics(nn.softmax_cross_entropy, every=2)
    train(network(dropout=0.2), 3, [first, Checkpointer(path)])
    values, arrays = first.get_state()
    copy = Diagnostics(nn.softmax_cross_entropy, every=2)
    copy.set_state(json.loads(json.dumps(values)), arrays)
    assert copy.history == first.history and set(copy.previous) == set(first.previous)
    resumed = Diagnostics(nn.softmax_cross_entropy, every=2)
    train(network(dropout=0.2), 6, [resumed, Checkpointer(path)], resume=path)
    assert [r["epoch"] for r in resumed.history] == [0, 2, 3, 4, 6]
    by_epoch = {r["epoch"]: r for r in resumed.history}
    for r in straight.history:
        mine = json.loads(json.dumps(by_epoch[r["epoch"]]))
        theirs = json.loads(json.dumps(r))
        if r["epoch"] == 4:  # the resumed run's record at epoch 4 follows the one at epoch 3
            for layers in (mine["gradients"]["layers"], theirs["gradients"]["layers"]):
                for g in layers:
                    g.pop("update_ratio")
        assert mine == theirs


def test_given_probe_batch_and_probe_size():
    diag = Diagnostics(nn.softmax_cross_entropy, X[:5], Y[:5], at_start=False)
    train(network(), 1, [diag])
    assert [r["epoch"] for r in diag.history] == [1] and diag.last.samples == 5
    small = Diagnostics(nn.softmax_cross_entropy, probe_size=10)
    train(network(), 1, [small])
    assert small.last.samples == 10 and np.array_equal(small.probe[0], X[:10])


def test_bad_arguments():
    with pytest.raises(ValueError, match="both X and y"):
        Diagnostics(nn.softmax_cross_entropy, X)
    with pytest.raises(ValueError, match="every must be an integer >= 1"):
        Diagnostics(nn.softmax_cross_entropy, every=0)
    with pytest.raises(TypeError, match="loss must be a function"):
        Diagnostics("cross_entropy")
    with pytest.raises(ValueError, match="no probe batch"):
        Diagnostics(nn.softmax_cross_entropy).diagnose_now(network(), 0)
    assert Diagnostics(nn.softmax_cross_entropy).report() == "diagnostics: none recorded yet"


def test_report_names_the_vanishing_gradient_with_its_numbers():
    Xs, ys = synthetic_batch(64, 32)
    d = diagnose(deep_network("sigmoid"), nn.mean_squared_error, Xs, ys)
    d.epoch = 7
    text = d.report()
    first, last = d.gradients.layers[0], d.gradients.layers[-1]
    times = last.norm / first.norm
    assert text.startswith("diagnostics at epoch 7: batch of 64 samples, loss ")
    assert f"{first.norm:.2e}" in text and f"{last.norm:.2e}" in text
    assert f"{d.gradients.first_to_last:.1e}" in text
    assert (f"warning: layer 0 Linear(32 -> 32) gradient {times:.1e} times smaller than layer "
            "18 Linear(32 -> 1): vanishing gradients (seed 003, section 3.4)") in text
    assert "gradients: vanishing" in text
    back = Diagnosis.from_dict(json.loads(json.dumps(d.to_dict())))
    assert back.report() == text


def test_report_shows_dead_units_as_percentages():
    lin = nn.Linear(2, 4, rng=0)
    lin.W[...] = [[1.0, -1.0, -1.0, -1.0], [1.0, -1.0, -1.0, 1.0]]
    Xp = np.random.default_rng(0).uniform(0.5, 1.0, size=(10, 2))
    net = nn.Sequential(lin, nn.ReLU(), nn.Linear(4, 1, rng=1))
    d = diagnose(net, nn.mean_squared_error, Xp, np.zeros((10, 1)))
    row = next(line for line in d.report().splitlines() if line.startswith("1 ReLU()"))
    assert row.split()[2:4] == ["-", "-"] and "50.0" in row.split()
    assert any(w == "layer 1 ReLU(): 2 of 4 units (50.0 %) dead on the whole batch (seed 003, "
               "section 3.4.3); use a smaller learning rate or a leaky ReLU"
               for w in d.warnings())


def test_exploding_and_non_finite_warnings():
    layers = [LayerGradient("layers.0", "0 Linear(2 -> 2)", 2e3, 1e3, 4, 1.0),
              LayerGradient("layers.2", "2 Linear(2 -> 1)", 2.0, 1.0, 4, 1.0)]
    d = Diagnosis(GradientReport(0.5, layers), [], 10)
    assert d.verdict == "exploding"
    assert d.warnings()[0].startswith("layer 0 Linear(2 -> 2) gradient 1.0e+03 times larger "
                                      "than layer 2 Linear(2 -> 1): exploding gradients")
    net = deep_network("relu", depth=3, width=4)
    net.layers[-1].W[0, 0] = np.nan
    Xs, ys = synthetic_batch(8, 4)
    bad = diagnose(net, nn.mean_squared_error, Xs, ys)
    assert bad.verdict == "non-finite" and "diverged" in bad.warnings()[0]
    assert bad.gradients.to_dict()["layers"][0]["norm"] is None
    json.dumps(bad.to_dict(), allow_nan=False)
