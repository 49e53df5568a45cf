"""Gradient descent, momentum and Nesterov momentum (seed 003, sections 3.5 and 3.5.2), and
L2 weight decay, coupled (added to the gradient) or decoupled (subtracted from the parameters).

Every optimizer here keeps a step counter ``count`` (a 0-d int64 array: updates applied so far)
so that a learning rate may be a schedule, and by default checks that the gradients are finite
(``check_finite=True``): a NaN or infinite leaf raises ``NonFiniteGradientError`` (a
``FloatingPointError``) naming the step and the leaf index, before anything changes.
Accumulators such as the velocity are lists with one array per parameter leaf, in
``cr.tree_flatten`` order.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from chainrule.optim.base import EmptyState, GradientTransformation, LearningRate
from chainrule.optim.leaves import (
    coupled_decay,
    gradient_leaves,
    moved,
    next_count,
    param_leaves,
    zero_count,
    zeros_like_leaves,
)
from chainrule.optim.validation import (
    check_decay,
    check_learning_rate,
    check_nonnegative,
    learning_rate_at,
)
from chainrule.tree import tree_flatten, tree_unflatten


class CountState(NamedTuple):
    """State of a transformation that only counts its updates.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import sgd
        >>> sgd(0.1).init(np.zeros(2))
        CountState(count=array(0))
    """

    count: np.ndarray


class MomentumState(NamedTuple):
    """``velocity`` is the seed's V, one array per parameter leaf, in parameter units (it
    already includes the learning rate), so that ``W <- W + V``.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import momentum
        >>> momentum(0.1).init({"w": np.zeros(2)}).velocity
        [array([0., 0.])]
    """

    count: np.ndarray
    velocity: list[np.ndarray]


def sgd(learning_rate: LearningRate, *, weight_decay: float = 0.0,
        check_finite: bool = True) -> GradientTransformation:
    """Plain gradient descent: ``W <- W - alpha dL/dW`` (seed 003, section 3.5.2, first display).

    ``weight_decay`` (lambda) adds ``lambda W`` to the gradient first (coupled L2 decay, as
    PyTorch's ``SGD(weight_decay=...)``).

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import sgd
        >>> tx = sgd(0.1)
        >>> tx.update(np.array([2.0, -1.0]), tx.init(np.zeros(2)))[0].tolist()
        [-0.2, 0.1]
    """
    op = "sgd"
    learning_rate = check_learning_rate(op, learning_rate)
    weight_decay = check_nonnegative(op, "weight_decay", weight_decay)

    def init(params: Any) -> CountState:
        return CountState(zero_count())

    def update(grads: Any, state: CountState, params: Any = None) -> tuple[Any, CountState]:
        g, treedef = gradient_leaves(op, grads, state.count, check_finite)
        g = coupled_decay(op, g, params, weight_decay)
        lr = learning_rate_at(learning_rate, state.count)
        return tree_unflatten(treedef, [-lr * gi for gi in g]), CountState(
            next_count(state.count))

    return GradientTransformation(init, update)


def momentum(learning_rate: LearningRate, beta: float = 0.9, *, nesterov: bool = False,
             weight_decay: float = 0.0, check_finite: bool = True) -> GradientTransformation:
    """Momentum (seed 003, section 3.5.2): ``V <- beta V - alpha dL/dW;  W <- W + V``.

    ``beta`` is the seed's friction parameter (0 gives plain gradient descent); V starts at 0.

    ``nesterov=True`` is PyTorch's reformulation of Nesterov momentum, which takes the gradient
    at the current parameters: ``V <- beta V - alpha g;  W <- W + beta V - alpha g``. Its
    parameters follow exactly the lookahead points ``W + beta V`` of the seed's form
    (``nesterov(...)``, section 3.5.2.1) when the learning rate is constant.

    PyTorch and optax keep the velocity without the learning rate (``b <- beta b + g``,
    ``W <- W - alpha_t b``); at a constant rate that is the same trajectory (``V = -alpha b``).
    With a schedule the seed's V keeps the rates of past steps while theirs rescales the whole
    velocity by the current one. PyTorch's ``dampening`` is not offered.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import momentum
        >>> tx = momentum(0.1, beta=0.5)
        >>> state = tx.init(np.zeros(1))
        >>> u1, state = tx.update(np.array([1.0]), state)
        >>> u2, state = tx.update(np.array([1.0]), state)   # 0.5 * (-0.1) - 0.1
        >>> u1.tolist(), u2.round(12).tolist()
        ([-0.1], [-0.15])
    """
    op = "momentum"
    learning_rate = check_learning_rate(op, learning_rate)
    beta = check_decay(op, "beta", beta)
    weight_decay = check_nonnegative(op, "weight_decay", weight_decay)

    def init(params: Any) -> MomentumState:
        return MomentumState(zero_count(), zeros_like_leaves(params))

    def update(grads: Any, state: MomentumState, params: Any = None
               ) -> tuple[Any, MomentumState]:
        g, treedef = gradient_leaves(op, grads, state.count, check_finite, state.velocity)
        g = coupled_decay(op, g, params, weight_decay)
        lr = learning_rate_at(learning_rate, state.count)
        velocity = [beta * v - lr * gi for v, gi in zip(state.velocity, g, strict=True)]
        if nesterov:
            steps = [beta * v - lr * gi for v, gi in zip(velocity, g, strict=True)]
        else:
            steps = velocity
        return tree_unflatten(treedef, steps), MomentumState(next_count(state.count), velocity)

    return GradientTransformation(init, update)


def nesterov(learning_rate: LearningRate, beta: float = 0.9, *, weight_decay: float = 0.0,
             check_finite: bool = True) -> GradientTransformation:
    """Nesterov momentum exactly as the seed writes it (seed 003, section 3.5.2.1):

        ``V <- beta V - alpha dL(W + beta V)/dW;  W <- W + V``

    The gradient must be taken at the lookahead point ``W + beta V``: get it from
    ``tx.lookahead(params, state)`` (``Optimizer.step(params, grad_fn)`` does this for you), then
    pass that gradient to ``update``. For the formulation that needs no lookahead (PyTorch's),
    use ``momentum(..., nesterov=True)``.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule.optim import nesterov, apply_updates
        >>> loss = lambda w: np.sum(w ** 2)
        >>> tx, w = nesterov(0.1, beta=0.5), np.array([1.0])
        >>> state = tx.init(w)
        >>> for _ in range(2):
        ...     g = cr.grad(loss)(tx.lookahead(w, state))     # gradient at W + beta V
        ...     u, state = tx.update(g, state, w)
        ...     w = apply_updates(w, u)
        >>> w.round(4).tolist()                                # 0.8, then 0.8 - 0.1 - 0.14
        [0.56]
    """
    op = "nesterov"
    learning_rate = check_learning_rate(op, learning_rate)
    beta = check_decay(op, "beta", beta)
    weight_decay = check_nonnegative(op, "weight_decay", weight_decay)

    def init(params: Any) -> MomentumState:
        return MomentumState(zero_count(), zeros_like_leaves(params))

    def lookahead(params: Any, state: MomentumState) -> Any:
        return moved(params, state.velocity, beta)

    def update(grads: Any, state: MomentumState, params: Any = None
               ) -> tuple[Any, MomentumState]:
        g, treedef = gradient_leaves(op, grads, state.count, check_finite, state.velocity)
        g = coupled_decay(op, g, params, weight_decay)
        lr = learning_rate_at(learning_rate, state.count)
        velocity = [beta * v - lr * gi for v, gi in zip(state.velocity, g, strict=True)]
        return tree_unflatten(treedef, velocity), MomentumState(next_count(state.count),
                                                                velocity)

    return GradientTransformation(init, update, lookahead)


def add_weight_decay(weight_decay: float) -> GradientTransformation:
    """Coupled L2 weight decay: ``g <- g + lambda W``, the gradient of ``lambda/2 ||W||^2``
    added to the loss's. Put it before the optimizer in a ``chain``.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import add_weight_decay
        >>> tx, w = add_weight_decay(0.1), np.array([2.0])
        >>> tx.update(np.array([1.0]), tx.init(w), w)[0].tolist()
        [1.2]
    """
    op = "add_weight_decay"
    weight_decay = check_nonnegative(op, "weight_decay", weight_decay)

    def update(grads: Any, state: EmptyState, params: Any = None) -> tuple[Any, EmptyState]:
        g, treedef = tree_flatten(grads)
        return tree_unflatten(treedef, coupled_decay(op, g, params, weight_decay)), state

    return GradientTransformation(lambda params: EmptyState(), update)


def decoupled_weight_decay(weight_decay: float, learning_rate: LearningRate
                           ) -> GradientTransformation:
    """Decoupled weight decay (Loshchilov and Hutter, AdamW): ``u <- u - alpha_t lambda W``,
    shrinking the parameters directly, whatever the optimizer did to the gradient. Put it after
    the optimizer in a ``chain``; ``learning_rate`` (float or schedule) should be the
    optimizer's, as PyTorch's ``AdamW`` multiplies the decay by the current learning rate.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import chain, decoupled_weight_decay, sgd
        >>> tx, w = chain(sgd(0.1), decoupled_weight_decay(0.5, 0.1)), np.array([2.0])
        >>> tx.update(np.array([1.0]), tx.init(w), w)[0].tolist()   # -0.1 - 0.1 * 0.5 * 2
        [-0.2]
    """
    op = "decoupled_weight_decay"
    weight_decay = check_nonnegative(op, "weight_decay", weight_decay)
    learning_rate = check_learning_rate(op, learning_rate)

    def init(params: Any) -> CountState:
        return CountState(zero_count())

    def update(updates: Any, state: CountState, params: Any = None
               ) -> tuple[Any, CountState]:
        u, treedef = tree_flatten(updates)
        p = param_leaves(op, params, u, "decoupled weight decay")
        shrink = -learning_rate_at(learning_rate, state.count) * weight_decay
        return (tree_unflatten(treedef, [ui + shrink * w for ui, w in zip(u, p, strict=True)]),
                CountState(next_count(state.count)))

    return GradientTransformation(init, update)
