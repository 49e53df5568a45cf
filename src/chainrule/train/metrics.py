"""Evaluation metrics: accuracy, confusion matrix, mean squared error and R^2.

Every metric takes ``(output, y)``: the model's output first (class scores of shape (n, k),
or one score per sample), the targets second, like the losses of ``chainrule.nn``. Class
predictions from scores are ``argmax`` over the last axis; a single score column (or a 1-D
output) is a probability of class 1 and is thresholded at 0.5. Values are plain Python floats
(the confusion matrix an int64 array), so a history of them is JSON-ready.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.tracer import plain_array

Metric = Callable[[Any, Any], float]


def _array(value: Any) -> np.ndarray:
    return plain_array(value)


def predict_classes(output: Any, threshold: float = 0.5) -> np.ndarray:
    """Class labels from model outputs: argmax of (n, k) scores with k > 1, else
    ``score > threshold`` (one probability per sample, for sigmoid outputs).

    Example:
        >>> import numpy as np
        >>> from chainrule.train import predict_classes
        >>> predict_classes(np.array([[0.1, 2.0], [3.0, -1.0]])).tolist()
        [1, 0]
        >>> predict_classes(np.array([0.2, 0.7])).tolist()
        [0, 1]
    """
    out = _array(output)
    if out.ndim >= 2 and out.shape[-1] > 1:
        return np.argmax(out, axis=-1).astype(np.int64)
    if out.ndim >= 2:
        out = out[..., 0]
    return (out > threshold).astype(np.int64)


def _labels(y: Any, n: int, op: str) -> np.ndarray:
    lab = _array(y)
    if lab.ndim == 2 and lab.shape[1] > 1:  # one-hot rows
        lab = np.argmax(lab, axis=1)
    lab = lab.reshape(-1) if lab.ndim == 2 and lab.shape[1] == 1 else lab
    if lab.shape != (n,):
        raise ValueError(f"{op}: {n} predictions but targets of shape {_array(y).shape}; give one "
                         "class label per sample (or one-hot rows)")
    if lab.dtype.kind == "f":
        if not np.all(lab == np.round(lab)):
            raise ValueError(f"{op}: class labels must be whole numbers, got {lab.dtype} values "
                             "with fractions (is this a regression target? use 'mse' or 'r2')")
        lab = lab.astype(np.int64)
    return lab


def accuracy(output: Any, y: Any) -> float:
    """Fraction of samples whose predicted class (``predict_classes(output)``) equals ``y``
    (class indices, or one-hot rows).

    Example:
        >>> import numpy as np
        >>> from chainrule.train import accuracy
        >>> accuracy(np.array([[2.0, 1.0], [0.0, 1.0], [5.0, 0.0]]), np.array([0, 1, 1]))
        0.6666666666666666
    """
    pred = predict_classes(output)
    lab = _labels(y, pred.shape[0], "accuracy")
    if pred.shape[0] == 0:
        raise ValueError("accuracy: no samples to score")
    return float(np.mean(pred == lab))


def confusion_matrix(output: Any, y: Any, n_classes: int | None = None) -> np.ndarray:
    """Counts ``C[i, j]`` of samples of true class ``i`` predicted as class ``j`` (rows are the
    truth, as in most texts); ``n_classes`` defaults to the number of output columns (or to
    ``max label + 1`` for a single score column).

    Example:
        >>> import numpy as np
        >>> from chainrule.train import confusion_matrix
        >>> out = np.array([[2.0, 1.0], [0.0, 1.0], [5.0, 0.0]])
        >>> confusion_matrix(out, np.array([0, 1, 1])).tolist()
        [[1, 0], [1, 1]]
    """
    out = _array(output)
    pred = predict_classes(out)
    lab = _labels(y, pred.shape[0], "confusion_matrix")
    if n_classes is None:
        n_classes = out.shape[-1] if out.ndim >= 2 and out.shape[-1] > 1 else 2
        n_classes = max(n_classes, int(lab.max(initial=-1)) + 1)
    if lab.size and (lab.min() < 0 or lab.max() >= n_classes):
        raise ValueError(f"confusion_matrix: labels range from {lab.min()} to {lab.max()} but "
                         f"n_classes={n_classes}")
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (lab, pred), 1)
    return matrix


def _regression_pair(output: Any, y: Any, op: str) -> tuple[np.ndarray, np.ndarray]:
    out, target = _array(output).astype(np.float64), _array(y).astype(np.float64)
    if out.shape != target.shape:
        if out.size == target.size and out.shape[:1] == target.shape[:1]:
            target = target.reshape(out.shape)
        else:
            raise ValueError(f"{op}: output has shape {out.shape} but targets have shape "
                             f"{target.shape}")
    if out.size == 0:
        raise ValueError(f"{op}: no samples to score")
    return out, target


def mean_squared_error(output: Any, y: Any) -> float:
    """Mean of ``(output - y)^2`` over every entry (a (n,) target matches an (n, 1) output).

    Example:
        >>> import numpy as np
        >>> from chainrule.train import mean_squared_error
        >>> mean_squared_error(np.array([[1.0], [3.0]]), np.array([0.0, 1.0]))
        2.5
    """
    out, target = _regression_pair(output, y, "mean_squared_error")
    return float(np.mean((out - target) ** 2))


def r2_score(output: Any, y: Any) -> float:
    """Coefficient of determination ``1 - SS_res / SS_tot`` (sums over samples, then averaged
    over output columns): 1 is a perfect fit, 0 is as good as predicting the mean of ``y``.
    A constant target gives 1.0 for a perfect fit and 0.0 otherwise.

    Example:
        >>> import numpy as np
        >>> from chainrule.train import r2_score
        >>> r2_score(np.array([1.0, 2.0, 4.0]), np.array([1.0, 2.0, 3.0]))
        0.5
    """
    out, target = _regression_pair(output, y, "r2_score")
    if out.ndim == 1:
        out, target = out[:, None], target[:, None]
    ss_res = np.sum((target - out) ** 2, axis=0)
    ss_tot = np.sum((target - target.mean(axis=0)) ** 2, axis=0)
    safe = np.where(ss_tot > 0, ss_tot, 1.0)
    scores = np.where(ss_tot > 0, 1.0 - ss_res / safe, np.where(ss_res == 0, 1.0, 0.0))
    return float(np.mean(scores))


METRICS: dict[str, Metric] = {
    "accuracy": accuracy,
    "mse": mean_squared_error,
    "r2": r2_score,
}


def get_metric(metric: str | Metric) -> tuple[str, Metric]:
    """``(name, function)`` for a metric name (``'accuracy'``, ``'mse'``, ``'r2'``) or a
    callable ``f(output, y) -> float`` (named after its ``__name__``).

    Example:
        >>> from chainrule.train.metrics import get_metric
        >>> get_metric("r2")[0]
        'r2'
    """
    if callable(metric):
        return getattr(metric, "__name__", "metric"), metric
    if isinstance(metric, str) and metric in METRICS:
        return metric, METRICS[metric]
    raise ValueError(f"unknown metric {metric!r}; use one of {sorted(METRICS)} or a function "
                     "f(output, y) -> float")
