"""Error functions, the logistic pair and ``x log y``-type functions of ``scipy.special``.

Derivatives (DLMF 7.10, 7.17 for the error functions and their inverses):

* erf'(x) = 2/sqrt(pi) exp(-x^2),   erfc' = -erf'
* erfinv'(y) = sqrt(pi)/2 exp(erfinv(y)^2)   (the inverse function's rule, 1 / erf'(erfinv y)),
  erfcinv'(y) = -sqrt(pi)/2 exp(erfcinv(y)^2)
* expit' = expit (1 - expit),   logit'(p) = 1 / (p (1 - p))
* xlogy(x, y) = x log y with 0 log 0 = 0:  d/dx = log y (also at x = 0), d/dy = x / y;
  xlog1py(x, y) = x log1p(y):  d/dx = log1p(y), d/dy = x / (1 + y)
* entr(x) = -x log x (0 at 0, -inf below):  entr'(x) = -(log x + 1)

Each rule is written with chainrule's functions, so the derivative of a derivative is recorded
as well. erf, erfc, xlogy and xlog1py also take complex arguments, as SciPy's do: they are
holomorphic (away from the branch cut of log on y <= 0, resp. y <= -1), so the same rules hold
(chainrule's convention: g * f'(z), no conjugate). erfinv, erfcinv, expit, logit and entr are
real in SciPy and refuse complex traced values. The implementations call ``scipy.special``
directly: these functions are not in the Array API standard, so they run on NumPy arrays only.
"""

from __future__ import annotations

import math
from typing import Any

import scipy.special as sc

from chainrule.ops.define import elementwise
from chainrule.ops.elementwise import exp, log, log1p, square, where
from chainrule.ops.portable_a import maybe_true
from chainrule.ops.special_common import apply
from chainrule.tracer import primal

__all__ = ["erf", "erfc", "erfinv", "erfcinv", "expit", "logit", "xlogy", "xlog1py", "entr"]

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)  # Python floats keep float32 float32
_SQRT_PI_OVER_TWO = math.sqrt(math.pi) / 2.0

# --- error functions --------------------------------------------------------------------------
_erf = elementwise(
    "erf", sc.erf, lambda ans, x: _TWO_OVER_SQRT_PI * exp(-square(x)), save_ans=False
)
_erfc = elementwise(
    "erfc", sc.erfc, lambda ans, x: -_TWO_OVER_SQRT_PI * exp(-square(x)), save_ans=False
)
_erfinv = elementwise(
    "erfinv", sc.erfinv, lambda ans, y: _SQRT_PI_OVER_TWO * exp(square(ans)), save_args=False
)
_erfcinv = elementwise(
    "erfcinv", sc.erfcinv, lambda ans, y: -_SQRT_PI_OVER_TWO * exp(square(ans)),
    save_args=False,
)


def erf(x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.erf``, the error function; erf'(x) = 2/sqrt(pi) exp(-x^2).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> round(float(cr.grad(special.erf)(0.0)), 6)
        1.128379
    """
    return apply("erf", _erf, sc.erf, (x,), kwargs, complex_ok=True)


def erfc(x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.erfc`` = 1 - erf(x), computed without cancellation for large x.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> round(float(cr.grad(special.erfc)(0.0)), 6)
        -1.128379
    """
    return apply("erfc", _erfc, sc.erfc, (x,), kwargs, complex_ok=True)


def erfinv(y: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.erfinv`` on (-1, 1); erfinv'(y) = sqrt(pi)/2 exp(erfinv(y)^2).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> round(float(cr.grad(special.erfinv)(0.0)), 6)
        0.886227
    """
    return apply("erfinv", _erfinv, sc.erfinv, (y,), kwargs)


def erfcinv(y: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.erfcinv`` on (0, 2); erfcinv'(y) = -sqrt(pi)/2 exp(erfcinv(y)^2).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> round(float(cr.grad(special.erfcinv)(1.0)), 6)
        -0.886227
    """
    return apply("erfcinv", _erfcinv, sc.erfcinv, (y,), kwargs)


# --- logistic sigmoid and its inverse ---------------------------------------------------------
_expit = elementwise("expit", sc.expit, lambda ans, x: ans * (1.0 - ans), save_args=False)
_logit = elementwise("logit", sc.logit, lambda ans, p: 1.0 / (p * (1.0 - p)), save_ans=False)


def expit(x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.expit``, the logistic sigmoid 1 / (1 + exp(-x)); expit' = expit (1 - expit).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> float(cr.grad(special.expit)(0.0))
        0.25
    """
    return apply("expit", _expit, sc.expit, (x,), kwargs)


def logit(p: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.logit`` = log(p / (1 - p)); logit'(p) = 1 / (p (1 - p)).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> float(cr.grad(special.logit)(0.5))
        4.0
    """
    return apply("logit", _logit, sc.logit, (p,), kwargs)


# --- x log y, x log1p y, entropy --------------------------------------------------------------
def _x_over(x, y):
    """x / y with 0 where x == 0 and y == 0 (the 0 log 0 = 0 convention's y-partial); elsewhere
    a plain division, so that its own x-derivative 1 / y is right at x = 0 too."""
    both_zero = (primal(x) == 0) & (primal(y) == 0)
    return x / where(both_zero, 1.0, y) if maybe_true(both_zero) else x / y


_xlogy = elementwise(
    "xlogy", sc.xlogy, lambda ans, x, y: log(y), lambda ans, x, y: _x_over(x, y), save_ans=False
)
_xlog1py = elementwise(
    "xlog1py", sc.xlog1py,
    lambda ans, x, y: log1p(y), lambda ans, x, y: _x_over(x, 1.0 + y), save_ans=False,
)
_entr = elementwise("entr", sc.entr, lambda ans, x: -(log(x) + 1.0), save_ans=False)


def xlogy(x: Any, y: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.xlogy`` = x log(y), 0 where x == 0 (even at y == 0).

    d/dx = log y (at x = 0 as well: the convention only fixes the value), d/dy = x / y.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> round(float(cr.grad(special.xlogy)(0.0, np.e)), 6)
        1.0
    """
    return apply("xlogy", _xlogy, sc.xlogy, (x, y), kwargs, complex_ok=True)


def xlog1py(x: Any, y: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.xlog1py`` = x log1p(y), 0 where x == 0; d/dx = log1p(y), d/dy = x/(1+y).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> float(cr.grad(special.xlog1py, argnums=1)(2.0, 1.0))
        1.0
    """
    return apply("xlog1py", _xlog1py, sc.xlog1py, (x, y), kwargs, complex_ok=True)


def entr(x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.entr`` = -x log x (0 at 0, -inf for x < 0); entr'(x) = -(log x + 1).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> float(cr.grad(special.entr)(1.0))
        -1.0
    """
    return apply("entr", _entr, sc.entr, (x,), kwargs)
