"""The derivatives of ``prod`` and ``cumprod`` at exact zeros for another library's arrays
(issue 12): the factorisation of ``ops/cumulative.py`` (``x = x_safe * z``, one factor per zero
of a slot), with its constant masks and zero ranks computed by the Array API standard's
functions (``moveaxis``, ``cumulative_sum``, ``astype``) in the array's namespace.

Products are written with the traced factor on the left (``(p * z) * (1 - m)`` where NumPy's
code has ``(1 - m) * (p * z)``): another library's array does not defer to a traced value in
its operators, and a product of two factors is the same either way round, so the values equal
NumPy's bit for bit. NumPy's arrays never come here.
"""

from __future__ import annotations

from typing import Any

from chainrule.backend import namespace
from chainrule.ops.arithmetic import divide, multiply
from chainrule.tracer import primal


def zero_split(x: Any, zero: Any, rank: Any) -> tuple[Any, Any, list[Any]]:
    """``m`` (the zero mask as floats), ``x_safe`` (zeros replaced by 1) and the masks of the
    r-th zero of each slot (``cumulative._zero_split``)."""
    xp = namespace(zero)
    dt = primal(x).dtype
    m = xp.astype(zero, dt)
    x_safe = x * (1 - m) + m
    top = int(xp.max(rank)) if rank.size else 0
    ranks = [xp.astype(zero & (rank == r), dt) for r in range(1, top + 1)]
    return m, x_safe, ranks


def zero_rank(zero: Any, axes: tuple[int, ...]) -> Any:
    """1-based running count of the zeros of each reduced slot, in C order over ``axes``
    (``cumulative._zero_rank``)."""
    xp = namespace(zero)
    counts = xp.astype(zero, xp.int64)
    nd, k = zero.ndim, len(axes)
    if k == 0:  # every entry is its own slot
        return counts
    last = tuple(range(nd - k, nd))
    moved = xp.moveaxis(counts, axes, last)
    flat = xp.reshape(moved, tuple(moved.shape[: nd - k]) + (-1,))
    rank = xp.reshape(xp.cumulative_sum(flat, axis=-1), moved.shape)
    return xp.moveaxis(rank, last, axes)


def prod_others(x: Any, zero: Any, axis: tuple[int, ...], prod: Any, total: Any,
                leave_one_out: Any) -> Any:
    """d prod(x) / d x_i where some entries are zero (``cumulative._others``; ``prod`` and
    ``total`` are the ``prod`` and ``sum`` primitives with kept axes)."""
    xp = namespace(zero)
    dt = primal(x).dtype
    m, x_safe, ranks = zero_split(x, zero, zero_rank(zero, axis))
    p = prod(x_safe, axis=axis, keepdims=True)
    count = xp.sum(xp.astype(zero, xp.int64), axis=axis, keepdims=True)
    factors = [1 + (total(x * e, axis=axis, keepdims=True) - 1) * xp.astype(count >= r, dt)
               for r, e in enumerate(ranks, start=1)]
    z, z_without = leave_one_out(factors)
    out = (p * z) * (1 - m) / x_safe
    for e, zr in zip(ranks, z_without, strict=True):
        out = out + (p * zr) * e
    return out


def cumprod_split(x: Any, zero: Any, axis: int, cumprod: Any, total: Any,
                  leave_one_out: Any) -> tuple:
    """``cumulative._cumprod_split``: ``(m, x_safe, c, ranks, after, z, z_without)``."""
    xp = namespace(zero)
    dt = primal(x).dtype
    rank = xp.cumulative_sum(xp.astype(zero, xp.int64), axis=axis)
    m, x_safe, ranks = zero_split(x, zero, rank)
    c = cumprod(x_safe, axis=axis)
    after = [xp.astype(rank >= r, dt) for r in range(1, len(ranks) + 1)]
    factors = [1 + (total(x * e, axis=(axis,), keepdims=True) - 1) * b
               for e, b in zip(ranks, after, strict=True)]
    z, z_without = leave_one_out(factors)
    return m, x_safe, c, ranks, after, z, z_without


def cumprod_vjp(g: Any, x: Any, zero: Any, axis: int, ops: tuple) -> Any:
    """``cumulative._cumprod_vjp`` at zeros. ``ops``: the ``cumprod``, ``cumsum`` and ``sum``
    primitives and ``_leave_one_out``. Products whose left factor may be a plain array and
    the right one traced go through ``multiply`` (the primitive dispatches either way)."""
    cumprod, cumsum, total, leave_one_out = ops
    m, x_safe, c, ranks, after, z, z_without = cumprod_split(x, zero, axis, cumprod, total,
                                                             leave_one_out)
    out = cumsum(multiply(multiply(g, z), c), axis=axis, reverse=True) * (1 - m) / x_safe
    for e, b, zr in zip(ranks, after, z_without, strict=True):
        out = out + total(multiply(multiply(multiply(g, c), zr), b), axis=(axis,),
                          keepdims=True) * e
    return out


def cumprod_jvp(t: Any, x: Any, zero: Any, axis: int, ops: tuple) -> Any:
    """``cumulative._cumprod_jvp`` at zeros (``ops`` as for ``cumprod_vjp``)."""
    cumprod, cumsum, total, leave_one_out = ops
    m, x_safe, c, ranks, after, z, z_without = cumprod_split(x, zero, axis, cumprod, total,
                                                             leave_one_out)
    out = multiply(c * z, cumsum(divide(multiply(t, 1 - m), x_safe), axis=axis, reverse=False))
    for e, b, zr in zip(ranks, after, z_without, strict=True):
        out = out + multiply(c * zr * b, total(multiply(t, e), axis=(axis,), keepdims=True))
    return out
