"""Hashed weight sharing: nn.HashedLinear and chainrule.compress.hashing."""

import os

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn, optim
from chainrule.compress.hashing import hash_layers
from chainrule.nn.hashed import hashed_index, position_hash
from chainrule.nn.specs import layer_specs
from chainrule.train import fit, load_checkpoint, predict, save_checkpoint
from chainrule.train.metrics import accuracy
from chainrule.train.mlp import mlp_from_config
from tests.compress.helpers import trained_on_digits


@pytest.fixture(scope="module")
def digits():
    return trained_on_digits(64, 10)


def _dense(layer):
    """The virtual matrix built entry by entry from the definition."""
    V = np.empty((layer.in_features, layer.out_features))
    for i in range(layer.in_features):
        for j in range(layer.out_features):
            V[i, j] = layer.sign[i, j] * layer.w[layer.index[i, j]]
    return V


def _mix(x):
    """splitmix64's finalizer on a Python int, modulo 2^64 (the reference)."""
    mask = 2 ** 64 - 1
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & mask
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & mask
    return x ^ (x >> 31)


def test_the_hash_is_fixed_uniform_and_seeded():
    # pinned values: the hash must not change between machines or NumPy versions
    assert position_hash((1, 3), seed=0).tolist() == [
        [16852473371444490038, 16911753153453118205, 16570804891396992831]]
    salt, seed = 0x243F6A8885A308D3, 2 ** 40 + 7
    got = position_hash((70000, 3), seed)
    for i, j in [(0, 0), (5, 2), (69999, 1)]:
        assert int(got[i, j]) == _mix(((i << 32 | j) + _mix(seed) + salt) % 2 ** 64)
    index, sign = hashed_index((300, 200), buckets=1000, seed=3)
    counts = np.bincount(index.ravel(), minlength=1000)
    assert counts.min() > 25 and counts.max() < 100  # 60 expected, sd ~7.7
    chi2 = np.sum((counts - 60) ** 2 / 60)
    assert 800 < chi2 < 1200  # 999 degrees of freedom
    assert abs(np.mean(sign == 1) - 0.5) < 0.01 and set(np.unique(sign)) == {-1, 1}
    other, _ = hashed_index((300, 200), buckets=1000, seed=4)
    assert np.mean(other == index) < 0.01
    # the bucket and the sign are independent hashes
    assert abs(np.mean(sign[index % 2 == 0] == 1) - 0.5) < 0.02


def test_forward_uses_the_virtual_matrix():
    layer = nn.HashedLinear(7, 5, buckets=9, seed=2, rng=0)
    layer.b = np.arange(5.0)
    x = np.random.default_rng(1).normal(size=(3, 7))
    V = _dense(layer)
    np.testing.assert_allclose(layer.weight(), V, rtol=0, atol=0)
    np.testing.assert_allclose(layer(x), x @ V + layer.b, rtol=1e-13)
    unsigned = nn.HashedLinear(7, 5, buckets=9, seed=2, sign=False, rng=0)
    np.testing.assert_array_equal(unsigned.weight(), unsigned.w[layer.index])
    assert (layer.num_stored(), layer.nbytes()) == (9 + 5, 8 * 14)
    assert [n for n, _ in layer.named_parameters()] == ["w", "b"]
    with pytest.raises(nn.ShapeError, match="HashedLinear"):
        layer(np.ones((3, 5)))


def _loss_of(x, c):
    return lambda layer: np.sum(np.tanh(layer(x)) * c)


def test_gradient_matches_finite_differences():
    layer = nn.HashedLinear(6, 4, buckets=5, seed=1, rng=0)
    rng = np.random.default_rng(2)
    loss = _loss_of(rng.normal(size=(8, 6)), rng.normal(size=(8, 4)))
    g = cr.grad(loss)(layer)
    eps, numeric = 1e-6, np.empty(5)
    for k in range(5):
        plus, minus = layer.clone(), layer.clone()
        plus.w[k] += eps
        minus.w[k] -= eps
        numeric[k] = (loss(plus) - loss(minus)) / (2 * eps)
    np.testing.assert_allclose(g.w, numeric, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(cr.jit(cr.grad(loss))(layer).w, g.w, rtol=1e-12)


def test_gradient_is_the_signed_sum_over_each_bucket():
    layer = nn.HashedLinear(6, 4, buckets=5, seed=1, rng=0)
    rng = np.random.default_rng(3)
    x, c = rng.normal(size=(8, 6)), rng.normal(size=(8, 4))
    dense = nn.Linear(6, 4, rng=0)
    dense.W, dense.b = _dense(layer), layer.b
    G = cr.grad(_loss_of(x, c))(dense).W  # dL/dV, one number per entry
    expected = np.zeros(5)
    for i in range(6):
        for j in range(4):  # seed 3.2.9: dL/dw = sum over the copies of dL/dw_copy
            expected[layer.index[i, j]] += layer.sign[i, j] * G[i, j]
    np.testing.assert_allclose(cr.grad(_loss_of(x, c))(layer).w, expected, rtol=1e-12)


def test_initial_weights_are_the_bucket_means(digits):
    model = digits[0]
    small = hash_layers(model, buckets=500, seed=5)
    layer, W = small[0], model[0].W
    assert layer.seed == 5 and small[2].seed == 7  # seed + layer index
    for k in [0, 17, 499]:
        members = layer.index == k
        assert layer.w[k] == pytest.approx(np.mean(layer.sign[members] * W[members]), rel=1e-12)
    # least squares: the residual of each bucket sums to zero
    residual = (layer.sign * W - layer.w[layer.index]).ravel()
    np.testing.assert_allclose(np.bincount(layer.index.ravel(), residual), 0, atol=1e-12)
    np.testing.assert_array_equal(small[2].b, model[2].b)


def test_bad_arguments_are_refused():
    net = nn.Sequential(nn.Linear(4, 3, rng=0), nn.ReLU())
    with pytest.raises(ValueError, match="hash_layers: buckets must be a positive integer.*0"):
        hash_layers(net, buckets=0)
    with pytest.raises(ValueError, match=r"hash_layers: 13 buckets for layer 0 \(Linear\(4 -> 3"
                                         r"\)\); K must be in 1..12"):
        hash_layers(net, buckets=13)
    with pytest.raises(ValueError, match="hash_layers: 0 buckets for layer 0"):
        hash_layers(net, compression=0.01)
    for kw in [{}, {"buckets": 2, "compression": 0.5}, {"compression": 0.0},
               {"compression": 1.5}, {"buckets": 2, "seed": -1}]:
        with pytest.raises(ValueError, match="hash_layers: "):
            hash_layers(net, **kw)
    with pytest.raises(ValueError, match=r"hash_layers: layer 1 \(ReLU\(\)\) is not a Linear"):
        hash_layers(net, buckets=2, layers=[1])
    with pytest.raises(ValueError, match="HashedLinear: 13 buckets for a 4 x 3 matrix"):
        nn.HashedLinear(4, 3, buckets=13)
    with pytest.raises(ValueError, match="HashedLinear: sizes and buckets must be positive"):
        nn.HashedLinear(4, 3, buckets=0)


def test_fine_tuning_and_the_input_is_unchanged(digits):
    model, train, (X, y) = digits
    before = {k: v.copy() for k, v in model.state_dict().items()}
    original = accuracy(predict(model, X), y)
    small = hash_layers(model, compression=0.1)  # 548 of 4810 numbers
    assert small.num_parameters() == 410 + 64 + 64 + 10
    start = accuracy(predict(small, X), y)
    fit(small, nn.softmax_cross_entropy, train, optim.adam(3e-3), epochs=5, batch_size=64)
    tuned = accuracy(predict(small, X), y)
    # measured: 0.986 trained, 0.133 hashed, 0.930 after 5 epochs of fine-tuning
    assert start < 0.5 and tuned > 0.9 and original - tuned < 0.08
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, before[k])


def test_checkpoint_round_trip_holds_no_index(digits, tmp_path):
    model, _, (X, _) = digits
    small = hash_layers(model, compression=0.25, layers=[0], seed=11)
    small[0].w = small[0].w + 0.01  # as after fine-tuning
    specs = layer_specs(small)
    assert specs == [{"index": 0, "kind": "hashed", "in": 64, "out": 64, "buckets": 1024,
                      "seed": 11, "sign": True, "bias": True}]
    path = os.path.join(tmp_path, "hashed.npz")
    save_checkpoint(path, small, config={"inputs": 64, "hidden": [64], "outputs": 10,
                                         "compressed": specs})
    checkpoint = load_checkpoint(path)
    assert sorted(checkpoint.model_state) == ["layers.0.b", "layers.0.w", "layers.2.W",
                                              "layers.2.b"]
    loaded = checkpoint.load_into(mlp_from_config(checkpoint.config))
    np.testing.assert_array_equal(loaded[0].index, small[0].index)
    np.testing.assert_array_equal(predict(loaded, X), predict(small, X))
