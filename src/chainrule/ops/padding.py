"""Padding and rolling: entries shifted along axes, with constant new ones (``pad``) or wrapped
around (``roll``), both composed from slices (``getitem``) and ``concatenate``, whose rules give
their derivatives."""

from __future__ import annotations

import numpy as np

from chainrule.backend import device
from chainrule.ops.getitem import _axis, _constant_entry, _getitem
from chainrule.ops.join import _as_array, concatenate
from chainrule.ops.portable_b import numpy_only, xp_of
from chainrule.ops.shape import _reshape, _static_ints, broadcast_to, ravel
from chainrule.tracer import Tracer

__all__ = ["pad", "roll"]


def pad(array, pad_width, mode="constant", **kwargs):
    """``numpy.pad`` with ``mode='constant'`` (``constant_values`` may be a traced scalar).

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> cr.grad(lambda x: (cr.numpy.pad(x, 1) ** 2).sum())(np.ones(2)).tolist()
        [2.0, 2.0]
    """
    if mode != "constant":
        raise ValueError(
            f"pad: mode={mode!r} has no derivative rule in chainrule; only mode='constant' "
            "(with constant_values) is differentiable. Pad a cr.stop_gradient(x) copy if the "
            "derivative is not needed, or build the padding with concatenate and slices."
        )
    unknown = set(kwargs) - {"constant_values"}
    if unknown:
        raise TypeError(f"pad: unexpected keyword arguments {sorted(unknown)} for mode='constant'")
    values = kwargs.get("constant_values", 0)
    if numpy_only(array, values):
        return np.pad(array, pad_width, mode, **kwargs)
    x = _as_array(array)
    widths = np.asarray(_constant_entry(pad_width, "pad", "pad_width"))
    widths = np.broadcast_to(widths, (x.ndim, 2))
    if widths.dtype.kind not in "iu" or (widths < 0).any():
        raise ValueError(f"pad: pad_width must be non-negative integers, got {pad_width!r}")
    if isinstance(values, Tracer):
        if values.ndim != 0:
            raise ValueError("pad: a traced constant_values must be a scalar")
        if values.dtype != x.dtype:
            values = values.astype(x.dtype)
        pairs = [(values, values)] * x.ndim
    else:
        what = "constant_values (other than one traced scalar)"
        pairs = np.broadcast_to(np.asarray(_constant_entry(values, "pad", what)), (x.ndim, 2))
    xp = xp_of(x)  # another library's array: its blocks of constants are made by that library
    # Axis by axis, as NumPy does: later axes' padding covers the corners.
    for ax in range(x.ndim):
        parts = []
        for side, (width, value) in enumerate(zip(widths[ax], pairs[ax], strict=True)):
            if width:
                shape = (*x.shape[:ax], int(width), *x.shape[ax + 1 :])
                if isinstance(value, Tracer):
                    block = broadcast_to(value, shape)
                elif xp is not None:
                    block = xp.full(shape, value.item(), dtype=x.dtype, device=device(x))
                else:
                    block = np.full(shape, value, dtype=x.dtype)
                parts.append(block)
            if side == 0:
                parts.append(x)
        if len(parts) > 1:
            x = concatenate(parts, axis=ax)
    return x if x is not array else _reshape(x, shape=x.shape)




def roll(a, shift, axis=None):
    """``numpy.roll``: per axis, the last ``shift`` entries joined in front of the others."""
    shifts = _static_ints(shift, "shift", "roll")
    if numpy_only(a):
        return np.roll(a, shifts, axis)
    if axis is None:
        return _reshape(roll(ravel(a), shifts.sum(), 0), shape=a.shape)
    axes = np.asarray(axis)
    if shifts.ndim > 1 or axes.ndim > 1:
        raise ValueError("roll: 'shift' and 'axis' should be scalars or 1-d sequences")
    total = [0] * a.ndim
    for s, ax in np.broadcast(shifts, axes):
        total[_axis(ax, a.ndim, "roll")] += int(s)
    out = a
    for ax, s in enumerate(total):
        n = a.shape[ax]
        s = s % n if n else 0
        if s:
            before = (slice(None),) * ax
            head = _getitem(out, index=(*before, slice(n - s, None)), shape=a.shape, unique=True)
            rest = _getitem(out, index=(*before, slice(0, n - s)), shape=a.shape, unique=True)
            out = concatenate([head, rest], axis=ax)
    return out if out is not a else _reshape(a, shape=a.shape)
