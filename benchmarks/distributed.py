"""Distributed training and search on this machine (issue 14, seed 003 section 3.7.2).

1. Data-parallel training on digits (the 64-128-10 ReLU network of `chainrule train --data
   digits --hidden 128`, Adam 1e-3, global batch 64, standardized, the train/validation split of
   the command line), for 1 process and for 2 workers: synchronous SGD and the asynchronous
   parameter server, on local processes and on Ray. Printed: throughput (training samples per
   second of the epochs' steps), seconds and epochs to 97 % validation accuracy (at most 40
   epochs), the final validation accuracy, and the communication share of a step,
   1 - (slowest worker's gradient time + optimizer time) / step time.
2. A projection to 8-64 workers, stated as one: the one-process compute time per sample and
   step overhead measured in (1), the latency and bandwidth of this machine's pipes measured by
   `chainrule.distributed.communication`, and the ring all-reduce and parameter-server cost
   models of `chainrule.distributed.projection` (strong scaling: the global batch fixed; weak:
   64 samples per worker).
3. The search comparison of `benchmarks/search_strategies.py` (`--skip-search` leaves it out).

Run: .venv/bin/python benchmarks/distributed.py [--epochs 40] [--skip-search]
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

import numpy as np

from chainrule import nn, optim
from chainrule.cli.config import RunConfig
from chainrule.cli.data import load, prepared
from chainrule.distributed.communication import measure_communication
from chainrule.distributed.projection import project
from chainrule.train import Callback, fit

BATCH, TARGET = 64, 0.97


class TimeToTarget(Callback):
    """The training seconds (steps and validation) and epochs until val_accuracy >= TARGET."""

    def __init__(self) -> None:
        self.start, self.reached = time.perf_counter(), None

    def on_epoch_end(self, run: Any, logs: dict[str, Any]) -> None:
        if self.reached is None and logs["val_accuracy"] >= TARGET:
            self.reached = (time.perf_counter() - self.start, run.epoch)


def digits() -> tuple:
    data = load("digits")
    config = RunConfig(data="digits", features=tuple(data.feature_names), inputs=64,
                       outputs=10, class_names=tuple(data.class_names))
    _, parts, _ = prepared(config, data)
    return parts[0], parts[1]


def network() -> nn.Sequential:
    return nn.Sequential(nn.Linear(64, 128, rng=0), nn.ReLU(), nn.Linear(128, 10, rng=1))


def train(train_part: tuple, val: tuple, epochs: int, **parallel: Any) -> dict[str, Any]:
    clock = TimeToTarget()
    history = fit(network(), nn.softmax_cross_entropy, train_part, optim.adam(1e-3),
                  epochs=epochs, batch_size=BATCH, validation=val, callbacks=[clock], seed=0,
                  **parallel)
    steps = sum(r.get("step_seconds", r["seconds"]) for r in history.records)
    row = {"throughput": len(train_part[0]) * len(history.records) / steps,
           "reached": clock.reached, "final": history.last["val_accuracy"], "comm": None,
           "steps_seconds": steps, "history": history}
    if "compute_seconds" in history.last:
        busy = sum(r["compute_seconds"] + r["update_seconds"] for r in history.records)
        row["comm"] = 1.0 - busy / steps
    if "staleness_mean" in history.last:
        row["staleness"] = np.mean([r["staleness_mean"] for r in history.records])
    return row


def training_table(epochs: int, ray: bool) -> dict[str, Any]:
    train_part, val = digits()
    runs = {"1 process": {}, "2 local workers, synchronous": dict(workers=2),
            "2 local workers, asynchronous": dict(workers=2, synchronous=False)}
    if ray:
        runs |= {"2 Ray workers, synchronous": dict(workers=2, backend="ray"),
                 "2 Ray workers, asynchronous": dict(workers=2, backend="ray",
                                                     synchronous=False)}
    rows = {name: train(train_part, val, epochs, **options) for name, options in runs.items()}
    print(f"data-parallel training on digits: {len(train_part[0])} training samples, global "
          f"batch {BATCH}, Adam 1e-3, up to {epochs} epochs")
    print("| run | samples/s | to 97 % val. acc. | final val. acc. | communication share |")
    print("|---|---|---|---|---|")
    for name, row in rows.items():
        reached = ("not reached" if row["reached"] is None else
                   f"{row['reached'][0]:.2f} s, epoch {row['reached'][1]}")
        comm = "-" if row["comm"] is None else f"{row['comm']:.0%}"
        if "staleness" in row:
            comm += f" (mean staleness {row['staleness']:.2f})"
        print(f"| {name} | {row['throughput']:.0f} | {reached} | {row['final']:.4f} | "
              f"{comm} |")
    return rows["1 process"]


def projection_tables(one: dict[str, Any]) -> None:
    records = one["history"].records
    steps_per_epoch = -(-len(digits()[0][0]) // BATCH)
    per_step = one["steps_seconds"] / (len(records) * steps_per_epoch)
    parameters = sum(int(np.size(p)) for p in network().parameters())
    costs = measure_communication(parameters)
    print(f"\nPROJECTION (a cost model, not a measurement): one-process step {per_step * 1e6:.0f}"
          f" us for {BATCH} samples, taken as all compute ({per_step / BATCH * 1e6:.2f} us per "
          f"sample); {parameters} float64 parameters; this machine's pipe latency "
          f"{costs.latency * 1e6:.0f} us and bandwidth {costs.pipe_bandwidth / 1e9:.2f} GB/s")
    for scheme in ("ring", "parameter_server"):
        for scaling in ("strong", "weak"):
            table = project(per_step / BATCH, 0.0, costs.latency, costs.pipe_bandwidth,
                            parameters, BATCH, scheme=scheme, scaling=scaling)
            print(f"\n{scheme}, {scaling} scaling:\n{table.to_markdown()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--skip-search", action="store_true")
    options = parser.parse_args()
    try:
        import ray  # noqa: F401
        has_ray = True
    except ImportError:
        has_ray = False
        print("Ray is not installed: its rows are left out (pip install 'chainrule[ray]')")
    one = training_table(options.epochs, has_ray)
    projection_tables(one)
    if not options.skip_search:
        sys.argv = sys.argv[:1]
        print()
        from search_strategies import main as search

        search()


if __name__ == "__main__":
    main()
