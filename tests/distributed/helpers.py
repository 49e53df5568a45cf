"""Shared pieces of the data-parallel tests: the digits data, the network, leak checks."""

from __future__ import annotations

import multiprocessing
import os

import numpy as np

from chainrule import nn
from chainrule.data import Standardizer, load_digits
from chainrule.distributed.shared import BLOCK_PREFIX


def digits() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Standardized digits in a seeded random order: 1400 training and 397 validation rows."""
    X, y = load_digits()
    order = np.random.default_rng(0).permutation(len(X))
    X, y = Standardizer().fit_transform(X[order]), y[order]
    return X[:1400], y[:1400], X[1400:], y[1400:]


def mlp() -> nn.Module:
    """The 64-128-10 ReLU network of the tests, the same weights every call."""
    return nn.Sequential(nn.Linear(64, 128, rng=0), nn.ReLU(), nn.Linear(128, 10, rng=1))


def workers_alive() -> list[multiprocessing.Process]:
    """This process's live data-parallel worker processes."""
    return [p for p in multiprocessing.active_children()
            if p.name.startswith("chainrule-worker-")]


def shared_blocks() -> set[str]:
    """The shared-memory blocks this process created and still holds (POSIX: files under
    /dev/shm named after the creating process; other test runs on the machine are not
    counted)."""
    mine = f"{BLOCK_PREFIX}{os.getpid()}_"
    names = os.listdir("/dev/shm") if os.path.isdir("/dev/shm") else []
    return {name for name in names if name.startswith(mine)}
