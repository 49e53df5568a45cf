"""Joining and splitting: the concatenate primitive and what is composed from it and getitem
(stack, hstack, vstack, column_stack, dstack, split, array_split, pad).

``concatenate`` takes any number of array operands; the cotangent of operand i is the slice of
the output cotangent where operand i was placed, and its tangent contribution is its tangent
placed there (a scatter into zeros).
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np

from chainrule.ops.indexing import _axis, _constant_entry, _getitem, _scatter_add
from chainrule.ops.shape import (
    _as_array,
    _reshape,
    atleast_1d,
    atleast_2d,
    atleast_3d,
    broadcast_to,
    ravel,
)
from chainrule.primitive import Primitive
from chainrule.tracer import Tracer

__all__ = [
    "concatenate", "stack", "hstack", "vstack", "column_stack", "dstack", "split",
    "array_split", "pad",
]


def _concatenate_impl(*arrays, axis, bounds, dtype, casting):
    return np.concatenate(arrays, axis=axis, dtype=dtype, casting=casting)


def _block(i: int, axis: int, bounds: tuple[int, ...]) -> tuple:
    """The index of operand i's block in the output."""
    return (slice(None),) * axis + (slice(bounds[i], bounds[i + 1]),)


def _concatenate_vjp(i, g, ans, *arrays, axis, bounds, dtype, casting):
    return _getitem(g, index=_block(i, axis, bounds), shape=g.shape, unique=True)


def _concatenate_jvp(i, t, ans, *arrays, axis, bounds, dtype, casting):
    return _scatter_add(t, index=_block(i, axis, bounds), shape=ans.shape, unique=True)


_concatenate = Primitive("concatenate", _concatenate_impl, save_args=False, save_ans=False,
                         register=True)


_concatenate.defvjp_argnum(_concatenate_vjp)
_concatenate.defjvp_argnum(_concatenate_jvp)


def _operands(arrays: Any) -> list:
    # A traced 2-d array is a sequence of its rows, as for NumPy.
    return list(arrays) if isinstance(arrays, Tracer) else [_as_array(a) for a in arrays]


def _traced(arrays: list) -> bool:
    return any(isinstance(a, Tracer) for a in arrays)


def concatenate(arrays, /, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """``numpy.concatenate`` (``axis=None`` joins the flattened arrays).

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> f = lambda x: (cr.numpy.concatenate([x, np.ones(2)]) * np.arange(4.0)).sum()
        >>> cr.grad(f)(np.zeros(2)).tolist()
        [0.0, 1.0]
    """
    if out is not None:
        raise TypeError("concatenate(..., out=...) is not supported on traced values")
    arrays = _operands(arrays)
    if not _traced(arrays):
        return np.concatenate(arrays, axis=axis, dtype=dtype, casting=casting)
    if axis is None:
        arrays, axis = [ravel(a) for a in arrays], 0
    ndim = arrays[0].ndim
    if ndim == 0 or any(a.ndim != ndim for a in arrays):
        shapes = ", ".join(str(a.shape) for a in arrays)
        raise ValueError(
            f"concatenate: the arrays must have the same number of dimensions, at least one "
            f"(got shapes {shapes}); use stack to join scalars or arrays along a new axis"
        )
    axis = _axis(axis, ndim, "concatenate")
    bounds = (0, *(int(b) for b in np.cumsum([a.shape[axis] for a in arrays])))
    return _concatenate(*arrays, axis=axis, bounds=bounds, dtype=dtype, casting=casting)


def stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """``numpy.stack``: length-one axes inserted, then concatenated.

    Example:
        >>> import chainrule as cr
        >>> float(cr.grad(lambda a: (cr.numpy.stack([a, 2 * a, a * a]) ** 2).sum())(1.0))
        14.0
    """
    if out is not None:
        raise TypeError("stack(..., out=...) is not supported on traced values")
    arrays = _operands(arrays)
    if not _traced(arrays):
        return np.stack(arrays, axis=axis, dtype=dtype, casting=casting)
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1:
        raise ValueError(f"stack: all arrays must have the same shape, got {sorted(shapes)}")
    shape = arrays[0].shape
    axis = _axis(axis, len(shape) + 1, "stack")
    expanded = (*shape[:axis], 1, *shape[axis:])
    return concatenate([_reshape(a, shape=expanded) for a in arrays], axis=axis, dtype=dtype,
                       casting=casting)


def _each(tup: Any, fn) -> list:
    return [fn(a) for a in _operands(tup)]


def hstack(tup, *, dtype=None, casting="same_kind"):
    """``numpy.hstack``: along axis 1 (axis 0 for 1-d arrays)."""
    arrays = _each(tup, atleast_1d)
    axis = 0 if arrays and arrays[0].ndim == 1 else 1
    return concatenate(arrays, axis=axis, dtype=dtype, casting=casting)


def vstack(tup, *, dtype=None, casting="same_kind"):
    """``numpy.vstack``: along axis 0, 1-d arrays as rows."""
    return concatenate(_each(tup, atleast_2d), axis=0, dtype=dtype, casting=casting)


def dstack(tup):
    """``numpy.dstack``: along axis 2."""
    return concatenate(_each(tup, atleast_3d), axis=2)


def column_stack(tup):
    """``numpy.column_stack``: 1-d arrays as columns, then along axis 1."""

    def column(a):
        return _reshape(a, shape=(a.size, 1)) if a.ndim < 2 else a

    return concatenate(_each(tup, column), axis=1)


def array_split(ary, indices_or_sections, axis=0):
    """``numpy.array_split``: a list of traced slices (sections may differ in length by one)."""
    if not isinstance(ary, Tracer):
        return np.array_split(ary, indices_or_sections, axis)
    axis = _axis(axis, ary.ndim, "array_split")
    n = ary.shape[axis]
    points = np.asarray(_constant_entry(indices_or_sections, "array_split", "sections"))
    if points.ndim == 0:
        sections = int(points)
        if sections <= 0:
            raise ValueError(f"array_split: the number of sections must be > 0, got {sections}")
        each, extra = divmod(n, sections)
        sizes = [each + 1] * extra + [each] * (sections - extra)
        bounds = [0, *(int(b) for b in np.cumsum(sizes))]
    else:
        bounds = [0, *(int(p) for p in points), n]
    before = (slice(None),) * axis
    return [_getitem(ary, index=(*before, slice(lo, hi)), shape=ary.shape, unique=True)
            for lo, hi in pairwise(bounds)]


def split(ary, indices_or_sections, axis=0):
    """``numpy.split``: like ``array_split``, but sections must divide the axis exactly.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> f = lambda x: (lambda a, b: (a * b).sum())(*cr.numpy.split(x, 2))
        >>> cr.grad(f)(np.array([1.0, 2.0, 3.0, 4.0])).tolist()
        [3.0, 4.0, 1.0, 2.0]
    """
    if isinstance(ary, Tracer) and np.ndim(indices_or_sections) == 0:
        n = ary.shape[_axis(axis, ary.ndim, "split")]
        sections = int(_constant_entry(indices_or_sections, "split", "sections"))
        if sections <= 0 or n % sections:
            raise ValueError(
                f"split: {sections} sections do not divide an axis of length {n} equally; "
                "use array_split for unequal sections"
            )
    elif not isinstance(ary, Tracer):
        return np.split(ary, indices_or_sections, axis)
    return array_split(ary, indices_or_sections, axis)


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
    if not isinstance(array, Tracer) and not isinstance(values, Tracer):
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
    # Axis by axis, as NumPy does: later axes' padding covers the corners.
    for ax in range(x.ndim):
        parts = []
        for side, (width, value) in enumerate(zip(widths[ax], pairs[ax], strict=True)):
            if width:
                shape = (*x.shape[:ax], int(width), *x.shape[ax + 1 :])
                block = (broadcast_to(value, shape) if isinstance(value, Tracer)
                         else np.full(shape, value, dtype=x.dtype))
                parts.append(block)
            if side == 0:
                parts.append(x)
        if len(parts) > 1:
            x = concatenate(parts, axis=ax)
    return x if x is not array else _reshape(x, shape=x.shape)

