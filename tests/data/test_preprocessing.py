"""Centering, standardization, min-max scaling and one-hot encoding (seed 003, section 3.3.2)."""

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from chainrule.data import MeanCenterer, MinMaxScaler, OneHotEncoder, Standardizer

SCALERS = [MeanCenterer, Standardizer, MinMaxScaler]


def train_test(seed=0):
    rng = np.random.default_rng(seed)
    scale = np.array([1.0, 100.0, 0.01])
    return rng.normal(2.0, 1.0, (200, 3)) * scale, rng.normal(3.0, 2.0, (50, 3)) * scale


def test_standardizer_hand_computed():
    # Column 0: mean 2, population std 1. Column 1: mean 20, std sqrt(200/3).
    X = np.array([[1.0, 10.0], [3.0, 20.0], [2.0, 30.0]])
    s = Standardizer().fit(X)
    state = s.get_state()
    np.testing.assert_allclose(state["mean"], [2.0, 20.0])
    np.testing.assert_allclose(state["scale"], [np.sqrt(2 / 3), np.sqrt(200 / 3)])
    np.testing.assert_allclose(s.transform([[2.0, 20.0 + np.sqrt(200 / 3)]]), [[0.0, 1.0]])


@pytest.mark.parametrize("cls", SCALERS)
def test_fitted_on_train_only(cls):
    train, test = train_test()
    p = cls().fit(train)
    before = p.get_state()
    Z_test = p.transform(test)
    # Applying to test data must not refit: the state is unchanged and test statistics differ.
    for key, value in p.get_state().items():
        assert np.array_equal(value, before[key])
    refit = cls().fit_transform(test)
    assert not np.allclose(Z_test, refit)
    np.testing.assert_allclose(p.inverse_transform(Z_test), test, rtol=1e-12)


def test_train_statistics_after_transform():
    train, test = train_test()
    Z = Standardizer().fit(train).transform(train)
    np.testing.assert_allclose(Z.mean(0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(0), 1.0)
    Zt = Standardizer().fit(train).transform(test)
    assert np.all(Zt.mean(0) > 0.5)  # test data were drawn with a larger mean
    C = MeanCenterer().fit(train)
    np.testing.assert_allclose(C.transform(train).mean(0), 0.0, atol=1e-9)
    M = MinMaxScaler().fit(train)
    Zm = M.transform(train)
    np.testing.assert_allclose(Zm.min(0), 0.0, atol=1e-15)
    np.testing.assert_allclose(Zm.max(0), 1.0)
    assert M.transform(test).max() > 1.0  # test values beyond the training range map beyond 1


def test_min_max_feature_range_and_eq_3_35():
    X = np.array([[1.0, -4.0], [3.0, 4.0], [2.0, 0.0]])
    m = MinMaxScaler(feature_range=(-1.0, 1.0)).fit(X)
    np.testing.assert_allclose(m.transform(X), [[-1.0, -1.0], [1.0, 1.0], [0.0, 0.0]])
    np.testing.assert_allclose((X - X.min(0)) / np.ptp(X, 0), MinMaxScaler().fit_transform(X))
    restored = MinMaxScaler().set_state(m.get_state())
    assert restored.feature_range == (-1.0, 1.0)
    np.testing.assert_allclose(restored.transform(X), m.transform(X))


def test_constant_columns_are_handled():
    X = np.array([[0.1, 1.0], [0.1, 2.0], [0.1, 3.0]])
    for cls in (Standardizer, MinMaxScaler):
        p = cls().fit(X)
        Z = p.transform(X)
        assert np.all(np.isfinite(Z))
        np.testing.assert_allclose(Z[:, 0], 0.0, atol=1e-15)
        np.testing.assert_allclose(p.inverse_transform(Z), X)
    assert Standardizer().fit(X).get_state()["scale"][0] == 1.0


@pytest.mark.parametrize("cls", SCALERS)
def test_wrong_width_names_both_widths(cls):
    p = cls().fit(np.ones((4, 3)) * np.arange(4)[:, None])
    with pytest.raises(ValueError, match=r"transform: X has 5 columns .* with 3 columns"):
        p.transform(np.ones((2, 5)))
    with pytest.raises(ValueError, match=r"inverse_transform: X has 2 columns .* 3 columns"):
        p.inverse_transform(np.ones((2, 2)))
    with pytest.raises(ValueError, match="2-D array"):
        p.transform(np.ones(3))


@pytest.mark.parametrize("cls", SCALERS)
def test_unfitted_and_bad_input_errors(cls):
    with pytest.raises(ValueError, match=f"{cls.__name__}.transform: not fitted"):
        cls().transform(np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"X\[1, 0\] is nan"):
        cls().fit(np.array([[1.0], [np.nan]]))
    with pytest.raises(ValueError, match="set_state: missing"):
        cls().set_state({})


@pytest.mark.parametrize("cls", SCALERS)
def test_state_survives_an_npz_checkpoint(cls):
    train, test = train_test(1)
    p = cls().fit(train)
    buffer = io.BytesIO()
    np.savez(buffer, **p.get_state())
    buffer.seek(0)
    with np.load(buffer, allow_pickle=False) as saved:
        q = cls().set_state(dict(saved))
    assert np.array_equal(q.transform(test), p.transform(test))


def test_set_state_checks_shapes():
    with pytest.raises(ValueError, match="1-D arrays of one length"):
        Standardizer().set_state({"mean": np.zeros(3), "scale": np.ones(2)})


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(2, 8), st.integers(1, 4)),
              elements=st.floats(-1e6, 1e6)))
def test_standardizer_inverse_round_trip(X):
    s = Standardizer().fit(X)
    np.testing.assert_allclose(s.inverse_transform(s.transform(X)), X, rtol=1e-9, atol=1e-6)


def test_one_hot_round_trip_and_fixed_class_count():
    y = np.array([0, 3, 1, 3, 2])
    enc = OneHotEncoder().fit(y)
    Y = enc.transform(y)
    assert Y.shape == (5, 4) and Y.dtype == np.float64
    assert np.array_equal(Y.sum(1), np.ones(5)) and np.array_equal(Y.argmax(1), y)
    assert np.array_equal(enc.inverse_transform(Y), y)
    assert enc.transform(np.array([1])).tolist() == [[0.0, 1.0, 0.0, 0.0]]
    wide = OneHotEncoder(n_classes=6).fit(y)
    assert wide.transform(y).shape == (5, 6)
    assert OneHotEncoder().set_state(enc.get_state()).n_classes == 4


def test_one_hot_errors():
    enc = OneHotEncoder().fit(np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"label 3 at position 1 is outside 0\.\.2"):
        enc.transform(np.array([0, 3]))
    with pytest.raises(ValueError, match=r"label -1 at position 0"):
        enc.transform(np.array([-1]))
    with pytest.raises(ValueError, match=r"expected shape \(n, 3\).*got \(1, 4\)"):
        enc.inverse_transform(np.zeros((1, 4)))
    with pytest.raises(TypeError, match="whole numbers"):
        enc.transform(np.array([0.5]))
    with pytest.raises(ValueError, match="label 4 but n_classes=3"):
        OneHotEncoder(n_classes=3).fit(np.array([4]))
    with pytest.raises(ValueError, match="not fitted"):
        OneHotEncoder().transform(np.array([0]))
    assert enc.transform(np.array([2.0])).tolist() == [[0.0, 0.0, 1.0]]
