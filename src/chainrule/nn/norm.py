"""Normalization layers: ``BatchNorm`` (seed 003 section 3.6) and ``LayerNorm``.

Features are the last axis (as everywhere in ``chainrule.nn``). The backward pass is not
hand-written: chainrule differentiates the forward computation, which reproduces the seed's
closed form (eqs. 3.62 to 3.65; ``tests/nn/test_norm.py`` checks it).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from chainrule import numpy as cnp
from chainrule.nn.module import Module
from chainrule.nn.shapes import check_features
from chainrule.transforms import stop_gradient


def _features(layer: str, n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"{layer}: num_features must be a positive integer, got {n!r}")
    return int(n)


class BatchNorm(Module):
    """Batch normalization over every axis but the last (seed 003, eqs. 3.58 to 3.61):

        mu = mean over the batch,  sigma^2 = mean((v - mu)^2) + eps,
        v_hat = (v - mu) / sigma,  a = gamma * v_hat + beta

    with learnable ``gamma`` (ones) and ``beta`` (zeros). In training mode the batch
    statistics are used and differentiated through (mu and sigma depend on the batch), and the
    buffers ``running_mean`` and ``running_var`` move towards them by exponential averaging:
    ``running = (1 - momentum) * running + momentum * batch_value``. In inference mode
    (``eval()``) the running estimates are used instead, a fixed affine map (seed: "treated as
    constants during testing time").

    PyTorch's conventions and defaults: eps = 1e-5, momentum = 0.1; the batch is normalised
    with the biased variance (divide by m, as in eq. 3.59), while running_var is updated with
    the unbiased one (divide by m - 1). Training mode needs m >= 2 values per feature. Being an
    ordinary layer, it can sit before the activation (the seed's preferred place, Figure 3.18b)
    or after it.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> bn = nn.BatchNorm(2)
        >>> bn(np.array([[1.0, 10.0], [3.0, 30.0]])).round(3).tolist()
        [[-1.0, -1.0], [1.0, 1.0]]
        >>> bn.running_mean.tolist(), bn.running_var.tolist()
        ([0.2, 2.0], [1.1, 20.9])
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1,
                 dtype: Any = np.float64) -> None:
        self.num_features = _features("BatchNorm", num_features)
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"BatchNorm: momentum must be in [0, 1], got {momentum!r}")
        if not eps > 0:
            raise ValueError(f"BatchNorm: eps must be positive, got {eps!r}")
        self.eps, self.momentum = float(eps), float(momentum)
        self.gamma = np.ones(self.num_features, dtype=dtype)
        self.beta = np.zeros(self.num_features, dtype=dtype)
        self.register_buffer("running_mean", np.zeros(self.num_features, dtype=dtype))
        self.register_buffer("running_var", np.ones(self.num_features, dtype=dtype))

    def forward(self, x: Any) -> Any:
        check_features(self, x, self.num_features)
        shape = np.shape(x)
        if not self.training:
            v_hat = (x - self.running_mean) / cnp.sqrt(self.running_var + self.eps)
            return self.gamma * v_hat + self.beta
        axes = tuple(range(len(shape) - 1))
        m = math.prod(shape[:-1])
        if m < 2:
            raise ValueError(
                f"{self!r} in training mode needs at least 2 values per feature to estimate a "
                f"variance, but was given an input of shape {tuple(shape)}; call eval() to "
                "use the running statistics for single examples"
            )
        mu = cnp.mean(x, axis=axes)  # eq. 3.58
        centered = x - mu
        var = cnp.mean(centered * centered, axis=axes)  # eq. 3.59 without eps (biased)
        v_hat = centered / cnp.sqrt(var + self.eps)  # eq. 3.60
        k = self.momentum
        self.running_mean = (1 - k) * self.running_mean + k * stop_gradient(mu)
        self.running_var = (1 - k) * self.running_var + k * stop_gradient(var) * (m / (m - 1))
        return self.gamma * v_hat + self.beta  # eq. 3.61

    def __repr__(self) -> str:
        return f"BatchNorm({self.num_features})"


class LayerNorm(Module):
    """Layer normalization: each example normalised over its own features (the last axis),
    ``a = gamma * (v - mean) / sqrt(var + eps) + beta`` with the biased variance; the same in
    training and inference, no buffers (seed 003 section 3.6 mentions it for recurrent nets).
    Defaults as PyTorch's: eps = 1e-5, gamma ones, beta zeros.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> nn.LayerNorm(2)(np.array([[1.0, 3.0]])).round(3).tolist()
        [[-1.0, 1.0]]
    """

    def __init__(self, num_features: int, eps: float = 1e-5, dtype: Any = np.float64) -> None:
        self.num_features = _features("LayerNorm", num_features)
        if not eps > 0:
            raise ValueError(f"LayerNorm: eps must be positive, got {eps!r}")
        self.eps = float(eps)
        self.gamma = np.ones(self.num_features, dtype=dtype)
        self.beta = np.zeros(self.num_features, dtype=dtype)

    def forward(self, x: Any) -> Any:
        check_features(self, x, self.num_features)
        mu = cnp.mean(x, axis=-1, keepdims=True)
        centered = x - mu
        var = cnp.mean(centered * centered, axis=-1, keepdims=True)
        return self.gamma * centered / cnp.sqrt(var + self.eps) + self.beta

    def __repr__(self) -> str:
        return f"LayerNorm({self.num_features})"
