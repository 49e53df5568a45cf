"""The checks of the quantiles' arguments and the sorted positions that ``median`` and the
quantiles select, computed in the namespace of another library's array (issue 12): the same
index arithmetic as ``ops/order_statistics.py`` does with NumPy (NumPy's definitions of the
quantile methods), with the Array API standard's functions, so that the gathers
(``take_along_axis``) receive indices of the array's library. NumPy's values never come here:
``order_statistics`` keeps its NumPy code and branches on ``foreign`` beside it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.backend import BackendError, namespace
from chainrule.backend import dtype_kind as kind
from chainrule.ops import elementwise as _elementwise
from chainrule.ops import shape as _shape
from chainrule.ops.portable_a import any_true, numpy_result_type
from chainrule.tracer import Tracer, primal


def refuse_complex(name: str, a: Any) -> BackendError:
    """The refusal of an order statistic of complex values of another library: NumPy orders
    them lexicographically, and the Array API standard's ``sort`` does not order complex
    numbers."""
    xp = namespace(primal(a))
    return BackendError(
        f"{name}: complex values of {xp.__name__} have no order in the Array API standard "
        "(its sort takes real numbers only; NumPy's lexicographic order has no equivalent "
        "there). Take the order statistic of the real and imaginary parts separately, or "
        "convert explicitly with np.asarray(...) to compute it on the host.")


def check(a: Any, q: Any, method: str, scale: float) -> tuple:
    """``order_statistics._check`` for another library's ``a`` or ``q``: the same checks, and
    the interpolation weights' dtype by NumPy's rules."""
    if isinstance(q, Tracer) and method != "linear":
        q = primal(q)  # the other methods are piecewise constant in q
    weak = type(q) in (int, float)
    q = q / scale
    qp = primal(q)
    inside = (0 <= qp <= 1) if weak else not any_true((qp < 0) | (qp > 1))
    if not inside:
        raise ValueError("Percentiles must be in the range [0, 100]" if scale == 100 else
                         "Quantiles must be in the range [0, 1]")
    if kind(a) == "c":
        raise TypeError("a must be an array of real numbers")  # NumPy's error
    if kind(a) not in "f":
        a = _elementwise.astype(a, np.float64)
    return a, q, numpy_result_type(a, float(qp) if weak else qp)


def middle(s: Any, nan: bool) -> tuple[Any, Any, Any]:
    """``(lo, hi, bad)`` of a median along the last axis of the sorted ``s``: the positions of
    the two middle values (kept as a length-1 last axis) and the slices whose median is NaN
    (a NaN, or with ``nan`` no number at all)."""
    ps = primal(s)
    xp = namespace(ps)
    isnan = xp.isnan(ps)
    m = ps.shape[-1]
    n = (m - xp.sum(xp.astype(isnan, xp.int64), axis=-1) if nan
         else xp.full(ps.shape[:-1], m, dtype=xp.int64, device=ps.device))
    top = max(m - 1, 0)
    lo = xp.expand_dims(xp.clip((n - 1) // 2, 0, top), axis=-1)
    hi = xp.expand_dims(xp.clip(n // 2, 0, top), axis=-1)
    if nan:
        bad = n == 0
    else:
        bad = isnan[..., -1] if m else xp.ones(ps.shape[:-1], dtype=xp.bool, device=ps.device)
    return lo, hi, bad


def positions(s: Any, q: Any, method: str, nan: bool) -> tuple:
    """``(qshape, qq, prev, nxt, gamma, empty)`` of quantiles ``q`` along the last axis of the
    sorted ``s``: ``q``'s shape, ``q`` flattened, the sorted positions around each quantile,
    the interpolation weight of ``nxt`` (None: no interpolation) and the empty slices."""
    ps = primal(s)
    xp = namespace(ps)
    isnan = xp.isnan(ps)
    m = ps.shape[-1]
    qshape = tuple(q.shape) if hasattr(q, "shape") else ()
    if isinstance(q, Tracer):
        qq = _shape.reshape(q, (-1,))
    elif hasattr(q, "shape"):
        qq = xp.reshape(q, (-1,))
    else:
        qq = xp.asarray([q], dtype=xp.float64, device=ps.device)  # NumPy's reshape of a number
    if nan:
        n = xp.expand_dims(m - xp.sum(xp.astype(isnan, xp.int64), axis=-1), axis=-1)
        empty = n[..., 0] == 0
    else:
        n = m
        empty = isnan[..., -1] if m else xp.zeros(ps.shape[:-1], dtype=xp.bool, device=ps.device)
    prev, nxt, gamma = _virtual(xp, n, qq, method)
    top = max(m - 1, 0)
    shape = tuple(ps.shape[:-1]) + tuple(qq.shape)
    prev = xp.clip(xp.broadcast_to(prev, shape), 0, top)
    nxt = xp.clip(xp.broadcast_to(nxt, shape), 0, top)
    return qshape, qq, prev, nxt, gamma, empty


def _virtual(xp: Any, n: Any, q: Any, method: str) -> tuple[Any, Any, Any]:
    """``order_statistics._virtual`` in ``xp``. An array of counts ``n`` is made floating
    first (NumPy promotes integers with floats; the standard leaves that mix undefined), and
    multiplies from the right of a traced ``q``."""
    whole = isinstance(n, int)
    last = n - 1 if whole else xp.astype(n - 1, xp.float64)
    if method == "linear":
        v = (n - 1) * q if whole else q * last
        vp = primal(v)
        prev = xp.floor(vp)
        gamma = v - prev
        nxt = prev + 1
        # (arrays on both sides of where: Python numbers there are the standard's since 2024.12)
        limit = xp.full_like(vp, float(last)) if whole else xp.broadcast_to(
            xp.astype(last, vp.dtype), vp.shape)
        zero = xp.zeros_like(vp)
        prev = xp.where(vp >= limit, limit, xp.where(vp < 0, zero, prev))
        nxt = xp.where(vp >= limit, limit, xp.where(vp < 0, zero, nxt))
        return xp.astype(prev, xp.int64), xp.astype(nxt, xp.int64), gamma
    qp = primal(q)
    scaled = (n - 1) * qp if whole else qp * last
    if method in ("lower", "higher", "nearest"):
        rounded = {"lower": xp.floor, "higher": xp.ceil, "nearest": xp.round}[method](scaled)
        idx = xp.astype(rounded, xp.int64)
        return idx, idx, None
    lo, hi = xp.floor(scaled), xp.ceil(scaled)  # midpoint
    gamma = xp.where((0.5 * (lo + hi)) % 1 == 0, xp.zeros_like(lo), xp.full_like(lo, 0.5))
    gamma = xp.astype(gamma, qp.dtype)
    top = (xp.full_like(hi, float(max(n - 1, 0))) if whole
           else xp.astype(xp.clip(last, 0, None), hi.dtype))
    return xp.astype(lo, xp.int64), xp.astype(xp.minimum(hi, top), xp.int64), gamma
