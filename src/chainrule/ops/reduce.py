"""Reductions: the ``sum`` and ``max``/``min`` primitives, ``mean`` and ``ptp``.

Primitives here: ``sum`` (linear: its VJP broadcasts the cotangent back over the reduced axes)
and ``extremum`` (max or min, ties splitting the cotangent equally); ``mean`` and ``ptp`` are
compositions. The moments and ``logsumexp`` are ``ops/statistics.py``; products and running
sums/products (``prod``, ``cumsum``, ``cumprod``) ``ops/cumulative.py``; ``linalg.norm``
``ops/norm.py``.

Every public function has NumPy's signature; ``axis`` may be None, an int, a negative int or a
tuple. Writing into ``out=`` would lose the derivative, so it is refused.
"""

from __future__ import annotations

import builtins
import functools
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from chainrule.backend import any_foreign, namespace
from chainrule.backend import dtype_kind as kind
from chainrule.broadcast import broadcast_array
from chainrule.jit.staging import stage
from chainrule.ops import elementwise as _elementwise
from chainrule.ops import join as _join
from chainrule.ops.portable_a import counted
from chainrule.ops.shape import (
    _broadcast_to,
    _reshape,
)
from chainrule.primitive import Primitive
from chainrule.tracer import Tracer, plain_array, primal

__all__ = ["sum", "mean", "max", "min", "amax", "amin", "ptp"]

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
    xp = plain_array(x)
    ap = plain_array(ans)
    if xp.__class__ is not np.ndarray:  # inside cr.jit: the NumPy computation, one instruction
        return stage(_numpy_tie_weights, (xp, ap), {"axis": axis, "keepdims": keepdims})
    return _numpy_tie_weights(xp, ap, axis, keepdims)


def _numpy_tie_weights(x, ans, axis, keepdims):
    """``_tie_weights`` of plain NumPy values (what a compiled program calls)."""
    if not keepdims:
        ans = ans.reshape(_kept_shape(x.shape, axis))
    hit = x == ans
    if np.count_nonzero(np.isnan(ans)):
        hit |= np.isnan(x) & np.isnan(ans)
    if np.count_nonzero(hit) == ans.size:  # every slot has one hit: no ties
        return hit.astype(x.dtype)
    return (hit / np.add.reduce(hit, axis=axis, keepdims=True)).astype(x.dtype)


def _tie_weights_elsewhere(x, ans, axis, keepdims):
    """``_tie_weights`` computed in the namespace of another library's arrays."""
    if getattr(x, "_jit_value", False):  # inside cr.jit: this function is one instruction
        return stage(_tie_weights_elsewhere, (x, ans), {"axis": axis, "keepdims": keepdims})
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
