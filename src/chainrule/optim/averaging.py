"""Polyak averaging (seed 003, section 3.5.7): running averages of the parameters that an
optimizer visits, for evaluation, which smooth out its bouncing in high-curvature valleys.

``polyak_averaging`` is a transformation to put last in a ``chain``: it passes the updates
through unchanged and averages the parameters ``W_t = params + updates`` each step reaches.
``averaged_params(state)`` reads the average back from the chain's state.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from chainrule.backend import foreign, namespace
from chainrule.optim.base import GradientTransformation
from chainrule.optim.leaves import next_count, param_leaves, zero_count
from chainrule.optim.validation import check_decay
from chainrule.tree import tree_flatten, tree_map, tree_unflatten


class AverageState(NamedTuple):
    """The state of ``polyak_averaging``.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import polyak_averaging
        >>> polyak_averaging(0.9).init({"w": np.ones(2)}).average
        {'w': array([1., 1.])}
    """

    count: np.ndarray  # 0-d int64: how many parameter vectors W_1 ... W_t have been averaged
    average: Any  # W_t^f, shaped like the parameters (the initial parameters before step 1)


def polyak_averaging(decay: float | None = None, *, formula: str = "explicit"
                     ) -> GradientTransformation:
    """Average the parameters ``W_1 ... W_t`` reached by the updates.

    ``decay=None``: the simple average ``W_T^f = sum_i W_i / T`` (eq. 3.57), kept as
    ``W_t^f = W_{t-1}^f + (W_t - W_{t-1}^f) / t``.

    ``decay=beta``: an exponential average. ``formula="explicit"`` is the seed's explicit
    formula ``W_t^f = sum_i beta^(t-i) W_i / sum_i beta^(t-i)`` exactly (kept recursively as
    ``W_t^f = W_{t-1}^f + (W_t - W_{t-1}^f) / S_t`` with ``S_t = sum_i beta^(t-i)``), so the
    first average is ``W_1`` and no zero start biases it. ``formula="recursive"`` is the seed's
    recursive formula ``W_t^f = (1 - beta) W_t + beta W_{t-1}^f`` started at ``W_1^f = W_1``
    (PyTorch's ``AveragedModel`` with an EMA); the two agree for large t.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import averaged_params, chain, polyak_averaging, sgd
        >>> tx, w = chain(sgd(1.0), polyak_averaging()), np.array([0.0])
        >>> state = tx.init(w)
        >>> for g in (-1.0, -1.0, -1.0):                 # W = 1, 2, 3
        ...     u, state = tx.update(np.array([g]), state, w)
        ...     w = w + u
        >>> averaged_params(state).tolist()
        [2.0]
    """
    op = "polyak_averaging"
    if decay is not None:
        decay = check_decay(op, "decay", decay)
    if formula not in ("explicit", "recursive"):
        raise ValueError(f"{op}: formula must be 'explicit' or 'recursive', got {formula!r}")

    def weight(t: int) -> float:
        """The weight of the newest point W_t in W_t^f."""
        if decay is None or t == 1:
            return 1.0 / t
        if formula == "recursive":
            return 1.0 - decay
        return (1.0 - decay) / (1.0 - decay**t)  # 1 / S_t

    def init(params: Any) -> AverageState:
        return AverageState(zero_count(), tree_map(_copy, params))

    def update(updates: Any, state: AverageState, params: Any = None
               ) -> tuple[Any, AverageState]:
        u, _ = tree_flatten(updates)
        p = param_leaves(op, params, u, "averaging the parameters")
        avg, treedef = tree_flatten(state.average)
        w = weight(int(state.count) + 1)
        reached = [_as_dtype(pi + ui, a.dtype) for pi, ui, a in zip(p, u, avg, strict=True)]
        average = [a + w * (r - a) for a, r in zip(avg, reached, strict=True)]
        return updates, AverageState(next_count(state.count), tree_unflatten(treedef, average))

    return GradientTransformation(init, update)


def _copy(p: Any) -> Any:
    """A copy of a parameter array, in its own library."""
    return np.array(p, copy=True) if not foreign(p) else namespace(p).asarray(p, copy=True)


def _as_dtype(x: Any, dtype: Any) -> Any:
    return np.asarray(x, dtype=dtype) if not foreign(x) else namespace(x).astype(x, dtype)


def averaged_params(state: Any) -> Any:
    """The averaged parameters kept by the one ``polyak_averaging`` inside ``state`` (the state
    of a chain that ends with it, or its own state).

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import averaged_params, polyak_averaging
        >>> averaged_params(polyak_averaging().init(np.array([1.0, 2.0]))).tolist()
        [1.0, 2.0]
    """
    found = list(_find_average_states(state))
    if len(found) != 1:
        raise ValueError(
            f"averaged_params: the state holds {len(found)} polyak_averaging states; it needs "
            "exactly one (chain the optimizer with polyak_averaging(...))"
        )
    return found[0].average


def _find_average_states(state: Any):
    if isinstance(state, AverageState):
        yield state
    elif type(state) is tuple:  # a chain's state
        for s in state:
            yield from _find_average_states(s)
