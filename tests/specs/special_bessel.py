"""Specs of the Bessel functions of scipy.special (ops/special_bessel.py), differentiated in x
with constant orders. Y and K are sampled on x > 0 (their domain); ive away from its kink at 0.
Empty without SciPy (an optional extra).
"""


from tests.specs.base import Spec

try:
    import scipy.special as sc

    import chainrule.scipy.special  # noqa: F401  (registers the special-function primitives)
except ImportError:  # SciPy not installed
    sc = None

UNARY = (((),), ((4,),), ((2, 3),))


def _away_from_zero(rng, shapes):
    (s,) = shapes
    return [rng.choice([-1.0, 1.0], size=s) * rng.uniform(0.3, 3.0, size=s)]


def _unary(name, domain):
    f = getattr(sc, name)
    return Spec(f"special-{name}", lambda x: f(x), f, UNARY, (name,), domain=domain,
                covers=(name,))


def _ordered(name, order, prim, label, **options):
    f = getattr(sc, name)
    # On traced values the result keeps the dtype of x (SciPy's yn(2, float32) is float64).
    return Spec(f"special-{label}", lambda x: f(order, x),
                lambda x: f(order, x).astype(x.dtype), UNARY, (prim,), covers=(name,),
                **options)


SPECS = [] if sc is None else [
    _unary("j0", (-4.0, 4.0)),
    _unary("j1", (-4.0, 4.0)),
    _unary("y0", (0.5, 4.0)),
    _unary("y1", (0.5, 4.0)),
    _unary("i0", (-3.0, 3.0)),
    _unary("i1", (-3.0, 3.0)),
    _unary("k0", (0.3, 3.0)),
    _unary("k1", (0.3, 3.0)),
    _ordered("jn", 3, "jv", "jn-3", domain=(-4.0, 4.0)),
    _ordered("jv", 1.5, "jv", "jv-1.5", domain=(0.2, 4.0)),
    _ordered("jv", -2, "jv", "jv-negative-order", domain=(-4.0, 4.0)),
    _ordered("yn", 2, "yn", "yn-2", domain=(0.5, 4.0)),
    _ordered("yn", 0, "yn", "yn-0", domain=(0.5, 4.0)),
    _ordered("yv", 1.5, "yv", "yv-1.5", domain=(0.5, 4.0)),
    _ordered("kv", 0.5, "kv", "kv-0.5", domain=(0.3, 3.0)),
    _ordered("kv", 2, "kv", "kv-2", domain=(0.3, 3.0)),
    _ordered("iv", 2, "iv", "iv-2", domain=(-3.0, 3.0)),
    _ordered("iv", 0.5, "iv", "iv-0.5", domain=(0.2, 3.0)),
    _ordered("ive", 1, "ive", "ive-1", sample=_away_from_zero),
    _ordered("ive", 2.5, "ive", "ive-2.5", domain=(0.2, 3.0)),
]

