"""PCA whitening (seed 003, section 3.3.2, eqs. 3.36-3.37)."""

import numpy as np
import pytest

from chainrule.data import PCAWhitener, load_digits


def correlated(n, seed=0):
    rng = np.random.default_rng(seed)
    mixing = np.array([[2.0, 0.5, 0.0], [0.0, 1.0, 0.3], [0.0, 0.0, 0.2]])
    return rng.normal(size=(n, 3)) @ mixing + np.array([5.0, -1.0, 2.0])


def cov(Z):
    D = Z - Z.mean(0)
    return D.T @ D / len(Z)


def test_identity_covariance_on_train_not_on_test():
    train, test = correlated(400, 0), correlated(400, 1) * 1.5
    w = PCAWhitener().fit(train)
    Z = w.transform(train)
    np.testing.assert_allclose(Z.mean(0), 0.0, atol=1e-12)
    np.testing.assert_allclose(cov(Z), np.eye(3), atol=1e-10)
    assert not np.allclose(cov(w.transform(test)), np.eye(3), atol=0.1)


def test_matches_hand_computed_two_by_two():
    # Covariance [[2, 1], [1, 2]] has eigenvalues 3 (direction (1, 1)/sqrt 2) and 1.
    signs = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    X = signs @ np.array([[np.sqrt(1.5), np.sqrt(1.5)], [np.sqrt(0.5), -np.sqrt(0.5)]])
    assert np.allclose(cov(X), [[2.0, 1.0], [1.0, 2.0]])
    w = PCAWhitener().fit(X)
    state = w.get_state()
    np.testing.assert_allclose(state["eigenvalues"], [3.0, 1.0])
    np.testing.assert_allclose(state["components"][:, 0], [np.sqrt(0.5), np.sqrt(0.5)])
    point = np.array([[1.0, 1.0]])  # projects to sqrt 2 on the first axis, 0 on the second
    np.testing.assert_allclose(w.transform(point), [[np.sqrt(2) / np.sqrt(3), 0.0]], atol=1e-12)


def test_drops_directions_with_tiny_eigenvalues():
    rng = np.random.default_rng(2)
    A = rng.normal(size=(300, 2))
    X = np.column_stack([A, A[:, 0] + A[:, 1], 1e-4 * rng.normal(size=300)])
    w = PCAWhitener(threshold=1e-5).fit(X)
    assert w.n_features_in == 4 and w.n_features_out == 2
    spectrum = w.get_state()["spectrum"]
    assert spectrum.shape == (4,) and np.all(np.diff(spectrum) <= 0)
    assert spectrum[2] < 1e-5 and abs(spectrum[3]) < 1e-12
    Z = w.transform(X)
    assert Z.shape == (300, 2)
    np.testing.assert_allclose(cov(Z), np.eye(2), atol=1e-10)
    # The kept directions span the data up to the tiny fourth column: projection back is close.
    np.testing.assert_allclose(w.inverse_transform(Z), X, atol=1e-3)
    assert PCAWhitener(threshold=1e-9).fit(X).n_features_out == 3
    assert PCAWhitener(n_components=1).fit(X).n_features_out == 1


def test_epsilon_regularizes_instead_of_dropping():
    X = correlated(500)
    eps = 0.05
    w = PCAWhitener(threshold=None, epsilon=eps).fit(X)
    lam = w.get_state()["eigenvalues"]
    assert lam.shape == (3,)
    np.testing.assert_allclose(cov(w.transform(X)), np.diag(lam / (lam + eps)), atol=1e-10)
    np.testing.assert_allclose(w.inverse_transform(w.transform(X)), X, atol=1e-10)


def test_sample_estimates_from_a_seeded_subset():
    X, _ = load_digits()
    full = PCAWhitener().fit(X)
    a = PCAWhitener(sample=600, seed=3).fit(X)
    b = PCAWhitener(sample=600, seed=3).fit(X)
    c = PCAWhitener(sample=600, seed=4).fit(X)
    assert all(np.array_equal(a.get_state()[k], b.get_state()[k]) for k in a.get_state())
    assert not np.array_equal(a.get_state()["mean"], c.get_state()["mean"])
    assert not np.array_equal(a.get_state()["mean"], full.get_state()["mean"])
    np.testing.assert_allclose(a.get_state()["mean"], full.get_state()["mean"], atol=0.6)
    # Three pixels are blank in every image: their zero eigenvalues are dropped.
    assert np.sum(X.std(0) == 0) == 3 and full.n_features_out == 61


def test_state_round_trip_and_sign_convention():
    X = correlated(200)
    w = PCAWhitener(epsilon=1e-3).fit(X)
    state = w.get_state()
    P = state["components"]
    rows = np.argmax(np.abs(P), axis=0)
    assert np.all(P[rows, np.arange(P.shape[1])] > 0)
    restored = PCAWhitener().set_state(state)
    assert restored.epsilon == 1e-3
    assert np.array_equal(restored.transform(X), w.transform(X))
    again = PCAWhitener(epsilon=1e-3).fit(X.copy())
    assert np.array_equal(again.get_state()["components"], P)


def test_errors():
    with pytest.raises(ValueError, match="no covariance eigenvalue above threshold"):
        PCAWhitener().fit(np.ones((5, 3)))
    w = PCAWhitener().fit(correlated(50))
    with pytest.raises(ValueError, match="X has 2 columns .* 3 columns"):
        w.transform(np.ones((1, 2)))
    with pytest.raises(ValueError, match="expected mean"):
        PCAWhitener().set_state({**w.get_state(), "components": np.ones((3, 1))})
    with pytest.raises(ValueError, match="epsilon must be >= 0"):
        PCAWhitener(epsilon=-1.0)
    with pytest.raises(ValueError, match="sample must be at least 2"):
        PCAWhitener(sample=1)
