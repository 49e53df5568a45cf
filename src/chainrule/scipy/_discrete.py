"""``scipy.stats.poisson``, differentiable in its rate ``mu``.

SciPy's formulas (``scipy/stats/_discrete_distns.py``): logpmf = xlogy(k, mu) - gammaln(k + 1)
- mu, pmf = exp(logpmf), cdf = pdtr(floor(k), mu) = gammaincc(floor(k) + 1, mu) (the same
value to the bit), logcdf = log(cdf). d logpmf / d mu = k / mu - 1 (-1 at mu = 0 for k = 0, by
xlogy's convention) and d cdf / d mu = -pmf(floor(k), mu). The count k (and the shift loc) are
integers, so a traced k is refused.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule import numpy as cnp
from chainrule.ops.special_common import real_only, refuse, traced
from chainrule.ops.special_error import xlogy
from chainrule.ops.special_gamma import gammaln
from chainrule.ops.special_incomplete import gammaincc
from chainrule.scipy._distribution import Frozen, in_dtype, plain_array, refuse_traced, replace
from chainrule.tracer import primal

__all__ = ["poisson"]


class _Poisson:
    """``scipy.stats.poisson``: ``logpmf(k, mu, loc=0)``, ``pmf``, ``cdf``, ``logcdf``,
    differentiable in the rate ``mu``.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import stats
        >>> float(cr.grad(lambda mu: stats.poisson.logpmf(3, mu))(1.5))  # k / mu - 1
        1.0
    """

    def __repr__(self) -> str:
        return "<chainrule.scipy.stats.poisson>"

    def __call__(self, mu: Any, loc: Any = 0) -> Frozen:
        """The distribution with its rate fixed: ``poisson(mu).logpmf(k)``."""
        return Frozen(self, ("logpmf", "pmf", "cdf", "logcdf"), (mu, loc), {})

    def logpmf(self, k: Any, mu: Any, loc: Any = 0) -> Any:
        """Log of the probability of the count ``k`` (SciPy's signature).

        Example:
            >>> import chainrule as cr
            >>> from chainrule.scipy import stats
            >>> float(cr.grad(lambda mu: stats.poisson.logpmf(0, mu))(2.0))
            -1.0
        """
        return self._method("logpmf", k, mu, loc)

    def pmf(self, k: Any, mu: Any, loc: Any = 0) -> Any:
        """The probability of the count ``k`` (SciPy's signature).

        Example:
            >>> import math
            >>> import chainrule as cr
            >>> from chainrule.scipy import stats
            >>> g = cr.grad(lambda mu: stats.poisson.pmf(1, mu))(1.0)  # (1 - mu) e^-mu mu^0
            >>> float(g)
            0.0
        """
        return self._method("pmf", k, mu, loc)

    def cdf(self, k: Any, mu: Any, loc: Any = 0) -> Any:
        """P(K <= k) (SciPy's signature); its derivative in mu is -pmf(floor(k), mu).

        Example:
            >>> import math
            >>> import chainrule as cr
            >>> from chainrule.scipy import stats
            >>> float(cr.grad(lambda mu: stats.poisson.cdf(0, mu))(1.0)) == -math.exp(-1.0)
            True
        """
        return self._method("cdf", k, mu, loc)

    def logcdf(self, k: Any, mu: Any, loc: Any = 0) -> Any:
        """log P(K <= k) (SciPy's signature).

        Example:
            >>> import chainrule as cr
            >>> from chainrule.scipy import stats
            >>> round(float(cr.grad(lambda mu: stats.poisson.logcdf(0, mu))(1.0)), 12)  # -mu
            -1.0
        """
        return self._method("logcdf", k, mu, loc)

    def _method(self, method: str, k: Any, mu: Any, loc: Any) -> Any:
        refuse(f"scipy.stats.poisson.{method}", k, mu, loc)
        if not traced(k, mu, loc):
            import scipy.stats

            return getattr(scipy.stats.poisson, method)(k, mu, loc)
        real_only(f"scipy.stats.poisson.{method}", mu)
        refuse_traced(f"poisson.{method}", "k", k, "k is a count (an integer)")
        refuse_traced(f"poisson.{method}", "loc", loc, "loc is an integer shift")
        mu = plain_array(mu)
        k = np.asarray(k, dtype=np.result_type(primal(mu))) - np.asarray(loc)
        valid = np.asarray(primal(mu) >= 0)
        safe_mu = replace(mu, valid, 1.0)
        if method in ("logpmf", "pmf"):
            inside = (k >= 0) & (k == np.floor(k))
            safe_k = np.where(inside, k, 0.0).astype(k.dtype)
            value = xlogy(safe_k, safe_mu) - gammaln(safe_k + 1) - safe_mu
            if method == "pmf":
                value = cnp.exp(value)
            outside = -np.inf if method == "logpmf" else 0.0
        else:
            k = np.floor(k)
            inside = (k >= 0) & (k < np.inf)
            safe_k = np.where(inside, k, 0.0).astype(k.dtype)
            value = gammaincc(safe_k + 1, safe_mu)
            if method == "logcdf":
                value = cnp.log(value)
            above = k == np.inf
            outside = np.where(above, 0.0, -np.inf) if method == "logcdf" else above * 1.0
        value = replace(value, inside, np.asarray(outside, dtype=k.dtype))
        return in_dtype(replace(value, valid & ~np.isnan(k), np.nan), mu)


poisson = _Poisson()
