"""The objective of ``chainrule tune``: train the network ``chainrule train`` would train with
one trial's hyperparameters, and return its metric on the validation part of the split
(never the test part). Picklable, so pool processes and Ray workers run it as they get it.
"""

from __future__ import annotations

import argparse
import functools
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from chainrule.cli.arguments import hidden_sizes
from chainrule.cli.config import RunConfig, requested_data
from chainrule.cli.config_file import KEYS
from chainrule.cli.data import UsageError, load, prepared
from chainrule.data import Dataset
from chainrule.train import Callback, ValidationLossWarning, fit
from chainrule.train.compiled_step import CompileFallbackWarning
from chainrule.train.mlp import l2_term, make_loss, mlp_from_config

# the hyperparameters a search space may hold: train's options, by their Python names
SEARCHABLE = ("lr", "l2", "batch_size", "epochs", "hidden", "activation", "optimizer", "init",
              "dropout", "batchnorm", "preprocess")
# metric -> direction; the validation history key is val_<metric>
METRICS = {"accuracy": "maximize", "r2": "maximize", "loss": "minimize", "mse": "minimize"}


def as_option(name: str, value: Any) -> Any:
    """A sampled value as the train option ``name`` holds it: ``hidden`` as a list of sizes
    (64 is one layer, "64,32" two), integers for counts."""
    if name == "hidden":
        if isinstance(value, str):
            return hidden_sizes(value)
        return [int(value)]
    if name in ("batch_size", "epochs"):
        return int(value)
    return value


def run_config(settings: dict[str, Any], config: dict[str, Any],
               data: Dataset | None = None) -> tuple[RunConfig, Dataset]:
    """The ``RunConfig`` of one trial: the fixed ``settings`` (train's options, unset ones
    taking train's defaults) under the
    trial's ``config``; raises ``UsageError`` naming the option for an invalid value."""
    options = {key: None for key in KEYS} | dict(settings)
    options.update({k: as_option(k, v) for k, v in config.items()})
    args = argparse.Namespace(**options)
    if data is None:
        data = _data(*_key(requested_data(args)), args.seed or 0)
    return RunConfig.from_args(args, data, name="trial"), data


@functools.lru_cache(maxsize=4)
def _data(source: str, target: str | None, features: tuple | None, seed: int) -> Dataset:
    """The data set, loaded once per process (every trial of a search uses the same)."""
    return load(source, target, None if features is None else list(features), seed=seed)


def _key(requested: tuple) -> tuple:
    source, target, features = requested
    return source, target, None if features is None else tuple(features)


class _Report(Callback):
    """Reports the validation metric after each epoch (the pruner's step)."""

    def __init__(self, report: Callable[[int, float], None], key: str) -> None:
        self.report, self.key = report, key

    def on_epoch_end(self, run: Any, logs: dict[str, Any]) -> None:
        self.report(run.epoch, logs[self.key])


@dataclass(frozen=True)
class TrainObjective:
    """Train with ``settings`` (train's options) under a trial's hyperparameters; return the
    final epoch's validation ``metric``: accuracy, r2 (regression), loss or mse.

    Example:
        >>> objective = TrainObjective({"data": "iris", "epochs": 20, "hidden": [4]})
        >>> 0.0 <= objective({"lr": 0.5}) <= 1.0
        True
    """

    settings: dict[str, Any]
    metric: str = "accuracy"

    def __call__(self, config: dict[str, Any],
                 report: Callable[[int, float], None] | None = None) -> float:
        run, data = run_config(self.settings, config)
        if run.val == 0:
            raise UsageError("tune: the objective is the validation metric; give --val > 0")
        _, parts, _ = prepared(run, data, None)
        (X, y), val = ((Xp, run.scale_targets(yp)) for Xp, yp in parts[:2])
        model = mlp_from_config(run.model)
        loss = make_loss(run.loss, run.n_classes)
        key = f"val_{self.metric}"
        callbacks = [] if report is None else [_Report(report, key)]
        # as in 'chainrule train': a divergence fails the trial (NonFiniteLossError) without
        # NumPy's warnings, and the validation-loss and eager-fallback notes stay quiet
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"), \
                warnings.catch_warnings():
            warnings.simplefilter("ignore", ValidationLossWarning)
            warnings.simplefilter("ignore", CompileFallbackWarning)
            history = fit(model, loss, (X, y), run.optimizer_transformation(),
                          epochs=run.epochs, batch_size=run.batch_size, validation=val,
                          callbacks=callbacks, seed=run.seed, metrics=run.metrics,
                          penalty=l2_term(run.l2, len(X)))
        return float(history.last[key])
