"""Broadcast elision: an elementwise operation reads the array a ``broadcast_to`` came from.

Reverse mode broadcasts cotangents back to the shape of a reduction's input (the gradient of
``sum(e, axis=1, keepdims=True)`` is ``broadcast_to(g, e.shape)``), and the next operation is
usually elementwise (``g_full * e``): NumPy's ufuncs broadcast by themselves, so the program can
hand the ufunc the small array and skip filling the big one. Each entry is computed from the
same two numbers either way, so the values are bit for bit the same, as long as the ufunc's
result has the broadcast's shape and the source keeps its dtype (a NumPy array, never a Python
number, whose weak type could change the result's dtype).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from chainrule.broadcast import broadcast_array


def elide_broadcasts(instructions: Sequence[tuple], layouts: Sequence[tuple],
                     constants: Sequence[Any]) -> list[tuple]:
    """The instructions with every elementwise read of a ``broadcast_to`` result replaced by a
    read of its source (the broadcast itself is left to dead-code removal)."""
    sources: dict[int, tuple[str, int]] = {}
    for _, impl, _params, refs, slot, _ in instructions:
        if impl is broadcast_array and len(refs) == 1 and _keeps_dtype(refs[0], layouts,
                                                                     constants):
            sources[slot] = refs[0]
    if not sources:
        return list(instructions)
    out = []
    for name, impl, params, refs, slot, op in instructions:
        if (isinstance(impl, np.ufunc) and impl is not np.matmul and impl.nout == 1
                and any(kind == "slot" and k in sources for kind, k in refs)):
            shape = layouts[slot][1]
            direct = [sources[k] if kind == "slot" and k in sources else (kind, k)
                      for kind, k in refs]
            if _broadcast_shape(direct, layouts, constants) == shape:
                refs = direct
        out.append((name, impl, params, refs, slot, op))
    return out


def _broadcast_shape(refs: Sequence[tuple[str, int]], layouts: Sequence[tuple],
                     constants: Sequence[Any]) -> tuple[int, ...] | None:
    """The shape NumPy broadcasts these operands to (None if one has no shape)."""
    shapes = [layouts[k][1] if kind == "slot" else np.shape(constants[k]) for kind, k in refs]
    if any(s is None for s in shapes):
        return None
    return np.broadcast_shapes(*shapes)


def _keeps_dtype(ref: tuple[str, int], layouts: Sequence[tuple], constants: Sequence[Any]) -> bool:
    kind, k = ref
    if kind == "slot":
        return layouts[k][0]
    return constants[k].__class__ is np.ndarray
