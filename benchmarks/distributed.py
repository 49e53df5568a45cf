"""Distributed training and search on this machine (issue 14, seed 003 section 3.7.2).

1. Data-parallel training on digits (the 64-128-10 ReLU network of `chainrule train --data
   digits --hidden 128 --activation relu --optimizer adam`, Adam at the command's learning rate
   1e-2, global batch 64, standardized, the command's train/validation split), for 1 process and
   for 2 workers: synchronous SGD and the asynchronous parameter server, on local processes and
   on Ray. A wide network (64-2048-2048-10, batch 512, 4 epochs) shows the same runs when
   computation, not communication, fills a step. Printed: throughput (training samples per
   second of the epochs' steps, the first epoch left out: there each process compiles its step
   with cr.jit, about 2 s for the wide network), seconds and epochs to 97 % validation accuracy
   (at most 40 epochs), the final validation accuracy, and the communication share of a
   synchronous step, 1 - (slowest worker's gradient time + optimizer time) / step time
   (asynchronous workers and server overlap, so their rows give the mean staleness of the
   applied gradients instead).
2. A projection to 8-64 workers, stated as one, for both networks: the one-process step time
   (measured without validation or metrics) taken as compute, the latency and bandwidth of
   this machine's pipes measured by `chainrule.distributed.communication`, and the cost models
   of `chainrule.distributed.projection`: ring all-reduce with the global batch fixed (strong
   scaling) and with the per-worker batch fixed (weak), and a parameter server (weak).
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

BATCH, TARGET, LR = 64, 0.97, 1e-2
WIDE = (2048, 2048)


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


def network(hidden: tuple[int, ...] = (128,)) -> nn.Sequential:
    sizes, layers = (64, *hidden), []
    for k, (a, b) in enumerate(zip(sizes, sizes[1:], strict=False)):
        layers += [nn.Linear(a, b, rng=k), nn.ReLU()]
    return nn.Sequential(*layers, nn.Linear(sizes[-1], 10, rng=len(hidden)))


def train(train_part: tuple, val: tuple, epochs: int, hidden: tuple[int, ...] = (128,),
          batch: int = BATCH, **parallel: Any) -> dict[str, Any]:
    clock = TimeToTarget()
    history = fit(network(hidden), nn.softmax_cross_entropy, train_part, optim.adam(LR),
                  epochs=epochs, batch_size=batch, validation=val, callbacks=[clock], seed=0,
                  **parallel)
    steady = list(history)[1:]  # the first epoch compiles the step (seconds for wide nets)
    steps = sum(r.get("step_seconds", r["seconds"]) for r in steady)
    row = {"throughput": len(train_part[0]) * len(steady) / steps,
           "reached": clock.reached, "final": history.last["val_accuracy"], "comm": None,
           "history": history}
    if "compute_seconds" in history.last and "staleness_mean" not in history.last:
        busy = sum(r["compute_seconds"] + r["update_seconds"] for r in steady)
        row["comm"] = 1.0 - busy / steps
    if "staleness_mean" in history.last:
        row["staleness"] = np.mean([r["staleness_mean"] for r in history])
    return row


def training_table(epochs: int, ray: bool, wide: bool = False) -> None:
    train_part, val = digits()
    runs = {"1 process": {}, "2 local workers, synchronous": dict(workers=2),
            "2 local workers, asynchronous": dict(workers=2, synchronous=False)}
    if ray:
        runs |= {"2 Ray workers, synchronous": dict(workers=2, backend="ray"),
                 "2 Ray workers, asynchronous": dict(workers=2, backend="ray",
                                                     synchronous=False)}
    shape = dict(hidden=WIDE, batch=512) if wide else {}
    rows = {name: train(train_part, val, epochs, **shape, **options)
            for name, options in runs.items()}
    net = "-".join(map(str, (64, *shape.get("hidden", (128,)), 10)))
    print(f"\ndata-parallel training on digits, {net} ReLU: {len(train_part[0])} training "
          f"samples, global batch {shape.get('batch', BATCH)}, Adam {LR:g}, "
          f"{'' if wide else 'up to '}{epochs} epochs")
    print("| run | samples/s | to 97 % val. acc. | final val. acc. | communication share |")
    print("|---|---|---|---|---|")
    for name, row in rows.items():
        reached = ("not reached" if row["reached"] is None else
                   f"{row['reached'][0]:.2f} s, epoch {row['reached'][1]}")
        comm = "-" if row["comm"] is None else f"{row['comm']:.0%}"
        if "staleness" in row:  # workers and server overlap: no share to speak of
            comm = f"overlapped (mean staleness {row['staleness']:.2f})"
        print(f"| {name} | {row['throughput']:.0f} | {reached} | {row['final']:.4f} | "
              f"{comm} |")


def one_process_step(hidden: tuple[int, ...], batch: int, epochs: int) -> float:
    """Seconds of one training step of one process (the median epoch, no validation and no
    metrics, over its steps)."""
    train_part = digits()[0]
    history = fit(network(hidden), nn.softmax_cross_entropy, train_part, optim.adam(LR),
                  epochs=epochs, batch_size=batch, seed=0, metrics=())
    return float(np.median(history["seconds"])) / -(-len(train_part[0]) // batch)


def projection_tables(hidden: tuple[int, ...], batch: int, epochs: int) -> None:
    """Project the network ``hidden`` at global batch ``batch`` from one process to 64 workers:
    ring all-reduce with the global batch fixed and with the per-worker batch fixed, and a
    parameter server with the per-worker batch fixed."""
    per_step = one_process_step(hidden, batch, epochs)
    parameters = sum(int(np.size(p)) for p in network(hidden).parameters())
    costs = measure_communication(parameters)
    net = "-".join(map(str, (64, *hidden, 10)))
    print(f"\nPROJECTION for {net} (a cost model, not a measurement): one-process step "
          f"{per_step * 1e3:.3f} ms for {batch} samples, taken as all compute; {parameters} "
          f"float64 parameters; this machine's pipe latency {costs.latency * 1e6:.0f} us and "
          f"bandwidth {costs.pipe_bandwidth / 1e9:.2f} GB/s")
    for scheme, scaling in (("ring", "strong"), ("ring", "weak"), ("parameter_server", "weak")):
        table = project(per_step / batch, 0.0, costs.latency, costs.pipe_bandwidth,
                        parameters, batch, scheme=scheme, scaling=scaling)
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
    training_table(options.epochs, has_ray)
    training_table(4, has_ray, wide=True)
    projection_tables((128,), BATCH, 10)
    projection_tables(WIDE, 512, 3)
    if not options.skip_search:
        sys.argv = sys.argv[:1]
        print()
        from search_strategies import main as search

        search()


if __name__ == "__main__":
    main()
