"""The run folder of ``chainrule train``: its name (refusing one that would replace a run
unless ``--overwrite``), its creation, its checkpoint read back for ``evaluate``, ``predict``
and ``--resume``, and the ``--epochs`` check of a resumed run."""

from __future__ import annotations

import argparse
import json
import os
import time
from typing import IO, Any

from chainrule.cli.config import RunConfig
from chainrule.cli.data import UsageError
from chainrule.files import write_atomically
from chainrule.train import Checkpoint, load_checkpoint

# the files a run writes into its folder (replaced by --overwrite)
RUN_FILES = ("checkpoint.npz", "metrics.json", "history.json", "loss.png",
             "decision_boundary.png", "diagnostics.json", "gradient_norms.png", "activations.png")


def load_run(path: str) -> tuple[Checkpoint, RunConfig]:
    """The checkpoint ``path`` of a run of ``chainrule train`` and the run's settings. A
    damaged or foreign file, or a checkpoint saved from Python without the run's settings,
    raises a one-line ValueError naming the file."""
    ckpt = load_checkpoint(path)
    return ckpt, RunConfig.from_dict(ckpt.config, path)


def check_name(args: argparse.Namespace) -> None:
    """Refuse a ``--name`` that is not a plain folder name, or that names an existing run
    folder without ``--overwrite`` (which would replace that run)."""
    if args.name is None:
        return
    name = args.name
    if name in ("", ".", "..") or any(sep and sep in name for sep in ("/", os.sep, os.altsep)):
        raise UsageError(f"--name: {name!r} is not a folder name; give a plain name "
                         "such as iris-adam (--out chooses the parent folder)")
    path = os.path.join(args.out or "runs", name)
    if os.path.exists(path) and not os.path.isdir(path):
        raise UsageError(f"--name: {path!r} exists and is not a folder")
    if os.path.exists(path) and not args.overwrite:
        raise UsageError(f"--name: the run folder {path!r} already exists; choose "
                         "another --name, or add --overwrite to replace that run")


def run_path(args: argparse.Namespace) -> str:
    """The run folder to write: ``--out``/``--name``, or a new one named by the date and time
    (with ``-2``, ``-3``, ... when that exists)."""
    base = args.out or "runs"
    name = args.name or time.strftime("%Y%m%d-%H%M%S")
    path, k = os.path.join(base, name), 2
    while os.path.exists(path) and not args.name:
        path, k = os.path.join(base, f"{name}-{k}"), k + 1
    return path


def make_run_dir(path: str, overwrite: bool) -> None:
    """Create the run folder ``path``; with ``overwrite``, an existing one loses the files an
    earlier run wrote there (others are left alone)."""
    if overwrite and os.path.isdir(path):
        for old in RUN_FILES:
            if os.path.isfile(os.path.join(path, old)):
                os.remove(os.path.join(path, old))
    os.makedirs(path, exist_ok=True)


def check_epochs(path: str, total: int, done: int, given: int | None) -> None:
    """Refuse to resume a run that has already trained ``total`` epochs or more (it would
    train nothing); ``--epochs`` is the new total, not a number of further epochs."""
    if total > done:
        return
    if given is None:
        raise UsageError(
            f"--resume: {path!r} has already trained all {done} of its epochs, so there is "
            f"nothing to train; give the new total with --epochs, e.g. --epochs {2 * done} to "
            f"train {done} more")
    raise UsageError(
        f"--resume: {path!r} has already trained {done} epochs, so --epochs {given} leaves "
        "nothing to train (--epochs is the new total, not a number of further epochs); give "
        f"--epochs {done + given} to train {given} more")


def write_json(path: str, data: Any) -> None:
    """Write ``data`` as indented JSON to ``path`` atomically (an interrupted write leaves the
    previous file)."""

    def dump(f: IO) -> None:
        json.dump(data, f, indent=2)
        f.write("\n")

    write_atomically(path, dump, binary=False)
