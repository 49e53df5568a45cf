"""Wall time of ``fit`` on digits (64-128-10 ReLU MLP, Adam 1e-3, batch 64, 20 epochs), eager
and with the compiled step, for whichever chainrule is on the path: run it under another
tree's ``PYTHONPATH`` to compare commits (issue 13's digits row is "today's eager fit" of the
day the issue was filed; a tree from before ``fit(jit=...)`` existed times eager only).

Run: .venv/bin/python benchmarks/fit_wall_time.py [--rounds 5]
     PYTHONPATH=<tree>/src .venv/bin/python benchmarks/fit_wall_time.py
Alternate the two commands a few times: the machine's speed drifts between processes.
"""

from __future__ import annotations

import argparse
import inspect
import time

import numpy as np

import chainrule
from chainrule import nn, optim
from chainrule.data import Standardizer, load_digits
from chainrule.train import fit


def seconds(X: np.ndarray, y: np.ndarray, **options: bool) -> float:
    model = nn.Sequential(nn.Linear(64, 128, rng=0), nn.ReLU(), nn.Linear(128, 10, rng=1))
    start = time.perf_counter()
    fit(model, nn.softmax_cross_entropy, (X, y), optim.adam(1e-3), epochs=20, batch_size=64,
        **options)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    X, y = load_digits()
    X = Standardizer().fit_transform(X)
    modes = {"eager": {}}
    if "jit" in inspect.signature(fit).parameters:
        modes = {"eager": {"jit": False}, "compiled": {"jit": True}}
    times: dict[str, list[float]] = {name: [] for name in modes}
    for options in modes.values():  # warm-up: imports, caches, the first programs
        seconds(X, y, **options)
    for _ in range(rounds):
        for name, options in modes.items():
            times[name].append(seconds(X, y, **options))
    where = chainrule.__file__.rsplit("/src/", 1)[0]
    medians = {name: float(np.median(t)) for name, t in times.items()}
    print(f"chainrule from {where}: fit on digits, 20 epochs, median of {rounds}: "
          + ", ".join(f"{name} {s:.3f} s" for name, s in medians.items()))
    if "compiled" in medians:
        print(f"compiled / eager = {medians['compiled'] / medians['eager']:.3f}")


if __name__ == "__main__":
    main()
