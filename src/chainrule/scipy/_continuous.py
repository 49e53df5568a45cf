"""Continuous distributions of ``scipy.stats``: norm, t, beta, gamma, chi2, composed from
chainrule's special functions in SciPy's own formulas (``scipy/stats/_continuous_distns.py``),
so that their values are SciPy's and their derivatives in every argument follow.

Standardized pieces (z = (x - loc) / scale):

* norm:  logpdf = -z^2/2 - log sqrt(2 pi),  cdf = ndtr(z),  logcdf = log_ndtr(z)
* t(df): logpdf = log poch(df/2, 1/2) - (log df + log pi)/2 - (df+1)/2 log1p(z^2/df)
  (the normal's where df = inf),  cdf = stdtr(df, z)
* beta(a, b): logpdf = xlog1py(b-1, -z) + xlogy(a-1, z) - betaln(a, b),  cdf = betainc(a, b, z)
* gamma(a): logpdf = xlogy(a-1, z) - z - gammaln(a),  cdf = gammainc(a, z)
* chi2(df): logpdf = xlogy(df/2-1, z) - z/2 - gammaln(df/2) - df log(2)/2,
  cdf = gammainc(df/2, z/2)  (SciPy's chdtr, to the bit)

The CDFs of t, beta, gamma and chi2 are differentiable in their shapes too (to second order):
their derivatives have no closed form and come from the series and continued fractions of
``ops/special_incomplete_numerics.py``.
"""

from __future__ import annotations

import math

import numpy as np

from chainrule import numpy as cnp
from chainrule.ops.special_distributions import log_ndtr, ndtr, stdtr
from chainrule.ops.special_error import xlog1py, xlogy
from chainrule.ops.special_gamma import betaln, gammaln
from chainrule.ops.special_incomplete import betainc, gammainc
from chainrule.ops.special_student import t_log_density
from chainrule.scipy._distribution import LocScaleDistribution
from chainrule.tracer import primal

__all__ = ["norm", "t", "beta", "gamma", "chi2"]

_LOG_SQRT_2PI = math.log(math.sqrt(2 * math.pi))  # SciPy's _norm_pdf_logC
_SQRT_2PI = math.sqrt(2 * math.pi)
_LOG2 = math.log(2)


class _Norm(LocScaleDistribution):
    """``scipy.stats.norm``: the normal distribution, ``logpdf(x, loc=0, scale=1)`` etc.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule.scipy import stats
        >>> x = np.array([0.5, 1.5])
        >>> cr.grad(lambda loc: stats.norm.logpdf(x, loc=loc).sum())(1.0)  # sum(x - loc)
        array(0.)
    """

    def _logpdf(self, z):
        return -z ** 2 / 2.0 - _LOG_SQRT_2PI

    def _pdf(self, z):
        return cnp.exp(-z ** 2 / 2.0) / _SQRT_2PI

    def _cdf(self, z):
        return ndtr(z)

    def _logcdf(self, z):
        return log_ndtr(z)


class _T(LocScaleDistribution):
    """``scipy.stats.t``: Student's t, ``logpdf(x, df, loc=0, scale=1)`` etc.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import stats
        >>> round(float(cr.grad(stats.t.cdf)(0.0, 1.0)), 6)  # Cauchy density at 0: 1 / pi
        0.31831
    """

    shapes = ("df",)

    @staticmethod
    def _normal_where_infinite(z, df, of_t, of_normal):
        infinite = np.isinf(primal(df))
        if not infinite.any():
            return of_t(z, df)
        return cnp.where(infinite, of_normal(z), of_t(z, cnp.where(infinite, 1.0, df)))

    def _logpdf(self, z, df):
        return self._normal_where_infinite(z, df, t_log_density, norm._logpdf)

    def _pdf(self, z, df):
        return self._normal_where_infinite(
            z, df, lambda z, df: cnp.exp(t_log_density(z, df)), norm._pdf)

    def _cdf(self, z, df):
        return stdtr(df, z)

    def _valid(self, df):
        return df > 0


class _Beta(LocScaleDistribution):
    """``scipy.stats.beta``: ``logpdf(x, a, b, loc=0, scale=1)`` etc. on [0, 1].

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import stats
        >>> float(cr.grad(stats.beta.pdf)(0.25, 2.0, 1.0))  # pdf = 2 x
        2.0
    """

    shapes = ("a", "b")
    support = (0.0, 1.0)
    interior = 0.5

    def _logpdf(self, z, a, b):
        return xlog1py(b - 1.0, -z) + xlogy(a - 1.0, z) - betaln(a, b)

    def _cdf(self, z, a, b):
        return betainc(a, b, z)

    def _valid(self, a, b):
        return (a > 0) & (b > 0)


class _Gamma(LocScaleDistribution):
    """``scipy.stats.gamma``: ``logpdf(x, a, loc=0, scale=1)`` etc. on x >= 0.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import stats
        >>> float(cr.grad(stats.gamma.logpdf)(2.0, 1.0))  # exponential: log pdf = -x
        -1.0
    """

    shapes = ("a",)
    support = (0.0, math.inf)
    interior = 1.0

    def _logpdf(self, z, a):
        return xlogy(a - 1.0, z) - z - gammaln(a)

    def _cdf(self, z, a):
        return gammainc(a, z)

    def _valid(self, a):
        return a > 0


class _Chi2(LocScaleDistribution):
    """``scipy.stats.chi2``: ``logpdf(x, df, loc=0, scale=1)`` etc. on x >= 0.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import stats
        >>> float(cr.grad(stats.chi2.logpdf)(1.0, 2.0))  # df = 2: log pdf = -x/2 - log 2
        -0.5
    """

    shapes = ("df",)
    support = (0.0, math.inf)
    interior = 1.0

    def _logpdf(self, z, df):
        return xlogy(df / 2.0 - 1, z) - z / 2.0 - gammaln(df / 2.0) - (_LOG2 * df) / 2.0

    def _cdf(self, z, df):
        return gammainc(df / 2, z / 2)

    def _valid(self, df):
        return df > 0


norm = _Norm("norm")
t = _T("t")
beta = _Beta("beta")
gamma = _Gamma("gamma")
chi2 = _Chi2("chi2")
