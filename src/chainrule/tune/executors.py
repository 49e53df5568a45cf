"""Where trials run: in this process (one worker), in a local process pool (embedded, no
server: the default for several workers), or on Ray (``backend="ray"``: a local Ray started and
stopped here, or a cluster joined at ``address``), Ray being the optional ``ray`` extra.

Every executor has the same three methods: ``submit(fn, *args)`` returns a handle,
``result(handle)`` waits for its value, ``close()`` stops the workers. Pool and Ray workers
run NumPy with one BLAS thread each, so ``workers`` processes use ``workers`` cores.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, wait
from typing import Any

from chainrule.distributed.ray_session import ONE_THREAD, connect

BACKENDS = ("local", "ray")


class Inline:
    """Trials one after another in this process."""

    workers = 1

    def submit(self, fn: Callable, *args: Any) -> Any:
        return fn(*args)

    def result(self, handle: Any) -> Any:
        return handle

    def close(self) -> None:
        """Nothing to stop."""


class LocalPool:
    """``workers`` processes of this machine (started by "spawn": a fresh interpreter, safe
    with BLAS threads, which "fork" is not)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        saved = {name: os.environ.get(name) for name in ONE_THREAD}
        os.environ.update(ONE_THREAD)  # read by each worker's BLAS as it starts
        try:
            self._pool = ProcessPoolExecutor(workers,
                                             mp_context=multiprocessing.get_context("spawn"))
            wait([self._pool.submit(int) for _ in range(workers)])  # start them all now
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    def submit(self, fn: Callable, *args: Any) -> Future:
        return self._pool.submit(fn, *args)

    def result(self, handle: Future) -> Any:
        return handle.result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class RayPool:
    """Ray tasks of one CPU each, at most ``workers`` at a time (the scheduler's window), on
    a local Ray started and stopped here or on the cluster at ``address``
    (``chainrule.distributed.ray_session``)."""

    def __init__(self, workers: int, address: str | None = None, timeout: float = 10.0) -> None:
        self.workers = workers
        self._ray, self._started = connect("tune", workers, address, timeout)
        self._task = self._ray.remote(num_cpus=1)(_call)

    def submit(self, fn: Callable, *args: Any) -> Any:
        return self._task.remote(fn, *args)

    def result(self, handle: Any) -> Any:
        return self._ray.get(handle)

    def close(self) -> None:
        if self._started:
            self._ray.shutdown()


def _call(fn: Callable, *args: Any) -> Any:
    return fn(*args)


def make_executor(workers: int = 1, backend: str = "local", address: str | None = None,
                  timeout: float = 10.0) -> Inline | LocalPool | RayPool:
    """The executor for ``workers`` trials at a time on ``backend`` ("local" or "ray").

    Example:
        >>> ex = make_executor(1)
        >>> ex.result(ex.submit(pow, 2, 10))
        1024
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive integer; got {workers!r}")
    if backend not in BACKENDS:
        raise ValueError(f"backend={backend!r}; use one of {', '.join(BACKENDS)}")
    if backend == "ray":
        return RayPool(workers, address, timeout)
    if address is not None:
        raise ValueError("an address names a Ray cluster: give backend='ray' with it")
    return Inline() if workers == 1 else LocalPool(workers)
