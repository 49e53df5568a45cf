"""Specs of the error functions, the logistic pair and the x log y family of scipy.special
(ops/special_error.py) and of its distribution functions (ops/special_distributions.py),
called as users write them: ``scipy.special.erf(x)`` on traced values arrives through NumPy's
ufunc dispatch. SciPy is an optional extra: without it there are no specs here (and its
primitives are not registered either).
"""

import numpy as np

from tests.specs.base import Spec

try:
    import scipy.special as sc

    import chainrule.scipy.special  # noqa: F401  (registers the special-function primitives)
except ImportError:  # SciPy not installed
    sc = None

UNARY = (((),), ((4,),), ((2, 3),))
DF = np.array([0.7, 3.0, 25.0])  # degrees of freedom of stdtr (constants)
BINARY = (((3,), (3,)), ((2, 3), (3,)), ((), (2, 3)), ((), ()))


def _x_and_positive_y(rng, shapes):
    """x in (-2, 2) with some entries exactly 0 (the 0 log 0 convention), y in (0.3, 3)."""
    x = rng.uniform(-2.0, 2.0, size=shapes[0])
    x = np.where(rng.uniform(size=shapes[0]) < 0.3, 0.0, x)
    return [x, rng.uniform(0.3, 3.0, size=shapes[1])]


def _x_and_log1p_y(rng, shapes):
    x, y = _x_and_positive_y(rng, shapes)
    return [x, y - 1.0]  # y in (-0.7, 2)


def _unary(name, domain):
    f = getattr(sc, name)
    return Spec(f"special-{name}", lambda x: f(x), f, UNARY, (name,), domain=domain,
                covers=(name,))


SPECS = [] if sc is None else [
    _unary("erf", (-2.0, 2.0)),
    _unary("erfc", (-2.0, 2.0)),
    _unary("erfinv", (-0.8, 0.8)),
    _unary("erfcinv", (0.2, 1.8)),
    _unary("expit", (-3.0, 3.0)),
    _unary("logit", (0.1, 0.9)),
    _unary("entr", (0.2, 3.0)),
    # distribution functions (ops/special_distributions.py)
    _unary("ndtr", (-3.0, 3.0)),
    _unary("log_ndtr", (-6.0, 3.0)),
    _unary("ndtri", (0.05, 0.95)),
    Spec("special-stdtr", lambda t: sc.stdtr(DF.astype(t.dtype), t),
         lambda t: sc.stdtr(DF.astype(t.dtype), t), (((3,),), ((2, 3),)), ("stdtr",),
         domain=(-3.0, 3.0), covers=("stdtr",)),
    Spec("special-xlogy", lambda x, y: sc.xlogy(x, y), sc.xlogy, BINARY, ("xlogy",),
         sample=_x_and_positive_y, covers=("xlogy",)),
    Spec("special-xlog1py", lambda x, y: sc.xlog1py(x, y), sc.xlog1py, BINARY, ("xlog1py",),
         sample=_x_and_log1p_y, covers=("xlog1py",)),
]
