"""Callbacks: objects whose hooks ``fit`` calls as training goes, and ``EarlyStopping``.

A hook receives the ``Run`` (see ``chainrule.train.fit``): ``run.model`` (the current model),
``run.epoch`` (1-based), ``run.epochs``, ``run.history``, and ``run.stop(reason)`` to end
training after the current epoch. A callback that keeps state across epochs exposes it with
``get_state() -> (json_dict, arrays_dict)`` and ``set_state(json_dict, arrays_dict)`` so that a
checkpoint can carry it and a resumed run behaves like an uninterrupted one.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from chainrule.train.fit import Run


class Callback:
    """Base class with empty hooks; override the ones you need.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn, optim
        >>> from chainrule.train import Callback, fit
        >>> class Losses(Callback):
        ...     def __init__(self):
        ...         self.seen = []
        ...     def on_epoch_end(self, run, logs):
        ...         self.seen.append(round(logs["loss"], 3))
        >>> X, y = np.array([[0.0], [1.0]]), np.array([0, 1])
        >>> cb = Losses()
        >>> _ = fit(nn.Linear(1, 2, rng=0), nn.softmax_cross_entropy, (X, y), optim.sgd(0.5),
        ...         epochs=3, callbacks=[cb])
        >>> len(cb.seen), cb.seen[0] > cb.seen[-1]
        (3, True)
    """

    def on_train_begin(self, run: Run) -> None:
        """Before the first epoch (also when resuming)."""

    def on_epoch_begin(self, run: Run) -> None:
        """Before the batches of epoch ``run.epoch``."""

    def on_batch_end(self, run: Run, batch: int, logs: dict[str, float]) -> None:
        """After the update on batch ``batch`` (1-based); ``logs["loss"]`` is its loss."""

    def on_epoch_end(self, run: Run, logs: dict[str, Any]) -> None:
        """After validation; ``logs`` is the epoch's history record."""

    def on_train_end(self, run: Run) -> None:
        """After the last epoch (also after an early stop)."""

    def get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """JSON-ready values and arrays to checkpoint (none by default)."""
        return {}, {}

    def set_state(self, values: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        """Restore what ``get_state`` returned."""


def _mode(monitor: str, mode: str) -> str:
    if mode == "auto":
        return "min" if monitor.endswith("loss") or monitor.endswith("mse") else "max"
    if mode not in ("min", "max"):
        raise ValueError(f"EarlyStopping: mode={mode!r}; use 'auto', 'min' or 'max'")
    return mode


class EarlyStopping(Callback):
    """Stop when ``monitor`` (default ``"val_loss"``) has not improved by more than
    ``min_delta`` for ``patience`` epochs (seed 003, section 4.6: early stopping regularizes by
    ending training when the error on held-out data starts to rise).

    ``mode`` ``"auto"`` minimizes names ending in ``loss``/``mse`` and maximizes the others
    (accuracy, r2). With ``restore_best`` (default) the weights and buffers of the best epoch
    are kept as ``state_dict`` copies and loaded back when training ends, whether it stopped
    early or ran all its epochs; ``best_epoch`` and ``history.best_epoch`` tell which epoch.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn, optim
        >>> from chainrule.train import EarlyStopping, fit
        >>> X, y = np.array([[0.0], [1.0]]), np.array([0, 1])
        >>> stop = EarlyStopping(patience=2)
        >>> h = fit(nn.Linear(1, 2, rng=0), nn.softmax_cross_entropy, (X, y), optim.sgd(50.0),
        ...         epochs=100, validation=(X, 1 - y), callbacks=[stop])
        >>> h.stop_reason, len(h) - h.best_epoch   # stopped `patience` epochs after the best
        ('early_stopping', 2)
    """

    def __init__(self, monitor: str = "val_loss", patience: int = 10, min_delta: float = 0.0,
                 restore_best: bool = True, mode: str = "auto") -> None:
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 1:
            raise ValueError(f"EarlyStopping: patience must be an int >= 1, got {patience!r}")
        if not (isinstance(min_delta, int | float) and min_delta >= 0):
            raise ValueError(f"EarlyStopping: min_delta must be >= 0, got {min_delta!r}")
        self.monitor, self.patience, self.min_delta = monitor, patience, float(min_delta)
        self.restore_best, self.mode = bool(restore_best), _mode(monitor, mode)
        self.best: float | None = None
        self.best_epoch: int | None = None
        self.wait = 0
        self.best_state: dict[str, np.ndarray] | None = None

    def _improved(self, value: float) -> bool:
        if not math.isfinite(value):
            return False
        if self.best is None:
            return True
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, run: Run, logs: dict[str, Any]) -> None:
        if self.monitor not in logs:
            raise ValueError(
                f"EarlyStopping: monitors {self.monitor!r} but the epoch recorded only "
                f"{sorted(logs)}; pass validation=(X_val, y_val) to fit, or monitor another key"
            )
        value = float(logs[self.monitor])
        if self._improved(value):
            self.best, self.best_epoch, self.wait = value, int(logs["epoch"]), 0
            if self.restore_best:
                self.best_state = run.model.state_dict()
        else:
            self.wait += 1
            if self.wait >= self.patience:
                run.stop("early_stopping")
        run.history.best_epoch = self.best_epoch

    def on_train_end(self, run: Run) -> None:
        if self.restore_best and self.best_state is not None:
            run.load_model_state(self.best_state)

    def get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        values = {"best": self.best, "best_epoch": self.best_epoch, "wait": self.wait}
        return values, dict(self.best_state or {})

    def set_state(self, values: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.best, self.best_epoch = values.get("best"), values.get("best_epoch")
        self.wait = int(values.get("wait", 0))
        self.best_state = {k: np.array(v) for k, v in arrays.items()} or None
