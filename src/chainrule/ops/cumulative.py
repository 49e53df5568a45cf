"""Products and running sums/products: ``prod``, ``cumsum`` and ``cumprod`` primitives.

The derivative of a product is the product of the *other* entries. Where no entry is zero that
is ``prod / x_i`` (and ``cumprod_k / x_i``), which is how the rules are written. Division fails
at exact zeros, so there the rules use the factorisation ``x = x_safe * z`` with

    x_safe = x with its zeros replaced by 1      (no zeros: the fast rule applies to it)
    z      = 1 except at the zeros, where it is x

``prod(x) = prod(x_safe) * prod(z)`` and ``prod(z)`` is the product of the zero entries of each
slot, written with one factor per zero (``F_r``: the value of the r-th zero of the slot, or 1
when the slot has fewer zeros). That expression is exact near the point, so its derivatives of
every order are right; the cost grows with the number of zeros per slot. ``cumprod`` is handled
the same way along its axis.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.backend import any_foreign, namespace, refuse_foreign
from chainrule.ops import cumulative_zeros as _zeros
from chainrule.ops.portable_a import any_true, counted
from chainrule.ops.reduce import (
    _as_array,
    _axes,
    _expand,
    _flag,
    _NoValue,
    _refuse_out,
    _selected,
    _sum,
)
from chainrule.ops.shape import reshape
from chainrule.primitive import Primitive
from chainrule.tracer import plain_array, primal


def _leave_one_out(factors: list[Any]) -> tuple[Any, list[Any]]:
    """The product of ``factors`` and, for each r, the product of all but factor r."""
    q = len(factors)
    before: list[Any] = [1.0] * q
    after: list[Any] = [1.0] * q
    for r in range(1, q):
        before[r] = before[r - 1] * factors[r - 1]
        after[q - 1 - r] = after[q - r] * factors[q - r]
    return before[-1] * factors[-1], [before[r] * after[r] for r in range(q)]


def _zero_split(x: Any, zero: np.ndarray, rank: np.ndarray) -> tuple[Any, Any, list[np.ndarray]]:
    """``m`` (float zero mask), ``x_safe`` and the masks of the r-th zero of each slot."""
    dt = x.dtype
    m = zero.astype(dt)
    x_safe = x * (1 - m) + m
    ranks = [(zero & (rank == r)).astype(dt) for r in range(1, int(rank.max()) + 1)]
    return m, x_safe, ranks


# --- prod -----------------------------------------------------------------------------------
def _zero_rank(zero: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """1-based running count of the zeros of each reduced slot (C order over ``axes``)."""
    nd, k = zero.ndim, len(axes)
    moved = np.moveaxis(zero, axes, range(nd - k, nd))
    flat = moved.reshape(moved.shape[: nd - k] + (-1,))
    rank = np.cumsum(flat, axis=-1).reshape(moved.shape)
    return np.moveaxis(rank, range(nd - k, nd), axes)


def _others(x, ans, axis, keepdims):
    """d prod(x) / d x_i = the product of the other entries of i's slot (shape of x)."""
    if any_foreign(x):  # another library's array: its namespace (ops/cumulative_zeros.py)
        zero = primal(x) == 0
        if not any_true(zero):
            return _expand(ans, x.shape, axis, keepdims) / x
        return _zeros.prod_others(x, zero, axis, _prod, _sum, _leave_one_out)
    zero = plain_array(x) == 0
    if not zero.any():
        return _expand(ans, x.shape, axis, keepdims) / x
    m, x_safe, ranks = _zero_split(x, zero, _zero_rank(zero, axis))
    p = _prod(x_safe, axis=axis, keepdims=True)
    count = np.sum(zero, axis=axis, keepdims=True)
    # F_r = value of the slot's r-th zero, or 1 where the slot has fewer than r zeros
    factors = [1 + (count >= r).astype(x.dtype) * (_sum(x * e, axis=axis, keepdims=True) - 1)
               for r, e in enumerate(ranks, start=1)]
    z, z_without = _leave_one_out(factors)
    # non-zero entry i: p * z / x_i ; the r-th zero: p * (product of the other zeros)
    out = (1 - m) * (p * z) / x_safe
    for e, zr in zip(ranks, z_without, strict=True):
        out = out + e * (p * zr)
    return out


_prod = Primitive("prod", lambda x, axis, keepdims: np.prod(x, axis=axis, keepdims=keepdims),
                  register=True,
                  xp_impl=lambda x, axis, keepdims: namespace(x).prod(
                      counted(namespace(x), x), axis=axis, keepdims=keepdims))
_prod.defvjp(lambda g, ans, x, axis, keepdims:
             _expand(g, x.shape, axis, keepdims) * _others(x, ans, axis, keepdims))
_prod.defjvp(lambda t, ans, x, axis, keepdims:
             _sum(t * _others(x, ans, axis, keepdims), axis=axis, keepdims=keepdims))


def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NoValue,
         where=_NoValue):
    """``numpy.prod``. Exact derivatives (every order) also where entries are exactly zero.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(np.prod)(np.array([2.0, 0.0, 3.0])).tolist()
        [0.0, 6.0, 0.0]
    """
    a = _selected(a, "prod", out, dtype, where, neutral=1)
    ans = _prod(a, axis=_axes(axis, a.ndim), keepdims=_flag(keepdims))
    return ans if initial is _NoValue else ans * initial


# --- cumsum ---------------------------------------------------------------------------------
def _cumsum_impl(x, axis, reverse):
    if reverse:  # sum from the right: the transpose of cumsum
        return np.flip(np.cumsum(np.flip(x, axis), axis=axis), axis)
    return np.cumsum(x, axis=axis)


def _cumsum_xp_impl(x, axis, reverse):
    xp = namespace(x)
    x = counted(xp, x)
    if reverse:
        return xp.flip(xp.cumulative_sum(xp.flip(x, axis=axis), axis=axis), axis=axis)
    return xp.cumulative_sum(x, axis=axis)


# cumsum is linear; its transpose (the VJP) sums the cotangent from the right.
_cumsum = Primitive("cumsum", _cumsum_impl, save_args=False, save_ans=False, register=True,
                    xp_impl=_cumsum_xp_impl)
_cumsum.defvjp(lambda g, ans, x, axis, reverse: _cumsum(g, axis=axis, reverse=not reverse))
_cumsum.defjvp(lambda t, ans, x, axis, reverse: _cumsum(t, axis=axis, reverse=reverse))


def _scan_args(name, a, axis, dtype, out):
    _refuse_out(name, out)
    a = _as_array(a)
    if dtype is not None:
        a = a.astype(dtype)
    if axis is None:  # NumPy flattens
        return reshape(a, (-1,)), 0
    (axis,) = _axes(axis, a.ndim) or (0,)
    return a, axis


def cumsum(a, axis=None, dtype=None, out=None):
    """``numpy.cumsum``.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda x: np.cumsum(x)[1])(np.ones(3)).tolist()
        [1.0, 1.0, 0.0]
    """
    a, axis = _scan_args("cumsum", a, axis, dtype, out)
    if a.ndim == 0:
        return reshape(a, (1,))
    return _cumsum(a, axis=axis, reverse=False)


# --- cumprod --------------------------------------------------------------------------------
def _cumprod_split(x, axis):
    """Local factorisation ``cumprod(x) = cumprod(x_safe) * prod_r G_r`` at zero entries.

    ``G_r = 1 + B_r (v_r - 1)`` with ``v_r`` the value of the r-th zero along the axis and
    ``B_r`` (constant) marking the positions at or after it.
    """
    zero = plain_array(x) == 0
    rank = np.cumsum(zero, axis=axis)
    m, x_safe, ranks = _zero_split(x, zero, rank)
    c = _cumprod(x_safe, axis=axis)
    after = [(rank >= r).astype(x.dtype) for r in range(1, len(ranks) + 1)]
    factors = [1 + b * (_sum(x * e, axis=(axis,), keepdims=True) - 1)
               for e, b in zip(ranks, after, strict=True)]
    z, z_without = _leave_one_out(factors)
    return m, x_safe, c, ranks, after, z, z_without


def _cumprod_vjp(g, ans, x, axis):
    if any_foreign(x) and any_true(primal(x) == 0):
        return _zeros.cumprod_vjp(g, x, primal(x) == 0, axis, _ZERO_OPS)
    if any_foreign(x) or not (plain_array(x) == 0).any():
        # d ans_k / d x_i = ans_k / x_i for k >= i
        return _cumsum(g * ans, axis=axis, reverse=True) / x
    m, x_safe, c, ranks, after, z, z_without = _cumprod_split(x, axis)
    out = (1 - m) * _cumsum(g * z * c, axis=axis, reverse=True) / x_safe
    for e, b, zr in zip(ranks, after, z_without, strict=True):
        out = out + e * _sum(g * c * zr * b, axis=(axis,), keepdims=True)
    return out


def _cumprod_jvp(t, ans, x, axis):
    if any_foreign(x) and any_true(primal(x) == 0):
        return _zeros.cumprod_jvp(t, x, primal(x) == 0, axis, _ZERO_OPS)
    if any_foreign(x) or not (plain_array(x) == 0).any():
        return ans * _cumsum(t / x, axis=axis, reverse=False)
    m, x_safe, c, ranks, after, z, z_without = _cumprod_split(x, axis)
    out = c * z * _cumsum(t * (1 - m) / x_safe, axis=axis, reverse=False)
    for e, b, zr in zip(ranks, after, z_without, strict=True):
        out = out + c * zr * b * _sum(t * e, axis=(axis,), keepdims=True)
    return out


def _cumprod_xp_impl(x, axis):
    xp = namespace(x)
    scan = getattr(xp, "cumulative_prod", None)  # the standard's since its 2024.12 version
    if scan is None:
        raise refuse_foreign(f"cumprod (no cumulative_prod in {xp.__name__})", (x,))
    return scan(counted(xp, x), axis=axis)


_cumprod = Primitive("cumprod", lambda x, axis: np.cumprod(x, axis=axis), register=True,
                     xp_impl=_cumprod_xp_impl)
_ZERO_OPS = (_cumprod, _cumsum, _sum, _leave_one_out)
_cumprod.defvjp(_cumprod_vjp)
_cumprod.defjvp(_cumprod_jvp)


def cumprod(a, axis=None, dtype=None, out=None):
    """``numpy.cumprod``. Exact derivatives (every order) also where entries are exactly zero.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda x: np.cumprod(x)[2])(np.array([2.0, 0.0, 3.0])).tolist()
        [0.0, 6.0, 0.0]
    """
    a, axis = _scan_args("cumprod", a, axis, dtype, out)
    if a.ndim == 0:
        return reshape(a, (1,))
    return _cumprod(a, axis=axis)


__all__ = ["prod", "cumsum", "cumprod"]
