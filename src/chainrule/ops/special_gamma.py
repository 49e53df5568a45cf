"""The gamma family of ``scipy.special``: gamma, gammaln, rgamma, digamma and polygamma, poch,
beta and betaln (the incomplete gamma and beta functions are in ``special_incomplete.py``).

Derivatives (DLMF 5.2, 5.15, 5.12):

* gamma' = gamma psi,   gammaln' = psi (gammaln = log|gamma|),   rgamma' = -rgamma psi, which
  is 0 * inf at the poles of gamma: for x < 1/2 rgamma' comes from the reflection formula
  rgamma(x) = sin(pi x) gamma(1 - x) / pi (DLMF 5.5.3), finite there: rgamma'(-n) = (-1)^n n!
* psi' = polygamma(1, .),   polygamma(n, .)' = polygamma(n + 1, .)  (n is a constant order)
* poch(z, m) = gamma(z + m) / gamma(z):  d/dz = poch (psi(z + m) - psi(z)),  d/dm = poch psi(z + m)
* beta(a, b):  d/da = beta (psi(a) - psi(a + b));  betaln: d/da = psi(a) - psi(a + b)

Complex arguments (as SciPy's): gamma, rgamma, loggamma and psi are holomorphic away from their
poles (and loggamma's branch cut), so the same rules hold under chainrule's convention
(g * f'(z), no conjugate); psi' at complex points is chainrule's own polygamma
(ops/special_polygamma.py), SciPy's being real only. gammaln, polygamma (as a public function),
poch, beta and betaln are real in SciPy and refuse complex traced values.

The implementations call ``scipy.special`` directly (not Array API functions: NumPy arrays
only).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.special as sc

from chainrule.ops.define import elementwise
from chainrule.ops.elementwise import cos, sin, where
from chainrule.ops.special_common import apply, constant_argument, real_only, refuse, traced
from chainrule.ops.special_polygamma import polygamma_complex
from chainrule.tracer import plain_array

__all__ = [
    "gamma", "gammaln", "loggamma", "rgamma", "digamma", "psi", "polygamma", "poch",
    "beta", "betaln",
]


def _polygamma_impl(x, n):
    # scipy.special.polygamma computes in float64; the result keeps the dtype of x. SciPy's is
    # real only: complex x (reached from the rules of psi, gamma, rgamma, loggamma at complex
    # points) takes chainrule's own (ops/special_polygamma.py).
    if np.iscomplexobj(x):
        return polygamma_complex(n, x)
    return _scipy_polygamma(x, n)


def _scipy_polygamma(x, n):
    return np.asarray(sc.polygamma(n, x), dtype=np.result_type(x, 1.0))


# polygamma(n, x) with the order n a constant parameter: d/dx = polygamma(n + 1, x).
def _dpolygamma(ans, x, *, n):
    return _polygamma(x, n=n + 1)


_polygamma = elementwise("polygamma", _polygamma_impl, _dpolygamma, save_ans=False)
_digamma = elementwise("digamma", sc.psi, lambda ans, x: _polygamma(x, n=1), save_ans=False)
_gamma = elementwise("gamma", sc.gamma, lambda ans, x: ans * _digamma(x))
_gammaln = elementwise("gammaln", sc.gammaln, lambda ans, x: _digamma(x), save_ans=False)
_loggamma = elementwise("loggamma", sc.loggamma, lambda ans, x: _digamma(x), save_ans=False)


def _drgamma(ans, x):
    """rgamma' = -rgamma psi; for real -170 < x < 1/2 (where gamma(1 - x) is finite) the
    derivative of sin(pi x) gamma(1 - x) / pi, with sin(pi x) = (-1)^n sin(pi r) for x = n + r,
    n the nearest integer (r exact): finite and accurate at and near the poles, to any order.
    Complex z: -rgamma psi (holomorphic away from the poles)."""
    if x.dtype.kind == "c":
        return -ans * _digamma(x)
    xp = plain_array(x)
    near = (xp < 0.5) & (xp > -170.0)
    if not near.any():
        return -ans * _digamma(x)
    n = np.round(np.where(near, xp, 0.0)).astype(xp.dtype)
    sign = np.where(n % 2 == 0, 1.0, -1.0).astype(xp.dtype)
    low = where(near, x, 0.0)
    r = low - n
    g = _gamma(1.0 - low)
    reflected = sign * g * (cos(math.pi * r) - sin(math.pi * r) / math.pi * _digamma(1.0 - low))
    high = where(near, 1.0, x)
    return where(near, reflected, -ans * _digamma(high))


_rgamma = elementwise("rgamma", sc.rgamma, _drgamma)


def gamma(x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.gamma``; gamma'(x) = gamma(x) psi(x).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> round(float(cr.grad(special.gamma)(1.0)), 6)  # -Euler's constant
        -0.577216
    """
    return apply("gamma", _gamma, sc.gamma, (x,), kwargs, complex_ok=True)


def gammaln(x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.gammaln`` = log|gamma(x)|; its derivative is psi(x).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> round(float(cr.grad(special.gammaln)(2.0)), 6)  # 1 - Euler's constant
        0.422784
    """
    return apply("gammaln", _gammaln, sc.gammaln, (x,), kwargs)


def loggamma(x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.loggamma``, the principal branch of log gamma(z) for complex z (gammaln's
    value for x > 0, nan for real x < 0); its derivative is psi(z). Holomorphic off the
    branch cut on the negative real axis.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> round(float(cr.grad(special.loggamma)(2.0)), 6)  # psi(2)
        0.422784
    """
    return apply("loggamma", _loggamma, sc.loggamma, (x,), kwargs, complex_ok=True)


def rgamma(x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.rgamma`` = 1 / gamma(x); rgamma' = -rgamma psi, finite at the
    non-positive integers too: rgamma'(-n) = (-1)^n n! (through the reflection formula).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> round(float(cr.grad(special.rgamma)(1.0)), 6)
        0.577216
    """
    return apply("rgamma", _rgamma, sc.rgamma, (x,), kwargs, complex_ok=True)


def digamma(x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.digamma`` (``psi``), the derivative of gammaln; psi' = polygamma(1, x).

    Example:
        >>> import math
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> round(float(cr.grad(special.digamma)(1.0)) - math.pi ** 2 / 6, 12)
        0.0
    """
    return apply("digamma", _digamma, sc.psi, (x,), kwargs, complex_ok=True)


psi = digamma


def polygamma(n: Any, x: Any) -> Any:
    """``scipy.special.polygamma``: the n-th derivative of psi (n a non-negative integer, a
    constant); its derivative in x is polygamma(n + 1, x). The result keeps the dtype of x.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> round(float(cr.grad(lambda x: special.polygamma(1, x))(1.0)), 6)  # -2 zeta(3)
        -2.404114
    """
    constant_argument("polygamma", "the order n", n, "n is a discrete order")
    refuse("scipy.special.polygamma", n, x)
    n = np.asarray(n)
    if not traced(x):
        return _scipy_polygamma(x, n)  # real only, as SciPy's (complex x raises its TypeError)
    real_only("polygamma", x)
    return _polygamma(x, n=n)


_poch = elementwise(
    "poch", sc.poch,
    lambda ans, z, m: ans * (_digamma(z + m) - _digamma(z)),
    lambda ans, z, m: ans * _digamma(z + m),
)


def poch(z: Any, m: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.poch``, the rising factorial gamma(z + m) / gamma(z), differentiable in
    both arguments: d/dz = poch (psi(z + m) - psi(z)), d/dm = poch psi(z + m).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> float(cr.grad(special.poch, argnums=1)(1.0, 1.0))  # d/dm gamma(1 + m) at m = 1
        0.42278433509846713
    """
    return apply("poch", _poch, sc.poch, (z, m), kwargs)


# --- beta -------------------------------------------------------------------------------------
def _dlogbeta(a, b):
    """d log|B(a, b)| / da = psi(a) - psi(a + b)."""
    return _digamma(a) - _digamma(a + b)


_beta = elementwise(
    "beta", sc.beta,
    lambda ans, a, b: ans * _dlogbeta(a, b), lambda ans, a, b: ans * _dlogbeta(b, a),
)
_betaln = elementwise(
    "betaln", sc.betaln,
    lambda ans, a, b: _dlogbeta(a, b), lambda ans, a, b: _dlogbeta(b, a), save_ans=False,
)


def beta(a: Any, b: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.beta`` = gamma(a) gamma(b) / gamma(a + b);
    d/da = beta(a, b) (psi(a) - psi(a + b)).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> float(cr.grad(special.beta)(1.0, 1.0))  # psi(1) - psi(2) = -1
        -1.0
    """
    return apply("beta", _beta, sc.beta, (a, b), kwargs)


def betaln(a: Any, b: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.betaln`` = log|beta(a, b)|; d/da = psi(a) - psi(a + b).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> round(float(cr.grad(special.betaln, argnums=1)(1.0, 1.0)), 12)
        -1.0
    """
    return apply("betaln", _betaln, sc.betaln, (a, b), kwargs)
