"""``chainrule train``: build the data, network and optimizer from the command line, train,
report, and write the run folder (checkpoint, metrics.json, history.json, figures; with
``--diagnose`` also diagnostics.json and the diagnostics report, seed 003 section 3.4)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

import numpy as np

from chainrule import optim
from chainrule.cli import data as cli_data
from chainrule.diagnose import Diagnostics
from chainrule.train import (
    Checkpoint,
    Checkpointer,
    ProgressBar,
    evaluate,
    fit,
    load_checkpoint,
    plots,
)
from chainrule.train.metrics import predict_classes
from chainrule.train.mlp import make_loss, mlp_from_config

OPTIMIZERS = {
    "sgd": (optim.sgd, 1.0), "momentum": (optim.momentum, 0.1),
    "nesterov": (optim.nesterov, 0.1), "adagrad": (optim.adagrad, 0.1),
    "rmsprop": (optim.rmsprop, 0.01), "adadelta": (optim.adadelta, 1.0),
    "adam": (optim.adam, 0.01), "adamw": (optim.adamw, 0.01),
}
DEFAULTS = {"hidden": [16], "activation": "sigmoid", "loss": None, "optimizer": "sgd",
            "lr": None, "epochs": 500, "batch_size": None, "init": None, "batchnorm": False,
            "dropout": 0.0, "preprocess": "standardize", "seed": 0, "val": 0.2, "test": 0.2}
# what a checkpoint's config must hold for evaluate / predict / --resume to rebuild the run
RUN_KEYS = ("model", "data", "target", "features", "class_names", "task", *DEFAULTS)
# the files a run writes into its folder (replaced by --overwrite)
RUN_FILES = ("checkpoint.npz", "metrics.json", "history.json", "loss.png",
             "decision_boundary.png", "diagnostics.json", "gradient_norms.png", "activations.png")


def _config(args: argparse.Namespace) -> dict[str, Any]:
    """The run's settings: the command line over the defaults (the seeds' Iris network)."""
    config: dict[str, Any] = {k: getattr(args, k, None) for k in DEFAULTS}
    for k, v in DEFAULTS.items():
        if config[k] is None:
            config[k] = v
    config["data"] = args.data or "iris"
    config["target"] = args.target
    config["features"] = cli_data.parse_columns(args.features)
    if args.data is None and config["features"] is None:
        config["features"] = list(cli_data.DEMO_FEATURES)
    if config["lr"] is None:
        config["lr"] = OPTIMIZERS[config["optimizer"]][1]
    return config


def _metrics(task: str) -> tuple[str, ...]:
    return ("accuracy",) if task == "classification" else ("mse", "r2")


def _optimizer(config: dict[str, Any]) -> optim.GradientTransformation:
    return OPTIMIZERS[config["optimizer"]][0](config["lr"])


def load_run(path: str) -> Checkpoint:
    """The checkpoint ``path`` of a run of ``chainrule train`` (for ``evaluate``, ``predict``
    and ``train --resume``). A damaged or foreign file, or a checkpoint saved from Python
    without the run's settings, raises a one-line ValueError naming the file."""
    ckpt = load_checkpoint(path)
    missing = [k for k in RUN_KEYS if k not in ckpt.config]
    if missing:
        raise cli_data.UsageError(
            f"{path!r} was not written by 'chainrule train' (its config lacks "
            f"{', '.join(missing[:4])}{', ...' if len(missing) > 4 else ''}, which describe "
            "the network and data); load it in Python with load_checkpoint instead")
    return ckpt


def _check_name(args: argparse.Namespace) -> None:
    """Refuse a ``--name`` that is not a plain folder name, or that names an existing run
    folder without ``--overwrite`` (which would replace that run)."""
    if args.name is None:
        return
    name = args.name
    if name in ("", ".", "..") or any(sep and sep in name for sep in ("/", os.sep, os.altsep)):
        raise cli_data.UsageError(f"--name: {name!r} is not a folder name; give a plain name "
                                  "such as iris-adam (--out chooses the parent folder)")
    path = os.path.join(args.out or "runs", name)
    if os.path.exists(path) and not os.path.isdir(path):
        raise cli_data.UsageError(f"--name: {path!r} exists and is not a folder")
    if os.path.exists(path) and not args.overwrite:
        raise cli_data.UsageError(f"--name: the run folder {path!r} already exists; choose "
                                  "another --name, or add --overwrite to replace that run")


def _run_dir(args: argparse.Namespace) -> str:
    """Create the run folder; with ``--overwrite``, an existing one loses the files an earlier
    run wrote there (others are left alone)."""
    base = args.out or "runs"
    name = args.name or time.strftime("%Y%m%d-%H%M%S")
    path, k = os.path.join(base, name), 2
    while os.path.exists(path) and not args.name:
        path, k = os.path.join(base, f"{name}-{k}"), k + 1
    if args.name and args.overwrite and os.path.isdir(path):
        for old in RUN_FILES:
            if os.path.isfile(os.path.join(path, old)):
                os.remove(os.path.join(path, old))
    os.makedirs(path, exist_ok=True)
    return path


def _check_epochs(path: str, total: int, done: int, given: int | None) -> None:
    """Refuse to resume a run that has already trained ``total`` epochs or more (it would
    train nothing); ``--epochs`` is the new total, not a number of further epochs."""
    if total > done:
        return
    if given is None:
        raise cli_data.UsageError(
            f"--resume: {path!r} has already trained all {done} of its epochs, so there is "
            f"nothing to train; give the new total with --epochs, e.g. --epochs {2 * done} to "
            f"train {done} more")
    raise cli_data.UsageError(
        f"--resume: {path!r} has already trained {done} epochs, so --epochs {given} leaves "
        "nothing to train (--epochs is the new total, not a number of further epochs); give "
        f"--epochs {done + given} to train {given} more")


def _write_json(path: str, data: Any) -> None:
    tmp = f"{path}.tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def prepared(config: dict[str, Any], preprocessing=None):
    """(data, split parts transformed, fitted preprocessing) for ``config``."""
    data = cli_data.load(config)
    train, val, test = cli_data.split(data, config)
    if preprocessing is None:
        preprocessing = cli_data.make_preprocessor(config["preprocess"])
        if preprocessing is not None:
            preprocessing.fit(train[0])
    t = (lambda X: X) if preprocessing is None else preprocessing.transform
    parts = [(t(X), y) for X, y in (train, val, test)]
    return data, (train, val, test), parts, preprocessing


def run_train(args: argparse.Namespace) -> int:
    resume = None
    if args.resume:
        resume = load_run(args.resume)
        config = dict(resume.config)
        if args.epochs is not None:
            config["epochs"] = args.epochs
        _check_epochs(args.resume, config["epochs"], resume.epoch, args.epochs)
        run_dir = os.path.dirname(os.path.abspath(args.resume))
    else:
        _check_name(args)
        config = _config(args)
        run_dir = None
    data, raw, parts, pre = prepared(config, resume.preprocessing if resume else None)
    (Xtr, ytr), val, test = parts
    n_classes = data.n_classes
    if not resume:
        config["loss"] = config["loss"] or ("cross_entropy" if n_classes else "mse")
        outputs = n_classes if n_classes else int(data.y.shape[1])
        config["model"] = {"inputs": int(Xtr.shape[1]), "hidden": config["hidden"],
                           "outputs": outputs, "activation": config["activation"],
                           "init": config["init"], "batchnorm": config["batchnorm"],
                           "dropout": config["dropout"], "seed": config["seed"]}
        run_dir = _run_dir(args)
        config["name"] = os.path.basename(run_dir)
    model = mlp_from_config(config["model"])
    loss = make_loss(config["loss"], n_classes)
    metrics = _metrics(config["task"])
    ckpt_path = os.path.join(run_dir, "checkpoint.npz")
    every = args.checkpoint_every or max(1, config["epochs"] // 10)
    callbacks = [Checkpointer(ckpt_path, every=every, preprocessing=pre, config=config)]
    diagnostics = _diagnostics(args, resume, loss, config)
    if diagnostics is not None:
        callbacks.insert(0, diagnostics)
    if not args.quiet:
        callbacks.insert(0, ProgressBar(force=args.progress))
    if not args.quiet:
        _describe(config, model, parts)
    start = time.perf_counter()
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # reported
            history = fit(model, loss, (Xtr, ytr), _optimizer(config), epochs=config["epochs"],
                          batch_size=config["batch_size"], validation=val, callbacks=callbacks,
                          seed=config["seed"], metrics=metrics, resume=resume)
    except FloatingPointError:
        if diagnostics is not None:  # the records up to the divergence show how it came
            _write_json(os.path.join(run_dir, "diagnostics.json"), diagnostics.to_dict())
        raise
    seconds = time.perf_counter() - start
    results = {name: evaluate(model, loss, part, metrics, confusion=n_classes is not None)
               for name, part in zip(("train", "validation", "test"), parts, strict=True)}
    summary = _summary(config, history, results, seconds, len(history))
    _write_json(os.path.join(run_dir, "metrics.json"), summary)
    _write_json(os.path.join(run_dir, "history.json"), history.to_dict())
    written = ["checkpoint.npz", "metrics.json", "history.json"]
    written += _figures(run_dir, config, model, pre, raw, history, args.quiet)
    if diagnostics is not None:
        written += _diagnostics_files(run_dir, diagnostics, model)
        if not args.quiet:
            print(diagnostics.report())
    if not args.quiet:
        _report(results, summary, run_dir, written)
    return 0


def _diagnostics(args, resume, loss, config) -> Diagnostics | None:
    """The ``Diagnostics`` callback for ``--diagnose`` (at most ~100 records per run), or None.
    A resumed run keeps the callbacks it was saved with, so it diagnoses exactly when the
    original run did."""
    saved = resume is not None and "Diagnostics" in resume.callback_classes
    if resume is not None and getattr(args, "diagnose", False) and not saved:
        raise ValueError(f"--diagnose: the run {args.resume!r} was trained without diagnostics "
                         "and a resumed run keeps its callbacks; resume without --diagnose, or "
                         "start a new run with it")
    if not (saved or getattr(args, "diagnose", False)):
        return None
    return Diagnostics(loss, every=max(1, config["epochs"] // 100))


def _diagnostics_files(run_dir: str, diagnostics: Diagnostics, model) -> list[str]:
    """Write diagnostics.json (and, with matplotlib, the gradient-norm and activation
    figures); returns the file names."""
    _write_json(os.path.join(run_dir, "diagnostics.json"), diagnostics.to_dict())
    names = ["diagnostics.json"]
    if plots.available() and diagnostics.history and diagnostics.probe is not None:
        from chainrule.diagnose import plots as diagnose_plots
        from chainrule.nn import Sequential

        diagnose_plots.plot_gradient_history(diagnostics, os.path.join(run_dir,
                                                                       "gradient_norms.png"))
        names.append("gradient_norms.png")
        if isinstance(model, Sequential):
            diagnose_plots.plot_activation_histograms(
                model, diagnostics.probe[0], os.path.join(run_dir, "activations.png"),
                title="activations of the trained network on the probe batch")
            names.append("activations.png")
    return names


def _summary(config, history, results, seconds, epochs_done) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part, scores in results.items():
        for key, value in scores.items():
            if key != "confusion_matrix":
                out[f"{part}_{key}"] = value
    out["loss"] = history.last.get("loss") if len(history) else None
    if "confusion_matrix" in results["test"]:
        out["test_confusion_matrix"] = results["test"]["confusion_matrix"]
    out.update(epochs=epochs_done, time_seconds=seconds, stop_reason=history.stop_reason,
               data=config["data"], features=config["features"],
               class_names=config["class_names"], optimizer=config["optimizer"],
               lr=config["lr"], batch_size=config["batch_size"], hidden=config["hidden"],
               activation=config["activation"], loss_function=config["loss"],
               preprocess=config["preprocess"], seed=config["seed"])
    return out


def _figures(run_dir, config, model, pre, raw, history, quiet) -> list[str]:
    if not plots.available():
        if not quiet:
            print("note: matplotlib is not installed, so no figures were drawn "
                  "(pip install 'chainrule[plots]')")
        return []
    from chainrule.train import predict

    names = [plots.plot_history(history, os.path.join(run_dir, "loss.png"),
                                title=f"{config['data']}: training curves")]
    if config["task"] == "classification" and len(config["features"]) == 2:
        t = (lambda X: X) if pre is None else pre.transform
        X_all = np.concatenate([X for X, _ in raw])
        y_all = np.concatenate([y for _, y in raw])
        names.append(plots.plot_decision_boundary(
            lambda P: predict_classes(predict(model, t(P))), X_all, y_all,
            os.path.join(run_dir, "decision_boundary.png"), config["features"],
            config["class_names"], title=f"{config['data']}: predicted class regions"))
    return [os.path.basename(n) for n in names]


def _describe(config, model, parts) -> None:
    sizes = "/".join(str(len(y)) for _, y in parts)
    batch = "full batch" if config["batch_size"] is None else f"batch {config['batch_size']}"
    layers = " ".join(" ".join(repr(m).split()) for m in model)
    names = config["features"]
    shown = ", ".join(names[:4]) + (f", ... ({len(names)} features)" if len(names) > 4 else "")
    print(f"data: {config['data']} ({shown}), {sizes} "
          "train/validation/test samples")
    print(f"model: {layers}, {model.num_parameters()} parameters; loss {config['loss']}; "
          f"{config['optimizer']} lr={config['lr']:g}, {batch}, {config['epochs']} epochs")
    sys.stdout.flush()


def _report(results, summary, run_dir, written) -> None:
    for part, scores in results.items():
        shown = "  ".join(f"{k} {v:.4f}" for k, v in scores.items() if k != "confusion_matrix")
        print(f"{part:<11}{shown}")
    print(f"time {summary['time_seconds']:.2f} s for {summary['epochs']} epochs "
          f"({summary['stop_reason']})")
    print(f"wrote {run_dir}{os.sep} ({', '.join(written)})")
