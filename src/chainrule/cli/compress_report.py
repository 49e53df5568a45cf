"""What ``chainrule compress`` reports: for the network before and after, the trainable
parameters, the numbers and bytes its checkpoint stores, the checkpoint file's size, the test
scores and the inference time per 1,000 samples (the median of several timed passes)."""

from __future__ import annotations

import os
import tempfile
import time
from typing import Any

import numpy as np

from chainrule.cli.config import RunConfig
from chainrule.cli.scoring import score
from chainrule.nn import Module
from chainrule.train import save_checkpoint


def inference_ms_per_1000(model: Module, X: np.ndarray, repeats: int = 7) -> float:
    """Milliseconds per 1,000 samples of ``model(X)`` (inference mode), the median of
    ``repeats`` passes after one warm-up."""
    model.eval()
    model(X)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model(X)
        times.append(time.perf_counter() - start)
    return float(np.median(times)) * 1000.0 * 1000.0 / len(X)


def measure(model: Module, loss: Any, test: tuple[np.ndarray, np.ndarray],
            config: RunConfig) -> dict[str, Any]:
    """Sizes, test scores and inference time of ``model``."""
    state = model.state_dict()
    scores = score(model, loss, test, config) if len(test[1]) else {}
    scores.pop("confusion_matrix", None)
    return {"parameters": int(model.num_parameters()),
            "stored_numbers": int(sum(np.size(v) for v in state.values())),
            "model_bytes": int(sum(np.asarray(v).nbytes for v in state.values())),
            "test": scores,
            "inference_ms_per_1000": inference_ms_per_1000(model, test[0]) if len(test[1])
            else None}


def file_bytes(model: Module) -> int:
    """The size of a model-only checkpoint of ``model`` (no optimizer state, no history), as
    ``chainrule compress`` writes: the fair size to compare with a compressed one."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.npz")
        save_checkpoint(path, model)
        return os.path.getsize(path)


def report_dict(method: str, details: dict[str, Any], before: dict[str, Any],
                after: dict[str, Any], written: str, source: str,
                original: Module) -> dict[str, Any]:
    """The JSON report: both measurements, the file sizes and the ratios."""
    before = {**before, "file_bytes": file_bytes(original)}
    after = {**after, "file_bytes": os.path.getsize(written)}
    return {"method": method, "source": os.path.abspath(source), "details": details,
            "before": before, "after": after,
            "smaller_on_disk": before["file_bytes"] / after["file_bytes"],
            "model_bytes_ratio": before["model_bytes"] / max(1, after["model_bytes"])}


def print_report(report: dict[str, Any], run_dir: str) -> None:
    """The before/after table, then where the files are."""
    before, after = report["before"], report["after"]
    rows = [("trainable parameters", "parameters", "{:,}"),
            ("numbers stored", "stored_numbers", "{:,}"),
            ("bytes of the arrays", "model_bytes", "{:,}"),
            ("checkpoint file bytes", "file_bytes", "{:,}")]
    print(f"{'':<26}{'before':>14}{'after':>14}")
    for label, key, form in rows:
        print(f"{label:<26}{form.format(before[key]):>14}{form.format(after[key]):>14}")
    for metric in before["test"]:
        print(f"{'test ' + metric:<26}{before['test'][metric]:>14.4f}"
              f"{after['test'][metric]:>14.4f}")
    if before["inference_ms_per_1000"] is not None:
        print(f"{'ms per 1,000 samples':<26}{before['inference_ms_per_1000']:>14.3f}"
              f"{after['inference_ms_per_1000']:>14.3f}")
    counts = report["details"].get("parameter_counts")
    if counts:  # low rank: seed 003's count r (in + out) beside what each layer stores
        print("layer  in x out   rank   seed: in*out -> r(in+out)   stored (with biases)")
        for c in counts:
            rank = "kept" if c["rank"] is None else c["rank"]
            print(f"{c['layer']:>5}  {c['in']:>3} x {c['out']:<4} {rank:>5}   "
                  f"{c['seed_before']:>12,} -> {c['seed_after']:<9,}   "
                  f"{c['stored_before']:,} -> {c['stored_after']:,}")
    shown = ", ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}"
                      for k, v in report["details"].items() if not isinstance(v, list | dict))
    shown = f"{shown}; " if shown else ""
    print(f"{report['method']}: {shown}{report['smaller_on_disk']:.2f}x smaller on disk")
    print(f"wrote {run_dir}/: checkpoint.npz, compression.json")
