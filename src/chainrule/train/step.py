"""One training step of ``fit``: the loss and gradient of a batch, the optimizer's update and
the checks that the loss, gradient and new parameters are finite (``NonFiniteLossError``
names the epoch and batch where they stop being so)."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

import chainrule as cr
from chainrule.devices import Device
from chainrule.nn import Module
from chainrule.nn.objective import parameter_objective
from chainrule.optim import LookaheadGradient, NonFiniteGradientError
from chainrule.tracer import primal
from chainrule.train.compiled_step import (
    CompiledStep,
    LossNotFinite,
    ParametersNotFinite,
    buffer_slots,
    update_parameters,
    whole_step,
)
from chainrule.tree import tree_leaves

if TYPE_CHECKING:
    from chainrule.train.fit import Run

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


def _finite(tree: Any, dev: Device) -> bool:
    xp = dev.xp  # computed where the arrays are
    return all(bool(xp.all(xp.isfinite(leaf))) for leaf in tree_leaves(tree))


def apply_gradient(run: Run, value: float, grads: list, point: list, where: tuple,
                   dev: Device) -> None:
    """Check the batch's loss ``value``, turn ``grads`` (taken at ``point``: the parameters,
    or a lookahead method's point) into the optimizer's update, check the new parameters, and
    give them to ``run``. ``where`` is ``(epoch, batch, batches, checkpoint path)`` for the
    ``NonFiniteLossError``.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn, optim
        >>> from chainrule.data import BatchIterator
        >>> from chainrule.devices import device
        >>> from chainrule.train import Run
        >>> from chainrule.train.step import apply_gradient
        >>> X = np.zeros((1, 1))
        >>> run = Run(nn.Linear(1, 1, rng=0), optim.sgd(0.5), BatchIterator(X, batch_size=1), 1, [])
        >>> old = run.params[1].copy()
        >>> apply_gradient(run, 1.0, [np.ones((1, 1)), np.ones(1)], run.params, (1, 1, 1, None),
        ...                device("cpu"))
        >>> (run.params[1] - old).tolist()
        [-0.5]
    """
    tx = run.transformation
    if tx.lookahead is not None:  # the lookahead methods check where grads were taken
        grads = LookaheadGradient(point, grads)
    if not np.isfinite(value):
        _diverged(run, "loss", value, where)
    try:
        new, state = update_parameters(tx, grads, run.opt_state, run.params)
    except NonFiniteGradientError:
        _diverged(run, "gradient", "non-finite (NaN or infinite)", where)
    if not _finite(new, dev):
        _diverged(run, "parameters", "non-finite (NaN or infinite)", where)
    run.params, run.opt_state = new, state


def stepper(loss: Loss, penalty: Callable[[Module], Any] | None, want_output: bool,
            treedef: Any, dev: Device, compiled: type[CompiledStep] | None, model: Module,
            plain_gradients: bool) -> Callable[[Run, Any, Any, tuple], tuple[float, Any]]:
    """One training step ``step(run, xb, yb, where) -> (loss, outputs or None)``: loss and
    gradient at the (lookahead) point, update, checks (``compiled``: ``CompiledStep``, or
    None for eager steps). The gradient is taken with respect to the list of parameter arrays
    (rebuilt into the model inside), which is cheaper to handle than the module tree itself.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn, optim
        >>> from chainrule.data import BatchIterator
        >>> from chainrule.devices import device
        >>> from chainrule.train import Run
        >>> from chainrule.train.step import stepper
        >>> net, X, y = nn.Linear(1, 1, rng=0), np.ones((2, 1)), np.full((2, 1), 3.0)
        >>> run = Run(net, optim.sgd(0.1), BatchIterator(X, y, batch_size=2), 1, [])
        >>> step = stepper(nn.mean_squared_error, None, False, run.treedef, device("cpu"),
        ...                None, net, True)
        >>> first, _ = step(run, X, y, (1, 1, 1, None))
        >>> second, _ = step(run, X, y, (1, 2, 2, None))
        >>> second < first
        True
    """

    objective = parameter_objective(treedef, loss, penalty)

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
            value = float(value)
            apply_gradient(run, value, grads, point, where, dev)
            return value, dev.get(primal(out)) if want_output else None
        run.params, run.opt_state = new, state
        return value, dev.get(primal(out)) if want_output else None

    return step


def _diverged(run: Run, what: str, value: Any, where: tuple) -> None:
    epoch, batch, batches, checkpoint = where
    raise NonFiniteLossError(what, value, epoch, batch, batches, checkpoint)


class Steps:
    """The training steps of one epoch, as ``fit``'s loop takes them: calling it with the run
    and the checkpoint path yields ``(batch, y_batch, loss, outputs)`` after each update, in
    the order the updates were made; ``measures`` holds extra entries for the epoch's history
    record (none here; the data-parallel steps add their timings). ``step(run, xb, yb,
    where)`` makes one update on each batch of ``run.iterator`` in turn (subclasses that
    schedule the batches themselves override ``__call__`` instead).

    Example:
        >>> import numpy as np
        >>> from chainrule import nn, optim
        >>> from chainrule.data import BatchIterator
        >>> from chainrule.devices import device
        >>> from chainrule.train import Run
        >>> from chainrule.train.step import Steps, stepper
        >>> net, X, y = nn.Linear(1, 1, rng=0), np.ones((3, 1)), np.zeros((3, 1))
        >>> run = Run(net, optim.sgd(0.1), BatchIterator(X, y, batch_size=2), 1, [])
        >>> steps = Steps(stepper(nn.mean_squared_error, None, False, run.treedef,
        ...                       device("cpu"), None, net, True))
        >>> [(batch, len(yb)) for batch, yb, loss, out in steps(run, None)]
        [(1, 2), (2, 1)]
    """

    def __init__(self, step: Callable[[Run, Any, Any, tuple], tuple[float, Any]] | None) -> None:
        self.step = step
        self.measures: dict[str, Any] = {}

    def __call__(self, run: Run, checkpoint_path: str | None) -> Iterator[tuple]:
        for batch, (xb, yb) in enumerate(run.iterator, start=1):
            where = (run.epoch, batch, run.batches_per_epoch, checkpoint_path)
            value, out = self.step(run, xb, yb, where)
            yield batch, yb, value, out
