"""The results of a search as files: a CSV table of every trial, a Markdown table best first,
and the best configuration as JSON, each written atomically (``chainrule.files``)."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

from chainrule.files import write_text
from chainrule.tune.search import best
from chainrule.tune.trial import Trial


def write_results(trials: Sequence[Trial], folder: str | os.PathLike,
                  direction: str = "maximize", metric: str = "metric",
                  settings: Mapping[str, Any] | None = None) -> list[str]:
    """Write ``results.csv`` (every trial in order), ``results.md`` (completed trials best
    first, then the pruned ones, then the failed ones with their errors) and, when a trial
    completed, ``best.json`` (its configuration; with ``settings``, the fixed settings of every
    trial, also a ``train`` table: the settings under the best configuration, which
    ``chainrule train --config`` reads) into ``folder``; returns the paths written."""
    os.makedirs(folder, exist_ok=True)
    names = _names(trials)
    paths = [os.path.join(folder, "results.csv"), os.path.join(folder, "results.md")]
    write_text(paths[0], _csv(trials, names, metric))
    write_text(paths[1], _markdown(trials, names, direction, metric))
    leaders = best(trials, direction)
    if leaders:
        paths.append(os.path.join(folder, "best.json"))
        top = leaders[0]
        record = {"trial": top.number, metric: top.value, "config": top.config}
        if settings is not None:
            record["train"] = {**settings, **top.config}
        write_text(paths[-1], json.dumps(record, indent=2) + "\n")
    return paths


def _names(trials: Sequence[Trial]) -> list[str]:
    """The hyperparameters' names, in the order they first appear."""
    return list(dict.fromkeys(name for t in trials for name in t.config))


def _csv(trials: Sequence[Trial], names: list[str], metric: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["trial", "round", "status", metric, "pruned_at", *names, "error"])
    for t in trials:
        writer.writerow([t.number, t.round, t.status, "" if t.failed else repr(t.value),
                         "" if t.pruned_at is None else t.pruned_at,
                         *(t.config.get(n, "") for n in names), t.error or ""])
    return out.getvalue()


def _markdown(trials: Sequence[Trial], names: list[str], direction: str, metric: str) -> str:
    ranked = best(trials, direction, len(trials))
    failed = [t for t in trials if t.failed]
    pruned = [t for t in trials if t.pruned]
    lines = [f"| rank | trial | {metric} | {' | '.join(names)} |",
             "|" + "---|" * (3 + len(names))]
    for rank, t in enumerate(ranked, start=1):
        cells = [_cell(t.config.get(n, "")) for n in names]
        lines.append(f"| {rank} | {t.number} | {t.value:.6g} | {' | '.join(cells)} |")
    text = (f"{len(ranked)} completed trials, best first ({direction} {metric}); "
            f"{len(pruned)} pruned; {len(failed)} failed.\n\n" + "\n".join(lines) + "\n")
    if pruned:
        text += "\n| pruned trial | at step | its " + metric + " then |\n|---|---|---|\n" + \
            "".join(f"| {t.number} | {t.pruned_at} | {t.value:.6g} |\n" for t in pruned)
    if failed:
        text += "\n| failed trial | error |\n|---|---|\n" + "".join(
            f"| {t.number} | {_cell(t.error)} |\n" for t in failed)
    return text


def _cell(value: object) -> str:
    text = f"{value:.4g}" if isinstance(value, float) else str(value)
    return text.replace("|", "\\|").replace("\n", " ")
