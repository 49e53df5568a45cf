"""Reading and writing entries of other libraries' arrays (any Array API namespace) with NumPy's
index semantics, for the shape, indexing and joining primitives (DESIGN.md principle 5).

The Array API standard has basic indexing (integers, slices inside the bounds, ``None``,
``...``; every axis must be named) and ``take`` along one axis, but no fancy indexing, no
fancy assignment and no ``add.at``. Index entries are static parameters, NumPy constants on the
host, so NumPy itself can work out there which flat positions of the (C-ordered) array an index
picks (``positions``). A read is then one ``take`` from the flattened array (``gather``); its
adjoint, the scatter-add, is a few ``take``\\ s from the flattened cotangent padded with one zero,
one per repetition of a position, added in the order ``np.add.at`` adds them (``scatter``).
Only integer positions travel to the arrays' library: their values never leave it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np

from chainrule.backend import BackendError, dtype_kind, foreign, namespace
from chainrule.tracer import Tracer, primal

_INDEX_CONSTANTS = (int, np.integer, bool, np.bool_, slice, type(None), type(Ellipsis),
                    np.ndarray)


def xp_of(*values: Any) -> ModuleType | None:
    """The namespace of ``values`` (traced or not) when one is another library's array, else
    None: composite code keeps its NumPy branch for None.

    Example:
        >>> import numpy as np
        >>> xp_of(np.ones(2), 1.0) is None
        True
    """
    plain = [primal(v) for v in values]
    return namespace(*plain) if any(foreign(v) for v in plain) else None


def numpy_only(*values: Any) -> bool:
    """Whether no value is traced or another library's array: NumPy's own function computes
    the result then (the pass-through of chainrule's functions on plain NumPy values).

    Example:
        >>> numpy_only(np.ones(2), [1.0], 2.0)
        True
    """
    for v in values:
        if isinstance(v, Tracer) or foreign(v):
            return False
    return True




def zeros_in(v: Any) -> tuple[Any, bool]:
    """``(mask, hit)``: where the plain value of ``v`` is zero, as a boolean array of ``v``'s
    own library, and whether it is anywhere (a constant: no derivative flows through it).
    Inside ``cr.jit`` the mask is staged and ``hit`` True (``maybe_true``): callers take their
    general form, exact without zeros.

    Example:
        >>> zeros_in(np.array([0.0, 2.0]))[1]
        True
    """
    p = primal(v)
    if getattr(p, "_jit_value", False):
        return p == 0, True
    if not foreign(p):
        mask = np.asarray(p) == 0
        return mask, bool(mask.any())
    mask = p == 0
    return mask, bool(namespace(p).any(mask))


def as_dtype(mask: Any, dtype: Any) -> Any:
    """``mask`` (a constant array of any library) cast to ``dtype``."""
    if isinstance(mask, np.ndarray | np.generic):
        return mask.astype(dtype)
    return namespace(mask).astype(mask, dtype)


def standard_index(index: Any, shape: tuple[int, ...]) -> tuple | None:
    """``index`` (basic: integers, slices, ``None``, ``...``) in the form every Array API
    namespace accepts for an array of ``shape``: slices clipped to the axis, integers as
    Python ints, a trailing ``...`` naming the remaining axes; None for any other index.

    Example:
        >>> standard_index((slice(1, 10), None), (3, 4))
        (slice(1, None, 1), None, Ellipsis)
    """
    entries = index if type(index) is tuple else (index,)
    named = 0
    for e in entries:
        if type(e) is slice or (isinstance(e, int | np.integer) and not isinstance(e, bool)):
            named += 1
        elif e is not None and e is not Ellipsis:
            return None
    out: list[Any] = []
    axis, ellipsis = 0, False
    for e in entries:
        if e is None:
            out.append(None)
        elif e is Ellipsis:
            out.append(e)
            ellipsis = True
            axis += len(shape) - named
        else:
            if axis >= len(shape):
                raise IndexError(f"too many indices for an array of shape {shape}: {index!r}")
            out.append(_clip(e, shape[axis]) if type(e) is slice else int(e))
            axis += 1
    return tuple(out) if ellipsis else (*out, Ellipsis)


def _clip(s: slice, n: int) -> slice:
    """The slice ``s`` of an axis of length ``n`` with its bounds inside the axis (the standard
    leaves out-of-bounds starts and stops unspecified)."""
    start, stop, step = s.indices(n)
    count = len(range(start, stop, step))
    if count == 0:
        return slice(0, 0, 1) if n else slice(None)
    end = start + count * step  # one step past the last entry picked
    return slice(start, end if 0 <= end < n else None, step)


def foreign_mask(index: Any, ndim: int) -> bool:
    """Whether ``index`` is one boolean array of another library over all ``ndim`` axes (as
    ``x[x > 0]`` makes): the standard's boolean indexing, read and written by the library."""
    entries = index if type(index) is tuple else (index,)
    if len(entries) != 1 or not foreign(entries[0]):
        return False
    mask = entries[0]
    return mask.ndim == ndim and dtype_kind(mask) == "b"


def check_index(op: str, index: Any, x: Any) -> None:
    """Refuse, before anything is computed, index entries of another library that are not one
    boolean mask over all of ``x``'s axes: the positions of such fancy indices are worked out
    on the host, and the index is not copied there behind the user's back."""
    entries = index if type(index) is tuple else (index,)
    if all(isinstance(e, _INDEX_CONSTANTS) for e in entries) or foreign_mask(index, x.ndim):
        return
    e = next(e for e in entries if not isinstance(e, _INDEX_CONSTANTS))
    raise BackendError(
        f"{op}: an index entry of type {type(e).__module__}.{type(e).__name__}: of another "
        "library's arrays chainrule takes one boolean mask over all axes (x[x > 0]); the "
        "positions of other fancy indices are worked out on the host, and this index is not "
        "copied there behind your back. Give integer index arrays as NumPy arrays or lists "
        "(they are constants).")


def positions(shape: tuple[int, ...], select: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """The flat (C order) positions in an array of ``shape`` of the entries that ``select``
    (an index, ``np.diagonal``, any NumPy selection) picks, as an integer array of the
    selection's shape. Works on zero-memory broadcast views of each axis's coordinates.

    Example:
        >>> positions((2, 3), lambda a: a[[1, 0], ::2]).tolist()
        [[3, 5], [0, 2]]
    """
    total = np.array(select(np.broadcast_to(np.intp(0), shape)), dtype=np.intp)
    stride = 1
    for d in range(len(shape) - 1, -1, -1):
        n = shape[d]
        if n > 1:
            axis = np.arange(n, dtype=np.intp).reshape((n,) + (1,) * (len(shape) - d - 1))
            total += select(np.broadcast_to(axis, shape)) * stride
        stride *= n
    return total


def _take(xp: ModuleType, flat: Any, pos: np.ndarray) -> Any:
    return xp.take(flat, xp.asarray(pos.reshape(-1), device=flat.device), axis=0)


def gather(x: Any, pos: np.ndarray) -> Any:
    """The entries of ``x`` at the flat positions ``pos``, in the shape of ``pos``."""
    xp = namespace(x)
    return xp.reshape(_take(xp, xp.reshape(x, (-1,)), pos), pos.shape)


def scatter(g: Any, pos: np.ndarray, shape: tuple[int, ...]) -> Any:
    """Zeros of ``shape`` with each entry of ``g`` added at its flat position in ``pos`` (of
    ``g``'s shape); repeated positions add up in the order ``np.add.at`` adds them."""
    xp = namespace(g)
    flat = pos.reshape(-1)
    m = flat.size
    padded = xp.concat([xp.reshape(g, (-1,)), xp.zeros((1,), dtype=g.dtype, device=g.device)])
    # rank[j]: how many earlier entries of g go to the same position as entry j
    order = np.argsort(flat, kind="stable")
    ranked = flat[order]
    first = np.ones(m, dtype=bool)
    first[1:] = ranked[1:] != ranked[:-1]
    starts = np.maximum.accumulate(np.where(first, np.arange(m), 0))
    rank = np.empty(m, dtype=np.intp)
    rank[order] = np.arange(m) - starts
    out = None
    for r in range(int(rank.max()) + 1 if m else 0):
        chosen = np.flatnonzero(rank == r)
        source = np.full(math.prod(shape), m, dtype=np.intp)
        source[flat[chosen]] = chosen
        part = _take(xp, padded, source)
        out = part if out is None else out + part
    if out is None:
        return xp.zeros(shape, dtype=g.dtype, device=g.device)
    return xp.reshape(out, shape)


def overwrite(x: Any, pos: np.ndarray, value: Any) -> Any:
    """A new array: ``x`` with ``value`` (broadcast to ``pos``'s shape, cast to ``x``'s dtype)
    written at the flat positions ``pos``; of repeated positions the last write stays, as in
    NumPy's assignment."""
    xp = namespace(x, value)
    size = math.prod(x.shape)
    if isinstance(value, bool | int | float | complex):
        value = xp.full(pos.shape, value, dtype=x.dtype, device=x.device)
    else:
        value = xp.broadcast_to(xp.astype(value, x.dtype), pos.shape)
    source = np.arange(size, dtype=np.intp)
    source[pos.reshape(-1)] = size + np.arange(pos.size, dtype=np.intp)
    joined = xp.concat([xp.reshape(x, (-1,)), xp.reshape(value, (-1,))])
    return xp.reshape(_take(xp, joined, source), x.shape)
