"""Specs of the scipy.special functions chainrule composes from other functions
(chainrule/scipy/_logsumexp.py, multigammaln): logsumexp (axis, b, keepdims, return_sign),
softmax, log_softmax. They are not ufuncs, so traced values call chainrule.scipy.special's.
Empty without SciPy (an optional extra).
"""


from tests.specs.base import Spec

try:
    import scipy.special as sc

    from chainrule.scipy import special as csp
except ImportError:  # SciPy not installed
    sc = csp = None

VECTOR_MATRIX = (((4,),), ((2, 3),))
PAIRS = (((2, 3), (2, 3)), ((2, 3), (3,)), ((3,), ()))


def _weights(rng, shapes):
    """a in (-3, 3); b in (0.2, 2): the weighted sums stay positive."""
    return [rng.uniform(-3.0, 3.0, size=shapes[0]), rng.uniform(0.2, 2.0, size=shapes[1])]


def _both(name, f, shapes, **options):
    """A spec whose chainrule and SciPy calls take the same keyword options."""
    return Spec(f"special-{name}", lambda *xs: f(csp, *xs), lambda *xs: f(sc, *xs), shapes, (),
                covers=(name.split("-")[0],), **options)


SPECS = [] if sc is None else [
    _both("logsumexp", lambda m, a: m.logsumexp(a), VECTOR_MATRIX, domain=(-3.0, 3.0)),
    _both("logsumexp-axis", lambda m, a: m.logsumexp(a, axis=-1), VECTOR_MATRIX),
    _both("logsumexp-keepdims", lambda m, a: m.logsumexp(a, axis=0, keepdims=True),
          VECTOR_MATRIX),
    _both("logsumexp-b", lambda m, a, b: m.logsumexp(a, axis=-1, b=b), PAIRS, sample=_weights),
    _both("logsumexp-sign", lambda m, a, b: m.logsumexp(a, b=b - 1.0, return_sign=True)[0],
          PAIRS, sample=_weights),
    _both("softmax", lambda m, a: m.softmax(a), VECTOR_MATRIX),
    _both("softmax-axis", lambda m, a: m.softmax(a, axis=0), VECTOR_MATRIX),
    _both("log_softmax", lambda m, a: m.log_softmax(a, axis=-1), VECTOR_MATRIX),
    # float32 stays float32 on traced values (SciPy's result is float64).
    Spec("special-multigammaln", lambda a: csp.multigammaln(a, 3),
         lambda a: sc.multigammaln(a, 3).astype(a.dtype), VECTOR_MATRIX, (), domain=(1.5, 4.0),
         covers=("multigammaln",)),
]

