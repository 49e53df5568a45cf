"""The five user stories of the core engine: the seeds' worked examples, differentiated."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.examples import iris
from chainrule.examples.seed_examples import (
    SEED004_W,
    product_layers,
    seed000_outputs,
    seed004_loss,
)


def test_iris_cost_typed_verbatim_matches_hand_written_gradients():
    X, Y, W, V = iris.iris_problem()
    dW, dV = cr.grad(iris.cost, argnums=(2, 3))(X, Y, W, V)
    hand_dW, hand_dV = iris.gradients(X, Y, W, V)
    np.testing.assert_allclose(dW, hand_dW, rtol=0, atol=1e-10)
    np.testing.assert_allclose(dV, hand_dV, rtol=0, atol=1e-10)
    # and away from the near-zero initialisation, where the gradient is larger
    rng = np.random.default_rng(3)
    W2, V2 = rng.standard_normal(W.shape), rng.standard_normal(V.shape)
    dW, dV = cr.grad(iris.cost, argnums=(2, 3))(X, Y, W2, V2)
    hand_dW, hand_dV = iris.gradients(X, Y, W2, V2)
    np.testing.assert_allclose(dW, hand_dW, rtol=0, atol=1e-10)
    np.testing.assert_allclose(dV, hand_dV, rtol=0, atol=1e-10)
    assert np.abs(hand_dV).max() > 1e-3


def test_seed004_worked_example_by_both_modes():
    expected = [0.1293, 0.0594, 0.5435]
    value, g = cr.value_and_grad(seed004_loss)(SEED004_W)
    assert float(value) == pytest.approx(0.7071, abs=5e-5)
    np.testing.assert_allclose(g, expected, atol=5e-5)
    forward = [cr.jvp(seed004_loss, (SEED004_W,), (e,))[1] for e in np.eye(3)]
    np.testing.assert_allclose(forward, g, rtol=1e-12)
    np.testing.assert_allclose(cr.jacobian(seed004_loss, mode="fwd")(SEED004_W), g, rtol=1e-12)


def test_seed000_one_jvp_gives_both_outputs_one_vjp_gives_all_inputs():
    w0, w1, x = 0.3, -0.7, 1.9
    (y1, y2), (t1, t2) = cr.jvp(seed000_outputs, (w0, w1, x), (0.0, 1.0, 0.0))
    a5 = w1 * x + w0
    assert (float(y1), float(y2)) == pytest.approx((np.sin(a5), np.cos(a5)))
    assert float(t1) == pytest.approx(x * np.cos(a5), rel=1e-14)
    assert float(t2) == pytest.approx(-x * np.sin(a5), rel=1e-14)
    _, back = cr.vjp(seed000_outputs, w0, w1, x)
    dw0, dw1, dx = back((0.0, 1.0))
    assert float(dw0) == pytest.approx(-np.sin(a5), rel=1e-14)
    assert float(dw1) == pytest.approx(-x * np.sin(a5), rel=1e-14)
    assert float(dx) == pytest.approx(-w1 * np.sin(a5), rel=1e-14)


@pytest.mark.parametrize("w", [0.9, 1.0, 1.05])
def test_figure_3_4_product_units(w):
    assert float(product_layers(w)) == pytest.approx(w**32, rel=1e-13)
    assert float(cr.grad(product_layers)(w)) == pytest.approx(32 * w**31, rel=1e-13)
    assert float(cr.jvp(product_layers, (w,), (1.0,))[1]) == pytest.approx(32 * w**31, rel=1e-13)


def test_hessian_and_hvp_agree_with_each_other_and_finite_differences():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((4, 4))

    def f(x):
        return np.sum(np.tanh(A @ x) ** 2) + np.prod(np.cos(x))

    x = rng.standard_normal(4)
    H = cr.hessian(f)(x)
    np.testing.assert_allclose(H, H.T, atol=1e-12)
    numeric = np.stack([cr.numerical_grad(lambda y, i=i: cr.grad(f)(y)[i], x) for i in range(4)])
    np.testing.assert_allclose(H, numeric, atol=1e-7)
    for v in np.eye(4):
        (Hv,) = cr.hvp(f, (x,), (v,))
        np.testing.assert_allclose(Hv, H @ v, atol=1e-12)


def test_third_derivative_by_nesting_grad():
    d3 = cr.grad(cr.grad(cr.grad(lambda x: np.sin(x) * x**2)))
    x = 0.7
    exact = -x**2 * np.cos(x) - 6 * x * np.sin(x) + 6 * np.cos(x)
    assert float(d3(x)) == pytest.approx(exact, rel=1e-12)


def test_perturbation_confusion():
    # d/dx [x * d/dy (x + y)] = d/dx [x * 1] = 1; a naive implementation gives 2.
    def outer(x):
        return x * cr.grad(lambda y: x + y)(1.0)

    assert float(cr.grad(outer)(3.0)) == 1.0
    # the same through forward-over-reverse and forward-over-forward
    assert float(cr.jvp(outer, (3.0,), (1.0,))[1]) == 1.0

    def outer_fwd(x):
        return x * cr.jvp(lambda y: x + y, (1.0,), (1.0,))[1]

    assert float(cr.jvp(outer_fwd, (3.0,), (1.0,))[1]) == 1.0
