"""d stdtr / d df and d2 stdtr / d df2 for large df, in plain NumPy (float64).

Through betainc (``special_distributions.py``) these derivatives are a difference of two terms
of size 1/df that cancel to a result of size 1/df^2, losing about df^1.5 ulps. For large df
they are integrated instead, without cancellation, from the t density f:

    d^k F(t) / d df^k = int_-inf^t d^k f / d df^k ds,   f'/f = g,  f''/f = g^2 + g',
    g  = (psi((df+1)/2) - psi(df/2))/2 - 1/(2 df) - L(u)/2 + u / (2 df (1 + u)),
    g' = (psi1((df+1)/2) - psi1(df/2))/4 + 1/(2 df^2) + u^2 / (2 df (1+u)^2)
         - u (2 + u) / (2 df^2 (1+u)^2),
with u = s^2/df and L(u) = log1p(u) - u/(1+u) (a series where u is small); the digamma
differences come from their asymptotic series (``psi_shift``). f and g are even, so for t > 0
the integral from -inf to t is minus the one from -inf to -t. The rule: s = -|t| - c v,
v in [0, 40] in 40 panels of 16-point Gauss-Legendre, the whole array at once, where
c = min(1, (df + t^2) / ((df + 1) |t|)) is the decay length of f at the endpoint
(1 / |d log f / ds|): the integrand falls by about e^-40 over the range.
"""

from __future__ import annotations

import numpy as np
import scipy.special as sc

from chainrule.ops.special_incomplete_numerics import psi1_shift, psi_shift

LARGE_DF = 200.0  # from here on the quadrature (below it betainc's fraction is accurate)
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(16)
_PANELS = 40
# nodes and weights on [0, 40]: 40 unit panels
V = (np.arange(_PANELS)[:, None] + (_NODES[None, :] + 1) / 2).ravel()
W = np.tile(_WEIGHTS / 2, _PANELS)


def _log1p_minus(u: np.ndarray) -> np.ndarray:
    """log1p(u) - u / (1 + u) = sum_{n>=2} (-1)^n (n-1)/n u^n, by the series for u < 0.1."""
    out = np.array(np.log1p(u) - u / (1 + u))
    small = u < 0.1
    if small.any():
        us = u[small]
        series = np.zeros_like(us)
        for n in range(30, 1, -1):  # Horner from the top
            series = (series + (-1) ** n * (n - 1) / n) * us
        out[small] = series * us
    return out


def density_df_derivative(df: np.ndarray, s: np.ndarray, order: int) -> np.ndarray:
    """d^order f / d df^order of the t density f at s (df finite, broadcasting): f g or
    f (g^2 + g'), accurate for large df too.

    Example:
        >>> import scipy.stats as ss
        >>> d = density_df_derivative(np.array(3.0), np.array(0.5), 1)
        >>> fd = (ss.t.pdf(0.5, 3.0 + 1e-6) - ss.t.pdf(0.5, 3.0 - 1e-6)) / 2e-6
        >>> bool(abs(d - fd) < 1e-9)
        True
    """
    u = s * s / df
    log_f = (np.log(sc.poch(df / 2, 0.5)) - 0.5 * np.log(df * np.pi)
             - (df + 1) / 2 * np.log1p(u))
    g = 0.5 * psi_shift(df / 2, 0.5) - 0.5 / df - 0.5 * _log1p_minus(u) + u / (2 * df * (1 + u))
    if order == 2:
        dg = (0.25 * psi1_shift(df / 2, 0.5) + 0.5 / df ** 2 + u * u / (2 * df * (1 + u) ** 2)
              - u * (2 + u) / (2 * df ** 2 * (1 + u) ** 2))
        g = g * g + dg
    return np.exp(log_f) * g


def stdtr_df_derivative(df: np.ndarray, t: np.ndarray, order: int) -> np.ndarray:
    """d^order stdtr(df, t) / d df^order for 1-d arrays with df >= LARGE_DF, t finite.

    Example:
        >>> import scipy.special as sc
        >>> d = stdtr_df_derivative(np.array([1000.0]), np.array([1.5]), 1)
        >>> h = 1.0  # the central difference agrees to its own accuracy
        >>> bool(abs(d[0] - (sc.stdtr(1000 + h, 1.5) - sc.stdtr(1000 - h, 1.5)) / 2) < 1e-12)
        True
    """
    df = df[:, None]
    tau = -np.abs(t)[:, None]
    c = np.minimum(1.0, (df + tau * tau) / ((df + 1) * np.maximum(-tau, 1e-300)))
    s = tau - c * V[None, :]
    integral = c[:, 0] * np.sum(density_df_derivative(df, s, order) * W[None, :], axis=1)
    return np.where(t > 0, -integral, integral)
