"""chainrule.scipy.stats beyond the registry specs: SciPy's values (1e-12 relative, including
outside the support and for invalid parameters), analytic derivatives in the parameters,
derivatives that do not leak NaN from entries outside the support, and clear errors for
derivatives with no closed form."""

import math

import numpy as np
import pytest

ss = pytest.importorskip("scipy.stats", reason="chainrule.scipy.stats needs SciPy")

import scipy.special as sc  # noqa: E402

import chainrule as cr  # noqa: E402
from chainrule.scipy import special as csp  # noqa: E402
from chainrule.scipy import stats  # noqa: E402

RNG = np.random.default_rng(0)


def _value(f, *args):
    """f evaluated on traced arguments (the composed path, not SciPy's)."""
    return cr.jvp(f, tuple(args), tuple(np.zeros_like(a) for a in args))[0]


def _same(got, expected):
    assert np.shape(got) == np.shape(expected)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0)


# --- values -----------------------------------------------------------------------------------
X = RNG.uniform(-3, 3, 7)
POSITIVE = RNG.uniform(0.05, 5, 7)
UNIT = RNG.uniform(0.02, 0.98, 7)
CONTINUOUS = [
    ("norm", X, (0.3, 1.7)),
    ("t", X, (3.5, 0.2, 1.3)),
    ("t", X, (np.array([0.6, 2.0, 40.0, np.inf, 1.0, 3.0, 9.0]),)),
    ("beta", UNIT, (2.5, 0.7)),
    ("beta", UNIT, (0.5, 3.0, -0.1, 1.5)),
    ("gamma", POSITIVE, (2.5, 0.0, 2.0)),
    ("gamma", POSITIVE, (0.6,)),
    ("chi2", POSITIVE, (3.0,)),
    ("chi2", POSITIVE, (1.0, 0.0, 0.5)),
    # outside the support, at its ends, NaN, infinities; invalid parameters
    ("gamma", np.array([-1.0, 0.0, 1.0, np.inf, np.nan]), (2.5,)),
    ("beta", np.array([-1.0, 0.0, 0.5, 1.0, 2.0]), (2.5, 1.5)),
    ("t", np.array([0.5, 0.5, 0.5]), (np.array([-1.0, 2.0, np.inf]),)),
    ("norm", np.array([0.5, 0.5, 0.5, -np.inf]), (0.0, np.array([-1.0, 0.0, 2.0, 1.0]))),
]


@pytest.mark.parametrize("method", ["logpdf", "pdf", "cdf", "logcdf"])
@pytest.mark.parametrize(("name", "x", "params"), CONTINUOUS)
def test_continuous_values_are_scipys(name, x, params, method):
    ours, theirs = getattr(getattr(stats, name), method), getattr(getattr(ss, name), method)
    with np.errstate(all="ignore"):
        _same(_value(lambda x: ours(x, *params), x), theirs(x, *params))


@pytest.mark.parametrize("method", ["logpmf", "pmf", "cdf", "logcdf"])
@pytest.mark.parametrize("mu", [3.2, 0.0, 40.0])
def test_poisson_values_are_scipys(method, mu):
    k = np.array([0, 1, 2, 5, 2.5, -1, 12, np.inf])
    with np.errstate(all="ignore"):
        _same(_value(lambda mu: getattr(stats.poisson, method)(k, mu), np.array(mu)),
              getattr(ss.poisson, method)(k, mu))
        _same(_value(lambda mu: getattr(stats.poisson, method)(k, mu, loc=2), np.array(mu)),
              getattr(ss.poisson, method)(k, mu, loc=2))


@pytest.mark.parametrize("method", ["logpdf", "pdf"])
def test_dirichlet_values_are_scipys(method):
    alpha = np.array([1.5, 0.7, 3.0])
    points = RNG.dirichlet(alpha, 5).T  # SciPy's layout: components along the first axis
    ours, theirs = getattr(stats.dirichlet, method), getattr(ss.dirichlet, method)
    for x in (points, points[:, 0], points[:2], points[:2, 0]):
        _same(_value(ours, x, alpha), theirs(x, alpha))


@pytest.mark.parametrize("method", ["logpdf", "pdf"])
def test_multivariate_normal_values_are_scipys(method):
    a = RNG.normal(size=(3, 3))
    cov = a @ a.T + np.eye(3)
    mean = RNG.normal(size=3)
    ours, theirs = getattr(stats.multivariate_normal, method), getattr(
        ss.multivariate_normal, method)
    for x in (RNG.normal(size=(4, 3)), RNG.normal(size=3), RNG.normal(size=(2, 5, 3))):
        _same(_value(ours, x, mean, cov), theirs(x, mean, cov))
    x = RNG.normal(size=(4, 3))
    _same(_value(lambda v: ours(x, mean, v), np.array([1.0, 2.0, 0.5])),
          theirs(x, mean, [1.0, 2.0, 0.5]))  # a vector of variances
    _same(_value(lambda v: ours(x, mean, v), np.array(1.5)), theirs(x, mean, 1.5))
    y = RNG.normal(size=4)  # one dimension: a vector of points
    _same(_value(lambda y: ours(y, 0.5, 2.0), y), theirs(y, 0.5, 2.0))


# --- derivatives ------------------------------------------------------------------------------
def test_normal_scores_and_hessian():
    data = np.array([0.5, 1.5, 3.0])

    def loglik(mu, sigma):
        return stats.norm.logpdf(data, mu, sigma).sum()

    mu, sigma = 1.0, 2.0
    d_mu, d_sigma = cr.grad(loglik, argnums=(0, 1))(mu, sigma)
    assert d_mu == pytest.approx(np.sum(data - mu) / sigma ** 2, rel=1e-14)
    assert d_sigma == pytest.approx(-3 / sigma + np.sum((data - mu) ** 2) / sigma ** 3,
                                    rel=1e-14)
    h = cr.hessian(lambda p: loglik(p[0], p[1]))(np.array([mu, sigma]))
    assert h[0, 0] == pytest.approx(-3 / sigma ** 2, rel=1e-14)
    assert h[0, 1] == pytest.approx(-2 * np.sum(data - mu) / sigma ** 3, rel=1e-14)


def test_shape_parameter_derivatives():
    x, a = 1.7, 2.5
    # d/da gamma.logpdf = log x - psi(a);  d/df t.logpdf checked against finite differences.
    assert cr.grad(lambda a: stats.gamma.logpdf(x, a))(a) == pytest.approx(
        math.log(x) - sc.digamma(a), rel=1e-14)
    cr.check_grad(lambda df, s: stats.t.logpdf(X, df, 0.3, s), 2.5, 1.4)
    cr.check_grad(lambda a, b: stats.beta.pdf(UNIT, a, b), 0.8, 2.0)
    cr.check_grad(lambda df: stats.chi2.logpdf(POSITIVE, df), 3.0)
    # poisson: d/dmu logpmf = k / mu - 1;  d/dmu cdf = -pmf(floor(k), mu).
    k = np.array([0.0, 1.0, 4.0, 2.5])
    mu = 2.2
    np.testing.assert_allclose(cr.jacobian(lambda mu: stats.poisson.logpmf(k, mu))(mu),
                               np.where(k == 2.5, 0.0, k / mu - 1), rtol=1e-14)
    np.testing.assert_allclose(cr.jacobian(lambda mu: stats.poisson.cdf(k, mu))(mu),
                               -ss.poisson.pmf(np.floor(k), mu), rtol=1e-13)
    # dirichlet: d/dalpha_i = log x_i - psi(alpha_i) + psi(sum alpha).
    alpha, point = np.array([1.5, 0.7, 3.0]), np.array([0.2, 0.3, 0.5])
    np.testing.assert_allclose(cr.grad(lambda a: stats.dirichlet.logpdf(point, a))(alpha),
                               np.log(point) - sc.digamma(alpha) + sc.digamma(alpha.sum()),
                               rtol=1e-13)


def test_multivariate_normal_derivatives():
    a = RNG.normal(size=(3, 3))
    cov = a @ a.T + np.eye(3)
    mean, x = RNG.normal(size=3), RNG.normal(size=3)
    inv = np.linalg.inv(cov)
    dev = x - mean
    grad_x = cr.grad(lambda x: stats.multivariate_normal.logpdf(x, mean, cov))(x)
    np.testing.assert_allclose(grad_x, -inv @ dev, rtol=1e-12)
    # d/dcov = (inv dev dev^T inv - inv) / 2 along symmetric directions. SciPy (and NumPy's
    # cholesky) read only the lower triangle, so the gradient of the function computed is
    # that symmetric one folded onto the lower triangle: tril(G) + tril(G, -1).
    grad_cov = cr.grad(lambda c: stats.multivariate_normal.logpdf(x, mean, c))(cov)
    sym = 0.5 * (inv @ np.outer(dev, dev) @ inv - inv)
    np.testing.assert_allclose(grad_cov, np.tril(sym) + np.tril(sym, -1),
                               rtol=1e-11, atol=1e-13)
    # Second order through the Cholesky factor, both modes.
    points = RNG.normal(size=(2, 3))
    cr.check_grad(lambda m, a: stats.multivariate_normal.logpdf(points, m, a @ a.T + np.eye(3)),
                  mean, a)


def test_t_with_infinite_df_is_the_normal():
    x = np.array([-0.5, 0.3, 2.0])
    phi = np.exp(-x ** 2 / 2) / np.sqrt(2 * np.pi)
    for mode in ("rev", "fwd"):
        d = cr.jacobian(lambda x: stats.t.cdf(x, np.array([np.inf, 3.0, np.inf])), mode=mode)(x)
        np.testing.assert_allclose(d.diagonal()[[0, 2]], phi[[0, 2]], rtol=1e-15)
        np.testing.assert_allclose(d.diagonal()[1], np.exp(ss.t.logpdf(0.3, 3.0)), rtol=1e-14)
    np.testing.assert_allclose(cr.elementwise_grad(lambda x: stats.t.logpdf(x, np.inf))(x), -x)


def test_no_nan_leaks_from_outside_the_support():
    x = np.array([-1.0, 2.0, 0.5])  # the first point is outside gamma's support
    g = cr.grad(lambda a: stats.gamma.logpdf(x, a).sum())(2.5)
    inside = cr.grad(lambda a: stats.gamma.logpdf(x[1:], a).sum())(2.5)
    assert g == inside
    g = cr.grad(lambda s: stats.beta.logpdf(np.array([0.5, 1.5]), 2.0, 3.0, scale=s).sum())(1.0)
    assert np.isfinite(g)
    g = cr.grad(lambda mu: stats.poisson.logpmf(np.array([-1.0, 2.0, 2.5]), mu).sum())(1.5)
    assert g == pytest.approx(2 / 1.5 - 1, rel=1e-15)


def test_float32_stays_float32():
    x = np.array([0.5, 1.5], dtype=np.float32)
    for f in (stats.norm.logpdf, lambda x: stats.t.cdf(x, 3.0), lambda x: stats.gamma.pdf(x, 2.0),
              lambda x: stats.poisson.logpmf(2, x), lambda x: stats.chi2.logcdf(x, 3)):
        value, tangent = cr.jvp(f, (x,), (np.ones_like(x),))
        assert value.dtype == tangent.dtype == np.float32
        assert cr.grad(lambda x, f=f: f(x).sum())(x).dtype == np.float32


# --- refusals ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("call", "words"), [
    (lambda k: stats.poisson.pmf(k, 2.0), r"poisson\.pmf: no derivative with respect to k"),
])
def test_derivatives_without_closed_form_raise(call, words):
    with pytest.raises(TypeError, match=words):
        cr.grad(call)(2.0)


def test_options_and_signatures():
    with pytest.raises(ValueError, match="allow_singular=True is not supported"):
        cr.grad(lambda x: stats.multivariate_normal.logpdf(x, np.zeros(2), np.eye(2),
                                                           allow_singular=True))(np.ones(2))
    with pytest.raises(TypeError, match="unexpected keyword argument 'sigma'"):
        cr.grad(lambda x: stats.norm.logpdf(x, sigma=2.0))(1.0)
    with pytest.raises(TypeError, match=r"missing shape parameter\(s\) \['df'\]"):
        cr.grad(lambda x: stats.t.logpdf(x))(1.0)
    with pytest.raises(np.linalg.LinAlgError, match="not positive definite"):
        cr.grad(lambda x: stats.multivariate_normal.logpdf(x, np.zeros(2), -np.eye(2)))(
            np.ones(2))
    with pytest.raises(ValueError, match="simplex"):
        cr.grad(lambda x: stats.dirichlet.logpdf(x, np.ones(3)))(np.full(3, 0.5))
    # Plain arguments are SciPy's own call (its signature, keywords and errors).
    assert stats.norm.logpdf(1.0, scale=2.0) == ss.norm.logpdf(1.0, scale=2.0)
    assert stats.poisson.pmf(3, 2.0) == ss.poisson.pmf(3, 2.0)


def test_complex_traced_values_are_refused():
    with pytest.raises(TypeError, match=r"scipy\.stats\.norm\.logpdf: .* real arguments only"):
        cr.grad(lambda x: stats.norm.logpdf(x * (1 + 1j)).real)(1.0)
    # (scipy.special.logsumexp takes complex values: tests/test_special_complex.py)
    with pytest.raises(TypeError, match=r"scipy\.special\.multigammaln: .* real arguments"):
        cr.grad(lambda x: csp.multigammaln(x * (1 + 1j), 2).real)(3.0)


def test_frozen_distributions():
    x = np.array([0.5, 2.0])
    for frozen, method, direct in [
        (lambda p: stats.norm(p, 2.0), "logpdf", lambda x, p: stats.norm.logpdf(x, p, 2.0)),
        (lambda p: stats.gamma(p, scale=1.5), "pdf", lambda x, p: stats.gamma.pdf(x, p, scale=1.5)),
        (lambda p: stats.poisson(p), "logpmf", lambda k, p: stats.poisson.logpmf(k, p)),
        (lambda p: stats.multivariate_normal(p * np.ones(2)), "logpdf",
         lambda x, p: stats.multivariate_normal.logpdf(x, p * np.ones(2))),
    ]:
        np.testing.assert_array_equal(
            cr.grad(lambda p, f=frozen, m=method: getattr(f(p), m)(x).sum())(1.2),
            cr.grad(lambda p, d=direct: d(x, p).sum())(1.2))
    alpha = np.array([2.0, 3.0])
    assert stats.dirichlet(alpha).pdf(np.array([0.4, 0.6])) == ss.dirichlet(alpha).pdf(
        np.array([0.4, 0.6]))
    with pytest.raises(AttributeError, match="has no method 'cdf'"):
        _ = stats.dirichlet(alpha).cdf


def test_scipy_stats_itself_refuses_traced_values():
    # SciPy's distributions convert with np.asarray: chainrule.scipy.stats is the way.
    with pytest.raises(TypeError, match="would silently drop its derivative"):
        cr.grad(lambda x: ss.norm.logpdf(x))(1.0)
