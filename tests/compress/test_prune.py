"""Magnitude pruning, SparseLinear, iterative pruning with masked fine-tuning, L1 sparsification."""

import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn, optim
from chainrule.backend import BackendError
from chainrule.compress.prune import (
    cubic_schedule,
    l1_sparsify,
    magnitude_prune,
    prune_iteratively,
    sparsity,
)
from chainrule.data import Standardizer, load_digits, stratified_split
from chainrule.nn.specs import layer_specs
from chainrule.train import evaluate, fit, load_checkpoint, save_checkpoint
from chainrule.train.mlp import build_mlp, mlp_from_config

CONFIG = {"inputs": 64, "hidden": [64], "outputs": 10, "activation": "relu"}


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits()
    train, _, test = stratified_split(X, y, val=0.1, test=0.2, seed=0)
    scaler = Standardizer().fit(train[0])
    return (scaler.transform(train[0]), train[1]), (scaler.transform(test[0]), test[1])


@pytest.fixture(scope="module")
def trained(digits):
    net = build_mlp(**CONFIG, seed=0)
    fit(net, nn.softmax_cross_entropy, digits[0], optim.adam(1e-2), epochs=10, batch_size=32)
    return net


def _dense(layer):
    return layer.weight() if isinstance(layer, nn.SparseLinear) else layer.W


def test_per_layer_sparsity_is_exact_and_keeps_the_largest(trained):
    pruned = magnitude_prune(trained, sparsity=0.9)
    for old, new in zip(trained.layers[::2], pruned.layers[::2], strict=True):
        assert isinstance(new, nn.SparseLinear)
        W = _dense(new)
        n = W.size
        assert n - np.count_nonzero(W) == round(0.9 * n)
        kept = W != 0
        np.testing.assert_array_equal(W[kept], old.W[kept])
        assert np.abs(old.W[kept]).min() >= np.abs(old.W[~kept]).max()
        np.testing.assert_array_equal(new.b, old.b)  # biases untouched
    assert sparsity(pruned) == pytest.approx((round(0.9 * 4096) + round(0.9 * 640)) / 4736)


def test_global_scope_has_one_threshold(trained):
    pruned = magnitude_prune(trained, sparsity=0.8, scope="global")
    total = 64 * 64 + 64 * 10
    assert sparsity(pruned) == round(0.8 * total) / total
    kept = np.concatenate([np.abs(_dense(p)[_dense(p) != 0]) for p in pruned.layers[::2]])
    gone = np.concatenate([np.abs(t.W[_dense(p) == 0])
                           for t, p in zip(trained.layers[::2], pruned.layers[::2], strict=True)])
    assert kept.min() >= gone.max()
    per_layer = [1 - p.values.size / p.weight().size for p in pruned.layers[::2]]
    assert per_layer[0] != pytest.approx(per_layer[1])  # the layers lose different shares


def test_threshold_mode_and_layer_choice(trained):
    t = 0.1
    pruned = magnitude_prune(trained, threshold=t, layers=[0])
    np.testing.assert_array_equal(pruned.layers[0].weight(),
                                  np.where(np.abs(trained.layers[0].W) >= t, trained.layers[0].W,
                                           0.0))
    assert type(pruned.layers[2]) is nn.Linear  # not chosen: stays dense
    np.testing.assert_array_equal(pruned.layers[2].W, trained.layers[2].W)
    both = magnitude_prune(trained, threshold=t, scope="global")
    np.testing.assert_array_equal(both.layers[0].values, pruned.layers[0].values)
    assert magnitude_prune(trained, threshold=t, layers=[-1]).layers[2].kind == "sparse"


def test_the_input_model_is_unchanged(trained):
    before = {k: v.copy() for k, v in trained.state_dict().items()}
    pruned = magnitude_prune(trained, sparsity=0.5, scope="global")
    pruned.layers[0].values[:] = 7.0
    pruned.layers[0].b[:] = 7.0
    after = trained.state_dict()
    assert [type(m) for m in trained.layers] == [nn.Linear, nn.ReLU, nn.Linear]
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_pruning_a_sparse_layer_prunes_among_its_kept_weights(trained):
    half = magnitude_prune(trained, sparsity=0.5)
    more = magnitude_prune(half, sparsity=0.8)
    assert set(more.layers[0].index.tolist()) < set(half.layers[0].index.tolist())
    assert sparsity(more) == sparsity(magnitude_prune(trained, sparsity=0.8))
    # a lower target cannot revive weights
    np.testing.assert_array_equal(magnitude_prune(more, sparsity=0.1).layers[0].index,
                                  more.layers[0].index)


def test_sparse_linear_forward_equals_masked_dense():
    rng = np.random.default_rng(1)
    dense = nn.Linear(64, 128, rng=2)
    dense.b = rng.normal(size=128)
    mask = rng.random((64, 128)) < 0.1
    sparse = nn.SparseLinear.from_linear(dense, mask)
    assert sparse.index.dtype == np.uint16 and sparse.values.size == mask.sum()
    X = rng.normal(size=(20, 64))
    expected = X @ np.where(mask, dense.W, 0.0) + dense.b
    assert np.abs(sparse(X) - expected).max() <= 1e-15
    np.testing.assert_array_equal(sparse.to_linear().W, np.where(mask, dense.W, 0.0))
    assert sparse.num_stored() == 2 * mask.sum() + 128
    assert sparse.nbytes() == 8 * mask.sum() + 2 * mask.sum() + 8 * 128
    empty = nn.SparseLinear.from_linear(dense, np.zeros((64, 128), bool))
    np.testing.assert_array_equal(empty(X), np.tile(dense.b, (20, 1)))


def test_gradient_of_values_is_the_dense_gradient_at_kept_positions():
    rng = np.random.default_rng(3)
    dense = nn.Linear(5, 4, rng=0)
    mask = rng.random((5, 4)) < 0.5
    sparse = nn.SparseLinear.from_linear(dense, mask)
    X, y = rng.normal(size=(6, 5)), rng.integers(0, 4, 6)

    def loss(m):
        return nn.softmax_cross_entropy(np.tanh(m(X)), y)

    g = cr.grad(loss)(sparse)
    masked = nn.Linear(5, 4, rng=0)
    masked.W = np.where(mask, dense.W, 0.0)
    gd = cr.grad(loss)(masked)
    np.testing.assert_allclose(g.values, gd.W[mask], rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(g.b, gd.b, rtol=1e-13, atol=1e-15)
    h = 1e-6  # central differences on every value
    for k in range(sparse.values.size):
        up, down = sparse.clone(), sparse.clone()
        up.values[k] += h
        down.values[k] -= h
        assert g.values[k] == pytest.approx((loss(up) - loss(down)) / (2 * h), abs=1e-8)


@pytest.mark.parametrize("make", [lambda: optim.adam(1e-2), lambda: optim.momentum(0.1, 0.9)])
def test_masked_weights_stay_zero_through_fit(trained, digits, make):
    pruned = magnitude_prune(trained, sparsity=0.9)
    start = [(layer.values.copy(), layer.index.copy()) for layer in pruned.layers[::2]]
    X, y = digits[0]
    grads = cr.grad(lambda m: nn.softmax_cross_entropy(m(X), y))(pruned).layers[::2]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the compiled step must not fall back to eager
        fit(pruned, nn.softmax_cross_entropy, digits[0], make(), epochs=3, batch_size=64)
    eager = magnitude_prune(trained, sparsity=0.9)
    fit(eager, nn.softmax_cross_entropy, digits[0], make(), epochs=3, batch_size=64, jit=False)
    for layer, (values, index), other, g in zip(pruned.layers[::2], start, eager.layers[::2],
                                                grads, strict=True):
        np.testing.assert_array_equal(layer.index, index)
        pruned_positions = np.setdiff1d(np.arange(layer.weight().size), index)
        assert pruned_positions.size == round(0.9 * layer.weight().size)
        assert np.all(layer.weight().ravel()[pruned_positions] == 0.0)
        assert np.all(layer.to_linear().W.ravel()[pruned_positions] == 0.0)
        # the kept weights train (all but those of units pruning has left dead)
        assert np.all((layer.values != values)[g.values != 0]) and np.mean(g.values != 0) > 0.5
        np.testing.assert_allclose(layer.values, other.values, rtol=1e-9, atol=1e-12)


def test_iterative_pruning_reaches_ninety_percent_on_digits(digits):
    dense = build_mlp(64, [128], 10, seed=0)  # the network
    fit(dense, nn.softmax_cross_entropy, digits[0], optim.adam(1e-2), epochs=10, batch_size=32)
    dense_acc = evaluate(dense, None, digits[1])["accuracy"]
    model, rounds = prune_iteratively(dense, nn.softmax_cross_entropy, digits[0],
                                      optim.adam(1e-2), 0.9, steps=5, epochs_per_step=4,
                                      batch_size=32, scope="global", validation=digits[1])
    assert [r["step"] for r in rounds] == [1, 2, 3, 4, 5]
    np.testing.assert_allclose([r["target"] for r in rounds], cubic_schedule(0.9, 5))
    assert all(r["sparsity"] == pytest.approx(r["target"], abs=1e-3) for r in rounds)
    assert sparsity(model) == pytest.approx(0.9, abs=1e-3)
    acc = evaluate(model, None, digits[1])["accuracy"]
    assert rounds[-1]["val_accuracy"] == pytest.approx(acc)
    print(f"dense {dense_acc:.4f}, 90 % sparse after iterative pruning {acc:.4f}")
    assert acc >= dense_acc - 0.02


def test_l1_sparsify_zeroes_more_than_training_without_it(trained, digits):
    data = digits[0]
    pruned, zeroed = l1_sparsify(trained, nn.softmax_cross_entropy, data, optim.adam(1e-2),
                                 l1=5.0, epochs=5, batch_size=64, threshold=1e-2)
    _, plain = l1_sparsify(trained, nn.softmax_cross_entropy, data, optim.adam(1e-2),
                           l1=0.0, epochs=5, batch_size=64, threshold=1e-2)
    assert zeroed == pytest.approx(sparsity(pruned))
    assert zeroed > 0.5 > plain
    assert evaluate(pruned, None, digits[1])["accuracy"] > 0.85


def test_checkpoint_round_trip(trained, tmp_path, digits):
    pruned = magnitude_prune(trained, sparsity=0.9, scope="global")
    config = {**CONFIG, "compressed": layer_specs(pruned)}
    assert config["compressed"][0] == {"index": 0, "kind": "sparse", "in_features": 64,
                                       "out_features": 64, "kept": pruned.layers[0].values.size,
                                       "bias": True}
    save_checkpoint(tmp_path / "c.npz", pruned, config={"model": config})
    checkpoint = load_checkpoint(tmp_path / "c.npz")
    rebuilt = checkpoint.load_into(mlp_from_config(checkpoint.config["model"]))
    assert rebuilt.layers[0].index.dtype == np.uint16
    np.testing.assert_array_equal(rebuilt.layers[0].index, pruned.layers[0].index)
    np.testing.assert_array_equal(rebuilt(digits[1][0]), pruned(digits[1][0]))


@pytest.mark.parametrize("kwargs, match", [
    ({"sparsity": -0.1}, r"magnitude_prune: sparsity .* \[0, 1\), got -0.1"),
    ({"sparsity": 1.0}, r"got 1.0"),
    ({"sparsity": 0.5, "threshold": 0.1}, "exactly one of sparsity and threshold"),
    ({}, "exactly one of sparsity and threshold"),
    ({"threshold": -1.0}, "threshold must be a finite number"),
    ({"sparsity": 0.5, "scope": "all"}, "scope must be 'layer' or 'global'"),
    ({"sparsity": 0.5, "layers": [1]}, r"layer 1 \(ReLU\(\)\) is not a Linear layer"),
    ({"sparsity": 0.5, "layers": [3]}, "layers names layer 3"),
])
def test_bad_input(trained, kwargs, match):
    with pytest.raises(ValueError, match=match):
        magnitude_prune(trained, **kwargs)


def test_bad_models_and_weights(trained, digits):
    with pytest.raises(ValueError, match="magnitude_prune: the model must be an nn.Sequential"):
        magnitude_prune(nn.Linear(3, 2, rng=0), sparsity=0.5)
    with pytest.raises(ValueError, match="has no Linear layer"):
        magnitude_prune(nn.Sequential(nn.ReLU()), sparsity=0.5)
    broken = trained.clone()
    broken.layers[2].W[0, 0] = np.nan
    with pytest.raises(ValueError, match=r"layer 2 \(Linear\(64 -> 10\)\) has non-finite"):
        magnitude_prune(broken, sparsity=0.5)
    with pytest.raises(ValueError, match="prune_iteratively: sparsity"):
        prune_iteratively(trained, nn.softmax_cross_entropy, digits[0], optim.adam(), 1.0,
                          steps=2, epochs_per_step=1)
    with pytest.raises(ValueError, match="prune_iteratively: steps must be a positive"):
        prune_iteratively(trained, nn.softmax_cross_entropy, digits[0], optim.adam(), 0.5,
                          steps=0, epochs_per_step=1)
    with pytest.raises(ValueError, match="SparseLinear: index must be ascending"):
        nn.SparseLinear(2, 2, np.ones(2), np.array([3, 1]))


def test_another_librarys_arrays_are_refused_by_name():
    pytest.importorskip("array_api_strict", reason="array-api-strict (dev extra) not installed")
    from tests.strict_device import on_device

    layer = nn.SparseLinear(2, 2, np.ones(2), np.array([0, 3]))
    with pytest.raises(BackendError, match=r"SparseLinear .*to_linear\(\).* NumPy arrays only"):
        layer(on_device(np.ones((1, 2))))
