"""What ``chainrule train`` prints and writes besides the checkpoint: the description of the
run before training, metrics.json, the figures (with matplotlib), diagnostics.json, and the
scores after training."""

from __future__ import annotations

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
    out.update(settings(config))
    return out


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
