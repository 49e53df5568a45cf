"""The small transformations the named optimizers are chains of (seed 003, sections 3.5 and
3.5.2): the finite check, weight decay (coupled and decoupled), the learning rate, momentum
and Nesterov momentum. Each does one thing and can be used alone or in a ``chain``.

Order inside a chain matters, and is the seed's: the learning rate comes *before* the
momentum, so the velocity V is in parameter units (``V <- beta V - alpha g``) and keeps the
rates of past steps when the rate is a schedule. ``chain(scale_by_momentum(b),
scale_by_learning_rate(lr))`` is PyTorch's and optax's order instead (the same trajectory at a
constant rate).

Step counters are 0-d int64 arrays (``count``: updates applied so far); accumulators are lists
with one array per parameter leaf, in ``cr.tree_flatten`` order.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from chainrule.optim.base import (
    EmptyState,
    GradientTransformation,
    LearningRate,
    lookahead_gradient,
)
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
        >>> from chainrule.optim import scale_by_learning_rate
        >>> scale_by_learning_rate(0.1).init(np.zeros(2))
        CountState(count=array(0))
    """

    count: np.ndarray


class MomentumState(NamedTuple):
    """``velocity``: the seed's V, one array per parameter leaf, in the units of the updates
    that reach it (parameter units when the learning rate comes first), so ``W <- W + V``.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import scale_by_momentum
        >>> scale_by_momentum(0.9).init({"w": np.zeros(2)}).velocity
        [array([0., 0.])]
    """

    velocity: list[np.ndarray]


def _counting(update_leaves: Any) -> GradientTransformation:
    """A transformation with a ``CountState``: ``update_leaves(leaves, count, params)``."""
    def update(updates: Any, state: CountState, params: Any = None) -> tuple[Any, CountState]:
        leaves, treedef = tree_flatten(updates)
        out = update_leaves(leaves, state.count, params)
        return tree_unflatten(treedef, out), CountState(next_count(state.count))

    return GradientTransformation(lambda params: CountState(zero_count()), update)


def check_finite(name: str = "check_finite") -> GradientTransformation:
    """Raise ``NonFiniteGradientError`` (a ``FloatingPointError``) naming ``name``, the step and
    the leaf when a gradient leaf holds NaN or infinity; pass the gradients on unchanged
    otherwise. First in a chain, it stops the update before any state changes.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import check_finite
        >>> tx = check_finite("mine")
        >>> tx.update([np.ones(2), np.array([np.nan])], tx.init(None))
        Traceback (most recent call last):
        ...
        chainrule.optim.base.NonFiniteGradientError: mine: non-finite gradient at step 0 ...
    """
    def update(grads: Any, state: CountState, params: Any = None) -> tuple[Any, CountState]:
        gradient_leaves(name, grads, state.count, True)
        return grads, CountState(next_count(state.count))

    return GradientTransformation(lambda params: CountState(zero_count()), update)


def add_decayed_weights(weight_decay: float) -> GradientTransformation:
    """Coupled L2 weight decay: ``g <- g + lambda W``, the gradient of ``lambda/2 ||W||^2``
    added to the loss's (PyTorch's ``weight_decay=``). Put it before the optimizer.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import add_decayed_weights
        >>> tx, w = add_decayed_weights(0.1), np.array([2.0])
        >>> tx.update(np.array([1.0]), tx.init(w), w)[0].tolist()
        [1.2]
    """
    op = "add_decayed_weights"
    weight_decay = check_nonnegative(op, "weight_decay", weight_decay)

    def update(grads: Any, state: EmptyState, params: Any = None) -> tuple[Any, EmptyState]:
        if weight_decay == 0.0:
            return grads, state
        g, treedef = tree_flatten(grads)
        return tree_unflatten(treedef, coupled_decay(op, g, params, weight_decay)), state

    return GradientTransformation(lambda params: EmptyState(), update)


add_weight_decay = add_decayed_weights  # the name it had before the optimizers became chains


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

    def update_leaves(u: list, count: np.ndarray, params: Any) -> list:
        if weight_decay == 0.0:
            return u
        p = param_leaves(op, params, u, "decoupled weight decay")
        shrink = -learning_rate_at(learning_rate, count) * weight_decay
        return [ui + shrink * w for ui, w in zip(u, p, strict=True)]

    return _counting(update_leaves)


def scale_by_learning_rate(learning_rate: LearningRate) -> GradientTransformation:
    """``u <- -alpha_t u``: a descent step of rate ``learning_rate`` (a float, or a schedule
    called with the count of updates so far). Plain gradient descent (seed 003, section 3.5.2)
    is this alone.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import scale_by_learning_rate
        >>> tx = scale_by_learning_rate(lambda t: 0.1 / (1 + t))
        >>> u, state = tx.update(np.array([2.0]), tx.init(None))
        >>> u.tolist(), tx.update(np.array([2.0]), state)[0].tolist()
        ([-0.2], [-0.1])
    """
    learning_rate = check_learning_rate("scale_by_learning_rate", learning_rate)

    def update_leaves(u: list, count: np.ndarray, params: Any) -> list:
        lr = learning_rate_at(learning_rate, count)
        return [-lr * ui for ui in u]

    return _counting(update_leaves)


def _velocity_update(op: str, beta: float, nesterov_step: bool) -> Any:
    def update(updates: Any, state: MomentumState, params: Any = None
               ) -> tuple[Any, MomentumState]:
        u, treedef = gradient_leaves(op, updates, np.zeros(()), False, state.velocity)
        velocity = [beta * v + ui for v, ui in zip(state.velocity, u, strict=True)]
        if nesterov_step:
            steps = [beta * v + ui for v, ui in zip(velocity, u, strict=True)]
        else:
            steps = velocity
        return tree_unflatten(treedef, steps), MomentumState(velocity)

    return update


def scale_by_momentum(beta: float = 0.9) -> GradientTransformation:
    """Momentum (seed 003, section 3.5.2): ``V <- beta V + u;  u <- V``. After
    ``scale_by_learning_rate`` this is the seed's ``V <- beta V - alpha dL/dW;  W <- W + V``.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import scale_by_momentum
        >>> tx = scale_by_momentum(0.5)
        >>> u, state = tx.update(np.array([1.0]), tx.init(np.zeros(1)))
        >>> tx.update(np.array([1.0]), state)[0].tolist()
        [1.5]
    """
    op = "scale_by_momentum"
    beta = check_decay(op, "beta", beta)
    return GradientTransformation(lambda params: MomentumState(zeros_like_leaves(params)),
                                  _velocity_update(op, beta, False))


def scale_by_nesterov(beta: float = 0.9, *, form: str = "pytorch", name: str = "scale_by_nesterov"
                      ) -> GradientTransformation:
    """Nesterov momentum (seed 003, section 3.5.2.1), in one of two forms with the same
    iterates (see ``nesterov``):

    * ``form="pytorch"`` (Sutskever et al. 2013, PyTorch's ``SGD(nesterov=True)``):
      ``V <- beta V + u;  u <- beta V + u``, with the gradient at the current parameters;
    * ``form="seed"``: the seed's ``V <- beta V + u;  u <- V``, where ``u`` must come from the
      gradient at the lookahead point ``W + beta V`` (``tx.lookahead(params, state)``), passed
      as ``LookaheadGradient(point, grads)``; anything else raises (``name`` is the name the
      errors give).

    ``chain(scale_by_nesterov(b), scale_by_learning_rate(lr))`` is exactly PyTorch's
    ``SGD(nesterov=True)``; with the learning rate first the velocity is in the seed's units.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import scale_by_nesterov
        >>> tx = scale_by_nesterov(0.5)
        >>> u, state = tx.update(np.array([1.0]), tx.init(np.zeros(1)))   # V = 1
        >>> u.tolist(), tx.update(np.array([1.0]), state)[0].tolist()     # V = 1.5
        ([1.5], [1.75])
    """
    op = "scale_by_nesterov"
    beta = check_decay(op, "beta", beta)
    if form not in ("pytorch", "seed"):
        raise ValueError(f"{op}: form must be 'pytorch' or 'seed', got {form!r}")

    def init(params: Any) -> MomentumState:
        return MomentumState(zeros_like_leaves(params))

    if form == "pytorch":
        return GradientTransformation(init, _velocity_update(op, beta, True))

    def lookahead(params: Any, state: MomentumState) -> Any:
        return moved(params, state.velocity, beta)

    momentum_update = _velocity_update(op, beta, False)

    def update(grads: Any, state: MomentumState, params: Any = None
               ) -> tuple[Any, MomentumState]:
        grads = lookahead_gradient(name, grads, params, lambda p: lookahead(p, state))
        return momentum_update(grads, state, params)

    return GradientTransformation(init, update, lookahead)
