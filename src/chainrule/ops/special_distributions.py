"""Distribution functions of ``scipy.special``: the standard normal CDF ``ndtr``, its log
``log_ndtr`` and inverse ``ndtri``, and Student's t CDF ``stdtr`` (used by
``chainrule.scipy.stats``).

Derivatives (DLMF 7.2, 7.18; the t density from DLMF 8.17 with x = df / (df + t^2)):

* ndtr'(x) = phi(x) = exp(-x^2/2) / sqrt(2 pi)
* log_ndtr'(x) = phi(x) / ndtr(x), as exp(-x^2/2 - log_ndtr(x)) / sqrt(2 pi): no 0/0 far in
  the left tail, where ndtr underflows but log_ndtr does not
* ndtri'(p) = sqrt(2 pi) exp(ndtri(p)^2 / 2)  (the inverse function's rule)
* stdtr(df, t)' in t = the t density  poch(df/2, 1/2) / sqrt(df pi) (1 + t^2/df)^(-(df+1)/2);
  the normal density where df = inf; in df it has no closed form: a traced df raises an error
  naming it.

ndtr and log_ndtr also take complex arguments, as SciPy's do: they are holomorphic (log_ndtr
away from the zeros of ndtr and its log's branch cut), so the same rules hold; exp(-log_ndtr)
is 1 / ndtr on every branch of the log. ndtri and stdtr are real in SciPy and refuse complex
traced values. The implementations call ``scipy.special`` directly (not Array API functions:
NumPy arrays only).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.special as sc

from chainrule.ops.define import elementwise
from chainrule.ops.elementwise import exp, log, log1p, square, where
from chainrule.ops.special_common import apply, constant_argument
from chainrule.ops.special_gamma import poch
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


_stdtr = elementwise("stdtr", sc.stdtr, None, _t_density, save_ans=False)


def ndtr(x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.ndtr``, the standard normal CDF; ndtr' = exp(-x^2/2) / sqrt(2 pi).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> round(float(cr.grad(special.ndtr)(0.0)), 6)
        0.398942
    """
    return apply("ndtr", _ndtr, sc.ndtr, (x,), kwargs, complex_ok=True)


def log_ndtr(x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.log_ndtr`` = log(ndtr(x)), accurate far in the left tail; its
    derivative is the normal density over ndtr (about -x for x -> -inf).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> round(float(cr.grad(special.log_ndtr)(-40.0)), 3)
        40.025
    """
    return apply("log_ndtr", _log_ndtr, sc.log_ndtr, (x,), kwargs, complex_ok=True)


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
    (its derivative is the t density); df must be a constant.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> round(float(cr.grad(special.stdtr, argnums=1)(1.0, 0.0)), 6)  # Cauchy: 1 / pi
        0.31831
    """
    constant_argument("stdtr", "the degrees of freedom df", df,
                      "the derivative of the t CDF in df has no closed form")
    return apply("stdtr", _stdtr, sc.stdtr, (df, t), kwargs)
