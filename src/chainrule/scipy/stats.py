"""``chainrule.scipy.stats``: differentiable ``scipy.stats`` distributions.

SciPy's distribution methods convert their arguments with ``np.asarray``, which a traced value
refuses, so differentiable code calls these objects, which share SciPy's names and signatures:
``stats.norm.logpdf(x, loc=0, scale=1)``, ``stats.t.cdf(x, df)``,
``stats.poisson.logpmf(k, mu)``, ``stats.multivariate_normal.logpdf(x, mean, cov)``.
Plain arguments run SciPy itself; traced ones compose chainrule's special functions in SciPy's
formulas, differentiable in x and in the parameters (loc, scale, df, a, b, mu, alpha, mean,
cov); the CDFs of t, beta, gamma and chi2 in their shapes to second order (series and continued
fractions, no closed form). A discrete argument (poisson's k) raises an error naming it.

Example:
    >>> import numpy as np
    >>> import chainrule as cr
    >>> from chainrule.scipy import stats
    >>> data = np.array([0.5, 1.5, 2.5])
    >>> nll = lambda mu, sigma: -stats.norm.logpdf(data, mu, sigma).sum()
    >>> [float(g) for g in cr.grad(nll, argnums=(0, 1))(1.5, 1.0)]  # n/s - sum(d^2)/s^3 = 1
    [0.0, 1.0]
"""

try:
    import scipy.stats  # noqa: F401
except ImportError as _error:  # pragma: no cover  (exercised without SciPy installed)
    raise ImportError(
        "chainrule.scipy.stats needs SciPy, an optional extra: pip install 'chainrule[scipy]'"
    ) from _error

from chainrule.scipy._continuous import beta, chi2, gamma, norm, t
from chainrule.scipy._discrete import poisson
from chainrule.scipy._multivariate import dirichlet, multivariate_normal

__all__ = ["norm", "t", "beta", "gamma", "chi2", "poisson", "dirichlet", "multivariate_normal"]
