"""Counting and grouping: ``unique``, ``histogram`` and ``bincount`` on traced values.

Which group or bin an entry falls into is piecewise constant in the entry (it changes only
where an entry crosses another or a bin edge), so positions, counts, indices and bin edges are
constants; that is exact wherever the derivative exists. What *is* differentiable:

* ``unique``: the unique values are entries of the input. Convention at ties (several equal
  entries make one unique value): the value is read from the first occurrence, the one NumPy's
  ``return_index`` reports, so the whole derivative goes to that entry (as ``sort`` sends it
  along its stable permutation).
* ``histogram`` and ``bincount`` with ``weights``: each bin is the sum of the weights of the
  samples that fall into it, a linear map of the weights (a scatter-add).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.backend import any_foreign, refuse_foreign
from chainrule.ops import differences as _differences
from chainrule.ops import elementwise as _elementwise
from chainrule.ops import indexing as _indexing
from chainrule.ops import reduce as _reduce
from chainrule.ops import shape as _shape
from chainrule.ops.getitem import _scatter_add
from chainrule.tracer import Tracer, plain_array, primal

__all__ = ["unique", "histogram", "bincount"]


def unique(ar: Any, return_index: bool = False, return_inverse: bool = False,
           return_counts: bool = False, axis: Any = None, *, equal_nan: bool = True,
           sorted: bool = True) -> Any:  # noqa: A002  (NumPy's name)
    """``numpy.unique``: the values are differentiable (read from each value's first
    occurrence); ``return_index``, ``return_inverse`` and ``return_counts`` are constants.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda x: (np.unique(x) * [1.0, 10.0]).sum())(np.array([2.0, 1.0, 2.0]))
        array([10.,  1.,  0.])
    """
    if any_foreign(ar):  # the standard's unique_* leave the order of the values to the library
        raise refuse_foreign("numpy.unique (the Array API's unique_all does not sort)", (ar,))
    if not isinstance(ar, Tracer):
        return np.unique(ar, return_index, return_inverse, return_counts, axis,
                         equal_nan=equal_nan, sorted=sorted)
    found = np.unique(primal(ar), True, return_inverse, return_counts, axis,
                      equal_nan=equal_nan, sorted=sorted)
    first = found[1]
    values = _shape.ravel(ar)[first] if axis is None else _indexing.take(ar, first, axis=axis)
    wanted = (return_index, return_inverse, return_counts)
    if not any(wanted):
        return values
    extras = [first] if return_index else []
    extras += list(found[2:])  # inverse and counts, as asked for
    return (values, *extras)


def _weights(weights: Any, dtype: Any) -> Any:
    w = _shape.ravel(weights)
    return w if w.dtype == dtype else _elementwise.astype(w, dtype)


def _segment_sum(w: Any, index: np.ndarray, length: int) -> Any:
    """``out[j] = sum of w[i] with index[i] == j`` (a scatter-add; linear in ``w``)."""
    return _scatter_add(w, index=(index,), shape=(length,), unique=False)


def bincount(x: Any, weights: Any = None, minlength: int = 0) -> Any:
    """``numpy.bincount``, differentiable in traced ``weights`` (bin ``j`` sums the weights of
    the entries equal to ``j``); the counts themselves are constants.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda w: np.bincount([0, 2, 2], weights=w)[2])(np.ones(3)).tolist()
        [0.0, 1.0, 1.0]
    """
    if any_foreign(x, weights):
        raise refuse_foreign("numpy.bincount (the Array API standard has none)",
                             (x, weights))
    if not isinstance(weights, Tracer):
        return np.bincount(primal(x), primal(weights), minlength)
    index = plain_array(x)
    length = np.bincount(index, minlength=minlength).shape[0]  # NumPy checks x and minlength
    if np.shape(weights) != index.shape:
        raise ValueError(f"bincount: weights of shape {np.shape(weights)} must have the shape "
                         f"of x, {index.shape}")
    if weights.dtype.kind == "c":  # NumPy cannot cast complex weights to double either
        raise TypeError("bincount: complex weights are not supported (as in NumPy); count "
                        "the real and imaginary parts separately")
    # NumPy adds the weights in double precision and returns float64.
    return _segment_sum(_weights(weights, np.float64), index.ravel(), length)


def histogram(a: Any, bins: Any = 10, range: Any = None, density: Any = None,  # noqa: A002
              weights: Any = None) -> tuple[Any, np.ndarray]:
    """``numpy.histogram``, differentiable in traced ``weights``.

    Each sample's bin is a constant: a traced ``a`` (sample positions) moves a sample between
    bins only when it crosses an edge, so its derivative is zero wherever it exists. Traced
    edges (``bins`` as an array, or ``range``) are returned differentiably, and with
    ``density=True`` the bin widths divide the counts. A sample falls into bin ``j`` when
    ``edges[j] <= a < edges[j + 1]`` (the last bin also holds its right edge), as in NumPy.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> f = lambda w: np.histogram([0.1, 0.2, 0.9], bins=2, range=(0, 1), weights=w)[0][0]
        >>> cr.grad(f)(np.ones(3)).tolist()
        [1.0, 1.0, 0.0]
    """
    if any_foreign(a, bins, weights, *(range or ())):
        raise refuse_foreign("numpy.histogram (the Array API standard has none)",
                             (a, bins, weights, *(range or ())))
    sample = plain_array(a)
    if isinstance(bins, Tracer):  # traced edges: returned as they are; the counts are constant
        if bins.ndim != 1:
            raise TypeError("histogram: a traced bins must be the 1-d array of bin edges; the "
                            "number of bins is an integer constant")
        hist, _ = histogram(sample, plain_array(bins), range, None, weights)
        if density:  # NumPy: n / db / n.sum() with db = diff(edges) in float64
            widths = _elementwise.astype(_differences.diff(bins), np.float64)
            hist = hist / widths / _reduce.sum(hist)
        return hist, bins
    if not isinstance(weights, Tracer):
        return np.histogram(sample, bins, range, density, primal(weights))
    if np.shape(weights) != sample.shape:
        raise ValueError("weights should have the same shape as a.")
    counts, edges = np.histogram(sample, bins, range)  # NumPy's edges and its checks
    flat = sample.ravel()
    n = counts.shape[0]
    index = np.searchsorted(edges, flat, side="right") - 1
    index[flat == edges[-1]] = n - 1
    inside = (flat >= edges[0]) & (flat <= edges[-1])
    dtype = np.result_type(weights.dtype)
    w = _weights(weights, np.complex128 if dtype.kind == "c" else np.float64)
    if not inside.all():
        w, index = w[np.flatnonzero(inside)], index[inside]
    hist = _segment_sum(w, index, n)
    hist = hist if dtype == hist.dtype else _elementwise.astype(hist, dtype)
    if density:
        hist = hist / np.diff(edges).astype(float) / _reduce.sum(hist)
    return hist, edges
