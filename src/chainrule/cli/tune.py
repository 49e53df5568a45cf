"""``chainrule tune``: search hyperparameters of the ``chainrule train`` network (seed 003,
section 3.3.1) and write ``runs/<name>/tune/``: the journal of trials (``trials.jsonl``), the
results table (``results.csv``, ``results.md``), the best configuration (``best.json``, which
``chainrule train --config`` reads), the plots, and ``search.json`` (what was searched).

Run again with the same ``--name`` and the same search, it continues from the journal: the
trials already done are not run again. Another search in that folder is refused unless
``--overwrite``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from typing import Any

from chainrule.cli.arguments import positive_int, seed
from chainrule.cli.config_file import KEYS
from chainrule.cli.data import UsageError
from chainrule.cli.rundir import check_name, run_path
from chainrule.cli.training_options import add_training_options
from chainrule.cli.tune_objective import METRICS, SEARCHABLE, TrainObjective, run_config
from chainrule.files import write_text

STRATEGIES = ("random", "grid", "coarse-to-fine", "bayes")
PRUNERS = ("none", "median", "halving")
EPILOG = """space file (TOML), one table per hyperparameter:
  [lr]
  log_uniform = [1e-4, 1e-1]
  [hidden]
  choice = [32, 64, 128, "64,64"]
  [batch_size]
  int_uniform = [16, 128]
searchable: """ + ", ".join(SEARCHABLE) + """

examples:
  chainrule tune --data digits --space space.toml --trials 40 --strategy bayes --workers 2 \\
      --activation relu --optimizer adam --epochs 30 --batch-size 32 --name digits
  chainrule tune ... --prune halving   stop hopeless trials at epochs E/9 and E/3
  chainrule tune ... --backend ray --address 10.0.0.5:6379   trials on a Ray cluster
  chainrule train --config runs/digits/tune/best.json --name digits-best
"""


def add_parser(sub: Any) -> None:
    """The ``tune`` subcommand: its own options and train's data/network/optimization ones."""
    p = sub.add_parser("tune", help="search hyperparameters, write runs/<name>/tune/",
                       description=__doc__.split("\n\n")[0].replace("``", "'"),
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = p.add_argument_group("search")
    g.add_argument("--space", required=True, metavar="FILE",
                   help="TOML file of the hyperparameters and their distributions")
    g.add_argument("--strategy", choices=STRATEGIES, default="random",
                   help="default: random")
    g.add_argument("--trials", type=positive_int, help="trials to run (default 20; grid runs "
                   "every combination of --points values per hyperparameter instead)")
    g.add_argument("--points", type=positive_int, default=3,
                   help="grid: values per hyperparameter (default 3)")
    g.add_argument("--rounds", type=positive_int, default=3,
                   help="coarse-to-fine: rounds (default 3)")
    g.add_argument("--sampler", choices=("tpe", "gp"), default="tpe",
                   help="bayes: Optuna's sampler (default tpe; gp needs PyTorch)")
    g.add_argument("--metric", choices=list(METRICS), help="validation metric to optimize "
                   "(default: accuracy, or r2 for a regression)")
    g.add_argument("--prune", choices=PRUNERS, default="none", help="stop hopeless trials: "
                   "median (worse than the median of the trials before at the same epoch) or "
                   "halving (asynchronous successive halving) (default: none)")
    g.add_argument("--search-seed", type=seed, default=0,
                   help="seeds the strategy's proposals (--seed seeds each trial's training)")
    g = p.add_argument_group("where trials run")
    g.add_argument("--workers", type=positive_int, default=1,
                   help="trials at a time (default 1)")
    g.add_argument("--backend", choices=("local", "ray"), default="local",
                   help="local processes (default) or Ray (the ray extra)")
    g.add_argument("--address", help="with --backend ray: the cluster to join (host:port); "
                   "default: a local Ray started and stopped by the command")
    add_training_options(p)
    g = p.add_argument_group("output")
    g.add_argument("--out", help="folder holding run folders (default: runs)")
    g.add_argument("--name", help="run folder name (default: the date and time); the same "
                   "name and search again continues the search")
    g.add_argument("--overwrite", action="store_true",
                   help="replace another search in runs/<name>/tune/")
    g.add_argument("--quiet", action="store_true", help="print nothing (for scripts)")


def run_tune(args: argparse.Namespace) -> int:
    """``chainrule tune``; returns the exit status."""
    from chainrule.tune import load_space

    settings = {k: getattr(args, k) for k in KEYS if getattr(args, k, None) is not None}
    base, _ = run_config(settings, {})  # bad data or fixed options stop here
    metric = args.metric or ("accuracy" if base.task == "classification" else "r2")
    if (metric == "accuracy") != (base.task == "classification"):
        raise UsageError(f"--metric {metric}: the target of {base.data!r} is a "
                         f"{base.task}; use " + ("accuracy or loss" if base.task ==
                                                 "classification" else "r2, mse or loss"))
    if base.val == 0:
        raise UsageError("--val 0: the search optimizes the validation metric; give --val > 0 "
                         "(the test part is never used)")
    space = load_space(args.space, allowed=SEARCHABLE)
    _check_values(space, settings, args.space)
    if args.strategy == "grid" and args.trials is not None:
        raise UsageError("--trials: a grid search runs every combination; set --points")
    search = _identity(args, space, settings, metric)
    folder = _folder(args, search)
    journal = _Echo(os.path.join(folder, "trials.jsonl"), metric, args.quiet)
    if journal.trials and not args.quiet:
        print(f"resuming {folder}: {len(journal.trials)} trials done", file=sys.stderr)
    trials = _search(args, space, TrainObjective(settings, metric), journal, METRICS[metric])
    return _finish(args, trials, space, folder, settings, metric)


def _check_values(space: Any, settings: dict, where: str) -> None:
    """Every option, and both ends of every range, make a valid run (checked before any trial
    runs, so a typo does not fail forty trials)."""
    for name, dist in space.items():
        values = dist.options if hasattr(dist, "options") else (dist.low, dist.high)
        for value in values:
            try:
                run_config(settings, {name: value})
            except (UsageError, argparse.ArgumentTypeError) as error:
                raise UsageError(f"{where}: {name} = {value!r}: {error}") from None


def _identity(args: argparse.Namespace, space: Any, settings: dict, metric: str) -> dict:
    """What makes two searches the same (a resumed one must be). Random and Bayesian searches
    may be continued with more trials (their first proposals do not depend on the count); the
    window of workers counts where proposals or pruning see the trials before."""
    identity = {"space": {k: repr(v) for k, v in space.items()}, "strategy": args.strategy,
                "points": args.points, "rounds": args.rounds,
                "sampler": args.sampler, "metric": metric, "prune": args.prune,
                "search_seed": args.search_seed, "settings": settings}
    if args.strategy == "coarse-to-fine":
        identity["trials"] = args.trials
    if args.strategy == "bayes" or args.prune != "none":
        identity["workers"] = args.workers
    return json.loads(json.dumps(identity))


def _folder(args: argparse.Namespace, search: dict) -> str:
    if args.name is not None:
        check_name(argparse.Namespace(name=args.name, out=args.out, overwrite=True))
    folder = os.path.join(run_path(args), "tune")
    record = os.path.join(folder, "search.json")
    if os.path.exists(record):
        with open(record, encoding="utf-8") as f:
            before = json.load(f)
        if before != search and not args.overwrite:
            changed = sorted(k for k in {*before, *search} if before.get(k) != search.get(k))
            raise UsageError(f"{folder} holds another search (its {', '.join(changed)} "
                             "differ); give the same options to continue it, another --name, "
                             "or --overwrite to replace it")
        if before != search:
            shutil.rmtree(folder)
    elif os.path.exists(folder) and os.listdir(folder) and not args.overwrite:
        raise UsageError(f"{folder} exists and is not a search folder; choose another --name")
    os.makedirs(folder, exist_ok=True)
    write_text(record, json.dumps(search, indent=2) + "\n")
    return folder


def _search(args: argparse.Namespace, space: Any, objective: TrainObjective, journal: Any,
            direction: str) -> list:
    from chainrule import tune
    from chainrule.distributed.ray_session import RayUnavailable
    from chainrule.tune.executors import make_executor

    pruner = _pruner(args.prune, objective.settings.get("epochs") or 500)
    if args.strategy == "bayes":
        _quiet_optuna()
    try:
        executor = make_executor(args.workers, args.backend, args.address)
    except RayUnavailable as error:
        raise UsageError(str(error)) from None
    common = dict(journal=journal, executor=executor, pruner=pruner)
    trials = args.trials or 20
    try:
        if args.strategy == "grid":
            return tune.grid_search(objective, space, args.points, direction=direction, **common)
        if args.strategy == "random":
            return tune.random_search(objective, space, trials, seed=args.search_seed,
                                      direction=direction, **common)
        if args.strategy == "coarse-to-fine":
            return tune.coarse_to_fine(objective, space, trials, rounds=args.rounds,
                                       direction=direction, seed=args.search_seed, **common)
        return tune.bayesian_search(objective, space, trials, sampler=args.sampler,
                                    direction=direction, seed=args.search_seed, **common)
    finally:
        executor.close()


def _quiet_optuna() -> None:
    """Optuna logs each study it creates; the command prints its own trial lines."""
    try:
        import optuna
    except ImportError:
        return  # bayesian_search says how to install it
    optuna.logging.set_verbosity(optuna.logging.WARNING)


def _pruner(name: str, epochs: int) -> Any:
    from chainrule.tune.pruning import MedianPruner, SuccessiveHalvingPruner

    if name == "median":
        return MedianPruner(warmup_steps=max(1, epochs // 10), min_trials=5)
    if name == "halving":
        return SuccessiveHalvingPruner(min_steps=max(1, epochs // 9), reduction=3)
    return None


def _finish(args: argparse.Namespace, trials: list, space: Any, folder: str, settings: dict,
            metric: str) -> int:
    from chainrule.tune import best, write_results

    direction = METRICS[metric]
    written = write_results(trials, folder, direction, f"val_{metric}", settings)
    try:
        from chainrule.tune.plots import plot_search

        written += plot_search(trials, space, folder, direction, f"val_{metric}")
    except ImportError as error:  # matplotlib is the optional plots extra
        if not args.quiet:
            print(f"chainrule tune: note: no plots ({error})", file=sys.stderr)
    if args.quiet:
        return 0
    leaders = best(trials, direction)
    if leaders:
        top = leaders[0]
        print(f"best: trial {top.number}, val_{metric} {top.value:.4f}, {_show(top.config)}")
        print(f"train it: chainrule train --config {os.path.join(folder, 'best.json')}")
    else:
        print("no trial completed: see results.md for the errors")
    print(f"wrote {folder}/: {', '.join(os.path.basename(p) for p in written)}")
    return 0


def _show(config: dict) -> str:
    return " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                    for k, v in config.items())


class _Echo:
    """The search's journal, printing each trial as it is recorded."""

    def __init__(self, path: str, metric: str, quiet: bool) -> None:
        from chainrule.tune import Journal

        self._journal, self.metric, self.quiet = Journal(path), metric, quiet
        self.trials, self._start = self._journal.trials, time.perf_counter()

    def known(self, number: int, config: dict) -> Any:
        return self._journal.known(number, config)

    def record(self, trial: Any) -> None:
        self._journal.record(trial)
        if self.quiet:
            return
        result = (f"failed: {trial.error}" if trial.failed else
                  f"val_{self.metric} {trial.value:.4f}" +
                  (f" (pruned at epoch {trial.pruned_at})" if trial.pruned else ""))
        print(f"trial {trial.number:3d}  {result}  {_show(trial.config)}  "
              f"[{time.perf_counter() - self._start:.1f} s]", flush=True)
