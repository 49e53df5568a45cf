"""scipy.special on complex arguments: known derivatives (erf, gamma, psi, the Bessel
recurrences and Wronskians), the non-holomorphic ive against finite differences in chainrule's
convention (the cotangent of z = x + iy is dL/dx - i dL/dy), SciPy's complex logsumexp
semantics, chainrule's own complex polygamma, and the refusals of what SciPy keeps real."""

import math

import numpy as np
import pytest

import chainrule as cr

sc = pytest.importorskip("scipy.special")
csp = pytest.importorskip("chainrule.scipy.special")
from chainrule.ops.special_polygamma import polygamma_complex  # noqa: E402

Z = np.array([0.7 + 0.4j, 1.6 - 0.9j, -1.3 + 0.8j, 2.2 + 1.7j])
H = 1e-6


def _derivative(f, z):
    """f'(z) of a holomorphic elementwise f: its JVP along 1, which must equal the holomorphic
    gradient (the VJP of the cotangent 1)."""
    _, forward = cr.jvp(f, (z,), (np.ones_like(z),))
    reverse = cr.elementwise_grad(lambda w: f(w).real)(z)  # Re f: dL/dx - i dL/dy = f'(z)
    np.testing.assert_allclose(reverse, forward, rtol=1e-13, atol=1e-15)
    return forward


def _fd_grad(f, z, eps=1e-6):
    """dL/dx - i dL/dy of a real scalar L = f(z), by central differences."""
    g = np.zeros(z.shape, complex)
    for idx in np.ndindex(z.shape):
        for step, weight in ((1.0, 1.0), (1j, -1j)):
            dz = np.zeros(z.shape, complex)
            dz[idx] = step * eps
            g[idx] += weight * (f(z + dz) - f(z - dz)) / (2 * eps)
    return g


# --- known derivatives ---------------------------------------------------------------------
def test_erf_derivative_is_the_gaussian():
    want = 2 / math.sqrt(math.pi) * np.exp(-Z ** 2)
    np.testing.assert_allclose(_derivative(sc.erf, Z), want, rtol=1e-14)
    np.testing.assert_allclose(_derivative(sc.erfc, Z), -want, rtol=1e-14)
    gaussian = np.exp(-Z ** 2 / 2) / math.sqrt(2 * math.pi)
    np.testing.assert_allclose(_derivative(sc.ndtr, Z), gaussian, rtol=1e-14)


def test_erf_second_derivative_in_both_modes():
    want = -2 * Z * 2 / math.sqrt(math.pi) * np.exp(-Z ** 2)
    ones = np.ones_like(Z)
    fwd = cr.jvp(lambda z: cr.jvp(sc.erf, (z,), (ones,))[1], (Z,), (ones,))[1]
    rev = cr.elementwise_grad(lambda z: cr.elementwise_grad(lambda w: sc.erf(w).real)(z).real)(Z)
    np.testing.assert_allclose(fwd, want, rtol=1e-13)
    np.testing.assert_allclose(rev, want, rtol=1e-13)


def test_gamma_derivatives_are_gamma_times_psi_and_trigamma():
    gz, psi = sc.gamma(Z), sc.psi(Z)
    np.testing.assert_allclose(_derivative(sc.gamma, Z), gz * psi, rtol=1e-13)
    np.testing.assert_allclose(_derivative(sc.rgamma, Z), -sc.rgamma(Z) * psi, rtol=1e-13)
    np.testing.assert_allclose(_derivative(sc.loggamma, Z[Z.real > 0]), psi[Z.real > 0],
                               rtol=1e-13)
    ones = np.ones_like(Z)
    second = cr.jvp(lambda z: cr.jvp(sc.gamma, (z,), (ones,))[1], (Z,), (ones,))[1]
    trigamma = (sc.psi(Z + H) - sc.psi(Z - H)) / (2 * H)  # SciPy's psi is complex
    np.testing.assert_allclose(second, gz * (psi ** 2 + trigamma), rtol=1e-8)


def test_psi_derivatives_up_to_third_order():
    ones = np.ones_like(Z)

    def d(f):
        return lambda z: cr.jvp(f, (z,), (ones,))[1]

    np.testing.assert_allclose(d(sc.psi)(Z), polygamma_complex(1, Z), rtol=1e-14)
    np.testing.assert_allclose(d(d(sc.psi))(Z), polygamma_complex(2, Z), rtol=1e-14)
    np.testing.assert_allclose(d(d(d(sc.psi)))(Z), polygamma_complex(3, Z), rtol=1e-14)


def test_complex_polygamma():
    x = np.linspace(-3.7, 25.0, 60)
    for n in (1, 2, 3, 5):
        np.testing.assert_allclose(polygamma_complex(n, x + 0j), sc.polygamma(n, x), rtol=5e-15)
    # recurrence psi1(z + 1) = psi1(z) - 1/z^2, reflection psi1(1 - z) + psi1(z) = pi^2/sin^2(pi z)
    z = np.array([0.3 + 0.2j, -2.6 + 1.1j, 4.0 - 7.0j, 0.5 + 20.0j])
    np.testing.assert_allclose(polygamma_complex(1, z + 1), polygamma_complex(1, z) - 1 / z ** 2,
                               rtol=1e-14)
    np.testing.assert_allclose(polygamma_complex(1, 1 - z) + polygamma_complex(1, z),
                               np.pi ** 2 / np.sin(np.pi * z) ** 2, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(polygamma_complex(1, z), (sc.psi(z + H) - sc.psi(z - H)) / (2 * H),
                               rtol=1e-8)
    assert polygamma_complex(1, np.complex64(1 + 1j)).dtype == np.complex64
    with pytest.raises(ValueError, match="integer >= 1"):
        polygamma_complex(0, z)


def test_bessel_derivatives_follow_the_recurrences():
    # C_v' = C_{v-1} - (v/z) C_v for C = J, Y;  I_v' = I_{v-1} - (v/z) I_v;
    # K_v' = -K_{v-1} - (v/z) K_v  (DLMF 10.6.2, 10.29.2)
    z = Z[Z.real > 0]
    v = 1.7
    for name, sign in (("jv", 1), ("yv", 1), ("iv", 1), ("kv", -1)):
        f = getattr(sc, name)
        want = sign * f(v - 1, z) - v / z * f(v, z)
        np.testing.assert_allclose(_derivative(lambda w, f=f: f(v, w), z), want, rtol=1e-12,
                                   err_msg=name)


def test_bessel_wronskians():
    # J_v Y_v' - J_v' Y_v = 2 / (pi z);  I_v K_v' - I_v' K_v = -1 / z  (DLMF 10.5.2, 10.28.2)
    z, v = Z[Z.real > 0], 0.6

    def d(name):
        return _derivative(lambda w: getattr(sc, name)(v, w), z)

    j, y, i, k = (getattr(sc, n)(v, z) for n in ("jv", "yv", "iv", "kv"))
    np.testing.assert_allclose(j * d("yv") - d("jv") * y, 2 / (np.pi * z), rtol=1e-12)
    np.testing.assert_allclose(i * d("kv") - d("iv") * k, -1 / z, rtol=1e-12)


# --- ive: iv(v, z) exp(-|Re z|) is not holomorphic ------------------------------------------
@pytest.mark.parametrize("v", [0, 1.5])
def test_ive_gradients_of_real_quantities_match_finite_differences(v):
    z = np.array([0.8 + 0.5j, -1.4 + 0.3j, 2.1 - 1.2j])
    w = np.array([0.3 - 0.7j, 1.1 + 0.2j, -0.4 + 0.5j])
    for part in (np.real, np.imag, np.abs):
        def loss(x, part=part):
            return np.sum(part(w * sc.ive(v, x)))

        np.testing.assert_allclose(cr.grad(loss)(z), _fd_grad(loss, z), rtol=1e-7, atol=1e-9)


def test_ive_tangents_along_real_and_imaginary_directions():
    z = np.array([0.8 + 0.5j, -1.4 + 0.3j])
    v = 1.0
    holomorphic = (sc.ive(v - 1, z) + sc.ive(v + 1, z)) / 2
    # along i: |Re z| does not move, ive changes as iv does;  along 1: minus sign(Re z) ive
    along_i = cr.jvp(lambda x: sc.ive(v, x), (z,), (1j * np.ones_like(z),))[1]
    along_1 = cr.jvp(lambda x: sc.ive(v, x), (z,), (np.ones_like(z),))[1]
    np.testing.assert_allclose(along_i, 1j * holomorphic, rtol=1e-14)
    np.testing.assert_allclose(along_1, holomorphic - np.sign(z.real) * sc.ive(v, z), rtol=1e-14)


def test_ive_of_real_x_keeps_the_real_rule():
    g = cr.grad(lambda x: sc.ive(0, x))(1.0)
    assert abs(g - (sc.ive(1, 1.0) - sc.ive(0, 1.0))) < 1e-15


# --- logsumexp: SciPy's complex semantics --------------------------------------------------
def test_logsumexp_complex_values_match_scipy_with_the_wrap():
    a = np.array([[1.0 + 3.0j, 0.5 + 3.1j, -1.0 - 2.0j], [2.0 + 9.0j, 1.0 - 7.0j, 0.0 + 1.0j]])
    b = np.array([0.5 + 1.0j, 2.0 - 0.3j, 1.0 + 0.0j])
    for kw in ({}, {"axis": 1}, {"b": b, "axis": -1}, {"axis": 0, "keepdims": True}):
        want = sc.logsumexp(a, **kw)
        assert np.all(np.abs(np.imag(want)) <= np.pi)
        got = cr.jvp(lambda x, kw=kw: csp.logsumexp(x, **kw), (a,), (a,))[0]
        np.testing.assert_allclose(got, want, rtol=1e-15, atol=1e-15)
        got = cr.jvp(lambda x, kw=kw: cr.numpy.logsumexp(x, **kw), (a,), (a,))[0]
        np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-14)


def test_logsumexp_complex_derivative_is_softmax():
    a = np.array([0.3 + 0.2j, -0.5 + 0.9j, 1.1 - 0.4j])
    soft = np.exp(a) / np.sum(np.exp(a))
    for lse in (csp.logsumexp, cr.numpy.logsumexp):
        np.testing.assert_allclose(cr.holomorphic_grad(lse)(a), soft, rtol=1e-14)


def test_logsumexp_complex_sign_is_the_differentiable_phase():
    a = np.array([0.3 + 0.2j, -0.5 + 0.9j, 1.1 - 0.4j])
    total = np.sum(np.exp(a))
    for lse in (csp.logsumexp, cr.numpy.logsumexp):
        out, sign = lse(a, return_sign=True)
        np.testing.assert_allclose(sign, total / abs(total), rtol=1e-15)
        np.testing.assert_allclose(out, np.log(abs(total)), rtol=1e-15)

        def phase_real(x, lse=lse):
            return np.real(lse(x, return_sign=True)[1])

        np.testing.assert_allclose(cr.grad(phase_real)(a), _fd_grad(phase_real, a), atol=1e-8)


# --- what stays real -------------------------------------------------------------------------
@pytest.mark.parametrize("call, name", [
    (lambda z: sc.erfinv(z), "erfinv"),
    (lambda z: sc.erfcinv(z), "erfcinv"),
    (lambda z: sc.expit(z), "expit"),
    (lambda z: sc.logit(z), "logit"),
    (lambda z: sc.entr(z), "entr"),
    (lambda z: sc.ndtri(z), "ndtri"),
    (lambda z: sc.gammaln(z), "gammaln"),
    (lambda z: csp.polygamma(1, z), "polygamma"),
    (lambda z: sc.poch(z, 2.0), "poch"),
    (lambda z: sc.beta(z, 2.0), "beta"),
    (lambda z: sc.gammainc(2.0, z), "gammainc"),
    (lambda z: sc.j0(z), "j0"),
    (lambda z: sc.yn(1, z), "yn"),
    (lambda z: sc.k1(z), "k1"),
    (lambda z: csp.multigammaln(z, 2), "multigammaln"),
])
def test_functions_scipy_keeps_real_refuse_complex(call, name):
    with pytest.raises(TypeError, match=rf"scipy\.special\.{name}: .*real arguments only"):
        cr.grad(lambda x: call(x * (1 + 1j)).real)(1.5)


def test_public_polygamma_stays_real_like_scipy():
    # chainrule computes psi^(n) at complex points for the rules of psi, but its public
    # polygamma is SciPy's: complex z raises there, traced or not.
    with pytest.raises(TypeError):
        csp.polygamma(1, 1.0 + 1.0j)
    assert csp.polygamma(1, 2.0) == sc.polygamma(1, 2.0)
