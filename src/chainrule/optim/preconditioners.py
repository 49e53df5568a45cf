"""Parameter-specific learning rates (seed 003, section 3.5.3) as transformations: AdaGrad's,
RMSProp's, AdaDelta's and Adam's scaling of the gradient, each alone.

The seed writes the step of AdaGrad, RMSProp and Adam as a per-parameter learning rate times
the gradient, ``-alpha / sqrt(A_i + eps) dL/dw_i``. Rounding depends on where alpha enters, so
these take an optional ``learning_rate``: given, they return the step ``-alpha g / sqrt(...)``
computed in that order (the named optimizers use this, which keeps their iterates bit for bit
what they were); left out, they return the unscaled ``g / sqrt(...)``, to be followed by
``scale_by_learning_rate`` as in optax (the same maths, rounded differently). AdaDelta has no
learning rate of its own (``scale_by_learning_rate`` after it scales the applied step).

``eps_inside_sqrt=True`` is the seed's ``sqrt(A + eps)``; ``False`` is PyTorch's
``sqrt(A) + eps`` (for Adam: ``sqrt(A_hat) + eps`` on the bias-corrected moment).
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from chainrule.backend import namespace
from chainrule.optim.base import GradientTransformation, LearningRate
from chainrule.optim.leaves import (
    from_count,
    gradient_leaves,
    next_count,
    zero_count,
    zeros_like_leaves,
)
from chainrule.optim.validation import (
    check_decay,
    check_learning_rate,
    check_nonnegative,
    learning_rate_at,
)
from chainrule.tree import tree_unflatten

Leaves = list[np.ndarray]  # one array per parameter leaf, in cr.tree_flatten order


class AdaGradState(NamedTuple):
    """``scale_by_adagrad``'s state: the step count and A (one array per parameter leaf).

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import scale_by_adagrad
        >>> scale_by_adagrad().init({"w": np.zeros(2)}).sum_sq
        [array([0., 0.])]
    """

    count: np.ndarray
    sum_sq: Leaves  # the seed's A_i: the sum of squared partial derivatives (eq. 3.40)


class RMSPropState(NamedTuple):
    """``scale_by_rms``'s state: the step count and A.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import scale_by_rms
        >>> scale_by_rms().init(np.zeros(2))._fields
        ('count', 'mean_sq')
    """

    count: np.ndarray
    mean_sq: Leaves  # the seed's A_i: exponential average of squared derivatives (eq. 3.41)


class AdaDeltaState(NamedTuple):
    """``scale_by_adadelta``'s state: A and delta.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import scale_by_adadelta
        >>> scale_by_adadelta().init(np.zeros(3))._fields
        ('mean_sq', 'mean_sq_delta')
    """

    mean_sq: Leaves  # A_i
    mean_sq_delta: Leaves  # delta_i: exponential average of the squared increments (eq. 3.43)


class AdamState(NamedTuple):
    """``scale_by_adam``'s state: the step count, F and A.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import scale_by_adam
        >>> state = scale_by_adam().init({"W": np.zeros((2, 3)), "b": np.zeros(3)})
        >>> state.count.dtype.name, [a.shape for a in state.first_moment]
        ('int64', [(2, 3), (3,)])
    """

    count: np.ndarray
    first_moment: Leaves  # the seed's F_i (eq. 3.45)
    second_moment: Leaves  # the seed's A_i (eq. 3.44)


def _adam_scalars(count: Any, learning_rate: Any, beta1: float, beta2: float,
                  inside: bool) -> tuple[float, float]:
    """Adam's step size and bias-correction root after ``count`` updates, as Python floats:
    ``alpha sqrt(1 - beta2^t) / (1 - beta1^t)`` (the seed's, ``inside``), or ``alpha /
    (1 - beta1^t)`` and ``sqrt(1 - beta2^t)`` (PyTorch's), with ``t = count + 1``."""
    lr = 1.0 if learning_rate is None else learning_rate_at(learning_rate, count)
    sign = 1.0 if learning_rate is None else -1.0
    t = int(count) + 1
    if inside:
        return sign * (lr * math.sqrt(1 - beta2**t) / (1 - beta1**t)), 1.0
    return sign * (lr / (1 - beta1**t)), math.sqrt(1 - beta2**t)


def _rms(a: Any, eps: float, inside: bool) -> Any:
    sqrt = namespace(a).sqrt  # the accumulators' own library (NumPy, or CuPy on a GPU)
    return sqrt(a + eps) if inside else sqrt(a) + eps


def _rate(op: str, learning_rate: LearningRate | None) -> LearningRate | None:
    return None if learning_rate is None else check_learning_rate(op, learning_rate)


def _scaled_by_rms(g: list, acc: list, lr: float | None, eps: float, inside: bool) -> list:
    if lr is None:
        return [gi / _rms(a, eps, inside) for a, gi in zip(acc, g, strict=True)]
    return [-lr * gi / _rms(a, eps, inside) for a, gi in zip(acc, g, strict=True)]


def scale_by_adagrad(eps: float = 1e-8, *, eps_inside_sqrt: bool = True,
                     initial_accumulator: float = 0.0,
                     learning_rate: LearningRate | None = None) -> GradientTransformation:
    """AdaGrad's scaling (seed 003, section 3.5.3.1): ``A_i <- A_i + g_i^2`` (eq. 3.40), then
    ``g_i / sqrt(A_i + eps)``, or the step ``-alpha g_i / sqrt(A_i + eps)`` with
    ``learning_rate``.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import scale_by_adagrad
        >>> tx = scale_by_adagrad(eps=0.0)
        >>> tx.update(np.array([2.0, -0.5]), tx.init(np.zeros(2)))[0].tolist()  # sign(g)
        [1.0, -1.0]
    """
    op = "scale_by_adagrad"
    eps = check_nonnegative(op, "eps", eps)
    initial_accumulator = check_nonnegative(op, "initial_accumulator", initial_accumulator)
    learning_rate = _rate(op, learning_rate)

    def init(params: Any) -> AdaGradState:
        return AdaGradState(zero_count(), zeros_like_leaves(params, initial_accumulator))

    def update(grads: Any, state: AdaGradState, params: Any = None
               ) -> tuple[Any, AdaGradState]:
        g, treedef = gradient_leaves(op, grads, state.count, False, state.sum_sq)
        sum_sq = [a + gi * gi for a, gi in zip(state.sum_sq, g, strict=True)]
        lr = None if learning_rate is None else learning_rate_at(learning_rate, state.count)
        steps = _scaled_by_rms(g, sum_sq, lr, eps, eps_inside_sqrt)
        return tree_unflatten(treedef, steps), AdaGradState(next_count(state.count), sum_sq)

    return GradientTransformation(init, update)


def scale_by_rms(rho: float = 0.9, eps: float = 1e-8, *, eps_inside_sqrt: bool = True,
                 initial_accumulator: float = 0.0,
                 learning_rate: LearningRate | None = None) -> GradientTransformation:
    """RMSProp's scaling (seed 003, section 3.5.3.2): ``A_i <- rho A_i + (1 - rho) g_i^2``
    (eq. 3.41), then ``g_i / sqrt(A_i + eps)``, or the step ``-alpha g_i / sqrt(A_i + eps)``
    with ``learning_rate``.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import scale_by_rms
        >>> tx = scale_by_rms(rho=0.75, eps=0.0)
        >>> tx.update(np.array([3.0]), tx.init(np.zeros(1)))[0].tolist()  # A = 0.25 * 9
        [2.0]
    """
    op = "scale_by_rms"
    rho = check_decay(op, "rho", rho)
    eps = check_nonnegative(op, "eps", eps)
    initial_accumulator = check_nonnegative(op, "initial_accumulator", initial_accumulator)
    learning_rate = _rate(op, learning_rate)

    def init(params: Any) -> RMSPropState:
        return RMSPropState(zero_count(), zeros_like_leaves(params, initial_accumulator))

    def update(grads: Any, state: RMSPropState, params: Any = None
               ) -> tuple[Any, RMSPropState]:
        g, treedef = gradient_leaves(op, grads, state.count, False, state.mean_sq)
        mean_sq = [rho * a + (1 - rho) * gi * gi for a, gi in zip(state.mean_sq, g, strict=True)]
        lr = None if learning_rate is None else learning_rate_at(learning_rate, state.count)
        steps = _scaled_by_rms(g, mean_sq, lr, eps, eps_inside_sqrt)
        return tree_unflatten(treedef, steps), RMSPropState(next_count(state.count), mean_sq)

    return GradientTransformation(init, update)


def scale_by_adadelta(rho: float = 0.9, eps: float = 1e-6) -> GradientTransformation:
    """AdaDelta's increment (seed 003, section 3.5.3.4, with eps in both roots as in Zeiler's
    paper): ``A_i <- rho A_i + (1 - rho) g_i^2``; ``Dw_i = sqrt((delta_i + eps) / (A_i + eps))
    g_i``; ``delta_i <- rho delta_i + (1 - rho) Dw_i^2`` (eq. 3.43). Returns ``Dw`` (the step
    is ``-Dw``: follow it with ``scale_by_learning_rate(1.0)``).

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import scale_by_adadelta
        >>> tx = scale_by_adadelta(rho=0.5, eps=1e-2)
        >>> tx.update(np.array([1.0]), tx.init(np.zeros(1)))[0].round(6).tolist()
        [0.140028]
    """
    op = "scale_by_adadelta"
    rho = check_decay(op, "rho", rho)
    eps = check_nonnegative(op, "eps", eps)

    def init(params: Any) -> AdaDeltaState:
        return AdaDeltaState(zeros_like_leaves(params), zeros_like_leaves(params))

    def update(grads: Any, state: AdaDeltaState, params: Any = None
               ) -> tuple[Any, AdaDeltaState]:
        g, treedef = gradient_leaves(op, grads, np.zeros(()), False, state.mean_sq)
        mean_sq = [rho * a + (1 - rho) * gi * gi for a, gi in zip(state.mean_sq, g, strict=True)]
        delta = [_rms(d, eps, True) / _rms(a, eps, True) * gi
                 for d, a, gi in zip(state.mean_sq_delta, mean_sq, g, strict=True)]
        mean_sq_delta = [rho * d + (1 - rho) * dw * dw
                         for d, dw in zip(state.mean_sq_delta, delta, strict=True)]
        return tree_unflatten(treedef, delta), AdaDeltaState(mean_sq, mean_sq_delta)

    return GradientTransformation(init, update)


def scale_by_adam(beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8, *,
                  eps_inside_sqrt: bool = True, learning_rate: LearningRate | None = None
                  ) -> GradientTransformation:
    """Adam's scaling (seed 003, section 3.5.3.5): ``A_i <- rho A_i + (1 - rho) g_i^2``
    (eq. 3.44), ``F_i <- rho_f F_i + (1 - rho_f) g_i`` (eq. 3.45), and with
    ``c_t = sqrt(1 - rho^t) / (1 - rho_f^t)`` (eq. 3.46) the output ``c_t F_i / sqrt(A_i + eps)``,
    or the step ``-alpha c_t F_i / sqrt(A_i + eps)`` with ``learning_rate``. ``beta1`` is rho_f,
    ``beta2`` is rho. ``eps_inside_sqrt=False``: PyTorch's ``F_hat / (sqrt(A_hat) + eps)``.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import scale_by_adam
        >>> tx = scale_by_adam(eps=0.0)
        >>> tx.update(np.array([5.0, -0.2]), tx.init(np.zeros(2)))[0].round(12).tolist()
        [1.0, -1.0]
    """
    op = "scale_by_adam"
    beta1 = check_decay(op, "beta1", beta1)
    beta2 = check_decay(op, "beta2", beta2)
    eps = check_nonnegative(op, "eps", eps)
    learning_rate = _rate(op, learning_rate)

    def init(params: Any) -> AdamState:
        return AdamState(zero_count(), zeros_like_leaves(params), zeros_like_leaves(params))

    def update(grads: Any, state: AdamState, params: Any = None) -> tuple[Any, AdamState]:
        g, treedef = gradient_leaves(op, grads, state.count, False, state.first_moment)
        scale, root_c2 = from_count(_adam_scalars, state.count, learning_rate, beta1, beta2,
                                    eps_inside_sqrt)
        first = [beta1 * f + (1 - beta1) * gi for f, gi in zip(state.first_moment, g, strict=True)]
        second = [beta2 * a + (1 - beta2) * gi * gi
                  for a, gi in zip(state.second_moment, g, strict=True)]
        if eps_inside_sqrt:  # the seed: alpha_t = alpha sqrt(1 - rho^t) / (1 - rho_f^t)
            steps = [scale * f / _rms(a, eps, True) for f, a in zip(first, second, strict=True)]
        else:  # PyTorch / optax: alpha F_hat / (sqrt(A_hat) + eps)
            steps = [scale * f / (namespace(a).sqrt(a) / root_c2 + eps)
                     for f, a in zip(first, second, strict=True)]
        return tree_unflatten(treedef, steps), AdamState(next_count(state.count), first, second)

    return GradientTransformation(init, update)
