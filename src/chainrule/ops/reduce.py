"""Reductions: ``sum`` and ``max``/``min`` primitives, and the statistics composed from them.

Primitives here: ``sum`` (linear: its VJP broadcasts the cotangent back over the reduced axes)
and ``extremum`` (max or min, ties splitting the cotangent equally). ``mean``, ``var``, ``std``,
``average``, ``ptp`` and ``logsumexp`` are compositions and need no rule. Products and running
sums/products (``prod``, ``cumsum``, ``cumprod``) live in ``ops/cumulative.py``, ``linalg.norm``
in ``ops/norm.py``.

Every public function has NumPy's signature; ``axis`` may be None, an int, a negative int or a
tuple. Writing into ``out=`` would lose the derivative, so it is refused.
"""

from __future__ import annotations

import builtins
import functools
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from chainrule.backend import namespace
from chainrule.broadcast import broadcast_array
from chainrule.ops import elementwise as _elementwise
from chainrule.ops import join as _join
from chainrule.ops.portable_a import any_foreign, counted, kind, plain_namespace
from chainrule.ops.shape import (
    _broadcast_to,
    _reshape,
    broadcast_to,
    reshape,
    transpose,
)
from chainrule.primitive import Primitive
from chainrule.tracer import Tracer, primal

__all__ = [
    "sum", "mean", "max", "min", "amax", "amin", "ptp", "var", "std", "average", "logsumexp",
]

_NoValue: Any = np._NoValue


# --- axis bookkeeping (static: runs on shapes, never on traced values) ----------------------
def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    """The reduced axes as a sorted tuple of non-negative ints (NumPy's rules and errors)."""
    if isinstance(axis, list):
        axis = tuple(axis)
    return _axes_cached(axis, ndim)


@functools.lru_cache(maxsize=512)
def _axes_cached(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    if ndim == 0 and isinstance(axis, int | np.integer) and axis in (0, -1):
        return ()  # NumPy accepts axis=0 / -1 on a 0-d array for its ufunc reductions
    return tuple(sorted(normalize_axis_tuple(axis, ndim)))


def _kept_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _expand(g: Any, shape: tuple[int, ...], axes: tuple[int, ...], keepdims: bool) -> Any:
    """A reduced value ``g`` with the reduced axes put back as length-1 axes (broadcastable)."""
    if keepdims:
        return g
    if g.__class__ is not np.ndarray and not isinstance(g, Tracer) and any_foreign(g):
        return namespace(g).reshape(g, _kept_shape(shape, axes))
    return _reshape(g, shape=_kept_shape(shape, axes))


def _count(shape: tuple[int, ...], axes: tuple[int, ...]) -> int:
    return int(np.prod([shape[a] for a in axes], dtype=np.int64))


def _as_array(a: Any) -> Any:
    if isinstance(a, Tracer | np.ndarray | np.generic) or any_foreign(a):
        return a
    return _join.asarray(a)


def _floating(a: Any, dtype: Any) -> Any:
    """The input of a statistic (mean, var): cast to ``dtype``, or integers and booleans to
    float64 as NumPy does."""
    a = _as_array(a)
    if not isinstance(a, Tracer) and any_foreign(a):  # another library's arrays have no methods
        return _elementwise.astype(a, np.float64 if dtype is None and kind(a) in "iub"
                                   else dtype) if dtype is not None or kind(a) in "iub" else a
    if dtype is not None:
        return a.astype(dtype)
    return a.astype(np.float64) if kind(a) in "iub" else a


def _refuse_out(name: str, out: Any) -> None:
    if out is not None:
        raise TypeError(
            f"{name}(..., out=...): writing into an existing array would lose the derivative. "
            f"Use the returned value instead: y = np.{name}(...)."
        )


def _refuse_where(name: str, where: Any) -> None:
    if not (where is _NoValue or where is True):
        raise TypeError(f"{name}(..., where=...) is not supported by chainrule; select the "
                        f"entries first (indexing), then call {name} on them.")


def _flag(keepdims: Any) -> bool:
    return False if keepdims is _NoValue else builtins.bool(keepdims)


def _mask(name: str, where: Any, shape: tuple[int, ...]) -> np.ndarray | None:
    """A ``where=`` argument as a boolean array of the input's shape (None: no mask)."""
    if where is _NoValue or where is True:
        return None
    mask = np.asarray(primal(where), dtype=bool)
    try:
        return np.broadcast_to(mask, shape)
    except ValueError:
        raise ValueError(
            f"{name}(..., where=...): a mask of shape {mask.shape} does not broadcast to the "
            f"input's shape {shape}."
        ) from None


def _selected(a: Any, name: str, out: Any, dtype: Any, where: Any, neutral: float) -> Any:
    """The input of a reduction: ``out=`` refused, cast to ``dtype``, and the entries outside
    ``where`` replaced by the reduction's neutral element (0 for sums, 1 for products)."""
    _refuse_out(name, out)
    a = _as_array(a)
    if dtype is not None:
        a = a.astype(dtype)
    mask = _mask(name, where, a.shape)
    return a if mask is None else _elementwise.where(mask, a, neutral)


# --- sum ------------------------------------------------------------------------------------
def _sum_vjp(g, ans, x, axis, keepdims):
    # Every summed entry receives the cotangent of its sum: put back the reduced axes as
    # length-1 axes, then broadcast to the input's shape.
    if not isinstance(g, Tracer):  # a plain cotangent: nothing to record, no dispatch
        if g.__class__ is not np.ndarray and any_foreign(g):
            return _sum_vjp_elsewhere(g, x, axis, keepdims)
        if g.ndim and not keepdims:
            g = g.reshape(_kept_shape(x.shape, axis))
        return broadcast_array(g, x.shape)
    if g.ndim == 0:  # a total: the scalar broadcasts as it is
        return _broadcast_to(g, shape=x.shape)
    return _broadcast_to(_expand(g, x.shape, axis, keepdims), shape=x.shape)


def _sum_vjp_elsewhere(g, x, axis, keepdims):
    xp = namespace(g)
    if g.ndim and not keepdims:
        g = xp.reshape(g, _kept_shape(x.shape, axis))
    return xp.broadcast_to(g, x.shape)


# np.add.reduce is what np.sum runs, without its ~2 us of Python-level argument handling.
_sum = Primitive("sum", lambda x, axis, keepdims: np.add.reduce(x, axis=axis, keepdims=keepdims),
                 save_ans=False, register=True,
                 xp_impl=lambda x, axis, keepdims: namespace(x).sum(
                     counted(namespace(x), x), axis=axis, keepdims=keepdims))
_sum.defvjp(_sum_vjp)
_sum.defjvp(lambda t, ans, x, axis, keepdims: _sum(t, axis=axis, keepdims=keepdims))


def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NoValue,  # noqa: A001
        where=_NoValue):
    """``numpy.sum``.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda x: np.sum(x, axis=0)[1])(np.ones((2, 3))).tolist()
        [[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]]
    """
    if (dtype is None and out is None and initial is _NoValue and where is _NoValue
            and isinstance(a, Tracer)):  # the common traced call: np.sum(x, axis)
        return _sum(a, axis=_axes(axis, a.ndim), keepdims=_flag(keepdims))
    a = _selected(a, "sum", out, dtype, where, neutral=0)
    ans = _sum(a, axis=_axes(axis, a.ndim), keepdims=_flag(keepdims))
    return ans if initial is _NoValue else ans + initial


def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=_NoValue):
    """``numpy.mean``: ``sum / n``."""
    _refuse_out("mean", out)
    a = _floating(a, dtype)
    axes = _axes(axis, a.ndim)
    mask = _mask("mean", where, a.shape)
    if mask is None:
        return _sum(a, axis=axes, keepdims=_flag(keepdims)) / _count(a.shape, axes)
    n = np.sum(mask, axis=axes, keepdims=_flag(keepdims)).astype(a.dtype)
    return _sum(_elementwise.where(mask, a, 0), axis=axes, keepdims=_flag(keepdims)) / n


# --- max / min ------------------------------------------------------------------------------
def _extremum_impl(x, axis, keepdims, kind):
    reduce = np.maximum.reduce if kind == "max" else np.minimum.reduce
    return reduce(x, axis=axis, keepdims=keepdims)


def _extremum_xp_impl(x, axis, keepdims, kind):
    xp = namespace(x)
    if x.dtype == xp.bool:  # NumPy's max (min) of booleans: any (all)
        return (xp.any if kind == "max" else xp.all)(x, axis=axis, keepdims=keepdims)
    return (xp.max if kind == "max" else xp.min)(x, axis=axis, keepdims=keepdims)


def _tie_weights(x, ans, axis, keepdims):
    """Constant weights: 1/k on the k entries equal to their slot's extremum, 0 elsewhere.

    Convention: tied maxima (minima) share the cotangent equally; the JVP is the mean of the
    tangents over the tied entries, so <v, J u> agrees both ways. A NaN extremum (NumPy
    propagates NaN) sends the derivative to the NaN entries.
    """
    if x.__class__ is not np.ndarray and any_foreign(x):
        return _tie_weights_elsewhere(primal(x), primal(ans), axis, keepdims)
    xp = np.asarray(primal(x))
    ap = np.asarray(primal(ans))
    if not keepdims:
        ap = ap.reshape(_kept_shape(xp.shape, axis))
    hit = xp == ap
    if np.count_nonzero(np.isnan(ap)):
        hit |= np.isnan(xp) & np.isnan(ap)
    if np.count_nonzero(hit) == ap.size:  # every slot has one hit: no ties
        return hit.astype(xp.dtype)
    return (hit / np.add.reduce(hit, axis=axis, keepdims=True)).astype(xp.dtype)


def _tie_weights_elsewhere(x, ans, axis, keepdims):
    """``_tie_weights`` computed in the namespace of another library's arrays."""
    xp = namespace(x, ans)
    if not keepdims:
        ans = xp.reshape(ans, _kept_shape(x.shape, axis))
    hit = x == ans
    if xp.any(xp.isnan(ans)):
        hit = hit | (xp.isnan(x) & xp.isnan(ans))
    weights = xp.astype(hit, x.dtype)
    if int(xp.count_nonzero(hit)) == ans.size:  # no ties
        return weights
    return weights / xp.sum(weights, axis=axis, keepdims=True)


def _extremum_vjp(g, ans, x, axis, keepdims, kind):
    weights = _tie_weights(x, ans, axis, keepdims)
    if g.__class__ is np.ndarray and weights.__class__ is np.ndarray:  # plain: scale in place
        if not keepdims:
            g = g.reshape(_kept_shape(x.shape, axis))
        return np.multiply(weights, g, out=weights)
    return _expand(g, x.shape, axis, keepdims) * weights


def _extremum_jvp(t, ans, x, axis, keepdims, kind):
    return _sum(t * _tie_weights(x, ans, axis, keepdims), axis=axis, keepdims=keepdims)


_extremum = Primitive("extremum", _extremum_impl, register=True, xp_impl=_extremum_xp_impl)
_extremum.defvjp(_extremum_vjp)
_extremum.defjvp(_extremum_jvp)


def _reduce_extremum(kind, a, axis, out, keepdims, initial, where):
    if out is None and initial is _NoValue and where is _NoValue and isinstance(a, Tracer):
        return _extremum(a, axis=_axes(axis, a.ndim), keepdims=_flag(keepdims), kind=kind)
    _refuse_out(kind, out)
    a = _as_array(a)
    mask = _mask(kind, where, a.shape)
    if mask is not None:
        if initial is _NoValue:
            raise ValueError(
                f"{kind}(..., where=...) needs initial=... (the value of a slot with no "
                "selected entry), as in NumPy."
            )
        a = _elementwise.where(mask, a, initial)
    ans = _extremum(a, axis=_axes(axis, a.ndim), keepdims=_flag(keepdims), kind=kind)
    if initial is _NoValue:
        return ans
    return (_elementwise.maximum if kind == "max" else _elementwise.minimum)(ans, initial)


def max(a, axis=None, out=None, keepdims=False, initial=_NoValue, where=_NoValue):  # noqa: A001
    """``numpy.max``. Ties share the cotangent equally: grad of max([1, 3, 3]) is [0, .5, .5].

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(np.max)(np.array([1.0, 3.0, 3.0])).tolist()
        [0.0, 0.5, 0.5]
    """
    return _reduce_extremum("max", a, axis, out, keepdims, initial, where)


def min(a, axis=None, out=None, keepdims=False, initial=_NoValue, where=_NoValue):  # noqa: A001
    """``numpy.min``. Ties share the cotangent equally (as ``max``)."""
    return _reduce_extremum("min", a, axis, out, keepdims, initial, where)


amax = max
amin = min


def ptp(a, axis=None, out=None, keepdims=False):
    """``numpy.ptp``: ``max - min`` (each with the tie convention of ``max``)."""
    _refuse_out("ptp", out)
    return max(a, axis, keepdims=keepdims) - min(a, axis, keepdims=keepdims)


# --- moments --------------------------------------------------------------------------------
def _sqrt0(v: Any) -> Any:
    """``sqrt(v)`` whose derivative is 0 where ``v == 0`` instead of infinite.

    Convention: std and 2-norms are cones at zero (like ``abs`` at 0); their derivative there is
    taken as 0, the minimum-norm subgradient, rather than NaN.
    """
    if any_foreign(v):
        zero = primal(v) == 0
        if not bool(namespace(zero).any(zero)):
            return _elementwise.sqrt(v)
        z = namespace(zero).astype(zero, primal(v).dtype)
        return _elementwise.sqrt(v * (1 - z) + z) * (1 - z)
    zero = np.asarray(primal(v)) == 0
    if not zero.any():
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
                                                dtype=pavg.dtype)
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
    ap = np.asarray(primal(a))
    if b is not None:
        # entries with weight 0 do not take part (scipy's convention); shift by the others
        ap = np.where(np.asarray(primal(b)) == 0, -np.inf, ap)
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
            ps = np.asarray(primal(s))
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
        real = xp.where(primal(b) == 0, xp.asarray(-xp.inf, dtype=real.dtype), real)
    axes = _axes(axis, ap.ndim)
    if ap.size:
        shift = xp.max(real, axis=axes, keepdims=True)
        shift = xp.where(xp.isfinite(shift), shift, xp.zeros_like(shift))
    else:
        shift = xp.zeros(_kept_shape(ap.shape, axes), dtype=xp.float64)
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
