"""The tape of reverse mode: one named record per operation, in creation order.

Creation order is already a topological order of the graph, so the sweeps over a tape
(``chainrule.sweeps``) are plain loops. The same record serves the transforms (``grad``,
``vjp``), ``detect_anomaly`` and ``explain`` (trace tables, graphs, path sums): what a node
is called and where its parts sit is said once, here.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np


class TapeEntry(NamedTuple):
    """One recorded operation (or input) of a reverse-mode trace.

    ``prim`` is the primitive (``None`` for an input); ``params`` its static parameters;
    ``args`` the primal inputs its VJP rules need (``None`` at the positions a primitive that
    saves none does not keep; ``explain`` keeps them all); ``ans`` its output when the rules
    need it (an input's value for an input); ``parents`` the ``(argument position, tape index)``
    of each traced input; ``shape`` and ``dtype`` the output's, to sum broadcast cotangents back
    and keep an input's precision.

    Example:
        >>> import numpy as np
        >>> from chainrule.reverse import ReverseTrace
        >>> trace = ReverseTrace()
        >>> y = trace.leaf(np.array([1.0, 2.0])) * 3.0
        >>> [(e.prim and e.prim.name, e.parents, e.shape) for e in trace.tape]
        [(None, (), (2,)), ('multiply', [(0, 0)], (2,))]
    """

    prim: Any
    params: dict[str, Any] | None
    args: Any
    ans: Any
    parents: Any
    shape: tuple[int, ...]
    dtype: np.dtype


# Building a record with tuple.__new__ skips NamedTuple's Python-level __new__: recording is on
# the hot path of every traced operation (about 3x cheaper per record).
new_entry = tuple.__new__
