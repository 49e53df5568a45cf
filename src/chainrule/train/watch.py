"""A warning when the validation loss grows tenfold over the best seen so far.

A model can keep lowering its training loss while it gets far worse on held-out data (a
learning rate too high for the validation data's directions, or a column that fits the
training noise: R^2 on validation going from 0.8 to -1367 while training looks fine). ``fit``
watches ``val_loss``: when it exceeds ``GROWTH`` (10) times the best validation loss so far,
it warns with ``ValidationLossWarning`` and records the event in ``History.events``. It warns
once per such episode: not again until the validation loss has set a new best (the model
recovered) and then grown tenfold over that, so a diverging run (whose loss may grow tenfold
every epoch) says so once, not every epoch. A validation loss that becomes NaN or infinite
counts as grown; a best loss of zero or below (a loss that can be negative) gives no
meaningful ratio and is not watched.
"""

from __future__ import annotations

import math
from typing import Any

from chainrule.train.history import History

GROWTH = 10.0
EVENT = "val_loss_growth"


class ValidationLossWarning(UserWarning):
    """The validation loss grew to more than ten times the best validation loss of the run
    (see ``chainrule.train.watch``); the event is also in ``History.events``.

    Example:
        >>> from chainrule.train import ValidationLossWarning
        >>> issubclass(ValidationLossWarning, UserWarning)
        True
    """


class ValidationWatch:
    """Follows ``val_loss`` epoch by epoch: ``best``, ``best_epoch`` and whether the growth
    since that best was already ``warned`` about. Rebuilt from a ``History`` when a run
    resumes, so a resumed run does not warn twice.

    Example:
        >>> from chainrule.train import History
        >>> from chainrule.train.watch import ValidationWatch
        >>> h = History([{"epoch": 1, "val_loss": 0.2}, {"epoch": 2, "val_loss": 0.5}])
        >>> watch = ValidationWatch(h)
        >>> watch.check({"epoch": 3, "val_loss": 1368.0 * 0.2}) is not None  # R^2 0.8 -> -1367
        True
        >>> watch.check({"epoch": 4, "val_loss": 3000.0}) is None  # the same episode
        True
        >>> watch.check({"epoch": 5, "val_loss": 0.1}) is None  # a new best: a new episode
        True
        >>> print(watch.check({"epoch": 6, "val_loss": 2.0}))  # doctest: +ELLIPSIS
        fit: at epoch 6 the validation loss 2 is 20 times the best, 0.1 at epoch 5: ...
        >>> [e["epoch"] for e in h.events]
        [3, 6]
    """

    def __init__(self, history: History) -> None:
        self.history = history
        self.best: float | None = None
        self.best_epoch: int | None = None
        self.warned = False
        for record in history:
            self._grown(record)
        self.warned = any(e.get("kind") == EVENT and self.best_epoch is not None
                          and e["epoch"] > self.best_epoch for e in history.events)

    def _grown(self, record: dict[str, Any]) -> bool:
        """Update the best with ``record``; whether its ``val_loss`` is over ``GROWTH`` times
        a positive best (or not finite)."""
        if "val_loss" not in record:
            return False
        value = _number(record["val_loss"])
        if self.best is None or value < self.best:  # NaN never becomes the best
            if math.isfinite(value):
                self.best, self.best_epoch, self.warned = value, int(record["epoch"]), False
            return False
        return self.best > 0 and not value <= GROWTH * self.best

    def check(self, record: dict[str, Any]) -> str | None:
        """Follow the epoch ``record``; the warning message (also added to the history's
        events) when ``val_loss`` grew over tenfold the best in a new episode, else None."""
        if not self._grown(record) or self.warned:
            return None
        self.warned = True
        value, epoch = _number(record["val_loss"]), int(record["epoch"])
        best = f"{self.best:.4g} at epoch {self.best_epoch}"
        if math.isfinite(value):
            ratio = value / self.best
            times = f"{ratio:,.0f}" if 100 <= ratio < 1e6 else f"{ratio:.3g}"
            grown = f"{value:.4g} is {times} times the best, {best}"
        else:
            grown = f"became {value} (the best was {best})"
        message = (
            f"fit: at epoch {epoch} the validation loss {grown}: the model got much worse on "
            "the validation data; lower the learning rate, or stop early "
            "(EarlyStopping(restore_best=True) keeps the best epoch's weights)"
        )
        self.history.events.append({
            "epoch": epoch, "kind": EVENT, "val_loss": value, "best": self.best,
            "best_epoch": self.best_epoch, "message": message,
        })
        return message


def _number(value: Any) -> float:
    """A recorded loss as a float (None, JSON's stand-in for NaN/inf, reads as NaN)."""
    return math.nan if value is None else float(value)
