"""Resuming a ``fit`` run from a checkpoint: everything ``Checkpointer`` saved goes back in
place, or a ``ValueError`` says why the checkpoint does not fit this run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chainrule.nn import Module
from chainrule.optim import state_from_arrays
from chainrule.train.callbacks import Callback
from chainrule.train.checkpoint import Checkpoint, Checkpointer
from chainrule.train.history import History
from chainrule.train.progress import ProgressBar
from chainrule.tree import tree_leaves

if TYPE_CHECKING:
    from chainrule.train.fit import Run


def restore(run: Run, ckpt: Checkpoint, model: Module, callbacks: list[Callback]) -> None:
    """Put ``run`` and ``model`` back where the checkpoint ``ckpt`` left them: weights,
    optimizer state, batch position, history and the state of each callback (a Checkpointer
    and a ProgressBar may differ from the saved run's)."""
    ckpt.load_into(model)
    run.params = tree_leaves(model)
    try:
        run.opt_state = state_from_arrays(run.opt_state, ckpt.optimizer_arrays)
    except ValueError as error:
        if ckpt.version < 2:
            raise ValueError(
                f"fit: cannot resume from {ckpt.path!r}: it was written by an earlier chainrule "
                f"(checkpoint version {ckpt.version}), whose optimizers kept their state in "
                "another layout, so training cannot go on from it; its model still loads "
                "(load_checkpoint(path).load_into(model), chainrule evaluate/predict): start "
                "a new run") from None
        raise ValueError(f"fit: cannot resume from {ckpt.path!r}: the optimizer differs from "
                         f"the one that was saved ({error})") from None
    if ckpt.iterator_state is not None:
        try:
            run.iterator.set_state(ckpt.iterator_state)
        except ValueError as error:
            raise ValueError(f"fit: cannot resume from {ckpt.path!r} with other data or batch "
                             f"size ({error})") from None
    run.history = History(ckpt.history.epochs, None, ckpt.history.best_epoch,
                          ckpt.history.events)
    run.completed_epochs = run.epoch = ckpt.epoch
    own = [c for c in callbacks if not isinstance(c, Checkpointer)]
    saved = [n for n in ckpt.callback_classes if n != "ProgressBar"]
    states = [s for n, s in zip(ckpt.callback_classes, ckpt.callback_states, strict=True)
              if n != "ProgressBar"]
    own = [c for c in own if not isinstance(c, ProgressBar)]
    if [type(c).__name__ for c in own] != saved:
        raise ValueError(f"fit: cannot resume from {ckpt.path!r}: it holds the state of the "
                         f"callbacks {saved} but fit was given {[type(c).__name__ for c in own]};"
                         " pass the same callbacks (a Checkpointer and a ProgressBar may differ)")
    for cb, (values, arrays) in zip(own, states, strict=True):
        cb.set_state(values, arrays)
