"""Views and in-place updates of traced arrays, kept to NumPy's values.

In NumPy ``v = x[:2]`` is a view: after ``x[0] = 5`` (or ``x += 1``) ``v`` shows the new value,
and writing into ``v`` writes into ``x``. A traced value is immutable (the recorded graph needs
every intermediate), so an update makes a new recorded value (``index_update``) and rebinds the
tracer object to it. This module makes the tracers that NumPy would have made views follow:

* a basic-indexing view (``x[1:]``, ``x[0]``, ``x[:, None]``) is re-derived from its base after
  every update of the base, and an update of the view is written back into its base (and from
  there into the base's other views), exactly as NumPy's shared memory behaves;
* a view made otherwise (``reshape``, ``transpose``/``.T``, ``ravel``, ``swapaxes``,
  ``squeeze``, ``diagonal``, ``.real``/``.imag``...) is remembered; an update of it, or of its
  base while it is alive, raises, naming the view, rather than compute a value NumPy would not.

Only values of one trace are linked; links are weak, so a view nobody holds costs nothing.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

_PRUNE_AT = 16  # views remembered per array before dead references are dropped
# The "index" of a view that indexing cannot re-derive (reshape, transpose, ...).
UNFOLLOWABLE = object()


def shares_base(base: Any, view: Any) -> bool:
    """Whether the plain value of ``view`` is a NumPy view into the plain value of ``base``."""
    v, b = view._value, base._value
    if v.__class__ is not np.ndarray or b.__class__ is not np.ndarray:
        return False
    owner = v.base
    return owner is not None and (owner is b or owner is b.base)


def is_view_index(index: Any, ndim: int) -> bool:
    """Whether NumPy's ``x[index]`` is a view: basic indexing (integers, slices, ``None``,
    ``...``), except all-integer indexing of every axis, which gives a scalar copy."""
    t = index.__class__
    if t is slice or index is None or index is Ellipsis:
        return True
    if t is int:
        return ndim > 1
    basic = False
    integers = 0
    for i in index if t is tuple else (index,):
        if i is None or i is Ellipsis or i.__class__ is slice:
            basic = True
        elif i.__class__ is int or (isinstance(i, np.integer) and not isinstance(i, bool)):
            integers += 1
        else:  # arrays, lists, booleans: advanced indexing copies
            return False
    return basic or integers != ndim


def link_if_view(base: Any, out: Any) -> Any:
    """Remember ``out`` (or each array of a list/tuple ``out``) as a view of ``base`` that
    cannot be re-derived by indexing, where NumPy's result shares memory; returns ``out``."""
    from chainrule.tracer import Tracer

    for o in out if isinstance(out, list | tuple) else (out,):
        if isinstance(o, Tracer) and o is not base and shares_base(base, o):
            link(base, o, UNFOLLOWABLE)
    return out


def link(base: Any, view: Any, index: Any) -> None:
    """Remember that ``view`` is a NumPy view of ``base``: ``view == base[index]`` for a basic
    index, or ``UNFOLLOWABLE`` for a view that cannot be re-derived by indexing. As in NumPy,
    a view holds its base alive; a base holds its views weakly."""
    if view.__class__ is not base.__class__ or view._trace is not base._trace:
        return
    try:
        views = base._views
    except AttributeError:  # the first view of this array (the slot is unset until then)
        base._views = [weakref.ref(view)]
    else:
        if len(views) >= _PRUNE_AT:
            views[:] = [r for r in views if r() is not None]
        views.append(weakref.ref(view))
    view._base = (base, index)


def assign(x: Any, new: Any, what: str) -> None:
    """Give the tracer ``x`` the value ``new`` in place, as NumPy's ``x[...] = ...`` would:
    its live views are re-derived and, if ``x`` is itself a view, its base is updated."""
    _check_family(x, what)
    _assign(x, new)


def _assign(x: Any, new: Any) -> None:
    link_ = getattr(x, "_base", None)
    if link_ is not None:  # a view: update its base, whose refresh re-derives x and its views
        from chainrule.ops.indexing import index_update

        base, index = link_
        _assign(base, index_update(base, index, new))
        return
    x._rebind(new)
    _refresh(x)


def _refresh(x: Any) -> None:
    from chainrule.ops.getitem import getitem

    for ref in getattr(x, "_views", None) or ():
        view = ref()
        if view is not None:
            view._rebind(getitem(x, view._base[1]))
            _refresh(view)


def _check_family(x: Any, what: str) -> None:
    """Raise if the update would reach a view that cannot follow it (see the module doc)."""
    _check_views(x, what, x)
    link_ = getattr(x, "_base", None)
    while link_ is not None:
        base = link_[0]
        if link_[1] is UNFOLLOWABLE:
            raise _unfollowable(what, x, base, "the array it is a view of")
        _check_views(base, what, x)
        link_ = getattr(base, "_base", None)


def _check_views(x: Any, what: str, origin: Any) -> None:
    for view in _live_views(x):
        if view._base[1] is UNFOLLOWABLE:
            relation = "a view of it" if x is origin else "another view of the same array"
            raise _unfollowable(what, origin, view, relation)
        _check_views(view, what, origin)


def _live_views(x: Any) -> list[Any]:
    views = getattr(x, "_views", None)
    if not views:
        return []
    return [v for v in (r() for r in views) if v is not None]


def _unfollowable(what: str, x: Any, other: Any, relation: str) -> ValueError:
    return ValueError(
        f"{what}: the {x._describe()} being updated shares memory in NumPy with {relation} "
        f"({other._describe()}, made by reshape, transpose, ravel, diagonal or a similar view "
        "function), which is still in use. NumPy would change both; chainrule cannot follow "
        "such a view. Copy before updating (y = x.reshape(...).copy()), or make the view after "
        "the update."
    )


def in_place(x: Any, new: Any, what: str) -> Any:
    """``x op= v`` on a tracer: NumPy's in-place semantics (same shape, same dtype under
    'same_kind' casting, aliases and views see the change). Returns ``x``."""
    from chainrule.tracer import Tracer

    if not isinstance(new, Tracer) or new.__class__ is not x.__class__ or (
            new._trace is not x._trace):
        raise TypeError(
            f"x {what} v: v is traced by an inner transformation but x ({x._describe()}) "
            "belongs to an outer one, so x cannot be updated in place. Write x = x "
            f"{what[:-1]} v instead."
        )
    if new.shape != x.shape:
        raise ValueError(
            f"x {what} v: the result has shape {new.shape} but x ({x._describe()}) cannot grow "
            f"in place (NumPy: non-broadcastable output). Write x = x {what[:-1]} v instead."
        )
    if new.dtype != x.dtype:
        if not _same_kind(new.dtype, x.dtype, new, x):
            raise TypeError(
                f"x {what} v: the result is {new.dtype}, which NumPy does not cast into x's "
                f"dtype {x.dtype} in place (same_kind rule). Write x = x {what[:-1]} v instead."
            )
        new = new.astype(x.dtype)
    assign(x, new, f"x {what} v")
    return x


_KINDS = "buifc"  # NumPy's 'same_kind' order: a cast may go right, never left


def _same_kind(source: Any, target: Any, new: Any, x: Any) -> bool:
    """NumPy's ``can_cast(source, target, 'same_kind')``; for another library's dtypes the same
    rule on their kinds (the Array API has no 'same_kind' casting)."""
    if isinstance(source, np.dtype) and isinstance(target, np.dtype):
        return bool(np.can_cast(source, target, "same_kind"))
    from chainrule.backend import dtype_kind as kind

    return _KINDS.index(kind(new)) <= _KINDS.index(kind(x))
