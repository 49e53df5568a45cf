"""Linear algebra, FFT and SciPy functions on another library's arrays (issue 12), checked
with ``array-api-strict`` (dev extra): the functions the Array API standard has run in the
arrays' own namespace and give NumPy's values; those it lacks raise ``BackendError`` at once
instead of converting the arrays to NumPy behind the user's back.
"""

from __future__ import annotations

import numpy as np
import pytest

import chainrule.numpy as cnp
from chainrule.backend import BackendError, namespace

xp = pytest.importorskip("array_api_strict", reason="array-api-strict (dev extra) not installed")
from tests.strict_device import on_device, to_numpy  # noqa: E402  (after the skip)

RNG = np.random.default_rng(7)
A = RNG.uniform(-1.0, 1.0, (3, 3)) + 3.0 * np.eye(3)  # not symmetric: triangles differ
SPD = A @ A.T
B = RNG.uniform(-1.0, 1.0, (3, 2))


def _same(got, expected):
    assert namespace(got) is xp, "the result left the array-api-strict namespace"
    np.testing.assert_allclose(to_numpy(got), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("ours", "numpys"), [
    (lambda a: cnp.linalg.inv(a), np.linalg.inv),
    (lambda a: cnp.linalg.det(a), np.linalg.det),
    (lambda a: cnp.linalg.slogdet(a)[1], lambda a: np.linalg.slogdet(a)[1]),
    (lambda a: cnp.linalg.slogdet(a)[0], lambda a: np.linalg.slogdet(a)[0]),
    (lambda a: cnp.linalg.svd(a)[1], lambda a: np.linalg.svd(a)[1]),
    (lambda a: cnp.linalg.svdvals(a), np.linalg.svdvals),
    (lambda a: cnp.linalg.pinv(a), np.linalg.pinv),
    (lambda a: cnp.linalg.matrix_power(a, 3), lambda a: np.linalg.matrix_power(a, 3)),
    (lambda a: cnp.linalg.matrix_power(a, 0), lambda a: np.linalg.matrix_power(a, 0)),
    (lambda a: cnp.fft.fft(a), np.fft.fft),
    (lambda a: cnp.fft.rfftn(a), np.fft.rfftn),
    (lambda a: cnp.fft.irfft(a, 4), lambda a: np.fft.irfft(a, 4)),
], ids=["inv", "det", "logabsdet", "sign", "svd-s", "svdvals", "pinv", "power3", "power0",
        "fft", "rfftn", "irfft-real"])
def test_standard_functions_stay_in_the_namespace(ours, numpys):
    _same(ours(on_device(A)), numpys(A))


def test_solve_matrix_and_vector_right_hand_sides():
    _same(cnp.linalg.solve(on_device(A), on_device(B)), np.linalg.solve(A, B))
    _same(cnp.linalg.solve(on_device(A), on_device(B[:, 0])), np.linalg.solve(A, B[:, 0]))


@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigh_reads_numpys_triangle(uplo):
    w, v = cnp.linalg.eigh(on_device(A), UPLO=uplo)
    ew, ev = np.linalg.eigh(A, UPLO=uplo)
    _same(w, ew)
    _same(cnp.linalg.eigvalsh(on_device(A), UPLO=uplo), ew)
    _same(v * v, ev * ev)  # eigenvectors up to sign


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_reads_numpys_triangle(upper):
    messy = SPD + np.triu(RNG.uniform(size=(3, 3)), 1) * (-1 if upper else 1)
    _same(cnp.linalg.cholesky(on_device(messy), upper=upper),
          np.linalg.cholesky(messy, upper=upper))


def test_hermitian_svd_is_numpys():
    sym = np.array([[1.0, 2.0, 0.5], [2.0, -3.0, 1.0], [0.5, 1.0, 0.25]])
    u, s, vh = cnp.linalg.svd(on_device(sym), hermitian=True)
    eu, es, evh = np.linalg.svd(sym, hermitian=True)
    for got, expected in ((u, eu), (s, es), (vh, evh)):
        _same(got, expected)
    _same(cnp.linalg.svd(on_device(sym), compute_uv=False, hermitian=True), es)
    _same(cnp.linalg.pinv(on_device(A), hermitian=True), np.linalg.pinv(A, hermitian=True))


@pytest.mark.parametrize("real_spectrum", [False, True])
def test_eig_gives_numpys_dtype_and_vectors(real_spectrum):
    a = np.diag([1.0, 2.0, 3.0]) + np.triu(A, 1) if real_spectrum else A - A.T
    w, v = cnp.linalg.eig(on_device(a))
    ew, ev = np.linalg.eig(a)
    assert (w.dtype == xp.float64) is real_spectrum  # NumPy's: real where the spectrum is
    _same(w, ew)
    _same(v, ev)
    _same(cnp.linalg.eigvals(on_device(a)), ew)


def test_qr_factors():
    q, r = cnp.linalg.qr(on_device(A))
    eq, er = np.linalg.qr(A)
    _same(q, eq)
    _same(r, er)


def test_float32_stays_float32():
    a32 = on_device(A, dtype=xp.float32)
    assert cnp.linalg.inv(a32).dtype == xp.float32
    assert cnp.fft.fft(a32).dtype == xp.complex64
    assert cnp.linalg.cholesky(on_device(SPD, dtype=xp.float32)).dtype == xp.float32


def test_full_convolutions_through_the_fft_extension():
    pytest.importorskip("scipy", reason="SciPy (dev extra) not installed")
    from chainrule.scipy import signal
    v, w = RNG.uniform(-1.0, 1.0, 5), RNG.uniform(-1.0, 1.0, 3) + 1j
    _same(cnp.convolve(on_device(v), on_device(w)), np.convolve(v, w))
    _same(signal.convolve(on_device(A), on_device(B)), np.asarray(
        [[sum(A[i - k, j - m] * B[k, m] for k in range(3) for m in range(2)
              if 0 <= i - k < 3 and 0 <= j - m < 3) for j in range(4)] for i in range(5)]))
    assert cnp.convolve(on_device(v, dtype=xp.float32), on_device(v, dtype=xp.float32)
                        ).dtype == xp.float32


def _refusals():
    pytest.importorskip("scipy", reason="SciPy (dev extra) not installed")
    from chainrule.scipy import integrate, linalg, special, stats

    v, a = on_device(np.ones(3)), on_device(A)
    return {
        "scipy.special.gammaln": lambda: special.gammaln(v),
        "scipy.special.jv": lambda: special.jv(1.5, v),
        "scipy.special.logsumexp": lambda: special.logsumexp(v),
        "scipy.stats.norm.logpdf": lambda: stats.norm.logpdf(v),
        "scipy.linalg.expm": lambda: linalg.expm(a),
        "scipy.linalg.solve_triangular": lambda: linalg.solve_triangular(a, v),
        "scipy.linalg.lu_factor": lambda: linalg.lu_factor(a),
        "scipy.integrate.odeint": lambda: integrate.odeint(lambda y, t: -y, v, v),
        "numpy.linalg.lstsq": lambda: cnp.linalg.lstsq(a, v),
    }


def test_what_the_standard_lacks_is_refused_by_name():
    for name, call in _refusals().items():
        with pytest.raises(BackendError, match=name.replace(".", r"\.")):
            call()
