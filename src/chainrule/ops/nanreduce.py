"""NaN-ignoring reductions: ``nansum``, ``nanprod``, ``nancumsum``, ``nancumprod``, ``nanmean``,
``nanvar``, ``nanstd``, ``nanmax``, ``nanmin``.

As in NumPy, the NaN entries are replaced by the reduction's neutral element (0 for sums, 1
for products, -inf/+inf for max/min) and the ordinary reduction runs; the mean and variance
divide by the number of non-NaN entries. The replacement is a ``where`` with a constant mask,
so the derivative with respect to a NaN entry is zero (it does not take part) and every other
entry's derivative is the ordinary one. An all-NaN slice gives NaN (with NumPy's warning) and
a zero derivative. ``nanmedian``, ``nanpercentile`` and ``nanquantile`` are in
``ops/order_statistics.py``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from chainrule.backend import any_foreign
from chainrule.backend import dtype_kind as kind
from chainrule.backend import library as plain_namespace
from chainrule.jit.effects import guard
from chainrule.ops import complex as _complex
from chainrule.ops import cumulative as _cumulative
from chainrule.ops import elementwise as _elementwise
from chainrule.ops import join as _join
from chainrule.ops import reduce as _reduce
from chainrule.ops import statistics as _statistics
from chainrule.ops.portable_a import any_true, maybe_true
from chainrule.ops.reduce import _axes
from chainrule.ops.reduce import _count as _slot_size
from chainrule.ops.statistics import _sqrt0
from chainrule.tracer import Tracer, plain_array, primal

__all__ = [
    "nansum", "nanprod", "nancumsum", "nancumprod", "nanmean", "nanvar", "nanstd", "nanmax",
    "nanmin",
]

_NoValue: Any = np._NoValue
_INTP = np.dtype(np.intp)  # an instance, not the scalar type: a constant cr.jit compares


def _replaced(a: Any, value: float, exact: bool = True) -> tuple[Any, np.ndarray | None]:
    """``a`` with its NaNs replaced by ``value``, and the NaN mask (None: no NaN). ``exact``:
    whether the caller's form with a mask gives its bits without NaNs too; then inside
    ``cr.jit`` (a staged mask) that form runs, else the read refuses. Integers have no NaN."""
    if any_foreign(a):  # another library's array: the mask in its namespace
        if kind(a) in "iub":
            return a, None
        mask = plain_namespace(a).isnan(primal(a))
    else:
        a = a if isinstance(a, Tracer) else _join.asarray(a)
        if kind(a) in "iub":
            return a, None
        mask = np.isnan(plain_array(a))
    if not (maybe_true(mask) if exact else any_true(mask)):
        return a, None
    return _elementwise.where(mask, value, a), mask


def _exact_without_nans(a: Any, axis: Any, dtype: Any, out: Any, where: Any,
                        ddof: Any = 0) -> bool:
    """Whether ``nanmean``/``nanvar``'s form with a mask (sum, then divide by the counts)
    gives ``mean``/``var``'s bits where ``a`` has no NaN: float64 or complex128 data (the
    counts' int64 promote nothing), no ``dtype``/``out``/``where``, and more than ``ddof``
    entries in every slot (else ``var`` divides by zero where the counts give NaN)."""
    if dtype is not None or out is not None or where is not _NoValue:
        return False
    kept = getattr(a, "dtype", None)  # another library's dtypes are not NumPy's: refuse
    if not isinstance(kept, np.dtype) or kept not in (np.float64, np.complex128):
        return False
    shape = tuple(a.shape)
    return _slot_size(shape, _axes(axis, len(shape))) > ddof


def _warn(flags: Any, message: str, level: int = 3) -> None:
    """NumPy's ``RuntimeWarning`` where a flag is set; inside ``cr.jit`` (staged flags) a
    guard, so the program warns on every call whose data sets one, as eagerly."""
    if getattr(primal(flags), "_jit_value", False):
        guard(_warned, primal(flags), message=message)
    elif any_true(flags):
        warnings.warn(message, RuntimeWarning, stacklevel=level)


def _warned(flags: Any, message: str) -> Any:
    """``flags`` (plain, of any library), after warning where one is set."""
    if any_true(flags):
        warnings.warn(message, RuntimeWarning, stacklevel=2)
    return flags


def nansum(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: Any = _NoValue,
           initial: Any = _NoValue, where: Any = _NoValue) -> Any:
    """``numpy.nansum``: ``sum`` with NaNs counted as 0.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(np.nansum)(np.array([1.0, np.nan])).tolist()
        [1.0, 0.0]
    """
    if not isinstance(a, Tracer) and not any_foreign(a):
        return np.nansum(a, axis, dtype, out, keepdims, initial, where)
    a, _ = _replaced(a, 0.0)
    return _reduce.sum(a, axis, dtype, out, _flag(keepdims), initial, where)


def nanprod(a: Any, axis: Any = None, dtype: Any = None, out: Any = None,
            keepdims: Any = _NoValue, initial: Any = _NoValue, where: Any = _NoValue) -> Any:
    """``numpy.nanprod``: ``prod`` with NaNs counted as 1.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(np.nanprod)(np.array([2.0, np.nan, 3.0])).tolist()
        [3.0, 0.0, 2.0]
    """
    if not isinstance(a, Tracer) and not any_foreign(a):
        return np.nanprod(a, axis, dtype, out, keepdims, initial, where)
    a, _ = _replaced(a, 1.0)
    return _cumulative.prod(a, axis, dtype, out, _flag(keepdims), initial, where)


def nancumsum(a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:
    """``numpy.nancumsum``: ``cumsum`` with NaNs counted as 0.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda a: np.nancumsum(a)[-1])(np.array([1.0, np.nan])).tolist()
        [1.0, 0.0]
    """
    if not isinstance(a, Tracer) and not any_foreign(a):
        return np.nancumsum(a, axis, dtype, out)
    a, _ = _replaced(a, 0.0)
    return _cumulative.cumsum(a, axis, dtype, out)


def nancumprod(a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:
    """``numpy.nancumprod``: ``cumprod`` with NaNs counted as 1.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda a: np.nancumprod(a)[-1])(np.array([2.0, np.nan, 3.0])).tolist()
        [3.0, 0.0, 2.0]
    """
    if not isinstance(a, Tracer) and not any_foreign(a):
        return np.nancumprod(a, axis, dtype, out)
    a, _ = _replaced(a, 1.0)
    return _cumulative.cumprod(a, axis, dtype, out)


def _flag(keepdims: Any) -> bool:
    return False if keepdims is _NoValue else bool(keepdims)


def _by_count(total: Any, count: np.ndarray) -> Any:
    """``total / count`` in the total's dtype (NumPy divides in place, casting back); NaN
    where ``count <= 0``, with a zero derivative (no 0/0 in the backward pass either)."""
    if any_foreign(count):  # counts of another library: floats (its integers and floats don't mix)
        xp = plain_namespace(count)
        empty = count <= 0
        count = xp.astype(xp.where(empty, xp.ones_like(count), count), xp.float64)
        out = total / count
        if maybe_true(empty):  # exact without empty slots: where keeps every entry
            out = _elementwise.where(empty, np.nan, out)
        return out if out.dtype == total.dtype else _elementwise.astype(out, total.dtype)
    empty = count <= 0
    if maybe_true(empty):  # exact without empty slots: divides by count, where keeps all
        out = total / np.where(empty, 1, count)
        out = _elementwise.where(empty, np.nan, out)
    else:
        out = total / count
    return out if out.dtype == total.dtype else _elementwise.astype(out, total.dtype)


def nanmean(a: Any, axis: Any = None, dtype: Any = None, out: Any = None,
            keepdims: Any = _NoValue, *, where: Any = _NoValue) -> Any:
    """``numpy.nanmean``: the mean of the non-NaN entries.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(np.nanmean)(np.array([1.0, np.nan, 3.0])).tolist()
        [0.5, 0.0, 0.5]
    """
    if not isinstance(a, Tracer) and not any_foreign(a):
        return np.nanmean(a, axis, dtype, out, keepdims, where=where)
    arr, mask = _replaced(a, 0.0, _exact_without_nans(a, axis, dtype, out, where))
    if mask is None:
        return _reduce.mean(arr, axis, dtype, out, _flag(keepdims), where=where)
    _no_out("nanmean", out)
    keep = _flag(keepdims)
    count = _count(mask, axis, keep, where)
    total = _reduce.sum(arr, axis, dtype, keepdims=keep, where=where)
    _warn(count == 0, "Mean of empty slice")
    return _by_count(total, count)


def _where(where: Any) -> Any:
    return True if where is _NoValue else plain_array(where)


def _count(mask: Any, axis: Any, keepdims: bool, where: Any = _NoValue) -> Any:
    """The number of non-NaN entries (within ``where``) of each slot."""
    if not any_foreign(mask):
        return np.sum(~mask, axis=axis, dtype=_INTP, keepdims=keepdims, where=_where(where))
    xp = plain_namespace(mask)
    kept = ~mask if where is _NoValue else ~mask & primal(where)
    axis = tuple(axis) if isinstance(axis, list) else axis
    return xp.sum(xp.astype(kept, xp.int64), axis=axis, keepdims=keepdims)


def nanvar(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: Any = 0,
           keepdims: Any = _NoValue, *, where: Any = _NoValue, mean: Any = _NoValue,
           correction: Any = _NoValue) -> Any:
    """``numpy.nanvar``: the variance of the non-NaN entries (``ddof`` as in ``var``).

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(np.nanvar)(np.array([1.0, np.nan, 3.0])).tolist()
        [-1.0, 0.0, 1.0]
    """
    if not isinstance(a, Tracer) and not any_foreign(a):
        return np.nanvar(a, axis, dtype, out, ddof, keepdims, where=where, mean=mean,
                         correction=correction)
    if correction is not _NoValue:
        if ddof != 0:
            raise ValueError("ddof and correction can't be provided simultaneously.")
        ddof = correction
    exact = mean is _NoValue and _exact_without_nans(a, axis, dtype, out, where, ddof)
    arr, mask = _replaced(a, 0.0, exact)
    if mask is None:
        return _statistics.var(arr, axis, dtype, out, ddof, _flag(keepdims), where=where, mean=mean)
    _no_out("nanvar", out)
    if where is not _NoValue or mean is not _NoValue:
        raise TypeError("nanvar: where= and mean= are not supported on traced values with NaNs")
    if kind(arr) in "iub":
        arr = _elementwise.astype(arr, np.float64)
    count = _count(mask, axis, True)
    avg = _by_count(_reduce.sum(arr, axis, dtype, keepdims=True), count)
    centred = _elementwise.where(mask, 0.0, arr - avg)
    keep = _flag(keepdims)
    square = centred * _complex.conj(centred) if kind(centred) == "c" else centred * centred
    total = _reduce.sum(_complex.real(square) if kind(square) == "c" else square, axis, dtype,
                        keepdims=keep)
    dof = count - ddof
    if not keep:
        dof = (plain_namespace(dof).reshape(dof, total.shape) if any_foreign(dof)
               else dof.reshape(np.shape(total)))
    _warn(dof <= 0, "Degrees of freedom <= 0 for slice.")
    return _by_count(total, dof)


def nanstd(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: Any = 0,
           keepdims: Any = _NoValue, *, where: Any = _NoValue, mean: Any = _NoValue,
           correction: Any = _NoValue) -> Any:
    """``numpy.nanstd``: ``sqrt(nanvar)``; at zero variance its derivative is taken as 0 (as
    for ``std``).

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(np.nanstd)(np.array([1.0, np.nan, 3.0])).tolist()
        [-0.5, 0.0, 0.5]
    """
    return _sqrt0(nanvar(a, axis, dtype, out, ddof, keepdims, where=where, mean=mean,
                         correction=correction))


def _extremum(name: str, reduce: Any, fill: float, a: Any, axis: Any, out: Any, keepdims: Any,
              initial: Any, where: Any) -> Any:
    arr, mask = _replaced(a, fill)
    res = reduce(arr, axis, out, _flag(keepdims), initial, where)
    if mask is None:
        return res
    if any_foreign(mask):
        axes = tuple(axis) if isinstance(axis, list) else axis
        empty = plain_namespace(mask).all(mask, axis=axes, keepdims=_flag(keepdims))
    else:
        empty = np.all(mask, axis=axis, keepdims=_flag(keepdims))
    if initial is _NoValue and maybe_true(empty):  # exact without all-NaN slots: where
        _warn(empty, "All-NaN slice encountered", 4)  # keeps every entry of res
        return _elementwise.where(empty, np.nan, res)
    return res


def nanmax(a: Any, axis: Any = None, out: Any = None, keepdims: Any = _NoValue,
           initial: Any = _NoValue, where: Any = _NoValue) -> Any:
    """``numpy.nanmax``: ``max`` ignoring NaNs (ties share the derivative, as for ``max``).

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(np.nanmax)(np.array([1.0, np.nan, 3.0])).tolist()
        [0.0, 0.0, 1.0]
    """
    if not isinstance(a, Tracer) and not any_foreign(a):
        return np.nanmax(a, axis, out, keepdims, initial, where)
    return _extremum("nanmax", _reduce.max, -np.inf, a, axis, out, keepdims, initial, where)


def nanmin(a: Any, axis: Any = None, out: Any = None, keepdims: Any = _NoValue,
           initial: Any = _NoValue, where: Any = _NoValue) -> Any:
    """``numpy.nanmin``: ``min`` ignoring NaNs (ties share the derivative, as for ``min``).

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(np.nanmin)(np.array([1.0, np.nan, 3.0])).tolist()
        [1.0, 0.0, 0.0]
    """
    if not isinstance(a, Tracer) and not any_foreign(a):
        return np.nanmin(a, axis, out, keepdims, initial, where)
    return _extremum("nanmin", _reduce.min, np.inf, a, axis, out, keepdims, initial, where)


def _no_out(name: str, out: Any) -> None:
    if out is not None:
        raise TypeError(f"{name}(..., out=...) is not supported on traced values; use the "
                        "returned value")
