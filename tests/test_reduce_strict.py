"""Group A's operations on array-api-strict beyond the registry's specs (issue 12): a float32
loss made of what a multilayer perceptron uses (tanh, maximum, where, logsumexp, max, var,
mean, exp, log, abs, astype, std, clip) gives NumPy's value, gradient and JVP exactly, as
float32 array-api-strict arrays; reductions of booleans follow NumPy's dtypes."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.backend import namespace

xp = pytest.importorskip("array_api_strict", reason="array-api-strict (dev extra) not installed")
from tests.strict_device import on_device, to_numpy  # noqa: E402  (after the skip)

RNG = np.random.default_rng(0)
W0 = RNG.normal(size=(5, 4)).astype(np.float32)
X0 = RNG.normal(size=(5, 4)).astype(np.float32)


def _loss(w, x):
    h = cnp.tanh(w * x + 0.5)
    h = cnp.maximum(h, 0.0) + 0.01 * cnp.minimum(h, 0.0)
    h = cnp.where(h > 0.5, h, h * 0.5)
    total = cnp.mean(cnp.logsumexp(h, axis=1)) + 0.1 * cnp.sum(cnp.var(h, axis=0))
    total = total + cnp.mean(cnp.max(h, axis=1, keepdims=True)) + cnp.mean(cnp.exp(h))
    total = total + cnp.mean(cnp.log(cnp.abs(h) + 1.0)) + cnp.std(h)
    wide = cnp.sum(cnp.astype(h, np.float64))
    return total + 0.0 * cnp.astype(wide, np.float32) + cnp.sum(cnp.clip(h, -0.1, 0.1))


def _derivatives(w, x, ones):
    value, back = cr.vjp(lambda v: _loss(v, x), w)
    (grad,) = back(ones(value))
    _, tangent = cr.jvp(lambda v: _loss(v, x), (w,), (ones(w),))
    return value, grad, tangent


def test_a_float32_perceptron_loss_matches_numpy_exactly():
    got = _derivatives(on_device(W0), on_device(X0), xp.ones_like)
    want = _derivatives(W0, X0, np.ones_like)
    for g, e in zip(got, want, strict=True):
        assert namespace(g) is xp and g.dtype == xp.float32
        np.testing.assert_array_equal(to_numpy(g), e)


@pytest.mark.parametrize("call", [
    lambda m, a: m.sum(a > 0), lambda m, a: m.max(a > 0, axis=1), lambda m, a: m.min(a > 0),
    lambda m, a: m.prod(a > 0, axis=0), lambda m, a: m.cumsum(a > 0, axis=1),
    lambda m, a: m.cumprod(a > 0, axis=1), lambda m, a: m.mean(a > 0, axis=1),
])
def test_reductions_of_booleans_take_numpys_dtypes(call):
    got, want = call(cnp, on_device(X0)), call(np, X0)
    assert namespace(got) is xp and str(got.dtype).endswith(str(want.dtype))
    np.testing.assert_array_equal(to_numpy(got), want)
