"""Focused checks of convolution and correlation: analytic gradients, NumPy's mode spellings,
SciPy's n-d windows, and the errors for options with no meaning on traced values."""

import importlib
import sys

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp


def test_convolve_gradient_is_a_correlation():
    # d/da sum(w * (a * v)) = correlate(w, v, 'valid') (the transpose of convolution)
    a, v = np.array([1.0, -2.0, 0.5, 3.0]), np.array([2.0, 1.0, -1.0])
    w = np.arange(6.0)
    got = cr.grad(lambda a: np.sum(w * np.convolve(a, v)))(a)
    np.testing.assert_allclose(got, np.correlate(w, v, "valid"))
    got_v = cr.grad(lambda v: np.sum(w * np.convolve(a, v)))(v)
    np.testing.assert_allclose(got_v, np.correlate(w, a, "valid"))


def test_correlate_known_values_and_mode_spellings():
    a, v = np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.5])
    for mode in ("full", "same", "valid", 0, 1, 2):
        out, _ = cr.vjp(lambda a, mode=mode: cnp.correlate(a, v, mode), a)
        np.testing.assert_allclose(out, np.correlate(a, v, mode))
    # the gradient of one correlation entry picks out a shifted copy of v
    g = cr.grad(lambda a: np.correlate(a, v, "full")[2])(a)
    np.testing.assert_allclose(g, v)


def test_convolve_hessian_cross_terms():
    # f(a, v) = sum(a * v) = sum(a) sum(v): d2f/da dv = ones
    h = cr.jacobian(cr.grad(lambda a, v: np.convolve(a, v).sum(), argnums=1))(
        np.ones(3), np.ones(2))
    np.testing.assert_allclose(h, np.ones((2, 3)))


def test_convolve_errors():
    with pytest.raises(ValueError, match="use one of"):
        cr.grad(lambda a: np.convolve(a, a, "middle").sum())(np.ones(3))
    with pytest.raises(ValueError, match="1-D"):
        cr.grad(lambda a: np.convolve(a, a).sum())(np.ones((2, 2)))
    with pytest.raises(ValueError, match="empty"):
        cr.grad(lambda a: np.convolve(a, np.ones(0)).sum())(np.ones(2))


def test_signal_convolve_2d_gradient():
    pytest.importorskip("scipy")
    from chainrule.scipy import signal
    k = np.array([[1.0, 2.0], [3.0, 4.0]])
    g = cr.grad(lambda x: signal.convolve(x, k, mode="valid").sum())(np.ones((3, 3)))
    # x[r, s] meets the (flipped) kernel entries k[p, q] of every valid window containing it:
    # the corner x[0, 0] only k[1, 1], the centre all four
    np.testing.assert_allclose(g, [[4, 7, 3], [6, 10, 4], [2, 3, 1]])


@pytest.mark.parametrize("method", ["direct", "fft", "auto"])
def test_signal_matches_scipy_across_methods(method):
    scipy_signal = pytest.importorskip("scipy.signal")
    from chainrule.scipy import signal

    rng = np.random.default_rng(0)
    x, k = rng.standard_normal((6, 5)), rng.standard_normal((3, 2))
    for name in ("convolve", "correlate"):
        ours_f = getattr(signal, name)
        for mode in ("full", "same", "valid"):
            ours, back = cr.vjp(lambda x, m=mode, f=ours_f: f(x, k, mode=m, method=method), x)
            ref = getattr(scipy_signal, name)(x, k, mode=mode, method=method)
            np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-12)
            # the VJP against the VJP computed with the 'direct' method
            _, back_direct = cr.vjp(
                lambda x, m=mode, f=ours_f: f(x, k, mode=m, method="direct"), x)
            g = rng.standard_normal(ref.shape)
            np.testing.assert_allclose(back(g)[0], back_direct(g)[0], rtol=1e-10, atol=1e-10)


def test_signal_errors():
    pytest.importorskip("scipy")
    from chainrule.scipy import signal

    x = np.ones((3, 2))
    with pytest.raises(ValueError, match="at least as large"):
        cr.grad(lambda x: signal.convolve(x, np.ones((2, 3)), mode="valid").sum())(x)
    with pytest.raises(ValueError, match="same dimensionality"):
        cr.grad(lambda x: signal.convolve(x, np.ones(2)).sum())(x)
    with pytest.raises(ValueError, match="mode flags"):
        cr.grad(lambda x: signal.correlate(x, x, mode="middle").sum())(x)
    with pytest.raises(ValueError, match="method flags"):
        cr.grad(lambda x: signal.correlate(x, x, method="winograd").sum())(x)


def test_signal_without_scipy_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy", None)
    monkeypatch.delitem(sys.modules, "chainrule.scipy.signal", raising=False)
    with pytest.raises(ImportError, match=r"pip install chainrule\[scipy\]"):
        importlib.import_module("chainrule.scipy.signal")
