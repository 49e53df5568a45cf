"""More elementwise functions, composed: ``sinc``, ``fabs`` and ``nan_to_num``.

``sinc(x) = sin(pi x) / (pi x)`` is computed as NumPy computes it; at ``x == 0`` (a removable
singularity, where NumPy substitutes a tiny x) the value and the derivatives of every order
come from its Taylor series ``1 - (pi x)^2 / 6 + (pi x)^4 / 120 - (pi x)^6 / 5040``, so that
``sinc'(0) = 0`` and ``sinc''(0) = -pi^2 / 3`` (up to the sixth derivative; the series is
evaluated only at the zeros, where it is exact). ``nan_to_num`` is a ``where``: the derivative
is 1 at finite entries and 0 at the replaced ones.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from chainrule.backend import any_foreign
from chainrule.backend import dtype_kind as kind
from chainrule.backend import library as plain_namespace
from chainrule.ops import complex as _complex
from chainrule.ops import elementwise as _elementwise
from chainrule.ops import join as _join
from chainrule.tracer import Tracer, plain_array, primal

__all__ = ["sinc", "fabs", "nan_to_num"]


def sinc(x: Any) -> Any:
    """``numpy.sinc``: the normalized sinc ``sin(pi x) / (pi x)``, with ``sinc(0) = 1``.

    Example:
        >>> import chainrule as cr
        >>> round(float(cr.grad(cr.grad(cr.numpy.sinc))(0.0)), 6)  # -pi^2 / 3
        -3.289868
    """
    if any_foreign(x):
        if kind(x) in "iub":  # NumPy's sinc of integers is float64
            x = _elementwise.astype(x, np.float64)
        zero = primal(x) == 0
        any_zero = bool(plain_namespace(x).any(zero))
    elif not isinstance(x, Tracer):
        return np.sinc(x)
    else:
        zero = plain_array(x) == 0
        any_zero = zero.any()
    if not any_zero:
        y = math.pi * x
        return _elementwise.sin(y) / y
    y = math.pi * _elementwise.where(zero, 1.0, x)
    u = _elementwise.square(math.pi * x)
    series = 1.0 - u / 6.0 + u * u / 120.0 - u * u * u / 5040.0
    return _elementwise.where(zero, series, _elementwise.sin(y) / y)


def fabs(x: Any, /, out: Any = None, **kwargs: Any) -> Any:
    """``numpy.fabs``: the absolute value of real numbers (as ``absolute``; derivative
    ``sign(x)``, 0 at 0).

    Example:
        >>> import chainrule as cr
        >>> float(cr.grad(cr.numpy.fabs)(-2.0))
        -1.0
    """
    if not isinstance(x, Tracer) and not any_foreign(x):
        return np.fabs(x, out=out, **kwargs)
    if out is not None or kwargs:
        raise TypeError("fabs: out= and other ufunc keywords are not supported on traced values")
    if kind(x) == "c":
        raise TypeError("fabs: complex values are not supported (as in NumPy); use absolute")
    return _elementwise.absolute(x)


def nan_to_num(x: Any, copy: bool = True, nan: Any = 0.0, posinf: Any = None,
               neginf: Any = None) -> Any:
    """``numpy.nan_to_num``: NaN, +inf and -inf replaced (by default by 0 and the largest and
    smallest finite numbers of the dtype); the replacements may be traced scalars.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda x: np.nan_to_num(x).sum())(np.array([1.0, np.nan, np.inf])).tolist()
        [1.0, 0.0, 0.0]
    """
    far = any_foreign(x, nan, posinf, neginf)
    if not far and not isinstance(x, Tracer) and not any(
            isinstance(v, Tracer) for v in (nan, posinf, neginf)):
        return np.nan_to_num(x, copy, nan, posinf, neginf)
    x = x if isinstance(x, Tracer) or far else _join.asarray(x)
    if kind(x) == "c":  # NumPy treats the real and imaginary parts separately
        parts = [nan_to_num(p, copy, nan, posinf, neginf)
                 for p in (_complex.real(x), _complex.imag(x))]
        return parts[0] + 1j * parts[1]
    if kind(x) not in "f":
        return x
    if far:
        return _nan_to_num_elsewhere(x, nan, posinf, neginf)
    info = np.finfo(x.dtype)
    v = plain_array(x)
    out = x
    for mask, value in ((np.isnan(v), nan), (np.isposinf(v), info.max if posinf is None
                        else posinf), (np.isneginf(v), info.min if neginf is None else neginf)):
        if mask.any():
            value = _elementwise.astype(value, x.dtype) if isinstance(value, Tracer) else (
                np.asarray(value).astype(x.dtype))
            out = _elementwise.where(mask, value, out)
    return out if out is not x else x[...]




def _nan_to_num_elsewhere(x: Any, nan: Any, posinf: Any, neginf: Any) -> Any:
    """``nan_to_num`` of a real floating array of another library, in its namespace."""
    v = primal(x)
    xp = plain_namespace(v)
    info = xp.finfo(v.dtype)
    out = x
    for mask, value in ((xp.isnan(v), nan), (xp.isinf(v) & (v > 0), float(info.max)
                        if posinf is None else posinf),
                        (xp.isinf(v) & (v < 0), float(info.min) if neginf is None else neginf)):
        if bool(xp.any(mask)):
            value = _elementwise.astype(value, v.dtype) if isinstance(value, Tracer) else (
                xp.asarray(primal(value), dtype=v.dtype, device=v.device))
            out = _elementwise.where(mask, value, out)
    if out is not x:
        return out
    return x[...] if isinstance(x, Tracer) else xp.asarray(x, copy=True)
