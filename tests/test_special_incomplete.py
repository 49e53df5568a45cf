"""Shape derivatives of gammainc, gammaincc, betainc and stdtr (ops/special_incomplete.py,
special_incomplete_numerics.py, special_distributions.py) against independent quadrature of
their integral representations (scipy.integrate.quad; mpmath is not a dependency), at extreme
points of each region; closed forms; the third-order and non-convergence errors; rgamma's
derivative at the poles of gamma.
"""

import math
import warnings

import numpy as np
import pytest

import chainrule as cr

sc = pytest.importorskip("scipy.special")
integrate = pytest.importorskip("scipy.integrate")

from chainrule.ops import special_incomplete_numerics as numerics  # noqa: E402
from chainrule.primitive import NoDerivativeError  # noqa: E402
from chainrule.scipy import special as csp  # noqa: E402
from chainrule.scipy import stats  # noqa: E402


def _quad(f, lo, hi, points=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return integrate.quad(f, lo, hi, epsabs=0, epsrel=1e-13, limit=2000, points=points)[0]


# --- references -------------------------------------------------------------------------------
def gamma_reference(a, x, k):
    """d^k P(a, x) / da^k = int_0^x rho(t) K(t) dt, rho = t^(a-1) e^-t / Gamma(a),
    K = log t - psi(a) (k = 1) or (log t - psi(a))^2 - psi1(a) (k = 2); minus the integral from
    x to infinity where x > a (P(a, inf) = 1 for every a)."""
    psi, psi1 = sc.psi(a), sc.polygamma(1, a)

    def kernel(lt):
        return lt - psi if k == 1 else (lt - psi) ** 2 - psi1

    if x <= a and a < 1:  # u = t^a removes the singularity t^(a-1): rho dt = e^-t du / Gamma(a+1)
        return _quad(lambda u: np.exp(-u ** (1 / a) - sc.gammaln(a + 1)) * kernel(np.log(u) / a),
                     0, x ** a)

    def rho_k(t):
        return np.exp((a - 1) * np.log(t) - t - sc.gammaln(a)) * kernel(np.log(t))

    mode = [a - 1] if a > 1 else None
    if x <= a:
        return _quad(rho_k, 0, x, mode if a - 1 < x else None)
    hi = x + 80 + 40 * math.sqrt(a)
    return -_quad(rho_k, x, hi)


def beta_reference(a, b, x, ij):
    """d^(i+j) I_x(a, b) / da^i db^j by quadrature of the density times the matching
    polynomial in la = log t - psi(a) + psi(a+b), lb = log(1-t) - psi(b) + psi(a+b): from 0
    where x is below the mean, else minus the integral from x to 1; with t = u^(1/a) (or
    1 - t = w^(1/b)) removing an endpoint singularity where a (b) < 1."""
    ab1 = sc.polygamma(1, a + b)
    ca, cb = sc.psi(a + b) - sc.psi(a), sc.psi(a + b) - sc.psi(b)
    second = {(2, 0): ab1 - sc.polygamma(1, a), (1, 1): ab1, (0, 2): ab1 - sc.polygamma(1, b)}

    def kernel(lt, l1t):
        la, lb = lt + ca, l1t + cb
        return {(1, 0): la, (0, 1): lb, (2, 0): la * la, (1, 1): la * lb,
                (0, 2): lb * lb}[ij] + second.get(ij, 0.0)

    log_b = sc.betaln(a, b)
    if x < a / (a + b):
        if a < 1:
            def f(u):
                lt = np.log(u) / a
                return np.exp((b - 1) * np.log1p(-np.exp(lt)) - log_b) / a * kernel(
                    lt, np.log1p(-np.exp(lt)))
            return _quad(f, 0, x ** a)

        def f(t):
            return np.exp((a - 1) * np.log(t) + (b - 1) * np.log1p(-t) - log_b) * kernel(
                np.log(t), np.log1p(-t))
        return _quad(f, 0, x)
    if b < 1:
        def f(w):
            l1t = np.log(w) / b
            return np.exp((a - 1) * np.log1p(-np.exp(l1t)) - log_b) / b * kernel(
                np.log1p(-np.exp(l1t)), l1t)
        return -_quad(f, 0, (1 - x) ** b)

    def f(t):
        return np.exp((a - 1) * np.log(t) + (b - 1) * np.log1p(-t) - log_b) * kernel(
            np.log(t), np.log1p(-t))
    return -_quad(f, x, 1)


def stdtr_reference(df, t):
    """d stdtr / d df = int_-inf^t f(s) d log f(s) / d df ds (minus the integral from t to inf
    where t > 0), f the t density."""
    def g(s):
        return (0.5 * (sc.psi((df + 1) / 2) - sc.psi(df / 2)) - 0.5 / df
                - 0.5 * np.log1p(s * s / df) + (df + 1) * s * s / (2 * df * (df + s * s)))

    def integrand(s):
        return np.exp(sc.gammaln((df + 1) / 2) - sc.gammaln(df / 2) - 0.5 * np.log(df * np.pi)
                      - (df + 1) / 2 * np.log1p(s * s / df)) * g(s)

    return _quad(integrand, -np.inf, t) if t <= 0 else -_quad(integrand, t, np.inf)


def _close(got, want, rtol):
    assert abs(got - want) <= rtol * abs(want) + 1e-13, (got, want)


# --- gammainc ---------------------------------------------------------------------------------
GAMMA_POINTS = [(a, x) for a in (0.01, 0.1, 0.5, 1.0, 2.5, 10.0, 50.0, 1000.0)
                for x in (1e-5, 0.1, 0.5 * a, a, a + 1, a + 1.0001, 1.5 * a + 2, 3 * a + 10,
                          10 * a + 50)]


@pytest.mark.parametrize(("a", "x"), GAMMA_POINTS)
def test_gammainc_shape_derivatives_match_quadrature(a, x):
    d1 = cr.grad(sc.gammainc)(a, x)
    d2 = cr.grad(cr.grad(sc.gammainc))(a, x)
    _close(float(d1), gamma_reference(a, x, 1), 1e-10)
    _close(float(d2), gamma_reference(a, x, 2), 1e-9)
    # gammaincc: the negatives, in both modes
    _close(float(cr.jvp(lambda a: sc.gammaincc(a, x), (a,), (1.0,))[1]), -float(d1), 1e-15)


def test_gammainc_large_shape():
    for a in (1e4, 1e5):
        for x in (a - 3 * math.sqrt(a), a, a + 1 + math.sqrt(a)):
            _close(float(cr.grad(sc.gammainc)(a, x)), gamma_reference(a, x, 1), 1e-10)


def test_gammainc_mixed_partials_are_closed_forms():
    a, x = 2.5, 1.7
    rho = x ** (a - 1) * math.exp(-x) / math.gamma(a)
    la = math.log(x) - sc.psi(a)
    hessian = cr.hessian(lambda v: sc.gammainc(v[0], v[1]))(np.array([a, x]))
    np.testing.assert_allclose(hessian, hessian.T, rtol=1e-14)
    _close(hessian[0, 1], rho * la, 1e-13)
    rev_rev = cr.jacobian(cr.grad(lambda v: sc.gammainc(v[0], v[1])), mode="rev")(
        np.array([a, x]))
    np.testing.assert_allclose(rev_rev, hessian, rtol=1e-13)


# --- betainc ----------------------------------------------------------------------------------
BETA_POINTS = [(a, b, x) for a in (0.2, 1.0, 3.0, 20.0) for b in (0.2, 1.5, 20.0)
               for x in (1e-6, 0.01, 0.5, 0.99, 1 - 1e-6)]


@pytest.mark.parametrize(("a", "b", "x"), BETA_POINTS)
def test_betainc_shape_derivatives_match_quadrature(a, b, x):
    grads = cr.grad(sc.betainc, argnums=(0, 1))(a, b, x)
    hessian = cr.hessian(lambda v: sc.betainc(v[0], v[1], x))(np.array([a, b]))
    for got, ij in zip(grads, ((1, 0), (0, 1)), strict=True):
        _close(float(got), beta_reference(a, b, x, ij), 1e-10)
    for (i, j), ij in zip(((0, 0), (0, 1), (1, 1)), ((2, 0), (1, 1), (0, 2)), strict=True):
        _close(float(hessian[i, j]), beta_reference(a, b, x, ij), 1e-9)


def test_betainc_closed_forms():
    x = np.array([0.1, 0.5, 0.9])
    # I_x(a, 1) = x^a: d/da = x^a log x, d2/da2 = x^a log^2 x
    np.testing.assert_allclose(cr.elementwise_grad(lambda a: sc.betainc(a, 1.0, x))(
        np.full(3, 2.0)), x ** 2 * np.log(x), rtol=1e-12)
    np.testing.assert_allclose(cr.elementwise_grad(cr.elementwise_grad(
        lambda a: sc.betainc(a, 1.0, x)))(np.full(3, 2.0)), x ** 2 * np.log(x) ** 2, rtol=1e-11)
    # I_x(1, b) = 1 - (1-x)^b: d/db = -(1-x)^b log(1-x)
    np.testing.assert_allclose(cr.elementwise_grad(lambda b: sc.betainc(1.0, b, x))(
        np.full(3, 3.0)), -(1 - x) ** 3 * np.log1p(-x), rtol=1e-12)


@pytest.mark.parametrize("a", [1e-6, 1e-3, 0.05, 500.0])
def test_betainc_closed_forms_at_extreme_shapes(a):
    """I_x(a, 1) = x^a and I_x(1, b) = 1 - (1-x)^b for tiny and large shapes (the continued
    fraction's a/a and the digamma differences are cancelled analytically)."""
    x = np.array([1e-10, 0.1, 0.3, 1 - 1e-9])
    grad = cr.elementwise_grad(lambda a: sc.betainc(a, 1.0, x))
    np.testing.assert_allclose(grad(np.full(4, a)), x ** a * np.log(x), rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(cr.elementwise_grad(grad)(np.full(4, a)),
                               x ** a * np.log(x) ** 2, rtol=1e-9, atol=1e-13)
    y = 1 - x
    z = 1 - y  # x as y holds it
    grad_b = cr.elementwise_grad(lambda b: sc.betainc(1.0, b, y))
    np.testing.assert_allclose(grad_b(np.full(4, a)), -z ** a * np.log(z), rtol=1e-10,
                               atol=1e-13)


def test_betainc_hessian_is_symmetric_in_both_modes():
    v = np.array([0.7, 4.0, 0.3])
    fwd_rev = cr.hessian(lambda v: sc.betainc(v[0], v[1], v[2]))(v)
    rev_rev = cr.jacobian(cr.grad(lambda v: sc.betainc(v[0], v[1], v[2])), mode="rev")(v)
    np.testing.assert_allclose(fwd_rev, fwd_rev.T, rtol=1e-13)
    np.testing.assert_allclose(rev_rev, fwd_rev, rtol=1e-13)


# --- stdtr and the stats CDFs -----------------------------------------------------------------
@pytest.mark.parametrize(("df", "t"), [(0.3, 5.0), (1.0, 1.0), (2.5, -0.7), (30.0, 2.0),
                                       (30.0, -40.0), (500.0, 1.5), (4.0, 1e-4)])
def test_stdtr_df_derivative_matches_quadrature(df, t):
    _close(float(cr.grad(sc.stdtr)(df, t)), stdtr_reference(df, t), 1e-10)
    # second order: Richardson-extrapolated differences of the quadrature (about 1e-8)
    h = 1e-2 * df
    diffs = [(stdtr_reference(df + s, t) - stdtr_reference(df - s, t)) / (2 * s)
             for s in (h, h / 2)]
    _close(float(cr.grad(cr.grad(sc.stdtr))(df, t)), (4 * diffs[1] - diffs[0]) / 3, 1e-6)


@pytest.mark.parametrize("df", [200.0, 250.0])
@pytest.mark.parametrize("order", [1, 2])
def test_stdtr_df_large_df_quadrature_agrees_with_betainc(df, order, monkeypatch):
    """From df = 200 on the derivatives are integrated (special_student_numerics.py); there
    the two independent methods agree."""
    from chainrule.ops import special_student

    t = np.array([-300.0, -30.0, -8.0, -1.0, -0.1, 0.01, 0.5, 2.0, 12.0])
    v = np.full(t.shape, df)
    integrated = special_student._stdtr_ddf_impl(v, t, order=order)
    monkeypatch.setattr(special_student, "LARGE_DF", np.inf)
    through_betainc = special_student._stdtr_ddf_impl(v, t, order=order)
    # each within about 1e-10 of the truth
    np.testing.assert_allclose(integrated, through_betainc, rtol=2e-10, atol=1e-300)


def test_stdtr_df_mixed_partial_is_the_density_derivative():
    ts = pytest.importorskip("scipy.stats").t
    for df, t in ((3.0, 0.5), (40.0, -2.0), (1e4, 1.5), (1e6, 3.0)):
        h = 1e-3 * df
        fd = (ts.pdf(t, df + h) - ts.pdf(t, df - h)) / (2 * h)
        got = cr.grad(cr.grad(sc.stdtr), argnums=1)(df, t)
        _close(float(got), fd, 1e-5)
        fd2 = (ts.pdf(t, df + h) - 2 * ts.pdf(t, df) + ts.pdf(t, df - h)) / h ** 2
        _close(float(cr.grad(cr.grad(cr.grad(sc.stdtr)), argnums=1)(df, t)), fd2, 1e-4)


def test_stdtr_df_edges():
    assert cr.grad(sc.stdtr)(3.0, 0.0) == 0.0
    assert cr.grad(sc.stdtr)(np.inf, 1.0) == 0.0
    assert cr.grad(cr.grad(sc.stdtr), argnums=1)(np.inf, 1.0) == 0.0


def test_stats_cdfs_in_their_shapes():
    x, a = 1.3, 2.2
    _close(float(cr.grad(stats.gamma.cdf, argnums=1)(x, a)), gamma_reference(a, x, 1), 1e-10)
    _close(float(cr.grad(stats.chi2.cdf, argnums=1)(x, a)),
           0.5 * gamma_reference(a / 2, x / 2, 1), 1e-10)
    _close(float(cr.grad(stats.beta.cdf, argnums=2)(0.3, 2.0, 3.0)),
           beta_reference(2.0, 3.0, 0.3, (0, 1)), 1e-10)
    _close(float(cr.grad(stats.t.cdf, argnums=1)(-0.4, 3.0)), stdtr_reference(3.0, -0.4), 1e-10)
    g = cr.grad(stats.t.logcdf, argnums=1)(-0.4, 3.0)
    _close(float(g), stdtr_reference(3.0, -0.4) / sc.stdtr(3.0, -0.4), 1e-10)


# --- edges and errors -------------------------------------------------------------------------
def test_edges_of_the_domain():
    d1, d2 = numerics.gammainc_shape_derivatives([1.0, 1.0, 0.0, -1.0, 2.0], [0.0, np.inf, 1.0,
                                                                              1.0, np.nan])
    np.testing.assert_array_equal(d1, [0.0, 0.0, np.nan, np.nan, np.nan])
    d = numerics.betainc_shape_derivatives(2.0, [3.0, 3.0, -1.0], [0.0, 1.0, 0.5])
    for v in d.values():
        np.testing.assert_array_equal(v, [0.0, 0.0, np.nan])


def test_vectorized_matches_one_by_one():
    a = np.array([0.1, 3.0, 50.0, 2.0, 0.5])
    x = np.array([0.05, 9.0, 49.0, 2.5, 30.0])
    together = cr.elementwise_grad(lambda a: sc.gammainc(a, x))(a)
    alone = [cr.grad(sc.gammainc)(ai, xi) for ai, xi in zip(a, x, strict=True)]
    np.testing.assert_allclose(together, alone, rtol=1e-14)


def test_float32_stays_float32():
    a = np.array([0.5, 2.0], dtype=np.float32)
    assert cr.elementwise_grad(lambda a: sc.gammainc(a, np.float32(1.0)))(a).dtype == np.float32
    assert cr.elementwise_grad(lambda b: sc.betainc(np.float32(2), b, np.float32(0.5)))(
        a).dtype == np.float32
    assert cr.elementwise_grad(lambda df: sc.stdtr(df, np.float32(1.0)))(a).dtype == np.float32


@pytest.mark.parametrize(("f", "words"), [
    (lambda a: sc.gammainc(a, 1.5), r"gammainc: derivatives of order 3 .* shape a"),
    (lambda a: sc.gammaincc(a, 1.5), r"gammainc: derivatives of order 3 .* shape a"),
    (lambda a: sc.betainc(a, 2.0, 0.4), r"betainc: derivatives of order 3 .* shape a"),
    (lambda b: sc.betainc(2.0, b, 0.4), r"betainc: derivatives of order 3 .* shape b"),
    (lambda df: sc.stdtr(df, 0.4), r"stdtr: derivatives of order 3 .* shape df"),
])
def test_third_order_in_a_shape_raises(f, words):
    assert np.isfinite(cr.grad(cr.grad(f))(2.0))
    with pytest.raises(NoDerivativeError, match=words):
        cr.grad(cr.grad(cr.grad(f)))(2.0)
    with pytest.raises(NoDerivativeError, match=words):
        cr.jvp(cr.grad(cr.grad(f)), (2.0,), (1.0,))


def test_third_order_mixed_with_x_works():
    # d/dx of the second shape derivative is a closed form (the density's)
    f = cr.grad(cr.grad(cr.grad(sc.gammainc)), argnums=1)
    a, x, h = 2.0, 1.5, 1e-5
    fd = (cr.grad(cr.grad(sc.gammainc))(a, x + h) - cr.grad(cr.grad(sc.gammainc))(a, x - h)) / (
        2 * h)
    _close(float(f(a, x)), float(fd), 1e-8)


def test_no_convergence_raises(monkeypatch):
    monkeypatch.setattr(numerics, "MAX_TERMS", 4)
    with pytest.raises(numerics.NotConvergedError, match="gammainc: .* did not converge in 4"):
        cr.grad(sc.gammainc)(30.0, 29.0)
    with pytest.raises(numerics.NotConvergedError, match="betainc: .* did not converge in 4"):
        cr.grad(sc.betainc)(30.0, 20.0, 0.5)


def test_plain_calls_are_scipys_own(monkeypatch):
    def fail(*args):
        raise AssertionError("the series ran on a plain call")

    monkeypatch.setattr(numerics, "_gamma_series", fail)
    monkeypatch.setattr(numerics, "_continued_fraction", fail)
    a, x = np.array([0.5, 3.0]), np.array([0.2, 8.0])
    np.testing.assert_array_equal(csp.gammainc(a, x), sc.gammainc(a, x))
    np.testing.assert_array_equal(csp.betainc(a, 2.0, x / 10), sc.betainc(a, 2.0, x / 10))
    np.testing.assert_array_equal(stats.gamma.cdf(x, a), sc.gammainc(a, x))
    # a derivative in x only does not run them either
    cr.grad(lambda x: sc.gammainc(a, x).sum())(x)


# --- rgamma at the poles of gamma -------------------------------------------------------------
@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 20])
def test_rgamma_derivative_at_the_poles(n):
    x = -float(n)
    assert cr.grad(sc.rgamma)(x) == pytest.approx((-1) ** n * math.factorial(n), rel=1e-13)
    second = -2 * (-1) ** n * math.factorial(n) * sc.psi(n + 1)
    assert cr.grad(cr.grad(sc.rgamma))(x) == pytest.approx(second, rel=1e-12)
    assert cr.jvp(cr.grad(sc.rgamma), (x,), (1.0,))[1] == pytest.approx(second, rel=1e-12)


def test_rgamma_derivative_near_and_away_from_the_poles():
    x = np.array([-3 + 1e-9, -2.5, -0.3, 0.4, 0.6, 4.0, -180.5])
    want = -sc.rgamma(x) * sc.psi(x)
    np.testing.assert_allclose(cr.elementwise_grad(sc.rgamma)(x), want, rtol=1e-7, atol=1e-300)
    g32 = cr.elementwise_grad(sc.rgamma)(np.array([-2.0, 1.5], dtype=np.float32))
    assert g32.dtype == np.float32
    np.testing.assert_allclose(g32, [2.0, -sc.rgamma(1.5) * sc.psi(1.5)], rtol=1e-6)


def test_mixed_partials_at_the_ends_of_the_support_are_zero_not_nan():
    # x^(a-1) log^k x -> 0 at x = 0 for a > 1 (and (1-x)^(b-1) log^k(1-x) at x = 1 for b > 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cr.grad(lambda a: cr.grad(lambda x: csp.gammainc(a, x))(0.0))(2.0) == 0.0
        assert cr.grad(lambda x: cr.grad(lambda a: csp.gammainc(a, x))(2.0))(0.0) == 0.0
        for x in (0.0, 1.0):
            assert cr.grad(lambda a, x=x: cr.grad(
                lambda x: csp.betainc(a, 2.0, x))(x))(2.0) == 0.0
            assert cr.grad(lambda x: cr.grad(lambda b: csp.betainc(2.0, b, x))(3.0))(x) == 0.0
