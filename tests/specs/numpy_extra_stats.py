"""Specs of order statistics and NaN-ignoring reductions: partition, median, percentile,
quantile, nanmedian, nanpercentile, nanquantile, nansum, nanprod, nanmean, nanvar, nanstd,
nanmax, nanmin, nancumsum, nancumprod."""

from __future__ import annotations

import numpy as np

from tests.specs.base import Spec

S, V, M, T = (), (5,), (3, 4), (2, 3, 4)
# (cast to the data's dtype in the specs: a float64 q array makes NumPy's result float64)
_Q = np.array([0.0, 0.3, 0.5, 0.77, 1.0])
_P = np.array([10.0, 50.0, 95.0])


def _distinct(rng, shapes):
    """Distinct values at least 0.3 apart (no ties: order statistics are smooth)."""
    out = []
    for s in shapes:
        n = int(np.prod(s, dtype=int))
        out.append(((rng.permutation(n) - n / 2) * 0.5 + rng.uniform(-0.1, 0.1, n)).reshape(s))
    return out


def _with_nans(rng, shapes):
    """Distinct values with NaNs in some places (one per row of 2-d inputs)."""
    out = _distinct(rng, shapes)
    for a in out:
        flat = a.reshape(-1, a.shape[-1]) if a.ndim else a.reshape(1, 1)
        if flat.shape[-1] > 2:
            flat[np.arange(flat.shape[0]), rng.integers(0, flat.shape[-1], flat.shape[0])] = np.nan
    return out


def _quantile_q(rng, shapes):
    a, = _distinct(rng, shapes[:1])
    return [a, rng.uniform(0.05, 0.95, size=shapes[1])]


SPECS = [
    Spec("partition", lambda a: np.partition(a, 2), lambda a: np.partition(a, 2),
         ((V,), (M,), (T,)), ("getitem",), sample=_distinct),
    Spec("partition-axis-kths", lambda a: np.partition(a, (0, 2), axis=1),
         lambda a: np.partition(a, (0, 2), axis=1), ((M,), (T,)), ("getitem",),
         sample=_distinct),
    Spec("partition-flat", lambda a: np.partition(a, -1, axis=None),
         lambda a: np.partition(a, -1, axis=None), ((M,),), ("getitem",), sample=_distinct),
    Spec("median", np.median, np.median, ((V,), ((4,),), (M,), (T,)), ("getitem",),
         sample=_distinct),
    Spec("median-axis", lambda a: np.median(a, axis=(0, -1), keepdims=True),
         lambda a: np.median(a, axis=(0, -1), keepdims=True), ((M,), (T,)), ("getitem",),
         sample=_distinct),
    Spec("quantile", lambda a: np.quantile(a, _Q.astype(a.dtype)),
         lambda a: np.quantile(a, _Q.astype(a.dtype)),
         ((V,), (M,)), ("getitem", "where"), sample=_distinct),
    Spec("quantile-scalar-axis", lambda a: np.quantile(a, 0.3, axis=1),
         lambda a: np.quantile(a, 0.3, axis=1), ((M,), (T,)), ("getitem",), sample=_distinct),
    Spec("quantile-traced-q", lambda a, q: np.quantile(a, q, axis=-1),
         lambda a, q: np.quantile(a, q, axis=-1), ((V, S), (M, (2,))), ("getitem", "where"),
         sample=_quantile_q),
    *[Spec(f"quantile-{m}", lambda a, m=m: np.quantile(a, _Q.astype(a.dtype), axis=0, method=m),
           lambda a, m=m: np.quantile(a, _Q.astype(a.dtype), axis=0, method=m), ((V,), (M,)),
           ("getitem",), sample=_distinct) for m in ("lower", "higher", "nearest", "midpoint")],
    Spec("percentile", lambda a: np.percentile(a, _P.astype(a.dtype), axis=(0, 1)),
         lambda a: np.percentile(a, _P.astype(a.dtype), axis=(0, 1)), ((M,), (T,)),
         ("getitem",), sample=_distinct),
    Spec("percentile-keepdims", lambda a: np.percentile(a, 40, axis=0, keepdims=True),
         lambda a: np.percentile(a, 40, axis=0, keepdims=True), ((M,), (T,)), ("getitem",),
         sample=_distinct),
    Spec("nanmedian", lambda a: np.nanmedian(a, axis=-1), lambda a: np.nanmedian(a, axis=-1),
         ((V,), (M,), ((2, 3, 5),)), ("getitem", "where"), sample=_with_nans),
    Spec("nanquantile", lambda a: np.nanquantile(a, _Q.astype(a.dtype), axis=-1),
         lambda a: np.nanquantile(a, _Q.astype(a.dtype), axis=-1), ((V,), (M,)), ("getitem",),
         sample=_with_nans),
    Spec("nanpercentile", lambda a: np.nanpercentile(a, 35, keepdims=True),
         lambda a: np.nanpercentile(a, 35, keepdims=True), ((V,), (M,)), ("getitem",),
         sample=_with_nans),
    Spec("nansum", lambda a: np.nansum(a, axis=-1), lambda a: np.nansum(a, axis=-1),
         ((V,), (M,), (T,)), ("sum", "where"), sample=_with_nans),
    Spec("nanprod", lambda a: np.nanprod(a, axis=0), lambda a: np.nanprod(a, axis=0),
         ((V,), (M,)), ("prod",), sample=_with_nans),
    Spec("nanmean", lambda a: np.nanmean(a, axis=-1, keepdims=True),
         lambda a: np.nanmean(a, axis=-1, keepdims=True), ((V,), (M,), (T,)), ("sum",),
         sample=_with_nans),
    Spec("nanmean-no-nan", np.nanmean, np.nanmean, ((M,),), ("sum",)),
    Spec("nanvar", lambda a: np.nanvar(a, axis=-1), lambda a: np.nanvar(a, axis=-1),
         ((V,), (M,), (T,)), ("sum", "where"), sample=_with_nans),
    Spec("nanvar-ddof", lambda a: np.nanvar(a, ddof=1), lambda a: np.nanvar(a, ddof=1),
         ((V,), (M,)), ("sum",), sample=_with_nans),
    Spec("nanstd", lambda a: np.nanstd(a, axis=-1, keepdims=True),
         lambda a: np.nanstd(a, axis=-1, keepdims=True), ((M,), (T,)), ("sqrt",),
         sample=_with_nans),
    Spec("nanmax", lambda a: np.nanmax(a, axis=-1), lambda a: np.nanmax(a, axis=-1),
         ((V,), (M,), (T,)), ("extremum",), sample=_with_nans),
    Spec("nanmin", np.nanmin, np.nanmin, ((V,), (M,)), ("extremum",), sample=_with_nans),
    Spec("nancumsum", lambda a: np.nancumsum(a, axis=1), lambda a: np.nancumsum(a, axis=1),
         ((M,), (T,)), ("cumsum",), sample=_with_nans),
    Spec("nancumprod", np.nancumprod, np.nancumprod, ((V,), (M,)), ("cumprod",),
         sample=_with_nans),
]
