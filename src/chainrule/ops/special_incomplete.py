"""The regularized incomplete gamma and beta functions of ``scipy.special``: gammainc,
gammaincc and betainc, differentiable in every argument, their shapes included.

Values are SciPy's own. Derivatives (DLMF 8.8.13, 8.17.19 for x):

* P(a, x) = gammainc:  d/dx = rho = x^(a-1) e^-x / gamma(a);  gammaincc = 1 - P: the negatives.
  d/da and d2/da2 have no closed form: the primitive ``gammainc_da`` (order 1 or 2) sums them
  from series and continued fractions (``special_incomplete_numerics.py``). Its derivative in x
  is closed: d/dx dP/da = d rho/da = rho (log x - psi(a)),
  d/dx d2P/da2 = rho ((log x - psi(a))^2 - psi1(a)).
* I_x(a, b) = betainc:  d/dx = rho = x^(a-1) (1-x)^(b-1) / B(a, b); the shape derivatives
  d^(i+j) I / da^i db^j (i + j <= 2) are the primitive ``betainc_dab`` (Boik & Robison-Cox
  1998), whose derivative in x is d^(i+j) rho / da^i db^j, with
  la = d log rho/da = log x - psi(a) + psi(a+b),  lb = log(1-x) - psi(b) + psi(a+b),
  d2 log rho/da2 = psi1(a+b) - psi1(a),  /da db = psi1(a+b),  /db2 = psi1(a+b) - psi1(b).

Derivatives of order three in the shapes raise ``NoDerivativeError`` naming the order. The
implementations call ``scipy.special`` and NumPy directly (not Array API functions: NumPy
arrays only).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.special as sc

from chainrule.ops.define import elementwise
from chainrule.ops.elementwise import exp, log, log1p, where
from chainrule.ops.portable_a import maybe_true
from chainrule.ops.special_common import apply
from chainrule.ops.special_error import xlog1py, xlogy
from chainrule.ops.special_gamma import _betaln, _digamma, _gammaln, _polygamma
from chainrule.ops.special_incomplete_numerics import (
    betainc_shape_derivatives,
    gammainc_shape_derivatives,
)
from chainrule.primitive import NoDerivativeError
from chainrule.tracer import plain_array

__all__ = ["gammainc", "gammaincc", "betainc"]


def _in_dtype(value: np.ndarray, *args: Any) -> np.ndarray:
    """The float64 ``value`` in the floating dtype of ``args`` (float32 stays float32)."""
    return np.asarray(value, dtype=np.result_type(*args, 1.0))


def third_order(name: str, shape: str) -> NoDerivativeError:
    """The error for a third derivative in a shape (not implemented)."""
    return NoDerivativeError(
        f"scipy.special.{name}: derivatives of order 3 or more in the shape {shape} are not "
        "implemented (chainrule differentiates the shapes to second order); use "
        "cr.stop_gradient on the shape beyond the second derivative."
    )


# --- incomplete gamma -------------------------------------------------------------------------
def _gammainc_density(a, x):
    """rho = x^(a-1) e^-x / gamma(a); xlogy keeps rho(0) = 1 for a = 1 (not 0 * -inf). At
    x = 0 with a > 1, rho = 0 and so are its derivatives in a (x^(a-1) log^k x -> 0): there the
    constant 0 is used, as log 0 in xlogy's rule would give 0 * inf = nan."""
    above = (plain_array(x) == 0) & (plain_array(a) > 1)
    if maybe_true(above):
        return where(above, 0.0, exp(xlogy(a - 1.0, where(above, 1.0, x)) - x - _gammaln(a)))
    return exp(xlogy(a - 1.0, x) - x - _gammaln(a))


def _gammainc_da_impl(a, x, *, order):
    d1, d2 = gammainc_shape_derivatives(a, x)
    return _in_dtype(d1 if order == 1 else d2, a, x)


def _gammainc_da_da(ans, a, x, *, order):
    if order >= 2:
        raise third_order("gammainc", "a")
    return _gammainc_da(a, x, order=order + 1)


def _gammainc_da_dx(ans, a, x, *, order):
    zero = plain_array(x) == 0
    at = where(zero, 1.0, x) if zero.any() else x
    la = log(at) - _digamma(a)
    poly = la if order == 1 else la * la - _polygamma(a, n=1)
    value = _gammainc_density(a, at) * poly
    if not zero.any():
        return value
    # x = 0: rho log^k x -> 0 for a > 1 (x^(a-1) wins), and -inf (k = 1) / +inf (k = 2) for
    # a <= 1 (not 0 * log 0 = nan)
    limit = np.where(plain_array(a) > 1, 0.0, -np.inf if order == 1 else np.inf)
    return where(zero, limit, value)


# d^order P / da^order (order 1 or 2), a primitive of its own so that it is differentiable again.
_gammainc_da = elementwise("gammainc_da", _gammainc_da_impl, _gammainc_da_da, _gammainc_da_dx,
                           save_ans=False)
_gammainc = elementwise(
    "gammainc", sc.gammainc,
    lambda ans, a, x: _gammainc_da(a, x, order=1),
    lambda ans, a, x: _gammainc_density(a, x), save_ans=False,
)
_gammaincc = elementwise(
    "gammaincc", sc.gammaincc,
    lambda ans, a, x: -_gammainc_da(a, x, order=1),
    lambda ans, a, x: -_gammainc_density(a, x), save_ans=False,
)


def gammainc(a: Any, x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.gammainc``, the regularized lower incomplete gamma P(a, x),
    differentiable in x (d/dx = x^(a-1) e^(-x) / gamma(a)) and in the shape a (to second
    order, by series and continued fractions).

    Example:
        >>> import math
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> round(float(cr.grad(special.gammainc, argnums=1)(1.0, 0.5)) - math.exp(-0.5), 12)
        0.0
        >>> round(float(cr.grad(special.gammainc)(1.0, 1.0)), 10)  # -(E1(1) + gamma / e)
        -0.4317297106
    """
    return apply("gammainc", _gammainc, sc.gammainc, (a, x), kwargs)


def gammaincc(a: Any, x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.gammaincc`` = 1 - gammainc(a, x), differentiable in a and x.

    Example:
        >>> import math
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> round(float(cr.grad(special.gammaincc, argnums=1)(1.0, 0.5)) + math.exp(-0.5), 12)
        0.0
    """
    return apply("gammaincc", _gammaincc, sc.gammaincc, (a, x), kwargs)


# --- incomplete beta --------------------------------------------------------------------------
def _vanishing_edge(a, b, x):
    """Where x = 0 with a > 1, or x = 1 with b > 1: the beta density and all its products with
    powers of log x, log(1 - x) are 0 there (their formulas would give 0 * inf = nan).
    None when there is no such entry."""
    xp = plain_array(x)
    edge = ((xp == 0) & (plain_array(a) > 1)) | ((xp == 1) & (plain_array(b) > 1))
    return edge if maybe_true(edge) else None


def _betainc_density(a, b, x):
    # x^(a-1) (1 - x)^(b-1) / B(a, b), through logarithms (xlogy/xlog1py: 0 log 0 = 0).
    edge = _vanishing_edge(a, b, x)
    if edge is not None:
        inner = where(edge, 0.5, x)  # no edge left: the plain formula
        value = exp(xlogy(a - 1.0, inner) + xlog1py(b - 1.0, -inner) - _betaln(a, b))
        return where(edge, 0.0, value)
    return exp(xlogy(a - 1.0, x) + xlog1py(b - 1.0, -x) - _betaln(a, b))


def _betainc_dab_impl(a, b, x, *, ij):
    return _in_dtype(betainc_shape_derivatives(a, b, x)[ij], a, b, x)


def _betainc_dab_dshape(k):
    """The partial of d^(i+j) I / da^i db^j in a (k = 0) or b (k = 1)."""
    def partial(ans, a, b, x, *, ij):
        if sum(ij) >= 2:
            raise third_order("betainc", "ab"[k])
        return _betainc_dab(a, b, x, ij=(ij[0] + 1 - k, ij[1] + k))

    return partial


def _betainc_dab_dx(ans, a, b, x, *, ij):
    """d/dx d^(i+j) I / da^i db^j = d^(i+j) rho / da^i db^j (rho the beta density)."""
    edge = _vanishing_edge(a, b, x)
    if edge is not None:  # 0 there; elsewhere the formula at a point with no edge left
        return where(edge, 0.0, _density_derivative(a, b, where(edge, 0.5, x), ij))
    return _density_derivative(a, b, x, ij)


def _density_derivative(a, b, x, ij):
    rho = _betainc_density(a, b, x)
    both = _polygamma(a + b, n=1)
    la = log(x) - _digamma(a) + _digamma(a + b)
    lb = log1p(-x) - _digamma(b) + _digamma(a + b)
    if ij == (1, 0):
        return rho * la
    if ij == (0, 1):
        return rho * lb
    if ij == (2, 0):
        return rho * (la * la + both - _polygamma(a, n=1))
    if ij == (1, 1):
        return rho * (la * lb + both)
    return rho * (lb * lb + both - _polygamma(b, n=1))


# d^(i+j) I_x(a, b) / da^i db^j for ij = (i, j), 1 <= i + j <= 2.
_betainc_dab = elementwise("betainc_dab", _betainc_dab_impl, _betainc_dab_dshape(0),
                           _betainc_dab_dshape(1), _betainc_dab_dx, save_ans=False)
_betainc = elementwise(
    "betainc", sc.betainc,
    lambda ans, a, b, x: _betainc_dab(a, b, x, ij=(1, 0)),
    lambda ans, a, b, x: _betainc_dab(a, b, x, ij=(0, 1)),
    lambda ans, a, b, x: _betainc_density(a, b, x), save_ans=False,
)


def betainc_dab(a: Any, b: Any, x: Any, ij: tuple[int, int]) -> Any:
    """d^(i+j) I_x(a, b) / da^i db^j for ``ij = (i, j)`` with 1 <= i + j <= 2 (a chainrule
    primitive: differentiable in x to any order, in a and b while i + j stays <= 2).

    Example:
        >>> round(float(betainc_dab(1.0, 1.0, 0.5, (1, 0))), 12)  # x^a log x at a = 1
        -0.34657359028
    """
    if ij not in ((1, 0), (0, 1), (2, 0), (1, 1), (0, 2)):
        raise ValueError(f"betainc_dab: ij should be (i, j) with 1 <= i + j <= 2, got {ij}")
    return _betainc_dab(a, b, x, ij=ij)


def betainc(a: Any, b: Any, x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.betainc``, the regularized incomplete beta I_x(a, b), differentiable
    in x (d/dx = x^(a-1) (1-x)^(b-1) / beta(a, b)) and in the shapes a and b (to second order,
    by the continued fraction differentiated term by term).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> round(float(cr.grad(special.betainc, argnums=2)(2.0, 1.0, 0.5)), 12)  # 2 x
        1.0
        >>> round(float(cr.grad(special.betainc)(1.0, 1.0, 0.5)), 12)  # I = x^a: x^a log x
        -0.34657359028
    """
    return apply("betainc", _betainc, sc.betainc, (a, b, x), kwargs)
