"""Distribution functions of ``scipy.special``: the standard normal CDF ``ndtr``, its log
``log_ndtr`` and inverse ``ndtri``, and Student's t CDF ``stdtr`` (used by
``chainrule.scipy.stats``).

Derivatives (DLMF 7.2, 7.18; the t density from DLMF 8.17 with x = df / (df + t^2)):

* ndtr'(x) = phi(x) = exp(-x^2/2) / sqrt(2 pi)
* log_ndtr'(x) = phi(x) / ndtr(x), as exp(-x^2/2 - log_ndtr(x)) / sqrt(2 pi): no 0/0 far in
  the left tail, where ndtr underflows but log_ndtr does not
* ndtri'(p) = sqrt(2 pi) exp(ndtri(p)^2 / 2)  (the inverse function's rule)
* stdtr(df, t)' in t = the t density  poch(df/2, 1/2) / sqrt(df pi) (1 + t^2/df)^(-(df+1)/2);
  the normal density where df = inf; in df it has no closed form: the primitive ``stdtr_ddf``
  computes it from betainc's shape derivatives (below).

The implementations call ``scipy.special`` directly (not Array API functions: NumPy arrays
only).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.special as sc

from chainrule.ops.define import elementwise
from chainrule.ops.elementwise import exp, log, log1p, square, where
from chainrule.ops.special_common import apply
from chainrule.ops.special_gamma import _digamma, _polygamma, poch
from chainrule.ops.special_incomplete import third_order
from chainrule.ops.special_incomplete_numerics import betainc_shape_derivatives
from chainrule.tracer import primal

__all__ = ["ndtr", "log_ndtr", "ndtri", "stdtr"]

_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)  # Python floats keep float32 float32
_SQRT_2PI = math.sqrt(2.0 * math.pi)
_LOG_PI = math.log(math.pi)

_ndtr = elementwise(
    "ndtr", sc.ndtr, lambda ans, x: _INV_SQRT_2PI * exp(-0.5 * square(x)), save_ans=False
)
_log_ndtr = elementwise(
    "log_ndtr", sc.log_ndtr, lambda ans, x: _INV_SQRT_2PI * exp(-0.5 * square(x) - ans)
)
_ndtri = elementwise(
    "ndtri", sc.ndtri, lambda ans, p: _SQRT_2PI * exp(0.5 * square(ans)), save_args=False
)


def t_log_density(t: Any, df: Any) -> Any:
    """log of Student's t density, as ``scipy.stats.t`` computes it (chainrule functions).

    Example:
        >>> import math
        >>> round(float(t_log_density(0.0, 1.0)) + math.log(math.pi), 12)  # Cauchy: 1 / pi
        0.0
    """
    return log(poch(0.5 * df, 0.5)) - 0.5 * (log(df) + _LOG_PI) - (df + 1) / 2 * log1p(
        t * t / df)


def _t_density(ans, df, t):
    """The t density, the normal one where df = inf (stdtr is ndtr there)."""
    infinite = np.isinf(primal(df))
    if not np.any(infinite):
        return exp(t_log_density(t, df))
    t_part = exp(t_log_density(t, where(infinite, 1.0, df)))
    return where(infinite, _INV_SQRT_2PI * exp(-0.5 * square(t)), t_part)


# --- stdtr in df -------------------------------------------------------------------------------
# With y = t^2 / (df + t^2) and the symmetry of betainc (DLMF 8.17.4),
#     stdtr(df, t) = 1/2 + sign(t) I_y(1/2, df/2) / 2,
# so d/d df follows from betainc's shape derivatives (ops/special_incomplete.py) and its density:
#     F'  = s/2 (I_b / 2 + R),      R = rho_I(y) dy/d df
#         = -|t| df^(-3/2) (1 + t^2/df)^(-(df+1)/2) / B(1/2, df/2)
#     F'' = s/2 (I_bb / 4 + R lb + R (1/(2u) + (df/2 - 1) t^2 / (df u)) - 2 R / u),
# u = df + t^2, lb = log(1 - y) - psi(df/2) + psi(df/2 + 1/2). F' = F'' = 0 at t = 0 and where
# df = inf. The derivative of F' in t is d f / d df of the t density f: f g with
#     g = d log f / d df = psi((df+1)/2)/2 - psi(df/2)/2 - 1/(2 df) - log1p(t^2/df)/2 + h,
#     h = (df + 1) t^2 / (2 df u),
# and that of F'' is f (g^2 + g'),  g' = psi1((df+1)/2)/4 - psi1(df/2)/4 + 1/(2 df^2)
#     + t^2 / (2 df u) + h (1/(df+1) - 1/df - 1/u).
def _stdtr_ddf_impl(df, t, *, order):
    df64, t64 = np.broadcast_arrays(np.asarray(df, dtype=np.float64),
                                    np.asarray(t, dtype=np.float64))
    out = np.where((df64 > 0) & ~np.isnan(t64), 0.0, np.nan)
    inside = (df64 > 0) & np.isfinite(df64) & np.isfinite(t64) & (t64 != 0)
    if inside.any():
        v, t1 = df64[inside], t64[inside]
        tt = t1 * t1
        u = v + tt
        half = 0.5 * v
        d = betainc_shape_derivatives(0.5, half, tt / u)
        big_r = -np.exp(np.log(np.abs(t1)) - 1.5 * np.log(v) - 0.5 * (v + 1) * np.log1p(tt / v)
                        - sc.betaln(0.5, half))
        if order == 1:
            inner = 0.5 * d[0, 1] + big_r
        else:
            lb = -np.log1p(tt / v) - sc.psi(half) + sc.psi(half + 0.5)
            inner = (0.25 * d[0, 2] + big_r * lb
                     + big_r * (0.5 / u + (half - 1) * tt / (v * u)) - 2 * big_r / u)
        out[inside] = 0.5 * np.sign(t1) * inner
    return np.asarray(out, dtype=np.result_type(df, t, 1.0))


def _stdtr_ddf_ddf(ans, df, t, *, order):
    if order >= 2:
        raise third_order("stdtr", "df")
    return _stdtr_ddf(df, t, order=2)


def _stdtr_ddf_dt(ans, df, t, *, order):
    infinite = np.isinf(primal(df))
    v = where(infinite, 1.0, df) if infinite.any() else df
    tt = square(t)
    u = v + tt
    h = (v + 1) * tt / (2 * v * u)
    g = (0.5 * (_digamma(0.5 * (v + 1)) - _digamma(0.5 * v)) - 0.5 / v - 0.5 * log1p(tt / v)
         + h)
    if order == 2:
        dg = (0.25 * (_polygamma(0.5 * (v + 1), n=1) - _polygamma(0.5 * v, n=1))
              + 0.5 / square(v) + tt / (2 * v * u) + h * (1 / (v + 1) - 1 / v - 1 / u))
        g = square(g) + dg
    out = exp(t_log_density(t, v)) * g
    return where(infinite, 0.0, out) if infinite.any() else out


# d^order stdtr / d df^order (order 1 or 2), a primitive so that it is differentiable again.
_stdtr_ddf = elementwise("stdtr_ddf", _stdtr_ddf_impl, _stdtr_ddf_ddf, _stdtr_ddf_dt,
                         save_ans=False)
_stdtr = elementwise("stdtr", sc.stdtr, lambda ans, df, t: _stdtr_ddf(df, t, order=1),
                     _t_density, save_ans=False)


def ndtr(x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.ndtr``, the standard normal CDF; ndtr' = exp(-x^2/2) / sqrt(2 pi).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> round(float(cr.grad(special.ndtr)(0.0)), 6)
        0.398942
    """
    return apply("ndtr", _ndtr, sc.ndtr, (x,), kwargs)


def log_ndtr(x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.log_ndtr`` = log(ndtr(x)), accurate far in the left tail; its
    derivative is the normal density over ndtr (about -x for x -> -inf).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> round(float(cr.grad(special.log_ndtr)(-40.0)), 3)
        40.025
    """
    return apply("log_ndtr", _log_ndtr, sc.log_ndtr, (x,), kwargs)


def ndtri(p: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.ndtri``, the inverse of ndtr; ndtri'(p) = sqrt(2 pi) exp(ndtri(p)^2/2).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> round(float(cr.grad(special.ndtri)(0.5)), 6)  # sqrt(2 pi)
        2.506628
    """
    return apply("ndtri", _ndtri, sc.ndtri, (p,), kwargs)


def stdtr(df: Any, t: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.stdtr``, Student's t CDF with df degrees of freedom, differentiable in t
    (its derivative is the t density) and in df (to second order, through betainc's shape
    derivatives).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> round(float(cr.grad(special.stdtr, argnums=1)(1.0, 0.0)), 6)  # Cauchy: 1 / pi
        0.31831
        >>> round(float(cr.grad(special.stdtr)(1.0, 1.0)), 10)  # d/d df at df = t = 1
        0.0662029805
    """
    return apply("stdtr", _stdtr, sc.stdtr, (df, t), kwargs)
