"""Moving pieces of arrays around: ``append``, ``rot90``, ``rollaxis``, ``select``, the split
family (``hsplit``, ``vsplit``, ``dsplit``), ``row_stack`` and the index tricks ``r_`` / ``c_``.

Each is a composition of ``concatenate``, slices, flips, transposes and ``where``, so each
derivative is the inverse movement, with no rule of its own.

``np.r_[...]`` and ``np.c_[...]`` are objects, not functions: NumPy converts every entry with
``np.asarray`` before any dispatch can happen, so with traced entries they raise (a conversion
to a plain array would drop the derivative). ``cr.numpy.r_`` and ``cr.numpy.c_`` accept them.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from chainrule.backend import as_arrays, foreign, namespace
from chainrule.backend import dtype_kind as kind
from chainrule.ops import elementwise as _elementwise
from chainrule.ops import join as _join
from chainrule.ops import shape as _shape
from chainrule.ops.portable_b import numpy_only, xp_of
from chainrule.tracer import Tracer, plain_array, primal

__all__ = [
    "append", "rot90", "rollaxis", "select", "hsplit", "vsplit", "dsplit", "row_stack",
    "r_", "c_",
]


def _array(a: Any) -> Any:
    return a if isinstance(a, Tracer) else _join.asarray(a)


def append(arr: Any, values: Any, axis: Any = None) -> Any:
    """``numpy.append``: ``concatenate`` of ``arr`` and ``values`` (flattened when ``axis`` is
    None).

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda x: (np.append(x, x[0]) ** 2).sum())(np.array([1.0, 2.0])).tolist()
        [4.0, 4.0]
    """
    arr, values = _array(arr), _array(values)
    if axis is None:
        return _join.concatenate([_shape.ravel(arr), _shape.ravel(values)])
    return _join.concatenate([arr, values], axis=axis)


def rot90(m: Any, k: int = 1, axes: Any = (0, 1)) -> Any:
    """``numpy.rot90``: a rotation by ``k`` quarter turns in the plane of ``axes`` (flips and a
    transpose).

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda m: np.rot90(m)[0, 0])(np.zeros((2, 2))).tolist()
        [[0.0, 1.0], [0.0, 0.0]]
    """
    if numpy_only(m):
        return np.rot90(m, k, axes)
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError("len(axes) must be 2.")
    if axes[0] == axes[1] or abs(axes[0] - axes[1]) == m.ndim:
        raise ValueError("Axes must be different.")
    if not (-m.ndim <= axes[0] < m.ndim and -m.ndim <= axes[1] < m.ndim):
        raise ValueError(f"Axes={axes} out of range for array of ndim={m.ndim}.")
    k %= 4
    if k == 0:
        return m[...]
    if k == 2:
        return _shape.flip(_shape.flip(m, axes[0]), axes[1])
    order = list(range(m.ndim))
    order[axes[0]], order[axes[1]] = order[axes[1]], order[axes[0]]
    if k == 1:
        return _shape.transpose(_shape.flip(m, axes[1]), order)
    return _shape.flip(_shape.transpose(m, order), axes[1])


def rollaxis(a: Any, axis: int, start: int = 0) -> Any:
    """``numpy.rollaxis``: ``axis`` moved to position ``start`` (a transpose).

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda a: np.rollaxis(a, 1)[2, 0])(np.zeros((2, 3))).tolist()
        [[0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]
    """
    if numpy_only(a):
        return np.rollaxis(a, axis, start)
    n = a.ndim
    if not -n <= axis < n:
        raise np.exceptions.AxisError(axis, n)
    axis %= n
    if start < 0:
        start += n
    if not 0 <= start < n + 1:
        raise np.exceptions.AxisError(f"'start' arg requires {-n} <= start < {n + 1}, but "
                                      f"{start} was passed in")
    if axis < start:
        start -= 1  # the axis is removed before it is inserted again
    if axis == start:
        return a[...]
    order = list(range(n))
    order.remove(axis)
    order.insert(start, axis)
    return _shape.transpose(a, order)


def select(condlist: Any, choicelist: Any, default: Any = 0) -> Any:
    """``numpy.select``: the first choice whose condition holds (conditions are constants).

    Example:
        >>> import numpy as np, chainrule as cr
        >>> f = lambda x: np.select([x < 1, x < 3], [x, x ** 2], 10.0).sum()
        >>> cr.grad(f)(np.array([0.0, 2.0, 5.0])).tolist()
        [1.0, 4.0, 0.0]
    """
    choices = list(choicelist)
    far = xp_of(*(v for v in (*condlist, *choices, default) if foreign(v)))
    if far is not None:
        return _select_far(far, list(condlist), choices, default)
    conditions = [plain_array(c) for c in condlist]
    if not any(isinstance(c, Tracer) for c in (*choices, default)):
        return np.select(conditions, choices, default)
    if len(conditions) != len(choices):
        raise ValueError("list of cases must be same length as list of conditions")
    if len(choices) == 0:
        raise ValueError("select with an empty condition list is not possible")
    for i, c in enumerate(conditions):
        if c.dtype != np.bool_:
            raise TypeError(f"invalid entry {i} in condlist: should be boolean ndarray")
    dtype = np.result_type(*(np.result_type(primal(c)) if isinstance(c, Tracer | np.ndarray)
                             else c for c in (*choices, default)))
    result = _elementwise.astype(_array(default), dtype)
    for cond, choice in zip(conditions[::-1], choices[::-1], strict=True):
        result = _elementwise.where(cond, _elementwise.astype(_array(choice), dtype), result)
    shape = np.broadcast_shapes(*(c.shape for c in conditions), *(np.shape(c) for c in choices),
                                np.shape(default))
    return result if result.shape == shape else _shape.broadcast_to(result, shape)


def _select_far(xp: Any, condlist: list, choices: list, default: Any) -> Any:
    """``select`` among another library's arrays: its conditions (constants) stay in that
    library, numbers become its arrays of the choices' dtype."""
    if len(condlist) != len(choices):
        raise ValueError("list of cases must be same length as list of conditions")
    if len(choices) == 0:
        raise ValueError("select with an empty condition list is not possible")
    conditions = [primal(c) for c in condlist]
    for i, c in enumerate(conditions):
        if kind(c) != "b":
            raise TypeError(f"invalid entry {i} in condlist: should be a boolean array")
    values = as_arrays(xp, [primal(v) for v in (*choices, default)])
    namespace(*values, *conditions)  # a NumPy array among them: BackendError, nothing copied
    dtype = xp.result_type(*values)

    def cast(v: Any, plain: Any) -> Any:
        if isinstance(v, Tracer):
            return v if v.dtype == dtype else _elementwise.astype(v, dtype)
        return xp.astype(plain, dtype) if plain.dtype != dtype else plain

    traced = any(isinstance(v, Tracer) for v in (*choices, default))
    where = _elementwise.where if traced else xp.where  # constants: the library's own where
    result = cast(default, values[-1])
    for cond, choice, plain in zip(conditions[::-1], choices[::-1], values[-2::-1], strict=True):
        result = where(cond, cast(choice, plain), result)
    shape = np.broadcast_shapes(*(c.shape for c in conditions), *(v.shape for v in values))
    return result if result.shape == shape else _shape.broadcast_to(result, shape)


def hsplit(ary: Any, indices_or_sections: Any) -> list:
    """``numpy.hsplit``: ``split`` along axis 1 (axis 0 for 1-d arrays).

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda x: np.hsplit(x, 2)[1].sum())(np.zeros((1, 4))).tolist()
        [[0.0, 0.0, 1.0, 1.0]]
    """
    if _shape._ndim(ary) == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return _join.split(ary, indices_or_sections, 1 if _shape._ndim(ary) > 1 else 0)


def vsplit(ary: Any, indices_or_sections: Any) -> list:
    """``numpy.vsplit``: ``split`` along axis 0 (arrays of 2 or more dimensions).

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda x: np.vsplit(x, 2)[0].sum())(np.zeros((2, 1))).tolist()
        [[1.0], [0.0]]
    """
    if _shape._ndim(ary) < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return _join.split(ary, indices_or_sections, 0)


def dsplit(ary: Any, indices_or_sections: Any) -> list:
    """``numpy.dsplit``: ``split`` along axis 2 (arrays of 3 or more dimensions).

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda x: np.dsplit(x, 2)[0].sum())(np.zeros((1, 1, 2))).tolist()
        [[[1.0, 0.0]]]
    """
    if _shape._ndim(ary) < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return _join.split(ary, indices_or_sections, 2)


def row_stack(tup: Any, *, dtype: Any = None, casting: str = "same_kind") -> Any:
    """``numpy.row_stack``: deprecated by NumPy 2.0 in favour of ``vstack`` (same warning here).

    Example:
        >>> import warnings, numpy as np, chainrule.numpy as cnp
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     cnp.row_stack([np.ones(2), np.zeros(2)]).shape
        (2, 2)
    """
    warnings.warn("`row_stack` alias is deprecated. Use `np.vstack` directly.",
                  DeprecationWarning, stacklevel=2)
    return _join.vstack(tup, dtype=dtype, casting=casting)


class _Concatenator:
    """``r_`` / ``c_``: ``obj[a, b, ...]`` joins its entries (traced or not) along an axis.

    Slices make constant ranges as in NumPy (``1:4``, ``0:1:5j``); a leading string
    ``'axis'``, ``'axis,ndmin'`` or ``'axis,ndmin,trans1d'`` sets the joining axis, the minimum
    number of dimensions of each entry and where a 1-d entry's axis goes (-1: last, 0: first).

    Example:
        >>> import numpy as np, chainrule as cr, chainrule.numpy as cnp
        >>> cr.grad(lambda x: (cnp.r_[x, 0:2, x] ** 2).sum())(np.array([1.0, 2.0])).tolist()
        [4.0, 8.0]
        >>> cr.jvp(lambda x: cnp.c_[x, 2 * x], (np.ones(2),), (np.ones(2),))[1].tolist()
        [[1.0, 2.0], [1.0, 2.0]]
    """

    def __init__(self, axis: int, ndmin: int, trans1d: int, numpy_obj: Any) -> None:
        self.axis, self.ndmin, self.trans1d, self.numpy_obj = axis, ndmin, trans1d, numpy_obj

    def __getitem__(self, key: Any) -> Any:
        items = key if isinstance(key, tuple) else (key,)
        if numpy_only(*items):
            return self.numpy_obj[key]
        axis, ndmin, trans1d = self.axis, self.ndmin, self.trans1d
        if isinstance(items[0], str):
            try:
                spec = [int(s) for s in items[0].split(",")]
            except ValueError:
                raise ValueError(
                    f"r_/c_: the directive {items[0]!r} is not supported on traced values; use "
                    "'axis', 'axis,ndmin' or 'axis,ndmin,trans1d'") from None
            axis, ndmin, trans1d = (*spec, *(ndmin, trans1d)[len(spec) - 1:])[:3]
            items = items[1:]
        if trans1d not in (-1, 0):
            raise ValueError(f"r_/c_: trans1d={trans1d} is not supported on traced values; use "
                             "-1 (the entry's axes last) or 0 (first)")
        xp = xp_of(*(v for v in items if isinstance(v, Tracer) or foreign(v)))
        if xp is not None:
            return _join.concatenate(_far_parts(xp, items, ndmin, trans1d), axis=axis)
        # Python numbers are weak in the promotion (NEP 50), arrays and lists are not.
        dtype = np.result_type(*(v if type(v) in (int, float, bool) else plain_array(v)
                                 for v in items if not isinstance(v, slice)))
        parts = []
        for v in items:
            if isinstance(v, slice):
                v = np.r_[v]
            elif not isinstance(v, Tracer):
                v = np.asarray(v, dtype=dtype if np.ndim(v) == 0 else None)
            parts.append(_upgrade(v, ndmin, trans1d))
        return _join.concatenate(parts, axis=axis)


def _far_parts(xp: Any, items: tuple, ndmin: int, trans1d: int) -> list:
    """The entries of ``r_`` / ``c_`` among another library's arrays, as its arrays: numbers
    of the entries' dtype, ranges (slices) made by NumPy and moved there (constants)."""
    arrays = as_arrays(xp, [primal(v) for v in items if not isinstance(v, slice)])
    namespace(*arrays)  # a NumPy array among them: BackendError, nothing copied
    dtype = xp.result_type(*arrays)
    plain = iter(arrays)
    parts = []
    for v in items:
        if isinstance(v, slice):
            v = xp.asarray(np.r_[v], dtype=dtype, device=arrays[0].device)
        else:
            p = next(plain)
            if not isinstance(v, Tracer):  # numbers take the common dtype, as in NumPy
                v = xp.astype(p, dtype) if p.ndim == 0 and p.dtype != dtype else p
        parts.append(_upgrade(v, ndmin, trans1d))
    return parts


def _upgrade(v: Any, ndmin: int, trans1d: int) -> Any:
    """``v`` with length-1 axes added up to ``ndmin`` dimensions: its own axes last
    (``trans1d=-1``) or first (``trans1d=0``), as NumPy's index tricks place them."""
    if v.ndim >= ndmin:
        return v
    ones = (1,) * (ndmin - v.ndim)
    shape = ones + v.shape if trans1d == -1 else v.shape + ones
    return _shape.reshape(v, shape) if isinstance(v, Tracer) or foreign(v) else v.reshape(shape)


r_ = _Concatenator(0, 1, -1, np.r_)
c_ = _Concatenator(-1, 2, 0, np.c_)

