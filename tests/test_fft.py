"""Focused checks of ``numpy.fft`` on traced values: analytic gradients (Parseval), the
Hermitian bins of ``irfft``, NumPy's reading of ``n`` / ``s`` / ``axes``, dispatch, errors."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

RNG = np.random.default_rng(0)


def test_parseval_gradients_real_and_complex():
    # sum |fft(x)|^2 = n sum |x|^2: gradient 2 n x (real), 2 n conj(z) (complex convention)
    x = RNG.standard_normal(6)
    g = cr.grad(lambda x: np.sum(np.abs(np.fft.fft(x)) ** 2))(x)
    np.testing.assert_allclose(g, 12 * x)
    z = RNG.standard_normal(5) + 1j * RNG.standard_normal(5)
    g = cr.grad(lambda z: np.sum(np.abs(np.fft.ifft(z, norm="ortho")) ** 2))(z)
    np.testing.assert_allclose(g, 2 * np.conj(z))


def test_irfft_ignores_imaginary_parts_of_dc_and_nyquist():
    w = RNG.standard_normal(6)
    h = RNG.standard_normal(4) + 1j * RNG.standard_normal(4)
    g = cr.grad(lambda h: np.sum(w * np.fft.irfft(h, n=6)))(h)
    # h_bar = d * ifft(w)[:4], d = (1, 2, 2, 1): the DC and Nyquist cotangents are real
    np.testing.assert_allclose(g, np.array([1, 2, 2, 1]) * np.fft.ifft(w)[:4], atol=1e-14)
    assert g[0].imag == 0 and abs(g[3].imag) < 1e-15
    # odd n has no Nyquist bin: the last bin counts twice
    g = cr.grad(lambda h: np.sum(np.fft.irfft(h, n=5) * w[:5]))(h[:3])
    np.testing.assert_allclose(g, np.array([1, 2, 2]) * np.fft.ifft(w[:5])[:3], atol=1e-14)


def test_roundtrips_have_identity_gradients():
    x = RNG.standard_normal(7)
    for f in (lambda x: np.fft.irfft(np.fft.rfft(x), n=7),
              lambda x: np.fft.ifft(np.fft.fft(x, norm="forward"), norm="forward").real,
              lambda x: np.fft.hfft(np.fft.ihfft(x), n=7),
              lambda x: np.fft.ifftshift(np.fft.fftshift(x))):
        np.testing.assert_allclose(cr.jacobian(f)(x), np.eye(7), atol=1e-12)


def test_n_pads_and_crops():
    x = RNG.standard_normal(4)
    # padding: the padded zeros receive nothing; cropping: the dropped entries get zero
    g = cr.grad(lambda x: np.fft.fft(x, n=8)[1].real)(x)
    np.testing.assert_allclose(g, np.cos(2 * np.pi * np.arange(4) / 8), atol=1e-15)
    g = cr.grad(lambda x: np.fft.rfft(x, n=2)[1].real)(x)
    np.testing.assert_allclose(g, [1, -1, 0, 0])


def test_np_fft_dispatches_and_namespace_matches_numpy():
    x = RNG.standard_normal((3, 4))
    for name in np.fft.__all__:
        assert hasattr(cnp.fft, name), name
    out, _ = cr.vjp(lambda x: np.fft.rfft2(x, s=(2, 6)), x)
    np.testing.assert_allclose(out, np.fft.rfft2(x, s=(2, 6)))


def test_s_without_axes_warns_like_numpy():
    x = RNG.standard_normal((3, 4))
    with pytest.warns(DeprecationWarning, match="axes"):
        out, _ = cr.vjp(lambda x: np.fft.fftn(x, s=(2, 2)), x)
    with pytest.warns(DeprecationWarning):
        np.testing.assert_allclose(out, np.fft.fftn(x, s=(2, 2)))


def test_errors_name_the_problem():
    x = np.ones(4)
    with pytest.raises(ValueError, match="invalid norm"):
        cr.grad(lambda x: np.fft.fft(x, norm="unitary")[0].real)(x)
    with pytest.raises(TypeError, match="out="):
        cr.grad(lambda x: np.fft.ifft(x, out=np.empty(4, complex))[0].real)(x)
    with pytest.raises(ValueError, match="data points"):
        cr.grad(lambda x: np.fft.irfft(x, n=0)[0])(x)
    with pytest.raises(TypeError, match="takes real input"):
        cr.grad(lambda z: np.fft.rfft(z)[0].real)(x + 1j)
    with pytest.raises(ValueError, match="different lengths"):
        cr.grad(lambda x: np.fft.fftn(x, s=(2, 2), axes=(0,))[0].real)(x)
    with pytest.raises(np.exceptions.AxisError):
        cr.grad(lambda x: np.fft.fft(x, axis=1)[0].real)(x)


def test_frequency_grids_differentiate_in_the_spacing():
    assert cr.grad(lambda d: np.fft.fftfreq(4, d)[1])(2.0) == pytest.approx(-1 / 16)
