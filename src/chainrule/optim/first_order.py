"""Gradient descent, momentum and Nesterov momentum (seed 003, sections 3.5 and 3.5.2), each a
``chain`` of the small transformations in ``elementary.py``:

    check_finite(name) -> add_decayed_weights(lambda) -> scale_by_learning_rate(alpha)
    [-> scale_by_momentum(beta) | scale_by_nesterov(beta)]

``check_finite=True`` (the default) puts the finite check first: a NaN or infinite leaf raises
``NonFiniteGradientError`` (a ``FloatingPointError``) naming the step and the leaf index, before
anything changes. ``weight_decay`` is ``add_decayed_weights`` (coupled L2 decay). The state is
the chain's: a tuple with one state per transformation.
"""

from __future__ import annotations

from chainrule.optim.base import GradientTransformation, LearningRate, chain
from chainrule.optim.elementary import (
    CountState,
    MomentumState,
    add_decayed_weights,
    add_weight_decay,
    decoupled_weight_decay,
    scale_by_learning_rate,
    scale_by_momentum,
    scale_by_nesterov,
)
from chainrule.optim.elementary import check_finite as finite_check

__all__ = ["CountState", "MomentumState", "add_weight_decay", "decoupled_weight_decay",
           "momentum", "named", "nesterov", "nesterov_lookahead", "sgd"]


def named(name: str, check_finite: bool, *transforms: GradientTransformation
          ) -> GradientTransformation:
    """``chain(check_finite(name), *transforms)`` (without the check when ``check_finite`` is
    False): the shape of every named optimizer.

    Example:
        >>> from chainrule.optim import scale_by_learning_rate
        >>> from chainrule.optim.first_order import named
        >>> len(named("sgd", True, scale_by_learning_rate(0.1)).init(None))
        2
    """
    head = (finite_check(name),) if check_finite else ()
    return chain(*head, *transforms)


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
    return named("sgd", check_finite, add_decayed_weights(weight_decay),
                 scale_by_learning_rate(learning_rate))


def momentum(learning_rate: LearningRate, beta: float = 0.9, *, nesterov: bool = False,
             weight_decay: float = 0.0, check_finite: bool = True) -> GradientTransformation:
    """Momentum (seed 003, section 3.5.2): ``V <- beta V - alpha dL/dW;  W <- W + V``.

    ``beta`` is the seed's friction parameter (0 gives plain gradient descent); V starts at 0.

    ``nesterov=True`` is PyTorch's reformulation of Nesterov momentum, which takes the gradient
    at the current parameters: ``V <- beta V - alpha g;  W <- W + beta V - alpha g``. Its
    parameters follow exactly the lookahead points ``W + beta V`` of the seed's form
    (``nesterov_lookahead(...)``, section 3.5.2.1); it is ``nesterov(...)``.

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
    velocity = scale_by_nesterov(beta) if nesterov else scale_by_momentum(beta)
    return named("momentum", check_finite, add_decayed_weights(weight_decay),
                 scale_by_learning_rate(learning_rate), velocity)


def nesterov(learning_rate: LearningRate, beta: float = 0.9, *, weight_decay: float = 0.0,
             check_finite: bool = True) -> GradientTransformation:
    """Nesterov momentum (seed 003, section 3.5.2.1) in the form that takes the ordinary
    gradient, at the current parameters (Sutskever et al. 2013; PyTorch's ``nesterov=True``):

        ``V <- beta V - alpha dL(P)/dP;  P <- P + beta V - alpha dL(P)/dP``

    The seed writes ``V <- beta V - alpha dL(W + beta V)/dW;  W <- W + V``, which needs the
    gradient at the lookahead point. With ``P = W + beta V`` the two are the same method: the
    parameters P held here are exactly the seed's lookahead points (for any learning-rate
    schedule, as V is kept in parameter units), P_0 = W_0, and the seed's W is ``P - beta V``.
    The seed's form itself is ``nesterov_lookahead``. Same as ``momentum(..., nesterov=True)``.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule.optim import nesterov, apply_updates
        >>> loss = lambda w: np.sum(w ** 2)
        >>> tx, p = nesterov(0.1, beta=0.5), np.array([1.0])
        >>> state = tx.init(p)
        >>> for _ in range(2):
        ...     u, state = tx.update(cr.grad(loss)(p), state, p)   # the ordinary gradient
        ...     p = apply_updates(p, u)
        >>> p.round(4).tolist()               # the seed's W + beta V: 0.56 + 0.5 * (-0.24)
        [0.44]
    """
    return named("nesterov", check_finite, add_decayed_weights(weight_decay),
                 scale_by_learning_rate(learning_rate), scale_by_nesterov(beta))


def nesterov_lookahead(learning_rate: LearningRate, beta: float = 0.9, *,
                       weight_decay: float = 0.0, check_finite: bool = True
                       ) -> GradientTransformation:
    """Nesterov momentum exactly as the seed writes it (seed 003, section 3.5.2.1):

        ``V <- beta V - alpha dL(W + beta V)/dW;  W <- W + V``

    The gradient must be taken at the lookahead point ``W + beta V``, ``tx.lookahead(params,
    state)``, and passed as ``LookaheadGradient(point, grads)``: plain gradients raise a
    TypeError, a gradient taken elsewhere a ValueError (the ordinary gradient would silently
    give plain momentum). ``Optimizer.step(params, grad_fn)`` and ``train.fit`` do this for you.
    ``nesterov`` is the same method without the lookahead.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule.optim import LookaheadGradient, nesterov_lookahead, apply_updates
        >>> loss = lambda w: np.sum(w ** 2)
        >>> tx, w = nesterov_lookahead(0.1, beta=0.5), np.array([1.0])
        >>> state = tx.init(w)
        >>> for _ in range(2):
        ...     point = tx.lookahead(w, state)                    # W + beta V
        ...     g = LookaheadGradient(point, cr.grad(loss)(point))
        ...     u, state = tx.update(g, state, w)
        ...     w = apply_updates(w, u)
        >>> w.round(4).tolist()                                # 0.8, then 0.8 - 0.1 - 0.14
        [0.56]
    """
    op = "nesterov_lookahead"
    return named(op, check_finite, add_decayed_weights(weight_decay),
                 scale_by_learning_rate(learning_rate),
                 scale_by_nesterov(beta, form="seed", name=op))
