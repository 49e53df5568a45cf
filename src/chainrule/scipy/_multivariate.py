"""Multivariate distributions of ``scipy.stats``: ``dirichlet`` and ``multivariate_normal``,
differentiable in x and in every parameter.

* dirichlet(alpha): logpdf = sum_i xlogy(alpha_i - 1, x_i) - (sum_i gammaln(alpha_i)
  - gammaln(sum_i alpha_i)), SciPy's formula; x holds the K components along its FIRST axis
  (SciPy's layout: shape (K,) or (K, N)), or K - 1 of them (the last is 1 - their sum).
* multivariate_normal(mean, cov): with the Cholesky factor cov = L L^T and z = L^-1 (x - mean),
  logpdf = -(d log(2 pi) + 2 sum log diag L + |z|^2) / 2. SciPy factors cov by eigh instead;
  the values agree to rounding for positive definite cov. Both read only cov's lower
  triangle, and the derivative in cov is that of the function computed (chainrule's cholesky
  rule): lower-triangular, the off-diagonal entries counting twice. Singular cov
  (``allow_singular=True``) is refused on traced values: its density lives on a subspace
  whose derivative chainrule does not give.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from chainrule import numpy as cnp
from chainrule.ops.special_common import real_only, refuse, traced
from chainrule.ops.special_error import xlogy
from chainrule.ops.special_gamma import gammaln
from chainrule.scipy._distribution import Frozen, in_dtype, plain_array
from chainrule.tracer import primal

__all__ = ["dirichlet", "multivariate_normal"]

_LOG_2PI = math.log(2 * math.pi)


def _squeeze_output(out: Any) -> Any:
    """SciPy's: drop every length-1 axis."""
    return cnp.squeeze(out) if 1 in np.shape(out) else out


class _Dirichlet:
    """``scipy.stats.dirichlet``: ``logpdf(x, alpha)`` and ``pdf(x, alpha)``, differentiable in
    x and alpha.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule.scipy import stats
        >>> alpha = np.array([2.0, 1.0, 1.0])
        >>> cr.grad(lambda x: stats.dirichlet.logpdf(x, alpha))(np.array([0.2, 0.3, 0.5]))
        array([5., 0., 0.])
    """

    def __repr__(self) -> str:
        return "<chainrule.scipy.stats.dirichlet>"

    def __call__(self, alpha: Any) -> Frozen:
        """The distribution with alpha fixed: ``dirichlet(alpha).logpdf(x)``."""
        return Frozen(self, ("logpdf", "pdf"), (alpha,), {})

    def logpdf(self, x: Any, alpha: Any) -> Any:
        """Log of the Dirichlet density at ``x`` (components along the first axis).

        Example:
            >>> import numpy as np
            >>> import chainrule as cr
            >>> from chainrule.scipy import stats
            >>> cr.grad(stats.dirichlet.logpdf)(np.array([0.25, 0.75]), np.array([2.0, 1.0]))
            array([4., 0.])
        """
        refuse("scipy.stats.dirichlet.logpdf", x, alpha)
        if not traced(x, alpha):
            import scipy.stats

            return scipy.stats.dirichlet.logpdf(x, alpha)
        x, alpha = plain_array(x), plain_array(alpha)
        return _squeeze_output(in_dtype(self._logpdf(x, alpha), x, alpha))

    def pdf(self, x: Any, alpha: Any) -> Any:
        """The Dirichlet density at ``x`` (components along the first axis).

        Example:
            >>> import numpy as np
            >>> import chainrule as cr
            >>> from chainrule.scipy import stats
            >>> cr.grad(stats.dirichlet.pdf)(np.array([0.25, 0.75]), np.array([2.0, 1.0]))
            array([2., 0.])
        """
        refuse("scipy.stats.dirichlet.pdf", x, alpha)
        if not traced(x, alpha):
            import scipy.stats

            return scipy.stats.dirichlet.pdf(x, alpha)
        x, alpha = plain_array(x), plain_array(alpha)
        return _squeeze_output(in_dtype(cnp.exp(self._logpdf(x, alpha)), x, alpha))

    @staticmethod
    def _logpdf(x, alpha):
        real_only("scipy.stats.dirichlet", x, alpha)
        pa = np.asarray(primal(alpha))
        if np.min(pa) <= 0:
            raise ValueError("dirichlet: all parameters must be greater than 0")
        if pa.ndim != 1:
            raise ValueError(f"dirichlet: parameter vector 'alpha' must be one dimensional, "
                             f"but alpha.shape = {pa.shape}.")
        k = pa.shape[0]
        if np.ndim(x) not in (1, 2) or np.shape(x)[0] not in (k - 1, k):
            raise ValueError(f"dirichlet: 'x' must have {k} or {k - 1} entries along its first "
                             f"axis (alpha.shape = {pa.shape}), but x.shape = {np.shape(x)}.")
        if np.shape(x)[0] == k - 1:
            last = 1 - cnp.sum(x, axis=0)
            x = cnp.concatenate([x, cnp.reshape(last, (1, *np.shape(last)))])
        px = np.asarray(primal(x))
        if np.min(px) < 0 or np.max(px) > 1:
            raise ValueError("dirichlet: each entry of 'x' must lie in [0, 1]")
        below_one = np.reshape(pa < 1, (k,) + (1,) * (px.ndim - 1))
        if np.any((px == 0) & below_one):
            raise ValueError("dirichlet: each entry of 'x' must be greater than zero if its "
                             "alpha is less than one.")
        if (np.abs(np.sum(px, 0) - 1.0) > 10e-10).any():
            raise ValueError(f"dirichlet: 'x' must lie within the simplex, but np.sum(x, 0) = "
                             f"{np.sum(px, 0)}.")
        log_b = cnp.sum(gammaln(alpha)) - gammaln(cnp.sum(alpha))
        return -log_b + cnp.sum(xlogy(alpha - 1, x.T).T, 0)


class _MultivariateNormal:
    """``scipy.stats.multivariate_normal``: ``logpdf(x, mean=None, cov=1)`` and ``pdf``,
    differentiable in x, mean and cov (a positive definite matrix, or a scalar or a vector of
    variances as in SciPy).

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule.scipy import stats
        >>> cov = np.array([[2.0, 0.0], [0.0, 4.0]])
        >>> cr.grad(lambda x: stats.multivariate_normal.logpdf(x, cov=cov))(np.ones(2))
        array([-0.5 , -0.25])
    """

    def __repr__(self) -> str:
        return "<chainrule.scipy.stats.multivariate_normal>"

    def __call__(self, mean: Any = None, cov: Any = 1, allow_singular: bool = False) -> Frozen:
        """The distribution with its parameters fixed: ``multivariate_normal(m, c).pdf(x)``."""
        return Frozen(self, ("logpdf", "pdf"), (mean, cov, allow_singular), {})

    def logpdf(self, x: Any, mean: Any = None, cov: Any = 1, allow_singular: bool = False) -> Any:
        """Log of the normal density at ``x`` (the last axis of x: the components).

        Example:
            >>> import numpy as np
            >>> import chainrule as cr
            >>> from chainrule.scipy import stats
            >>> x = np.zeros(2)
            >>> cr.grad(lambda c: stats.multivariate_normal.logpdf(x, cov=c))(np.eye(2))
            array([[-0.5,  0. ],
                   [ 0. , -0.5]])
        """
        refuse("scipy.stats.multivariate_normal.logpdf", x, mean, cov)
        if not traced(x, mean, cov):
            import scipy.stats

            return scipy.stats.multivariate_normal.logpdf(x, mean, cov, allow_singular)
        return _squeeze_output(in_dtype(self._logpdf(x, mean, cov, allow_singular), x, mean, cov))

    def pdf(self, x: Any, mean: Any = None, cov: Any = 1, allow_singular: bool = False) -> Any:
        """The normal density at ``x`` (the last axis of x: the components).

        Example:
            >>> import chainrule as cr
            >>> from chainrule.scipy import stats
            >>> float(cr.grad(lambda m: stats.multivariate_normal.pdf(0.0, m))(0.0))
            0.0
        """
        refuse("scipy.stats.multivariate_normal.pdf", x, mean, cov)
        if not traced(x, mean, cov):
            import scipy.stats

            return scipy.stats.multivariate_normal.pdf(x, mean, cov, allow_singular)
        return _squeeze_output(
            in_dtype(cnp.exp(self._logpdf(x, mean, cov, allow_singular)), x, mean, cov))

    @staticmethod
    def _logpdf(x, mean, cov, allow_singular):
        real_only("scipy.stats.multivariate_normal", x, mean, cov)
        if allow_singular:
            raise ValueError(
                "multivariate_normal: allow_singular=True is not supported on traced values "
                "(the density of a singular normal lives on a subspace); give a positive "
                "definite cov, or apply cr.stop_gradient to the arguments."
            )
        x, mean, cov = plain_array(x), None if mean is None else plain_array(mean), \
            plain_array(cov)
        if mean is None:
            dim = 1 if np.ndim(cov) < 2 else np.shape(cov)[0]
            mean = np.zeros(dim, dtype=np.result_type(primal(x), primal(cov)))
        dim = int(np.size(primal(mean)))
        mean = cnp.reshape(mean, (dim,))
        if np.ndim(cov) == 0:
            cov = cov * np.eye(dim)
        elif np.ndim(cov) == 1:
            cov = cnp.diag(cnp.broadcast_to(cov, (dim,)))
        if np.shape(cov) != (dim, dim):
            raise ValueError(f"multivariate_normal: cov of shape {np.shape(cov)} does not fit "
                             f"a mean of length {dim}")
        # SciPy's _process_quantiles: the last axis of x holds the components.
        if np.ndim(x) == 0:
            x = cnp.reshape(x, (1,))
        if np.ndim(x) == 1:
            x = cnp.reshape(x, (-1, 1) if dim == 1 else (1, -1))
        try:
            lower = cnp.linalg.cholesky(cov)
        except ValueError as e:  # LinAlgError, perhaps annotated by the primitive
            if not isinstance(e, np.linalg.LinAlgError) and not isinstance(
                    e.__cause__, np.linalg.LinAlgError):
                raise
            raise np.linalg.LinAlgError(
                f"multivariate_normal: cov is not positive definite ({e}); on traced values "
                "chainrule factors it by Cholesky."
            ) from e
        dev = x - mean
        batch = np.shape(dev)[:-1]
        z = cnp.linalg.solve(lower, cnp.reshape(dev, (-1, dim)).T)  # (dim, points)
        maha = cnp.reshape(cnp.sum(z ** 2, axis=0), batch)
        log_det = 2.0 * cnp.sum(cnp.log(cnp.diagonal(lower)))
        return -0.5 * (dim * _LOG_2PI + log_det + maha)


dirichlet = _Dirichlet()
multivariate_normal = _MultivariateNormal()
