"""Specs of the incomplete gamma and beta functions and stdtr differentiated in their shapes
(ops/special_incomplete.py, ops/special_student.py), their derivative primitives
(gammainc_da, betainc_dab, stdtr_ddf, t_density_ddf), rgamma at the poles of gamma, and the
scipy.stats CDFs now differentiable in every parameter. Inputs sample the regions of each
expansion: small a (0.1..1), large a (about 50), x below, around and far above a; betainc with
a, b in 0.2..20 and x near 0, inside and near 1; df from 0.2 to 3000. Empty without SciPy
(an optional extra).
"""

import numpy as np

from tests.specs.base import Spec

try:
    import scipy.special as sc
    import scipy.stats as ss

    from chainrule.ops.special_incomplete import _betainc_dab, _gammainc_da
    from chainrule.ops.special_incomplete_numerics import (
        betainc_shape_derivatives,
        gammainc_shape_derivatives,
    )
    from chainrule.ops.special_student import _stdtr_ddf, _t_density_ddf
    from chainrule.scipy import stats
except ImportError:  # SciPy not installed
    sc = ss = stats = None

PAIRS = (((), ()), ((6,), (6,)), ((2, 3), (2, 3)))
TRIPLES = (((), (), ()), ((6,), (6,), (6,)), ((2, 3), (2, 3), (2, 3)))


def _regime(rng, shape, *draws):
    """Entry k from ``draws[k % len(draws)]`` (a scalar from the first): every region sampled."""
    n = int(np.prod(shape))
    return np.array([draws[k % len(draws)](rng) for k in range(n)]).reshape(shape)


_SHAPE_A = (lambda r: r.uniform(1.0, 5.0), lambda r: r.uniform(0.1, 1.0),
            lambda r: r.uniform(45.0, 55.0))


def _gamma_lower(rng, shapes):
    """a small, moderate or large; x from 0.2 a to 1.5 a (P's series and fraction meet at
    x = a + 1)."""
    a = _regime(rng, shapes[0], *_SHAPE_A)
    return [a, a * rng.uniform(0.2, 1.5, size=a.shape) + rng.uniform(0.0, 0.5, size=a.shape)]


def _gamma_upper(rng, shapes):
    """x >> a: Q small but accurate (P = 1 - Q would round to 1)."""
    a = _regime(rng, shapes[0], *_SHAPE_A)
    return [a, a * rng.uniform(1.5, 3.0, size=a.shape) + rng.uniform(2.0, 12.0, size=a.shape)]


def _beta_inputs(rng, shapes):
    """a, b log-uniform in 0.2..20; x near 0, inside, near 1 (I near 1 only where its
    complement stays above ~1e-8, so that finite differences of I resolve it)."""
    a = np.exp(rng.uniform(np.log(0.2), np.log(20.0), size=shapes[0]))
    b = np.exp(rng.uniform(np.log(0.2), np.log(20.0), size=shapes[1]))
    mean = a / (a + b)
    x = _regime(rng, shapes[2], lambda r: r.uniform(0.2, 0.8), lambda r: r.uniform(0.02, 0.06),
                lambda r: r.uniform(0.94, 0.98))
    x = np.where((x > 0.9) & (b > 3), 1 - (1 - mean) * 0.5, x)  # keep 1 - I resolvable
    x = np.where((x < 0.1) & (a > 3), mean * 0.5, x)
    return [a, b, x]


def _stdtr_inputs(rng, shapes):
    """df small, moderate and large (from 200 on integrated rather than through betainc)."""
    df = _regime(rng, shapes[0], lambda r: r.uniform(0.5, 3.0), lambda r: r.uniform(5.0, 40.0),
                 lambda r: r.uniform(0.2, 0.5), lambda r: r.uniform(250.0, 3000.0))
    return [df, rng.uniform(-4.0, 4.0, size=shapes[1])]


def _cast(f):
    return lambda *xs: np.asarray(f(*xs)).astype(np.result_type(*xs))


def _shape_spec(name, f, shapes, sample, prims, order=2, covers=None):
    return Spec(name, f, _cast(f), shapes, prims, sample=sample, order=order,
                covers=covers or (name.split("-")[1],))


def _in_x(name, prim_call, ref, a_args):
    """A derivative primitive of order 2 in the shapes: differentiated in x (constants a)."""
    def call(x):
        return prim_call(*(np.asarray(p, dtype=x.dtype) for p in a_args), x)

    def reference(x):
        return np.asarray(ref(*a_args, x)).astype(x.dtype)

    return Spec(name, call, reference, (((3,),), ((2, 3),)), (name.split("-")[1],),
                domain=(0.2, 0.8), covers=("betainc" if "beta" in name else "gammainc",))


def _stats(name, method, ours, theirs, shapes, sample):
    return Spec(f"stats-{name}-{method}-shapes", ours, _cast(theirs), shapes, (), sample=sample,
                covers=(f"stats.{name}",))


def _stats_specs():
    loc_shapes = (((4,), (), (), ()), ((2, 3), (3,), (2, 1), ()))

    def gamma_in(rng, shapes):
        a = _regime(rng, shapes[1], *_SHAPE_A[:2])
        return [rng.uniform(0.3, 4.0, size=shapes[0]), a, rng.uniform(-0.2, 0.2, size=shapes[2]),
                rng.uniform(0.8, 1.5, size=shapes[3])]

    def unit(rng, shapes):
        return [rng.uniform(0.1, 0.9, size=shapes[0]), rng.uniform(0.5, 5.0, size=shapes[1]),
                rng.uniform(0.5, 5.0, size=shapes[2])]

    def chi2_in(rng, shapes):
        return [rng.uniform(0.3, 6.0, size=shapes[0]), rng.uniform(0.5, 8.0, size=shapes[1])]

    def t_in(rng, shapes):
        return [rng.uniform(-3.0, 3.0, size=shapes[0]), rng.uniform(0.5, 20.0, size=shapes[1])]

    specs = []
    for m in ("cdf", "logcdf"):
        specs += [
            _stats("gamma", m, getattr(stats.gamma, m), getattr(ss.gamma, m), loc_shapes,
                   gamma_in),
            _stats("beta", m, getattr(stats.beta, m), getattr(ss.beta, m),
                   (((4,), (), ()), ((2, 3), (3,), (2, 1))), unit),
            _stats("chi2", m, getattr(stats.chi2, m), getattr(ss.chi2, m),
                   (((4,), ()), ((2, 3), (3,))), chi2_in),
            _stats("t", m, getattr(stats.t, m), getattr(ss.t, m),
                   (((4,), ()), ((2, 3), (3,))), t_in),
        ]
    return specs


SPECS = [] if sc is None else [
    _shape_spec("special-gammainc-shape", lambda a, x: sc.gammainc(a, x), PAIRS, _gamma_lower,
                ("gammainc", "gammainc_da")),
    _shape_spec("special-gammaincc-shape", lambda a, x: sc.gammaincc(a, x), PAIRS, _gamma_upper,
                ("gammaincc", "gammainc_da")),
    _shape_spec("special-betainc-shape", lambda a, b, x: sc.betainc(a, b, x), TRIPLES,
                _beta_inputs, ("betainc", "betainc_dab")),
    _shape_spec("special-stdtr-df", lambda df, t: sc.stdtr(df, t), PAIRS, _stdtr_inputs,
                ("stdtr", "stdtr_ddf")),
    # The derivative primitives themselves: first order in every argument (their derivatives
    # in the shapes are the second-order ones; third order raises) ...
    Spec("special-gammainc_da-1", lambda a, x: _gammainc_da(a, x, order=1),
         _cast(lambda a, x: gammainc_shape_derivatives(a, x)[0]), PAIRS, ("gammainc_da",),
         sample=_gamma_lower, order=1, covers=("gammainc",)),
    *(Spec(f"special-betainc_dab-{i}{j}", lambda a, b, x, ij=(i, j): _betainc_dab(a, b, x, ij=ij),
           _cast(lambda a, b, x, ij=(i, j): betainc_shape_derivatives(a, b, x)[ij]), TRIPLES,
           ("betainc_dab",), sample=_beta_inputs, order=1, covers=("betainc",))
      for i, j in ((1, 0), (0, 1))),
    Spec("special-stdtr_ddf-1", lambda df, t: _stdtr_ddf(df, t, order=1),
         _cast(lambda df, t: _stdtr_ddf.impl(df, t, order=1)), PAIRS, ("stdtr_ddf",),
         sample=_stdtr_inputs, order=1, covers=("stdtr",)),
    # ... and the second-order ones in x (t), to second order.
    _in_x("special-gammainc_da-2-x", lambda a, x: _gammainc_da(a, x, order=2),
          lambda a, x: gammainc_shape_derivatives(a, x)[1], (np.array([0.4, 2.5, 7.0]),)),
    *(_in_x(f"special-betainc_dab-{i}{j}-x",
            lambda a, b, x, ij=(i, j): _betainc_dab(a, b, x, ij=ij),
            lambda a, b, x, ij=(i, j): betainc_shape_derivatives(a, b, x)[ij],
            (np.array([0.6, 2.0, 9.0]), np.array([3.0, 0.4, 1.5])))
      for i, j in ((2, 0), (1, 1), (0, 2))),
    Spec("special-t_density_ddf-1", lambda df, t: _t_density_ddf(df, t, order=1),
         _cast(lambda df, t: _t_density_ddf.impl(df, t, order=1)), PAIRS, ("t_density_ddf",),
         sample=_stdtr_inputs, order=1, covers=("stdtr",)),
    *(Spec(f"special-{name}-2-t",
           lambda t, p=prim: p(np.asarray([0.7, 3.0, 25.0, 900.0], t.dtype), t, order=2),
           _cast(lambda t, p=prim: p.impl(np.array([0.7, 3.0, 25.0, 900.0]), t, order=2)),
           (((4,),), ((2, 4),)), (name,), domain=(-3.0, 3.0), covers=("stdtr",))
      for name, prim in (("stdtr_ddf", _stdtr_ddf), ("t_density_ddf", _t_density_ddf))),
    # rgamma at the poles of gamma (exactly the non-positive integers) and beside them.
    Spec("special-rgamma-poles", lambda x: sc.rgamma(x), sc.rgamma, (((4,),), ((2, 4),)),
         ("rgamma",), sample=lambda rng, shapes: [
             -rng.integers(0, 6, size=shapes[0]) + rng.choice([0.0, 0.0, 0.3], size=shapes[0])],
         covers=("rgamma",)),
    *_stats_specs(),
]
