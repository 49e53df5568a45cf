"""Order statistics: ``partition``, ``median``, ``percentile``, ``quantile`` and their NaN-ignoring
forms ``nanmedian``, ``nanpercentile``, ``nanquantile``.

Each is a selection from the sorted values (``sort`` along the reduced axis, then a gather) and,
for the interpolating methods, NumPy's linear interpolation ``_lerp`` written with the same
operations (``a + (b - a) t``, or ``b - (b - a)(1 - t)`` for ``t >= 0.5``) so the values agree.
The derivative of a selection moves the cotangent back to the entries selected; the
interpolation weight ``t`` is a constant unless ``q`` itself is traced (then the quantile is
differentiable in ``q`` too, for ``method='linear'``: ``d/dq = (b - a)(n - 1)``).

Convention at ties (median, quantiles): equal values are ordered by the stable sort of the
plain values, and the derivative goes to the entries at the selected sorted positions. Where
the result is differentiable at a tie (the median of ``[1, 2, 2, 3]`` uses both 2s, each with
weight 1/2) this is the derivative; at a kink (an odd-length median of ``[1, 2, 2]``) it is
the derivative of one side, as for ``sort``. A slice holding a NaN gives NaN (``nan*``
forms: the NaNs are left out, an all-NaN slice gives NaN), with a zero derivative.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from chainrule.backend import any_foreign, namespace, refuse_foreign
from chainrule.backend import dtype_kind as kind
from chainrule.ops import elementwise as _elementwise
from chainrule.ops import indexing as _indexing
from chainrule.ops import join as _join
from chainrule.ops import order_positions as _elsewhere
from chainrule.ops import shape as _shape
from chainrule.ops.portable_a import maybe_true
from chainrule.tracer import Tracer, plain_array, primal

__all__ = [
    "partition", "median", "percentile", "quantile", "nanmedian", "nanpercentile",
    "nanquantile",
]

_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def partition(a: Any, kth: Any, axis: Any = -1, kind: str = "introselect",
              order: Any = None) -> Any:
    """``numpy.partition``: the entries permuted as ``np.argpartition`` of the plain values
    orders them (NumPy's own arrangement), so the derivative follows that permutation; at ties
    each position's derivative goes to the entry ``argpartition`` put there.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda a: np.partition(a, 0)[0])(np.array([3.0, 1.0, 2.0])).tolist()
        [0.0, 1.0, 0.0]
    """
    if any_foreign(a):  # NumPy's own arrangement comes from its argpartition
        raise refuse_foreign("numpy.partition (the Array API standard has no argpartition)", (a,))
    if not isinstance(a, Tracer):
        return np.partition(a, kth, axis, kind, order)
    if order is not None:
        raise ValueError("partition: order= (structured arrays) is not supported on traced "
                         "values")
    if axis is None:
        a, axis = _shape.ravel(a), 0
    perm = np.argpartition(primal(a), kth, axis=axis, kind=kind)
    return _indexing.take_along_axis(a, perm, axis=axis)


def _last_axis(a: Any, axis: Any) -> tuple[Any, tuple[int, ...]]:
    """``a`` with the reduced axes merged into one last axis, and the reduced axes."""
    if axis is None:
        return _shape.reshape(a, (-1,)), tuple(range(a.ndim))
    axes = normalize_axis_tuple(axis, a.ndim)
    rest = [d for d in range(a.ndim) if d not in axes]
    moved = _shape.transpose(a, (*rest, *axes))
    return _shape.reshape(moved, tuple(a.shape[d] for d in rest) + (-1,)), tuple(sorted(axes))


def _restore(res: Any, shape: tuple[int, ...], axes: tuple[int, ...], extra: int,
             keepdims: bool) -> Any:
    """A result of shape ``q.shape + rest`` (``extra = q.ndim``) with the reduced axes put back
    as length-1 axes when ``keepdims``."""
    if not keepdims:
        return res
    kept = tuple(1 if d in axes else n for d, n in enumerate(shape))
    return _shape.reshape(res, res.shape[:extra] + kept)


def _lerp(a: Any, b: Any, t: Any) -> Any:
    """NumPy's interpolation ``_lerp``: the same two formulas, chosen by ``t >= 0.5``."""
    d = b - a
    upper = primal(t) >= 0.5 if any_foreign(t) else plain_array(t) >= 0.5
    return _elementwise.where(upper, b - d * (1 - t), a + d * t)


def _virtual(n: Any, q: Any, method: str) -> tuple[Any, Any, Any]:
    """``(previous, next, gamma)``: the sorted positions around each quantile and the weight
    of ``next`` (NumPy's definitions of the methods; ``n`` may be an array of counts)."""
    if method == "linear":
        v = (n - 1) * q
        vp = plain_array(v)
        prev = np.floor(vp)
        gamma = v - prev
        nxt = prev + 1
        prev = np.where(vp >= n - 1, n - 1, np.where(vp < 0, 0, prev))
        nxt = np.where(vp >= n - 1, n - 1, np.where(vp < 0, 0, nxt))
        return prev.astype(np.intp), nxt.astype(np.intp), gamma
    qp = plain_array(q)
    scaled = (n - 1) * qp
    if method == "lower":
        idx = np.floor(scaled).astype(np.intp)
    elif method == "higher":
        idx = np.ceil(scaled).astype(np.intp)
    elif method == "nearest":
        idx = np.around(scaled).astype(np.intp)
    else:  # midpoint
        lo, hi = np.floor(scaled), np.ceil(scaled)
        gamma = np.where((0.5 * (lo + hi)) % 1 == 0, 0.0, 0.5).astype(qp.dtype)
        return lo.astype(np.intp), np.minimum(hi, np.maximum(n - 1, 0)).astype(np.intp), gamma
    return idx, idx, None


def _check(a: Any, q: Any, method: str, name: str, scale: float, weights: Any) -> tuple:
    if weights is not None:
        raise TypeError(f"{name}: weights= (method='inverted_cdf') is not supported on traced "
                        "values")
    if method not in _METHODS:
        raise ValueError(
            f"{name}: method={method!r} is not supported on traced values; chainrule "
            f"implements {', '.join(_METHODS)}. Apply it to cr.stop_gradient(a) if the "
            "derivative is not needed.")
    if any_foreign(a, q):
        return _elsewhere.check(a, q, method, scale)
    if isinstance(q, Tracer) and method != "linear":
        q = plain_array(q)  # the other methods are piecewise constant in q
    weak = type(q) in (int, float)
    q = q / scale if isinstance(q, Tracer) else np.true_divide(q, scale)
    qp = plain_array(q)
    if not (np.all(qp >= 0) and np.all(qp <= 1)):
        lim = "Percentiles must be in the range [0, 100]" if scale == 100 else (
            "Quantiles must be in the range [0, 1]")
        raise ValueError(lim)
    a = a if isinstance(a, Tracer) else _join.asarray(a)
    if a.dtype.kind == "c":
        raise TypeError("a must be an array of real numbers")  # NumPy's error
    if a.dtype.kind not in "f":
        a = _elementwise.astype(a, np.float64)
    # The interpolation weights' dtype, as NumPy's: a Python-number q is weak (float32 data
    # stays float32), an array q takes part in the promotion.
    dtype = np.result_type(a.dtype, float(qp) if weak else qp.dtype)
    return a, q, dtype


def _quantiles(a: Any, q: Any, dtype: Any, axis: Any, method: str, keepdims: bool,
               nan: bool) -> Any:
    shape = a.shape
    flat, axes = _last_axis(a, axis)
    s = _indexing.sort(flat, axis=-1)  # NaNs go last
    if any_foreign(s, q):
        qshape, qq, prev, nxt, gamma, empty = _elsewhere.positions(s, q, method, nan)
        return _gathered(s, prev, nxt, gamma, dtype, empty, qshape, shape, axes, keepdims)
    isnan = np.isnan(plain_array(s))
    qshape = np.shape(q)
    qq = _shape.reshape(q, (-1,)) if isinstance(q, Tracer) else np.reshape(q, (-1,))
    if nan:
        n = (s.shape[-1] - np.sum(isnan, axis=-1))[..., None].astype(np.intp)
        empty = n[..., 0] == 0
    else:
        n = s.shape[-1]
        empty = isnan[..., -1] if s.shape[-1] else np.zeros(s.shape[:-1], bool)
    prev, nxt, gamma = _virtual(n, qq, method)
    prev = np.clip(np.broadcast_to(prev, s.shape[:-1] + qq.shape), 0, max(s.shape[-1] - 1, 0))
    nxt = np.clip(np.broadcast_to(nxt, prev.shape), 0, max(s.shape[-1] - 1, 0))
    return _gathered(s, prev, nxt, gamma, dtype, empty, qshape, shape, axes, keepdims)


def _gathered(s: Any, prev: Any, nxt: Any, gamma: Any, dtype: Any, empty: Any, qshape: tuple,
              shape: tuple, axes: tuple, keepdims: bool) -> Any:
    """The quantiles from the sorted ``s`` and their positions (``_quantiles``)."""
    lo = _indexing.take_along_axis(s, prev, axis=-1)
    if gamma is None:
        res = lo
    else:
        gamma = _elementwise.astype(gamma, dtype)
        res = _lerp(lo, _indexing.take_along_axis(s, nxt, axis=-1), gamma)
    if maybe_true(empty):
        res = _elementwise.where(empty[..., None], np.nan, res)
    res = _shape.moveaxis(res, -1, 0)  # the quantiles' axis first, as in NumPy
    res = _shape.reshape(res, qshape + res.shape[1:])
    return _restore(res, shape, axes, len(qshape), keepdims)


def _nan_warning(a: Any, axis: Any, name: str) -> None:
    if any_foreign(a):
        p = primal(a)
        xp = namespace(p)
        axis = tuple(axis) if isinstance(axis, list) else axis
        if bool(xp.any(xp.all(xp.isnan(p), axis=axis))):
            warnings.warn("All-NaN slice encountered", RuntimeWarning, stacklevel=3)
        return
    if np.any(np.all(np.isnan(plain_array(a)), axis=axis)):
        warnings.warn("All-NaN slice encountered", RuntimeWarning, stacklevel=3)


def quantile(a: Any, q: Any, axis: Any = None, out: Any = None, overwrite_input: bool = False,
             method: str = "linear", keepdims: bool = False, *, weights: Any = None) -> Any:
    """``numpy.quantile`` (methods linear, lower, higher, midpoint, nearest), differentiable
    in ``a`` and, for ``method='linear'``, in a traced ``q``.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda a: np.quantile(a, 0.25))(np.array([4.0, 1.0, 3.0])).tolist()
        [0.0, 0.5, 0.5]
    """
    if not isinstance(a, Tracer) and not isinstance(q, Tracer) and not any_foreign(a, q):
        return np.quantile(a, q, axis, out, overwrite_input, method, keepdims, weights=weights)
    _no_out("quantile", out)
    a, q, dtype = _check(a, q, method, "quantile", 1, weights)
    return _quantiles(a, q, dtype, axis, method, keepdims, nan=False)


def percentile(a: Any, q: Any, axis: Any = None, out: Any = None, overwrite_input: bool = False,
               method: str = "linear", keepdims: bool = False, *, weights: Any = None) -> Any:
    """``numpy.percentile``: ``quantile`` of ``q / 100``.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda a: np.percentile(a, 50))(np.array([4.0, 1.0, 3.0, 2.0])).tolist()
        [0.0, 0.0, 0.5, 0.5]
    """
    if not isinstance(a, Tracer) and not isinstance(q, Tracer) and not any_foreign(a, q):
        return np.percentile(a, q, axis, out, overwrite_input, method, keepdims, weights=weights)
    _no_out("percentile", out)
    a, q, dtype = _check(a, q, method, "percentile", 100, weights)
    return _quantiles(a, q, dtype, axis, method, keepdims, nan=False)


def nanquantile(a: Any, q: Any, axis: Any = None, out: Any = None,
                overwrite_input: bool = False, method: str = "linear", keepdims: Any = False,
                *, weights: Any = None) -> Any:
    """``numpy.nanquantile``: ``quantile`` of each slice's non-NaN entries.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda a: np.nanquantile(a, 0.5))(np.array([4.0, np.nan, 2.0])).tolist()
        [0.5, 0.0, 0.5]
    """
    if not isinstance(a, Tracer) and not isinstance(q, Tracer) and not any_foreign(a, q):
        return np.nanquantile(a, q, axis, out, overwrite_input, method, keepdims,
                              weights=weights)
    _no_out("nanquantile", out)
    a, q, dtype = _check(a, q, method, "nanquantile", 1, weights)
    _nan_warning(a, axis, "nanquantile")
    return _quantiles(a, q, dtype, axis, method, bool(keepdims), nan=True)


def nanpercentile(a: Any, q: Any, axis: Any = None, out: Any = None,
                  overwrite_input: bool = False, method: str = "linear", keepdims: Any = False,
                  *, weights: Any = None) -> Any:
    """``numpy.nanpercentile``: ``nanquantile`` of ``q / 100``.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda a: np.nanpercentile(a, 100))(np.array([4.0, np.nan])).tolist()
        [1.0, 0.0]
    """
    if not isinstance(a, Tracer) and not isinstance(q, Tracer) and not any_foreign(a, q):
        return np.nanpercentile(a, q, axis, out, overwrite_input, method, keepdims,
                                weights=weights)
    _no_out("nanpercentile", out)
    a, q, dtype = _check(a, q, method, "nanpercentile", 100, weights)
    _nan_warning(a, axis, "nanpercentile")
    return _quantiles(a, q, dtype, axis, method, bool(keepdims), nan=True)


def _median(a: Any, axis: Any, keepdims: bool, nan: bool) -> Any:
    if any_foreign(a) and kind(a) == "c":
        raise _elsewhere.refuse_complex("nanmedian" if nan else "median", a)
    a = a if kind(a) in "fc" else _elementwise.astype(a, np.float64)  # complex: lexicographic
    shape = a.shape
    flat, axes = _last_axis(a, axis)
    s = _indexing.sort(flat, axis=-1)
    if any_foreign(s):
        lo, hi, bad = _elsewhere.middle(s, nan)
        return _mean_of(s, lo, hi, bad, shape, axes, keepdims)
    isnan = np.isnan(plain_array(s))
    m = s.shape[-1]
    n = (m - np.sum(isnan, axis=-1)) if nan else np.full(s.shape[:-1], m)
    lo = np.clip((n - 1) // 2, 0, max(m - 1, 0))[..., None]
    hi = np.clip(n // 2, 0, max(m - 1, 0))[..., None]
    bad = (n == 0) if nan else (isnan[..., -1] if m else np.ones(s.shape[:-1], bool))
    return _mean_of(s, lo, hi, bad, shape, axes, keepdims)


def _mean_of(s: Any, lo: Any, hi: Any, bad: Any, shape: tuple, axes: tuple,
             keepdims: bool) -> Any:
    """The mean of the two middle values (one value twice for odd counts: (x + x) / 2 == x),
    NaN in the ``bad`` slices (``_median``)."""
    take = _indexing.take_along_axis
    res = (take(s, lo, axis=-1) + take(s, hi, axis=-1)) / 2
    res = _shape.reshape(res, res.shape[:-1])
    if maybe_true(bad):
        res = _elementwise.where(bad, np.nan, res)
    return _restore(res, shape, axes, 0, keepdims)


def median(a: Any, axis: Any = None, out: Any = None, overwrite_input: bool = False,
           keepdims: bool = False) -> Any:
    """``numpy.median``: the middle sorted value, or the mean of the two middle ones.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(np.median)(np.array([1.0, 2.0, 2.0, 3.0])).tolist()
        [0.0, 0.5, 0.5, 0.0]
    """
    if not isinstance(a, Tracer) and not any_foreign(a):
        return np.median(a, axis, out, overwrite_input, keepdims)
    _no_out("median", out)
    return _median(a, axis, keepdims, nan=False)


def nanmedian(a: Any, axis: Any = None, out: Any = None, overwrite_input: bool = False,
              keepdims: Any = False) -> Any:
    """``numpy.nanmedian``: ``median`` of each slice's non-NaN entries.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(np.nanmedian)(np.array([1.0, np.nan, 3.0])).tolist()
        [0.5, 0.0, 0.5]
    """
    if not isinstance(a, Tracer) and not any_foreign(a):
        return np.nanmedian(a, axis, out, overwrite_input, keepdims)
    _no_out("nanmedian", out)
    _nan_warning(a, axis, "nanmedian")
    return _median(a, axis, bool(keepdims), nan=True)


def _no_out(name: str, out: Any) -> None:
    if out is not None:
        raise TypeError(f"{name}(..., out=...) is not supported on traced values; use the "
                        "returned value")


