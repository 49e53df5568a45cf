"""Low-rank factorization: nn.LowRankLinear and chainrule.compress.lowrank."""

import os

import numpy as np
import pytest

from chainrule import nn, optim
from chainrule.compress.lowrank import low_rank, parameter_counts, svd_factors
from chainrule.data import Standardizer, load_digits
from chainrule.nn.specs import layer_specs
from chainrule.train import fit, load_checkpoint, predict, save_checkpoint
from chainrule.train.metrics import accuracy
from chainrule.train.mlp import build_mlp, mlp_from_config


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits()
    rng = np.random.default_rng(0)
    order = rng.permutation(len(y))
    train, test = order[:1300], order[1300:]
    scale = Standardizer().fit(X[train])
    Xtr, Xte = scale.transform(X[train]), scale.transform(X[test])
    model = build_mlp(64, [64], 10, seed=0)
    fit(model, nn.softmax_cross_entropy, (Xtr, y[train]), optim.adam(1e-2), epochs=10,
        batch_size=64, seed=0)
    return model, (Xtr, y[train]), (Xte, y[test])


def _matrix(singular, n_in, n_out, seed=0):
    """A matrix of shape (n_in, n_out) with the given singular values."""
    rng = np.random.default_rng(seed)
    A = np.linalg.qr(rng.normal(size=(n_in, n_in)))[0][:, :len(singular)]
    B = np.linalg.qr(rng.normal(size=(n_out, n_out)))[0][:, :len(singular)]
    return A @ np.diag(singular) @ B.T


def _net(W):
    layer = nn.Linear(*W.shape, rng=0)
    layer.W, layer.b = W, np.arange(W.shape[1], dtype=float)
    return nn.Sequential(layer, nn.ReLU())


def test_layer_forward_is_the_product_of_the_factors():
    rng = np.random.default_rng(1)
    U, V, b = rng.normal(size=(5, 2)), rng.normal(size=(2, 3)), rng.normal(size=3)
    layer = nn.LowRankLinear(U, V, b)
    x = rng.normal(size=(4, 5))
    np.testing.assert_allclose(layer(x), x @ (U @ V) + b, rtol=1e-13)
    np.testing.assert_allclose(layer.weight(), U @ V)
    assert (layer.num_stored(), layer.nbytes()) == (2 * (5 + 3) + 3, 8 * 19)
    assert layer.spec() == {"kind": "lowrank", "in": 5, "out": 3, "rank": 2, "bias": True}
    with pytest.raises(ValueError, match="LowRankLinear: U .* share a rank"):
        nn.LowRankLinear(U, V.T)
    with pytest.raises(nn.ShapeError, match="LowRankLinear"):
        layer(np.ones((4, 3)))


def test_full_rank_reproduces_the_layer():
    W = np.random.default_rng(2).normal(size=(6, 9))
    U, V = svd_factors(W, 6)
    np.testing.assert_allclose(U @ V, W, atol=1e-12, rtol=0)
    # the two factors share the singular values' square roots: equal column/row norms
    np.testing.assert_allclose(np.linalg.norm(U, axis=0), np.linalg.norm(V, axis=1), rtol=1e-12)
    x = np.random.default_rng(3).normal(size=(7, 6))
    full = nn.LowRankLinear(U, V, np.arange(9.0))
    np.testing.assert_allclose(full(x), x @ W + np.arange(9.0), atol=1e-12, rtol=0)
    # a matrix of rank 2, factorized by low_rank at rank 2, is reproduced exactly
    net = _net(_matrix([5.0, 0.5], 12, 8))
    small = low_rank(net, rank=2)
    x = np.random.default_rng(4).normal(size=(7, 12))
    np.testing.assert_allclose(small(x), net(x), atol=1e-12, rtol=0)
    with pytest.raises(ValueError, match="svd_factors: rank 7"):
        svd_factors(W, 7)


def test_energy_and_size_choose_the_documented_rank():
    s = np.array([4.0, 3.0, 2.0, 1.0])  # s^2 = 16, 9, 4, 1 of 30
    net = _net(_matrix(s, 20, 30))
    for energy, r in [(16 / 30, 1), (0.54, 2), (25 / 30, 2), (0.9, 3), (29 / 30, 3), (1.0, 4)]:
        assert low_rank(net, energy=energy)[0].rank == r, energy
    # size: the largest r with r * (20 + 30) <= size * 600
    for size, r in [(50 / 600, 1), (0.2, 2), (150 / 600, 3), (0.3, 3)]:
        assert low_rank(net, size=size)[0].rank == r, size
    # truncation error is the dropped energy (Eckart-Young)
    approx = low_rank(net, rank=2)[0].weight()
    assert np.linalg.norm(approx - net[0].W) ** 2 == pytest.approx(4 + 1, rel=1e-10)


def test_a_rank_that_saves_nothing_keeps_the_linear_layer():
    net = _net(_matrix([3.0, 2.0, 1.0], 4, 6))
    with pytest.warns(UserWarning, match=r"layer 0 \(Linear\(4 -> 6\)\) kept as Linear: rank 3"):
        kept = low_rank(net, rank=3)  # 3 * (4 + 6) = 30 >= 24
    assert type(kept[0]) is nn.Linear and kept[0] is not net[0]
    np.testing.assert_array_equal(kept[0].W, net[0].W)
    row = parameter_counts(net, kept)[0]
    assert row["kept"] and row["rank"] is None and row["seed_after"] == 24


def test_bad_arguments_are_refused():
    net = _net(np.ones((4, 6)))
    with pytest.raises(ValueError, match="low_rank: rank 5 is larger than min\\(in, out\\) = 4 "
                                         "of layer 0"):
        low_rank(net, rank=5)
    with pytest.raises(ValueError, match="exactly one of rank, energy or size"):
        low_rank(net, rank=1, energy=0.5)
    with pytest.raises(ValueError, match="exactly one"):
        low_rank(net)
    for kw in [{"rank": 0}, {"rank": 1.5}, {"energy": 0.0}, {"energy": 1.5}, {"size": -0.1}]:
        with pytest.raises(ValueError, match="low_rank: "):
            low_rank(net, **kw)
    with pytest.raises(ValueError, match="size 0.01 leaves less than rank 1"):
        low_rank(net, size=0.01)
    with pytest.raises(ValueError, match="layer 1 \\(ReLU\\(\\)\\) is not a Linear"):
        low_rank(net, rank=1, layers=[1])
    with pytest.raises(ValueError, match="expected an nn.Sequential"):
        low_rank(net[0], rank=1)
    bad = _net(np.full((4, 6), np.nan))
    with pytest.raises(ValueError, match="layer 0 .* non-finite weights"):
        low_rank(bad, rank=1)


def test_parameter_counts_match_the_seed_formula(digits):
    model = digits[0]
    small = low_rank(model, rank=8)
    rows = parameter_counts(model, small)
    assert [(r["layer"], r["rank"]) for r in rows] == [(0, 8), (2, 8)]
    for row, old, new in zip(rows, [model[0], model[2]], [small[0], small[2]], strict=True):
        m1, m2 = row["in"], row["out"]
        assert row["seed_before"] == old.W.size == m1 * m2
        assert row["seed_after"] == new.U.size + new.V.size == 8 * (m1 + m2)
        harmonic = 2 * m1 * m2 / (m1 + m2)
        assert row["seed_ratio"] == pytest.approx(harmonic / (2 * 8))
        assert row["stored_before"] - row["seed_before"] == m2  # the bias
        assert row["stored_after"] - row["seed_after"] == m2
    assert small.num_parameters() == sum(r["stored_after"] for r in rows)


def test_only_the_listed_layers_and_the_input_is_unchanged(digits):
    model = digits[0]
    before = {k: v.copy() for k, v in model.state_dict().items()}
    small = low_rank(model, energy=0.9, layers=[0])
    assert [type(m).__name__ for m in small] == ["LowRankLinear", "ReLU", "Linear"]
    assert small[2] is not model[2]
    small[2].W[...] = 0.0
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, before[k])


def test_fine_tuning_recovers_the_truncated_model(digits):
    model, train, (X, y) = digits
    original = accuracy(predict(model, X), y)
    small = low_rank(model, rank=6)  # 1286 of 4810 numbers
    truncated = accuracy(predict(small, X), y)
    fit(small, nn.softmax_cross_entropy, train, optim.adam(3e-3), epochs=5, batch_size=64)
    tuned = accuracy(predict(small, X), y)
    assert original > 0.95
    # measured: 0.986 trained, 0.853 truncated, 0.966 after 5 epochs of fine-tuning
    assert truncated < original - 0.05
    assert tuned > truncated + 0.05 and tuned > original - 0.03
    assert type(small[0]) is nn.LowRankLinear and small[0].rank == 6


def test_checkpoint_round_trip(digits, tmp_path):
    model, _, (X, _) = digits
    small = low_rank(model, energy=0.8)
    config = {"inputs": 64, "hidden": [64], "outputs": 10, "compressed": layer_specs(small)}
    path = os.path.join(tmp_path, "lowrank.npz")
    save_checkpoint(path, small, config=config)
    loaded = load_checkpoint(path).load_into(mlp_from_config(load_checkpoint(path).config))
    assert [type(m) for m in loaded] == [type(m) for m in small]
    np.testing.assert_array_equal(predict(loaded, X), predict(small, X))
