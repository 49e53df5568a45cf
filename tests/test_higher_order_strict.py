"""Higher-order derivatives of functions on another library's arrays (array-api-strict): Hessians,
Hessian-vector products, Jacobians of gradients and reverse over forward, each equal to the
same function's derivatives on NumPy and still an array-api-strict array of the input's dtype.

These need the engine's lifting (``chainrule.lift``): inside a nested transformation a rule
meets a plain array-api-strict cotangent, tangent or constant on the left of an operator and an
outer tracer on the right, which array-api-strict's operators refuse.
"""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr

xp = pytest.importorskip("array_api_strict", reason="array-api-strict (dev extra) not installed")
from tests.strict_device import on_device, to_numpy  # noqa: E402  (needs array-api-strict)

X = [0.3, -0.8, 1.1]
V = [0.5, -1.0, 2.0]
W = [[0.4, -1.2, 0.7], [1.5, 0.2, -0.3]]


def _as(lib, values, **kwargs):
    """``values`` as an array of ``lib``; array-api-strict's on a non-default device."""
    return on_device(values, **kwargs) if lib is xp else np.asarray(values, **kwargs)


def _arrays(lib, dtype="float64"):
    """x, v and W in ``lib`` (NumPy or array-api-strict) with ``dtype``."""
    dt = getattr(lib, dtype)
    return (_as(lib, X, dtype=dt), _as(lib, V, dtype=dt), _as(lib, W, dtype=dt))


def _network(W):
    """A scalar function of x with a constant matrix W of x's library."""

    def f(x):
        ns = x.__array_namespace__()
        h = ns.tanh(ns.matmul(W, x))
        return ns.sum(h * h) + ns.sum(ns.exp(x) * x) + ns.sum(ns.log(1.0 + x * x))

    return f


def _same(strict_result, numpy_result, dtype=None, rtol=1e-12):
    """``strict_result`` is an array-api-strict array (of ``dtype``) with NumPy's values."""
    assert type(strict_result) is type(xp.asarray(0.0)), type(strict_result)
    if dtype is not None:
        assert strict_result.dtype == dtype
    np.testing.assert_allclose(to_numpy(strict_result), numpy_result, rtol=rtol, atol=1e-12)


def _both(make):
    """``make(x, v, W, lib)`` on array-api-strict and on NumPy."""
    return make(*_arrays(xp), xp), make(*_arrays(np), np)


def test_hessian_matches_numpy():
    strict, ref = _both(lambda x, v, W, lib: cr.hessian(_network(W))(x))
    _same(strict, ref, xp.float64)
    # and it is the Hessian: symmetric, and its product with v is the finite difference of the
    # gradient along v (central, float64)
    x, v, W = _arrays(np)
    g = cr.grad(_network(W))
    eps = 1e-6
    fd = (g(x + eps * v) - g(x - eps * v)) / (2 * eps)
    np.testing.assert_allclose(ref @ v, fd, rtol=1e-6)
    np.testing.assert_allclose(ref, ref.T, rtol=1e-12)


def test_hvp_matches_numpy():
    strict, ref = _both(lambda x, v, W, lib: cr.hvp(_network(W), (x,), (v,))[0])
    _same(strict, ref, xp.float64)
    x, v, W = _arrays(np)
    np.testing.assert_allclose(ref, cr.hessian(_network(W))(x) @ v, rtol=1e-12)


@pytest.mark.parametrize("mode", ["fwd", "rev"])
def test_jacobian_of_grad_matches_numpy(mode):
    strict, ref = _both(lambda x, v, W, lib: cr.jacobian(cr.grad(_network(W)), mode=mode)(x))
    _same(strict, ref, xp.float64)
    x, v, W = _arrays(np)
    np.testing.assert_allclose(ref, cr.hessian(_network(W))(x), rtol=1e-12)


def test_grad_of_grad_of_a_scalar():
    def f(x):
        ns = x.__array_namespace__()
        return ns.sin(x) * ns.exp(x) * x

    def second(lib):
        return cr.grad(cr.grad(f))(_as(lib, 0.7, dtype=lib.float64))

    x = 0.7  # f'' = e^x (2 cos x + 2 sin x + 2 x cos x)
    exact = np.exp(x) * (2 * np.cos(x) + 2 * np.sin(x) + 2 * x * np.cos(x))
    _same(second(xp), exact)
    np.testing.assert_allclose(second(np), exact, rtol=1e-12)


def test_third_order_of_a_scalar():
    def f(x):
        ns = x.__array_namespace__()
        return ns.tanh(x) * x

    def third(lib):
        return cr.grad(cr.grad(cr.grad(f)))(_as(lib, 0.4, dtype=lib.float64))

    _same(third(xp), third(np))


def test_reverse_over_forward_matches_numpy():
    def make(x, v, W, lib):
        f = _network(W)
        return cr.grad(lambda y: cr.jvp(f, (y,), (v,))[1])(x)

    strict, ref = _both(make)
    _same(strict, ref, xp.float64)
    x, v, W = _arrays(np)  # the gradient of <grad f, v> is H v
    np.testing.assert_allclose(ref, cr.hessian(_network(W))(x) @ v, rtol=1e-12)


def test_jacrev_of_jacfwd_matches_numpy():
    def make(x, v, W, lib):
        def h(y):  # a vector function: W tanh(y) * exp(y[0])
            ns = y.__array_namespace__()
            return ns.matmul(W, ns.tanh(y)) * ns.exp(y[0])

        return cr.jacobian(cr.jacobian(h, mode="fwd"), mode="rev")(x)

    strict, ref = _both(make)
    assert strict.shape == (2, 3, 3)
    _same(strict, ref, xp.float64)
    x, v, W = _arrays(np)
    np.testing.assert_allclose(ref, np.swapaxes(ref, 1, 2), rtol=1e-12)  # symmetric in x


def test_gradient_through_an_inner_gradient_with_a_plain_input():
    # The inner gradient is taken at a plain array-api-strict x; only W is traced (by the outer
    # gradient): in the inner sweep some contributions are plain arrays and others outer
    # tracers, which must still add up.
    def make(x, v, W, lib):
        def inner(y, M):
            ns = y.__array_namespace__()
            return ns.sum(ns.tanh(ns.matmul(M, y))) + ns.sum(ns.sin(y))

        def outer(M):
            g = cr.grad(inner)(x, M)
            ns = g.__array_namespace__()
            return ns.sum(g * g)

        return cr.grad(outer)(W)

    strict, ref = _both(make)
    assert strict.shape == (2, 3)
    _same(strict, ref, xp.float64)


def test_forward_tangents_plain_and_traced_add_up():
    # Inside the outer gradient, jvp at plain inputs (x, y) with one traced tangent (w) and one
    # plain (v): b * sin(a) gets a plain contribution first, then a traced one.
    def make(x, v, W, lib):
        y = W[0, :]

        def tangent(w):
            def f(a, b):
                return b.__array_namespace__().sum(b * b.__array_namespace__().sin(a))

            return cr.jvp(f, (x, y), (w, v))[1]

        return cr.grad(tangent)(v * 0.5)

    strict, ref = _both(make)
    x, v, W = _arrays(np)
    np.testing.assert_allclose(ref, np.cos(x) * W[0, :], rtol=1e-12)  # d/dw <cos(x) y, w>
    _same(strict, ref, xp.float64)


def test_unreached_input_gives_zeros_usable_inside_an_outer_gradient():
    # The inner gradient wrt a (an outer tracer), which the inner function ignores: its zero
    # gradient, on the left, multiplies a traced value.
    def make(x, v, W, lib):
        def outer(y):
            ns = y.__array_namespace__()
            ga, gb = cr.grad(lambda a, b: ns.sum(ns.sin(b)), argnums=(0, 1))(2.0 * y, y)
            return ns.sum(ga * y) + ns.sum(gb * y)

        return cr.grad(outer)(v)

    strict, ref = _both(make)
    x, v, W = _arrays(np)
    np.testing.assert_allclose(ref, np.cos(v) - v * np.sin(v), rtol=1e-12)
    _same(strict, ref, xp.float64)


def test_vjp_with_a_traced_cotangent_and_a_constant_matrix():
    # The outer gradient traces only the cotangent; the inner rules compute W.T @ g with W a
    # plain array-api-strict matrix.
    def make(x, v, W, lib):
        def outer(c):
            _, back = cr.vjp(lambda y: y.__array_namespace__().matmul(W, y), x)
            ns = c.__array_namespace__()
            return ns.sum(ns.exp(back(c)[0]))

        return cr.grad(outer)(_as(lib, [0.2, -0.1], dtype=lib.float64))

    strict, ref = _both(make)
    _same(strict, ref, xp.float64)


def test_float32_stays_float32():
    def hess(lib):
        x, v, W = _arrays(lib, "float32")
        return cr.hessian(_network(W))(x), cr.hvp(_network(W), (x,), (v,))[0]

    (h, hv), (h_ref, hv_ref) = hess(xp), hess(np)
    assert h_ref.dtype == np.float32
    _same(h, h_ref, xp.float32, rtol=1e-5)
    _same(hv, hv_ref, xp.float32, rtol=1e-5)


def test_hessian_under_detect_anomaly():
    with cr.detect_anomaly():
        strict, ref = _both(lambda x, v, W, lib: cr.hessian(_network(W))(x))
    _same(strict, ref, xp.float64)


ELEMENTWISE = ["sin", "cos", "tan", "exp", "expm1", "log", "log1p", "sqrt", "tanh", "sinh",
               "cosh", "atan", "asinh", "square", "abs"]


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_hessian_of_elementwise(name):
    def make(lib):
        def f(x):
            ns = x.__array_namespace__()
            return ns.sum(getattr(ns, name)(x) * x)

        x = _as(lib, [0.3, 0.8, 1.1], dtype=lib.float64)  # inside every domain
        return cr.hessian(f)(x)

    strict, ref = make(xp), make(np)
    assert np.abs(ref).sum() > 0  # NumPy's own Hessian is not trivially zero
    _same(strict, ref, xp.float64)
