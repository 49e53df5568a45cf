"""A run of ``chainrule train`` that diverged (a NaN or infinite loss, gradient or parameter)
keeps its folder with what happened: metrics.json (``stop_reason: "diverged"``, where, the
message, the settings), history.json up to the divergence, and the last checkpoint written
before it, if any. The folder is kept even when not one epoch completed: its metrics.json
still says which settings diverged and where."""

from __future__ import annotations

import os
import sys
from typing import Any

from chainrule.cli.config import RunConfig
from chainrule.cli.report import print_warnings, settings, warnings
from chainrule.cli.rundir import write_json
from chainrule.train import Checkpointer, History, NonFiniteLossError, Run, load_checkpoint


class RunCheckpointer(Checkpointer):
    """The run's ``Checkpointer``, which also keeps the ``Run`` it saves, so that the epochs
    trained before a divergence can be written (a Checkpointer, so resuming matches the
    callbacks of every earlier run)."""

    run: Run | None = None

    def on_train_begin(self, run: Run) -> None:
        self.run = run


def keep_diverged(run_dir: str, config: RunConfig, checkpointer: RunCheckpointer,
                  error: NonFiniteLossError, seconds: float) -> list[str]:
    """Write metrics.json and history.json of the diverged run into ``run_dir`` and print
    where they are (on stderr, beside the error); returns the names of the files kept."""
    history = History() if checkpointer.run is None else checkpointer.run.history
    history.stop_reason = "diverged"
    kept_epoch = None
    if os.path.isfile(checkpointer.path):
        kept_epoch = load_checkpoint(checkpointer.path).epoch
    metrics: dict[str, Any] = {
        "stop_reason": "diverged", "epochs": len(history),
        "diverged": {"what": error.what, "epoch": error.epoch, "batch": error.batch},
        "message": " ".join(str(error).split()),
        "loss": history.last.get("loss") if len(history) else None,
        "checkpoint_epoch": kept_epoch, "time_seconds": seconds,
    }
    metrics.update(warnings(history, config))
    metrics.update(settings(config))
    write_json(os.path.join(run_dir, "metrics.json"), metrics)
    write_json(os.path.join(run_dir, "history.json"), history.to_dict())
    kept = ["metrics.json", "history.json"]
    if kept_epoch is not None:
        kept.append(f"checkpoint.npz of epoch {kept_epoch}")
    print_warnings(metrics)
    print(f"chainrule train: the run diverged at epoch {error.epoch}; kept {run_dir}{os.sep} "
          f"({', '.join(kept)})", file=sys.stderr)
    return kept
