"""Indexing: reading ``x[index]``, its adjoint scatter-add, and functional assignment.

Reading ``y = x[index]`` picks entries of ``x``; its VJP sends each cotangent entry back to the
place it was read from, adding where one place was read several times (repeated integer
indices: ``np.add.at``). That scatter-add is linear, and its own VJP is a read at the same
index, so the pair is closed under differentiation: derivatives of every order need only these
two primitives (they share the parameters ``index``, ``shape`` (of the read array) and
``unique``, which is True when no place can be read twice and a plain assignment scatters).

``x[index] = v`` on a traced value becomes ``y = index_update(x, index, v)``, the functional
``y = x.copy(); y[index] = v``: dy/dx is the identity with the overwritten places zeroed, dy/dv
gathers the cotangent from those places (only the last of repeated writes reaches ``v``, as in
NumPy, where the last write wins).

Index entries are static parameters (they are not differentiated): they must be constants.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.describe import describe
from chainrule.primitive import Primitive
from chainrule.tracer import Tracer, primal

__all__ = ["getitem", "index_update", "take", "take_along_axis", "sort"]

_BASIC_TYPES = (int, slice, type(None), type(Ellipsis))


def _constant_entry(entry: Any, op: str, what: str = "index arrays") -> Any:
    """One entry of an index as NumPy understands it; traced entries are refused."""
    if isinstance(entry, Tracer) or (
        isinstance(entry, list | tuple) and any(isinstance(e, Tracer) for e in _flat(entry))
    ):
        got = describe(entry) if isinstance(entry, Tracer) else "list with traced values"
        raise TypeError(
            f"{op}: {what} must be constant, but got a {got}. Integer positions and counts "
            "have no derivative: build them from plain values, e.g. with np.argmax(...), a "
            "comparison (they return constants) or cr.stop_gradient(...)."
        )
    if isinstance(entry, list | tuple):
        arr = np.asarray(entry)
        # np.asarray([]) is float64, which NumPy refuses as an index; an empty list selects none.
        return arr.astype(np.intp) if arr.size == 0 and arr.dtype.kind == "f" else arr
    return entry


def _flat(seq: Any):
    for e in seq:
        if isinstance(e, list | tuple):
            yield from _flat(e)
        else:
            yield e


def normalize_index(index: Any, op: str = "getitem") -> tuple[Any, bool]:
    """``(index, unique)``: ``index`` with lists made arrays, and whether every position is
    selected at most once (no integer arrays), so that a scatter may assign instead of add."""
    entries = index if type(index) is tuple else (index,)
    # Hot path: ints, slices, None and Ellipsis (``x[:, None]``, ``x[0]``) pass as they are.
    if all(type(e) in _BASIC_TYPES for e in entries):
        return index, True
    unique = True
    out = []
    for e in entries:
        e = _constant_entry(e, op)
        if isinstance(e, np.ndarray) and e.dtype.kind in "iu" and e.ndim > 0:
            unique = False
        out.append(e)
    return (tuple(out) if type(index) is tuple else out[0]), unique


# --- read: y = x[index] ---------------------------------------------------------------------
def _getitem_impl(x, index, shape, unique):
    return x[index]


def _scatter_add_impl(g, index, shape, unique):
    out = np.zeros(shape, dtype=np.result_type(g))
    if unique:
        out[index] = g
    else:
        np.add.at(out, index, g)  # repeated positions accumulate
    return out


_getitem = Primitive("getitem", _getitem_impl, save_args=False, save_ans=False, register=True)
_scatter_add = Primitive("scatter_add", _scatter_add_impl, save_args=False, save_ans=False,
                         register=True)
# Linear maps, adjoint to each other: <x[i], g> = <x, scatter_add(g)>.
_getitem.defvjp(lambda g, ans, x, **p: _scatter_add(g, **p))
_getitem.defjvp(lambda t, ans, x, **p: _getitem(t, **p))
_scatter_add.defvjp(lambda g, ans, x, **p: _getitem(g, **p))
_scatter_add.defjvp(lambda t, ans, x, **p: _scatter_add(t, **p))


def getitem(x: Any, index: Any) -> Any:
    """``x[index]``: basic slicing, ``None``, ``...``, integer arrays, boolean masks.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> cr.grad(lambda x: x[[0, 0, 2]].sum())(np.zeros(3)).tolist()  # repeats add up
        [2.0, 0.0, 1.0]
    """
    index, unique = normalize_index(index)
    if not isinstance(x, Tracer):
        return np.asarray(x)[index]
    return _getitem(x, index=index, shape=x.shape, unique=unique)


# --- write: y = x.copy(); y[index] = value --------------------------------------------------
def _index_update_impl(x, value, index, unique, keep):
    y = np.array(x, copy=True)
    y[index] = value
    return y


def _index_update_vjp_value(g, ans, x, value, index, unique, keep):
    c = _getitem(g, index=index, shape=g.shape, unique=unique)
    # Repeated writes: only the last write of each position shows in y (NumPy's rule).
    return c if keep is None else c * keep


_index_update = Primitive("index_update", _index_update_impl, save_args=False, save_ans=False,
                          register=True)
_index_update.defvjp(
    lambda g, ans, x, value, **p: _index_update(g, 0.0, **p),
    _index_update_vjp_value,
)
_index_update.defjvp(
    lambda t, ans, x, value, **p: _index_update(t, 0.0, **p),
    lambda t, ans, x, value, **p: _index_update(np.zeros(ans.shape, ans.dtype), t, **p),
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
    if isinstance(value, list | tuple):
        from chainrule.numpy.constant import asarray

        value = asarray(value)
    shape = np.shape(value)
    if shape and shape[0] == 1:
        # NumPy drops leading length-1 axes of the value; do it here so that the engine's
        # unbroadcasting maps the gathered cotangent back to the value's shape.
        k = 0
        while k < len(shape) and shape[k] == 1:
            k += 1
        value = _shape.reshape(value, shape[k:])
    keep = None if unique else _last_writes(np.shape(x), index)
    return _index_update(x, value, index=index, unique=unique, keep=keep)


# --- gathers built on getitem ---------------------------------------------------------------
def _indices(indices: Any, op: str) -> np.ndarray:
    arr = np.asarray(_constant_entry(indices, op, "indices"))
    if arr.dtype.kind not in "iu":
        raise IndexError(f"{op}: indices must be integers, got a {describe(arr)}")
    return arr


def _axis(axis: Any, ndim: int, op: str) -> int:
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(f"{op}: axis {axis} is out of bounds for {ndim} dimensions")
    return int(axis) % ndim


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
    idx = _indices(indices, "take")
    if not isinstance(a, Tracer):
        return np.take(a, idx, axis=axis, mode=mode)
    if axis is None:
        a, axis = _shape.ravel(a), 0
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
    idx = _indices(indices, "take_along_axis")
    if not isinstance(arr, Tracer):
        return np.take_along_axis(arr, idx, axis=axis)
    if axis is None:
        arr, axis = _shape.ravel(arr), 0
    if idx.ndim != arr.ndim:
        raise ValueError(
            f"take_along_axis: indices of shape {idx.shape} must have as many dimensions as the "
            f"array ({arr._describe()})"
        )
    axis = _axis(axis, arr.ndim, "take_along_axis")
    index = _along_axis_index(arr.shape, idx, axis)
    return _getitem(arr, index=index, shape=arr.shape, unique=False)


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
    if not isinstance(a, Tracer):
        return np.sort(a, axis=axis, kind=kind, stable=stable)
    if axis is None:
        a, axis = _shape.ravel(a), 0
    axis = _axis(axis, a.ndim, "sort")
    perm = np.argsort(primal(a), axis=axis, kind="stable")
    index = _along_axis_index(a.shape, perm, axis)
    # A permutation reads every place exactly once: its scatter can assign.
    return _getitem(a, index=index, shape=a.shape, unique=True)


from chainrule.ops import shape as _shape  # noqa: E402  (shape builds on getitem)
