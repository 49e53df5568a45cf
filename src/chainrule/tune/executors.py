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
import socket
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, wait
from typing import Any

BACKENDS = ("local", "ray")
RAY_INSTALL = "pip install 'chainrule[ray]' (or pip install ray)"
ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                     "MKL_NUM_THREADS")}


class RayUnavailable(ImportError):
    """``backend="ray"`` without Ray installed; the message has the install line."""


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
    """Ray tasks of one CPU each, at most ``workers`` at a time (the scheduler's window).
    ``address=None`` starts a local Ray with ``workers`` CPUs and stops it in ``close``; an
    address joins that cluster (checked to answer within ``timeout`` seconds first)."""

    def __init__(self, workers: int, address: str | None = None, timeout: float = 10.0) -> None:
        ray = ray_module()
        self.workers, self._ray = workers, ray
        self._started = not ray.is_initialized()
        if self._started:
            if address is not None:
                probe(address, timeout)
            options = dict(num_cpus=workers) if address is None else dict(address=address)
            ray.init(include_dashboard=False, log_to_driver=False, logging_level="WARNING",
                     runtime_env={"env_vars": ONE_THREAD}, **options)
        self._task = ray.remote(num_cpus=1)(_call)

    def submit(self, fn: Callable, *args: Any) -> Any:
        return self._task.remote(fn, *args)

    def result(self, handle: Any) -> Any:
        return self._ray.get(handle)

    def close(self) -> None:
        if self._started:
            self._ray.shutdown()


def _call(fn: Callable, *args: Any) -> Any:
    return fn(*args)


def ray_module() -> Any:
    """The ``ray`` module, or ``RayUnavailable`` with the install line."""
    try:
        import ray
    except ImportError:
        raise RayUnavailable(f"the ray backend needs Ray: {RAY_INSTALL}") from None
    return ray


def probe(address: str, timeout: float) -> None:
    """Refuse a Ray ``address`` (``host:port`` or ``ray://host:port``) that does not accept a
    connection within ``timeout`` seconds, instead of waiting on Ray's own retries. ``auto``
    (the cluster this machine belongs to) is left to Ray."""
    if address == "auto":
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"--address {address!r}: expected host:port (the head node's GCS, "
                         "e.g. 10.0.0.5:6379), ray://host:port, or auto")
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as error:
        raise ConnectionError(f"the Ray cluster at {address!r} does not answer ({error}); "
                              "start it with 'ray start --head' on that machine, or leave out "
                              "--address to run a local Ray") from None


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
