"""Student's t CDF ``stdtr(df, t)`` as a primitive differentiable in t and in df (to second
order in df), and the t log density used by ``chainrule.scipy.stats``.

* d/dt stdtr = f, the t density  poch(df/2, 1/2) / sqrt(df pi) (1 + t^2/df)^(-(df+1)/2)
  (DLMF 8.17 with x = df / (df + t^2)); the normal density where df = inf.
* d^k/d df^k stdtr (k = 1, 2): the primitive ``stdtr_ddf``. With y = t^2 / (df + t^2) and
  the symmetry of betainc (DLMF 8.17.4),  stdtr = 1/2 + sign(t) I_y(1/2, df/2) / 2, so
      F'  = s/2 (I_b / 2 + R),   R = rho_I(y) dy/d df
          = -|t| df^(-3/2) (1 + t^2/df)^(-(df+1)/2) / B(1/2, df/2),
      F'' = s/2 (I_bb / 4 + R lb + R (1/(2u) + (df/2 - 1) t^2 / (df u)) - 2 R / u),
  u = df + t^2, lb = log(1 - y) + psi(df/2 + 1/2) - psi(df/2), from betainc's shape
  derivatives (``special_incomplete_numerics.py``) below df = 200; from df = 200 on these
  cancel (a result of size 1/df^2 from terms of size 1/df) and the derivatives are integrated
  from the density instead (``special_student_numerics.py``). Zero at t = 0 and df = inf.
* d/dt of d^k stdtr/d df^k is d^k f / d df^k: the primitive ``t_density_ddf`` (accurate
  for large df, where the digamma differences cancel), f g and f (g^2 + g'), g = d log f/d df.
  Its derivative in t: with l = d log f / dt = -(df+1) t / (df + t^2) and
  g_t = t (1 - t^2) / (df + t^2)^2,  d/dt (f g) = l f g + f g_t,
  d/dt f (g^2 + g') = l f (g^2 + g') + 2 f g g_t + f g_t',  g_t' = -2 t (1 - t^2)/(df + t^2)^3.

Third derivatives in df raise NoDerivativeError. NumPy and SciPy are called directly (NumPy
arrays only).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.special as sc

from chainrule.ops.define import elementwise
from chainrule.ops.elementwise import exp, log, log1p, square, where
from chainrule.ops.portable_a import maybe_true
from chainrule.ops.special_gamma import poch
from chainrule.ops.special_incomplete import third_order
from chainrule.ops.special_incomplete_numerics import betainc_shape_derivatives, psi_shift
from chainrule.ops.special_student_numerics import (
    LARGE_DF,
    density_df_derivative,
    stdtr_df_derivative,
)
from chainrule.tracer import primal

_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)  # Python floats keep float32 float32
_LOG_PI = math.log(math.pi)


def t_log_density(t: Any, df: Any) -> Any:
    """log of Student's t density, as ``scipy.stats.t`` computes it (chainrule functions).

    Example:
        >>> import math
        >>> round(float(t_log_density(0.0, 1.0)) + math.log(math.pi), 12)  # Cauchy: 1 / pi
        0.0
    """
    return log(poch(0.5 * df, 0.5)) - 0.5 * (log(df) + _LOG_PI) - (df + 1) / 2 * log1p(
        t * t / df)


def _finite_df(df):
    """(df with infinities replaced by 1, the mask of infinities or None)."""
    infinite = np.isinf(primal(df))
    if not maybe_true(infinite):
        return df, None
    return where(infinite, 1.0, df), infinite


def _t_density(ans, df, t):
    """The t density, the normal one where df = inf (stdtr is ndtr there)."""
    v, infinite = _finite_df(df)
    t_part = exp(t_log_density(t, v))
    if infinite is None:
        return t_part
    return where(infinite, _INV_SQRT_2PI * exp(-0.5 * square(t)), t_part)


def _in_dtype(out, *args):
    return np.asarray(out, dtype=np.result_type(*args, 1.0))


# --- d^k f / d df^k ----------------------------------------------------------------------------
def _t_density_ddf_impl(df, t, *, order):
    df64, t64 = np.broadcast_arrays(np.asarray(df, dtype=np.float64),
                                    np.asarray(t, dtype=np.float64))
    out = np.where(df64 > 0, 0.0, np.nan)  # zero where df = inf (the normal density)
    inside = (df64 > 0) & np.isfinite(df64)
    out[inside] = density_df_derivative(df64[inside], t64[inside], order)
    return _in_dtype(out, df, t)


def _t_density_ddf_ddf(ans, df, t, *, order):
    if order >= 2:
        raise third_order("stdtr", "df")
    return _t_density_ddf(df, t, order=2)


def _t_density_ddf_dt(ans, df, t, *, order):
    v, infinite = _finite_df(df)
    u = v + square(t)
    slope = -(v + 1) * t / u  # d log f / dt
    g_t = t * (1 - square(t)) / square(u)
    f = exp(t_log_density(t, v))
    mine = _t_density_ddf(v, t, order=order)
    if order == 1:
        out = slope * mine + f * g_t
    else:
        out = slope * mine + 2 * _t_density_ddf(v, t, order=1) * g_t - 2 * f * g_t / u
    return out if infinite is None else where(infinite, 0.0, out)


_t_density_ddf = elementwise("t_density_ddf", _t_density_ddf_impl, _t_density_ddf_ddf,
                             _t_density_ddf_dt, save_ans=False)


# --- d^k stdtr / d df^k ------------------------------------------------------------------------
def _stdtr_ddf_impl(df, t, *, order):
    df64, t64 = np.broadcast_arrays(np.asarray(df, dtype=np.float64),
                                    np.asarray(t, dtype=np.float64))
    out = np.where((df64 > 0) & ~np.isnan(t64), 0.0, np.nan)
    inside = (df64 > 0) & np.isfinite(df64) & np.isfinite(t64) & (t64 != 0)
    large = inside & (df64 >= LARGE_DF)
    if large.any():
        out[large] = stdtr_df_derivative(df64[large], t64[large], order)
    inside &= ~large
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
            lb = -np.log1p(tt / v) + psi_shift(half, 0.5)
            inner = (0.25 * d[0, 2] + big_r * lb
                     + big_r * (0.5 / u + (half - 1) * tt / (v * u)) - 2 * big_r / u)
        out[inside] = 0.5 * np.sign(t1) * inner
    return _in_dtype(out, df, t)


def _stdtr_ddf_ddf(ans, df, t, *, order):
    if order >= 2:
        raise third_order("stdtr", "df")
    return _stdtr_ddf(df, t, order=2)


_stdtr_ddf = elementwise(
    "stdtr_ddf", _stdtr_ddf_impl, _stdtr_ddf_ddf,
    lambda ans, df, t, *, order: _t_density_ddf(df, t, order=order), save_ans=False,
)
_stdtr = elementwise("stdtr", sc.stdtr, lambda ans, df, t: _stdtr_ddf(df, t, order=1),
                     _t_density, save_ans=False)
