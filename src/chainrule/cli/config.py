"""The settings of one run of ``chainrule train`` as one typed, validated ``RunConfig``.

It is built once from the parsed command line and the data set it names (``from_args``), stored
in the run's checkpoint as a JSON dict (``to_dict``) and rebuilt from it (``from_dict``) by
``evaluate``, ``predict`` and ``train --resume``, so those use exactly the run's settings.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

import numpy as np

from chainrule import optim
from chainrule.cli.data import DEMO_FEATURES, PREPROCESS, UsageError, parse_columns, split
from chainrule.data import Dataset
from chainrule.nn import init as initializers
from chainrule.train.mlp import ACTIVATIONS, LOSSES

# name -> (transformation, default learning rate)
OPTIMIZERS = {
    "sgd": (optim.sgd, 1.0), "momentum": (optim.momentum, 0.1),
    "nesterov": (optim.nesterov, 0.1), "adagrad": (optim.adagrad, 0.1),
    "rmsprop": (optim.rmsprop, 0.01), "adadelta": (optim.adadelta, 1.0),
    "adam": (optim.adam, 0.01), "adamw": (optim.adamw, 0.01),
}
DEFAULT_DATA = "iris"
# the command line's defaults (the seeds' Iris network); --lr and --loss default per optimizer
# and task
DEFAULTS: dict[str, Any] = {
    "preprocess": "standardize", "val": 0.2, "test": 0.2, "hidden": (16,),
    "activation": "sigmoid", "init": None, "batchnorm": False, "dropout": 0.0,
    "optimizer": "sgd", "epochs": 500, "batch_size": None, "seed": 0, "l2": 0.0,
}
# the keys of a checkpoint's config that evaluate / predict / --resume need (written by every
# version of 'chainrule train')
REQUIRED = ("model", "data", "target", "features", "class_names", "task", "hidden", "activation",
            "loss", "optimizer", "lr", "epochs", "batch_size", "init", "batchnorm", "dropout",
            "preprocess", "seed", "val", "test")


@dataclass(frozen=True)
class RunConfig:
    """Everything ``chainrule train`` uses: the data (``data``: a name or CSV path, ``target``
    as given, the selected ``features`` by name, ``class_names`` and ``task`` as found in the
    data), the split and preprocessing, the network, the loss and optimizer, and the derived
    network sizes ``inputs``/``outputs`` and run folder ``name``. Invalid values raise
    ``UsageError`` naming the option.

    Example:
        >>> from chainrule.cli.config import RunConfig
        >>> c = RunConfig(data="iris", features=("a", "b"), class_names=("x", "y"),
        ...               inputs=2, outputs=2)
        >>> c.loss, c.lr, c.model["hidden"]
        ('cross_entropy', 1.0, [16])
        >>> RunConfig.from_dict(c.to_dict(), "run") == c
        True
    """

    data: str
    features: tuple[str, ...]
    inputs: int
    outputs: int
    class_names: tuple[str, ...] | None = None
    target: str | None = None
    task: str = "classification"
    preprocess: str = DEFAULTS["preprocess"]
    val: float = DEFAULTS["val"]
    test: float = DEFAULTS["test"]
    hidden: tuple[int, ...] = DEFAULTS["hidden"]
    activation: str = DEFAULTS["activation"]
    init: str | None = DEFAULTS["init"]
    batchnorm: bool = DEFAULTS["batchnorm"]
    dropout: float = DEFAULTS["dropout"]
    loss: str = ""  # "" picks the task's: cross_entropy or mse
    optimizer: str = DEFAULTS["optimizer"]
    lr: float = 0.0  # 0 picks the optimizer's default for the task
    epochs: int = DEFAULTS["epochs"]
    batch_size: int | None = DEFAULTS["batch_size"]
    seed: int = DEFAULTS["seed"]
    l2: float = DEFAULTS["l2"]  # (runs written before it: 0)
    # the specs of the layers 'chainrule compress' replaced (chainrule.nn.specs), in model
    compressed: tuple[dict[str, Any], ...] = ()
    name: str = ""
    # regression: the training part's target mean and spread per column; the network learns
    # the standardized targets (None: raw targets, as in runs written before them)
    target_mean: tuple[float, ...] | None = None
    target_std: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if not self.loss:
            loss = "cross_entropy" if self.task == "classification" else "mse"
            object.__setattr__(self, "loss", loss)
        if not self.lr and self.optimizer in OPTIMIZERS:
            lr = default_lr(self.optimizer) if self.task == "classification" else \
                regression_lr(self.optimizer)
            object.__setattr__(self, "lr", lr)
        self._validate()

    def _validate(self) -> None:
        _choice("--preprocess", self.preprocess, [*PREPROCESS, "none"])
        _choice("--activation", self.activation, sorted(ACTIVATIONS))
        _choice("--loss", self.loss, LOSSES)
        _choice("--optimizer", self.optimizer, list(OPTIMIZERS))
        _choice("task", self.task, ["classification", "regression"])
        if self.init is not None:
            try:
                initializers.get(self.init)
            except (ValueError, KeyError, TypeError) as error:
                raise UsageError(f"--init: {error}") from None
        for option, value in (("--val", self.val), ("--test", self.test),
                              ("--dropout", self.dropout)):
            if not (isinstance(value, int | float) and 0.0 <= value < 1.0):
                raise UsageError(f"{option}: expected a fraction in [0, 1), got {value!r}")
        if self.val + self.test >= 1.0:
            raise UsageError(f"--val {self.val:g} and --test {self.test:g} leave no training "
                             "samples; their sum must be below 1")
        if not (isinstance(self.lr, int | float) and math.isfinite(self.lr) and self.lr > 0):
            raise UsageError(f"--lr: expected a finite number > 0, got {self.lr!r}")
        if not (isinstance(self.l2, int | float) and math.isfinite(self.l2) and self.l2 >= 0):
            raise UsageError(f"--l2: expected a finite number >= 0, got {self.l2!r}")
        for option, value in (("--epochs", self.epochs), ("--batch-size", self.batch_size),
                              ("inputs", self.inputs), ("outputs", self.outputs),
                              *(("--hidden", h) for h in self.hidden)):
            if value is not None and not (isinstance(value, int) and value >= 1):
                raise UsageError(f"{option}: expected a positive integer, got {value!r}")
        if not self.hidden:
            raise UsageError("--hidden: give at least one hidden layer size, e.g. 16")
        if self.task == "regression" and self.loss in ("cross_entropy", "hinge"):
            raise UsageError(f"--loss {self.loss} needs class labels, but the target of "
                             f"{self.data!r} is numeric (regression); use --loss mse")
        if (self.target_mean is None) != (self.target_std is None) or (
                self.target_mean is not None and not (
                    self.task == "regression"
                    and len(self.target_mean) == len(self.target_std) == self.outputs
                    and all(math.isfinite(m) for m in self.target_mean)
                    and all(math.isfinite(s) and s > 0 for s in self.target_std))):
            raise UsageError(f"the target scaling {self.target_mean} / {self.target_std} does not "
                             f"fit {self.outputs} {self.task} outputs")
        if len(self.features) != self.inputs:
            raise UsageError(f"the config names {len(self.features)} features but the network "
                             f"has {self.inputs} inputs")

    @property
    def model(self) -> dict[str, Any]:
        """The network's description for ``chainrule.train.mlp.mlp_from_config``."""
        model = {"inputs": self.inputs, "hidden": list(self.hidden), "outputs": self.outputs,
                 "activation": self.activation, "init": self.init,
                 "batchnorm": self.batchnorm, "dropout": self.dropout, "seed": self.seed}
        if self.compressed:
            model["compressed"] = [dict(spec) for spec in self.compressed]
        return model

    @property
    def n_classes(self) -> int | None:
        """The number of classes, or None for a regression target."""
        return None if self.class_names is None else len(self.class_names)

    @property
    def metrics(self) -> tuple[str, ...]:
        """The metrics recorded per epoch and reported: accuracy, or mse and r2."""
        return ("accuracy",) if self.task == "classification" else ("mse", "r2")

    def scale_targets(self, y: np.ndarray) -> np.ndarray:
        """Regression targets as the network learns them: standardized with the training
        part's mean and spread (unchanged for classification and earlier runs)."""
        if self.target_mean is None:
            return y
        return (y - np.array(self.target_mean)) / np.array(self.target_std)

    def unscale_outputs(self, output: np.ndarray) -> np.ndarray:
        """The network's outputs in the data's units (the inverse of ``scale_targets``)."""
        if self.target_mean is None:
            return output
        return output * np.array(self.target_std) + np.array(self.target_mean)

    def optimizer_transformation(self) -> optim.GradientTransformation:
        """The optimizer ``optimizer`` with learning rate ``lr``."""
        return OPTIMIZERS[self.optimizer][0](self.lr)

    @classmethod
    def from_args(cls, args: argparse.Namespace, data: Dataset, name: str) -> RunConfig:
        """The run's settings: the command line ``args`` over the defaults, with what the
        loaded ``data`` (see ``requested_data``) says about its columns, classes and task, and
        the run folder ``name``."""
        given = {k: getattr(args, k, None) for k in DEFAULTS}
        settings = {k: v for k, v in given.items() if v is not None}
        if "hidden" in settings:
            settings["hidden"] = tuple(settings["hidden"])
        outputs = data.n_classes if data.n_classes else int(data.y.shape[1])
        config = cls(data=args.data or DEFAULT_DATA, target=args.target,
                     features=tuple(data.feature_names), inputs=int(data.X.shape[1]),
                     outputs=int(outputs), task=data.task,
                     class_names=None if data.class_names is None else tuple(data.class_names),
                     loss=args.loss or "", lr=args.lr or 0.0, name=name, **settings)
        if config.task == "classification":
            return config
        y = split(data, config)[0][1]
        spread = y.std(axis=0)
        return replace(config, target_mean=tuple(float(v) for v in y.mean(axis=0)),
                       target_std=tuple(float(v) if v > 0 else 1.0 for v in spread))

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready dict a checkpoint stores (the keys of every earlier version)."""
        out = asdict(self)
        del out["inputs"], out["outputs"], out["compressed"]  # (compressed: in model)
        out.update(model=self.model, features=list(self.features), hidden=list(self.hidden),
                   class_names=None if self.class_names is None else list(self.class_names))
        for key in ("target_mean", "target_std"):
            if out[key] is None:
                del out[key]  # classification: the keys of earlier runs only
            else:
                out[key] = list(out[key])
        if not self.l2:
            del out["l2"]  # without a penalty: the keys of earlier runs only
        return out

    @classmethod
    def from_dict(cls, config: Mapping[str, Any], where: str) -> RunConfig:
        """The ``RunConfig`` stored in the checkpoint ``where`` (its config dict). A config that
        lacks the run's settings (a checkpoint saved from Python) or holds invalid ones raises
        a one-line ``UsageError`` naming the file."""
        missing = [k for k in REQUIRED if k not in config]
        if missing:
            raise UsageError(
                f"{where!r} was not written by 'chainrule train' (its config lacks "
                f"{', '.join(missing[:4])}{', ...' if len(missing) > 4 else ''}, which describe "
                "the network and data); load it in Python with load_checkpoint instead")
        names = {f.name for f in fields(cls)} - {"inputs", "outputs"}
        values = {k: v for k, v in config.items() if k in names}
        try:
            model = config["model"]
            for key in ("target_mean", "target_std"):
                if config.get(key) is not None:
                    values[key] = tuple(config[key])
            values.update(inputs=model["inputs"], outputs=model["outputs"],
                          compressed=tuple(model.get("compressed", ())),
                          features=tuple(config["features"]), hidden=tuple(config["hidden"]),
                          class_names=None if config["class_names"] is None
                          else tuple(config["class_names"]))
            return cls(**values)
        except (UsageError, KeyError, TypeError) as error:
            raise UsageError(f"{where!r}: its run settings are damaged ({error}); train the "
                             "run again") from None

    def with_epochs(self, epochs: int) -> RunConfig:
        """The same run with ``epochs`` in all (``train --resume --epochs``)."""
        return replace(self, epochs=epochs)


def default_lr(optimizer: str) -> float:
    """The learning rate ``optimizer`` uses when ``--lr`` is not given (classification)."""
    return OPTIMIZERS[optimizer][1]


def regression_lr(optimizer: str) -> float:
    """The default learning rate for a regression (mean squared error on standardized
    targets): the classification default, divided by 4 for the optimizers whose step is
    proportional to the gradient (sgd, momentum, nesterov).

    Gradient descent is stable while lr < 2 / L, L the largest curvature of the loss. In the
    output layer that curvature is the loss's second derivative in the outputs (times the
    spread of the last hidden layer's activations): at most 1/2 for softmax cross-entropy (the
    eigenvalues of diag(p) - p p^T), but 2 for the squared error of mean_squared_error, 4 times
    more; so the step that suits a classifier is 4 times too long for a regression. Adaptive
    optimizers (adagrad, rmsprop, adadelta, adam, adamw) divide the gradient by its own size,
    so their step does not grow with the curvature and keeps its default.

    Example:
        >>> regression_lr("sgd"), regression_lr("adam")
        (0.25, 0.01)
    """
    factor = 0.25 if optimizer in ("sgd", "momentum", "nesterov") else 1.0
    return default_lr(optimizer) * factor


def requested_data(args: argparse.Namespace) -> tuple[str, str | None, list[str | int] | None]:
    """``(data, target, features)`` the command line asks for: by default the seeds' Iris
    data with its petal length and width."""
    features = parse_columns(args.features)
    if args.data is None and features is None:
        features = list(DEMO_FEATURES)
    return args.data or DEFAULT_DATA, args.target, features


def _choice(option: str, value: Any, choices: list[str] | tuple[str, ...]) -> None:
    if value not in choices:
        raise UsageError(f"{option}: {value!r} is not one of {list(choices)}")
