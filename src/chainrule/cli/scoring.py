"""The scores of a trained run on a part of the data, in the data's own units: a regression
network learns standardized targets (``RunConfig.scale_targets``), so its outputs are mapped
back (``unscale_outputs``) before the loss, mean squared error and R^2 are computed."""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.cli.config import RunConfig
from chainrule.nn import Module
from chainrule.train import predict
from chainrule.train.metrics import confusion_matrix, get_metric


def predictions(model: Module, X: np.ndarray, config: RunConfig) -> np.ndarray:
    """The outputs of ``model`` for the (preprocessed) rows ``X``, in the targets' units."""
    return config.unscale_outputs(predict(model, X))


def score(model: Module, loss: Any, part: tuple[np.ndarray, np.ndarray],
          config: RunConfig) -> dict[str, Any]:
    """``{"loss": ..., <metric>: ...}`` (and the confusion matrix of a classifier) of
    ``model`` on ``part`` = (X preprocessed, y as in the data).

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> from chainrule.cli.config import RunConfig
        >>> net = nn.Linear(1, 1, rng=0)
        >>> net.W[...], net.b[...] = 1.0, 0.0
        >>> c = RunConfig(data="d.csv", features=("x",), inputs=1, outputs=1, task="regression",
        ...               target_mean=(10.0,), target_std=(2.0,))
        >>> X = np.array([[0.0], [1.0]])
        >>> score(net, nn.mean_squared_error, (X, np.array([[10.0], [12.0]])), c)
        {'loss': 0.0, 'mse': 0.0, 'r2': 1.0}
    """
    X, y = part
    out = predictions(model, X, config)
    result = {"loss": float(loss(out, y))}
    for name, fn in (get_metric(m) for m in config.metrics):
        result[name] = float(fn(out, y))
    if config.n_classes is not None:
        result["confusion_matrix"] = confusion_matrix(out, y).tolist()
    return result
