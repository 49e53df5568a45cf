"""Activations: values, derivatives (finite differences), kink conventions, stability."""

import warnings

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis.extra.numpy import arrays

import chainrule as cr
from chainrule import nn

# Points away from the kinks at 0 and +-1.
X = np.array([[-2.3, -0.7, -0.2, 0.3, 0.6, 1.7], [2.9, -1.4, 0.45, -0.55, 1.2, -3.1]])
BIG = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])

FUNCTIONS = {
    "identity": nn.identity,
    "sigmoid": nn.sigmoid,
    "tanh": nn.tanh,
    "relu": nn.relu,
    "leaky_relu": lambda x: nn.leaky_relu(x, 0.1),
    "hard_tanh": nn.hard_tanh,
    "softplus": nn.softplus,
    "softmax": nn.softmax,
    "softmax_axis0": lambda x: nn.softmax(x, axis=0),
    "log_softmax": nn.log_softmax,
    "log_softmax_axis0": lambda x: nn.log_softmax(x, axis=0),
}


def reference(name, x):
    if name in ("softmax", "log_softmax", "softmax_axis0", "log_softmax_axis0"):
        axis = 0 if name.endswith("axis0") else -1
        e = np.exp(x)
        s = e / e.sum(axis=axis, keepdims=True)
        return np.log(s) if name.startswith("log") else s
    return {
        "identity": x, "sigmoid": 1 / (1 + np.exp(-x)), "tanh": np.tanh(x),
        "relu": x * (x > 0), "leaky_relu": np.where(x > 0, x, 0.1 * x),
        "hard_tanh": np.clip(x, -1, 1), "softplus": np.log1p(np.exp(x)),
    }[name]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_values_and_gradients(name):
    f = FUNCTIONS[name]
    np.testing.assert_allclose(f(X), reference(name, X), rtol=1e-12, atol=1e-15)
    cr.check_grad(f, X)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_stable_at_plus_minus_1000(name):
    f = FUNCTIONS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            y = f(BIG)
            g = cr.elementwise_grad(lambda x: f(x))(BIG)
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(g))


def test_stable_values_at_the_extremes():
    np.testing.assert_array_equal(nn.sigmoid(BIG)[[0, 2, 4]], [0.0, 0.5, 1.0])
    np.testing.assert_allclose(nn.sigmoid(np.array([-50.0])), np.exp(-50.0), rtol=1e-12)
    np.testing.assert_array_equal(nn.softplus(BIG)[[0, 4]], [0.0, 1000.0])
    np.testing.assert_allclose(nn.log_softmax(np.array([1000.0, 0.0])), [0.0, -1000.0])
    np.testing.assert_allclose(cr.elementwise_grad(nn.sigmoid)(BIG)[[0, 2, 4]], [0, 0.25, 0])
    np.testing.assert_allclose(cr.elementwise_grad(nn.softplus)(BIG)[[0, 2, 4]], [0, 0.5, 1])


def test_kink_conventions():
    x = np.array([-1.0, 0.0, 1.0])
    np.testing.assert_array_equal(cr.elementwise_grad(nn.relu)(x), [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(cr.elementwise_grad(lambda v: nn.leaky_relu(v, 0.2))(x),
                                  [0.2, 0.2, 1.0])
    np.testing.assert_array_equal(cr.elementwise_grad(nn.hard_tanh)(np.array([-2.0, -1.0, 1.0,
                                                                               2.0])),
                                  [0.0, 1.0, 1.0, 0.0])


def test_softmax_rows_sum_to_one_and_float32_is_kept():
    s = nn.softmax(X.astype(np.float32))
    assert s.dtype == np.float32
    np.testing.assert_allclose(s.sum(-1), 1.0, rtol=1e-6)
    for f in FUNCTIONS.values():
        assert f(X.astype(np.float32)).dtype == np.float32


def test_module_wrappers_match_the_functions():
    pairs = [(nn.Identity(), nn.identity), (nn.Sigmoid(), nn.sigmoid), (nn.Tanh(), nn.tanh),
             (nn.ReLU(), nn.relu), (nn.HardTanh(), nn.hard_tanh), (nn.Softplus(), nn.softplus),
             (nn.Softmax(axis=0), lambda x: nn.softmax(x, 0)),
             (nn.LogSoftmax(), nn.log_softmax), (nn.LeakyReLU(0.3), lambda x: nn.leaky_relu(x, .3)),
             (nn.Lambda(np.sin), np.sin)]
    for module, f in pairs:
        np.testing.assert_array_equal(module(X), f(X))
        assert cr.tree_leaves(module) == []


def test_learned_leaky_relu_alpha():
    act = nn.LeakyReLU(0.25, learn_alpha=True)
    assert [n for n, _ in act.named_parameters()] == ["alpha"]
    g = cr.grad(lambda m: np.sum(m(X)))(act)
    np.testing.assert_allclose(g.alpha, np.sum(np.where(X > 0, 0.0, X)))
    cr.check_grad(lambda m, x: m(x), act, X)
    assert repr(act) == "LeakyReLU(alpha=0.25, learned)"


@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 5)),
              elements=st.floats(-1000, 1000)), st.floats(-500, 500))
@settings(max_examples=60, deadline=None)
def test_softmax_properties(x, shift):
    s = nn.softmax(x)
    np.testing.assert_allclose(s.sum(-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(nn.softmax(x + shift), s, rtol=1e-6, atol=1e-12)
    ls = nn.log_softmax(x)
    assert np.all(np.isfinite(ls)) and np.all(ls <= 0)
    np.testing.assert_allclose(np.exp(ls), s, rtol=1e-12, atol=1e-300)
    sig = nn.sigmoid(x)
    np.testing.assert_allclose(sig + nn.sigmoid(-x), 1.0, rtol=1e-12)


def test_nan_propagates_through_relu_and_leaky_relu():
    x = np.array([np.nan, -1.0, 0.0, 2.0, -np.inf, np.inf])
    np.testing.assert_array_equal(nn.relu(x), [np.nan, 0.0, 0.0, 2.0, 0.0, np.inf])
    np.testing.assert_array_equal(nn.leaky_relu(x[:4], 0.1), [np.nan, -0.1, 0.0, 2.0])
    assert cr.elementwise_grad(nn.relu)(x[1:4]).tolist() == [0.0, 0.0, 1.0]


def test_relu_is_one_primitive_for_floats_and_keeps_where_for_integers():
    x = np.array([-1.0, 0.0, 2.0], dtype=np.float32)
    value, back = cr.vjp(nn.relu, x)
    assert value.dtype == np.float32 and value.tolist() == [0.0, 0.0, 2.0]
    # the cotangent times the 0/1 mask: an infinite cotangent at a dead unit gives NaN there,
    # as in JAX (documented), and passes through a live one
    with np.errstate(invalid="ignore"):
        (g,) = back(np.array([np.inf, 1.0, np.inf], dtype=np.float32))
    assert np.isnan(g[0]) and g[1] == 0.0 and g[2] == np.inf
    ints = nn.relu(np.array([-2, 0, 3]))
    assert ints.dtype == np.float64 and ints.tolist() == [0.0, 0.0, 3.0]
