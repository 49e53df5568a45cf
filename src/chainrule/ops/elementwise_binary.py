"""Elementwise selections and two-operand functions: where, maximum/minimum, clip, remainders,
arctan2 and hypot.

Most of these are piecewise: their local partials are 0/1 masks (which operand the result came
from), computed once from the plain values and constant for higher orders, where the second
derivative is zero away from the switching points. Conventions at the switching points are
stated beside each rule. Re-exported by ``ops/elementwise.py``.
"""

from __future__ import annotations

import numpy as np

from chainrule.backend import any_foreign, as_arrays, namespace
from chainrule.backend import library as plain_namespace
from chainrule.jit.staging import stage
from chainrule.ops.define import elementwise
from chainrule.ops.portable_a import maybe_true, xp_result_dtype
from chainrule.primitive import Primitive
from chainrule.tracer import Tracer, primal

__all__ = [
    "where", "maximum", "minimum", "fmax", "fmin", "clip", "remainder", "mod", "fmod",
    "arctan2", "hypot",
]


def _traced(*xs) -> bool:
    return any(isinstance(x, Tracer) for x in xs)


def _share(win, tie, *operands, own=None) -> np.ndarray:
    """Partial of a selection: 1 where this operand wins, 0.5 on ties, 0 elsewhere.

    The mask takes the result dtype of the (plain) operands, so float32 stays float32 (and
    NumPy multiplies two float arrays faster than a float array by a boolean one). Without
    ties, past 16 K entries, when ``own`` (the operand this partial is for) is an array of the
    mask's shape and dtype, the boolean mask itself is returned: its cotangent and tangent have
    that dtype, so the product gives the same numbers in the same dtype, and the float copy (a
    new array of that size, costlier than the slower product) is skipped.
    """
    x = operands[0]
    # (a NumPy first operand: the others are NumPy's too, or the operation was refused)
    if x.__class__ is not np.ndarray and any_foreign(*operands):
        return _share_elsewhere(win, tie, operands)
    if len(operands) == 2 and x.__class__ is np.ndarray and operands[1].__class__ in _WEAK:
        dtype = x.dtype  # an array with a Python number: the array's dtype (NEP 50)
    else:
        dtype = np.result_type(*operands)
    if getattr(win, "_jit_value", False) or getattr(tie, "_jit_value", False):
        return np.where(tie, 0.5, win).astype(dtype)  # inside cr.jit: no shortcut
    if tie is False or not np.count_nonzero(tie):
        if (win.__class__ is np.ndarray and win.size > 1 << 14 and own.__class__ is np.ndarray
                and own.dtype == dtype and own.shape == win.shape):
            return win
        return win.astype(dtype) if win.__class__ is np.ndarray else np.asarray(win, dtype)
    return np.where(tie, 0.5, win).astype(dtype)


_WEAK = (int, float)


def _share_elsewhere(win, tie, operands):
    """``_share`` in the namespace of another library's operands."""
    xp = plain_namespace(*operands)
    dtype = xp_result_dtype(xp, *operands)
    share = xp.astype(win, dtype)
    if tie is False or not bool(xp.any(tie)):
        return share
    return xp.where(tie, xp.asarray(0.5, dtype=dtype, device=share.device), share)


def _where_xp_impl(x, y, condition):
    xp = namespace(x, y, condition)
    x, y = as_arrays(xp, (x, y))
    return xp.where(condition, x, y)


# --- where ------------------------------------------------------------------------------------
# The condition is a constant (a boolean mask), passed as a parameter; the cotangent is routed
# to the branch each entry came from, and zero (not g * 0, which could be NaN) to the other.
_where = Primitive(
    "where", lambda x, y, condition: np.where(condition, x, y),
    save_args=False, save_ans=False, register=True, xp_impl=_where_xp_impl,
)
_where.defvjp(
    lambda g, ans, x, y, condition: _where(g, 0.0, condition=condition),
    lambda g, ans, x, y, condition: _where(0.0, g, condition=condition),
)
_where.defjvp(
    lambda t, ans, x, y, condition: _where(t, 0.0, condition=condition),
    lambda t, ans, x, y, condition: _where(0.0, t, condition=condition),
)


def where(condition, x=None, y=None, /):
    """``numpy.where``: ``x`` where ``condition`` holds, else ``y``; derivatives flow to the
    chosen entries. The condition carries no derivative. ``where(condition)`` alone is
    ``numpy.nonzero`` (index arrays, constants).

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> cr.grad(lambda x: np.where(x > 0, x, 0.0).sum())(np.array([-1.0, 2.0]))
        array([0., 1.])
    """
    if x is None and y is None:
        c = primal(condition)
        return plain_namespace(c).nonzero(c) if any_foreign(c) else np.nonzero(c)
    if x is None or y is None:
        raise ValueError("where: either both or neither of x and y should be given")
    if any_foreign(condition, x, y):
        c = primal(condition)
        xp = plain_namespace(c, x, y)
        return _where(x, y, condition=c if c.dtype == xp.bool else xp.astype(c, xp.bool))
    if not _traced(condition, x, y):
        return np.where(condition, x, y)
    c = primal(condition)
    if getattr(c, "_jit_value", False):  # a mask computed inside cr.jit: a program operand
        return _where_mask(x, y, c.astype(bool))
    return _where(x, y, condition=np.asarray(c, dtype=bool))


# The same selection with the mask as an operand (no derivative flows to it): inside cr.jit a
# mask computed from the inputs is a value of the program, not a constant parameter.
_where_mask = Primitive("where_mask", lambda x, y, c: np.where(c, x, y), save_args=True,
                        save_ans=False)
_where_mask.defvjp(lambda g, ans, x, y, c: _where_mask(g, 0.0, c),
                   lambda g, ans, x, y, c: _where_mask(0.0, g, c))
_where_mask.defjvp(lambda t, ans, x, y, c: _where_mask(t, 0.0, c),
                   lambda t, ans, x, y, c: _where_mask(0.0, t, c))


# --- maximum, minimum, fmax, fmin ------------------------------------------------------------
# Ties split the cotangent 0.5/0.5 between the two operands (the average of the one-sided
# derivatives). Where an operand is NaN the result is NaN and no cotangent flows.
def _selection_partial(x, y, first, wins):
    """The partial of ``maximum``/``minimum`` (``wins`` = ``np.greater``/``np.less``) with
    respect to its first (or second) operand."""
    px, py = primal(x), primal(y)
    if getattr(px, "_jit_value", False) or getattr(py, "_jit_value", False):
        # inside cr.jit: the computation, shortcuts included, is one instruction
        kernel = _selection_partial if any_foreign(px, py) else _numpy_selection
        return stage(kernel, (px, py), {"first": first, "wins": wins})
    if px.__class__ is not np.ndarray and any_foreign(px, py):  # compared by operator: a
        # NumPy ufunc would refuse another library's array
        a, b = (px, py) if first else (py, px)
        return _share((a > b) if wins is np.greater else (a < b), px == py, px, py)
    return _numpy_selection(px, py, first, wins)


def _numpy_selection(px, py, first, wins):
    """``_selection_partial`` of plain NumPy values (what a compiled program calls)."""
    a, b = (px, py) if first else (py, px)
    return _share(wins(a, b), px == py, px, py, own=a)


maximum = elementwise(
    "maximum", np.maximum,
    lambda ans, x, y: _selection_partial(x, y, True, np.greater),
    lambda ans, x, y: _selection_partial(x, y, False, np.greater),
    save_ans=False,
)
minimum = elementwise(
    "minimum", np.minimum,
    lambda ans, x, y: _selection_partial(x, y, True, np.less),
    lambda ans, x, y: _selection_partial(x, y, False, np.less),
    save_ans=False,
)


def _fselect(select, x1, x2):
    # fmax/fmin ignore a NaN operand: replace it by the other one (its derivative follows),
    # then select as maximum/minimum do.
    if any_foreign(x1, x2):
        xp = plain_namespace(x1, x2)
        p1, p2 = as_arrays(xp, (primal(x1), primal(x2)))
        n1, n2 = xp.isnan(p1), xp.isnan(p2)
        if bool(xp.any(n1)) or bool(xp.any(n2)):
            x1, x2 = where(n1, x2, x1), where(n2, x1, x2)
        return select(x1, x2)
    n1, n2 = np.isnan(primal(x1)), np.isnan(primal(x2))
    if maybe_true(n1) or maybe_true(n2):
        x1, x2 = where(n1, x2, x1), where(n2, x1, x2)
    return select(x1, x2)


def fmax(x1, x2, /, out=None, **kwargs):
    """``numpy.fmax``: ``maximum`` that ignores NaNs. Ties split 0.5/0.5."""
    if not _traced(x1, x2) and not any_foreign(x1, x2):
        return np.fmax(x1, x2, out=out, **kwargs)
    _no_options("fmax", out, kwargs)
    return _fselect(maximum, x1, x2)


def fmin(x1, x2, /, out=None, **kwargs):
    """``numpy.fmin``: ``minimum`` that ignores NaNs. Ties split 0.5/0.5."""
    if not _traced(x1, x2) and not any_foreign(x1, x2):
        return np.fmin(x1, x2, out=out, **kwargs)
    _no_options("fmin", out, kwargs)
    return _fselect(minimum, x1, x2)


def _no_options(name, out, kwargs) -> None:
    if out is not None or kwargs:
        given = ["out"] * (out is not None) + sorted(kwargs)
        raise TypeError(
            f"{name}: the options {given} are not supported on traced values; use the "
            "returned array (and np.where for masks) instead."
        )


# --- clip -------------------------------------------------------------------------------------
# result = minimum(maximum(a, lo), hi), as NumPy computes it (hi wins when lo > hi).
# Convention: the derivative goes to ``a`` on the closed interval lo <= a <= hi (at a bound,
# clipping leaves a unchanged, so the inside derivative is used), to ``lo`` where a < lo and to
# ``hi`` where a > hi.
def _clip_masks(a, lo, hi):
    pa, plo, phi = primal(a), primal(lo), primal(hi)
    to_hi = (pa > phi) | (plo > phi)
    to_lo = (pa < plo) & ~to_hi
    return pa, plo, phi, to_lo, to_hi


def _dclip_da(ans, a, lo, hi):
    pa, plo, phi, to_lo, to_hi = _clip_masks(a, lo, hi)
    return _share(~(to_lo | to_hi), False, pa, plo, phi, own=pa)


def _dclip_dlo(ans, a, lo, hi):
    pa, plo, phi, to_lo, _ = _clip_masks(a, lo, hi)
    return _share(to_lo, False, pa, plo, phi, own=plo)


def _dclip_dhi(ans, a, lo, hi):
    pa, plo, phi, _, to_hi = _clip_masks(a, lo, hi)
    return _share(to_hi, False, pa, plo, phi, own=phi)


def _clip_xp_impl(a, lo, hi):
    # minimum(maximum(a, lo), hi), as NumPy computes it (the standard's clip leaves lo > hi
    # to the library)
    xp = namespace(a, lo, hi)
    a, lo, hi = as_arrays(xp, (a, lo, hi))
    return xp.minimum(xp.maximum(a, lo), hi)


_clip = elementwise("clip", np.clip, _dclip_da, _dclip_dlo, _dclip_dhi, save_ans=False,
                    xp_impl=_clip_xp_impl)
_UNSET = object()


def clip(a, a_min=_UNSET, a_max=_UNSET, out=None, *,
         min=_UNSET, max=_UNSET, **kwargs):  # noqa: A002  (NumPy's keyword names)
    """``numpy.clip``: limit ``a`` to ``[a_min, a_max]`` (either bound may be None or traced).

    The derivative goes to ``a`` where a_min <= a <= a_max (bounds included) and to the bound
    that is active outside.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> cr.grad(lambda x: np.clip(x, 0.0, 1.0).sum())(np.array([-1.0, 0.0, 0.5, 2.0]))
        array([0., 1., 1., 0.])
    """
    if a_min is not _UNSET and min is not _UNSET:
        raise TypeError("clip: give the lower bound as a_min or as min, not both")
    if a_max is not _UNSET and max is not _UNSET:
        raise TypeError("clip: give the upper bound as a_max or as max, not both")
    lo = a_min if a_min is not _UNSET else (None if min is _UNSET else min)
    hi = a_max if a_max is not _UNSET else (None if max is _UNSET else max)
    if not _traced(a, lo, hi) and not any_foreign(a, lo, hi):
        return np.clip(a, lo, hi, out=out, **kwargs)
    _no_options("clip", out, kwargs)
    if lo is None and hi is None:
        return a
    # A missing bound is an infinite one (a Python float: it keeps float32 float32).
    return _clip(a, -np.inf if lo is None else lo, np.inf if hi is None else hi)


# --- remainders -------------------------------------------------------------------------------
# remainder(x, y) = x - floor(x / y) * y  and  fmod(x, y) = x - trunc(x / y) * y: away from the
# jumps (x / y an integer) the quotient is locally constant, so d/dx = 1 and d/dy = -quotient.
def _remainder_quotient(x, y):
    px, py = primal(x), primal(y)
    if any_foreign(px, py):
        xp = namespace(px, py)
        return xp.floor_divide(*as_arrays(xp, (px, py)))
    return np.floor_divide(px, py)


def _fmod_quotient(x, y):
    px, py = primal(x), primal(y)
    # (x - fmod(x, y)) / y is an integer up to rounding: the quotient fmod actually used.
    return np.round((px - np.fmod(px, py)) / py)


def _remainder_rule(quotient):
    def rule(g, ans, x, y):
        return g * -quotient(x, y)

    return rule


remainder = Primitive("remainder", np.remainder, save_ans=False, register=True)
remainder.defvjp(lambda g, ans, x, y: g, _remainder_rule(_remainder_quotient))
remainder.defjvp(lambda t, ans, x, y: t, _remainder_rule(_remainder_quotient))
mod = remainder

fmod = Primitive("fmod", np.fmod, save_ans=False, register=True)
fmod.defvjp(lambda g, ans, x, y: g, _remainder_rule(_fmod_quotient))
fmod.defjvp(lambda t, ans, x, y: t, _remainder_rule(_fmod_quotient))


# --- arctan2, hypot ---------------------------------------------------------------------------
# arctan2(x1, x2) is the angle of the point (x2, x1):
#   d/dx1 = x2 / (x1^2 + x2^2),  d/dx2 = -x1 / (x1^2 + x2^2)  (undefined at the origin).
def _arctan2_d1(ans, x1, x2):
    return x2 / (x1 * x1 + x2 * x2)


def _arctan2_d2(ans, x1, x2):
    return -x1 / (x1 * x1 + x2 * x2)


arctan2 = elementwise("arctan2", np.arctan2, _arctan2_d1, _arctan2_d2, save_ans=False)


# hypot = sqrt(x1^2 + x2^2): d/dx1 = x1 / hypot. At the origin (a cone's tip) the derivative is
# taken as 0, a subgradient, instead of 0/0.
def _hypot_partial(ans, xi):
    return xi / where(ans == 0, 1.0, ans)


hypot = elementwise(
    "hypot", np.hypot,
    lambda ans, x1, x2: _hypot_partial(ans, x1),
    lambda ans, x1, x2: _hypot_partial(ans, x2),
)
