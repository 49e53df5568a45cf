"""``prod`` and ``cumprod`` at exact zeros on array-api-strict (``ops/cumulative_zeros.py``,
issue 12): the value, the gradient and the JVP stay array-api-strict arrays and equal NumPy's
exactly, with one or several zeros in a slot, over every axis variant."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.backend import namespace

xp = pytest.importorskip("array_api_strict", reason="array-api-strict (dev extra) not installed")
from tests.strict_device import on_device, to_numpy  # noqa: E402  (after the skip)

X = np.array([[[2.0, 0.0, 3.0, -1.5], [0.0, 0.0, 1.25, 2.0], [1.5, -2.0, 0.5, 3.0]],
              [[0.0, 1.0, 0.0, 0.0], [0.75, 2.0, -1.0, 0.0], [1.0, 1.0, 1.0, 1.0]]])


def _both(f, x):
    """Value, gradient of sum(f * w) and JVP along u, on strict and NumPy inputs."""
    w = np.linspace(0.5, 1.5, f(X).size).reshape(np.shape(f(X)))
    u = np.linspace(-1.0, 1.0, x.size).reshape(x.shape)

    def run(a, ww, uu, mod):
        def loss(v):
            return cnp.sum(f(v) * ww)
        out, back = cr.vjp(loss, a)
        (g,) = back(mod.ones_like(out) if mod is xp else np.ones_like(out))
        _, t = cr.jvp(loss, (a,), (uu,))
        return [out, g, t]

    got = run(on_device(x), on_device(w), on_device(u), xp)
    want = run(x, w, u, np)
    for g, e in zip(got, want, strict=True):
        assert namespace(g) is xp
        np.testing.assert_array_equal(to_numpy(g), e)


@pytest.mark.parametrize("axis", [None, 0, 1, 2, -1, (0, 2), (1, 2)])
def test_prod_at_zeros_matches_numpy(axis):
    _both(lambda v: cnp.prod(v, axis=axis, keepdims=True), X)


@pytest.mark.parametrize("axis", [0, 1, 2])
def test_cumprod_at_zeros_matches_numpy(axis):
    _both(lambda v: cnp.cumprod(v, axis=axis), X)


def test_prod_of_a_scalar_zero():
    _both(lambda v: cnp.prod(v, keepdims=True), np.array(0.0))
