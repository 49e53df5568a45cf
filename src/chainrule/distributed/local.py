"""``LocalPool``: data-parallel workers as processes on this machine, talking through shared
memory.

The parameters live in one shared block (``shared.Versioned``) that the driver publishes into
and every worker copies from; each worker has its own block holding the rows it is asked
for, its gradient and its outputs. The pipes carry only small tuples. Workers are started
with the ``"spawn"`` context: a fresh interpreter, safe whatever threads the driver runs
(``fork`` would copy locked BLAS or Ray threads into the child, and ``forkserver`` shares one
server process, started once with its environment fixed, with the rest of the program). The
BLAS thread variables are set to 1 in the environment a worker starts with, before it
imports NumPy, so N workers use N cores rather than N times the BLAS threads. A worker that
dies (killed, out of memory) is replaced by a new one, which reads the current parameters and
redoes the work the dead one had not delivered; ``events`` says so. ``close`` (also on
errors and Ctrl-C, through ``with``) stops the workers and unlinks the blocks.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.connection import wait
from typing import Any

import numpy as np

from chainrule.distributed.protocol import Reply, WorkerError, restart_limit
from chainrule.distributed.shared import SharedArrays, Versioned, spec_of
from chainrule.distributed.worker import serve
from chainrule.nn import Module

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """The environment a spawned worker inherits, with one BLAS thread."""
    saved = {k: os.environ.get(k) for k in THREAD_VARIABLES}
    os.environ.update(dict.fromkeys(THREAD_VARIABLES, "1"))
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def payload(op: str, model: Module, loss: Callable, penalty: Callable | None, X: np.ndarray,
            y: np.ndarray, want_output: bool, compile: bool) -> bytes:
    """The pickled setup of every worker, or TypeError naming what cannot be pickled."""
    for name, value in (("model", model), ("loss", loss), ("penalty", penalty)):
        try:
            pickle.dumps(value)
        except Exception as error:
            raise TypeError(
                f"{op}: the {name} cannot be sent to the worker processes ({error}); a local "
                "worker receives it pickled, so it must be defined at the top level of a "
                "module (not a lambda or a nested function): define it with def at module "
                "level, or use backend='ray' (which pickles functions by value)") from None
    return pickle.dumps((model, loss, penalty, X, y, want_output, compile))


class LocalPool:
    """``workers`` processes computing ``GradientJob`` gradients of shards of batches of at
    most ``batch_size`` rows; ``out_spec`` is the (shape, dtype) of one row of the model's
    outputs (None: no outputs). ``publish(params)`` sets the parameters, ``submit(k, rows)``
    gives worker ``k`` work, ``wait()`` returns the ``Reply`` tuples that have come in
    (``grads`` and ``out`` are views into worker ``k``'s block, valid until its next submit).

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> from chainrule.distributed.local import LocalPool, payload
        >>> from chainrule.tree import tree_leaves
        >>> net, X, y = nn.Linear(2, 1, rng=0), np.ones((4, 2)), np.zeros((4, 1))
        >>> data = payload("ex", net, nn.mean_squared_error, None, X, y, False, True)
        >>> with LocalPool(2, data, tree_leaves(net), 4, None) as pool:
        ...     pool.publish(tree_leaves(net)); pool.submit(0, np.arange(4))
        ...     [r.worker for r in pool.wait()]
        [0]
    """

    def __init__(self, workers: int, setup: bytes, params: Sequence[np.ndarray],
                 batch_size: int, out_spec: tuple[tuple[int, ...], str] | None) -> None:
        self.size, self._setup, self.events = workers, setup, []
        self._context = mp.get_context("spawn")
        leaves = spec_of(params)
        out = ((batch_size, *out_spec[0]), out_spec[1]) if out_spec else ((0,), "<f8")
        self._own_specs = [((batch_size,), np.dtype(np.int64).str), out, *leaves]
        self._blocks: list[SharedArrays] = []
        self._processes: list[Any] = [None] * workers
        self._conns: list[Any] = [None] * workers
        self._work: dict[int, int] = {}  # worker -> rows asked for, while busy
        self._restarts, self._limit = 0, restart_limit(workers)
        try:
            self._params = Versioned(self._block(Versioned.specs(leaves)))
            self._own = [self._block(self._own_specs) for _ in range(workers)]
            for k in range(workers):
                self._start(k)
            for k in range(workers):
                self._ready(k)
        except BaseException:
            self.close()
            raise

    def _exited_while_starting(self, k: int) -> None:
        process = self._processes[k]
        process.join(timeout=5)
        raise WorkerError(
            f"data-parallel worker {k} exited while starting (exit code {process.exitcode}). "
            "Workers are spawned: each imports the main script again, so a script that trains "
            "with workers must run its top level under `if __name__ == \"__main__\":`") from None

    def _block(self, specs: list) -> SharedArrays:
        self._blocks.append(SharedArrays(specs))
        return self._blocks[-1]

    def _start(self, k: int) -> None:
        mine, theirs = self._context.Pipe()
        process = self._context.Process(target=serve, args=(theirs,), daemon=True,
                                        name=f"chainrule-worker-{k}")
        with _one_blas_thread():
            process.start()
        theirs.close()
        self._processes[k], self._conns[k] = process, mine
        try:
            mine.send(("setup", self._setup, self._params.block.name,
                       self._params.block.specs, self._own[k].name, self._own_specs))
        except (BrokenPipeError, ConnectionResetError):
            self._exited_while_starting(k)

    def _ready(self, k: int) -> None:
        try:
            answer = self._conns[k].recv()
        except (EOFError, ConnectionResetError):
            self._exited_while_starting(k)
        if answer[0] == "error":
            raise answer[1]

    @property
    def pids(self) -> list[int]:
        """The process ids of the workers."""
        return [p.pid for p in self._processes]

    @property
    def version(self) -> int:
        """How many times parameters were published."""
        return self._params.version

    def publish(self, params: Sequence[np.ndarray]) -> None:
        """Make ``params`` the parameters the workers compute at from now on."""
        self._params.publish(params)

    def submit(self, k: int, rows: np.ndarray) -> None:
        """Ask worker ``k`` (idle) for the gradient on ``rows`` of the data."""
        n = len(rows)
        self._own[k].arrays[0][:n] = rows
        self._work[k] = n
        try:
            self._conns[k].send(("grad", n))
        except OSError:  # it died while idle
            self._replace(k)

    def wait(self, timeout: float | None = None) -> list[Reply]:
        """The replies of busy workers, waiting until at least one comes in (or ``timeout``);
        dead workers are replaced and their work given to the new ones on the way."""
        replies: list[Reply] = []
        while not replies:
            by_conn = {self._conns[k]: k for k in self._work}
            by_sentinel = {p.sentinel: k for k, p in enumerate(self._processes)}
            ready = wait([*by_conn, *by_sentinel], timeout)
            if not ready:
                return replies
            for k in sorted({by_conn.get(r, by_sentinel.get(r)) for r in ready}):
                reply = self._receive(k)
                if reply is not None:
                    replies.append(reply)
        return replies

    def _receive(self, k: int) -> Reply | None:
        conn = self._conns[k]
        try:
            message = conn.recv() if conn.poll() else None
        except (EOFError, OSError):
            message = None
        if message is None:
            if not self._processes[k].is_alive():
                self._replace(k)
            return None
        if message[0] == "error":
            raise message[1]
        _, value, seconds, version = message
        n = self._work.pop(k)
        own = self._own[k].arrays
        return Reply(k, value, seconds, version, own[2:], own[1][:n] if own[1].size else None)

    def _replace(self, k: int) -> None:
        old = self._processes[k]
        old.join(5)
        self._conns[k].close()
        self._restarts += 1
        if self._restarts > self._limit:
            raise WorkerError(f"data-parallel workers died {self._restarts} times (worker {k} "
                              f"last, exit code {old.exitcode}); giving up")
        self._start(k)
        self._ready(k)
        self.events.append(f"worker {k} (pid {old.pid}) died with exit code {old.exitcode}; "
                           f"replaced by pid {self._processes[k].pid}")
        if k in self._work:
            self._conns[k].send(("grad", self._work[k]))

    def close(self) -> None:
        """Stop the workers (killing those that do not stop in 5 s) and unlink the blocks."""
        for conn in self._conns:
            if conn is not None:
                try:
                    conn.send(("stop",))
                except OSError:
                    pass
        deadline = time.monotonic() + 5
        for process in self._processes:
            if process is not None and process.pid is not None:
                process.join(max(0.0, deadline - time.monotonic()))
                if process.is_alive():
                    process.kill()
                    process.join()
        for conn in self._conns:
            if conn is not None:
                conn.close()
        for block in self._blocks:
            block.close()
            block.unlink()
        self._blocks, self._conns = [], [None] * self.size

    def __enter__(self) -> LocalPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
