"""Full-batch training of small models on the bundled Iris data with Hessian-free optimization
and L-BFGS: the parameters are a dict of arrays, the models plain NumPy."""

import numpy as np
import pytest

from chainrule.data import load_iris
from chainrule.optim.second_order import minimize


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris()
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X, y, np.eye(3)[y]


def log_softmax(Z):
    Z = Z - np.max(Z, axis=1, keepdims=True)
    return Z - np.log(np.sum(np.exp(Z), axis=1, keepdims=True))


def softmax_regression(X, Y):
    def loss(p):
        Z = X @ p["W"] + p["b"]
        return -np.mean(np.sum(Y * log_softmax(Z), axis=1)) + 1e-3 * np.sum(p["W"] ** 2)

    def predict(p):
        return np.argmax(X @ p["W"] + p["b"], axis=1)

    return loss, predict, {"W": np.zeros((4, 3)), "b": np.zeros(3)}


def two_layer_mlp(X, Y, hidden=8, seed=0):
    rng = np.random.default_rng(seed)
    params = {
        "W1": rng.standard_normal((4, hidden)) * 0.5, "b1": np.zeros(hidden),
        "W2": rng.standard_normal((hidden, 3)) * 0.5, "b2": np.zeros(3),
    }

    def logits(p):
        return np.tanh(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]

    def loss(p):
        decay = 1e-4 * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))
        return -np.mean(np.sum(Y * log_softmax(logits(p)), axis=1)) + decay

    return loss, lambda p: np.argmax(logits(p), axis=1), params


@pytest.mark.parametrize("method", ["hessian-free", "lbfgs"])
def test_softmax_regression_trains_to_its_unique_minimum(iris, method):
    X, y, Y = iris
    loss, predict, p0 = softmax_regression(X, Y)
    res = minimize(loss, p0, method=method, tol=1e-6)
    assert res.success, res.message
    assert np.mean(predict(res.x) == y) >= 0.95
    # weight decay makes the loss strictly convex in W; both methods agree on the minimum
    assert res.fun == pytest.approx(0.1319237, abs=1e-6)
    assert set(res.x) == {"W", "b"} and res.x["W"].shape == (4, 3)


@pytest.mark.parametrize("method", ["hessian-free", "lbfgs"])
def test_two_layer_mlp_trains_full_batch_to_95_percent(iris, method):
    X, y, Y = iris
    loss, predict, p0 = two_layer_mlp(X, Y)
    start = loss(p0)
    res = minimize(loss, p0, method=method, tol=1e-5, maxiter=200)
    accuracy = np.mean(predict(res.x) == y)
    assert accuracy >= 0.95
    assert res.fun < 0.1 < start
    assert res.nfev <= 400
    if method == "hessian-free":
        assert res.success and res.nit < 100 and res.nhev > res.nit


def test_hessian_free_warm_start_trains_too(iris):
    X, y, Y = iris
    loss, predict, p0 = two_layer_mlp(X, Y, seed=1)
    res = minimize(loss, p0, method="hessian-free", tol=1e-5, maxiter=100, warm_start=0.95)
    assert res.success, res.message
    assert np.mean(predict(res.x) == y) >= 0.95
