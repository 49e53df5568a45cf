"""The engine with another library's arrays (``array-api-strict`` standing in for CuPy): inputs,
seeds, tangents, Jacobians and constants stay in that library, and whatever would copy them
to NumPy raises ``BackendError`` instead (issue 12)."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.backend import BackendError, namespace
from tests.test_array_api_face import mlp_loss_standard

xp = pytest.importorskip("array_api_strict", reason="array-api-strict (dev extra) not installed")
from tests.strict_device import DEVICE, on_device, to_numpy  # noqa: E402  (after the skip)

X = np.array([0.3, -1.2, 2.0])


def f(x):
    return np.exp(x) * x - np.tanh(x) / 3.0


def test_vjp_and_jvp_stay_in_the_library():
    out, back = cr.vjp(f, on_device(X))
    (g,) = back(xp.ones_like(out))
    _, t = cr.jvp(f, (on_device(X),), (on_device(np.full(3, 0.5)),))
    for got in (out, g, t):
        assert namespace(got) is xp
    ref_out, ref_back = cr.vjp(f, X)
    np.testing.assert_allclose(to_numpy(out), ref_out, rtol=1e-15)
    np.testing.assert_allclose(to_numpy(g), ref_back(np.ones(3))[0], rtol=1e-15)
    np.testing.assert_allclose(to_numpy(t), cr.jvp(f, (X,), (np.full(3, 0.5),))[1],
                               rtol=1e-15)


@pytest.mark.parametrize("mode", ["fwd", "rev"])
@pytest.mark.parametrize("device", [None, DEVICE])
def test_jacobian_is_built_in_the_library(mode, device):
    J = cr.jacobian(f, mode=mode)(xp.asarray(X, device=device))
    assert namespace(J) is xp and J.shape == (3, 3)
    got = np.asarray(J) if device is None else to_numpy(J)
    np.testing.assert_allclose(got, cr.jacobian(f)(X), rtol=1e-14)


def test_constant_functions_use_the_librarys_own():
    def g(x):
        mask = np.isfinite(x)  # no derivative: computed by array-api-strict, not NumPy
        assert namespace(mask) is xp
        return x * 2.0

    cr.vjp(g, on_device(X))


def test_what_would_copy_to_numpy_raises():
    with pytest.raises(BackendError, match=r"cbrt: runs on NumPy arrays only so far.*"
                                           r"array_api_strict"):
        cr.vjp(np.cbrt, on_device(X))
    with pytest.raises(BackendError, match="a NumPy array .* mixed with array_api_strict"):
        cr.jvp(f, (X,), (on_device(X),))
    with pytest.raises(BackendError, match="a NumPy array .* mixed with array_api_strict"):
        cr.vjp(lambda x: x * np.ones(3), on_device(X))
    with pytest.raises(BackendError, match="integer array would copy it to the host"):
        cr.vjp(lambda x: np.asarray(x, dtype=int), on_device(X))
    with pytest.raises(TypeError, match="cannot be differentiated"):
        cr.grad(lambda x: x)(on_device([1, 2]))


def mlp_numpy_style(params, X, Y):
    """Unmodified NumPy code, with the traced value first in each operator whose other operand
    is a constant array-api-strict array (``np.matmul(X, W)``, ``logp * Y``): that library's own
    operators refuse a traced right operand instead of deferring to it, as NumPy's and CuPy's
    do through ``__array_priority__``."""
    W1, b1, W2, b2 = params
    h = np.tanh(np.matmul(X, W1) + b1)
    z = np.matmul(h, W2) + b2
    z = z - np.max(z, axis=1, keepdims=True)
    logp = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return -np.sum(logp * Y) / X.shape[0] + 1e-3 * np.sum(W1 ** 2)


@pytest.mark.parametrize("loss", [mlp_numpy_style, mlp_loss_standard])
def test_a_perceptrons_gradient_stays_in_the_library(loss):
    """First order. (Second order on array-api-strict stops where a rule multiplies a plain
    cotangent by a value traced by an outer transformation, ``g * d``: that library's ``*``
    refuses the traced right operand instead of deferring to it.)"""
    rng = np.random.default_rng(3)
    params = [rng.normal(size=(4, 6)), rng.normal(size=6), rng.normal(size=(6, 3)),
              rng.normal(size=3)]
    X, Y = rng.normal(size=(5, 4)), np.eye(3)[rng.integers(0, 3, size=5)]
    value, g = cr.value_and_grad(loss)([on_device(p) for p in params], on_device(X),
                                       on_device(Y))
    value_ref, g_ref = cr.value_and_grad(loss)(params, X, Y)
    for got, want in zip([value, *g], [value_ref, *g_ref], strict=True):
        assert namespace(got) is xp
        np.testing.assert_allclose(to_numpy(got), want, rtol=1e-13, atol=1e-15)
