"""Functional assignment and the gathers built on ``getitem`` (``ops/getitem.py``).

``x[index] = v`` on a traced value becomes ``y = index_update(x, index, v)``, the functional
``y = x.copy(); y[index] = v``: dy/dx is the identity with the overwritten places zeroed, dy/dv
gathers the cotangent from those places (only the last of repeated writes reaches ``v``, as in
NumPy, where the last write wins). ``take``, ``take_along_axis`` and ``sort`` are reads; on
another library's array ``sort`` finds its permutation with that library's ``argsort`` and
moves entries with ``permute_along`` (``take_along_axis`` there), and ``take_along_axis`` at
that library's indices gathers there (``ops/gather_along.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.backend import dtype_kind, foreign, namespace
from chainrule.describe import describe
from chainrule.ops import portable_b
from chainrule.ops.gather_along import gather_along
from chainrule.ops.getitem import (
    _axis,
    _constant_entry,
    _getitem,
    normalize_index,
)
from chainrule.ops.join import asarray
from chainrule.ops.shape import _shape, ravel, reshape
from chainrule.primitive import Primitive
from chainrule.tracer import primal

__all__ = ["index_update", "take", "take_along_axis", "sort"]


# --- write: y = x.copy(); y[index] = value --------------------------------------------------
def _index_update_impl(x, value, index, unique, keep):
    y = np.array(x, copy=True)
    y[index] = value
    return y


def _index_update_xp(x, value, index, unique, keep):
    """Other libraries' arrays (ops/portable_b.py): a copy assigned at a basic index or a
    boolean mask of the array's library, else a gather from the array and the values joined."""
    basic = portable_b.standard_index(index, x.shape)
    if basic is None and not portable_b.foreign_mask(index, x.ndim):
        return portable_b.overwrite(x, portable_b.positions(x.shape, lambda a: a[index]), value)
    xp = namespace(x, value)
    y = xp.asarray(x, copy=True)
    if basic is not None:  # (assignments take no new axes)
        index = tuple(e for e in basic if e is not None)
    y[index] = value if isinstance(value, bool | int | float | complex) else xp.astype(
        value, x.dtype)
    return y


def _index_update_vjp_value(g, ans, x, value, index, unique, keep):
    c = _getitem(g, index=index, shape=g.shape, unique=unique)
    # Repeated writes: only the last write of each position shows in y (NumPy's rule).
    if keep is not None and foreign(c):  # the mask, a constant, in the cotangent's library
        keep = namespace(primal(c)).asarray(keep, dtype=c.dtype, device=primal(c).device)
    return c if keep is None else c * keep


def _zeros_like(ans):
    return (np.zeros(ans.shape, ans.dtype) if not foreign(ans)
            else namespace(primal(ans)).zeros(ans.shape, dtype=ans.dtype,
                                              device=primal(ans).device))


_index_update = Primitive("index_update", _index_update_impl, save_args=False, save_ans=False,
                          register=True, xp_impl=_index_update_xp)
_index_update.defvjp(
    lambda g, ans, x, value, **p: _index_update(g, 0.0, **p),
    _index_update_vjp_value,
)
_index_update.defjvp(
    lambda t, ans, x, value, **p: _index_update(t, 0.0, **p),
    lambda t, ans, x, value, **p: _index_update(_zeros_like(ans), t, **p),
)


def _last_writes(shape: tuple[int, ...], index: Any) -> np.ndarray | None:
    """Mask over ``x[index]``'s shape: which reads are the last write to their position.

    NumPy itself does the assignment of write numbers, so its own order decides.
    """
    owner = np.full(shape, -1, dtype=np.intp)
    target = owner[index].shape
    order = np.arange(int(np.prod(target)), dtype=np.intp).reshape(target)
    owner[index] = order
    keep = owner[index] == order
    return None if keep.all() else keep


def index_update(x: Any, index: Any, value: Any) -> Any:
    """The array ``x`` with ``x[index] = value`` applied, as a new value (``x`` is unchanged).

    ``x[index] = value`` and ``x[index] += value`` on a traced ``x`` call this.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> f = lambda x, v: (cr.numpy.index_update(x, 1, v) * np.arange(3.0)).sum()
        >>> [g.tolist() for g in cr.grad(f, argnums=(0, 1))(np.ones(3), 5.0)]
        [[0.0, 0.0, 2.0], 1.0]
    """
    index, unique = normalize_index(index, "index_update (x[index] = value)")
    if foreign(x):
        portable_b.check_index("index_update (x[index] = value)", index, x)
    if isinstance(value, list | tuple):
        value = asarray(value)
    shape = _shape(value)
    if shape and shape[0] == 1:
        # NumPy drops leading length-1 axes of the value; do it here so that the engine's
        # unbroadcasting maps the gathered cotangent back to the value's shape.
        k = 0
        while k < len(shape) and shape[k] == 1:
            k += 1
        value = reshape(value, shape[k:])
    keep = None if unique else _last_writes(_shape(x), index)
    return _index_update(x, value, index=index, unique=unique, keep=keep)


# --- gathers built on getitem ---------------------------------------------------------------
def _indices(indices: Any, op: str) -> np.ndarray:
    arr = _constant_entry(indices, op, "indices")
    if not getattr(arr, "_jit_value", False):  # (staged: positions computed inside cr.jit)
        arr = np.asarray(arr)
    if arr.dtype.kind not in "iu":
        raise IndexError(f"{op}: indices must be integers, got a {describe(arr)}")
    return arr


def take(a: Any, indices: Any, axis: Any = None, out: Any = None, mode: str = "raise") -> Any:
    """``numpy.take``: entries along ``axis`` (the flattened array if None); mode raise/wrap/clip.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> cr.grad(lambda a: cr.numpy.take(a, [1, 1]).sum())(np.zeros(3)).tolist()
        [0.0, 2.0, 0.0]
    """
    if out is not None:
        raise TypeError("take(..., out=...) is not supported on traced values; use the result")
    if foreign(indices):  # another library's positions stay there
        return _take_elsewhere(a, primal(indices), axis, mode)
    idx = _indices(indices, "take")
    if portable_b.numpy_only(a):
        return np.take(a, idx, axis=axis, mode=mode)
    if axis is None:
        a, axis = ravel(a), 0
    axis = _axis(axis, a.ndim, "take")
    n = a.shape[axis]
    if mode == "wrap":
        idx = idx % n
    elif mode == "clip":
        idx = np.clip(idx, 0, n - 1)
    elif mode != "raise":
        raise ValueError(f"take: mode must be 'raise', 'wrap' or 'clip', not {mode!r}")
    index = (slice(None),) * axis + (idx,)
    return _getitem(a, index=index, shape=a.shape, unique=idx.ndim == 0)


def _take_elsewhere(a: Any, idx: Any, axis: Any, mode: str) -> Any:
    """``take`` at another library's integer indices ``idx``, computed in that library (a
    gather along ``axis``, ops/gather_along.py): the indices are never copied to the host."""
    if dtype_kind(idx) not in "iu":
        raise IndexError(f"take: indices must be integers, got a {describe(idx)}")
    if axis is None:
        a, axis = ravel(a), 0
    axis = _axis(axis, a.ndim, "take")
    n, xp = a.shape[axis], namespace(idx)
    flat = xp.reshape(idx, (-1,))
    if mode == "wrap":
        flat = flat % n
    elif mode == "clip":
        flat = xp.clip(flat, 0, n - 1)
    elif mode == "raise":
        if flat.shape[0] and bool(xp.any((flat < -n) | (flat >= n))):
            raise IndexError(f"take: an index is out of bounds for axis {axis} of size {n}")
        flat = xp.where(flat < 0, flat + n, flat)
    else:
        raise ValueError(f"take: mode must be 'raise', 'wrap' or 'clip', not {mode!r}")
    m = flat.shape[0]
    spread = xp.reshape(flat, (1,) * axis + (m,) + (1,) * (a.ndim - axis - 1))
    full = xp.broadcast_to(spread, a.shape[:axis] + (m,) + a.shape[axis + 1:])
    out = gather_along(a, idx=full, axis=axis, size=n)
    return reshape(out, a.shape[:axis] + tuple(idx.shape) + a.shape[axis + 1:])


def _along_axis_index(shape: tuple[int, ...], idx: np.ndarray, axis: int) -> tuple:
    """The integer-array index picking ``idx`` along ``axis`` and every place on the others."""
    index = []
    for d, n in enumerate(shape):
        if d == axis:
            index.append(idx)
        else:
            index.append(np.arange(n).reshape((1,) * d + (n,) + (1,) * (len(shape) - d - 1)))
    return tuple(index)


def take_along_axis(arr: Any, indices: Any, axis: Any = -1) -> Any:
    """``numpy.take_along_axis``.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> x = np.array([[3.0, 1.0], [0.0, 2.0]])
        >>> cr.grad(lambda x: cr.numpy.take_along_axis(x, np.array([[0], [1]]), 1).sum())(x)
        array([[1., 0.],
               [0., 1.]])
    """
    if foreign(indices):  # another library's positions stay there (ops/gather_along.py)
        return _take_along_elsewhere(arr, indices, axis)
    idx = _indices(indices, "take_along_axis")
    if portable_b.numpy_only(arr):
        return np.take_along_axis(arr, idx, axis=axis)
    if axis is None:
        arr, axis = ravel(arr), 0
    if idx.ndim != arr.ndim:
        raise ValueError(
            f"take_along_axis: indices of shape {idx.shape} must have as many dimensions as the "
            f"array ({arr._describe()})"
        )
    axis = _axis(axis, arr.ndim, "take_along_axis")
    index = _along_axis_index(arr.shape, idx, axis)
    return _getitem(arr, index=index, shape=arr.shape, unique=False)


def _take_along_elsewhere(arr: Any, indices: Any, axis: Any) -> Any:
    """``take_along_axis`` at another library's integer ``indices``, of ``arr``'s shape but
    along ``axis``, in that library."""
    if dtype_kind(indices) not in "iu":
        raise IndexError(f"take_along_axis: indices must be integers, got a {describe(indices)}")
    if axis is None:
        arr, indices, axis = ravel(arr), ravel(indices), 0
    axis = _axis(axis, arr.ndim, "take_along_axis")
    others = [d for i, d in enumerate(indices.shape) if i != axis]
    if indices.ndim != arr.ndim or others != [d for i, d in enumerate(arr.shape) if i != axis]:
        raise ValueError(f"take_along_axis: indices of shape {tuple(indices.shape)} must have "
                         f"the array's shape but along axis {axis} ({describe(arr)})")
    return gather_along(arr, idx=primal(indices), axis=axis, size=arr.shape[axis])


# --- a permutation along one axis, found by another library -----------------------------------
# sort on another library's array: its own argsort gives the permutation, which stays there (a
# gather at positions worked out on the host would copy it out). Moving entries along
# ``perm`` is linear; its adjoint moves them back along the inverse permutation.
def _permute_impl(x, perm, inverse, axis):
    return np.take_along_axis(x, perm, axis)


def _permute_xp(x, perm, inverse, axis):
    return namespace(x, perm).take_along_axis(x, perm, axis=axis)


_permute = Primitive("permute_along", _permute_impl, save_args=False, save_ans=False,
                     register=True, xp_impl=_permute_xp)
_permute.defvjp(lambda g, ans, x, perm, inverse, axis:
                _permute(g, perm=inverse, inverse=perm, axis=axis))
_permute.defjvp(lambda t, ans, x, perm, inverse, axis:
                _permute(t, perm=perm, inverse=inverse, axis=axis))


def sort(a: Any, axis: Any = -1, kind: Any = None, order: Any = None, *, stable: Any = None):
    """``numpy.sort``: a permutation of ``a``, so its derivative moves cotangents back along
    the permutation. Convention: ties follow the stable argsort of the primal values.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> w = np.array([1.0, 10.0, 100.0])
        >>> cr.grad(lambda a: (cr.numpy.sort(a) * w).sum())(np.array([2.0, 0.0, 1.0])).tolist()
        [100.0, 1.0, 10.0]
    """
    if order is not None:
        raise ValueError("sort: order= (structured arrays) is not supported on traced values")
    if portable_b.numpy_only(a):
        return np.sort(a, axis=axis, kind=kind, stable=stable)
    if axis is None:
        a, axis = ravel(a), 0
    axis = _axis(axis, a.ndim, "sort")
    xp = portable_b.xp_of(a)
    if xp is not None:  # another library's array: its own stable argsort
        perm = xp.argsort(primal(a), axis=axis, stable=True)
        inverse = xp.argsort(perm, axis=axis, stable=True)
        return _permute(a, perm=perm, inverse=inverse, axis=axis)
    perm = np.argsort(primal(a), axis=axis, kind="stable")
    index = _along_axis_index(a.shape, perm, axis)
    # A permutation reads every place exactly once: its scatter can assign.
    return _getitem(a, index=index, shape=a.shape, unique=True)
