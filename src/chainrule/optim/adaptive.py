"""Parameter-specific learning rates (seed 003, section 3.5.3): AdaGrad, RMSProp, RMSProp with
Nesterov momentum and AdaDelta (Adam and AdamW are in ``adam.py``).

Conventions follow the seed; where PyTorch and optax differ, an option gives theirs:

* ``eps_inside_sqrt=True`` (seed: "one can use sqrt(A_i + eps) in the denominator") divides by
  ``sqrt(A + eps)``, as optax does for AdaGrad and RMSProp; ``False`` divides by
  ``sqrt(A) + eps`` as PyTorch does. For Adam, ``False`` is PyTorch's and optax's
  ``sqrt(A_hat) + eps`` on the bias-corrected second moment.
* ``initial_accumulator`` is the starting value of A: 0 in the seed and PyTorch (optax's
  AdaGrad starts at 0.1).

Each is a ``chain`` of the transformations in ``elementary.py`` and ``preconditioners.py``
(``check_finite``, ``add_decayed_weights``, ``scale_by_adagrad`` / ``scale_by_rms`` /
``scale_by_adadelta``, momentum). The optimizers check their gradients for NaN/inf by default
(``check_finite=True``) and raise ``NonFiniteGradientError`` (a ``FloatingPointError``)
naming the step and the leaf index.
``weight_decay`` is coupled L2 decay (``g <- g + lambda W``), except in ``adamw``.
"""

from __future__ import annotations

from chainrule.optim.base import GradientTransformation, LearningRate
from chainrule.optim.elementary import (
    add_decayed_weights,
    scale_by_learning_rate,
    scale_by_momentum,
    scale_by_nesterov,
)
from chainrule.optim.first_order import named
from chainrule.optim.preconditioners import (
    AdaDeltaState,
    AdaGradState,
    RMSPropState,
    scale_by_adadelta,
    scale_by_adagrad,
    scale_by_rms,
)
from chainrule.optim.validation import check_decay

__all__ = ["AdaDeltaState", "AdaGradState", "RMSPropState", "adadelta", "adagrad", "rmsprop",
           "rmsprop_nesterov"]


def adagrad(learning_rate: LearningRate = 1e-2, eps: float = 1e-8, *,
            eps_inside_sqrt: bool = True, initial_accumulator: float = 0.0,
            weight_decay: float = 0.0, check_finite: bool = True) -> GradientTransformation:
    """AdaGrad (seed 003, section 3.5.3.1):

        ``A_i <- A_i + (dL/dw_i)^2`` (eq. 3.40);  ``w_i <- w_i - alpha / sqrt(A_i + eps) dL/dw_i``

    PyTorch: ``eps=1e-10, eps_inside_sqrt=False`` (its ``lr_decay`` is
    ``inverse_decay(lr, lr_decay)`` as the learning rate). optax: ``eps=1e-7``, eps inside,
    ``initial_accumulator=0.1``.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import adagrad
        >>> tx = adagrad(0.1, eps=0.0)
        >>> tx.update(np.array([2.0, -0.5]), tx.init(np.zeros(2)))[0].tolist()  # -0.1 sign(g)
        [-0.1, 0.1]
    """
    return named("adagrad", check_finite, add_decayed_weights(weight_decay),
                 scale_by_adagrad(eps, eps_inside_sqrt=eps_inside_sqrt,
                                  initial_accumulator=initial_accumulator,
                                  learning_rate=learning_rate))


def rmsprop(learning_rate: LearningRate = 1e-2, rho: float = 0.9, eps: float = 1e-8, *,
            momentum: float = 0.0, eps_inside_sqrt: bool = True,
            initial_accumulator: float = 0.0, weight_decay: float = 0.0,
            check_finite: bool = True) -> GradientTransformation:
    """RMSProp (seed 003, section 3.5.3.2), A starting at 0 as the seed says:

        ``A_i <- rho A_i + (1 - rho) (dL/dw_i)^2`` (eq. 3.41);
        ``w_i <- w_i - alpha / sqrt(A_i + eps) dL/dw_i``

    ``momentum=beta > 0`` smooths the step as in section 3.5.2, with the gradient at the current
    point: ``v_i <- beta v_i - alpha / sqrt(A_i + eps) dL/dw_i;  w_i <- w_i + v_i`` (PyTorch's
    ``RMSprop(momentum=...)``). For the seed's Nesterov variant use ``rmsprop_nesterov``.
    ``rho`` defaults to 0.9 (Hinton's lecture, optax, Keras); PyTorch's ``alpha`` defaults to
    0.99 and it uses ``eps_inside_sqrt=False`` (optax, like the seed, puts eps inside). The
    ``centered`` variant of PyTorch and optax is not offered.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import rmsprop
        >>> tx = rmsprop(0.01, rho=0.75, eps=0.0)
        >>> tx.update(np.array([3.0]), tx.init(np.zeros(1)))[0].tolist()  # A = 0.25 * 9
        [-0.02]
    """
    check_decay("rmsprop", "momentum", momentum)
    rms = scale_by_rms(rho, eps, eps_inside_sqrt=eps_inside_sqrt,
                       initial_accumulator=initial_accumulator, learning_rate=learning_rate)
    smooth = (scale_by_momentum(momentum),) if momentum > 0 else ()
    return named("rmsprop", check_finite, add_decayed_weights(weight_decay), rms, *smooth)


def rmsprop_nesterov(learning_rate: LearningRate = 1e-2, rho: float = 0.9, beta: float = 0.9,
                     eps: float = 1e-8, *, eps_inside_sqrt: bool = True,
                     initial_accumulator: float = 0.0, weight_decay: float = 0.0,
                     check_finite: bool = True) -> GradientTransformation:
    """RMSProp with Nesterov momentum (seed 003, section 3.5.3.3); the gradient ``g`` must be
    taken at the lookahead point ``W + beta V`` (``tx.lookahead(params, state)``) and passed as
    ``LookaheadGradient(point, g)`` (plain gradients raise; ``Optimizer.step(params, grad_fn)``
    and ``train.fit`` do this for you):

        ``A_i <- rho A_i + (1 - rho) g_i^2`` (eq. 3.42);
        ``v_i <- beta v_i - alpha / sqrt(A_i + eps) g_i;  w_i <- w_i + v_i``

    A is updated before it is used, as in plain RMSProp (the seed lists eq. 3.42 after the
    velocity update but says A is maintained with the same shifted gradients). Like the seed's
    version, it does not correct the initialisation bias. PyTorch has no counterpart.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import LookaheadGradient, rmsprop_nesterov
        >>> tx, w = rmsprop_nesterov(0.01, rho=0.75, beta=0.5, eps=0.0), np.zeros(1)
        >>> state = tx.init(w)
        >>> g = LookaheadGradient(tx.lookahead(w, state), np.array([3.0]))  # V = 0: at w
        >>> u, state = tx.update(g, state, w)
        >>> u.tolist(), tx.lookahead(w, state).tolist()
        ([-0.02], [-0.01])
    """
    check_decay("rmsprop_nesterov", "beta", beta)
    rms = scale_by_rms(rho, eps, eps_inside_sqrt=eps_inside_sqrt,
                       initial_accumulator=initial_accumulator, learning_rate=learning_rate)
    return named("rmsprop_nesterov", check_finite, add_decayed_weights(weight_decay), rms,
                 scale_by_nesterov(beta, form="seed", name="rmsprop_nesterov"))


def adadelta(learning_rate: LearningRate = 1.0, rho: float = 0.9, eps: float = 1e-6, *,
             weight_decay: float = 0.0, check_finite: bool = True) -> GradientTransformation:
    """AdaDelta (seed 003, section 3.5.3.4): no global learning rate, the ratio of two running
    averages sets the step:

        ``A_i <- rho A_i + (1 - rho) (dL/dw_i)^2``;
        ``Dw_i = sqrt((delta_i + eps) / (A_i + eps)) dL/dw_i;  w_i <- w_i - Dw_i``;
        ``delta_i <- rho delta_i + (1 - rho) Dw_i^2`` (eq. 3.43, after the step: it uses only
        earlier increments)

    The seed writes ``sqrt(delta_i / A_i)``; since delta starts at 0, that step would stay 0
    forever, so eps sits inside both square roots, as in Zeiler's paper, PyTorch and optax
    (defaults ``rho=0.9``, ``eps=1e-6`` as theirs). ``learning_rate`` scales the applied step
    only (PyTorch's ``lr``, default 1: the seed's method); delta accumulates the unscaled Dw.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import adadelta
        >>> tx = adadelta(rho=0.5, eps=1e-2)
        >>> tx.update(np.array([1.0]), tx.init(np.zeros(1)))[0].round(6).tolist()
        [-0.140028]
    """
    return named("adadelta", check_finite, add_decayed_weights(weight_decay),
                 scale_by_adadelta(rho, eps), scale_by_learning_rate(learning_rate))
