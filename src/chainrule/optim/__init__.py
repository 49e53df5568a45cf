"""Optimizers for chainrule (seed 003, section 3.5): small gradient transformations
``(init, update)`` that compose with ``chain``, and an ``Optimizer`` face that holds the state.
The named optimizers (``sgd`` ... ``adamw``) are chains of
one-idea transformations (``check_finite``, ``add_decayed_weights``, ``scale_by_learning_rate``,
``scale_by_momentum``, ``scale_by_nesterov``, ``scale_by_adagrad``, ``scale_by_rms``,
``scale_by_adadelta``, ``scale_by_adam``), as in optax. Second-order methods live in
``chainrule.optim.second_order`` (``minimize`` is re-exported).

Example (Adam with clipping and a cosine schedule, on a dict of parameters):
    >>> import numpy as np
    >>> import chainrule as cr
    >>> from chainrule import optim
    >>> loss = lambda p: np.sum((p["w"] - 3.0) ** 2) + p["b"] ** 2
    >>> opt = optim.Optimizer(optim.chain(optim.clip_global_norm(10.0),
    ...                                   optim.adam(optim.cosine_decay(0.3, 300))))
    >>> params = {"w": np.zeros(2), "b": np.array(1.0)}
    >>> for _ in range(300):
    ...     params = opt.step(params, cr.grad(loss))
    >>> np.round(params["w"], 3).tolist(), float(loss(params)) < 1e-6
    ([3.0, 3.0], True)
"""

from chainrule.optim.adam import AdamState, adam, adamw
from chainrule.optim.adaptive import (
    AdaDeltaState,
    AdaGradState,
    RMSPropState,
    adadelta,
    adagrad,
    rmsprop,
    rmsprop_nesterov,
)
from chainrule.optim.averaging import AverageState, averaged_params, polyak_averaging
from chainrule.optim.base import (
    EmptyState,
    GradientTransformation,
    LookaheadGradient,
    NonFiniteGradientError,
    Schedule,
    apply_updates,
    chain,
    identity,
    set_to_zero,
)
from chainrule.optim.clipping import (
    clip_by_global_norm,
    clip_by_leaf_norm,
    clip_by_value,
    clip_global_norm,
    clip_leaf_norm,
    clip_value,
    global_norm,
)
from chainrule.optim.elementary import (
    CountState,
    MomentumState,
    add_decayed_weights,
    add_weight_decay,
    check_finite,
    decoupled_weight_decay,
    scale_by_learning_rate,
    scale_by_momentum,
    scale_by_nesterov,
)
from chainrule.optim.first_order import momentum, nesterov, nesterov_lookahead, sgd
from chainrule.optim.groups import MultiTransformState, multi_transform
from chainrule.optim.optimizer import Optimizer
from chainrule.optim.preconditioners import (
    scale_by_adadelta,
    scale_by_adagrad,
    scale_by_adam,
    scale_by_rms,
)
from chainrule.optim.schedules import (
    PlateauState,
    ReduceLROnPlateau,
    cosine_decay,
    exponential_decay,
    inverse_decay,
    linear_warmup,
    step_decay,
)
from chainrule.optim.second_order import OptimizeResult, minimize
from chainrule.optim.state_arrays import state_from_arrays, state_to_arrays

__all__ = [
    "AdaDeltaState",
    "AdaGradState",
    "AdamState",
    "AverageState",
    "CountState",
    "EmptyState",
    "GradientTransformation",
    "LookaheadGradient",
    "MomentumState",
    "MultiTransformState",
    "NonFiniteGradientError",
    "OptimizeResult",
    "Optimizer",
    "PlateauState",
    "RMSPropState",
    "ReduceLROnPlateau",
    "Schedule",
    "adadelta",
    "adagrad",
    "adam",
    "adamw",
    "add_decayed_weights",
    "add_weight_decay",
    "apply_updates",
    "averaged_params",
    "chain",
    "check_finite",
    "clip_by_global_norm",
    "clip_by_leaf_norm",
    "clip_by_value",
    "clip_global_norm",
    "clip_leaf_norm",
    "clip_value",
    "cosine_decay",
    "decoupled_weight_decay",
    "exponential_decay",
    "global_norm",
    "identity",
    "inverse_decay",
    "linear_warmup",
    "minimize",
    "momentum",
    "multi_transform",
    "nesterov",
    "nesterov_lookahead",
    "polyak_averaging",
    "rmsprop",
    "rmsprop_nesterov",
    "scale_by_adadelta",
    "scale_by_adagrad",
    "scale_by_adam",
    "scale_by_learning_rate",
    "scale_by_momentum",
    "scale_by_nesterov",
    "scale_by_rms",
    "set_to_zero",
    "sgd",
    "state_from_arrays",
    "state_to_arrays",
    "step_decay",
]
