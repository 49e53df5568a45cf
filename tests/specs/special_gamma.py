"""Specs of the gamma family of scipy.special (ops/special_gamma.py): gamma, gammaln, rgamma,
digamma, polygamma, the incomplete gamma and beta functions (in x; their shapes are constants),
beta and betaln. Empty without SciPy (an optional extra).
"""

import numpy as np

from tests.specs.base import Spec

try:
    import scipy.special as sc

    from chainrule.scipy import special as csp  # registers the special-function primitives
except ImportError:  # SciPy not installed
    sc = csp = None

UNARY = (((),), ((4,),), ((2, 3),))
BINARY = (((3,), (3,)), ((2, 3), (3,)), ((), (2, 3)), ((), ()))
SHAPE_A = np.array([0.7, 1.0, 2.5])  # broadcasts against every shape ending in 3
SHAPE_B = np.array([1.5, 0.8, 3.0])
ENDS_IN_3 = (((3,),), ((2, 3),))


def _unary(name, domain, label=None):
    f = getattr(sc, name)
    return Spec(f"special-{label or name}", lambda x: f(x), f, UNARY, (name,), domain=domain,
                covers=(name,))


def _polygamma(n):
    # scipy.special.polygamma is a Python function converting x with np.asarray: traced values
    # call chainrule's.
    def ref(x):
        return sc.polygamma(n, x).astype(x.dtype)  # chainrule keeps float32 float32

    return Spec(f"special-polygamma-{n}", lambda x: csp.polygamma(n, x),
                ref, UNARY, ("polygamma",), domain=(0.5, 4.0), covers=("polygamma",))


def _in_x(name, domain, *shapes):
    """An incomplete gamma/beta function of x, its shapes constants in the dtype of x."""
    f = getattr(sc, name)

    def call(x):
        return f(*(p.astype(x.dtype) for p in shapes), x)

    return Spec(f"special-{name}", call, call, ENDS_IN_3, (name,), domain=domain,
                covers=(name,))


SPECS = [] if sc is None else [
    _unary("gamma", (0.2, 4.0)),
    _unary("gamma", (-0.8, -0.2), "gamma-negative"),
    _unary("gammaln", (0.2, 4.0)),
    _unary("gammaln", (-1.8, -1.2), "gammaln-negative"),
    _unary("loggamma", (0.2, 4.0)),
    _unary("rgamma", (0.2, 4.0)),
    _unary("rgamma", (-0.8, -0.2), "rgamma-negative"),
    Spec("special-digamma", lambda x: sc.digamma(x), sc.digamma, UNARY, ("digamma",),
         domain=(0.3, 4.0), covers=("digamma",)),
    Spec("special-psi", lambda x: sc.psi(x), sc.psi, UNARY, ("digamma",),
         domain=(-0.8, -0.2), covers=("psi",)),
    Spec("special-poch", lambda z, m: sc.poch(z, m), sc.poch, BINARY, ("poch",),
         domain=(0.5, 3.0), covers=("poch",)),
    _polygamma(1),
    _polygamma(2),
    _in_x("gammainc", (0.2, 4.0), SHAPE_A),
    _in_x("gammaincc", (0.2, 4.0), SHAPE_A),
    Spec("special-beta", lambda a, b: sc.beta(a, b), sc.beta, BINARY, ("beta",),
         domain=(0.5, 3.0), covers=("beta",)),
    Spec("special-betaln", lambda a, b: sc.betaln(a, b), sc.betaln, BINARY, ("betaln",),
         domain=(0.5, 3.0), covers=("betaln",)),
    _in_x("betainc", (0.1, 0.9), SHAPE_A, SHAPE_B),
]
