"""Statistics composed from the reductions (``ops/reduce.py``): ``var``, ``std``, ``average``
and ``logsumexp``. They need no derivative rule of their own; ``var``/``std`` use the two-pass
formula NumPy uses, ``logsumexp`` shifts by the maximum (a constant for the derivative).

Every public function has NumPy's signature; writing into ``out=`` would lose the derivative,
so it is refused.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from chainrule.backend import any_foreign, namespace
from chainrule.backend import dtype_kind as kind
from chainrule.backend import library as plain_namespace
from chainrule.ops import elementwise as _elementwise
from chainrule.ops.reduce import (
    _as_array,
    _axes,
    _count,
    _flag,
    _floating,
    _kept_shape,
    _NoValue,
    _refuse_out,
    _refuse_where,
    _sum,
    mean,
)
from chainrule.ops.shape import broadcast_to, reshape, transpose
from chainrule.tracer import Tracer, plain_array, primal

__all__ = ["var", "std", "average", "logsumexp"]


# --- moments --------------------------------------------------------------------------------
def _sqrt0(v: Any) -> Any:
    """``sqrt(v)`` whose derivative is 0 where ``v == 0`` instead of infinite.

    Convention: std and 2-norms are cones at zero (like ``abs`` at 0); their derivative there is
    taken as 0, the minimum-norm subgradient, rather than NaN.
    """
    if any_foreign(v):
        zero = primal(v) == 0
        # inside cr.jit (a staged mask) the general form, whose factors are 1 without zeros
        if not getattr(zero, "_jit_value", False) and not bool(namespace(zero).any(zero)):
            return _elementwise.sqrt(v)
        z = namespace(zero).astype(zero, primal(v).dtype)
        return _elementwise.sqrt(v * (1 - z) + z) * (1 - z)
    zero = plain_array(v) == 0
    # inside cr.jit (a staged mask) the general form, whose factors are 1 without zeros
    if not getattr(zero, "_jit_value", False) and not zero.any():
        return _elementwise.sqrt(v)
    z = zero.astype(v.dtype)
    return _elementwise.sqrt(v * (1 - z) + z) * (1 - z)


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=_NoValue,
        mean=_NoValue, correction=_NoValue):
    """``numpy.var``: ``sum(|a - mean|**2) / (n - ddof)``, two passes as in NumPy."""
    _refuse_out("var", out)
    _refuse_where("var", where)
    if correction is not _NoValue:
        if ddof != 0:
            raise ValueError("var: ddof and correction can't be provided simultaneously.")
        ddof = correction
    a = _floating(a, dtype)
    axes = _axes(axis, a.ndim)
    n = _count(a.shape, axes)
    mu = _sum(a, axis=axes, keepdims=True) / n if mean is _NoValue else mean
    d = a - mu
    # |d|^2: for complex entries NumPy sums Re(d conj(d)), a real variance
    dd = d * d if kind(d) != "c" else (d * d.conj()).real
    return _sum(dd, axis=axes, keepdims=_flag(keepdims)) / builtins.max(n - ddof, 0)


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=_NoValue,
        mean=_NoValue, correction=_NoValue):
    """``numpy.std``: ``sqrt(var)``. At zero variance its derivative is taken as 0."""
    _refuse_out("std", out)
    _refuse_where("std", where)
    return _sqrt0(var(a, axis, dtype, out, ddof, keepdims, where=where, mean=mean,
                      correction=correction))


def average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    """``numpy.average``: ``sum(a * w) / sum(w)``; the weights may be traced too."""
    a = _as_array(a)
    keepdims = _flag(keepdims)
    axes = None if axis is None else normalize_axis_tuple(axis, a.ndim, argname="axis")
    if weights is None:
        avg = mean(a, axis, keepdims=keepdims)
        if any_foreign(avg):
            pavg = primal(avg)
            scl = plain_namespace(pavg).asarray(a.size / builtins.max(pavg.size, 1),
                                                dtype=pavg.dtype, device=pavg.device)
        else:
            scl = np.asarray(a.size / builtins.max(np.size(primal(avg)), 1), dtype=avg.dtype)
    else:
        w = _as_array(weights)
        if w.shape != a.shape:
            if axes is None:
                raise TypeError("Axis must be specified when shapes of a and weights differ.")
            if w.shape != tuple(a.shape[ax] for ax in axes):
                raise ValueError("Shape of weights must be consistent with shape of a along "
                                 "specified axis.")
            w = transpose(w, tuple(np.argsort(axes)))
            w = reshape(w, tuple(s if ax in axes else 1 for ax, s in enumerate(a.shape)))
        far = any_foreign(a, w)
        if far:  # another library's arrays: its dtypes and functions
            xp = plain_namespace(a, w)
            dt = xp.result_type(primal(a).dtype, primal(w).dtype,
                                *([xp.float64] if kind(a) in "iub" else []))
            a = a.astype(dt) if isinstance(a, Tracer) else xp.astype(a, dt)
            w = w.astype(dt) if isinstance(w, Tracer) else xp.astype(w, dt)
        else:
            dt = np.result_type(a.dtype, w.dtype, *(["f8"] if a.dtype.kind in "iub" else []))
            a, w = a.astype(dt), w.astype(dt)
        red = _axes(axes, a.ndim)
        scl = _sum(w, axis=red, keepdims=keepdims)
        p = primal(scl)
        if bool(xp.any(p == 0.0)) if far else np.any(np.asarray(p) == 0.0):
            raise ZeroDivisionError("Weights sum to zero, can't be normalized")
        avg = _sum(a * w, axis=red, keepdims=keepdims) / scl
    if not returned:
        return avg
    if scl.shape != avg.shape:
        if isinstance(scl, Tracer):
            scl = broadcast_to(scl, avg.shape)
        elif any_foreign(scl):
            scl = namespace(scl).asarray(namespace(scl).broadcast_to(scl, avg.shape), copy=True)
        else:
            scl = np.broadcast_to(scl, avg.shape).copy()
    return avg, scl


# --- log-sum-exp ----------------------------------------------------------------------------
def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False):
    """``scipy.special.logsumexp``: ``log(sum(b * exp(a)))`` without overflow.

    The slot's maximum ``m`` is subtracted before ``exp`` and added back after ``log``; ``m``
    is a constant (stop-gradient): the result does not depend on it, so the derivative is
    exactly ``softmax(a)`` (times ``b``), computed from ``exp(a - m) <= 1``. Complex values
    follow SciPy: the principal log (imaginary part in (-pi, pi]), and with ``return_sign``
    log|sum| and the phase sum / |sum| (differentiable).

    Example:
        >>> import numpy as np, chainrule as cr, chainrule.numpy as cnp
        >>> x = np.array([1000.0, 1000.0])
        >>> round(float(cnp.logsumexp(x)), 6), cr.grad(cnp.logsumexp)(x).tolist()
        (1000.693147, [0.5, 0.5])
    """
    a = _as_array(a)
    if b is not None:
        b = _as_array(b)
    if any_foreign(a, b):
        return _logsumexp_elsewhere(a, axis, b, keepdims, return_sign)
    ap = plain_array(a)
    if b is not None:
        # entries with weight 0 do not take part (scipy's convention); shift by the others
        ap = np.where(plain_array(b) == 0, -np.inf, ap)
    axes = _axes(axis, ap.ndim)
    # Complex values shift by the largest real part (a real constant), so log's principal
    # branch gives SciPy's complex result, its imaginary part in (-pi, pi].
    ap = np.real(ap)
    if ap.size:
        shift = np.max(ap, axis=axes, keepdims=True)
        shift = np.where(np.isfinite(shift), shift, 0)
    else:
        shift = np.zeros(_kept_shape(ap.shape, axes))
    shift = shift.astype(np.result_type(ap.dtype, np.float16))
    e = _elementwise.exp(a - shift)
    if b is not None:
        e = e * b
    s = _sum(e, axis=axes, keepdims=keepdims)
    if not keepdims:
        shift = np.squeeze(shift, axis=axes)
    with np.errstate(divide="ignore"):  # an empty or all -inf slot gives -inf, as in scipy
        if return_sign:
            ps = plain_array(s)
            # a complex sum's sign is its phase s / |s|: no constant, it carries a derivative
            sign = s / abs(s) if np.iscomplexobj(ps) and isinstance(s, Tracer) else np.sign(ps)
            return _elementwise.log(abs(s)) + shift, sign
        return _elementwise.log(s) + shift



def _logsumexp_elsewhere(a, axis, b, keepdims, return_sign):
    """``logsumexp`` on another library's arrays: the same steps in their namespace."""
    if kind(a) in "iub":  # NumPy subtracts the float shift from integers: float64
        a = _elementwise.astype(a, np.float64)
    ap = primal(a)
    xp = plain_namespace(a, b)
    real = xp.real(ap) if kind(ap) == "c" else ap
    if b is not None:
        minus_inf = xp.asarray(-xp.inf, dtype=real.dtype, device=real.device)
        real = xp.where(primal(b) == 0, minus_inf, real)
    axes = _axes(axis, ap.ndim)
    if ap.size:
        shift = xp.max(real, axis=axes, keepdims=True)
        shift = xp.where(xp.isfinite(shift), shift, xp.zeros_like(shift))
    else:
        shift = xp.zeros(_kept_shape(ap.shape, axes), dtype=xp.float64, device=ap.device)
    if kind(shift) not in "fc":
        shift = xp.astype(shift, xp.float64)
    e = _elementwise.exp(a - shift)
    if b is not None:
        e = e * b
    s = _sum(e, axis=axes, keepdims=keepdims)
    if not keepdims:
        shift = xp.squeeze(shift, axis=axes)
    if return_sign:
        complex_sum = kind(s) == "c" and isinstance(s, Tracer)
        sign = s / abs(s) if complex_sum else xp.sign(primal(s))
        return _elementwise.log(abs(s)) + shift, sign
    return _elementwise.log(s) + shift
