"""Specs of chainrule.scipy.stats (composed from the special-function primitives, so they name
no primitive of their own): each distribution's methods differentiated in x and in its
parameters at once, against SciPy's values (cast to the inputs' dtype: SciPy computes in
float64, chainrule keeps float32 float32). Empty without SciPy (an optional extra).
"""

import numpy as np

from tests.specs.base import Spec

try:
    import scipy.stats as ss

    from chainrule.scipy import stats
except ImportError:  # SciPy not installed
    ss = stats = None

VEC = (((4,), (), ()), ((2, 3), (3,), (2, 1)))  # x, then parameters broadcasting against it


def _positive_params(rng, shapes, low=0.5, high=3.0):
    """x in (-2, 2); every parameter in (low, high)."""
    x, *params = shapes
    return [rng.uniform(-2.0, 2.0, size=x), *(rng.uniform(low, high, size=s) for s in params)]


def _unit_interval_x(rng, shapes):
    x, *params = shapes
    return [rng.uniform(0.1, 0.9, size=x), *(rng.uniform(0.8, 3.0, size=s) for s in params)]


def _positive_x(rng, shapes):
    x, *params = shapes
    return [rng.uniform(0.3, 4.0, size=x), *(rng.uniform(1.2, 3.0, size=s) for s in params)]


def _cast(f):
    return lambda *xs: np.asarray(f(*xs)).astype(xs[0].dtype)


def _methods(name, ours, theirs, shapes, sample, methods=("logpdf", "pdf", "cdf", "logcdf")):
    """One spec per method; ``ours(method)``/``theirs(method)`` give the two callables."""
    return [Spec(f"stats-{name}-{m}", ours(m), _cast(theirs(m)), shapes, (), sample=sample,
                 covers=(name.split("-")[0],)) for m in methods]


def _dirichlet_inputs(rng, shapes):
    """The first K - 1 components of points inside the simplex (the last is 1 - their sum, so
    that finite differences stay on the simplex, which SciPy checks), and alpha."""
    (k1, *rest), alpha = shapes
    x = rng.dirichlet(np.ones(k1 + 1), size=rest or None).T
    return [(0.8 * x + 0.2 / (k1 + 1))[:k1], rng.uniform(0.5, 3.0, size=alpha)]


def _mvn_inputs(rng, shapes):
    """x, mean, and a factor A of cov = A A^T + I (positive definite for any A)."""
    x, mean, a = shapes
    return [rng.normal(size=x), rng.normal(size=mean), rng.normal(size=a) / 2]


def _mvn(method, module):
    def f(x, mean, a):
        cov = a @ a.T + np.eye(a.shape[0], dtype=a.dtype)
        return getattr(module.multivariate_normal, method)(x, mean, cov)

    return f


if ss is not None:
    SPECS = [
        *_methods("norm", lambda m: getattr(stats.norm, m), lambda m: getattr(ss.norm, m),
                  VEC, _positive_params),
        # df in (0.5, 3) for the densities; the CDF is differentiated in x, loc and scale.
        *_methods("t", lambda m: getattr(stats.t, m), lambda m: getattr(ss.t, m),
                  (((4,), ()), ((2, 3), (3,))), _positive_params, ("logpdf", "pdf")),
        *_methods("t-cdf", lambda m: lambda x, loc, s: getattr(stats.t, m)(x, 2.5, loc, s),
                  lambda m: lambda x, loc, s: getattr(ss.t, m)(x, 2.5, loc, s), VEC,
                  _positive_params, ("cdf", "logcdf")),
        *_methods("beta", lambda m: getattr(stats.beta, m), lambda m: getattr(ss.beta, m),
                  (((4,), (), ()), ((2, 3), (3,), (2, 1))), _unit_interval_x,
                  ("logpdf", "pdf")),
        *_methods("beta-cdf", lambda m: lambda x: getattr(stats.beta, m)(x, 2.0, 1.5),
                  lambda m: lambda x: getattr(ss.beta, m)(x, 2.0, 1.5), (((4,),), ((2, 3),)),
                  _unit_interval_x, ("cdf", "logcdf")),
        *_methods("gamma", lambda m: getattr(stats.gamma, m), lambda m: getattr(ss.gamma, m),
                  (((4,), ()), ((2, 3), (3,))), _positive_x, ("logpdf", "pdf")),
        *_methods("gamma-cdf", lambda m: lambda x, s: getattr(stats.gamma, m)(x, 2.5, scale=s),
                  lambda m: lambda x, s: getattr(ss.gamma, m)(x, 2.5, scale=s),
                  (((4,), ()), ((2, 3), (3,))), _positive_x, ("cdf", "logcdf")),
        *_methods("chi2", lambda m: getattr(stats.chi2, m), lambda m: getattr(ss.chi2, m),
                  (((4,), ()), ((2, 3), (3,))), _positive_x, ("logpdf", "pdf")),
        *_methods("chi2-cdf", lambda m: lambda x: getattr(stats.chi2, m)(x, 3.0),
                  lambda m: lambda x: getattr(ss.chi2, m)(x, 3.0), (((4,),), ((2, 3),)),
                  _positive_x, ("cdf", "logcdf")),
        *_methods("poisson", lambda m: lambda mu: getattr(stats.poisson, m)(KS, mu),
                  lambda m: lambda mu: getattr(ss.poisson, m)(KS, mu), (((),), ((2, 4),)),
                  lambda rng, shapes: [rng.uniform(0.5, 4.0, size=shapes[0])],
                  ("logpmf", "pmf", "cdf", "logcdf")),
        *_methods("dirichlet", lambda m: getattr(stats.dirichlet, m),
                  lambda m: getattr(ss.dirichlet, m), (((2,), (3,)), ((2, 4), (3,))),
                  _dirichlet_inputs, ("logpdf", "pdf")),
        *_methods("multivariate_normal", lambda m: _mvn(m, stats), lambda m: _mvn(m, ss),
                  (((3,), (3,), (3, 3)), ((4, 2), (2,), (2, 2))), _mvn_inputs,
                  ("logpdf", "pdf")),
    ]
else:
    SPECS = []

KS = np.array([0.0, 1.0, 2.0, 5.0])  # Poisson counts (constants)
