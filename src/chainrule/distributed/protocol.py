"""What every worker pool (local processes, Ray actors) gives back, and its failures."""

from __future__ import annotations

from typing import Any, NamedTuple


class Reply(NamedTuple):
    """One worker's answer: its index, the mean loss of its rows (penalty included), the
    seconds its computation took, the parameter version it computed at, its gradients (a list
    of arrays in parameter order) and the model outputs of its rows (None when not asked)."""

    worker: int
    value: float
    seconds: float
    version: int
    grads: list[Any]
    out: Any


class WorkerError(RuntimeError):
    """Data-parallel workers could not be started, or kept dying."""


def restart_limit(workers: int) -> int:
    """How many dead workers a pool replaces before giving up (a worker that dies on every
    batch is a bug to report, not bad luck)."""
    return 3 * workers
