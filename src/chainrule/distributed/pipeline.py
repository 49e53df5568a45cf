"""Model parallelism, shown small: a ``Sequential``'s layers split into K stages, one process
each, with micro-batches pipelined GPipe-style (seed 003 section 3.7.2, model parallelism).

The global batch is cut into M micro-batches. Stage 0 runs the forward pass of micro-batch 0 and
sends the activation to stage 1; while stage 1 works on micro-batch 0, stage 0 already runs
micro-batch 1, and so on: the forward of micro-batch m runs on stage s at tick m + s. Once the
last stage has the loss of every micro-batch, the backward passes flow back in reverse order,
each stage adding its parameters' gradients over the micro-batches, and the driver assembles one
gradient for the whole batch (one optimizer step per global batch). ``schedule()`` prints who did
what at which tick; the idle cells are the *bubble*, a fraction (K - 1) / (M + K - 1).

Exactness: the loss must be a mean over the samples (the first axis; ``reduction="mean"``, the
default of ``chainrule.nn``'s losses) or, with ``reduction="sum"``, a sum. Micro-batch m's loss is
weighted by n_m / B (or 1), so loss and gradients equal those of the whole batch in one process
up to rounding. Layers that look at the whole batch differ: batch-norm statistics would be per
micro-batch (such layers are refused), and dropout masks are drawn in the stage processes.

Stages are spawned processes talking through pipes (activations forward, cotangents back); the
driver sends the data in one message per stage and the parameters only when ``update`` is called.
``close()`` (or leaving the ``with`` block, or garbage collection, or interpreter exit) stops them;
a failed step stops every stage and raises ``PipelineError`` with the stage's traceback.
"""

from __future__ import annotations

import functools
import multiprocessing
import weakref
from collections.abc import Callable, Iterable
from itertools import pairwise
from multiprocessing.connection import Connection, wait
from multiprocessing.reduction import ForkingPickler
from typing import Any

import numpy as np

from chainrule.distributed.pipeline_schedule import PipelineSchedule
from chainrule.distributed.pipeline_stage import serve
from chainrule.nn.layers import Sequential
from chainrule.optim.base import GradientTransformation
from chainrule.optim.optimizer import Optimizer
from chainrule.tree import tree_flatten, tree_unflatten


class PipelineError(RuntimeError):
    """A stage process failed or died during a step; the pipeline is closed."""


def _check_split(model: Sequential, split: int | Iterable[int]) -> list[int]:
    points = [split] if isinstance(split, int | np.integer) else list(split)
    n = len(model.layers)
    for k in points:
        if isinstance(k, bool) or not isinstance(k, int | np.integer):
            raise TypeError(f"PipelineModel: split points are layer indices (ints), got {k!r}")
        if not 0 < k < n:
            raise ValueError(
                f"PipelineModel: split point {k} is out of range for a Sequential of {n} layers; "
                f"each must be between 1 and {n - 1} (every stage needs at least one layer)")
    if any(b <= a for a, b in pairwise(points)):
        raise ValueError(f"PipelineModel: split points {points} must be strictly increasing")
    return [int(k) for k in points]


def _check_micro_batches(m: Any, batch: int | None = None) -> int:
    if isinstance(m, bool) or not isinstance(m, int | np.integer) or m < 1:
        raise ValueError(f"PipelineModel: micro_batches must be a positive integer, got {m!r}")
    if batch is not None and m > batch:
        raise ValueError(f"PipelineModel: micro_batches={m} is more than the batch size {batch}; "
                         "every micro-batch needs at least one sample")
    return int(m)


def _pickled(obj: Any, what: str) -> memoryview:
    try:
        return ForkingPickler.dumps(obj)
    except Exception as e:
        raise TypeError(
            f"PipelineModel: {what} cannot be sent to a stage process ({type(e).__name__}: {e}); "
            "stages are spawned processes, so use module-level functions and classes, not "
            "lambdas or local definitions") from e


def _shutdown(processes: list, conns: list[Connection]) -> None:
    """Stop every stage: ask politely, then terminate what has not exited; close the pipes."""
    for c in conns:
        try:
            c.send(("stop",))
        except (OSError, ValueError):
            pass  # that stage has already gone
    for p in processes:
        p.join(timeout=5)
        if p.is_alive():
            p.terminate()
            p.join(timeout=5)
    for c in conns:
        c.close()


class PipelineModel:
    """A ``Sequential`` split before the layer indices in ``split`` into stage processes.

    ``value_and_grad(X, y, loss)`` returns the loss of the whole batch and its gradient shaped
    like the model (as ``cr.value_and_grad`` of the model in one process); ``update(model)``
    sends new parameters; ``schedule()`` is the last step's ``PipelineSchedule``.
    ``split=[k]`` (or ``k``) makes two stages (layers before k, and from k on); ``split=[]``
    one. ``timeout`` (seconds, default none) bounds the wait for a step's replies.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> from chainrule.distributed.pipeline import PipelineModel
        >>> model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.Tanh(), nn.Linear(4, 1, rng=1))
        >>> X, y = np.ones((6, 3)), np.zeros((6, 1))
        >>> with PipelineModel(model, split=[2], micro_batches=3) as pipe:
        ...     loss, grads = pipe.value_and_grad(X, y, nn.mean_squared_error)
        ...     print(pipe.schedule())
        tick | stage 0 | stage 1
           0 | F0      | .
           1 | F1      | F0
           2 | F2      | F1
           3 | .       | F2
           4 | .       | B2
           5 | B2      | B1
           6 | B1      | B0
           7 | B0      | .
        bubble: 4 of 16 stage-ticks idle (25%)
        >>> [n for n, _ in grads.named_parameters()]
        ['layers.0.W', 'layers.0.b', 'layers.2.W', 'layers.2.b']
    """

    def __init__(self, model: Sequential, split: int | Iterable[int], micro_batches: int = 1, *,
                 timeout: float | None = None) -> None:
        if not isinstance(model, Sequential):
            raise TypeError(f"PipelineModel: the model must be an nn.Sequential (its layers are "
                            f"cut into stages), got {type(model).__name__}")
        points = _check_split(model, split)
        self.micro_batches = _check_micro_batches(micro_batches)
        for name, _ in model.named_buffers():
            raise ValueError(
                f"PipelineModel: buffer {name!r} (e.g. batch-norm running statistics) would be "
                "computed per micro-batch and kept in a stage process; use a model without "
                "buffers (LayerNorm instead of BatchNorm) or train it in one process")
        self.model, self.timeout, self._schedule = model, timeout, None
        self._treedef = tree_flatten(model)[1]
        bounds = [0, *points, len(model.layers)]
        stages = [Sequential(*model.layers[a:b]) for a, b in pairwise(bounds)]
        self._sizes = [len(tree_flatten(s)[0]) for s in stages]
        for i, s in enumerate(stages):
            _pickled(s, f"the layers of stage {i}")  # fail here, before any process starts
        self._start(stages)

    def _start(self, stages: list[Sequential]) -> None:
        ctx = multiprocessing.get_context("spawn")
        k = len(stages)
        links = [ctx.Pipe() for _ in range(k - 1)]  # link s joins stage s and stage s + 1
        self._conns, self._processes, ends = [], [], []
        self._closer = weakref.finalize(self, _shutdown, self._processes, self._conns)
        try:
            for s, stage in enumerate(stages):
                mine, theirs = ctx.Pipe()
                prev = links[s - 1][1] if s > 0 else None
                nxt = links[s][0] if s < k - 1 else None
                p = ctx.Process(target=serve, name=f"chainrule-pipeline-stage-{s}", daemon=True,
                                args=(stage, s, k, theirs, prev, nxt))
                self._conns.append(mine)
                ends.append(theirs)
                p.start()
                self._processes.append(p)
        except BaseException:
            self.close()
            raise
        finally:
            for c in [*ends, *(c for pair in links for c in pair)]:
                c.close()  # the stages hold these ends; a stage sees EOF when the driver exits

    @property
    def num_stages(self) -> int:
        """K, the number of stage processes."""
        return len(self._sizes)

    @property
    def closed(self) -> bool:
        """Whether the stage processes have been stopped."""
        return not self._closer.alive

    def close(self) -> None:
        """Stop the stage processes (idempotent)."""
        self._closer()

    def __enter__(self) -> PipelineModel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_open(self, op: str) -> None:
        if self.closed:
            raise PipelineError(f"PipelineModel.{op}: the pipeline is closed (after close() or "
                                "a failed step); build a new PipelineModel")

    def update(self, model: Sequential) -> None:
        """Send the parameters of ``model`` (structured like the pipeline's) to the stages."""
        self._check_open("update")
        leaves, treedef = tree_flatten(model)
        if treedef != self._treedef:
            raise ValueError("PipelineModel.update: the model's structure differs from the "
                             "pipeline's; pass a model with the same layers and shapes")
        for (name, old), new in zip(self.model.named_parameters(), leaves, strict=True):
            if np.shape(old) != np.shape(new):
                raise ValueError(f"PipelineModel.update: parameter {name} has shape "
                                 f"{np.shape(new)}, the pipeline's has {np.shape(old)}")
        start = 0
        for s, size in enumerate(self._sizes):
            self._send(s, _pickled(("load", leaves[start:start + size]), "the parameters"),
                       "update")
            start += size
        self.model = model

    def value_and_grad(self, X: Any, y: Any, loss: Callable[[Any, Any], Any], *,
                       micro_batches: int | None = None, reduction: str = "mean") -> tuple:
        """(loss of the whole batch, gradient shaped like the model) by one pipelined step
        over ``micro_batches`` micro-batches (default: the pipeline's); ``loss(pred, y)`` is a
        module-level function returning the mean (or, ``reduction="sum"``, the sum) over the
        samples. Sizes of the micro-batches differ by at most one."""
        self._check_open("value_and_grad")
        n = len(X)
        if len(y) != n:
            raise ValueError(f"PipelineModel.value_and_grad: X has {n} samples but y has "
                             f"{len(y)}; give one target per sample")
        m = _check_micro_batches(self.micro_batches if micro_batches is None else micro_batches,
                                 n)
        if reduction not in ("mean", "sum"):
            raise ValueError(f"PipelineModel.value_and_grad: reduction={reduction!r}; the loss "
                             "reduces the samples by 'mean' or 'sum'")
        sizes = [n // m + (i < n % m) for i in range(m)]
        cuts = np.cumsum([0, *sizes])
        weights = [s / n if reduction == "mean" else 1.0 for s in sizes]
        xs = [X[a:b] for a, b in pairwise(cuts)]
        ys = [y[a:b] for a, b in pairwise(cuts)]
        k = self.num_stages
        blobs = [_pickled(("run", xs if s == 0 else None, ys if s == k - 1 else None,
                           loss if s == k - 1 else None, weights),
                          "the loss function" if s == k - 1 else "the data")
                 for s in range(k)]
        for s, blob in enumerate(blobs):
            self._send(s, blob, "value_and_grad")
        replies = self._gather()
        leaves = [g for reply in replies for g in reply[1]]
        self._schedule = PipelineSchedule.from_orders([reply[3] for reply in replies])
        return replies[-1][2], tree_unflatten(self._treedef, leaves)

    def _send(self, stage: int, blob: memoryview, op: str) -> None:
        try:
            self._conns[stage].send_bytes(blob)
        except OSError as e:
            self._fail(f"PipelineModel.{op}: stage {stage} cannot be reached ({e}); it has "
                       f"exited (code {self._processes[stage].exitcode})")

    def _fail(self, message: str) -> None:
        """Stop every stage at once (the others wait on their neighbours: no use asking them)
        and raise ``PipelineError``."""
        for p in self._processes:
            p.terminate()
        self.close()
        raise PipelineError(message)

    def _gather(self) -> list[tuple]:
        """Every stage's reply to a step; on an error, a dead stage or the timeout, close the
        pipeline and raise ``PipelineError``."""
        replies: dict[int, tuple] = {}
        index = {c: s for s, c in enumerate(self._conns)}
        dead = {p.sentinel: s for s, p in enumerate(self._processes)}
        while len(replies) < self.num_stages:
            waiting = [c for c in self._conns if index[c] not in replies]
            ready = wait(waiting + list(dead), timeout=self.timeout)
            problem = None if ready else f"no reply within {self.timeout} s"
            for r in ready:
                s = index[r] if r in index else dead[r]
                if s in replies:
                    continue
                try:
                    reply = self._conns[s].recv() if self._conns[s].poll() else ("exited",)
                except EOFError:
                    reply = ("exited",)
                if reply[0] == "done":
                    replies[s] = reply
                    continue
                if reply[0] == "error":
                    problem = f"stage {s} failed:\n{reply[1]}"
                else:
                    self._processes[s].join(timeout=1)  # its pipe closed: it is exiting
                    problem = f"stage {s} exited (code {self._processes[s].exitcode}) mid-step"
                break
            if problem:
                self._fail(f"PipelineModel.value_and_grad: {problem}")
        return [replies[s] for s in range(self.num_stages)]

    def schedule(self) -> PipelineSchedule:
        """The schedule of the last ``value_and_grad`` step (print it for the GPipe table)."""
        if self._schedule is None:
            raise ValueError("PipelineModel.schedule: no step has run yet; call value_and_grad")
        return self._schedule


def _gradient_at(pipe: PipelineModel, X: Any, y: Any, loss: Callable, losses: list,
                 point: Sequential) -> Any:
    pipe.update(point)
    value, grads = pipe.value_and_grad(X, y, loss)
    losses.append(float(value))
    return grads


def train_pipelined(pipe: PipelineModel, tx: GradientTransformation,
                    batches: Iterable[tuple[Any, Any]], loss: Callable[[Any, Any], Any]
                    ) -> tuple[Sequential, list[float]]:
    """One optimizer step of ``tx`` per batch (X, y), gradients from the pipeline; returns the
    trained model (also loaded into the stages) and the loss of each batch before its step.

    The driver holds the optimizer state and sends the new parameters to the stages after each
    step (a production pipeline would update each stage's slice in place).

    Example:
        >>> import numpy as np
        >>> from chainrule import nn, optim
        >>> from chainrule.distributed.pipeline import PipelineModel, train_pipelined
        >>> model = nn.Sequential(nn.Linear(2, 8, rng=0), nn.Tanh(), nn.Linear(8, 1, rng=1))
        >>> X = np.random.default_rng(0).normal(size=(16, 2)); y = X[:, :1] * X[:, 1:]
        >>> with PipelineModel(model, split=[2], micro_batches=4) as pipe:
        ...     model, losses = train_pipelined(pipe, optim.adam(0.05), [(X, y)] * 10,
        ...                                     nn.mean_squared_error)
        >>> len(losses), losses[-1] < losses[0]
        (10, True)
    """
    opt, model, losses = Optimizer(tx), pipe.model, []
    for X, y in batches:
        model = opt.step(model, functools.partial(_gradient_at, pipe, X, y, loss, losses))
    pipe.update(model)
    return model, losses
