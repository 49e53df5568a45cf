"""What ``chainrule train`` prints and writes besides the checkpoint: the description of the
run before training, metrics.json, the figures (with matplotlib), diagnostics.json, and the
scores after training."""

from __future__ import annotations

import math
import os
import sys
from typing import Any

import numpy as np

from chainrule.cli.config import RunConfig
from chainrule.cli.rundir import write_json
from chainrule.diagnose import Diagnostics
from chainrule.train import History, plots
from chainrule.train.metrics import predict_classes


def summary(config: RunConfig, history: History, results: dict[str, dict[str, Any]],
            seconds: float) -> dict[str, Any]:
    """The contents of metrics.json: the scores of each part, the last training loss, the
    epochs trained, the time, why training stopped, and the run's settings."""
    out: dict[str, Any] = {}
    for part, scores in results.items():
        for key, value in scores.items():
            if key != "confusion_matrix":
                out[f"{part}_{key}"] = value
    out["loss"] = history.last.get("loss") if len(history) else None
    if "confusion_matrix" in results.get("test", {}):
        out["test_confusion_matrix"] = results["test"]["confusion_matrix"]
    out.update(epochs=len(history), time_seconds=seconds, stop_reason=history.stop_reason)
    out.update(warnings(history, config))
    out.update(settings(config))
    return out


def warnings(history: History, config: RunConfig) -> dict[str, list[str]]:
    """The run's validation-loss alarms (``History.events``) in the command line's words:
    ``"warnings"`` for a growth the run never recovered from (it ends over ten times its best
    validation loss), ``"notes"`` for a spike it came back from (large steps often throw the
    loss up in the first epochs before it settles, and the run is then fine).

    Example:
        >>> from types import SimpleNamespace
        >>> from chainrule.train import History
        >>> h = History([{"epoch": 12, "val_loss": 3.4}], events=[{"epoch": 12,
        ...     "kind": "val_loss_growth", "val_loss": 3.4, "best": 0.0005, "best_epoch": 5}])
        >>> warnings(h, SimpleNamespace(lr=0.25))["warnings"]  # doctest: +NORMALIZE_WHITESPACE
        ['epoch 12: the validation loss 3.4 is 6800 times the best (0.0005 at epoch 5); the
          model got much worse on the validation data and stayed so: try a lower --lr (this
          run: 0.25) or fewer --epochs']
    """
    out: dict[str, list[str]] = {"warnings": [], "notes": []}
    final = history.last.get("val_loss") if len(history) else None
    for event in history.events:
        value, best = event["val_loss"], event["best"]
        if value is not None and math.isfinite(value):
            grown = f"{value:.4g} is {value / best:.4g} times the best"
        else:
            grown = f"became {value}, against the best"
        said = (f"epoch {event['epoch']}: the validation loss {grown} ({best:.4g} at epoch "
                f"{event['best_epoch']})")
        if final is not None and math.isfinite(final) and final < 10 * best:
            out["notes"].append(f"{said}, and came back (final {final:.4g})")
        else:
            out["warnings"].append(
                f"{said}; the model got much worse on the validation data and stayed so: try "
                f"a lower --lr (this run: {config.lr:g}) or fewer --epochs")
    return out


def print_warnings(said: dict[str, list[str]]) -> None:
    """Each warning and note as one line on stderr."""
    for kind in ("warnings", "notes"):
        for line in said[kind]:
            print(f"chainrule train: {kind[:-1]}: {line}", file=sys.stderr)



def settings(config: RunConfig) -> dict[str, Any]:
    """The settings metrics.json repeats, so a run folder says how it was trained."""
    return {"data": config.data, "features": list(config.features),
            "class_names": None if config.class_names is None else list(config.class_names),
            "optimizer": config.optimizer, "lr": config.lr, "batch_size": config.batch_size,
            "hidden": list(config.hidden), "activation": config.activation,
            "loss_function": config.loss, "preprocess": config.preprocess,
            "seed": config.seed,
            **({} if config.target_mean is None else
               {"target_mean": list(config.target_mean), "target_std": list(config.target_std)})}


def figures(run_dir: str, config: RunConfig, model, pre, raw, history: History,
            quiet: bool) -> list[str]:
    """Draw loss.png (and for two features of a classifier decision_boundary.png); returns
    the file names, none without matplotlib."""
    if not plots.available():
        if not quiet:
            print("note: matplotlib is not installed, so no figures were drawn "
                  "(pip install 'chainrule[plots]')")
        return []
    from chainrule.train import predict

    names = [plots.plot_history(history, os.path.join(run_dir, "loss.png"),
                                title=f"{config.data}: training curves")]
    if config.task == "classification" and len(config.features) == 2:
        t = (lambda X: X) if pre is None else pre.transform
        X_all = np.concatenate([X for X, _ in raw])
        y_all = np.concatenate([y for _, y in raw])
        names.append(plots.plot_decision_boundary(
            lambda P: predict_classes(predict(model, t(P))), X_all, y_all,
            os.path.join(run_dir, "decision_boundary.png"), list(config.features),
            config.class_names, title=f"{config.data}: predicted class regions"))
    return [os.path.basename(n) for n in names]


def diagnostics_files(run_dir: str, diagnostics: Diagnostics, model) -> list[str]:
    """Write diagnostics.json (and, with matplotlib, the gradient-norm and activation
    figures); returns the file names."""
    write_json(os.path.join(run_dir, "diagnostics.json"), diagnostics.to_dict())
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


def describe(config: RunConfig, model, parts) -> None:
    """Print the data, network, loss and optimizer before training."""
    sizes = "/".join(str(len(y)) for _, y in parts)
    batch = "full batch" if config.batch_size is None else f"batch {config.batch_size}"
    layers = " ".join(" ".join(repr(m).split()) for m in model)
    names = config.features
    shown = ", ".join(names[:4]) + (f", ... ({len(names)} features)" if len(names) > 4 else "")
    print(f"data: {config.data} ({shown}), {sizes} "
          "train/validation/test samples")
    print(f"model: {layers}, {model.num_parameters()} parameters; loss {config.loss}; "
          f"{config.optimizer} lr={config.lr:g}, {batch}, {config.epochs} epochs")
    if config.target_mean is not None:
        print("targets: standardized with the training part's mean "
              f"{_numbers(config.target_mean)} and spread {_numbers(config.target_std)} (the "
              "per-epoch loss is in those units; the final scores in the data's)")
    sys.stdout.flush()


def _numbers(values: tuple[float, ...]) -> str:
    text = ", ".join(f"{v:.4g}" for v in values[:4]) + (", ..." if len(values) > 4 else "")
    return text if len(values) == 1 else f"({text})"


def scores(results: dict[str, dict[str, Any]], summary: dict[str, Any], run_dir: str,
           written: list[str]) -> None:
    """Print the scores of each part, the time, and the files written."""
    for part, values in results.items():
        shown = "  ".join(f"{k} {v:.4f}" for k, v in values.items() if k != "confusion_matrix")
        print(f"{part:<11}{shown}")
    print(f"time {summary['time_seconds']:.2f} s for {summary['epochs']} epochs "
          f"({summary['stop_reason']})")
    print(f"wrote {run_dir}{os.sep} ({', '.join(written)})")
