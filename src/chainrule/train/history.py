"""``History``: what ``fit`` measured, one dict per epoch, ready for JSON.

Each epoch's dict holds ``epoch`` (1-based), ``loss`` (the mean training loss over the epoch's
batches, penalty included), one entry per training metric, ``val_loss`` and ``val_<metric>``
when there is validation data, and ``seconds`` (wall time of the epoch). ``history["loss"]``
is the list of one key over the epochs. ``events`` lists what happened along the way (each a
dict with ``epoch``, ``kind`` and a readable ``message``), such as the validation loss growing
tenfold (kind ``"val_loss_growth"``, see ``chainrule.train.watch``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from typing import Any


def _plain(value: Any) -> Any:
    """A JSON-ready copy: NumPy scalars to Python numbers, arrays to lists."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


class History:
    """Per-epoch records of a training run, plus why it stopped.

    ``stop_reason`` is ``"completed"``, ``"early_stopping"``, ``"stopped"`` (a callback asked) or
    ``None`` while training runs; ``best_epoch`` is set by ``EarlyStopping``; ``events`` is
    the list of warnings the run gave (dicts with ``epoch``, ``kind``, ``message``).

    Example:
        >>> from chainrule.train import History
        >>> h = History()
        >>> h.append({"epoch": 1, "loss": 0.9}); h.append({"epoch": 2, "loss": 0.5})
        >>> h["loss"], len(h), h.last["epoch"]
        ([0.9, 0.5], 2, 2)
        >>> History.from_dict(h.to_dict())["loss"]
        [0.9, 0.5]
    """

    def __init__(self, epochs: list[dict[str, Any]] | None = None,
                 stop_reason: str | None = None, best_epoch: int | None = None,
                 events: list[dict[str, Any]] | None = None) -> None:
        self.epochs: list[dict[str, Any]] = [dict(e) for e in epochs or []]
        self.stop_reason = stop_reason
        self.best_epoch = best_epoch
        self.events: list[dict[str, Any]] = [dict(e) for e in events or []]

    def append(self, record: Mapping[str, Any]) -> None:
        """Add one epoch's record (values converted to plain Python numbers)."""
        self.epochs.append(_plain(dict(record)))

    def __len__(self) -> int:
        return len(self.epochs)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.epochs)

    def __getitem__(self, key: str) -> list[Any]:
        """The values of ``key`` over the epochs that recorded it."""
        if not any(key in e for e in self.epochs):
            known = sorted({k for e in self.epochs for k in e})
            raise KeyError(f"History has no {key!r}; recorded keys: {known}")
        return [e[key] for e in self.epochs if key in e]

    def keys(self) -> list[str]:
        """Every key recorded in some epoch, in first-seen order."""
        seen: dict[str, None] = {}
        for e in self.epochs:
            seen.update(dict.fromkeys(e))
        return list(seen)

    @property
    def last(self) -> dict[str, Any]:
        """The record of the last epoch (an empty dict before the first)."""
        return self.epochs[-1] if self.epochs else {}

    def to_dict(self) -> dict[str, Any]:
        """``{"epochs": [...], "stop_reason": ..., "best_epoch": ..., "events": [...]}``,
        JSON-ready (non-finite numbers become None, since JSON has no NaN)."""
        def clean(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [{k: None if isinstance(v, float) and not math.isfinite(v) else v
                     for k, v in r.items()} for r in _plain(records)]

        return {"epochs": clean(self.epochs), "stop_reason": self.stop_reason,
                "best_epoch": self.best_epoch, "events": clean(self.events)}

    def to_json(self, indent: int | None = 2) -> str:
        """``to_dict()`` as a JSON string."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> History:
        """Rebuild a ``History`` from ``to_dict()`` output."""
        return cls(list(data.get("epochs", [])), data.get("stop_reason"), data.get("best_epoch"),
                   list(data.get("events", [])))

    def __repr__(self) -> str:
        last = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                         for k, v in self.last.items() if k != "seconds")
        return f"History({len(self)} epochs{': ' + last if last else ''})"
