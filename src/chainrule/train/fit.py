"""``fit``: mini-batch gradient descent on a ``chainrule.nn`` model (seed 003, section 3.2.8).

Each epoch visits every training sample once in a seeded random order, cut into batches of
``batch_size`` rows: batch size 1 is stochastic gradient descent, a batch of the whole
training set (``batch_size=None``, the default) is plain gradient descent, anything between is
mini-batch SGD. One step computes the loss of the batch and its gradient with respect to every
parameter of the model in one forward and one backward pass (``cr.value_and_grad`` on the model
pytree), turns the gradient into an update with the optimizer (``update``) and adds it
(``optim.apply_updates``). Randomness comes only from ``seed`` (the batch order) and from the
generators the model holds (dropout), so a run is repeatable, and a checkpoint (see
``chainrule.train.checkpoint``) lets it be interrupted and resumed bit for bit.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule.backend import BackendError, any_foreign
from chainrule.data import BatchIterator
from chainrule.data.nonfinite import require_finite
from chainrule.devices import Device
from chainrule.devices import device as as_device
from chainrule.nn import Module
from chainrule.optim import GradientTransformation, Optimizer, state_to_arrays
from chainrule.train.callbacks import Callback
from chainrule.train.checkpoint import Checkpoint, Checkpointer, load_checkpoint
from chainrule.train.compiled_step import CompiledStep
from chainrule.train.evaluation import as_pair, model_device, predict
from chainrule.train.history import History
from chainrule.train.metrics import Metric, get_metric
from chainrule.train.parallel import parallel_steps
from chainrule.train.progress import ProgressBar
from chainrule.train.resume import restore
from chainrule.train.step import NonFiniteLossError, Steps, stepper
from chainrule.train.watch import ValidationLossWarning, ValidationWatch
from chainrule.tree import tree_flatten, tree_leaves, tree_unflatten

Loss = Callable[[Any, Any], Any]
__all__ = ["NonFiniteLossError", "Run", "fit"]


class Run:
    """What callbacks see of a training run in progress.

    ``model`` (the current model, rebuilt from ``params`` when read), ``params`` (the list
    of parameter arrays in ``model.parameters()`` order: what the optimizer updates),
    ``epoch`` (1-based, the epoch running), ``completed_epochs``, ``epochs`` (the total asked
    for), ``batches_per_epoch``, ``history``, ``iterator`` (the ``BatchIterator``),
    ``opt_state``, ``callbacks`` and ``stop_reason`` (None until ``stop`` is called).
    """

    def __init__(self, model: Module, transformation: GradientTransformation,
                 iterator: BatchIterator, epochs: int, callbacks: list[Callback]) -> None:
        self.params, self.treedef = tree_flatten(model)
        self.transformation, self.opt_state = transformation, transformation.init(self.params)
        self.iterator, self.epochs, self.history = iterator, epochs, History()
        self.callbacks = callbacks
        self.completed_epochs = self.epoch = 0
        self.batches_per_epoch = len(iterator)
        self.stop_reason: str | None = None
        self._model: tuple[list, Module] | None = None

    @property
    def model(self) -> Module:
        """The model holding the current parameters (buffers and generators are shared)."""
        if self._model is None or self._model[0] is not self.params:
            self._model = (self.params, tree_unflatten(self.treedef, self.params))
        return self._model[1]

    def stop(self, reason: str = "stopped") -> None:
        """End training after the current epoch (its callbacks still run)."""
        self.stop_reason = reason

    def load_model_state(self, state: dict[str, np.ndarray]) -> None:
        """Load a ``state_dict`` into the current model (e.g. the best epoch's weights)."""
        model = self.model.load_state_dict(state)
        self.params = tree_leaves(model)
        self._model = (self.params, model)

    def optimizer_arrays(self) -> list[np.ndarray]:
        """The optimizer state as arrays (``optim.state_to_arrays``)."""
        return state_to_arrays(self.opt_state)


def _finite_pair(data: Any, op: str) -> tuple[np.ndarray, np.ndarray]:
    """``as_pair(data)``, refused when it holds NaN or inf (columns named for a Dataset) or
    when its arrays are another library's (fit keeps the data on the host)."""
    if isinstance(data, tuple | list) and any_foreign(*data):
        raise BackendError(
            f"{op}: the data are arrays of another library or device; fit keeps the data on the "
            "host as NumPy arrays and copies each batch to the training device itself: pass "
            "NumPy arrays (chainrule.devices.device('cpu').put(X)) and fit(..., device=...)")
    X, y = as_pair(data, op)
    require_finite(op, [("X", X, getattr(data, "feature_names", None)), ("y", y, None)],
                   "the data is at fault, not the training: drop or impute those samples "
                   "before fit (the loaders take nonfinite='drop')")
    return X, y


def _place(model: Module, device: Any) -> Device:
    """The device to train on: ``device`` (the model is moved there), else where the model's
    parameters are."""
    if device is None:
        return model_device(model, "fit")
    dev = as_device(device)
    model.to(dev)
    return dev


def _positive_int(name: str, value: Any, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"fit: {name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def fit(model: Module, loss: Loss, data: Any, optimizer: GradientTransformation | Optimizer,
        *, epochs: int, batch_size: int | None = None, validation: Any = None,
        callbacks: Sequence[Callback] = (), seed: int = 0,
        metrics: Sequence[str | Metric] = ("accuracy",),
        penalty: Callable[[Module], Any] | None = None, verbose: bool = False,
        resume: str | os.PathLike | Checkpoint | None = None, device: Any = None,
        jit: bool = True, workers: int = 1, backend: str = "local", synchronous: bool = True,
        address: str | None = None) -> History:
    """Train ``model`` on ``data`` = (X, y) for ``epochs`` epochs; returns the ``History``.

    ``loss(output, y)`` is a loss of ``chainrule.nn`` (e.g. ``nn.softmax_cross_entropy``) or
    any function of the model's output and the targets returning a scalar; a term that
    depends on the weights goes in ``penalty(model)`` (e.g. ``lambda m: nn.l2_penalty(m,
    1e-3, n)``), added to the training loss. ``optimizer`` is a ``GradientTransformation`` of
    ``chainrule.optim`` (``optim.adam(1e-3)``) or an ``Optimizer`` (its state is replaced);
    methods with a lookahead point (``optim.nesterov_lookahead``, ``optim.rmsprop_nesterov``)
    get their gradient there. The
    optimizer works on the list of parameter arrays in ``model.parameters()`` order (flat
    lists are much cheaper to traverse than module trees), so labels for
    ``optim.multi_transform`` are a list with one label per ``model.named_parameters()``.

    The model is trained in training mode and evaluated in inference mode. When training
    ends, ``model`` holds the final weights in place (the best epoch's with
    ``EarlyStopping(restore_best=True)``) and is left in inference mode (``eval()``).

    History records per epoch: ``loss`` (mean batch loss), the ``metrics`` (names from
    ``chainrule.train.metrics`` or functions ``f(output, y)``) on the outputs of the training
    batches as they were trained, ``val_loss`` and ``val_<metric>`` on ``validation`` (without
    the penalty), and ``seconds``. When ``val_loss`` grows past ten times its best so far, fit
    warns with ``ValidationLossWarning`` and adds the event to ``History.events`` (again at
    100x, 1000x, ...; see ``chainrule.train.watch``). ``seed`` fixes the batch order;
    ``batch_size=None`` is the whole training set. ``verbose=True`` adds a ``ProgressBar``
    (drawn on a terminal only).
    ``resume`` (a checkpoint path or ``Checkpoint``) restores the weights, optimizer,
    batch position, random generators, history and callback state saved by a
    ``Checkpointer`` and trains on until ``epochs`` epochs in all are done.

    ``device`` (``"cpu"``, ``"gpu"``, ``"cuda:N"``, or what ``chainrule.devices.device``
    accepts) moves the model's parameters and buffers there first, and the model stays there;
    by default training runs where the parameters already are. The data stay NumPy arrays on
    the host: each batch is copied to the device once, and the outputs that metrics read come
    back to the host (metrics and losses mean the same on every device). Checkpoints are host
    ``.npz`` files; resuming loads them onto the device. ``DeviceError`` when the device is
    not available here.

    ``jit=True`` (the default) compiles the loss and gradient of a step with ``cr.jit`` on
    the first batch of each shape (``chainrule.train.compiled_step``): the same parameters as
    an eager run, faster. A model that cannot be compiled (dropout, batch normalization) trains
    eagerly after one ``CompileFallbackWarning``; ``jit=False`` trains eagerly from the start.
    Steps on another device, and steps under ``cr.detect_anomaly``, run eagerly.

    ``workers=N`` trains data-parallel (``chainrule.train.parallel``, seed 003, section
    3.7.2) on N worker processes of this machine (``backend="local"``) or N Ray actors
    (``backend="ray"``, ``address`` of a running cluster, or None for a local Ray started and
    stopped by fit). Synchronous (the default): every batch is split among the workers and
    their gradients averaged, the run one process gives, to rounding. ``synchronous=False``:
    the driver is a parameter server applying each worker's gradient as it arrives, so
    gradients may be a few updates old (history adds ``staleness_mean`` and
    ``staleness_max``). A worker that dies is replaced (an event ``"worker_replaced"`` in
    ``History.events``) and its work redone. Each epoch records ``compute_seconds`` (the
    workers' gradient time: per step the slowest worker's, summed), ``update_seconds`` (the
    optimizer's) and ``step_seconds`` (the driver's wall time in the steps): in synchronous
    runs, communication's share is 1 - (compute + update) / step. The loss must be a mean
    over the batch's samples (every loss of ``chainrule.nn`` is), the model, loss and penalty
    picklable for local workers (defined at module level), and the model free of dropout and
    batch normalization (ValueError naming the layer: copies of their state in several
    workers would drift apart).

    NaN or inf in ``data`` or ``validation`` raises ValueError before training, naming the
    sample and column of the first and the count (bad data is not a learning-rate problem).
    Raises ``NonFiniteLossError`` (a ``FloatingPointError``) naming the epoch and batch where
    the loss, gradient or parameters stop being finite; shape mismatches between the data and
    the model surface as ``nn.ShapeError`` naming the layer.

    Example (Iris petal features, 16 sigmoid units, full-batch gradient descent):
        >>> import numpy as np
        >>> from chainrule import nn, optim
        >>> from chainrule.data import Standardizer, load_iris
        >>> from chainrule.train import fit
        >>> X, y = load_iris()
        >>> X = Standardizer().fit_transform(X[:, 2:])
        >>> net = nn.Sequential(nn.Linear(2, 16, rng=0), nn.Sigmoid(), nn.Linear(16, 3, rng=1))
        >>> history = fit(net, nn.softmax_cross_entropy, (X, y), optim.sgd(1.0), epochs=300)
        >>> history.last["accuracy"] > 0.95, history["loss"][0] > history["loss"][-1]
        (True, True)
    """
    X, y = _finite_pair(data, "fit")
    validation = None if validation is None else _finite_pair(validation, "fit validation")
    tx = optimizer.transformation if isinstance(optimizer, Optimizer) else optimizer
    if not isinstance(tx, GradientTransformation):
        raise TypeError(f"fit: optimizer must be a chainrule.optim GradientTransformation (e.g. "
                        f"optim.adam(1e-3)) or an Optimizer, got {type(optimizer).__name__}")
    if not isinstance(model, Module):
        raise TypeError(f"fit: model must be a chainrule.nn.Module, got {type(model).__name__}")
    if not callable(loss):
        raise TypeError(f"fit: loss must be a function loss(output, y), got {loss!r}")
    epochs = _positive_int("epochs", epochs, minimum=0)
    batch_size = X.shape[0] if batch_size is None else _positive_int("batch_size", batch_size)
    seed = _positive_int("seed", seed, minimum=0)
    named = [get_metric(m) for m in metrics]
    cbs = [c for c in callbacks if not isinstance(c, Checkpointer)]
    if verbose:
        cbs.append(ProgressBar())
    cbs += [c for c in callbacks if isinstance(c, Checkpointer)]
    iterator = BatchIterator(X, y, batch_size=batch_size, shuffle=batch_size < X.shape[0],
                             seed=seed)
    dev = _place(model, device)
    model.train()  # the mode is part of the tree structure
    run = Run(model, tx, iterator, epochs, cbs)
    if resume is not None:
        restore(run, resume if isinstance(resume, Checkpoint) else load_checkpoint(resume),
                model, cbs)
    checkpoint_path = next((c.path for c in cbs if isinstance(c, Checkpointer)), None)
    steps = Steps(stepper(loss, penalty, bool(named), run.treedef, dev,
                          CompiledStep if jit and dev.is_host else None, model,
                          run.transformation.lookahead is None))
    with parallel_steps(run, loss, penalty, (X, y), dev, bool(named), jit,
                        _positive_int("workers", workers), backend, synchronous, address) as pool:
        for cb in cbs:
            cb.on_train_begin(run)
        try:
            _epochs(run, cbs, pool or steps, named, validation, loss, checkpoint_path)
        except NonFiniteLossError:
            _finish(model, run, optimizer)
            for cb in cbs:
                if isinstance(cb, ProgressBar):
                    cb.on_train_end(run)  # end the bar's line before the error is shown
            raise
    run.history.stop_reason = run.stop_reason or "completed"
    for cb in cbs:
        cb.on_train_end(run)
    _finish(model, run, optimizer)
    return run.history


def _epochs(run: Run, cbs: list[Callback], steps: Steps, named: list[tuple[str, Metric]],
            validation: Any, loss: Loss, checkpoint_path: str | None) -> None:
    """The epochs still to do (all of them, or those after a resumed checkpoint)."""
    watch = ValidationWatch(run.history)
    while run.completed_epochs < run.epochs and run.stop_reason is None:
        run.epoch = run.completed_epochs + 1
        for cb in cbs:
            cb.on_epoch_begin(run)
        start, total, count, outputs, targets = time.perf_counter(), 0.0, 0, [], []
        for batch, yb, value, out in steps(run, checkpoint_path):
            total, count = total + value * len(yb), count + len(yb)
            if named:
                outputs.append(out)
                targets.append(yb)
            for cb in cbs:
                cb.on_batch_end(run, batch, {"loss": value})
        record: dict[str, Any] = {"epoch": run.epoch, "loss": total / count}
        if named:
            out_all, y_all = np.concatenate(outputs), np.concatenate(targets)
            record.update({name: float(fn(out_all, y_all)) for name, fn in named})
        record.update(steps.measures)
        if validation is not None:
            out = predict(run.model, validation[0])
            record["val_loss"] = float(loss(out, validation[1]))
            record.update({f"val_{name}": float(fn(out, validation[1])) for name, fn in named})
        record["seconds"] = time.perf_counter() - start
        run.history.append(record)
        run.completed_epochs = run.epoch
        grown = watch.check(run.history.last)
        if grown is not None:
            warnings.warn(grown, ValidationLossWarning, stacklevel=3)  # at the call of fit
        for cb in cbs:
            cb.on_epoch_end(run, run.history.last)


def _finish(model: Module, run: Run, optimizer: Any) -> None:
    model.load_state_dict(run.model.state_dict())
    model.eval()
    if isinstance(optimizer, Optimizer):
        optimizer.state = run.opt_state
