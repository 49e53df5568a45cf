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

import functools
import os
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import chainrule as cr
from chainrule.backend import BackendError, any_foreign
from chainrule.data import BatchIterator
from chainrule.data.nonfinite import require_finite
from chainrule.devices import Device
from chainrule.devices import device as as_device
from chainrule.nn import Module
from chainrule.optim import (
    GradientTransformation,
    LookaheadGradient,
    NonFiniteGradientError,
    Optimizer,
    state_to_arrays,
)
from chainrule.tracer import primal
from chainrule.train.callbacks import Callback
from chainrule.train.checkpoint import Checkpoint, Checkpointer, load_checkpoint
from chainrule.train.compiled_step import (
    CompiledStep,
    LossNotFinite,
    ParametersNotFinite,
    buffer_slots,
    update_parameters,
    whole_step,
)
from chainrule.train.evaluation import as_pair, model_device, predict
from chainrule.train.history import History
from chainrule.train.metrics import Metric, get_metric
from chainrule.train.progress import ProgressBar
from chainrule.train.resume import restore
from chainrule.train.watch import ValidationLossWarning, ValidationWatch
from chainrule.tree import tree_flatten, tree_leaves, tree_unflatten

Loss = Callable[[Any, Any], Any]


class NonFiniteLossError(FloatingPointError):
    """Training produced a NaN or infinite loss, gradient or parameter; ``epoch`` and ``batch``
    (both 1-based) say where. The model keeps the parameters from before the failing step and
    a ``Checkpointer`` file keeps the last good epoch.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn, optim
        >>> from chainrule.train import NonFiniteLossError, fit
        >>> X, y = np.array([[1e200], [-1e200]]), np.array([[1.0], [0.0]])
        >>> try:
        ...     with np.errstate(all="ignore"):
        ...         fit(nn.Linear(1, 1, rng=0), nn.mean_squared_error, (X, y), optim.sgd(1.0),
        ...             epochs=5, metrics=())
        ... except NonFiniteLossError as e:
        ...     print(e.what, e.epoch, e.batch)
        loss 1 1
    """

    def __init__(self, what: str, value: Any, epoch: int, batch: int, batches: int,
                 checkpoint: str | None) -> None:
        self.what, self.epoch, self.batch = what, epoch, batch
        kept = (f" The last good checkpoint is kept in {checkpoint!r}."
                if checkpoint and os.path.exists(checkpoint) else "")
        super().__init__(
            f"fit: the {what} became {value} at epoch {epoch}, batch {batch} of {batches}; "
            f"training stopped with the parameters from before that step.{kept} Lower the "
            "learning rate, or clip the gradients (optim.chain(optim.clip_global_norm(1.0), "
            "...)), or standardize the inputs. To find the operation and the line that "
            "produced it, train inside `with cr.detect_anomaly():`."
        )


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


def _finite(tree: Any, dev: Device) -> bool:
    xp = dev.xp  # computed where the arrays are
    return all(bool(xp.all(xp.isfinite(leaf))) for leaf in tree_leaves(tree))


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
        jit: bool = True) -> History:
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
    step = _stepper(loss, penalty, bool(named), run.treedef, dev,
                    CompiledStep if jit and dev.is_host else None, model,
                    run.transformation.lookahead is None)

    for cb in cbs:
        cb.on_train_begin(run)
    try:
        _epochs(run, cbs, step, named, validation, loss, checkpoint_path)
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


def _epochs(run: Run, cbs: list[Callback], step: Callable, named: list[tuple[str, Metric]],
            validation: Any, loss: Loss, checkpoint_path: str | None) -> None:
    """The epochs still to do (all of them, or those after a resumed checkpoint)."""
    iterator, watch = run.iterator, ValidationWatch(run.history)
    while run.completed_epochs < run.epochs and run.stop_reason is None:
        run.epoch = run.completed_epochs + 1
        for cb in cbs:
            cb.on_epoch_begin(run)
        start, total, count, outputs, targets = time.perf_counter(), 0.0, 0, [], []
        for batch, (xb, yb) in enumerate(iterator, start=1):
            where = (run.epoch, batch, run.batches_per_epoch, checkpoint_path)
            value, out = step(run, xb, yb, where)
            total, count = total + value * len(xb), count + len(xb)
            if named:
                outputs.append(out)
                targets.append(yb)
            for cb in cbs:
                cb.on_batch_end(run, batch, {"loss": value})
        record: dict[str, Any] = {"epoch": run.epoch, "loss": total / count}
        if named:
            out_all, y_all = np.concatenate(outputs), np.concatenate(targets)
            record.update({name: float(fn(out_all, y_all)) for name, fn in named})
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


def _stepper(loss: Loss, penalty: Callable[[Module], Any] | None, want_output: bool,
             treedef: Any, dev: Device, compiled: type[CompiledStep] | None, model: Module,
             plain_gradients: bool):
    """One training step: loss and gradient at the (lookahead) point, update, checks. The
    gradient is taken with respect to the list of parameter arrays (rebuilt into the model
    inside), which is cheaper to handle than the module tree itself."""

    def objective(params: list, xb: np.ndarray, yb: np.ndarray) -> tuple[Any, Any]:
        m = tree_unflatten(treedef, params)
        out = m(xb)
        value = loss(out, yb)
        if penalty is not None:
            value = value + penalty(m)
        return value, out

    value_and_grad = cr.value_and_grad(objective, has_aux=True)
    # one program for the whole step (a lookahead method's gradient carries its point: eager)
    slots = buffer_slots(model)
    whole = (compiled(functools.partial(whole_step, value_and_grad, slots), model, True,
                      static_argnums=(0,)) if compiled is not None and plain_gradients else None)

    def step(run: Run, xb: np.ndarray, yb: np.ndarray, where: tuple) -> tuple[float, Any]:
        tx, params = run.transformation, run.params
        if not dev.is_host:  # the batch's one copy to the device
            xb, yb = dev.put(xb), dev.put(yb)
        if whole is not None:
            try:
                value, out, new, state, buffers = whole(
                    tx, params, run.opt_state, [where[name] for where, name in slots], xb, yb)
            except LossNotFinite as bad:
                _diverged(run, "loss", bad.value, where)
            except NonFiniteGradientError:
                _diverged(run, "gradient", "non-finite (NaN or infinite)", where)
            except ParametersNotFinite:
                _diverged(run, "parameters", "non-finite (NaN or infinite)", where)
            for (where, name), buffer in zip(slots, buffers, strict=True):
                where[name] = buffer
            value = float(value)
        else:
            point = params if tx.lookahead is None else tx.lookahead(params, run.opt_state)
            (value, out), grads = value_and_grad(point, xb, yb)
            if tx.lookahead is not None:  # the lookahead methods check where grads were taken
                grads = LookaheadGradient(point, grads)
            value = float(value)
            if not np.isfinite(value):
                _diverged(run, "loss", value, where)
            try:
                new, state = update_parameters(tx, grads, run.opt_state, params)
            except NonFiniteGradientError:
                _diverged(run, "gradient", "non-finite (NaN or infinite)", where)
            if not _finite(new, dev):
                _diverged(run, "parameters", "non-finite (NaN or infinite)", where)
        run.params, run.opt_state = new, state
        return value, dev.get(primal(out)) if want_output else None

    return step


def _diverged(run: Run, what: str, value: Any, where: tuple) -> None:
    epoch, batch, batches, checkpoint = where
    raise NonFiniteLossError(what, value, epoch, batch, batches, checkpoint)
