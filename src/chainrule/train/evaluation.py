"""Using a trained model: ``predict`` (outputs in inference mode) and ``evaluate`` (loss and
metrics on a data set), both without recording anything for differentiation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule.backend import BackendError, any_foreign
from chainrule.devices import CPU, Device, device_of
from chainrule.nn import Module
from chainrule.tracer import primal
from chainrule.train.metrics import Metric, confusion_matrix, get_metric


def as_pair(data: Any, op: str) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)`` from a pair or a ``chainrule.data.Dataset``, with equal numbers of rows."""
    try:
        X, y = data
    except (TypeError, ValueError):
        raise TypeError(f"{op}: expected a pair (X, y) or a chainrule.data.Dataset, got "
                        f"{type(data).__name__}") from None
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0 or X.shape[0] != y.shape[0]:
        raise ValueError(f"{op}: X has shape {X.shape} and y has shape {y.shape}; they need "
                         "the same number of samples (rows) on axis 0")
    if X.shape[0] == 0:
        raise ValueError(f"{op}: no samples (X has shape {X.shape})")
    return X, y


def predict(model: Module, X: Any, batch_size: int | None = None) -> np.ndarray:
    """``model(X)`` in inference mode (``eval()``; the mode is restored afterwards), in
    batches of ``batch_size`` rows when given, as a NumPy array. It runs on the device of the
    model's parameters: NumPy inputs are copied there batch by batch (``X`` may also be an
    array on that device) and the outputs come back to the host.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> from chainrule.train import predict
        >>> net = nn.Sequential(nn.Linear(2, 3, rng=0), nn.Dropout(0.5, rng=0))
        >>> bool(np.array_equal(predict(net, np.ones((4, 2))), net[0](np.ones((4, 2)))))
        True
    """
    dev = model_device(model, "predict")
    if any_foreign(X):
        if device_of(X) != dev:
            raise BackendError(f"predict: X is on {device_of(X).name} but the model is on "
                               f"{dev.name}; move one of them (model.to(...), or pass X as a "
                               "NumPy array: each batch is then copied to the model's device)")
    else:
        X = np.asarray(X)

    def outputs(part: Any) -> np.ndarray:
        return dev.get(primal(model(part if dev.is_host else dev.put(part))))

    was = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        if batch_size is None or batch_size >= X.shape[0]:
            return outputs(X)
        parts = [outputs(X[i:i + batch_size]) for i in range(0, X.shape[0], batch_size)]
        return np.concatenate(parts, axis=0)
    finally:
        for m, mode in was:
            object.__setattr__(m, "training", mode)


def model_device(model: Module, op: str) -> Device:
    """The device holding ``model``'s parameters (NumPy's when it has none); a
    ``BackendError`` when they are spread over several."""
    found = {device_of(p) for p in model.parameters()} or {CPU}
    if len(found) > 1:
        raise BackendError(f"{op}: the model's parameters are on {len(found)} devices "
                           f"({', '.join(sorted(d.name for d in found))}); move them to one "
                           "with model.to(device)")
    return found.pop()


def evaluate(model: Module, loss: Callable[[Any, Any], Any] | None, data: Any,
             metrics: Sequence[str | Metric] = ("accuracy",), batch_size: int | None = None,
             confusion: bool = False) -> dict[str, Any]:
    """``{"loss": ..., "<metric>": ...}`` of ``model`` on ``data`` = (X, y) in inference mode;
    with ``confusion=True`` also ``"confusion_matrix"`` (a list of lists, JSON-ready).

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> from chainrule.train import evaluate
        >>> net = nn.Linear(1, 2, rng=0)
        >>> net.W[...] = [[-1.0, 1.0]]
        >>> X, y = np.array([[-2.0], [3.0], [1.0]]), np.array([0, 1, 0])
        >>> r = evaluate(net, nn.softmax_cross_entropy, (X, y), confusion=True)
        >>> round(r["accuracy"], 4), r["confusion_matrix"]
        (0.6667, [[1, 1], [0, 1]])
    """
    X, y = as_pair(data, "evaluate")
    out = predict(model, X, batch_size)
    result: dict[str, Any] = {}
    if loss is not None:
        result["loss"] = float(loss(out, y))
    for name, fn in (get_metric(m) for m in metrics):
        result[name] = float(fn(out, y))
    if confusion:
        result["confusion_matrix"] = confusion_matrix(out, y).tolist()
    return result
