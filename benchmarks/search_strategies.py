"""Search strategies side by side (issue 14): the best validation accuracy on digits after 20
and after 40 trials of random, coarse-to-fine and Bayesian (TPE) search, the mean over 3
search seeds, trials on 2 local worker processes.

The network is ``chainrule train``'s (ReLU, Adam, 10 epochs, the default 60/20/20 split,
training seed 0); the space is seed 003's: learning rate and L2 strength log-uniform, plus the
hidden width and the batch size. The objective is the validation accuracy (the test part is
never read). Random and Bayesian searches propose their first 20 trials independently of the
budget, so their 20-trial figure is the prefix of the 40-trial search; coarse-to-fine sizes
its rounds by the budget and runs once per budget.

Run: .venv/bin/python benchmarks/search_strategies.py [--seeds 3] [--workers 2]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from chainrule.cli.tune_objective import TrainObjective
from chainrule.tune import (
    Choice,
    IntUniform,
    LogUniform,
    SearchSpace,
    best,
    bayesian_search,
    coarse_to_fine,
    make_executor,
    random_search,
)

SPACE = SearchSpace({"lr": LogUniform(1e-4, 1e-1), "l2": LogUniform(1e-5, 1.0),
                     "hidden": Choice((32, 64, 128, 256)), "batch_size": IntUniform(16, 128)})
OBJECTIVE = TrainObjective({"data": "digits", "activation": "relu", "optimizer": "adam",
                            "epochs": 10})
BUDGETS = (20, 40)


def best_after(trials: list, budget: int) -> float:
    return best(trials[:budget])[0].value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()
    executor = make_executor(options.workers)
    results: dict[str, dict[int, list[float]]] = {}
    start = time.perf_counter()
    try:
        for seed in range(options.seeds):
            found = {
                "random": random_search(OBJECTIVE, SPACE, max(BUDGETS), seed=seed,
                                        executor=executor),
                "Bayesian (TPE)": bayesian_search(OBJECTIVE, SPACE, max(BUDGETS), seed=seed,
                                                  executor=executor),
            }
            for name, trials in found.items():
                for budget in BUDGETS:
                    results.setdefault(name, {}).setdefault(budget, []).append(
                        best_after(trials, budget))
            for budget in BUDGETS:
                trials = coarse_to_fine(OBJECTIVE, SPACE, budget, seed=seed, executor=executor)
                results.setdefault("coarse-to-fine", {}).setdefault(budget, []).append(
                    best_after(trials, budget))
    finally:
        executor.close()
    print(f"best validation accuracy on digits, mean over {options.seeds} search seeds "
          f"(min-max), {options.workers} workers, {time.perf_counter() - start:.0f} s in all")
    print("| strategy | " + " | ".join(f"after {b} trials" for b in BUDGETS) + " |")
    print("|---|" + "---|" * len(BUDGETS))
    for name, by_budget in results.items():
        cells = [f"{np.mean(v):.4f} ({min(v):.4f}-{max(v):.4f})" for v in by_budget.values()]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
