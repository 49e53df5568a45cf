"""Weight penalties: the regularization term lambda/n R(w) of seed 004's IGD algorithm (step 7a,
l(w) = l(delta) + lambda/n R(w)), with R(w) = sum |w| (L1) or sum w^2 (L2, no factor 1/2: its
gradient is 2 lambda/n w).

Given a module, only its *weights* are penalised by default: parameters with two or more axes
(weight matrices such as ``Linear.W``, ``Maxout.W``). Vectors and scalars (biases, batch-norm
gamma and beta, a learned leaky-ReLU alpha) are left out; pass ``weights_only=False`` to
include them. Given any other pytree (an array, a dict, a tuple), every leaf is penalised.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.nn.module import Module
from chainrule.tree import tree_leaves


def penalized(model_or_params: Any, weights_only: bool = True) -> list[Any]:
    """The arrays a penalty applies to (see the module docstring).

    Example:
        >>> from chainrule import nn
        >>> [p.shape for p in nn.penalized(nn.Linear(3, 2, rng=0))]
        [(3, 2)]
    """
    if isinstance(model_or_params, Module):
        params = model_or_params.parameters()
        return [p for p in params if np.ndim(p) >= 2] if weights_only else params
    return tree_leaves(model_or_params)


def _penalty(model_or_params: Any, lam: float, n: float, weights_only: bool,
             r: Callable[[Any], Any], op: str) -> Any:
    if n <= 0:
        raise ValueError(f"{op}: n is the number of training examples and must be positive, "
                         f"got {n!r}")
    total: Any = 0.0
    for w in penalized(model_or_params, weights_only):
        total = total + np.sum(r(w))
    return (lam / n) * total


def l2_penalty(model_or_params: Any, lam: float, n: float = 1, weights_only: bool = True) -> Any:
    """lambda/n * sum of squared weights.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> float(nn.l2_penalty({"w": np.array([1.0, 2.0])}, lam=0.5, n=5))  # 0.5/5 * 5
        0.5
    """
    return _penalty(model_or_params, lam, n, weights_only, lambda w: w * w, "l2_penalty")


def l1_penalty(model_or_params: Any, lam: float, n: float = 1, weights_only: bool = True) -> Any:
    """lambda/n * sum of absolute weights (derivative sign(w), 0 at w = 0).

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> float(nn.l1_penalty(np.array([1.0, -2.0]), lam=1.0, n=3))
        1.0
    """
    return _penalty(model_or_params, lam, n, weights_only, np.abs, "l1_penalty")
