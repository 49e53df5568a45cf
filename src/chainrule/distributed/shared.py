"""Arrays in one ``multiprocessing.shared_memory`` block, and a lock-free versioned copy.

Data-parallel training moves the parameters to the workers and the gradients back on every
step; putting them in shared memory makes that a plain array copy, with no pickling. A block
holds several arrays of their own shapes and dtypes (the leaves of a model: views into one
buffer, each aligned to 64 bytes). ``Versioned`` adds a sequence counter in front of a block
of parameters so that one writer (the driver, or the parameter server) can publish new values
while readers (the workers) take consistent copies without a lock: a seqlock, whose counter is
odd while a write is in progress; a reader retries when the counter was odd or changed during
its copy. It relies on the stores of the writer becoming visible in order, as x86 (total store
order) guarantees.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from multiprocessing import shared_memory

import numpy as np

Spec = tuple[tuple[int, ...], str]  # (shape, dtype name) of one array
ALIGN = 64
BLOCK_PREFIX = "chainrule_"


def spec_of(arrays: Sequence[np.ndarray]) -> list[Spec]:
    """The (shape, dtype) of each array, picklable: what ``SharedArrays`` is built from."""
    return [(tuple(int(d) for d in np.shape(a)), np.asarray(a).dtype.str) for a in arrays]


def _offsets(specs: Sequence[Spec]) -> tuple[list[int], int]:
    offsets, end = [], 0
    for shape, dtype in specs:
        end = -(-end // ALIGN) * ALIGN
        offsets.append(end)
        end += int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize
    return offsets, max(end, 1)


class SharedArrays:
    """Arrays of the shapes and dtypes ``specs`` in one shared-memory block: ``arrays`` are the
    views. ``name=None`` creates the block, named ``chainrule_<pid>_<random>`` (the creator
    must ``unlink`` it at the end); a name attaches to a block another process created.
    ``close`` drops this process's mapping.

    Example:
        >>> import numpy as np
        >>> from chainrule.distributed.shared import SharedArrays, spec_of
        >>> block = SharedArrays(spec_of([np.zeros(3), np.zeros((2, 2), np.float32)]))
        >>> other = SharedArrays(block.specs, block.name)   # e.g. in a worker process
        >>> other.arrays[0][:] = [1.0, 2.0, 3.0]
        >>> block.arrays[0].tolist(), block.arrays[1].dtype
        ([1.0, 2.0, 3.0], dtype('float32'))
        >>> other.close(); block.close(); block.unlink()
    """

    def __init__(self, specs: Sequence[Spec], name: str | None = None) -> None:
        self.specs = [(tuple(shape), str(dtype)) for shape, dtype in specs]
        offsets, size = _offsets(self.specs)
        create = name is None
        if create:  # named after the creating process, so its leaks can be told apart
            name = f"{BLOCK_PREFIX}{os.getpid()}_{secrets.token_hex(6)}"
        self._memory = shared_memory.SharedMemory(name=name, create=create, size=size)
        self.name = self._memory.name
        self.arrays = [np.ndarray(shape, dtype, buffer=self._memory.buf, offset=offset)
                       for (shape, dtype), offset in zip(self.specs, offsets, strict=True)]

    def close(self) -> None:
        """Release this process's views and mapping (the block lives on until unlinked)."""
        self.arrays = []
        self._memory.close()

    def unlink(self) -> None:
        """Remove the block from the system (the creator does it once, after ``close``)."""
        self._memory.unlink()


class Versioned:
    """Parameters in shared memory with a version: ``publish`` (one writer) copies new values in
    and adds one to the version; ``read`` (any process) returns ``(version, copies)`` of a
    consistent set, without a lock (see the module docstring).

    Example:
        >>> import numpy as np
        >>> from chainrule.distributed.shared import SharedArrays, Versioned, spec_of
        >>> params = [np.zeros(2)]
        >>> block = SharedArrays(Versioned.specs(spec_of(params)))
        >>> server = Versioned(block)
        >>> server.publish([np.array([1.0, 2.0])])
        >>> version, copies = Versioned(block).read()
        >>> version, copies[0].tolist()
        (1, [1.0, 2.0])
        >>> block.close(); block.unlink()
    """

    def __init__(self, block: SharedArrays) -> None:
        self.block = block
        self._seq, self.leaves = block.arrays[0], block.arrays[1:]

    @staticmethod
    def specs(leaves: Sequence[Spec]) -> list[Spec]:
        """The block's specs: the sequence counter, then the leaves."""
        return [((), np.dtype(np.int64).str), *leaves]

    @property
    def version(self) -> int:
        """How many times ``publish`` has run."""
        return int(self._seq[()]) // 2

    def publish(self, values: Sequence[np.ndarray]) -> None:
        """Copy ``values`` in (the only writer does this)."""
        self._seq[()] += 1
        for leaf, value in zip(self.leaves, values, strict=True):
            np.copyto(leaf, value)
        self._seq[()] += 1

    def read(self) -> tuple[int, list[np.ndarray]]:
        """A consistent copy of the values and their version."""
        while True:
            before = int(self._seq[()])
            if before % 2:
                continue  # a write is in progress
            copies = [leaf.copy() for leaf in self.leaves]
            if int(self._seq[()]) == before:
                return before // 2, copies
