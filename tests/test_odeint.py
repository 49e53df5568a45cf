"""``chainrule.scipy.integrate.odeint``: derivatives of y' = -k y against the closed form
y0 exp(-k (t - t0)), of Lotka-Volterra against finite differences, second order, options and
errors. (The registry test checks both systems to second order in both modes as well.)"""

import numpy as np
import pytest

import chainrule as cr

sint = pytest.importorskip("scipy.integrate")
from chainrule.scipy.integrate import odeint  # noqa: E402

TOL = {"rtol": 1e-12, "atol": 1e-12}
Y0, K = np.array([1.5, -0.7]), 0.8
T = np.array([0.2, 0.5, 1.3, 2.0])


def decay(y, t, k):
    return -k * y


def decay_solution(y0, k, t):
    return odeint(decay, y0, t, args=(k,), **TOL)


def test_decay_values_and_gradients_in_closed_form():
    def loss(y0, k, t):
        return (decay_solution(y0, k, t) * W).sum()

    W = np.random.default_rng(0).standard_normal((4, 2))
    e = np.exp(-K * (T - T[0]))[:, None]  # (4, 1)
    np.testing.assert_allclose(decay_solution(Y0, K, T), Y0 * e, rtol=1e-10)
    for mode in ("rev", "fwd"):
        if mode == "rev":
            g_y0, g_k, g_t = cr.grad(loss, argnums=(0, 1, 2))(Y0, K, T)
        else:
            g_y0, g_k, g_t = (cr.jacobian(loss, argnums=i, mode="fwd")(Y0, K, T)
                              for i in range(3))
        np.testing.assert_allclose(g_y0, (W * e).sum(0), rtol=1e-9)
        np.testing.assert_allclose(g_k, (W * Y0 * e * -(T - T[0])[:, None]).sum(),
                                   rtol=1e-9)
        dy_dt = (W * Y0 * -K * e).sum(1)  # d loss / d t_j along the flow
        np.testing.assert_allclose(g_t[1:], dy_dt[1:], rtol=1e-9)
        np.testing.assert_allclose(g_t[0], -dy_dt[1:].sum(), rtol=1e-9)


def test_decay_second_derivative_in_closed_form():
    # d2/dk2 of y0 exp(-k t) at the last time: y0 t^2 exp(-k t), forward over reverse and
    # reverse over reverse
    t, y0 = T - T[0], Y0[0]

    def last(k):
        return decay_solution(np.array([y0]), k, t)[-1, 0]

    expected = y0 * t[-1] ** 2 * np.exp(-K * t[-1])
    np.testing.assert_allclose(cr.hessian(last)(K), expected, rtol=1e-8)
    np.testing.assert_allclose(cr.grad(cr.grad(last))(K), expected, rtol=1e-8)


def lotka_volterra(y, t, p):
    prey, predator = y[0], y[1]
    return [p[0] * prey - p[1] * prey * predator, p[2] * prey * predator - p[3] * predator]


def test_lotka_volterra_against_finite_differences():
    y0, p, t = np.array([1.0, 0.5]), np.array([1.1, 0.4, 0.4, 0.9]), np.array([0.0, 0.7, 1.5])
    w = np.array([[0.3, -1.0], [0.5, 2.0], [-1.0, 0.7]])

    def loss(y0, p, t):
        return (odeint(lotka_volterra, y0, t, args=(p,), **TOL) * w).sum()

    grads = cr.grad(loss, argnums=(0, 1, 2))(y0, p, t)
    numeric = cr.numerical_grad(loss, y0, p, t, argnums=(0, 1, 2))
    for g, n in zip(grads, numeric, strict=True):
        np.testing.assert_allclose(g, n, rtol=1e-7, atol=1e-9)
    # the Hessian in p (forward over reverse) against differences of the gradient
    h = cr.hessian(loss, argnums=1)(y0, p, t)
    hn = np.stack([cr.numerical_grad(lambda p, i=i: cr.grad(loss, argnums=1)(y0, p, t)[i], p)
                   for i in range(4)])
    np.testing.assert_allclose(h, hn, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(h, h.T, rtol=1e-7, atol=1e-9)


def test_decreasing_time_and_tfirst():
    t = np.array([1.0, 0.4, 0.0])  # integrating backwards in time, as SciPy allows

    def loss(k):
        return odeint(lambda s, y, k: -k * y, Y0, t, args=(k,), tfirst=True, **TOL).sum()

    expected = (Y0.sum() * -(t - 1.0) * np.exp(-K * (t - 1.0))).sum()
    np.testing.assert_allclose(cr.grad(loss)(K), expected, rtol=1e-9)


def test_untraced_call_is_scipy():
    out, info = odeint(decay, Y0, T, args=(K,), full_output=1)
    ref, _ = sint.odeint(decay, Y0, T, args=(K,), full_output=1)
    np.testing.assert_array_equal(out, ref)
    assert "nfe" in info


def test_scalar_initial_state():
    g = cr.grad(lambda y0: odeint(decay, y0, T, args=(K,), **TOL)[-1, 0])(2.0)
    np.testing.assert_allclose(g, np.exp(-K * (T[-1] - T[0])), rtol=1e-9)


@pytest.mark.parametrize("option", ["full_output", "Dfun", "ml"])
def test_refused_options_on_traced_values(option):
    value = {"full_output": 1, "Dfun": lambda y, t, k: -k * np.eye(2), "ml": 1}[option]
    with pytest.raises(TypeError, match=option):
        cr.grad(lambda k: odeint(decay, Y0, T, args=(k,), **{option: value}).sum())(K)


def test_shape_errors():
    with pytest.raises(ValueError, match="y0 must be a scalar or 1-D"):
        cr.grad(lambda y0: odeint(decay, y0, T, args=(K,)).sum())(np.ones((2, 2)))
    with pytest.raises(ValueError, match="returned 3 values for a state of 2"):
        cr.grad(lambda k: odeint(lambda y, t, k: np.ones(3) * k, Y0, T, args=(k,)).sum())(K)


def test_parameters_captured_in_a_closure_raise():
    with pytest.raises(TypeError, match="through args"):
        cr.grad(lambda k: odeint(lambda y, t: -k * y, Y0, T).sum())(K)


@pytest.mark.filterwarnings("ignore")  # SciPy's own warning about the primal solve
def test_a_failed_derivative_solve_raises():
    # too few steps allowed: the forward solve only warns (as in SciPy), the derivative raises
    def loss(k):
        return odeint(decay, Y0, T, args=(k,), mxstep=2, rtol=1e-12, atol=1e-12).sum()

    with pytest.raises(RuntimeError, match="LSODA failed on the adjoint equations"):
        cr.grad(loss)(K)
    with pytest.raises(RuntimeError, match="LSODA failed on the sensitivity"):
        cr.jvp(loss, (K,), (1.0,))
