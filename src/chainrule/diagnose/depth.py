"""The vanishing-gradient experiment of seed 003, section 3.4: deep networks of one activation
at initialization, their gradient norm per layer on one fixed synthetic batch.

Each network has ``depth`` linear layers of ``width`` units (``depth - 1`` hidden activations)
and one output, trained for squared error against random targets. Every network gets the
initialization usually paired with its activation (``STANDARD_INIT``): Xavier/Glorot normal
for sigmoid and tanh, He normal for the ReLU family (seed 003, section 3.3.3). With sigmoid the
gradient shrinks by about 0.25 per layer (eq. 3.38: sigmoid' <= 1/4), so after ten layers the
first layer's gradient is about 1e-6 of the last one's; tanh and ReLU keep it within an order of
magnitude or two.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from chainrule import nn
from chainrule.diagnose.gradients import GradientReport, gradient_norms
from chainrule.train.mlp import ACTIVATIONS, build_mlp

STANDARD_INIT = {"sigmoid": "xavier_normal", "logistic": "xavier_normal",
                 "tanh": "xavier_normal", "hard_tanh": "xavier_normal",
                 "identity": "xavier_normal", "softplus": "he_normal", "relu": "he_normal",
                 "leaky_relu": "he_normal"}


def deep_network(activation: str, depth: int = 10, width: int = 32, inputs: int | None = None,
                 outputs: int = 1, init: str | None = None, seed: int = 0) -> nn.Sequential:
    """``depth`` linear layers of ``width`` units with ``activation`` between them, drawn with
    ``init`` (default: ``STANDARD_INIT[activation]``) from the generator seeded by ``seed``.

    Example:
        >>> from chainrule.diagnose import deep_network
        >>> net = deep_network("relu", depth=3, width=4)
        >>> [type(m).__name__ for m in net]
        ['Linear', 'ReLU', 'Linear', 'ReLU', 'Linear']
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"deep_network: unknown activation {activation!r}; choose one of "
                         f"{sorted(ACTIVATIONS)}")
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 2:
        raise ValueError(f"deep_network: depth counts linear layers and must be an int >= 2, "
                         f"got {depth!r}")
    return build_mlp(width if inputs is None else inputs, [width] * (depth - 1), outputs,
                     activation=activation, init=init or STANDARD_INIT[activation], seed=seed)


def synthetic_batch(n_samples: int = 64, features: int = 32,
                    seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Inputs drawn from N(0, 1) and random N(0, 1) targets, shapes (n, features) and (n, 1).

    Example:
        >>> from chainrule.diagnose import synthetic_batch
        >>> X, y = synthetic_batch(8, 3)
        >>> X.shape, y.shape
        ((8, 3), (8, 1))
    """
    rng = np.random.default_rng([seed, 3, 4])
    return rng.normal(size=(n_samples, features)), rng.normal(size=(n_samples, 1))


def gradient_profiles(activations: Sequence[str] = ("sigmoid", "tanh", "relu"), depth: int = 10,
                      width: int = 32, n_samples: int = 64,
                      seed: int = 0) -> dict[str, GradientReport]:
    """The gradient report at initialization of ``deep_network(a, depth, width)`` for each
    activation ``a``, all on the same synthetic batch (``synthetic_batch``).

    Example:
        >>> from chainrule.diagnose import gradient_profiles
        >>> p = gradient_profiles(("sigmoid", "relu"), depth=10, width=16, n_samples=32)
        >>> p["sigmoid"].verdict, p["relu"].verdict
        ('vanishing', 'healthy')
    """
    X, y = synthetic_batch(n_samples, width, seed)
    return {a: gradient_norms(deep_network(a, depth, width, seed=seed), nn.mean_squared_error,
                              X, y)
            for a in activations}
