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
    """One recorded operation (or input) of a reverse-mode trace: the tape's one record type.

    ``prim`` is the primitive (``None`` for an input); ``params`` its static parameters;
    ``args`` the primal inputs its VJP rules need (``None`` at the positions a primitive that
    saves none does not keep; ``explain`` keeps them all); ``ans`` its output when the rules
    need it (an input's value for an input); ``parents`` the ``(argument position, tape index)``
    of each traced input; ``shape`` and ``dtype`` the output's, to sum broadcast cotangents back
    and keep an input's precision.

    Reverse mode builds its records as plain tuples in this order: a tuple literal costs a
    third of a ``TapeEntry`` on the hot path of every traced operation (measured on seed 004's
    tiny graph: 2-4 us of about 45). ``explain``'s recorder keeps ``TapeEntry`` records; code
    reading an engine tape uses the positions below or ``TapeEntry._make(record)``.

    Example:
        >>> import numpy as np
        >>> from chainrule.reverse import ReverseTrace
        >>> trace = ReverseTrace()
        >>> y = trace.leaf(np.array([1.0, 2.0])) * 3.0
        >>> [TapeEntry._make(r).parents for r in trace.tape], trace.tape[1][SHAPE]
        ([(), [(0, 0)]], (2,))
    """

    prim: Any
    params: dict[str, Any] | None
    args: Any
    ans: Any
    parents: Any
    shape: tuple[int, ...]
    dtype: np.dtype


PRIM, PARAMS, ARGS, ANS, PARENTS, SHAPE, DTYPE = range(len(TapeEntry._fields))
