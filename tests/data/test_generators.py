"""Synthetic data generators: shapes, dtypes, geometry, determinism, bad input."""

import numpy as np
import pytest

from chainrule.data import make_blobs, make_moons, make_sine, make_spirals, make_xor

GENERATORS = [make_spirals, make_moons, make_xor, make_sine, make_blobs]


@pytest.mark.parametrize("make", GENERATORS)
def test_same_seed_same_data_other_seed_other_data(make):
    X1, y1 = make(50, seed=11)
    X2, y2 = make(50, seed=11)
    X3, _ = make(50, seed=12)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("make", GENERATORS)
def test_shared_generator_advances(make):
    rng = np.random.default_rng(5)
    a, _ = make(20, seed=rng)
    b, _ = make(20, seed=rng)
    assert not np.array_equal(a, b)
    rng = np.random.default_rng(5)
    assert np.array_equal(make(20, seed=rng)[0], a)


@pytest.mark.parametrize(
    "make, width, n_classes",
    [(make_spirals, 2, 2), (make_moons, 2, 2), (make_xor, 2, 2), (make_blobs, 2, 3)],
)
def test_classification_shapes_and_balance(make, width, n_classes):
    X, y = make(101, seed=0)
    assert X.shape == (101, width) and X.dtype == np.float64
    assert y.shape == (101,) and y.dtype == np.int64
    counts = np.bincount(y)
    assert counts.size == n_classes and counts.max() - counts.min() <= 1
    assert len(set(y[:20].tolist())) > 1  # rows are shuffled, not grouped by class


def test_moons_lie_on_their_circles_without_noise():
    X, y = make_moons(200, noise=0.0, seed=2)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    assert upper[:, 1].min() >= 0.0
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert lower[:, 1].max() <= 0.5


def test_spirals_angle_follows_radius():
    X, y = make_spirals(300, noise=0.0, turns=1.5, seed=4)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r.min() >= 0.1 - 1e-12 and r.max() <= 1.0 + 1e-12
    angle = 2 * np.pi * 1.5 * r + np.pi * y
    np.testing.assert_allclose(X, np.stack([r * np.cos(angle), r * np.sin(angle)], 1), atol=1e-12)


def test_xor_labels_and_quadrant_counts():
    X, y = make_xor(400, noise=0.0, seed=0)
    assert np.all(np.abs(X) <= 1.0)
    assert np.array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(np.int64))
    quadrant = 2 * (X[:, 0] > 0) + (X[:, 1] > 0)
    assert np.bincount(quadrant).tolist() == [100, 100, 100, 100]


def test_sine_noise_level():
    X, y = make_sine(20000, noise=0.3, frequency=2.0, interval=(0.0, 1.0), seed=0)
    assert X.shape == (20000, 1) and y.shape == (20000, 1) and y.dtype == np.float64
    assert X.min() >= 0.0 and X.max() <= 1.0
    residual = y - np.sin(2.0 * X)
    assert residual.std() == pytest.approx(0.3, rel=0.03)
    assert abs(residual.mean()) < 0.01


def test_blobs_with_given_centres():
    centres = np.array([[0.0, 0.0, 0.0], [5.0, 5.0, 5.0]])
    X, y = make_blobs(7, centers=centres, noise=0.0, seed=0)
    assert X.shape == (7, 3) and np.bincount(y).tolist() == [4, 3]
    assert np.array_equal(X, centres[y])
    X, y = make_blobs(4000, centers=centres, noise=0.5, seed=1)
    for k in range(2):
        np.testing.assert_allclose(X[y == k].mean(0), centres[k], atol=0.05)
        np.testing.assert_allclose(X[y == k].std(0), 0.5, rtol=0.06)


def test_blobs_random_centres_inside_box():
    X, y = make_blobs(30, centers=4, n_features=5, noise=0.0, box=(-1.0, 1.0), seed=0)
    assert X.shape == (30, 5) and np.bincount(y).size == 4
    assert np.all(np.abs(X) <= 1.0)


def test_bad_arguments():
    with pytest.raises(ValueError, match="make_moons: n_samples must be at least 2"):
        make_moons(1)
    with pytest.raises(TypeError, match="n_samples must be an int"):
        make_spirals(10.5)
    with pytest.raises(ValueError, match="noise must be a finite number >= 0"):
        make_xor(10, noise=-1.0)
    with pytest.raises(ValueError, match="interval"):
        make_sine(10, interval=(1.0, 1.0))
    with pytest.raises(ValueError, match="centers must be an int or an array"):
        make_blobs(10, centers=np.zeros(3))
    with pytest.raises(TypeError, match="seed must be an int"):
        make_moons(10, seed="abc")
    with pytest.raises(ValueError, match="turns"):
        make_spirals(10, turns=0)
