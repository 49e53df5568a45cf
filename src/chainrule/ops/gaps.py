"""Spectral gaps: the ``1 / (w_j - w_i)`` matrices of eigen and singular vector derivatives.

The derivative of an eigenvector (or singular vector) couples it to every other one with weight
``1 / (w_j - w_i)`` (Magnus & Neudecker; Townsend 2016 for the SVD). Where two values coincide
the vectors are not unique and have no derivative: rather than let an infinity or NaN reach the
user, the rules raise ``RepeatedValuesError`` naming the operation and the values.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.backend import foreign, namespace
from chainrule.describe import describe
from chainrule.jit.effects import guard
from chainrule.ops.shape import reshape
from chainrule.tracer import primal


class RepeatedValuesError(ValueError):
    """Eigen or singular vectors were differentiated where their values coincide."""


def check_distinct(w, op: str, what: str, advice: str, values: str = "values") -> None:
    """Raise ``RepeatedValuesError`` where two of the ``values`` along the last axis of ``w``
    agree to rounding (|w_i - w_j| <= n eps max|w|), naming ``op`` and the input.

    Example:
        >>> import numpy as np
        >>> check_distinct(np.array([1.0, 2.0]), "eigh", "eigenvectors", "")
    """
    wp = primal(w)
    if foreign(wp):
        _check_distinct_xp(w, wp, op, what, advice, values)
        return
    if np.shape(wp)[-1] < 2:
        return
    if getattr(wp, "_jit_value", False):  # inside cr.jit: a check the program runs every call
        guard(_numpy_distinct, wp, op=op, what=what, advice=advice, values=values,
              of=describe(w))
        return
    _numpy_distinct(np.asarray(wp), op, what, advice, values, describe(w))


def _numpy_distinct(wp, op: str, what: str, advice: str, values: str, of: str) -> Any:
    """``wp`` (NumPy values) after checking that no two along the last axis agree to
    rounding; ``of`` describes the traced array they are the values of."""
    n = wp.shape[-1]
    gaps = np.abs(wp[..., :, None] - wp[..., None, :])
    scale = np.max(np.abs(wp), axis=-1, keepdims=True)[..., None]
    tol = n * np.finfo(wp.dtype).eps * scale
    bad = (gaps <= tol) & ~np.eye(n, dtype=bool)
    if bad.any():
        where = np.argwhere(bad)[0]
        raise RepeatedValuesError(
            f"{op}: the {what} have no derivative at this input: two {values} are equal "
            f"({wp[tuple(where[:-1])].item()!r}, in a {of}). {advice}"
        )
    return wp


def _check_distinct_xp(w, wp, op: str, what: str, advice: str, values: str) -> None:
    """``check_distinct`` computed in the namespace of another library's values ``wp``."""
    if wp.shape[-1] < 2:
        return
    if getattr(wp, "_jit_value", False):  # inside cr.jit: a check the program runs every call
        guard(_distinct, wp, op=op, what=what, advice=advice, values=values, of=describe(w))
        return
    _distinct(wp, op, what, advice, values, describe(w))


def _distinct(wp, op: str, what: str, advice: str, values: str, of: str) -> Any:
    """``wp`` (another library's values) after checking that no two along the last axis agree
    to rounding; ``of`` describes the traced array they are the values of."""
    xp, n = namespace(wp), wp.shape[-1]
    gaps = xp.abs(wp[..., :, None] - wp[..., None, :])
    scale = xp.max(xp.abs(wp), axis=-1, keepdims=True)[..., None]
    tol = n * xp.finfo(wp.dtype).eps * scale
    bad = (gaps <= tol) & ~xp.eye(n, dtype=xp.bool, device=wp.device)
    if bool(xp.any(bad)):
        raise RepeatedValuesError(
            f"{op}: the {what} have no derivative at this input: two {values} are equal "
            f"(in a {of}). {advice}"
        )
    return wp


def inverse_gaps(w, op: str, what: str, advice: str, values: str = "values"):
    """F with F_ij = 1 / (w_j - w_i) off the diagonal and 0 on it, for the stack ``w``
    (..., n) -> (..., n, n); raises ``RepeatedValuesError`` where two values coincide.

    Example:
        >>> inverse_gaps(np.array([1.0, 3.0]), "eigh", "eigenvalues", "").tolist()
        [[0.0, 0.5], [-0.5, 0.0]]
    """
    check_distinct(w, op, what, advice, values)
    n = w.shape[-1]
    wp = primal(w)
    eye = np.eye(n, dtype=np.result_type(wp)) if not foreign(wp) else \
        namespace(wp).eye(n, dtype=wp.dtype, device=wp.device)
    diff = reshape(w, w.shape[:-1] + (1, n)) - reshape(w, w.shape + (1,))  # w_j - w_i
    if foreign(wp):  # another library's plain mask may refuse a traced right operand
        return 1.0 / (diff + eye) * (1.0 - eye)
    return (1.0 - eye) / (diff + eye)
