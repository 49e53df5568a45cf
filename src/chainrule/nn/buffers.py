"""Buffers: a module's non-trainable arrays (e.g. batch-norm running statistics, seed 003
section 3.6), kept in one dict per module and shared by every copy rebuilt from it. Their
arrays stay in their own library and on their own device (a GPU model's buffers live there).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.backend import foreign, library
from chainrule.tracer import primal


class Buffers(dict):
    """The non-trainable arrays of one module (a dict subclass, so never flattened as a tree)."""

    def assign(self, owner: str, name: str, value: Any) -> None:
        """Store ``value`` (its primal: no derivative) as buffer ``name`` of module class
        ``owner``, with the shape and dtype the buffer has.

        Example:
            >>> b = Buffers(count=np.zeros(2)); b.assign("M", "count", [1, 2])
            >>> b["count"].tolist(), b["count"].dtype
            ([1.0, 2.0], dtype('float64'))
        """
        old, new = self[name], primal(value)
        if getattr(new, "_jit_value", False) and getattr(old, "_staging", False):
            # inside cr.jit, a buffer that is an input of the program (fit's compiled step
            # passes buffers in and out): the new value is the program's. Elsewhere the read
            # of the staged value below refuses, as a compiled program cannot write it back.
            new = new.tracer
            if new.dtype != old.dtype:
                new = new.astype(old.dtype)
        elif not foreign(new):
            new = np.asarray(new)
        if tuple(new.shape) != tuple(old.shape):
            raise ValueError(f"{owner}: buffer {name!r} has shape {old.shape}; cannot assign a "
                             f"value of shape {new.shape}")
        if new.dtype != old.dtype:
            new = library(new).astype(new, old.dtype)
        self[name] = new


def copy_array(value: Any) -> Any:
    """A copy of an array's value, in its own library and on its own device.

    Example:
        >>> a = np.ones(2); copy_array(a) is a
        False
    """
    value = primal(value)
    if foreign(value):
        return library(value).asarray(value, copy=True)
    return np.array(value)
