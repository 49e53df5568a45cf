"""``Optimizer``: a transformation holding its own state, for training loops that want
``params = opt.step(params, grads)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule.optim.averaging import averaged_params
from chainrule.optim.base import GradientTransformation, LookaheadGradient, apply_updates
from chainrule.optim.state_arrays import state_from_arrays, state_to_arrays
from chainrule.tree import tree_flatten


def _is_gradient_function(x: Any) -> bool:
    # A module of gradients may be callable too; a function is a callable *leaf*.
    if not callable(x):
        return False
    leaves = tree_flatten(x)[0]
    return len(leaves) == 1 and leaves[0] is x


class Optimizer:
    """A ``GradientTransformation`` and its state; the state is created from the parameters
    at the first ``step`` (or by ``init``).

    ``step(params, grads)`` returns the new parameters. ``grads`` may instead be a gradient
    function ``grad_fn(point) -> grads``: it is evaluated at ``lookahead(params)``, which is
    the parameters themselves except for lookahead methods (``nesterov_lookahead``,
    ``rmsprop_nesterov``), where it is the seed's ``W + beta V``. A training loop can do the
    same by hand: ``point = opt.lookahead(params)``, then
    ``opt.step(params, LookaheadGradient(point, grad(loss)(point, batch)))``.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule.optim import Optimizer, nesterov_lookahead
        >>> loss = lambda w: np.sum(w ** 2)
        >>> opt, w = Optimizer(nesterov_lookahead(0.1, beta=0.5)), np.array([1.0])
        >>> for _ in range(2):
        ...     w = opt.step(w, cr.grad(loss))
        >>> w.round(4).tolist(), int(opt.state[0].count)
        ([0.56], 2)
    """

    def __init__(self, transformation: GradientTransformation, params: Any = None) -> None:
        if not isinstance(transformation, GradientTransformation):
            raise TypeError(
                f"Optimizer: expected a GradientTransformation (e.g. adam(1e-3)), got "
                f"{type(transformation).__name__}"
            )
        self.transformation = transformation
        self.state: Any = None
        if params is not None:
            self.init(params)

    def init(self, params: Any) -> Any:
        """(Re)initialise the state for ``params``; returns it."""
        self.state = self.transformation.init(params)
        return self.state

    def lookahead(self, params: Any) -> Any:
        """Where the gradient for the next step must be taken (``params`` for most methods).

        Example:
            >>> import numpy as np
            >>> from chainrule.optim import Optimizer, nesterov_lookahead
            >>> opt = Optimizer(nesterov_lookahead(0.1, beta=0.5))
            >>> w = opt.step(np.array([0.0]), lambda w: np.array([1.0]))   # V = -0.1
            >>> opt.lookahead(w).tolist()                         # W + beta V
            [-0.15000000000000002]
        """
        if self.transformation.lookahead is None:
            return params
        if self.state is None:
            self.init(params)
        return self.transformation.lookahead(params, self.state)

    def step(self, params: Any, grads: Any | Callable[[Any], Any]) -> Any:
        """One update: ``params + updates``. On an error (a non-finite gradient) neither the
        parameters nor the state change."""
        if self.state is None:
            self.init(params)
        if _is_gradient_function(grads):
            point = self.lookahead(params)
            grads = grads(point)
            if self.transformation.lookahead is not None:
                grads = LookaheadGradient(point, grads)
        updates, state = self.transformation.update(grads, self.state, params)
        self.state = state
        return apply_updates(params, updates)

    def averaged_params(self) -> Any:
        """The Polyak average kept by a ``polyak_averaging`` in the chain.

        Example:
            >>> import numpy as np
            >>> from chainrule.optim import Optimizer, chain, polyak_averaging, sgd
            >>> opt = Optimizer(chain(sgd(1.0), polyak_averaging()))
            >>> w = opt.step(opt.step(np.zeros(1), np.ones(1)), np.ones(1))   # -1, then -2
            >>> opt.averaged_params().tolist()
            [-1.5]
        """
        return averaged_params(self.state)

    def state_arrays(self) -> list[np.ndarray]:
        """The state as a list of arrays (``state_to_arrays``), for a checkpoint."""
        if self.state is None:
            raise ValueError("Optimizer.state_arrays: no state yet; call init(params) or step")
        return state_to_arrays(self.state)

    def load_state_arrays(self, params: Any, arrays: Sequence[np.ndarray]) -> None:
        """Restore a state saved by ``state_arrays`` for parameters shaped like ``params``.

        Example:
            >>> import numpy as np
            >>> from chainrule.optim import Optimizer, adam
            >>> opt = Optimizer(adam(0.1))
            >>> w = opt.step(np.zeros(2), np.ones(2))
            >>> again = Optimizer(adam(0.1))
            >>> again.load_state_arrays(w, opt.state_arrays())
            >>> int(again.state[0].count)
            1
        """
        self.state = state_from_arrays(self.transformation.init(params), arrays)
