"""Adam with the seed's bias correction (seed 003, section 3.5.3.5, eq. 3.46), and AdamW
(Adam with decoupled weight decay).

As in ``adaptive.py``, ``eps_inside_sqrt=True`` is the seed's ``sqrt(A + eps)``; ``False`` is
PyTorch's and optax's ``sqrt(A_hat) + eps`` on the bias-corrected second moment. The gradients
are checked for NaN/inf by default (``check_finite=True``, ``NonFiniteGradientError``).
"""

from __future__ import annotations

from chainrule.optim.base import GradientTransformation, LearningRate
from chainrule.optim.elementary import add_decayed_weights, decoupled_weight_decay
from chainrule.optim.first_order import named
from chainrule.optim.preconditioners import AdamState, scale_by_adam

__all__ = ["AdamState", "adam", "adamw"]


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
    return named("adam", check_finite, add_decayed_weights(weight_decay),
                 scale_by_adam(beta1, beta2, eps, eps_inside_sqrt=eps_inside_sqrt,
                               learning_rate=learning_rate))


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
    return named("adamw", check_finite,
                 scale_by_adam(beta1, beta2, eps, eps_inside_sqrt=eps_inside_sqrt,
                               learning_rate=learning_rate),
                 decoupled_weight_decay(weight_decay, learning_rate))
