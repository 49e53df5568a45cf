"""Loss functions ``loss(predictions, targets, reduction="mean")`` returning a scalar.

Samples are the first axis. ``reduction`` is ``"mean"`` (over samples, or over entries for the
elementwise losses ``mean_squared_error`` and the binary cross-entropies, as PyTorch does),
``"sum"``, or ``"none"`` (the unreduced array). Predictions and targets must have equal shapes
where both are arrays of values: silent broadcasting of (n, 1) against (n,) is an error here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.backend import device, dtype_kind, foreign, library
from chainrule.describe import describe
from chainrule.jit.staging import stage
from chainrule.nn.activations import log_softmax, softplus
from chainrule.tracer import plain_array, primal

_REDUCTIONS = ("mean", "sum", "none")


def _reduce(values: Any, reduction: str, op: str) -> Any:
    if reduction == "mean":
        return np.mean(values)
    if reduction == "sum":
        return np.sum(values)
    if reduction == "none":
        return values
    raise ValueError(f"{op}: reduction={reduction!r}; use one of {_REDUCTIONS}")


def _same_shape(pred: Any, target: Any, op: str) -> None:
    if np.shape(pred) != np.shape(target):
        raise ValueError(
            f"{op}: predictions have shape {np.shape(pred)} but targets have shape "
            f"{np.shape(target)}; reshape one of them (e.g. y.reshape(-1, 1)) so they match"
        )


def squared_error(pred: Any, target: Any, reduction: str = "mean") -> Any:
    """The seeds' 1/2 ||y - yhat||^2 per sample (summed over the outputs), then averaged
    (``"mean"``) or summed over the samples. A 1-D input is one output per sample.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> float(nn.squared_error(np.array([[1.0, 2.0], [0.0, 0.0]]), np.zeros((2, 2))))
        1.25
    """
    _same_shape(pred, target, "squared_error")
    d = pred - target
    per_sample = 0.5 * d * d
    if np.ndim(per_sample) > 1:
        per_sample = np.sum(per_sample, axis=tuple(range(1, np.ndim(per_sample))))
    return _reduce(per_sample, reduction, "squared_error")


def mean_squared_error(pred: Any, target: Any, reduction: str = "mean") -> Any:
    """(y - yhat)^2 averaged over every entry (``"sum"``: the sum of squared errors).

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> float(nn.mean_squared_error(np.array([1.0, 3.0]), np.array([0.0, 0.0])))
        5.0
    """
    _same_shape(pred, target, "mean_squared_error")
    d = pred - target
    return _reduce(d * d, reduction, "mean_squared_error")


def _check_binary_targets(target: Any, op: str) -> None:
    t = plain_array(target)
    if np.any(t < 0) or np.any(t > 1):
        raise ValueError(f"{op}: targets must lie in [0, 1] (probabilities or 0/1 labels); got "
                         f"values from {np.min(t)} to {np.max(t)}")


def binary_cross_entropy(probs: Any, target: Any, eps: float = 1e-7,
                         reduction: str = "mean") -> Any:
    """-[t log p + (1 - t) log(1 - p)] on probabilities, p clipped to [eps, 1 - eps] so the
    loss stays finite (the clipped region has zero gradient); mean over every entry. Prefer
    ``binary_cross_entropy_with_logits`` when you have the logits.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> round(float(nn.binary_cross_entropy(np.array([0.5, 0.9]), np.array([1.0, 1.0]))), 4)
        0.3993
    """
    _same_shape(probs, target, "binary_cross_entropy")
    _check_binary_targets(target, "binary_cross_entropy")
    p = np.clip(probs, eps, 1.0 - eps)
    per = -(target * np.log(p) + (1.0 - target) * np.log(1.0 - p))
    return _reduce(per, reduction, "binary_cross_entropy")


def binary_cross_entropy_with_logits(logits: Any, target: Any, reduction: str = "mean") -> Any:
    """Binary cross-entropy of sigmoid(z) written as softplus(z) - t z: exact and overflow
    free for any z (gradient sigmoid(z) - t); mean over every entry.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> float(nn.binary_cross_entropy_with_logits(np.array([1000.0, -1000.0]),
        ...                                           np.array([1.0, 0.0])))
        0.0
    """
    _same_shape(logits, target, "binary_cross_entropy_with_logits")
    _check_binary_targets(target, "binary_cross_entropy_with_logits")
    per = softplus(logits) - target * logits
    return _reduce(per, reduction, "binary_cross_entropy_with_logits")


def _class_indices(labels: Any, logits_shape: tuple, op: str) -> np.ndarray | None:
    """Integer labels (or float labels holding whole numbers) of shape logits.shape[:-1] as an
    int array checked against the number of classes; None for one-hot/probability labels."""
    shape = np.shape(labels)
    n_classes = logits_shape[-1]
    if shape == tuple(logits_shape) and np.result_type(labels).kind == "f":
        return None
    if shape != tuple(logits_shape[:-1]):
        raise ValueError(
            f"{op}: logits have shape {tuple(logits_shape)} ({n_classes} classes on the last "
            f"axis), so labels must be class indices of shape {tuple(logits_shape[:-1])} or "
            f"one-hot rows of shape {tuple(logits_shape)}; got labels of shape {shape}"
        )
    lab = np.asarray(labels)
    if lab.dtype.kind == "f":
        if not np.all(lab == np.round(lab)):
            raise ValueError(f"{op}: labels of shape {shape} are class indices and must be "
                             "whole numbers")
        lab = lab.astype(np.int64)
    elif lab.dtype.kind not in "iu":
        raise TypeError(f"{op}: class labels must be integers, got dtype {lab.dtype}")
    if lab.size and (lab.max() >= n_classes or lab.min() < 0):
        raise ValueError(
            f"{op}: class labels must lie in [0, {n_classes}) for logits with {n_classes} "
            f"classes, but the labels range from {lab.min()} to {lab.max()} (max label "
            f"{lab.max()}); check the number of output units"
        )
    return lab


def _one_hot_there(labels: Any, logits_shape: tuple, dtype: Any) -> Any:
    """Labels of another library as one-hot (or probability) rows of that library, checked
    there: class indices become rows of ``dtype``; rows are returned as they are."""
    xp, n = library(labels), logits_shape[-1]
    if tuple(labels.shape) == logits_shape and dtype_kind(labels) == "f":
        return labels
    if tuple(labels.shape) != logits_shape[:-1] or dtype_kind(labels) not in "iu":
        raise ValueError(f"softmax_cross_entropy: labels of {xp.__name__} must be integer class "
                         f"indices of shape {logits_shape[:-1]} or one-hot rows of shape "
                         f"{logits_shape}; got a {describe(labels)}")
    if labels.size and bool(xp.any((labels < 0) | (labels >= n))):
        raise ValueError(f"softmax_cross_entropy: class labels must lie in [0, {n}) for "
                         f"logits with {n} classes")
    rows = xp.reshape(labels, (*labels.shape, 1)) == xp.arange(n, device=device(labels))
    return xp.astype(rows, dtype)


def _picked(logp: Any, labels: Any) -> Any:
    """``logp`` at each sample's label, for labels staged by ``cr.jit`` (a program input): the
    labels are checked by the program itself on every call (``_checked_labels``), and the
    picked entry is selected by a mask, so no label is ever frozen into the program."""
    n = logp.shape[-1]
    if tuple(labels.shape) == tuple(logp.shape) and labels.dtype.kind == "f":
        return np.sum(logp * labels, axis=-1)  # one-hot or probability rows
    if tuple(labels.shape) != tuple(logp.shape[:-1]):
        raise ValueError(f"softmax_cross_entropy: logits have shape {tuple(logp.shape)}, so "
                         f"labels must have shape {tuple(logp.shape[:-1])} or "
                         f"{tuple(logp.shape)}; got {tuple(labels.shape)}")
    checked = stage(_checked_labels, (labels, n), {}, check=True)
    return np.sum(np.where(checked[..., None] == np.arange(n), logp, 0.0), axis=-1)


def _checked_labels(labels: np.ndarray, n_classes: int) -> np.ndarray:
    """Class labels as int64 after the checks ``_class_indices`` makes: an instruction of a
    compiled program, so they run on every call."""
    if labels.dtype.kind == "f":
        if not np.all(labels == np.round(labels)):
            raise ValueError("softmax_cross_entropy: labels are class indices and must be "
                             "whole numbers")
        labels = labels.astype(np.int64)
    elif labels.dtype.kind not in "iu":
        raise TypeError(f"softmax_cross_entropy: class labels must be integers, got dtype "
                        f"{labels.dtype}")
    if labels.size and (labels.max() >= n_classes or labels.min() < 0):
        raise ValueError(f"softmax_cross_entropy: class labels must lie in [0, {n_classes}), "
                         f"but range from {labels.min()} to {labels.max()}")
    return labels


def _as_dtype_of(labels: Any, values: Any) -> Any:
    """Constant labels in the dtype of the values, so float32 models stay float32."""
    if isinstance(labels, np.ndarray | list | tuple):
        return np.asarray(labels, dtype=np.result_type(values))
    return labels


def softmax_cross_entropy(logits: Any, labels: Any, reduction: str = "mean") -> Any:
    """-sum_c y_c log softmax(u)_c per sample (seed 000's ``cost``: -y^T u + logsumexp(u)),
    averaged over the samples. ``labels`` are class indices (shape logits.shape[:-1]) or
    one-hot / probability rows (the shape of ``logits``); classes are the last axis.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> u = np.array([[0.0, 0.0], [1000.0, 0.0]])
        >>> round(float(nn.softmax_cross_entropy(u, np.array([0, 0]))), 4)  # (log 2 + 0) / 2
        0.3466
    """
    logp = log_softmax(logits, axis=-1)
    if getattr(primal(labels), "_jit_value", False):  # labels that are inputs of cr.jit
        return _reduce(-_picked(logp, primal(labels)), reduction, "softmax_cross_entropy")
    if foreign(labels):  # another library's labels (on a GPU): one-hot rows built there
        labels, idx = _one_hot_there(labels, tuple(logits.shape), logits.dtype), None
    else:
        idx = _class_indices(labels, tuple(np.shape(logits)), "softmax_cross_entropy")
    if idx is None:
        per = -np.sum(logp * _as_dtype_of(labels, logits), axis=-1)
    else:
        per = -np.take_along_axis(logp, idx[..., None], axis=-1)[..., 0]
    return _reduce(per, reduction, "softmax_cross_entropy")


def hinge(scores: Any, labels: Any, margin: float = 1.0, reduction: str = "mean") -> Any:
    """Binary hinge loss max(0, margin - y s) with labels y in {-1, +1} (derivative 0 at the
    kink, like ``relu``).

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> nn.hinge(np.array([2.0, 0.5, -1.0]), np.array([1, 1, 1]), reduction="none").tolist()
        [0.0, 0.5, 2.0]
    """
    _same_shape(scores, labels, "hinge")
    y = plain_array(labels)
    if not np.all((y == 1) | (y == -1)):
        raise ValueError("hinge: labels must be -1 or +1; convert 0/1 labels with 2 * y - 1")
    y = y.astype(np.result_type(scores))
    z = margin - y * scores
    return _reduce(np.where(z > 0, z, 0.0), reduction, "hinge")


def multiclass_hinge(scores: Any, labels: Any, kind: str = "weston_watkins",
                     margin: float = 1.0, reduction: str = "mean") -> Any:
    """Multiclass hinge loss on scores of shape (n, classes), labels as class indices or
    one-hot rows. ``kind="weston_watkins"`` (default, the multiclass SVM of CS231n):
    sum over j != y of max(0, margin + s_j - s_y). ``kind="crammer_singer"``:
    max(0, margin + max_{j != y} s_j - s_y), computed as max_j (margin [j != y] + s_j) - s_y.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> s = np.array([[3.0, 2.5, 2.8]])
        >>> ww = nn.multiclass_hinge(s, np.array([0]))  # 0.5 + 0.8
        >>> cs = nn.multiclass_hinge(s, np.array([0]), kind="crammer_singer")  # 0.8
        >>> round(float(ww), 6), round(float(cs), 6)
        (1.3, 0.8)
    """
    idx = _class_indices(labels, tuple(np.shape(scores)), "multiclass_hinge")
    n_classes = np.shape(scores)[-1]
    dtype = np.result_type(scores)
    onehot = _as_dtype_of(labels, scores) if idx is None else np.eye(n_classes, dtype=dtype)[idx]
    true_score = np.sum(scores * onehot, axis=-1, keepdims=True)
    other = 1.0 - onehot
    if kind == "weston_watkins":
        z = margin + scores - true_score
        per = np.sum(np.where(z > 0, z, 0.0) * other, axis=-1)
    elif kind == "crammer_singer":
        per = np.max(margin * other + scores, axis=-1) - true_score[..., 0]
    else:
        raise ValueError(f"multiclass_hinge: kind={kind!r}; use 'weston_watkins' or "
                         "'crammer_singer'")
    return _reduce(per, reduction, "multiclass_hinge")
