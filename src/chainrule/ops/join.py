"""Joining and splitting: the concatenate primitive and what is composed from it and getitem
(stack, hstack, vstack, column_stack, dstack, split, array_split), and arrays built from traced
values (``array``, ``asarray`` stack them; ``atleast_1d/2d/3d``).

``concatenate`` takes any number of array operands; the cotangent of operand i is the slice of
the output cotangent where operand i was placed, and its tangent contribution is its tangent
placed there (a scatter into zeros).
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np

from chainrule.backend import BackendError, as_arrays, foreign, namespace
from chainrule.ops.getitem import _axis, _constant_entry, _getitem, _scatter_add
from chainrule.ops.portable_b import numpy_only, xp_of
from chainrule.ops.shape import _reshape, ravel
from chainrule.primitive import Primitive
from chainrule.tracer import Tracer

__all__ = [
    "concatenate", "stack", "hstack", "vstack", "column_stack", "dstack", "split",
    "array_split", "array", "asarray", "atleast_1d", "atleast_2d", "atleast_3d",
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


def _concatenate_xp(*arrays, axis, bounds, dtype, casting):
    return namespace(*arrays).concat(arrays, axis=axis)


_concatenate = Primitive("concatenate", _concatenate_impl, save_args=False, save_ans=False,
                         register=True, xp_impl=_concatenate_xp)


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
    far = any(getattr(a, "_value", a).__class__ is not np.ndarray and foreign(a) for a in arrays)
    if not _traced(arrays) and not far:
        return np.concatenate(arrays, axis=axis, dtype=dtype, casting=casting)
    if far:
        xp_of(*arrays)  # a NumPy array among them: BackendError before anything is recorded
        if dtype is not None:
            raise BackendError(f"concatenate: dtype={dtype!r} on another library's arrays: cast "
                               "the operands first (the Array API's concat has no dtype)")
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
    if numpy_only(*arrays):
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
    if numpy_only(ary):
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
    if not numpy_only(ary) and np.ndim(indices_or_sections) == 0:
        n = ary.shape[_axis(axis, ary.ndim, "split")]
        sections = int(_constant_entry(indices_or_sections, "split", "sections"))
        if sections <= 0 or n % sections:
            raise ValueError(
                f"split: {sections} sections do not divide an axis of length {n} equally; "
                "use array_split for unequal sections"
            )
    elif numpy_only(ary):
        return np.split(ary, indices_or_sections, axis)
    return array_split(ary, indices_or_sections, axis)


# --- arrays built from traced values ---------------------------------------------------------
def _contains_tracer(obj: Any) -> bool:
    if isinstance(obj, Tracer):
        return True
    if isinstance(obj, list | tuple):
        return any(_contains_tracer(v) for v in obj)
    return False


def array(obj: Any, dtype: Any = None, copy: bool = True, **kwargs: Any) -> Any:
    """``numpy.array`` that also builds arrays from traced scalars and arrays.

    Example:
        >>> import chainrule as cr
        >>> import chainrule.numpy as cnp
        >>> float(cr.grad(lambda a: cnp.array([a, 2 * a, 3.0]).sum())(1.0))
        3.0
    """
    if isinstance(obj, Tracer):
        if dtype is not None:
            return obj.astype(dtype)
        return obj._alias() if copy else obj
    if not _contains_tracer(obj):
        if foreign(obj):
            return namespace(obj).asarray(obj, dtype=dtype, copy=copy)
        return np.array(obj, dtype=dtype, copy=copy, **kwargs)
    items = [array(v) for v in obj]
    if any(foreign(v) for v in items):  # numbers among another library's values: its arrays
        xp = xp_of(*(v for v in items if foreign(v)))
        scalar = (bool, int, float, complex)
        items = as_arrays(xp, [v if isinstance(v, scalar) else a
                               for v, a in zip(obj, items, strict=True)])
    out = stack(items)
    return out if dtype is None else out.astype(dtype)


def asarray(obj: Any, dtype: Any = None, **kwargs: Any) -> Any:
    """``numpy.asarray`` keeping traced values traced (see ``array``)."""
    if isinstance(obj, Tracer) or _contains_tracer(obj):
        return array(obj, dtype=dtype)
    if foreign(obj):
        return obj if dtype is None else namespace(obj).asarray(obj, dtype=dtype)
    return np.asarray(obj, dtype=dtype, **kwargs)


def _as_array(a: Any) -> Any:
    """A traced value or another library's array as it is; anything else as an array (lists
    of traced values stacked)."""
    if isinstance(a, Tracer) or foreign(a):
        return a
    if isinstance(a, list | tuple):
        return asarray(a)
    return np.asarray(a)


def _atleast(arys: tuple, shape_of) -> Any:
    out = [_reshape(a, shape=shape_of(a.shape)) for a in map(_as_array, arys)]
    return out[0] if len(out) == 1 else tuple(out)


def atleast_1d(*arys):
    """``numpy.atleast_1d``."""
    return _atleast(arys, lambda s: s or (1,))


def atleast_2d(*arys):
    """``numpy.atleast_2d``: (n,) becomes (1, n)."""
    return _atleast(arys, lambda s: (1,) * (2 - len(s)) + s if len(s) < 2 else s)


def atleast_3d(*arys):
    """``numpy.atleast_3d``: (n,) becomes (1, n, 1) and (m, n) becomes (m, n, 1)."""
    return _atleast(arys, lambda s: {0: (1, 1, 1), 1: (1, *s, 1), 2: (*s, 1)}.get(len(s), s))
