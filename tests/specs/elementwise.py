"""Specs of the elementwise family (ops/elementwise.py, ops/elementwise_binary.py) and of the
arithmetic primitives (ops/arithmetic.py): + - * / ** and negation.

Functions are called the way users write them (``np.exp(x)``, ``x ** y``), so NumPy's dispatch
is exercised too. Domains keep away from singularities (log at 0, arcsin at +-1, ...); piecewise
functions sample their inputs a fixed distance from their switching points, so that the finite
differences never straddle one.
"""

import numpy as np

from tests.specs.base import Spec

UNARY = (((),), ((4,),), ((2, 3),))
# Same shapes, broadcasting either way, and Python-like scalars on either side.
BINARY = (((3,), (3,)), ((2, 3), (3,)), ((3,), (2, 3)), ((), (2, 3)), ((2, 3), ()), ((), ()))
# Cases where the first operand has the broadcast shape (needed by samplers building it).
BINARY_FIRST_FULL = (((3,), (3,)), ((2, 3), (3,)), ((2, 3), ()), ((), ()))


# --- samplers -----------------------------------------------------------------------------
def _away_from_zero(rng, shapes):
    """Values in +-[0.4, 2]: no division by zero, no origin for arctan2/hypot."""
    return [rng.choice([-1.0, 1.0], size=s) * rng.uniform(0.4, 2.0, size=s) for s in shapes]


def _positive_base(rng, shapes):
    """Base in (0.5, 2) (log of it is finite), exponent in (-2, 2)."""
    base, exponent = shapes
    return [rng.uniform(0.5, 2.0, size=base), rng.uniform(-2.0, 2.0, size=exponent)]


def _separated(rng, shapes):
    """Two operands on interleaved lattices (integers vs half-integers, +-0.1): every pair of
    entries differs by at least 0.3, so maximum/minimum never tie or switch under FD."""
    first, second = shapes
    x = rng.integers(-2, 3, size=first) + rng.uniform(-0.1, 0.1, size=first)
    y = rng.integers(-2, 2, size=second) + 0.5 + rng.uniform(-0.1, 0.1, size=second)
    return [x, y]


def _clip_inputs(rng, shapes):
    """a near -1, 0 or 1; lo near -0.5; hi near 0.5: a is at least 0.2 from either bound."""
    a_shape, lo_shape, hi_shape = shapes
    a = rng.integers(-1, 2, size=a_shape) + rng.uniform(-0.2, 0.2, size=a_shape)
    lo = -0.5 + rng.uniform(-0.1, 0.1, size=lo_shape)
    hi = 0.5 + rng.uniform(-0.1, 0.1, size=hi_shape)
    return [a, lo, hi]


def _one_clip_input(rng, shapes):
    return _clip_inputs(rng, (shapes[0], (), ()))[:1]


def _quotient_away_from_integers(rng, shapes):
    """x = y * q with q = k + [0.2, 0.8] (k in -3..2): x / y stays 0.2 away from the jumps of
    remainder and fmod. The first shape must be the broadcast shape."""
    first, second = shapes
    y = _away_from_zero(rng, [second])[0]
    q = rng.integers(-3, 3, size=first) + rng.uniform(0.2, 0.8, size=first)
    return [y * q, y]


def _away_from_zero_one(rng, shapes):
    """For abs: |x| in [0.2, 2]."""
    (s,) = shapes
    return [rng.choice([-1.0, 1.0], size=s) * rng.uniform(0.2, 2.0, size=s)]


COND = np.array([True, False, True])  # broadcasts against every shape of WHERE

# --- unary functions: (numpy function, registered primitive, domain) -----------------------
_UNARY = [
    (np.exp, "exp", (-2.0, 2.0)),
    (np.expm1, "expm1", (-2.0, 2.0)),
    (np.exp2, "exp2", (-2.0, 2.0)),
    (np.log, "log", (0.2, 3.0)),
    (np.log1p, "log1p", (-0.8, 3.0)),
    (np.log2, "log2", (0.2, 3.0)),
    (np.log10, "log10", (0.2, 3.0)),
    (np.sqrt, "sqrt", (0.2, 3.0)),
    (np.cbrt, "cbrt", (0.2, 3.0)),
    (np.square, "square", (-2.0, 2.0)),
    (np.sin, "sin", (-3.0, 3.0)),
    (np.cos, "cos", (-3.0, 3.0)),
    (np.tan, "tan", (-1.2, 1.2)),
    (np.arcsin, "arcsin", (-0.9, 0.9)),
    (np.arccos, "arccos", (-0.9, 0.9)),
    (np.arctan, "arctan", (-3.0, 3.0)),
    (np.sinh, "sinh", (-2.0, 2.0)),
    (np.cosh, "cosh", (-2.0, 2.0)),
    (np.tanh, "tanh", (-2.0, 2.0)),
    (np.arcsinh, "arcsinh", (-3.0, 3.0)),
    (np.arccosh, "arccosh", (1.2, 3.0)),
    (np.arctanh, "arctanh", (-0.9, 0.9)),
    # composed: reciprocal = 1 / x, deg2rad = x * (pi / 180), ...
    (np.reciprocal, "divide", (0.3, 2.0)),
    (np.deg2rad, "multiply", (-200.0, 200.0)),
    (np.radians, "multiply", (-200.0, 200.0)),
    (np.rad2deg, "multiply", (-3.0, 3.0)),
    (np.degrees, "multiply", (-3.0, 3.0)),
]

SPECS = [Spec(f.__name__, f, f, UNARY, (prim,), domain=dom) for f, prim, dom in _UNARY]
SPECS += [
    Spec("cbrt-negative", np.cbrt, np.cbrt, UNARY, ("cbrt",), domain=(-3.0, -0.2)),
    Spec("reciprocal-negative", np.reciprocal, np.reciprocal, UNARY, ("divide",),
         domain=(-2.0, -0.3)),
    # abs'(0) = 0 is tested in test_elementwise.py; here: both signs, away from the kink.
    Spec("absolute", np.absolute, np.absolute, UNARY, ("absolute",),
         sample=_away_from_zero_one, kink=True),
    Spec("abs-builtin", lambda x: abs(x), np.abs, UNARY, ("absolute",),
         sample=_away_from_zero_one, kink=True),
    # Through a wider float (longdouble) and back, so that finite differences keep their
    # precision and the output has the input's dtype; float64 <-> float32 casts are checked
    # exactly in test_elementwise.py.
    Spec("astype-method", lambda x: (x.astype(np.longdouble) ** 2).astype(x.dtype),
         lambda x: (x.astype(np.longdouble) ** 2).astype(x.dtype), UNARY, ("astype", "power")),
    Spec("astype-function", lambda x: np.astype(np.astype(x, np.longdouble) * x, x.dtype),
         lambda x: np.astype(np.astype(x, np.longdouble) * x, x.dtype), UNARY,
         ("astype", "multiply")),
]

# --- two operands ------------------------------------------------------------------------
SPECS += [
    Spec("logaddexp", np.logaddexp, np.logaddexp, BINARY, ("logaddexp",), domain=(-3.0, 3.0)),
    Spec("logaddexp2", np.logaddexp2, np.logaddexp2, BINARY, ("logaddexp2",),
         domain=(-1.5, 1.5)),
    Spec("logaddexp-scalar", lambda x: np.logaddexp(0.0, x), lambda x: np.logaddexp(0.0, x),
         UNARY, ("logaddexp",)),
    Spec("arctan2", np.arctan2, np.arctan2, BINARY, ("arctan2",), sample=_away_from_zero),
    Spec("hypot", np.hypot, np.hypot, BINARY, ("hypot",), sample=_away_from_zero),
    Spec("hypot-scalar", lambda x: np.hypot(x, 1.5), lambda x: np.hypot(x, 1.5), UNARY,
         ("hypot",)),
    Spec("maximum", np.maximum, np.maximum, BINARY, ("maximum",), sample=_separated,
         order=1),
    Spec("minimum", np.minimum, np.minimum, BINARY, ("minimum",), sample=_separated,
         order=1),
    Spec("maximum-relu", lambda x: np.maximum(x, 0.0), lambda x: np.maximum(x, 0.0), UNARY,
         ("maximum",), sample=_away_from_zero_one, order=1),
    Spec("fmax", np.fmax, np.fmax, BINARY, ("maximum",), sample=_separated, order=1),
    Spec("fmin", np.fmin, np.fmin, BINARY, ("minimum",), sample=_separated, order=1),
    Spec("where", lambda x, y: np.where(COND, x, y), lambda x, y: np.where(COND, x, y),
         BINARY, ("where",)),
    Spec("where-nonlinear", lambda x, y: np.where(COND, x * x, np.exp(y)),
         lambda x, y: np.where(COND, x * x, np.exp(y)), BINARY, ("where", "multiply", "exp")),
    Spec("where-scalar-branch", lambda x: np.where(x > 0.0, x, 0.5),
         lambda x: np.where(x > 0.0, x, 0.5), UNARY, ("where",), sample=_away_from_zero_one),
    Spec("clip", lambda a: np.clip(a, -0.5, 0.5), lambda a: np.clip(a, -0.5, 0.5), UNARY,
         ("clip",), sample=_one_clip_input, order=1),
    Spec("clip-method-one-sided", lambda a: a.clip(None, 0.5), lambda a: a.clip(None, 0.5),
         UNARY, ("clip",), sample=_one_clip_input, order=1),
    Spec("clip-traced-bounds", np.clip, np.clip,
         (((2, 3), (), ()), ((2, 3), (3,), (2, 1)), ((4,), (4,), (4,)), ((), (), ())),
         ("clip",), sample=_clip_inputs, order=1),
    Spec("remainder", np.remainder, np.remainder, BINARY_FIRST_FULL, ("remainder",),
         sample=_quotient_away_from_integers, order=1),
    Spec("mod-operator", lambda x, y: x % y, lambda x, y: x % y, BINARY_FIRST_FULL,
         ("remainder",), sample=_quotient_away_from_integers, order=1),
    Spec("fmod", np.fmod, np.fmod, BINARY_FIRST_FULL, ("fmod",),
         sample=_quotient_away_from_integers, order=1),
]

# --- arithmetic (ops/arithmetic.py) ---------------------------------------------------------
SPECS += [
    Spec("add", np.add, np.add, BINARY, ("add",)),
    Spec("add-operator-scalar", lambda x: 1.5 + x + 2.0, lambda x: 1.5 + x + 2.0, UNARY,
         ("add",)),
    Spec("subtract", np.subtract, np.subtract, BINARY, ("subtract",)),
    Spec("subtract-operator-scalar", lambda x: (2.0 - x) - 0.5, lambda x: (2.0 - x) - 0.5,
         UNARY, ("subtract",)),
    Spec("negative", np.negative, np.negative, UNARY, ("negative",)),
    Spec("negative-operator", lambda x: -x, lambda x: -x, UNARY, ("negative",)),
    Spec("multiply", np.multiply, np.multiply, BINARY, ("multiply",)),
    Spec("multiply-operator-scalar", lambda x: 3.0 * x * 0.5, lambda x: 3.0 * x * 0.5, UNARY,
         ("multiply",)),
    Spec("multiply-self", lambda x: x * x * x, lambda x: x * x * x, UNARY, ("multiply",)),
    Spec("divide", np.divide, np.divide, BINARY, ("divide",), sample=_away_from_zero),
    Spec("divide-operator-scalar", lambda x: (1.5 / x) / 2.0, lambda x: (1.5 / x) / 2.0,
         UNARY, ("divide",), sample=_away_from_zero_one),
    Spec("power", np.power, np.power, BINARY, ("power",), sample=_positive_base),
    Spec("power-operator", lambda x, y: x ** y, lambda x, y: x ** y, BINARY, ("power",),
         sample=_positive_base),
    Spec("power-int-exponent", lambda x: x ** 3, lambda x: x ** 3, UNARY, ("power",)),
    Spec("power-float-exponent", lambda x: np.power(x, 2.5), lambda x: np.power(x, 2.5),
         UNARY, ("power",), domain=(0.3, 2.0)),
    Spec("power-negative-exponent", lambda x: x ** -1.5, lambda x: x ** -1.5, UNARY,
         ("power",), domain=(0.3, 2.0)),
    Spec("power-scalar-base", lambda y: 2.5 ** y, lambda y: 2.5 ** y, UNARY, ("power",)),
    Spec("power-self", lambda x: x ** x, lambda x: x ** x, UNARY, ("power",),
         domain=(0.3, 2.0)),
]
