"""Stratified train / validation / test splits."""

import numpy as np
import pytest

from chainrule.data import load_digits, load_iris, split_indices, stratified_split


def check_partition(parts, n):
    joined = np.concatenate(parts)
    assert np.array_equal(np.sort(joined), np.arange(n))


def test_iris_proportions_exact():
    X, y = load_iris()
    train, val, test = stratified_split(X, y, val=0.2, test=0.2, seed=0)
    assert [len(part[1]) for part in (train, val, test)] == [90, 30, 30]
    assert np.bincount(train[1]).tolist() == [30, 30, 30]
    assert np.bincount(val[1]).tolist() == [10, 10, 10]
    assert np.bincount(test[1]).tolist() == [10, 10, 10]
    # Rows stay paired with their labels.
    index = {tuple(row): label for row, label in zip(X.tolist(), y.tolist(), strict=True)}
    assert all(index[tuple(row)] == label for row, label in zip(val[0].tolist(), val[1].tolist(),
                                                                 strict=True))


def test_digits_proportions_per_class():
    _, y = load_digits()
    parts = split_indices(y, val=0.15, test=0.25, seed=1)
    check_partition(parts, len(y))
    assert [len(p) for p in parts] == [1797 - 270 - 449, 270, 449]
    counts = np.bincount(y)
    for part, fraction in zip(parts[1:], (0.15, 0.25), strict=True):
        assert np.all(np.abs(np.bincount(y[part], minlength=10) - fraction * counts) <= 1)


def test_every_class_in_every_part_when_possible():
    y = np.array([0] * 40 + [1] * 3 + [2] * 5)
    train, val, test = split_indices(y, val=0.1, test=0.1, seed=0)
    for part in (train, val, test):
        assert set(y[part].tolist()) == {0, 1, 2}
    assert np.bincount(y[val]).tolist()[1] == 1 and np.bincount(y[train]).tolist()[1] == 1


def test_small_class_error():
    y = np.array([0, 0, 0, 0, 1, 1])
    with pytest.raises(ValueError, match=r"class 1 has 2 sample\(s\).*at least 3 per class"):
        split_indices(y, val=0.2, test=0.2, seed=0)
    train, val, test = split_indices(y, val=0.3, test=0.0, seed=0)
    assert len(test) == 0 and set(y[val].tolist()) == {0, 1}


def test_deterministic_and_seed_dependent():
    _, y = load_iris()
    a = split_indices(y, seed=5)
    b = split_indices(y, seed=5)
    c = split_indices(y, seed=6)
    assert all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))
    assert not np.array_equal(a[0], c[0])
    check_partition(a, 150)


def test_regression_targets_are_split_without_stratifying():
    y = np.linspace(0, 1, 20).reshape(-1, 1)
    X = np.arange(20.0)[:, None]
    train, val, test = stratified_split(X, y, val=0.25, test=0.25, seed=0)
    assert [len(p[0]) for p in (train, val, test)] == [10, 5, 5]
    np.testing.assert_allclose(train[0][:, 0] / 19, train[1][:, 0])
    with pytest.raises(ValueError, match="stratify=True needs 1-D integer class labels"):
        split_indices(y, stratify=True)


def test_bad_fractions_and_shapes():
    y = np.zeros(10, int)
    with pytest.raises(ValueError, match="val \\+ test < 1"):
        split_indices(y, val=0.5, test=0.5)
    with pytest.raises(ValueError, match="must each be in"):
        split_indices(y, val=-0.1)
    with pytest.raises(ValueError, match="X has 3 rows but y has 10"):
        stratified_split(np.ones((3, 2)), y)
