"""``Diagnostics``: a ``fit`` callback that diagnoses the model on a fixed probe batch as
training goes (gradient norms per layer, dead and saturated units; seed 003, section 3.4) and
keeps the results as a JSON-ready history that checkpoints carry."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from chainrule.backend import any_foreign
from chainrule.diagnose.activations import SATURATION, SHARE
from chainrule.diagnose.gradients import EXPLODING, VANISHING, ratio
from chainrule.diagnose.layers import parameter_groups
from chainrule.diagnose.report import Diagnosis, diagnose
from chainrule.tracer import primal
from chainrule.train.callbacks import Callback

if TYPE_CHECKING:
    from chainrule.train.fit import Run

PREVIOUS = "previous/"


def _positive(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"Diagnostics: {name} must be an integer >= 1, got {value!r}")
    return int(value)


class Diagnostics(Callback):
    """Diagnose the model (``chainrule.diagnose.diagnose``) before training and at the end of
    every ``every``-th epoch (and of the last one), on a fixed probe batch: ``X, y`` when given,
    else the first ``probe_size`` rows of the training data (in their stored order, so every
    diagnosis sees the same samples).

    ``loss(output, y)`` is the loss given to ``fit``. ``history`` is a list of
    ``Diagnosis.to_dict()`` records with ``epoch`` set (0 = before training); each layer's
    ``update_ratio`` is how far its parameters moved since the previous record, relative to
    their norm then. ``last`` is the latest ``Diagnosis`` and ``report()`` its text.
    ``get_state``/``set_state`` carry the history (and the parameters of the last record) in
    checkpoints, so a resumed run continues the same history.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn, optim
        >>> from chainrule.diagnose import Diagnostics
        >>> from chainrule.train import fit
        >>> X, y = np.random.default_rng(0).normal(size=(40, 2)), np.zeros(40, dtype=int)
        >>> net = nn.Sequential(nn.Linear(2, 8, rng=0), nn.Tanh(), nn.Linear(8, 2, rng=1))
        >>> diag = Diagnostics(nn.softmax_cross_entropy, every=2)
        >>> _ = fit(net, nn.softmax_cross_entropy, (X, y), optim.sgd(0.1), epochs=4,
        ...         callbacks=[diag])
        >>> [r["epoch"] for r in diag.history], diag.last.verdict
        ([0, 2, 4], 'healthy')
    """

    def __init__(self, loss: Callable[[Any, Any], Any], X: Any = None, y: Any = None, *,
                 every: int = 1, probe_size: int = 256, at_start: bool = True,
                 vanishing: float = VANISHING, exploding: float = EXPLODING,
                 saturation: float = SATURATION, share: float = SHARE) -> None:
        if not callable(loss):
            raise TypeError(f"Diagnostics: loss must be a function loss(output, y), got "
                            f"{type(loss).__name__}")
        if (X is None) != (y is None):
            raise ValueError("Diagnostics: give both X and y for the probe batch, or neither "
                             "(then the first rows of the training data are used)")
        self.loss, self.every = loss, _positive("every", every)
        self.probe_size, self.at_start = _positive("probe_size", probe_size), bool(at_start)
        self.options = {"vanishing": vanishing, "exploding": exploding,
                        "saturation": saturation, "share": share}
        self.given = None if X is None else (np.asarray(X), np.asarray(y))
        self.probe: tuple[np.ndarray, np.ndarray] | None = self.given
        self.history: list[dict[str, Any]] = []
        self.previous: dict[str, np.ndarray] | None = None
        self._restored = False

    @property
    def last(self) -> Diagnosis | None:
        """The latest diagnosis (None before the first one)."""
        return Diagnosis.from_dict(self.history[-1]) if self.history else None

    def report(self) -> str:
        """The text report of the latest diagnosis."""
        last = self.last
        return "diagnostics: none recorded yet" if last is None else last.report()

    def diagnose_now(self, model: Any, epoch: int) -> Diagnosis:
        """Diagnose ``model`` on the probe batch, add the record to ``history``, return it.
        A model on another device (a GPU) is diagnosed on a host copy of its parameters."""
        if self.probe is None:
            raise ValueError("Diagnostics: no probe batch yet; pass X and y, or let fit call "
                             "on_train_begin first")
        if any_foreign(*model.parameters()):
            model = model.clone().to("cpu")
        d = diagnose(model, self.loss, *self.probe, **self.options)
        d.epoch = int(epoch)
        current = {name: np.array(primal(v), dtype=np.float64)
                   for name, v in model.named_parameters()}
        if self.previous is not None:
            for group, layer in zip(parameter_groups(model), d.gradients.layers, strict=True):
                layer.update_ratio = self._moved(group.parameters, current)
        self.previous = current
        self.history.append(d.to_dict())
        return d

    def _moved(self, names: list[str], current: dict[str, np.ndarray]) -> float | None:
        prev = self.previous or {}
        if any(n not in prev or prev[n].shape != current[n].shape for n in names):
            return None
        change = math.sqrt(sum(float(np.sum((current[n] - prev[n]) ** 2)) for n in names))
        return ratio(change, math.sqrt(sum(float(np.sum(prev[n] ** 2)) for n in names)))

    def on_train_begin(self, run: Run) -> None:
        if self.given is None:
            X, y = run.iterator.arrays[:2]
            self.probe = (X[: self.probe_size], y[: self.probe_size])
        if not self._restored:
            self.history, self.previous = [], None
            if self.at_start and run.completed_epochs == 0:
                self.diagnose_now(run.model, 0)
        self._restored = False

    def on_epoch_end(self, run: Run, logs: dict[str, Any]) -> None:
        e = run.completed_epochs
        if e % self.every == 0 or e == run.epochs or run.stop_reason is not None:
            self.diagnose_now(run.model, e)

    def get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        arrays = {PREVIOUS + k: v for k, v in (self.previous or {}).items()}
        return {"history": self.history, "every": self.every}, arrays

    def set_state(self, values: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.history = [dict(r) for r in values.get("history", [])]
        prev = {k[len(PREVIOUS):]: np.array(v) for k, v in arrays.items()
                if k.startswith(PREVIOUS)}
        self.previous = prev or None
        self._restored = True

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary for a file: settings, probe size and the history."""
        samples = None if self.probe is None else int(len(self.probe[0]))
        return {"every": self.every, "probe_samples": samples, "options": dict(self.options),
                "history": self.history}
