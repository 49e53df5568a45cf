"""``chainrule.diagnose``: what goes wrong inside a deep network while it trains (seed 003,
section 3.4): gradient norms per layer and their ratio across depth (vanishing and exploding
gradients), dead ReLU units, saturated sigmoid and tanh units, with a ``fit`` callback that
records them and pictures in ``chainrule.diagnose.plots`` (matplotlib optional).

Example:
    >>> import numpy as np
    >>> from chainrule import nn
    >>> from chainrule.diagnose import diagnose
    >>> net = nn.Sequential(nn.Linear(2, 8, rng=0), nn.ReLU(), nn.Linear(8, 1, rng=1))
    >>> X, y = np.random.default_rng(0).normal(size=(20, 2)), np.zeros((20, 1))
    >>> d = diagnose(net, nn.mean_squared_error, X, y)
    >>> d.verdict, [g.name for g in d.gradients.layers]
    ('healthy', ['0 Linear(2 -> 8)', '2 Linear(8 -> 1)'])
"""

from chainrule.diagnose.activations import (
    SATURATION,
    SHARE,
    LayerActivation,
    activation_kind,
    activation_stats,
    relative_derivative,
)
from chainrule.diagnose.callback import Diagnostics
from chainrule.diagnose.depth import (
    STANDARD_INIT,
    deep_network,
    gradient_profiles,
    synthetic_batch,
)
from chainrule.diagnose.gradients import (
    EXPLODING,
    VANISHING,
    GradientReport,
    LayerGradient,
    gradient_norms,
)
from chainrule.diagnose.layers import layer_outputs, parameter_groups
from chainrule.diagnose.report import DEAD_WARN, SATURATED_WARN, Diagnosis, diagnose

__all__ = [
    "DEAD_WARN", "EXPLODING", "SATURATED_WARN", "SATURATION", "SHARE", "STANDARD_INIT",
    "VANISHING", "Diagnosis", "Diagnostics", "GradientReport", "LayerActivation",
    "LayerGradient", "activation_kind", "activation_stats", "deep_network", "diagnose",
    "gradient_norms", "gradient_profiles", "layer_outputs", "parameter_groups",
    "relative_derivative", "synthetic_batch",
]
