"""``fit(..., workers=N)``: the training steps of data-parallel runs (``chainrule.distributed``).

Synchronous (the default): each batch of fit's loop (the batches a single process would see)
is cut into ``workers`` contiguous shards; every worker computes the mean loss and gradient of
its shard at the current parameters, the driver averages them weighted by the shard sizes
(the loss and gradient of the whole batch, to rounding), checks and applies them once with
the optimizer, and publishes the new parameters. Asynchronous (``synchronous=False``): the
driver is a parameter server (``chainrule.distributed.server``) that applies each worker's
gradient as it arrives; its history adds the staleness of the gradients it applied.

Both add timings to each epoch's record: ``compute_seconds`` (synchronous: for each step, the
slowest worker's gradient computation, summed over the epoch; asynchronous: the workers'
computation summed and divided by the number of workers), ``update_seconds`` (the driver's
optimizer updates and checks) and ``step_seconds`` (synchronous: the driver's wall time in
the epoch's steps, the loop's metrics and callbacks left out, so 1 - (compute + update) / step
is the share of communication and waiting; asynchronous: the wall time of the epoch's
updates, callbacks included, during which the workers compute and the server updates at once,
so the parts overlap).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np

from chainrule.devices import Device
from chainrule.distributed.pools import check_backend, open_pool
from chainrule.distributed.protocol import Reply
from chainrule.distributed.server import serve
from chainrule.train.step import Steps, apply_gradient

if TYPE_CHECKING:
    from chainrule.train.fit import Run

TIMINGS = ("compute_seconds", "update_seconds", "step_seconds")


@contextmanager
def parallel_steps(run: Run, loss: Callable, penalty: Callable | None,
                   data: tuple[np.ndarray, np.ndarray], dev: Device, want_output: bool,
                   compile: bool, workers: int, backend: str, synchronous: bool,
                   address: str | None) -> Iterator[Steps | None]:
    """The data-parallel steps of a run on a started pool of workers, closed on the way out
    whatever happens; None for ``workers=1, backend="local", synchronous=True`` (fit's own
    steps). ValueError when the run cannot be split among workers.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn, optim
        >>> from chainrule.data import BatchIterator
        >>> from chainrule.devices import device
        >>> from chainrule.train import Run
        >>> from chainrule.train.parallel import parallel_steps
        >>> net, X, y = nn.Linear(1, 1, rng=0), np.ones((2, 1)), np.zeros((2, 1))
        >>> run = Run(net, optim.sgd(0.1), BatchIterator(X, y, batch_size=2), 1, [])
        >>> with parallel_steps(run, nn.mean_squared_error, None, (X, y), device("cpu"),
        ...                     False, True, 1, "local", True, None) as steps:
        ...     steps is None
        True
    """
    check_backend("fit", backend)
    if not isinstance(synchronous, bool):
        raise TypeError(f"fit: synchronous must be True or False, got {synchronous!r}")
    if workers == 1 and backend == "local" and synchronous:
        yield None
        return
    if not dev.is_host:
        raise ValueError(f"fit: data-parallel workers (workers={workers}) compute on the "
                         f"host's CPUs, but the model is on {dev}; train on the CPU "
                         "(device='cpu'), or on the device with workers=1")
    if not synchronous and run.transformation.lookahead is not None:
        raise ValueError("fit: synchronous=False applies gradients taken at older parameters, "
                         "but this optimizer needs its gradient at its lookahead point; use "
                         "another optimizer (e.g. optim.adam) or synchronous=True")
    pool = open_pool("fit", backend, workers, run.model, loss, penalty, *data,
                     run.iterator.batch_size, want_output, compile, address)
    try:
        yield (Synchronous if synchronous else Asynchronous)(pool, dev)
    finally:
        pool.close()


class _Parallel(Steps):
    """What both kinds share: the pool, the timings, the record of replaced workers."""

    def __init__(self, pool: Any, dev: Device) -> None:
        super().__init__(None)
        self.pool, self.dev, self._events = pool, dev, 0
        self._order: tuple[int, np.ndarray] = (-1, np.arange(0))

    def _rows(self, run: Run) -> np.ndarray:
        """The rows of the batch the iterator just gave (from its seeded epoch order)."""
        it = run.iterator
        if self._order[0] != it.epoch:
            self._order = (it.epoch, it.epoch_order())
        start = (it.position - 1) * it.batch_size
        return self._order[1][start:start + it.batch_size]

    def _note_replacements(self, run: Run) -> None:
        for message in self.pool.events[self._events:]:
            run.history.events.append({"epoch": run.epoch, "kind": "worker_replaced",
                                       "message": message})
        self._events = len(self.pool.events)

    def _apply(self, run: Run, value: float, grads: list, point: list, where: tuple) -> None:
        start = time.perf_counter()
        apply_gradient(run, value, grads, point, where, self.dev)
        self.measures["update_seconds"] += time.perf_counter() - start


class Synchronous(_Parallel):
    """Each batch split among the workers, their gradients averaged, one update."""

    def __init__(self, pool: Any, dev: Device) -> None:
        super().__init__(pool, dev)
        self.step = self._step

    def __call__(self, run: Run, checkpoint_path: str | None) -> Iterator[tuple]:
        self.measures = dict.fromkeys(TIMINGS, 0.0)
        yield from super().__call__(run, checkpoint_path)
        self._note_replacements(run)

    def _step(self, run: Run, xb: Any, yb: Any, where: tuple) -> tuple[float, Any]:
        start, tx, pool = time.perf_counter(), run.transformation, self.pool
        point = run.params if tx.lookahead is None else tx.lookahead(run.params, run.opt_state)
        pool.publish(point)
        shards = [s for s in np.array_split(self._rows(run), pool.size) if len(s)]
        for k, shard in enumerate(shards):
            pool.submit(k, shard)
        replies: dict[int, Reply] = {}
        while len(replies) < len(shards):
            replies.update((r.worker, r) for r in pool.wait())
        weights = [len(s) / len(yb) for s in shards]
        value = float(sum(w * replies[k].value for k, w in enumerate(weights)))
        grads = [sum(w * replies[k].grads[i] for k, w in enumerate(weights))
                 for i in range(len(point))]
        out = (np.concatenate([replies[k].out for k in range(len(shards))])
               if replies[0].out is not None else None)
        self.measures["compute_seconds"] += max(r.seconds for r in replies.values())
        self._apply(run, value, grads, point, where)
        self.measures["step_seconds"] += time.perf_counter() - start
        return value, out


class Asynchronous(_Parallel):
    """The driver as a parameter server; history adds staleness_mean and staleness_max."""

    def __call__(self, run: Run, checkpoint_path: str | None) -> Iterator[tuple]:
        self.measures = dict.fromkeys(TIMINGS, 0.0)
        staleness: list[int] = []
        pool, begun = self.pool, time.perf_counter()
        pool.publish(run.params)  # callbacks may have changed them between epochs
        batches = [(self._rows(run), yb) for _, yb in run.iterator]  # fit's seeded order

        def apply(reply: Reply) -> None:
            staleness.append(pool.version - reply.version)
            self.measures["compute_seconds"] += reply.seconds / pool.size
            where = (run.epoch, len(staleness), len(batches), checkpoint_path)
            self._apply(run, reply.value, reply.grads, run.params, where)
            pool.publish(run.params)

        for batch, yb, reply in serve(pool, batches, apply):
            out = None if reply.out is None else np.array(reply.out)  # its block is reused
            yield batch, yb, reply.value, out
        self.measures["step_seconds"] = time.perf_counter() - begun
        self.measures.update(staleness_mean=float(np.mean(staleness)),
                             staleness_max=int(np.max(staleness)))
        self._note_replacements(run)
