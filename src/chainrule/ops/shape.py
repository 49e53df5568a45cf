"""Shape primitives: reshape, broadcast_to, transpose; and the functions composed from them and
from ``getitem`` (ravel, squeeze, expand_dims, moveaxis, tile, repeat, flip ...).

Every function here moves entries without changing them, so each derivative rule is the inverse
movement (reshape back, sum over broadcast axes, inverse permutation). Joining and splitting
(concatenate, stack, split, atleast_*) live in ``ops/join.py``, ``pad`` and ``roll`` in
``ops/padding.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.backend import namespace
from chainrule.broadcast import broadcast_array, unbroadcast
from chainrule.ops.getitem import _axis, _constant_entry, _getitem
from chainrule.ops.portable_b import numpy_only
from chainrule.primitive import Primitive
from chainrule.tracer import Tracer

__all__ = [
    "reshape", "broadcast_to", "transpose", "ravel", "swapaxes", "moveaxis", "expand_dims",
    "squeeze", "tile", "repeat", "flip", "fliplr", "flipud",
]

# --- primitives -----------------------------------------------------------------------------
_reshape = Primitive("reshape", lambda x, shape: np.asarray(x).reshape(shape), save_ans=False,
                     register=True, xp_impl=lambda x, shape: namespace(x).reshape(x, shape))
_reshape.defvjp(lambda g, ans, x, shape: _reshape(g, shape=x.shape))
_reshape.defjvp(lambda t, ans, x, shape: _reshape(t, shape=shape))


def reshape(a, /, shape, order="C", *, copy=None):
    """``numpy.reshape`` (C order only: other orders raise)."""
    if order != "C":
        raise ValueError(f"reshape: order={order!r} is not supported on traced values; use 'C'")
    shape = (int(shape),) if isinstance(shape, int | np.integer) else tuple(shape)
    return _reshape(a, shape=shape)


def _broadcast_to_vjp(g, ans, x, shape):
    return unbroadcast(g, _shape(x))


_broadcast_to = Primitive("broadcast_to", broadcast_array, save_ans=False, register=True,
                          xp_impl=lambda x, shape: namespace(x).broadcast_to(x, shape))
_broadcast_to.defvjp(_broadcast_to_vjp)
_broadcast_to.defjvp(lambda t, ans, x, shape: _broadcast_to(t, shape=shape))


def broadcast_to(array, shape, subok=False):
    """``numpy.broadcast_to``."""
    return _broadcast_to(array, shape=tuple(shape) if not isinstance(shape, int) else (shape,))


def _transpose_vjp(g, ans, x, axes):
    return _transpose(g, axes=None if axes is None else tuple(np.argsort(axes)))


def _transpose_xp(x, axes):
    return namespace(x).permute_dims(x, tuple(range(x.ndim))[::-1] if axes is None else axes)


def _transpose_impl(x, axes):
    # the method skips np.transpose's dispatch (0.25 us of 0.5 on a small matrix)
    return x.transpose(axes) if x.__class__ is np.ndarray else np.transpose(x, axes)


_transpose = Primitive("transpose", _transpose_impl, save_ans=False, register=True,
                       xp_impl=_transpose_xp)
_transpose.defvjp(_transpose_vjp)
_transpose.defjvp(lambda t, ans, x, axes: _transpose(t, axes=axes))


def transpose(a, axes=None):
    """``numpy.transpose``."""
    if axes is None:
        return _transpose(a, axes=None)
    ndim = _ndim(a)
    if isinstance(axes, int | np.integer):
        axes = (axes,)
    # Negative axes are made positive so that argsort gives the inverse permutation.
    return _transpose(a, axes=tuple(_axis(ax, ndim, "transpose") for ax in axes))


# --- helpers --------------------------------------------------------------------------------
def _ndim(a: Any) -> int:
    return a.ndim if isinstance(a, Tracer | np.ndarray) else np.ndim(a)


def _shape(a: Any) -> tuple[int, ...]:
    """``a.shape`` for arrays of any library, traced or not (``np.shape`` for the rest)."""
    shape = getattr(a, "shape", None)
    return tuple(shape) if shape is not None else np.shape(a)


def _axes(axis: Any, ndim: int, op: str) -> tuple[int, ...]:
    """``axis`` (int or sequence) as a tuple of distinct non-negative axes."""
    axes = (axis,) if isinstance(axis, int | np.integer) else tuple(axis)
    axes = tuple(_axis(ax, ndim, op) for ax in axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{op}: repeated axis in {axis!r}")
    return axes


def _static_ints(value: Any, name: str, op: str) -> np.ndarray:
    arr = np.asarray(_constant_entry(value, op, name))
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{op}: {name} must be integers, got {arr.dtype} values")
    return arr


# --- reshapes -------------------------------------------------------------------------------
def ravel(a, order="C"):
    """``numpy.ravel`` (C order only: other orders raise)."""
    if order != "C":
        raise ValueError(f"ravel: order={order!r} is not supported on traced values; use 'C'")
    if numpy_only(a):
        return np.ravel(a)
    return _reshape(a, shape=(a.size,))


def squeeze(a, axis=None):
    """``numpy.squeeze``."""
    if numpy_only(a):
        return np.squeeze(a, axis)
    shape = a.shape
    if axis is None:
        return _reshape(a, shape=tuple(n for n in shape if n != 1))
    axes = _axes(axis, a.ndim, "squeeze")
    if any(shape[ax] != 1 for ax in axes):
        raise ValueError(
            f"squeeze: cannot squeeze axis {axis!r} of a {a._describe()}: its length is not one"
        )
    return _reshape(a, shape=tuple(n for d, n in enumerate(shape) if d not in axes))


def expand_dims(a, axis):
    """``numpy.expand_dims``: length-one axes inserted at ``axis`` (int or tuple)."""
    if numpy_only(a):
        return np.expand_dims(a, axis)
    count = 1 if isinstance(axis, int | np.integer) else len(axis)
    axes = _axes(axis, a.ndim + count, "expand_dims")
    rest = iter(a.shape)
    return _reshape(a, shape=tuple(1 if d in axes else next(rest) for d in range(a.ndim + count)))


# --- axis permutations ----------------------------------------------------------------------
def swapaxes(a, axis1, axis2):
    """``numpy.swapaxes``."""
    ndim = _ndim(a)
    perm = list(range(ndim))
    i, j = _axis(axis1, ndim, "swapaxes"), _axis(axis2, ndim, "swapaxes")
    perm[i], perm[j] = perm[j], perm[i]
    return _transpose(a, axes=tuple(perm))


def moveaxis(a, source, destination):
    """``numpy.moveaxis``."""
    ndim = _ndim(a)
    src = _axes(source, ndim, "moveaxis")
    dst = _axes(destination, ndim, "moveaxis")
    if len(src) != len(dst):
        raise ValueError("moveaxis: `source` and `destination` must have the same number of axes")
    order = [d for d in range(ndim) if d not in src]
    for d, s in sorted(zip(dst, src, strict=True)):
        order.insert(d, s)
    return _transpose(a, axes=tuple(order))


# --- repetitions ----------------------------------------------------------------------------
def tile(A, reps):
    """``numpy.tile``: a broadcast of ``A`` with interleaved length-one axes, then a reshape
    (so its VJP is a sum over the copies)."""
    if numpy_only(A):
        return np.tile(A, reps)
    reps = tuple(int(r) for r in _static_ints(reps, "reps", "tile").reshape(-1))
    shape = (1,) * (len(reps) - A.ndim) + A.shape
    reps = (1,) * (len(shape) - len(reps)) + reps
    spread = tuple(n for s in shape for n in (1, s))
    copies = tuple(n for r, s in zip(reps, shape, strict=True) for n in (r, s))
    tiled = _broadcast_to(_reshape(A, shape=spread), shape=copies)
    return _reshape(tiled, shape=tuple(r * s for r, s in zip(reps, shape, strict=True)))


def repeat(a, repeats, axis=None):
    """``numpy.repeat``: an int repeats by broadcasting; per-entry repeats by a gather."""
    r = _static_ints(repeats, "repeats", "repeat")
    if numpy_only(a):
        return np.repeat(a, r, axis)
    if axis is None:
        a, axis = ravel(a), 0
    axis = _axis(axis, a.ndim, "repeat")
    shape, head, tail = a.shape, a.shape[: axis + 1], a.shape[axis + 1 :]
    if r.size == 1 and r.ndim <= 1:
        k = int(r.reshape(()))
        if k < 0:
            raise ValueError(f"repeat: repeats must be non-negative, got {k}")
        spread = _broadcast_to(_reshape(a, shape=(*head, 1, *tail)), shape=(*head, k, *tail))
        return _reshape(spread, shape=(*shape[:axis], shape[axis] * k, *tail))
    idx = np.repeat(np.arange(shape[axis]), r)
    return _getitem(a, index=(slice(None),) * axis + (idx,), shape=shape, unique=False)


# --- reorderings ----------------------------------------------------------------------------
def flip(m, axis=None):
    """``numpy.flip``: a reversed slice along each axis in ``axis`` (all axes if None)."""
    if numpy_only(m):
        return np.flip(m, axis)
    axes = range(m.ndim) if axis is None else _axes(axis, m.ndim, "flip")
    index = tuple(slice(None, None, -1) if d in axes else slice(None) for d in range(m.ndim))
    return _getitem(m, index=index, shape=m.shape, unique=True)


def fliplr(m):
    """``numpy.fliplr``."""
    if _ndim(m) < 2:
        raise ValueError(f"fliplr: the input must be at least 2-d, got shape {_shape(m)}")
    return flip(m, 1)


def flipud(m):
    """``numpy.flipud``."""
    if _ndim(m) < 1:
        raise ValueError("flipud: the input must be at least 1-d, got a scalar")
    return flip(m, 0)
