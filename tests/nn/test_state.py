"""state_dict / load_state_dict / save / load: round trips, errors, atomic files."""

import os
import zipfile

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn


def make(seed):
    return nn.Sequential(
        nn.Linear(3, 5, rng=seed), nn.BatchNorm(5), nn.LeakyReLU(0.1, learn_alpha=True),
        nn.Dropout(0.2, rng=seed), nn.Linear(5, 2, rng=seed + 1),
    )


X = np.random.default_rng(3).standard_normal((8, 3))


def trained(seed=0):
    m = make(seed)
    grads = cr.grad(lambda m: np.sum(m(X) ** 2))(m)  # moves the running statistics
    return cr.tree_map(lambda p, g: p - 0.01 * g, m, grads)


def test_state_dict_names_and_copies():
    m = trained()
    sd = m.state_dict()
    assert list(sd) == ["layers.0.W", "layers.0.b", "layers.1.gamma", "layers.1.beta",
                        "layers.2.alpha", "layers.4.W", "layers.4.b",
                        "layers.1.running_mean", "layers.1.running_var"]
    sd["layers.0.W"][...] = 0.0
    assert not np.all(m.layers[0].W == 0)
    assert not np.all(sd["layers.1.running_mean"] == 0)


def test_round_trip_through_a_dict_and_a_file(tmp_path):
    a = trained(0)
    b = make(7)
    b.load_state_dict(a.state_dict())
    for (ka, va), (kb, vb) in zip(a.state_dict().items(), b.state_dict().items(), strict=True):
        assert ka == kb
        np.testing.assert_array_equal(va, vb)
    path = tmp_path / "model.npz"
    a.save(path)
    c = make(9).load(path)
    np.testing.assert_array_equal(a.eval()(X), c.eval()(X))
    # a plain npz readable without pickle, with a JSON header
    with np.load(path, allow_pickle=False) as z:
        assert "layers.1.running_var" in z.files
    assert nn.read_state(path)[1]["module"] == "Sequential"
    assert sorted(os.listdir(tmp_path)) == ["model.npz"]


def test_loading_keeps_dtypes_and_identity_of_submodules():
    a = nn.Linear(2, 2, rng=0)
    b = nn.Sequential(nn.Linear(2, 2, rng=1, dtype=np.float32))
    inner = b.layers[0]
    b.load_state_dict({"layers.0.W": a.W, "layers.0.b": a.b})
    assert b.layers[0] is inner and inner.W.dtype == np.float32
    np.testing.assert_allclose(inner.W, a.W.astype(np.float32))


def test_missing_unexpected_and_shape_errors():
    m = make(0)
    sd = m.state_dict()
    bad = dict(sd)
    del bad["layers.0.W"]
    bad["layers.9.W"] = np.zeros(1)
    with pytest.raises(ValueError,
                       match=r"missing keys 'layers.0.W'.*unexpected keys 'layers.9.W'"):
        m.load_state_dict(bad)
    wrong = dict(sd, **{"layers.4.W": np.zeros((6, 2))})
    with pytest.raises(ValueError, match=r"'layers.4.W' has shape \(6, 2\) in the state dict "
                                         r"but shape \(5, 2\) in the model"):
        m.load_state_dict(wrong)
    # nothing was written by the failed loads
    np.testing.assert_array_equal(m.layers[0].W, sd["layers.0.W"])
    # strict=False skips missing and unexpected keys, still checks shapes
    m.load_state_dict({"layers.4.b": np.ones(2), "extra": np.zeros(3)}, strict=False)
    np.testing.assert_array_equal(m.layers[4].b, np.ones(2))


def test_load_checks_the_class_and_the_file(tmp_path):
    path = tmp_path / "lin.npz"
    nn.Linear(2, 2, rng=0).save(path)
    with pytest.raises(ValueError, match="holds a Linear but it is being loaded into a Sequential"):
        nn.Sequential(nn.Linear(2, 2, rng=0)).load(path)
    other = tmp_path / "other.npz"
    np.savez(other, W=np.zeros(2))
    with pytest.raises(ValueError, match="not a chainrule module file"):
        nn.Linear(2, 2, rng=0).load(other)


def test_save_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "m.npz"
    nn.Linear(2, 2, rng=0).save(path)
    original = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken)
    with pytest.raises(OSError, match="disk full"):
        nn.Linear(2, 2, rng=1).save(path)
    assert path.read_bytes() == original
    assert sorted(os.listdir(tmp_path)) == ["m.npz"]
    assert zipfile.is_zipfile(path)


class Containers(nn.Module):
    def __init__(self, seed):
        r = np.random.default_rng(seed)
        self.pair = (r.standard_normal(2), r.standard_normal(3))
        self.named = {"a": r.standard_normal(1)}
        self.stack = [nn.Linear(2, 2, rng=seed)]

    def forward(self, x):
        return x


def test_round_trip_with_tuples_dicts_and_lists():
    a, b = Containers(0), Containers(1)
    keys = list(a.state_dict())
    assert keys == ["pair.0", "pair.1", "named.a", "stack.0.W", "stack.0.b"]
    b.load_state_dict(a.state_dict())
    for k in keys:
        np.testing.assert_array_equal(b.state_dict()[k], a.state_dict()[k])
    assert isinstance(b.pair, tuple)
