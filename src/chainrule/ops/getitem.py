"""Reading ``x[index]`` and its adjoint scatter-add: the two primitives every shape operation,
gather and join builds on.

Reading ``y = x[index]`` picks entries of ``x``; its VJP sends each cotangent entry back to the
place it was read from, adding where one place was read several times (repeated integer
indices: ``np.add.at``). That scatter-add is linear, and its own VJP is a read at the same
index, so the pair is closed under differentiation: derivatives of every order need only these
two primitives (they share the parameters ``index``, ``shape`` (of the read array) and
``unique``, which is True when no place can be read twice and a plain assignment scatters).

Index entries are static parameters (they are not differentiated): they must be constants.
On another library's arrays (``ops/portable_b.py``) both run in that library: basic indices and
a boolean mask of that library as its own indexing, NumPy index arrays and masks as flat
positions; an integer index array of that library is refused (BackendError).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.backend import dtype_kind, foreign, namespace
from chainrule.describe import describe
from chainrule.jit.errors import JitError
from chainrule.ops import portable_b
from chainrule.primitive import Primitive
from chainrule.tracer import Tracer

__all__ = ["getitem"]

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
        elif getattr(e, "_jit_value", False):  # positions computed inside cr.jit
            if not hasattr(e.array, "ndim"):
                raise JitError(f"cr.jit: {op} got an index computed from the inputs that is not "
                               "an array (np.nonzero's tuple, say): its entries' number depends "
                               "on the data; select with np.where(mask, x, 0) instead")
            if e.ndim > 0 and dtype_kind(e) in "iu":
                unique = False  # they may repeat
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


# Other libraries' arrays (ops/portable_b.py): basic indices as the Array API standard spells
# them, a boolean mask of the array's library as it is, any other index as flat positions
# worked out on the host by NumPy.
def _getitem_xp(x, index, shape, unique):
    basic = portable_b.standard_index(index, shape)
    if basic is not None:
        return x[basic]
    if portable_b.foreign_mask(index, len(shape)):
        return x[index]
    return portable_b.gather(x, portable_b.positions(shape, lambda a: a[index]))


def _scatter_add_xp(g, index, shape, unique):
    basic = portable_b.standard_index(index, shape)
    if basic is not None:  # basic indices never pick a place twice: an assignment
        index = tuple(e for e in basic if e is not None)  # (assignments take no new axes)
    elif not portable_b.foreign_mask(index, len(shape)):
        return portable_b.scatter(g, portable_b.positions(shape, lambda a: a[index]), shape)
    xp = namespace(g)
    out = xp.zeros(shape, dtype=g.dtype, device=g.device)
    out[index] = xp.reshape(g, out[index].shape) if basic is not None else g
    return out


_getitem = Primitive("getitem", _getitem_impl, save_args=False, save_ans=False, register=True,
                     xp_impl=_getitem_xp)
_scatter_add = Primitive("scatter_add", _scatter_add_impl, save_args=False, save_ans=False,
                         register=True, xp_impl=_scatter_add_xp)
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
    if not isinstance(x, Tracer) and not foreign(x):
        return np.asarray(x)[index]
    if getattr(x, "_value", x).__class__ is not np.ndarray and foreign(x):
        portable_b.check_index("getitem", index, x)  # refused before anything is recorded
    return _getitem(x, index=index, shape=x.shape, unique=unique)


def _axis(axis: Any, ndim: int, op: str) -> int:
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(f"{op}: axis {axis} is out of bounds for {ndim} dimensions")
    return int(axis) % ndim
