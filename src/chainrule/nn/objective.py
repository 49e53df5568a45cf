"""The training objective as a function of the list of parameter arrays: what a training step
differentiates, in one process (``chainrule.train.step``) and in each data-parallel worker
(``chainrule.distributed.job``). The list is rebuilt into the model inside: a flat list is much
cheaper for the transformations to traverse than the module tree."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chainrule.tree import tree_unflatten


def parameter_objective(treedef: Any, loss: Callable[[Any, Any], Any],
                        penalty: Callable[[Any], Any] | None
                        ) -> Callable[[list, Any, Any], tuple[Any, Any]]:
    """``objective(params, xb, yb) -> (loss + penalty, model output)`` for the model whose
    flattened structure is ``treedef``.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> from chainrule.tree import tree_flatten
        >>> params, treedef = tree_flatten(nn.Linear(1, 1, rng=0))
        >>> f = parameter_objective(treedef, nn.mean_squared_error, None)
        >>> value, out = f(params, np.ones((2, 1)), np.zeros((2, 1)))
        >>> out.shape, bool(value >= 0)
        ((2, 1), True)
    """

    def objective(params: list, xb: Any, yb: Any) -> tuple[Any, Any]:
        model = tree_unflatten(treedef, params)
        out = model(xb)
        value = loss(out, yb)
        if penalty is not None:
            value = value + penalty(model)
        return value, out

    return objective
