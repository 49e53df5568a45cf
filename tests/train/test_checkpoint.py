"""Checkpoints: atomic, pickle-free, and resuming gives the uninterrupted run bit for bit."""

import json
import os

import numpy as np
import pytest

from chainrule import nn, optim
from chainrule.data import Standardizer, make_moons
from chainrule.train import Checkpointer, EarlyStopping, fit, load_checkpoint, save_checkpoint

X, Y = make_moons(n_samples=90, noise=0.2, seed=0)
XV, YV = make_moons(n_samples=30, noise=0.2, seed=1)


def build(seed):
    """Dropout (a random generator), batch norm (buffers) and two linear layers; ``seed``
    only sets the initial values, which a checkpoint overwrites."""
    return nn.Sequential(nn.Linear(2, 12, rng=seed), nn.BatchNorm(12), nn.ReLU(),
                         nn.Dropout(0.3, rng=seed + 10), nn.Linear(12, 2, rng=seed + 1))


def train(model, epochs, callbacks=(), resume=None):
    tx = optim.chain(optim.clip_global_norm(5.0), optim.adam(0.02))
    return fit(model, nn.softmax_cross_entropy, (X, Y), tx, epochs=epochs, batch_size=16,
               seed=7, validation=(XV, YV), callbacks=callbacks, resume=resume)


def test_resume_is_bit_for_bit(tmp_path):
    straight = build(0)
    h_straight = train(straight, 6, callbacks=[EarlyStopping(patience=50)])

    path = tmp_path / "ckpt.npz"
    first = build(0)
    train(first, 3, callbacks=[EarlyStopping(patience=50), Checkpointer(path)])
    assert load_checkpoint(path).epoch == 3

    fresh = build(123)  # other initial weights and another dropout seed
    h = train(fresh, 6, callbacks=[EarlyStopping(patience=50), Checkpointer(path)],
              resume=path)
    a, b = straight.state_dict(), fresh.state_dict()
    assert list(a) == list(b)
    for k in a:
        assert np.array_equal(a[k], b[k]), k
    assert [e["loss"] for e in h] == h_straight["loss"]
    assert h["val_accuracy"] == h_straight["val_accuracy"]
    assert load_checkpoint(path).epoch == 6


def test_checkpoint_contents_and_no_pickle(tmp_path):
    path = tmp_path / "ckpt.npz"
    pre = Standardizer().fit(X)
    model = build(0)
    train(model, 2, callbacks=[Checkpointer(path, preprocessing=pre, config={"hidden": [12]})])
    with np.load(path, allow_pickle=False) as z:  # plain arrays only
        names = set(z.files)
    assert {"model/layers.0.W", "model/layers.1.running_mean", "preprocessing/mean"} <= names
    assert any(n.startswith("optimizer/") for n in names)
    ckpt = load_checkpoint(path)
    assert ckpt.config == {"hidden": [12]}
    assert ckpt.iterator_state["epoch"] == 2 and ckpt.iterator_state["batch_size"] == 16
    assert list(ckpt.rng_states) == ["layers.3.rng"]
    json.dumps(ckpt.rng_states)
    np.testing.assert_array_equal(ckpt.preprocessing.transform(X), pre.transform(X))
    assert len(ckpt.history) == 2
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".tmp")]


def test_resume_into_another_architecture_names_the_mismatch(tmp_path):
    path = tmp_path / "ckpt.npz"
    train(build(0), 1, callbacks=[Checkpointer(path)])
    other = nn.Sequential(nn.Linear(2, 8, rng=0), nn.BatchNorm(8), nn.ReLU(),
                          nn.Dropout(0.3, rng=0), nn.Linear(8, 2, rng=1))
    with pytest.raises(ValueError, match=r"layers\.0\.W: checkpoint \(2, 12\) vs model \(2, 8\)"):
        train(other, 2, resume=path)
    shorter = nn.Sequential(nn.Linear(2, 2, rng=0))
    with pytest.raises(ValueError, match="another architecture"):
        load_checkpoint(path).load_into(shorter)


def test_resume_with_another_optimizer_is_an_error(tmp_path):
    path = tmp_path / "ckpt.npz"
    train(build(0), 1, callbacks=[Checkpointer(path)])
    with pytest.raises(ValueError, match="optimizer differs"):
        fit(build(0), nn.softmax_cross_entropy, (X, Y), optim.sgd(0.1), epochs=2,
            batch_size=16, resume=path)


def test_not_a_checkpoint(tmp_path):
    bad = tmp_path / "x.npz"
    np.savez(bad, a=np.zeros(2))
    with pytest.raises(ValueError, match="not a chainrule training checkpoint"):
        load_checkpoint(bad)
    text = tmp_path / "t.npz"
    text.write_text("hello")
    with pytest.raises(ValueError, match="is not a NumPy .npz file: it looks like text"):
        load_checkpoint(text)
    with pytest.raises(FileNotFoundError):
        load_checkpoint(tmp_path / "missing.npz")


def test_save_checkpoint_rejects_non_json_config(tmp_path):
    with pytest.raises(TypeError, match="JSON"):
        save_checkpoint(tmp_path / "c.npz", build(0), config={"f": object()})
    assert not os.listdir(tmp_path)


def test_resume_with_other_callbacks_is_an_error(tmp_path):
    path = tmp_path / "ckpt.npz"
    train(build(0), 1, callbacks=[EarlyStopping(patience=5), Checkpointer(path)])
    with pytest.raises(ValueError, match=r"callbacks \['EarlyStopping'\]"):
        train(build(0), 2, resume=path)
