"""The five methods of ``chainrule compress`` on a run's network: the options each takes, and
the call into ``chainrule.compress`` with the run's data, loss, optimizer and seed."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any

from chainrule.cli.arguments import hidden_sizes
from chainrule.cli.config import OPTIMIZERS, RunConfig
from chainrule.cli.data import UsageError
from chainrule.nn import Module
from chainrule.nn.specs import layer_specs
from chainrule.train import fit
from chainrule.train.mlp import build_mlp

# method -> the options only it takes (checked, so a misplaced option is not silently ignored)
METHODS: dict[str, tuple[str, ...]] = {
    "prune": ("sparsity", "threshold", "iterative", "l1"),
    "quantize": ("per_tensor", "qat"),
    "lowrank": ("rank", "energy", "size"),
    "hash": ("buckets", "compression"),
    "mimic": ("hidden", "unlabelled"),
}
_DEFAULTS = {"per_tensor": False, "unlabelled": False}


def _check_options(args: argparse.Namespace) -> None:
    for method, options in METHODS.items():
        if method == args.method:
            continue
        for option in options:
            if getattr(args, option) not in (None, _DEFAULTS.get(option)):
                raise UsageError(f"--{option.replace('_', '-')} is an option of --method "
                                 f"{method}, not of --method {args.method}")


def _layers(args: argparse.Namespace, model: Module) -> list[int] | None:
    if args.layers is None:
        return None
    linear = [i for i, layer in enumerate(model.layers) if type(layer).__name__ == "Linear"]
    try:
        chosen = [int(t) for t in args.layers.split(",") if t.strip()]
    except ValueError:
        chosen = []
    if not chosen or any(i not in linear for i in chosen):
        raise UsageError(f"--layers {args.layers!r}: give indices of Linear layers of this "
                         f"network, among {','.join(map(str, linear))}")
    return chosen


def compress_model(args: argparse.Namespace, model: Module, loss: Any, parts: tuple,
                   config: RunConfig) -> tuple[Module, RunConfig, dict[str, Any]]:
    """``(compressed model, its run settings, details for the report)``; fine-tuned on the
    training part for ``--epochs`` where the method trains."""
    from chainrule import compress

    _check_options(args)
    layers = _layers(args, model)
    (X, y), val = parts[0], parts[1]
    y = config.scale_targets(y)
    tx = OPTIMIZERS[config.optimizer][0](args.lr or config.lr)
    train = dict(epochs=args.epochs, batch_size=config.batch_size, seed=config.seed)

    def tune(small: Module) -> Module:
        if args.epochs:
            fit(small, loss, (X, y), tx, validation=val, metrics=config.metrics, **train)
        return small

    details: dict[str, Any] = {}
    if args.method == "prune":
        if args.l1 is not None:
            small, zeroed = compress.l1_sparsify(model, loss, (X, y), tx, args.l1,
                                                 threshold=args.threshold or 1e-3,
                                                 layers=layers, **train)
            details["zeroed_by_l1"] = zeroed
        elif args.iterative is not None:
            small, _ = compress.prune_iteratively(
                model, loss, (X, y), tx, _required(args, "sparsity"), steps=args.iterative,
                epochs_per_step=args.epochs, batch_size=config.batch_size, seed=config.seed,
                validation=val, scope=args.scope, layers=layers)
        else:
            small = tune(compress.magnitude_prune(model, sparsity=args.sparsity,
                                                  threshold=args.threshold, scope=args.scope,
                                                  layers=layers))
        details["sparsity"] = compress.sparsity(small)
    elif args.method == "quantize":
        calibration = X[:args.calibration]
        if args.qat is not None:
            qat = compress.prepare_qat(model)
            fit(qat, loss, (X, y), tx, validation=val, metrics=config.metrics,
                **{**train, "epochs": args.qat})
            small = compress.convert(qat, calibration)
        else:
            small = compress.quantize(model, calibration, per_channel=not args.per_tensor,
                                      layers=layers)
        details.update(per_channel=not args.per_tensor, calibration=len(calibration),
                       qat_epochs=args.qat or 0)
    elif args.method == "lowrank":
        small = tune(compress.low_rank(model, rank=args.rank, energy=args.energy,
                                       size=args.size, layers=layers))
        details["ranks"] = [s["rank"] for s in layer_specs(small)]
        details["parameter_counts"] = [{k: int(v) if hasattr(v, "dtype") else v
                                        for k, v in row.items()}
                                       for row in compress.parameter_counts(model, small)]
    elif args.method == "hash":
        small = tune(compress.hash_layers(model, buckets=args.buckets,
                                          compression=args.compression, layers=layers,
                                          seed=args.hash_seed))
        details["buckets"] = [s["buckets"] for s in layer_specs(small)]
    else:
        return _mimic(args, model, (X, y), val, config, tx, train)
    return small, replace(config, compressed=tuple(layer_specs(small))), details


def _mimic(args: argparse.Namespace, teacher: Module, data: tuple, val: Any,
           config: RunConfig, tx: Any, train: dict) -> tuple[Module, RunConfig, dict]:
    from chainrule.compress import distill

    try:
        hidden = tuple(hidden_sizes(_required(args, "hidden")))
    except argparse.ArgumentTypeError as error:
        raise UsageError(f"--hidden: {error}") from None
    student_config = replace(config, hidden=hidden)
    student = build_mlp(**{k: v for k, v in student_config.model.items()})
    if config.task != "classification":
        raise UsageError("--method mimic trains on the teacher's softened class "
                         "probabilities; this run is a regression")
    X, y = data
    distill(teacher, student, X, None if args.unlabelled else y,
            temperature=args.temperature, alpha=args.alpha, optimizer=tx,
            validation=val, **train)
    return student, student_config, {"student_hidden": list(hidden),
                                     "temperature": args.temperature,
                                     "labelled": not args.unlabelled}


def _required(args: argparse.Namespace, option: str) -> Any:
    value = getattr(args, option)
    if value is None:
        raise UsageError(f"--method {args.method} needs --{option}")
    return value
