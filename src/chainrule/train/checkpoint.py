"""Checkpoints: everything needed to resume training exactly, in one ``.npz`` file.

A checkpoint holds the model's ``state_dict`` (parameters and buffers), the optimizer state
(``optim.state_to_arrays``), the number of finished epochs, the batch iterator's state, the
state of every random generator inside the model (e.g. ``Dropout.rng``; a generator's
``bit_generator.state`` is a JSON dict), the training history, callback state (e.g. the best
weights of ``EarlyStopping``), the fitted preprocessing, and a free-form JSON ``config`` (the
command line stores how to rebuild the model there). Arrays are stored under prefixed names
(``model/``, ``optimizer/``, ``preprocessing/``, ``callback/<i>/``) and everything else in one
JSON entry. Files are written to a temporary file in the same directory and moved into place
with ``os.replace`` (a crash never leaves half a checkpoint) and read, checksums verified
and without pickle, by ``chainrule.arrayfiles.read_arrays``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from chainrule.arrayfiles import DamagedFileError, read_arrays
from chainrule.data import MeanCenterer, MinMaxScaler, PCAWhitener, Standardizer
from chainrule.data.preprocessing import Preprocessor
from chainrule.files import write_atomically
from chainrule.nn import Module
from chainrule.train.callbacks import Callback
from chainrule.train.history import History

if TYPE_CHECKING:
    from chainrule.train.fit import Run

FORMAT = "chainrule.train.checkpoint"
# 2: optimizer state saved as the leaves of a chain's state tuple (optimizers became chains of
# transformations); version 1 files hold the earlier per-optimizer layout, which no longer
# restores, though their models load as before.
VERSION = 2
META = "__checkpoint__"
ADVICE = ("use an intact checkpoint.npz (chainrule train writes one in each run folder), or "
          "train again")
PREPROCESSORS: dict[str, type[Preprocessor]] = {
    c.__name__: c for c in (Standardizer, MinMaxScaler, PCAWhitener, MeanCenterer)}


@dataclass
class Checkpoint:
    """The contents of a checkpoint file, as returned by ``load_checkpoint``.

    ``model_state`` (dotted name -> array), ``optimizer_arrays`` (list), ``epoch`` (finished
    epochs), ``iterator_state`` and ``rng_states`` (JSON dicts), ``history``, ``config``,
    ``callback_states`` (list of ``(values, arrays)``) and ``callback_classes`` (their class
    names), ``preprocessing`` (a fitted preprocessor or None), ``architecture`` (the model's
    class and text).
    """

    path: str
    model_state: dict[str, np.ndarray]
    optimizer_arrays: list[np.ndarray]
    epoch: int
    iterator_state: dict[str, Any] | None
    rng_states: dict[str, Any]
    history: History
    config: dict[str, Any]
    callback_states: list[tuple[dict[str, Any], dict[str, np.ndarray]]] = field(
        default_factory=list)
    preprocessing: Preprocessor | None = None
    architecture: dict[str, Any] = field(default_factory=dict)
    callback_classes: list[str] = field(default_factory=list)
    version: int = VERSION

    def check_model(self, model: Module) -> None:
        """Raise ValueError naming the first differences when ``model`` does not have the
        parameters and buffers (names and shapes) this checkpoint was saved from.

        Example:
            >>> import os, tempfile
            >>> from chainrule import nn
            >>> from chainrule.train import load_checkpoint, save_checkpoint
            >>> f = os.path.join(tempfile.mkdtemp(), "c.npz")
            >>> save_checkpoint(f, nn.Linear(2, 3, rng=0))
            >>> load_checkpoint(f).check_model(nn.Linear(2, 3, rng=1))
        """
        saved = {k: tuple(v.shape) for k, v in self.model_state.items()}
        mine = {k: tuple(np.shape(v)) for k, v in model.state_dict().items()}
        if saved == mine:
            return
        problems = [f"{k}: checkpoint {saved[k]} vs model {mine[k]}"
                    for k in saved if k in mine and saved[k] != mine[k]]
        problems += [f"{k} {saved[k]} is in the checkpoint only" for k in saved if k not in mine]
        problems += [f"{k} {mine[k]} is in the model only" for k in mine if k not in saved]
        shown = "; ".join(problems[:4]) + (f"; and {len(problems) - 4} more"
                                           if len(problems) > 4 else "")
        raise ValueError(
            f"checkpoint {self.path!r} was saved from another architecture "
            f"({self.architecture.get('text', '?')}), not this model ({_text(model)}): {shown}. "
            "Build the model with the same layers and sizes to resume or evaluate it."
        )

    def load_into(self, model: Module) -> Module:
        """Check the architecture, then load the weights, buffers and random generator states
        into ``model`` in place; returns it."""
        self.check_model(model)
        model.load_state_dict(self.model_state)
        set_rng_states(model, self.rng_states, self.path)
        return model


def _text(model: Module) -> str:
    return " ".join(repr(model).split())


def rng_states(model: Module) -> dict[str, Any]:
    """``{"path.attribute": bit_generator.state}`` for every ``numpy.random.Generator`` held by
    a module of ``model`` (e.g. ``"layers.2.rng"`` of a ``Dropout``).

    Example:
        >>> from chainrule import nn
        >>> from chainrule.train.checkpoint import rng_states
        >>> list(rng_states(nn.Sequential(nn.Linear(2, 2, rng=0), nn.Dropout(0.5, rng=0))))
        ['layers.1.rng']
    """
    out = {}
    for path, module in model.named_modules():
        for name, value in module.__dict__.items():
            if isinstance(value, np.random.Generator):
                out[f"{path}.{name}" if path else name] = value.bit_generator.state
    return out


def set_rng_states(model: Module, states: dict[str, Any], where: str = "checkpoint") -> None:
    """Put the generator states saved by ``rng_states`` back into ``model``'s generators."""
    current = {}
    for path, module in model.named_modules():
        for name, value in module.__dict__.items():
            if isinstance(value, np.random.Generator):
                current[f"{path}.{name}" if path else name] = value
    if set(current) != set(states):
        raise ValueError(f"{where}: the checkpoint has random generators {sorted(states)} but the "
                         f"model has {sorted(current)}; it was saved from another architecture")
    for key, gen in current.items():
        kind = type(gen.bit_generator).__name__
        if states[key].get("bit_generator") != kind:
            raise ValueError(f"{where}: generator {key!r} was a {states[key].get('bit_generator')}"
                             f" but the model's is a {kind}")
        gen.bit_generator.state = states[key]


def _write_npz(path: str, arrays: dict[str, np.ndarray]) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    write_atomically(path, lambda f: np.savez(f, **arrays), binary=True)


def save_checkpoint(path: str | os.PathLike, model: Module, *, run: Run | None = None,
                    preprocessing: Preprocessor | None = None,
                    config: dict[str, Any] | None = None,
                    callbacks: tuple[Callback, ...] | list[Callback] | None = None) -> None:
    """Write a checkpoint of ``model`` (and, given the ``run`` of ``fit``, of the optimizer,
    batch iterator, history, epoch and, unless ``callbacks`` is given, the state of the run's
    callbacks) to ``path`` atomically. ``config`` must be JSON-ready.

    Example:
        >>> import os, tempfile
        >>> from chainrule import nn
        >>> from chainrule.train import load_checkpoint, save_checkpoint
        >>> f = os.path.join(tempfile.mkdtemp(), "c.npz")
        >>> save_checkpoint(f, nn.Linear(2, 3, rng=0), config={"hidden": [3]})
        >>> ckpt = load_checkpoint(f)
        >>> ckpt.config, ckpt.epoch, sorted(ckpt.model_state)
        ({'hidden': [3]}, 0, ['W', 'b'])
    """
    path = os.fspath(path)
    state = model.state_dict()
    arrays = {f"model/{k}": v for k, v in state.items()}
    meta: dict[str, Any] = {
        "format": FORMAT, "version": VERSION, "model_keys": list(state),
        "architecture": {"class": type(model).__qualname__, "text": _text(model)},
        "rng": rng_states(model), "config": config or {}, "epoch": 0, "iterator": None,
        "history": History().to_dict(), "optimizer_leaves": 0, "callbacks": [],
        "preprocessing": None,
    }
    if run is not None:
        leaves = run.optimizer_arrays()
        arrays.update({f"optimizer/{i:05d}": a for i, a in enumerate(leaves)})
        meta.update(epoch=run.completed_epochs, iterator=run.iterator.get_state(),
                    history=run.history.to_dict(), optimizer_leaves=len(leaves))
    if callbacks is None:
        callbacks = run.callbacks if run is not None else ()
    for i, cb in enumerate(c for c in callbacks if not isinstance(c, Checkpointer)):
        values, cb_arrays = cb.get_state()
        meta["callbacks"].append({"class": type(cb).__name__, "values": values,
                                  "keys": list(cb_arrays)})
        arrays.update({f"callback/{i}/{k}": np.asarray(v) for k, v in cb_arrays.items()})
    if preprocessing is not None:
        pre = preprocessing.get_state()
        meta["preprocessing"] = {"class": type(preprocessing).__name__, "keys": list(pre)}
        arrays.update({f"preprocessing/{k}": v for k, v in pre.items()})
    try:
        text = json.dumps(meta)
    except (TypeError, ValueError) as error:
        raise TypeError(f"save_checkpoint: config must be JSON-ready (dicts, lists, strings, "
                        f"numbers): {error}") from error
    arrays[META] = np.frombuffer(text.encode(), dtype=np.uint8)
    _write_npz(path, arrays)


def load_checkpoint(path: str | os.PathLike) -> Checkpoint:
    """Read a file written by ``save_checkpoint`` (no pickle); see ``Checkpoint``. A damaged,
    truncated or foreign file raises ``chainrule.arrayfiles.DamagedFileError`` (a ValueError)
    with one line naming the file and the problem.

    Example:
        >>> import os, tempfile
        >>> from chainrule import nn
        >>> from chainrule.train import load_checkpoint, save_checkpoint
        >>> f = os.path.join(tempfile.mkdtemp(), "c.npz")
        >>> save_checkpoint(f, nn.Linear(2, 3, rng=0))
        >>> model = load_checkpoint(f).load_into(nn.Linear(2, 3, rng=9))
        >>> model.W.shape
        (2, 3)
    """
    path = os.fspath(path)
    try:
        z = read_arrays(path, where="load_checkpoint: ", advice=ADVICE)
    except FileNotFoundError:
        raise FileNotFoundError(f"load_checkpoint: no such file {path!r}") from None
    if META not in z:
        raise DamagedFileError(f"load_checkpoint: {path!r} is not a chainrule training "
                               f"checkpoint: {_foreign(z)}; {ADVICE}")
    try:
        return _checkpoint(path, z)
    except DamagedFileError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        raise DamagedFileError(f"load_checkpoint: {path!r} has a malformed checkpoint header "
                               f"({type(error).__name__}: {error}); {ADVICE}") from None


def _foreign(z: dict[str, np.ndarray]) -> str:
    """What a .npz without a checkpoint header holds, in words."""
    from chainrule.nn.state import META_KEY

    if META_KEY in z:
        return "it is a module file written by Module.save (load it with chainrule.nn.load)"
    names = sorted(z)
    shown = ", ".join(names[:6]) + (f", ... ({len(names)} arrays)" if len(names) > 6 else "")
    return f"it has no {META!r} entry, only the arrays [{shown}]"


def _checkpoint(path: str, z: dict[str, np.ndarray]) -> Checkpoint:
    meta = json.loads(bytes(z[META]).decode())
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        found = meta.get("format") if isinstance(meta, dict) else None
        raise DamagedFileError(f"load_checkpoint: {path!r} has format {found!r}, expected "
                               f"{FORMAT!r}; {ADVICE}")
    model_state = {k: z[f"model/{k}"] for k in meta["model_keys"]}
    opt = [z[f"optimizer/{i:05d}"] for i in range(meta["optimizer_leaves"])]
    cbs = [(c["values"], {k: z[f"callback/{i}/{k}"] for k in c["keys"]})
           for i, c in enumerate(meta["callbacks"])]
    pre = None
    if meta["preprocessing"] is not None:
        cls = PREPROCESSORS.get(meta["preprocessing"]["class"])
        if cls is None:
            raise DamagedFileError(f"load_checkpoint: unknown preprocessing "
                                   f"{meta['preprocessing']['class']!r} in {path!r}")
        pre = cls().set_state({k: z[f"preprocessing/{k}"]
                               for k in meta["preprocessing"]["keys"]})
    return Checkpoint(path, model_state, opt, int(meta["epoch"]), meta["iterator"], meta["rng"],
                      History.from_dict(meta["history"]), meta["config"], cbs, pre,
                      meta["architecture"], [c["class"] for c in meta["callbacks"]],
                      int(meta.get("version", 1)))


class Checkpointer(Callback):
    """Save a checkpoint at the end of every ``every``-th epoch and of the last one (only
    after an epoch that finished with finite numbers, so the file always holds the last good
    state). The state of the run's other callbacks is saved too; ``fit`` runs every
    ``Checkpointer`` after the other callbacks, so the file sees the epoch's final state.

    Example:
        >>> import os, tempfile
        >>> import numpy as np
        >>> from chainrule import nn, optim
        >>> from chainrule.train import Checkpointer, fit, load_checkpoint
        >>> f = os.path.join(tempfile.mkdtemp(), "run.npz")
        >>> X, y = np.array([[0.0], [1.0]]), np.array([0, 1])
        >>> _ = fit(nn.Linear(1, 2, rng=0), nn.softmax_cross_entropy, (X, y), optim.adam(0.1),
        ...         epochs=3, callbacks=[Checkpointer(f)])
        >>> load_checkpoint(f).epoch
        3
    """

    def __init__(self, path: str | os.PathLike, every: int = 1,
                 preprocessing: Preprocessor | None = None,
                 config: dict[str, Any] | None = None) -> None:
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"Checkpointer: every must be an int >= 1, got {every!r}")
        self.path, self.every = os.fspath(path), every
        self.preprocessing, self.config = preprocessing, config

    def save(self, run: Run) -> None:
        """Write the checkpoint now."""
        save_checkpoint(self.path, run.model, run=run, preprocessing=self.preprocessing,
                        config=self.config)

    def on_epoch_end(self, run: Run, logs: dict[str, Any]) -> None:
        if run.completed_epochs % self.every == 0 or run.completed_epochs == run.epochs:
            self.save(run)
        elif run.stop_reason is not None:
            self.save(run)
