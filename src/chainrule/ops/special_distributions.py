"""Distribution functions of ``scipy.special``: the standard normal CDF ``ndtr``, its log
``log_ndtr`` and inverse ``ndtri``, and Student's t CDF ``stdtr`` (used by
``chainrule.scipy.stats``).

Derivatives (DLMF 7.2, 7.18; the t density from DLMF 8.17 with x = df / (df + t^2)):

* ndtr'(x) = phi(x) = exp(-x^2/2) / sqrt(2 pi)
* log_ndtr'(x) = phi(x) / ndtr(x), as exp(-x^2/2 - log_ndtr(x)) / sqrt(2 pi): no 0/0 far in
  the left tail, where ndtr underflows but log_ndtr does not
* ndtri'(p) = sqrt(2 pi) exp(ndtri(p)^2 / 2)  (the inverse function's rule)
* stdtr(df, t)' in t = the t density  poch(df/2, 1/2) / sqrt(df pi) (1 + t^2/df)^(-(df+1)/2);
  the normal density where df = inf; in df it has no closed form: ``special_student.py``.

ndtr and log_ndtr also take complex arguments, as SciPy's do: they are holomorphic (log_ndtr
away from the zeros of ndtr and its log's branch cut), so the same rules hold; exp(-log_ndtr)
is 1 / ndtr on every branch of the log. ndtri and stdtr are real in SciPy and refuse complex
traced values. The implementations call ``scipy.special`` directly (not Array API functions:
NumPy arrays only).
"""

from __future__ import annotations

import math
from typing import Any

import scipy.special as sc

from chainrule.ops.define import elementwise
from chainrule.ops.elementwise import exp, square
from chainrule.ops.special_common import apply
from chainrule.ops.special_student import _stdtr

__all__ = ["ndtr", "log_ndtr", "ndtri", "stdtr"]

_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)  # Python floats keep float32 float32
_SQRT_2PI = math.sqrt(2.0 * math.pi)

_ndtr = elementwise(
    "ndtr", sc.ndtr, lambda ans, x: _INV_SQRT_2PI * exp(-0.5 * square(x)), save_ans=False
)
_log_ndtr = elementwise(
    "log_ndtr", sc.log_ndtr, lambda ans, x: _INV_SQRT_2PI * exp(-0.5 * square(x) - ans)
)
_ndtri = elementwise(
    "ndtri", sc.ndtri, lambda ans, p: _SQRT_2PI * exp(0.5 * square(ans)), save_args=False
)


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
