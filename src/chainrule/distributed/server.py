"""The asynchronous parameter server's epoch (seed 003, section 3.7.2).

The driver is the server. Every worker of the pool gets a batch; whenever one delivers its
gradient (computed at the parameters it last read, whatever version that was), the server
applies it at once, publishes the new parameters, and gives that worker the next batch. No
worker waits for another, at the price of gradients computed at parameters a few updates old
(their staleness). The epoch ends when every batch's gradient has been applied.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from chainrule.distributed.protocol import Reply


def serve(pool: Any, batches: Sequence[tuple[np.ndarray, Any]],
          apply: Callable[[Reply], None]) -> Iterator[tuple[int, Any, Reply]]:
    """Deal ``batches`` (``(rows, tag)`` pairs, in order) to the workers of ``pool`` and call
    ``apply(reply)`` on each gradient as it arrives (it should publish the new parameters);
    yields ``(updates so far, the batch's tag, reply)`` after each. A worker that dies is
    replaced by the pool, which hands its batch to the new one.

    Example:
        >>> from chainrule.distributed.protocol import Reply
        >>> from chainrule.distributed.server import serve
        >>> class Echo:                    # a pool whose one worker answers at once
        ...     size, version = 1, 0
        ...     def submit(self, k, rows): self.rows = rows
        ...     def wait(self): return [Reply(0, float(sum(self.rows)), 0.0, 0, [], None)]
        >>> [(n, tag, r.value) for n, tag, r in serve(Echo(), [([1, 2], "a"), ([3], "b")],
        ...                                            lambda reply: None)]
        [(1, 'a', 3.0), (2, 'b', 3.0)]
    """
    pending = deque(batches)
    busy: dict[int, Any] = {}
    done = 0
    while pending or busy:
        for k in range(pool.size):
            if k not in busy and pending:
                rows, busy[k] = pending.popleft()
                pool.submit(k, rows)
        for reply in pool.wait():
            tag = busy.pop(reply.worker)
            apply(reply)
            done += 1
            yield done, tag, reply
