"""``RayPool``: data-parallel workers as Ray actors, on this machine or a Ray cluster.

Each actor is a ``GradientJob`` holding the model, loss, penalty and data (sent once, the
data through the object store). The driver puts each new set of parameters in the object store
once (``ray.put``) and passes the reference to the actors it asks for gradients, so every
worker reads the same stored copy. An actor that dies is replaced by a new one, which redoes
the work the dead one had not delivered. Ray is imported only here, when a pool is made; with
``address=None`` the pool starts a local Ray with one CPU per worker, unless one is already
running, and shuts down the Ray it started when it is closed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule.distributed.job import GradientJob
from chainrule.distributed.protocol import Reply, WorkerError, restart_limit
from chainrule.distributed.ray_session import connect
from chainrule.nn import Module


class RayPool:
    """``workers`` Ray actors computing ``GradientJob`` gradients; the same methods as
    ``LocalPool`` (``publish``, ``submit``, ``wait``, ``close``, ``version``, ``events``).

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> from chainrule.distributed.ray_pool import RayPool
        >>> from chainrule.tree import tree_leaves
        >>> net, X, y = nn.Linear(2, 1, rng=0), np.ones((4, 2)), np.zeros((4, 1))
        >>> with RayPool("ex", 1, net, nn.mean_squared_error, None, X, y, False,
        ...              True, None) as pool:  # doctest: +SKIP
        ...     pool.publish(tree_leaves(net)); pool.submit(0, np.arange(4))
        ...     [r.worker for r in pool.wait()]
        [0]
    """

    def __init__(self, op: str, workers: int, model: Module, loss: Callable,
                 penalty: Callable | None, X: np.ndarray, y: np.ndarray, want_output: bool,
                 compile: bool, address: str | None) -> None:
        ray, self._started = connect(op, workers, address)
        self._ray = ray
        self.size, self.version, self.events = workers, 0, []
        self._actors: list[Any] = []
        self._futures: dict[Any, tuple[int, int]] = {}  # reference -> (worker, version)
        self._work: dict[int, np.ndarray] = {}
        self._restarts, self._limit = 0, restart_limit(workers)
        try:
            self._class = ray.remote(num_cpus=1)(GradientJob)
            self._setup = (model, loss, penalty, ray.put(X), ray.put(y), want_output, compile)
            self._actors = [self._class.remote(*self._setup) for _ in range(workers)]
            self._params = None
        except BaseException:
            self.close()
            raise

    def publish(self, params: Sequence[np.ndarray]) -> None:
        """Put ``params`` in the object store: the parameters the workers compute at next."""
        self._params = self._ray.put(list(params))
        self.version += 1

    def submit(self, k: int, rows: np.ndarray) -> None:
        """Ask actor ``k`` (idle) for the gradient on ``rows`` of the data."""
        self._work[k] = rows
        self._futures[self._actors[k].gradient.remote(self._params, rows)] = (k, self.version)

    def wait(self) -> list[Reply]:
        """The next reply (dead actors are replaced and their work resubmitted on the way)."""
        ray = self._ray
        while True:
            (ready,), _ = ray.wait(list(self._futures), num_returns=1)
            k, version = self._futures.pop(ready)
            try:
                value, grads, out, seconds = ray.get(ready)
            except ray.exceptions.RayActorError as error:
                self._replace(k, error)
                continue
            del self._work[k]
            return [Reply(k, value, seconds, version, grads, out)]

    def _replace(self, k: int, error: Exception) -> None:
        self._restarts += 1
        if self._restarts > self._limit:
            raise WorkerError(f"data-parallel Ray actors died {self._restarts} times (actor {k} "
                              f"last: {error}); giving up")
        self._actors[k] = self._class.remote(*self._setup)
        self.events.append(f"worker {k} (Ray actor) died ({type(error).__name__}); replaced "
                           "by a new actor")
        self.submit(k, self._work[k])

    def close(self) -> None:
        """Kill the actors, and shut Ray down if this pool started it."""
        for actor in self._actors:
            self._ray.kill(actor)
        self._actors, self._futures = [], {}
        if self._started and self._ray.is_initialized():
            self._ray.shutdown()
            self._started = False

    def __enter__(self) -> RayPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
