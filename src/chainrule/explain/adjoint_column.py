"""The adjoint column of a trace table: the core backward sweep (``chainrule.sweeps``) keeping
every node's adjoint, not only the inputs', and marking as unknown (``None``) what depends on a
missing VJP rule instead of raising, so the table still shows everything else (seed 004,
"Reverse adjoint trace"). The tangent column is ``chainrule.sweeps.tangents`` as it is.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.sweeps import backward
from chainrule.tape import TapeEntry


def adjoints(tape: list[TapeEntry], seeds: dict[int, np.ndarray]) -> list[np.ndarray | None]:
    """The adjoint (cotangent) of every tape entry, from ``seeds`` at the outputs.

    Entries the outputs do not depend on get zeros; entries whose adjoint needs a VJP rule the
    primitive lacks get ``None``.

    Example:
        >>> import numpy as np
        >>> from chainrule.explain.recorder import Recorder
        >>> rec = Recorder(); x = rec.leaf(np.array(3.0)); y = x * x
        >>> [float(a) for a in adjoints(rec.tape, {1: np.array(1.0)})]
        [6.0, 1.0]
    """
    every: list[Any] = [None] * len(tape)
    unknown = [False] * len(tape)

    def missing(prim: Any, pos: int, parent: int) -> None:
        unknown[parent] = True

    if seeds:
        backward(tape, seeds, True, every=every, missing=missing)
    for i in range(len(tape) - 1, -1, -1):  # parents come first: one pass closes the set
        if unknown[i]:
            for _, j in tape[i].parents:
                unknown[j] = True
    return [None if unknown[i] else
            np.zeros(entry.shape, entry.dtype) if every[i] is None else np.asarray(every[i])
            for i, entry in enumerate(tape)]
