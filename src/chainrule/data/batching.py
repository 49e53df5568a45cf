"""Seeded mini-batches that can be checkpointed and resumed exactly.

Mini-batch stochastic gradient descent (seed 003, section 3.2.8) updates the weights with the
gradient of a small random batch. Batch size 1 is plain stochastic gradient descent and a batch
size >= n is full-batch gradient descent. Each epoch visits every sample once, in an order
drawn from ``(seed, epoch)`` alone: so the order of any epoch can be recomputed, and the
iterator's whole state is four integers that fit in JSON or an ``.npz``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator, Mapping

import numpy as np
from numpy.typing import ArrayLike

from chainrule.data.seeding import Seed


class BatchIterator:
    """Mini-batches of one or more arrays sharing their first axis (e.g. ``X`` and ``y``).

    Iterating yields the remaining batches of the current epoch as tuples ``(X_batch,
    y_batch, ...)`` (always a tuple, even for one array); when the epoch ends, the next
    iteration starts the next epoch. With ``shuffle`` each epoch has a new random order;
    ``drop_last`` skips the final smaller batch. A ``batch_size`` of ``n`` or more gives one
    full batch per epoch (even with ``drop_last``).

    ``seed``: an int is used directly; a ``Generator`` is asked for one int; None draws one
    from the operating system. ``get_state()`` returns ``{"seed", "epoch", "position",
    "n_samples", "batch_size", "shuffle", "drop_last"}`` (plain ints and bools, JSON-ready);
    ``set_state`` on an iterator over the same data resumes with exactly the batches that were
    still to come. ``position`` counts the batches already handed out in the current epoch,
    so take the state after the training step on the current batch.

    Example:
        >>> import numpy as np
        >>> from chainrule.data import BatchIterator
        >>> X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
        >>> batches = BatchIterator(X, y, batch_size=2, shuffle=False)
        >>> [yb.tolist() for _, yb in batches]
        [[0, 1], [2, 3], [4]]
        >>> shuffled = BatchIterator(X, y, batch_size=2, seed=7)
        >>> sorted(v for _, yb in shuffled for v in yb.tolist())
        [0, 1, 2, 3, 4]
    """

    def __init__(
        self,
        *arrays: ArrayLike,
        batch_size: int,
        shuffle: bool = True,
        drop_last: bool = False,
        seed: Seed = None,
    ) -> None:
        if not arrays:
            raise ValueError("BatchIterator: give at least one array: BatchIterator(X, y, ...)")
        self.arrays = tuple(np.asarray(a) for a in arrays)
        if any(a.ndim == 0 for a in self.arrays):
            raise ValueError("BatchIterator: arrays must have a first (sample) axis, got a scalar")
        lengths = [a.shape[0] for a in self.arrays]
        if len(set(lengths)) != 1 or lengths[0] == 0:
            raise ValueError(
                f"BatchIterator: arrays must have the same number of samples (> 0) on axis 0, "
                f"got shapes {[a.shape for a in self.arrays]}"
            )
        if not isinstance(batch_size, numbers.Integral) or isinstance(batch_size, bool) \
                or batch_size < 1:
            raise ValueError(f"BatchIterator: batch_size must be an int >= 1, got {batch_size!r}")
        self.n_samples = lengths[0]
        self.requested_batch_size = int(batch_size)
        self.batch_size = min(int(batch_size), self.n_samples)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.seed = _base_seed(seed)
        self.epoch = 0
        self.position = 0

    def __len__(self) -> int:
        """Batches per epoch."""
        if self.drop_last:
            return self.n_samples // self.batch_size
        return math.ceil(self.n_samples / self.batch_size)

    def epoch_order(self, epoch: int | None = None) -> np.ndarray:
        """The sample order of ``epoch`` (default: the current one) before it is cut in batches.

        Example:
            >>> import numpy as np
            >>> from chainrule.data import BatchIterator
            >>> it = BatchIterator(np.zeros(4), batch_size=2, seed=1)
            >>> sorted(it.epoch_order(3).tolist())
            [0, 1, 2, 3]
        """
        epoch = self.epoch if epoch is None else int(epoch)
        if not self.shuffle:
            return np.arange(self.n_samples)
        return np.random.default_rng([self.seed, epoch]).permutation(self.n_samples)

    def __iter__(self) -> Iterator[tuple[np.ndarray, ...]]:
        if self.position >= len(self):
            self.epoch, self.position = self.epoch + 1, 0
        order = self.epoch_order()
        while self.position < len(self):
            start = self.position * self.batch_size
            rows = order[start: start + self.batch_size]
            self.position += 1
            yield tuple(a[rows] for a in self.arrays)
        self.epoch, self.position = self.epoch + 1, 0

    def get_state(self) -> dict[str, int | bool]:
        """Everything needed to resume (JSON-ready ints and bools); see the class docstring."""
        return {
            "seed": self.seed, "epoch": self.epoch, "position": self.position,
            "n_samples": self.n_samples, "batch_size": self.requested_batch_size,
            "shuffle": self.shuffle, "drop_last": self.drop_last,
        }

    def set_state(self, state: Mapping[str, object]) -> BatchIterator:
        """Resume from ``get_state()`` output (values may be ints or 0-d arrays); returns self.

        The data size and batching options must match the saved ones, since otherwise the
        same state would give different batches.

        Example:
            >>> import json
            >>> import numpy as np
            >>> from chainrule.data import BatchIterator
            >>> a = BatchIterator(np.arange(6), batch_size=2, seed=3)
            >>> first = next(iter(a))
            >>> b = BatchIterator(np.arange(6), batch_size=2, seed=99)
            >>> _ = b.set_state(json.loads(json.dumps(a.get_state())))
            >>> [x.tolist() for (x,) in b] == [x.tolist() for (x,) in a]
            True
        """
        missing = [k for k in self.get_state() if k not in state]
        if missing:
            raise ValueError(f"BatchIterator.set_state: missing keys {missing}")
        for key in ("n_samples", "batch_size", "shuffle", "drop_last"):
            saved, mine = _scalar(state[key]), self.get_state()[key]
            if saved != mine:
                raise ValueError(
                    f"BatchIterator.set_state: saved {key}={saved} but this iterator has "
                    f"{key}={mine}; resume with the same data and batching options"
                )
        position = int(_scalar(state["position"]))
        if not 0 <= position <= len(self) or int(_scalar(state["epoch"])) < 0:
            raise ValueError(f"BatchIterator.set_state: epoch/position out of range in {state}")
        self.seed = int(_scalar(state["seed"]))
        self.epoch = int(_scalar(state["epoch"]))
        self.position = position
        return self


def _scalar(value: object) -> object:
    """A plain Python value for an int, bool or 0-d array (as read back from an ``.npz``)."""
    return np.asarray(value).item() if isinstance(value, np.ndarray | np.generic) else value


def _base_seed(seed: Seed) -> int:
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        if seed < 0:
            raise ValueError(f"BatchIterator: seed must be a non-negative integer, got {seed}")
        return int(seed)
    if seed is None:
        seed = np.random.default_rng()
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(2**63))
    raise TypeError(
        f"BatchIterator: seed must be an int, a numpy.random.Generator or None, "
        f"got {type(seed).__name__}"
    )
