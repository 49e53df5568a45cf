"""The trials of a search, kept on disk as they finish, so an interrupted search continues.

One JSON object per line, appended and flushed to disk (``fsync``) as each trial ends: a crash
loses at most the trial that was running, and a half-written last line (the crash came during
the write) is ignored on reading. The strategies are deterministic for a seed, so a restarted
search proposes the same configurations in the same order: trial n already in the journal is
taken from it (its configuration must match, or the journal belongs to another search and is
refused), and only the rest run.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from chainrule.tune.trial import Trial


class JournalError(ValueError):
    """A journal that does not belong to the search resumed from it."""


class Journal:
    """Append-only trial records at ``path`` (created with its folder when absent).

    Example:
        >>> import os, tempfile
        >>> from chainrule.tune.journal import Journal
        >>> from chainrule.tune.trial import Trial
        >>> path = os.path.join(tempfile.mkdtemp(), "trials.jsonl")
        >>> Journal(path).record(Trial(0, {"lr": 0.01}, 0.9))
        >>> Journal(path).trials[0].value
        0.9
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = os.fspath(path)
        self.trials: dict[int, Trial] = {}
        if os.path.exists(self.path):
            self._read()

    def _read(self) -> None:
        with open(self.path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        for k, line in enumerate(lines):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                if k >= len(lines) - 2:  # the last line, cut by a crash: that trial reruns
                    continue
                raise JournalError(f"{self.path}: line {k + 1} is not a trial record; the "
                                   "journal is damaged (move it away to start afresh)") from None
            trial = Trial(entry["number"], entry["config"], entry["value"], entry["error"],
                          entry["round"], entry.get("pruned_at"),
                          tuple((int(s), float(v)) for s, v in entry.get("curve", ())))
            self.trials[trial.number] = trial

    def known(self, number: int, config: Mapping[str, Any]) -> Trial | None:
        """Trial ``number`` from the journal, checked to have ``config``; None if not there."""
        trial = self.trials.get(number)
        if trial is None:
            return None
        if not _same(trial.config, config):
            raise JournalError(
                f"{self.path}: trial {number} was {trial.config} but this search proposes "
                f"{dict(config)}: the journal was written by another search (another space, "
                "strategy or seed); resume with the same ones, or start in a new folder")
        return trial

    def record(self, trial: Trial) -> None:
        """Append ``trial`` and flush it to disk before returning."""
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        entry = {"number": trial.number, "round": trial.round, "config": trial.config,
                 "value": trial.value, "error": trial.error}
        if trial.curve:
            entry.update(pruned_at=trial.pruned_at, curve=[list(p) for p in trial.curve])
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")
            f.flush()
            os.fsync(f.fileno())
        self.trials[trial.number] = trial


def _same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Equal configurations, as JSON keeps them (floats round-trip exactly)."""
    return json.loads(json.dumps(dict(a))) == json.loads(json.dumps(dict(b)))
