"""A one-line progress bar on stderr with the live loss and metrics of the run.

The bar is redrawn in place (carriage return) at most every ``interval`` seconds, so it costs
nothing measurable even with one tiny batch per step. It is drawn only when the stream is a
terminal, unless ``force=True``: logs and pipes stay clean.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

from chainrule.train.callbacks import Callback

if TYPE_CHECKING:
    from chainrule.train.fit import Run


def _format(logs: dict[str, Any]) -> str:
    parts = []
    for k, v in logs.items():
        if k in ("epoch", "seconds") or not isinstance(v, int | float):
            continue
        parts.append(f"{k} {v:.4f}")
    return "  ".join(parts)


def render(epoch: int, epochs: int, batch: int, batches: int, logs: dict[str, Any],
           width: int = 20) -> str:
    """The text of the bar: overall progress through ``epochs`` x ``batches`` steps.

    Example:
        >>> from chainrule.train.progress import render
        >>> render(2, 4, 1, 2, {"loss": 0.5}, width=8)
        'epoch 2/4 [###.....] batch 1/2  loss 0.5000'
    """
    done = (epoch - 1) * batches + batch
    total = max(epochs * batches, 1)
    filled = int(width * done / total)
    bar = "#" * filled + "." * (width - filled)
    text = f"epoch {epoch}/{epochs} [{bar}] batch {batch}/{batches}"
    details = _format(logs)
    return f"{text}  {details}" if details else text


class ProgressBar(Callback):
    """Draw ``render(...)`` on ``stream`` (default ``sys.stderr``) while training runs.

    Example:
        >>> import io
        >>> import numpy as np
        >>> from chainrule import nn, optim
        >>> from chainrule.train import ProgressBar, fit
        >>> out = io.StringIO()
        >>> X, y = np.array([[0.0], [1.0]]), np.array([0, 1])
        >>> _ = fit(nn.Linear(1, 2, rng=0), nn.softmax_cross_entropy, (X, y), optim.sgd(0.5),
        ...         epochs=2, callbacks=[ProgressBar(out, force=True, interval=0)])
        >>> "epoch 2/2 [####################]" in out.getvalue()
        True
    """

    def __init__(self, stream: TextIO | None = None, force: bool = False,
                 interval: float = 0.1) -> None:
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(force or (isatty is not None and isatty()))
        self.interval = float(interval)
        self._last_draw = 0.0
        self._epoch_logs: dict[str, Any] = {}
        self._width = 0

    def _draw(self, text: str, final: bool = False) -> None:
        pad = " " * max(self._width - len(text), 0)
        self._width = len(text)
        self.stream.write("\r" + text + pad + ("\n" if final else ""))
        self.stream.flush()
        self._last_draw = time.perf_counter()

    def on_batch_end(self, run: Run, batch: int, logs: dict[str, float]) -> None:
        if not self.enabled:
            return
        if time.perf_counter() - self._last_draw < self.interval:
            return
        shown = {**logs, **self._epoch_logs}
        self._draw(render(run.epoch, run.epochs, batch, run.batches_per_epoch, shown))

    def on_epoch_end(self, run: Run, logs: dict[str, Any]) -> None:
        self._epoch_logs = {k: v for k, v in logs.items() if k != "loss"}
        last = run.epoch == run.epochs or run.stop_reason is not None
        if self.enabled and (last or time.perf_counter() - self._last_draw >= self.interval):
            b = run.batches_per_epoch
            self._draw(render(run.epoch, run.epochs, b, b, logs))

    def on_train_end(self, run: Run) -> None:
        if self.enabled and self._width:
            self.stream.write("\n")
            self.stream.flush()
