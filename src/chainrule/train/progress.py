"""A progress bar on stderr with the live loss and metrics of the run.

When the optional ``tqdm`` package is installed (``pip install chainrule[progress]``), the bar
is a tqdm bar: it measures the rate, estimates the time left, adapts to the terminal's width
and keeps its line clean when something else is printed. Without it, a plain line of our own
is redrawn in place (carriage return). Either way the bar shows the epoch, the batch, the
loss and the metrics (validation ones included), is redrawn at most every ``interval``
seconds (so it costs nothing measurable even with tiny batches), and is drawn only when the
stream is a terminal, unless ``force=True``: logs and pipes stay clean.
"""

from __future__ import annotations

import os
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
    """The text of the plain bar: overall progress through ``epochs`` x ``batches`` steps.

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


def _columns(stream: TextIO) -> int:
    """The width of the terminal ``stream`` is, or 0 (not a terminal, or width unknown)."""
    try:
        return os.get_terminal_size(stream.fileno()).columns if stream.isatty() else 0
    except (AttributeError, OSError, ValueError):
        return 0


def tqdm_class() -> Any:
    """``tqdm.tqdm`` when the optional tqdm package can be imported, else None."""
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm


class ProgressBar(Callback):
    """Show the run's progress on ``stream`` (default ``sys.stderr``): a tqdm bar when tqdm is
    installed, else the plain line of ``render``. ``force=True`` draws on a stream that is not
    a terminal too; ``interval`` is the least time in seconds between redraws.

    Example (the text differs with and without tqdm; both name the epoch and the loss):
        >>> import io
        >>> import numpy as np
        >>> from chainrule import nn, optim
        >>> from chainrule.train import ProgressBar, fit
        >>> out = io.StringIO()
        >>> X, y = np.array([[0.0], [1.0]]), np.array([0, 1])
        >>> _ = fit(nn.Linear(1, 2, rng=0), nn.softmax_cross_entropy, (X, y), optim.sgd(0.5),
        ...         epochs=2, callbacks=[ProgressBar(out, force=True, interval=0)])
        >>> text = out.getvalue()
        >>> "epoch 2/2" in text, "loss 0." in text, text.endswith("\\n")
        (True, True, True)
    """

    def __init__(self, stream: TextIO | None = None, force: bool = False,
                 interval: float = 0.1) -> None:
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(force or (isatty is not None and isatty()))
        self.interval = float(interval)
        self._tqdm = tqdm_class() if self.enabled else None
        self._bar: Any = None
        self._pending = 0  # steps done but not yet given to the tqdm bar
        self._last_draw = 0.0
        self._epoch_logs: dict[str, Any] = {}
        self._width = 0

    def on_train_begin(self, run: Run) -> None:
        self._epoch_logs, self._width, self._pending = {}, 0, 0
        if self._tqdm is None:
            return
        batches, epoch = run.batches_per_epoch, min(run.completed_epochs + 1, run.epochs)
        # the bar fills a terminal's width (the text comes first: in a narrow terminal, the
        # times are cut before the metrics); elsewhere (a log, a terminal of unknown width,
        # which tqdm would take for 0 columns and 0 rows: not drawn) it is 20 wide, uncut
        fills = _columns(self.stream) > 0
        width = {"dynamic_ncols": True} if fills else {"ncols": 10**4, "nrows": 10**4}
        bar = "{bar}" if fills else "{bar:20}"
        self._bar = self._tqdm(
            desc=f"epoch {epoch}/{run.epochs} batch 0/{batches}",
            total=run.epochs * batches, initial=run.completed_epochs * batches,
            file=self.stream, mininterval=0, miniters=1, leave=True, **width,
            bar_format="{desc} |" + bar + "| {percentage:3.0f}% [{elapsed}<{remaining}]",
        )

    def _draw(self, text: str) -> None:
        pad = " " * max(self._width - len(text), 0)
        self._width = len(text)
        self.stream.write("\r" + text + pad)
        self.stream.flush()
        self._last_draw = time.perf_counter()

    def _tqdm_show(self, run: Run, batch: int, logs: dict[str, Any]) -> None:
        """Redraw the tqdm bar (we time the redraws; tqdm draws on every update)."""
        bar = self._bar
        text = f"epoch {run.epoch}/{run.epochs} batch {batch}/{run.batches_per_epoch}"
        details = _format(logs)
        bar.set_description_str(f"{text}  {details}" if details else text, refresh=False)
        if self._pending:
            bar.update(self._pending)
        else:
            bar.refresh()
        self._pending, self._last_draw = 0, time.perf_counter()

    def on_batch_end(self, run: Run, batch: int, logs: dict[str, float]) -> None:
        if not self.enabled:
            return
        self._pending += self._bar is not None
        if time.perf_counter() - self._last_draw < self.interval:
            return
        shown = {**logs, **self._epoch_logs}
        if self._bar is not None:
            self._tqdm_show(run, batch, shown)
        else:
            self._draw(render(run.epoch, run.epochs, batch, run.batches_per_epoch, shown))

    def on_epoch_end(self, run: Run, logs: dict[str, Any]) -> None:
        self._epoch_logs = {k: v for k, v in logs.items() if k != "loss"}
        b = run.batches_per_epoch
        last = run.epoch == run.epochs or run.stop_reason is not None
        if not (self.enabled and (last or time.perf_counter() - self._last_draw >= self.interval)):
            return
        if self._bar is not None:
            self._tqdm_show(run, b, logs)
        else:
            self._draw(render(run.epoch, run.epochs, b, b, logs))

    def on_train_end(self, run: Run) -> None:
        if self._bar is not None:
            self._bar.update(self._pending)
            self._bar.close()  # the final state stays on its own line
            self._bar = None
        elif self.enabled and self._width:
            self.stream.write("\n")
            self.stream.flush()
