"""Parameter-specific learning rates (seed 003, section 3.5.3): AdaGrad, RMSProp, RMSProp with
Nesterov momentum and AdaDelta (Adam and AdamW are in ``adam.py``).

Conventions follow the seed; where PyTorch and optax differ, an option gives theirs:

* ``eps_inside_sqrt=True`` (seed: "one can use sqrt(A_i + eps) in the denominator") divides by
  ``sqrt(A + eps)``, as optax does for AdaGrad and RMSProp; ``False`` divides by
  ``sqrt(A) + eps`` as PyTorch does. For Adam, ``False`` is PyTorch's and optax's
  ``sqrt(A_hat) + eps`` on the bias-corrected second moment.
* ``initial_accumulator`` is the starting value of A: 0 in the seed and PyTorch (optax's
  AdaGrad starts at 0.1).

The optimizers check their gradients for NaN/inf by default (``check_finite=True``) and raise
``NonFiniteGradientError`` (a ``FloatingPointError``) naming the step and the leaf index.
``weight_decay`` is coupled L2 decay (``g <- g + lambda W``), except in ``adamw``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from chainrule.optim.base import GradientTransformation, LearningRate
from chainrule.optim.leaves import (
    decayed_gradients,
    moved,
    next_count,
    zero_count,
    zeros_like_leaves,
)
from chainrule.optim.validation import check_common, check_decay, learning_rate_at
from chainrule.tree import tree_unflatten

Leaves = list[np.ndarray]  # one array per parameter leaf, in cr.tree_flatten order


class AdaGradState(NamedTuple):
    """AdaGrad's state: the step count and A (one array per parameter leaf).

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import adagrad
        >>> adagrad().init({"w": np.zeros(2)}).sum_sq
        [array([0., 0.])]
    """

    count: np.ndarray
    sum_sq: Leaves  # the seed's A_i: the sum of squared partial derivatives (eq. 3.40)


class RMSPropState(NamedTuple):
    """The state of ``rmsprop`` and ``rmsprop_nesterov``.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import rmsprop
        >>> rmsprop().init(np.zeros(2)).velocity is None     # no momentum, no velocity
        True
    """

    count: np.ndarray
    mean_sq: Leaves  # the seed's A_i: exponential average of squared derivatives (eq. 3.41)
    velocity: Leaves | None  # the seed's V (parameter units); None when there is no momentum


class AdaDeltaState(NamedTuple):
    """AdaDelta's state: the step count, A and delta.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import adadelta
        >>> adadelta().init(np.zeros(3))._fields
        ('count', 'mean_sq', 'mean_sq_delta')
    """

    count: np.ndarray
    mean_sq: Leaves  # A_i
    mean_sq_delta: Leaves  # delta_i: exponential average of the squared increments (eq. 3.43)


def _rms(a: Any, eps: float, inside: bool) -> Any:
    return np.sqrt(a + eps) if inside else np.sqrt(a) + eps


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
    op = "adagrad"
    learning_rate, eps, weight_decay, initial_accumulator = check_common(
        op, learning_rate, eps, weight_decay, initial_accumulator)

    def init(params: Any) -> AdaGradState:
        return AdaGradState(zero_count(), zeros_like_leaves(params, initial_accumulator))

    def update(grads: Any, state: AdaGradState, params: Any = None
               ) -> tuple[Any, AdaGradState]:
        g, treedef = decayed_gradients(op, grads, state.sum_sq, params, state.count,
                                       weight_decay, check_finite)
        lr = learning_rate_at(learning_rate, state.count)
        sum_sq = [a + gi * gi for a, gi in zip(state.sum_sq, g, strict=True)]
        steps = [-lr * gi / _rms(a, eps, eps_inside_sqrt) for a, gi in zip(sum_sq, g, strict=True)]
        return tree_unflatten(treedef, steps), AdaGradState(next_count(state.count), sum_sq)

    return GradientTransformation(init, update)


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
    op = "rmsprop"
    learning_rate, eps, weight_decay, initial_accumulator = check_common(
        op, learning_rate, eps, weight_decay, initial_accumulator)
    rho = check_decay(op, "rho", rho)
    momentum = check_decay(op, "momentum", momentum)

    def init(params: Any) -> RMSPropState:
        velocity = zeros_like_leaves(params) if momentum > 0 else None
        return RMSPropState(zero_count(), zeros_like_leaves(params, initial_accumulator),
                            velocity)

    def update(grads: Any, state: RMSPropState, params: Any = None
               ) -> tuple[Any, RMSPropState]:
        g, treedef = decayed_gradients(op, grads, state.mean_sq, params, state.count,
                                       weight_decay, check_finite)
        lr = learning_rate_at(learning_rate, state.count)
        mean_sq = [rho * a + (1 - rho) * gi * gi for a, gi in zip(state.mean_sq, g, strict=True)]
        steps = [-lr * gi / _rms(a, eps, eps_inside_sqrt)
                 for a, gi in zip(mean_sq, g, strict=True)]
        velocity = None
        if momentum > 0:
            steps = velocity = [momentum * v + s
                                for v, s in zip(state.velocity, steps, strict=True)]
        return tree_unflatten(treedef, steps), RMSPropState(next_count(state.count), mean_sq,
                                                            velocity)

    return GradientTransformation(init, update)


def rmsprop_nesterov(learning_rate: LearningRate = 1e-2, rho: float = 0.9, beta: float = 0.9,
                     eps: float = 1e-8, *, eps_inside_sqrt: bool = True,
                     initial_accumulator: float = 0.0, weight_decay: float = 0.0,
                     check_finite: bool = True) -> GradientTransformation:
    """RMSProp with Nesterov momentum (seed 003, section 3.5.3.3); the gradient ``g`` must be
    taken at the lookahead point ``W + beta V`` (``tx.lookahead(params, state)``):

        ``A_i <- rho A_i + (1 - rho) g_i^2`` (eq. 3.42);
        ``v_i <- beta v_i - alpha / sqrt(A_i + eps) g_i;  w_i <- w_i + v_i``

    A is updated before it is used, as in plain RMSProp (the seed lists eq. 3.42 after the
    velocity update but says A is maintained with the same shifted gradients). Like the seed's
    version, it does not correct the initialisation bias. PyTorch has no counterpart.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import rmsprop_nesterov
        >>> tx = rmsprop_nesterov(0.01, rho=0.75, beta=0.5, eps=0.0)
        >>> state = tx.init(np.zeros(1))
        >>> u, state = tx.update(np.array([3.0]), state)
        >>> u.tolist(), tx.lookahead(np.zeros(1), state).tolist()
        ([-0.02], [-0.01])
    """
    op = "rmsprop_nesterov"
    learning_rate, eps, weight_decay, initial_accumulator = check_common(
        op, learning_rate, eps, weight_decay, initial_accumulator)
    rho = check_decay(op, "rho", rho)
    beta = check_decay(op, "beta", beta)

    def init(params: Any) -> RMSPropState:
        return RMSPropState(zero_count(), zeros_like_leaves(params, initial_accumulator),
                            zeros_like_leaves(params))

    def lookahead(params: Any, state: RMSPropState) -> Any:
        return moved(params, state.velocity, beta)

    def update(grads: Any, state: RMSPropState, params: Any = None
               ) -> tuple[Any, RMSPropState]:
        g, treedef = decayed_gradients(op, grads, state.mean_sq, params, state.count,
                                       weight_decay, check_finite)
        lr = learning_rate_at(learning_rate, state.count)
        mean_sq = [rho * a + (1 - rho) * gi * gi for a, gi in zip(state.mean_sq, g, strict=True)]
        velocity = [beta * v - lr * gi / _rms(a, eps, eps_inside_sqrt)
                    for v, a, gi in zip(state.velocity, mean_sq, g, strict=True)]
        return tree_unflatten(treedef, velocity), RMSPropState(next_count(state.count), mean_sq,
                                                               velocity)

    return GradientTransformation(init, update, lookahead)


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
    op = "adadelta"
    learning_rate, eps, weight_decay, _ = check_common(op, learning_rate, eps, weight_decay)
    rho = check_decay(op, "rho", rho)

    def init(params: Any) -> AdaDeltaState:
        return AdaDeltaState(zero_count(), zeros_like_leaves(params), zeros_like_leaves(params))

    def update(grads: Any, state: AdaDeltaState, params: Any = None
               ) -> tuple[Any, AdaDeltaState]:
        g, treedef = decayed_gradients(op, grads, state.mean_sq, params, state.count,
                                       weight_decay, check_finite)
        lr = learning_rate_at(learning_rate, state.count)
        mean_sq = [rho * a + (1 - rho) * gi * gi for a, gi in zip(state.mean_sq, g, strict=True)]
        delta = [np.sqrt(d + eps) / np.sqrt(a + eps) * gi
                 for d, a, gi in zip(state.mean_sq_delta, mean_sq, g, strict=True)]
        mean_sq_delta = [rho * d + (1 - rho) * dw * dw
                         for d, dw in zip(state.mean_sq_delta, delta, strict=True)]
        return (tree_unflatten(treedef, [-lr * dw for dw in delta]),
                AdaDeltaState(next_count(state.count), mean_sq, mean_sq_delta))

    return GradientTransformation(init, update)
