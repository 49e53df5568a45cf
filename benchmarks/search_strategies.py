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
    SuccessiveHalvingPruner,
    bayesian_search,
    best,
    coarse_to_fine,
    make_executor,
    random_search,
)

SPACE = SearchSpace({"lr": LogUniform(1e-4, 1e-1), "l2": LogUniform(1e-5, 1.0),
                     "hidden": Choice((32, 64, 128, 256)), "batch_size": IntUniform(16, 128)})
EPOCHS = 10
OBJECTIVE = TrainObjective({"data": "digits", "activation": "relu", "optimizer": "adam",
                            "epochs": EPOCHS})
BUDGETS = (20, 40)


def best_after(trials: list, budget: int) -> float:
    return best(trials[:budget])[0].value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)  # one line per study otherwise
    executor = make_executor(options.workers)
    results: dict[str, dict[int, list[float]]] = {}
    cost: dict[str, list[float]] = {}  # [epochs trained, seconds] of the 40-trial searches
    halving = SuccessiveHalvingPruner(min_steps=1, reduction=3)  # rungs at epochs 1, 3, 9
    strategies = {
        "random": lambda seed, n: random_search(OBJECTIVE, SPACE, n, seed=seed,
                                                executor=executor),
        "Bayesian (TPE)": lambda seed, n: bayesian_search(OBJECTIVE, SPACE, n, seed=seed,
                                                          executor=executor),
        "coarse-to-fine": lambda seed, n: coarse_to_fine(OBJECTIVE, SPACE, n, seed=seed,
                                                         executor=executor),
        "random, halving pruner": lambda seed, n: random_search(
            OBJECTIVE, SPACE, n, seed=seed, executor=executor, pruner=halving),
    }
    start = time.perf_counter()
    try:
        for seed in range(options.seeds):
            for name, search in strategies.items():
                # coarse-to-fine sizes its rounds by the budget: one search per budget
                for budget in BUDGETS if name == "coarse-to-fine" else BUDGETS[-1:]:
                    began = time.perf_counter()
                    trials = search(seed, budget)
                    for b in BUDGETS if budget == BUDGETS[-1] and name != "coarse-to-fine" \
                            else (budget,):
                        results.setdefault(name, {}).setdefault(b, []).append(
                            best_after(trials, b))
                    if budget == BUDGETS[-1]:
                        epochs = sum(len(t.curve) or EPOCHS for t in trials)
                        spent = cost.setdefault(name, [0.0, 0.0])
                        spent[0] += epochs / options.seeds
                        spent[1] += (time.perf_counter() - began) / options.seeds
    finally:
        executor.close()
    print(f"best validation accuracy on digits, mean over {options.seeds} search seeds "
          f"(min-max), {options.workers} workers, {time.perf_counter() - start:.0f} s in all")
    print("| strategy | " + " | ".join(f"after {b} trials" for b in BUDGETS) +
          f" | epochs trained in {BUDGETS[-1]} trials | seconds |")
    print("|---|" + "---|" * (len(BUDGETS) + 2))
    for name, by_budget in results.items():
        cells = [f"{np.mean(by_budget[b]):.4f} ({min(by_budget[b]):.4f}-"
                 f"{max(by_budget[b]):.4f})" for b in BUDGETS]
        print(f"| {name} | " + " | ".join(cells) +
              f" | {cost[name][0]:.0f} | {cost[name][1]:.1f} |")


if __name__ == "__main__":
    main()
