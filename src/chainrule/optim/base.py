"""Optimizers as small transformations of gradients: ``GradientTransformation(init, update)``.

An optimizer is a pair of pure functions. ``init(params)`` builds its state (a named tuple whose
leaves are NumPy arrays); ``update(grads, state, params=None)`` turns gradients into *updates*
(the amounts to add to the parameters) and returns the new state. ``chain`` composes them
(clipping, then weight decay, then Adam ...) and ``apply_updates`` adds updates to parameters.
Everything works on pytrees of parameters (dicts, lists, modules registered with
``cr.register_pytree_node``).

A transformation that needs the gradient somewhere other than at the parameters (the seed's
form of Nesterov momentum, seed 003 section 3.5.2.1: ``nesterov_lookahead``,
``rmsprop_nesterov``) also carries ``lookahead(params, state)``: the point at which the training
loop must evaluate the gradient. Its ``update`` accepts only ``LookaheadGradient(point, grads)``
and checks ``point``: the ordinary gradient would silently turn it into plain momentum.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from chainrule.tree import tree_flatten, tree_map

Schedule = Callable[[int], float]
"""A learning rate as a function of the step count (updates applied so far, from 0)."""

LearningRate = float | Schedule


class GradientTransformation(NamedTuple):
    """``init(params) -> state``; ``update(grads, state, params=None) -> (updates, state)``;
    optional ``lookahead(params, state) -> point`` where the gradient must be taken.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import sgd, apply_updates
        >>> tx = sgd(0.1)
        >>> params = {"w": np.array([1.0, -2.0])}
        >>> state = tx.init(params)
        >>> updates, state = tx.update({"w": np.array([1.0, 1.0])}, state)
        >>> apply_updates(params, updates)["w"].tolist()
        [0.9, -2.1]
    """

    init: Callable[[Any], Any]
    update: Callable[..., tuple[Any, Any]]
    lookahead: Callable[[Any, Any], Any] | None = None


class EmptyState(NamedTuple):
    """The state of a transformation that keeps none.

    Example:
        >>> from chainrule.optim import clip_value
        >>> clip_value(-1.0, 1.0).init(None)
        EmptyState()
    """


class NonFiniteGradientError(FloatingPointError):
    """A gradient leaf holds NaN or infinity; raised by ``update`` before anything changes.

    Attributes ``optimizer`` (name), ``step`` (updates applied so far) and ``leaf_index`` (index
    of the offending leaf in ``cr.tree_flatten(grads)[0]``).

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import NonFiniteGradientError, adam
        >>> tx = adam()
        >>> try:
        ...     tx.update([np.ones(1), np.array([np.inf])], tx.init([np.ones(1), np.ones(1)]))
        ... except NonFiniteGradientError as e:
        ...     print(e.step, e.leaf_index)
        0 1
    """

    def __init__(self, optimizer: str, step: int, leaf_index: int, detail: str) -> None:
        self.optimizer, self.step, self.leaf_index, self.detail = (
            optimizer, step, leaf_index, detail)
        super().__init__(
            f"{optimizer}: non-finite gradient at step {step} (steps count from 0, so {step} "
            f"updates had been applied): leaf {leaf_index} of the gradient tree {detail}. The "
            "parameters and the optimizer state were left unchanged. Lower the learning rate, "
            "clip the gradients (clip_global_norm) or look for the operation that overflowed; "
            "pass check_finite=False to skip this check."
        )


class LookaheadGradient:
    """Gradients ``grads`` taken at ``point``: what ``update`` of a lookahead transformation
    requires, with ``point == tx.lookahead(params, state)`` (checked, leaf by leaf).
    ``Optimizer.step(params, grad_fn)`` and ``train.fit`` build it for you.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule.optim import LookaheadGradient, nesterov_lookahead
        >>> loss = lambda w: np.sum(w ** 2)
        >>> tx, w = nesterov_lookahead(0.1, beta=0.5), np.array([1.0])
        >>> state = tx.init(w)
        >>> point = tx.lookahead(w, state)
        >>> u, state = tx.update(LookaheadGradient(point, cr.grad(loss)(point)), state, w)
        >>> u.tolist()
        [-0.2]
    """

    __slots__ = ("grads", "point")

    def __init__(self, point: Any, grads: Any) -> None:
        self.point, self.grads = point, grads

    def __repr__(self) -> str:
        return f"LookaheadGradient(point={self.point!r}, grads={self.grads!r})"


def lookahead_gradient(op: str, grads: Any, params: Any,
                       lookahead: Callable[[Any], Any]) -> Any:
    """The gradients inside ``grads`` (a ``LookaheadGradient``), after checking that they were
    taken at ``lookahead(params)``; a clear error otherwise (never a silent plain-momentum step).

    Example:
        >>> import numpy as np
        >>> from chainrule.optim.base import lookahead_gradient
        >>> lookahead_gradient("nesterov_lookahead", np.ones(1), np.zeros(1), lambda p: p)
        Traceback (most recent call last):
        ...
        TypeError: nesterov_lookahead: update needs the gradient at the lookahead point ...
    """
    if not isinstance(grads, LookaheadGradient):
        raise TypeError(
            f"{op}: update needs the gradient at the lookahead point W + beta V, passed as "
            "LookaheadGradient(point, grads) with point = tx.lookahead(params, state); got "
            f"plain gradients ({type(grads).__name__}). The ordinary gradient at W would "
            "silently make this plain momentum. Optimizer.step(params, grad_fn) and train.fit "
            "do the lookahead for you; nesterov() takes the ordinary gradient."
        )
    if params is None:
        raise ValueError(f"{op}: update(grads, state, params) needs the parameters, to check "
                         "the lookahead point")
    got, got_def = tree_flatten(grads.point)
    want, want_def = tree_flatten(lookahead(params))
    if got_def != want_def or not all(
            np.array_equal(a, b) for a, b in zip(got, want, strict=True)):
        raise ValueError(
            f"{op}: the gradient was taken at a point that is not the lookahead point "
            "tx.lookahead(params, state) of these parameters and this state; take it there"
        )
    return grads.grads


# --- composition ---------------------------------------------------------------------------
def chain(*transforms: GradientTransformation) -> GradientTransformation:
    """Apply ``transforms`` one after the other; the state is the tuple of their states.

    At most one of them may have a ``lookahead``; the chain's lookahead is that one's.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import chain, clip_global_norm, sgd
        >>> tx = chain(clip_global_norm(1.0), sgd(0.5))
        >>> state = tx.init(np.zeros(2))
        >>> tx.update(np.array([3.0, 4.0]), state)[0].round(12).tolist()  # norm 1, then x -0.5
        [-0.3, -0.4]
    """
    for k, t in enumerate(transforms):
        if not isinstance(t, GradientTransformation):
            raise TypeError(
                f"chain: argument {k} is a {type(t).__name__}, not a GradientTransformation; "
                "pass transformations such as sgd(0.1) or clip_global_norm(1.0)"
            )
    with_lookahead = [k for k, t in enumerate(transforms) if t.lookahead is not None]
    if len(with_lookahead) > 1:
        raise ValueError(
            f"chain: transformations {with_lookahead} all define a lookahead point; a chain can "
            "hold at most one (the gradient can only be taken at one place)"
        )

    def init(params: Any) -> tuple:
        return tuple(t.init(params) for t in transforms)

    def update(grads: Any, state: tuple, params: Any = None) -> tuple[Any, tuple]:
        if not isinstance(state, tuple) or len(state) != len(transforms):
            raise ValueError(
                f"chain: expected a state of {len(transforms)} parts (from this chain's init), "
                f"got {type(state).__name__}"
            )
        point = None
        if isinstance(grads, LookaheadGradient) and with_lookahead:
            point, grads = grads.point, grads.grads  # for the member that looks ahead
        new_state = []
        for k, (t, s) in enumerate(zip(transforms, state, strict=True)):
            if point is not None and k == with_lookahead[0]:
                grads = LookaheadGradient(point, grads)
            grads, s = t.update(grads, s, params)
            new_state.append(s)
        return grads, tuple(new_state)

    lookahead = None
    if with_lookahead:
        k = with_lookahead[0]

        def lookahead(params: Any, state: tuple) -> Any:
            return transforms[k].lookahead(params, state[k])

    return GradientTransformation(init, update, lookahead)


def apply_updates(params: Any, updates: Any) -> Any:
    """``params + updates`` leaf by leaf, keeping each parameter's dtype.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import apply_updates
        >>> apply_updates({"w": np.ones(2, np.float32)}, {"w": np.array([0.5, -0.5])})["w"]
        array([1.5, 0.5], dtype=float32)
    """
    return tree_map(_add_keeping_dtype, params, updates)


def _add_keeping_dtype(p: Any, u: Any) -> Any:
    out = p + u
    if isinstance(p, np.ndarray) and out.dtype != p.dtype:
        out = out.astype(p.dtype)
    return out


def identity() -> GradientTransformation:
    """Pass the gradients through unchanged (a no-op member of a chain or a parameter group).

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import identity
        >>> identity().update(np.array([1.0]), identity().init(None))[0].tolist()
        [1.0]
    """
    return GradientTransformation(lambda params: EmptyState(),
                                  lambda grads, state, params=None: (grads, state))


def set_to_zero() -> GradientTransformation:
    """Zero updates: freezes the parameters it is applied to (e.g. one group of
    ``multi_transform``).

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import set_to_zero
        >>> set_to_zero().update(np.array([1.0, 2.0]), set_to_zero().init(None))[0].tolist()
        [0.0, 0.0]
    """
    def update(grads: Any, state: EmptyState, params: Any = None) -> tuple[Any, EmptyState]:
        return tree_map(np.zeros_like, grads), state

    return GradientTransformation(lambda params: EmptyState(), update)
