"""Adam with the seed's bias correction (seed 003, section 3.5.3.5, eq. 3.46), and AdamW
(Adam with decoupled weight decay).

As in ``adaptive.py``, ``eps_inside_sqrt=True`` is the seed's ``sqrt(A + eps)``; ``False`` is
PyTorch's and optax's ``sqrt(A_hat) + eps`` on the bias-corrected second moment. The gradients
are checked for NaN/inf by default (``check_finite=True``, ``NonFiniteGradientError``).
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from chainrule.optim.base import GradientTransformation, LearningRate
from chainrule.optim.leaves import (
    decayed_gradients,
    next_count,
    param_leaves,
    zero_count,
    zeros_like_leaves,
)
from chainrule.optim.validation import (
    check_common,
    check_decay,
    check_nonnegative,
    learning_rate_at,
)
from chainrule.tree import tree_unflatten

Leaves = list[np.ndarray]  # one array per parameter leaf, in cr.tree_flatten order


class AdamState(NamedTuple):
    """The state of ``adam`` and ``adamw``: the step count, F and A.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import adam
        >>> state = adam().init({"W": np.zeros((2, 3)), "b": np.zeros(3)})
        >>> state.count.dtype.name, [a.shape for a in state.first_moment]
        ('int64', [(2, 3), (3,)])
    """

    count: np.ndarray
    first_moment: Leaves  # the seed's F_i (eq. 3.45)
    second_moment: Leaves  # the seed's A_i (eq. 3.44)


def adam(learning_rate: LearningRate = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
         eps: float = 1e-8, *, eps_inside_sqrt: bool = True, weight_decay: float = 0.0,
         check_finite: bool = True) -> GradientTransformation:
    """Adam (seed 003, section 3.5.3.5), with ``beta1`` the seed's rho_f and ``beta2`` its rho
    (defaults 0.9 and 0.999 from the Adam paper); F and A start at 0:

        ``A_i <- rho A_i + (1 - rho) (dL/dw_i)^2`` (eq. 3.44);
        ``F_i <- rho_f F_i + (1 - rho_f) dL/dw_i`` (eq. 3.45);
        ``alpha_t = alpha sqrt(1 - rho^t) / (1 - rho_f^t)`` (eq. 3.46, t = 1, 2, ...);
        ``w_i <- w_i - alpha_t / sqrt(A_i + eps) F_i``

    ``eps_inside_sqrt=False`` is PyTorch's and optax's form,
    ``w_i <- w_i - alpha F_hat_i / (sqrt(A_hat_i) + eps)`` with ``F_hat = F / (1 - rho_f^t)``,
    ``A_hat = A / (1 - rho^t)``. ``weight_decay`` is coupled (PyTorch's ``Adam``); for
    decoupled decay use ``adamw``.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import adam
        >>> tx = adam(0.1, eps=0.0)
        >>> tx.update(np.array([5.0, -0.2]), tx.init(np.zeros(2)))[0].round(12).tolist()
        [-0.1, 0.1]
    """
    return _adam("adam", learning_rate, beta1, beta2, eps, eps_inside_sqrt, weight_decay, 0.0,
                 check_finite)


def adamw(learning_rate: LearningRate = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
          eps: float = 1e-8, weight_decay: float = 1e-2, *, eps_inside_sqrt: bool = True,
          check_finite: bool = True) -> GradientTransformation:
    """AdamW: Adam (see ``adam``) plus decoupled weight decay, ``w <- w - alpha_t' lambda w``
    where ``alpha_t'`` is the learning rate (its schedule value, without Adam's bias
    correction), as in PyTorch's ``AdamW`` (default ``weight_decay=1e-2``; optax's is 1e-4).

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import adamw
        >>> tx, w = adamw(0.1, eps=0.0, weight_decay=0.5), np.array([2.0])
        >>> tx.update(np.array([3.0]), tx.init(w), w)[0].tolist()   # -0.1 - 0.1 * 0.5 * 2
        [-0.2]
    """
    return _adam("adamw", learning_rate, beta1, beta2, eps, eps_inside_sqrt, 0.0, weight_decay,
                 check_finite)


def _adam(op: str, learning_rate: LearningRate, beta1: float, beta2: float, eps: float,
          eps_inside_sqrt: bool, coupled_wd: float, decoupled_wd: float,
          check_finite: bool) -> GradientTransformation:
    learning_rate, eps, coupled_wd, _ = check_common(op, learning_rate, eps, coupled_wd)
    decoupled_wd = check_nonnegative(op, "weight_decay", decoupled_wd)
    beta1 = check_decay(op, "beta1", beta1)
    beta2 = check_decay(op, "beta2", beta2)

    def init(params: Any) -> AdamState:
        return AdamState(zero_count(), zeros_like_leaves(params), zeros_like_leaves(params))

    def update(grads: Any, state: AdamState, params: Any = None) -> tuple[Any, AdamState]:
        g, treedef = decayed_gradients(op, grads, state.first_moment, params, state.count,
                                       coupled_wd, check_finite)
        lr = learning_rate_at(learning_rate, state.count)
        t = int(state.count) + 1
        first = [beta1 * f + (1 - beta1) * gi for f, gi in zip(state.first_moment, g, strict=True)]
        second = [beta2 * a + (1 - beta2) * gi * gi
                  for a, gi in zip(state.second_moment, g, strict=True)]
        if eps_inside_sqrt:  # the seed: alpha_t = alpha sqrt(1 - rho^t) / (1 - rho_f^t)
            alpha_t = lr * math.sqrt(1 - beta2**t) / (1 - beta1**t)
            steps = [-alpha_t * f / np.sqrt(a + eps) for f, a in zip(first, second, strict=True)]
        else:  # PyTorch / optax: alpha F_hat / (sqrt(A_hat) + eps)
            step_size, root_c2 = lr / (1 - beta1**t), math.sqrt(1 - beta2**t)
            steps = [-step_size * f / (np.sqrt(a) / root_c2 + eps)
                     for f, a in zip(first, second, strict=True)]
        if decoupled_wd:  # AdamW: - alpha lambda W, outside Adam's normalisation
            p = param_leaves(op, params, g, "decoupled weight decay")
            steps = [s - lr * decoupled_wd * w for s, w in zip(steps, p, strict=True)]
        return tree_unflatten(treedef, steps), AdamState(next_count(state.count), first, second)

    return GradientTransformation(init, update)
