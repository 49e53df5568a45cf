"""Bayesian optimization (seed 003, section 3.3.1) with Optuna's samplers, not a home-made one:
TPE (a tree-structured Parzen estimator: densities of the good and the bad configurations,
each proposal where their ratio is largest) or a Gaussian process (needs PyTorch). Optuna is
the optional ``tune`` extra (``pip install 'chainrule[tune]'``).

Each hyperparameter keeps its scale: ``log_uniform`` is Optuna's log-scaled float. Failed trials
are told to the study as failed, pruned ones as pruned with their reported values. With a
journal, a restarted search asks the study again for each recorded trial (the seeded sampler
proposes it again, checked against the journal) and tells it the recorded result without running
it, so the study, and every later proposal, are the uninterrupted search's.
"""

from __future__ import annotations

from typing import Any

from chainrule.tune.schedule import run_trials
from chainrule.tune.search import check_direction, trial_count
from chainrule.tune.space import Choice, IntUniform, LogUniform, SearchSpace
from chainrule.tune.trial import Objective, Trial

SAMPLERS = ("tpe", "gp")


def bayesian_search(objective: Objective, space: SearchSpace, trials: int,
                    sampler: str = "tpe", direction: str = "maximize", seed: int = 0,
                    journal: Any = None, executor: Any = None,
                    pruner: Any = None) -> list[Trial]:
    """``trials`` configurations proposed one at a time by Optuna's ``sampler`` ("tpe" or
    "gp") from the results so far; the seed fixes the proposals. With several workers a
    proposal knows the results of the trials before the ones still running
    (``chainrule.tune.schedule``), and TPE treats the running ones as "constant liars" so the
    workers do not all try the same region.

    Example:
        >>> from chainrule.tune import SearchSpace, Uniform, best
        >>> from chainrule.tune.bayes import bayesian_search
        >>> space = SearchSpace({"x": Uniform(-2.0, 2.0)})
        >>> trials = bayesian_search(lambda c: -(c["x"] - 1.0) ** 2, space, 30)  # doctest: +SKIP
        >>> abs(best(trials)[0].config["x"] - 1.0) < 0.1  # doctest: +SKIP
        True
    """
    check_direction(direction)
    optuna = _optuna()
    workers = 1 if executor is None else executor.workers
    study = optuna.create_study(direction=direction,
                                sampler=_sampler(optuna, sampler, seed, workers > 1))
    dists = {name: _distribution(optuna, dist) for name, dist in space.items()}
    asked: dict[int, Any] = {}

    def propose(number: int) -> dict[str, Any]:
        asked[number] = study.ask(dists)
        return asked[number].params

    def finished(trial: Trial) -> None:  # a resumed search tells its journal's trials again
        state = optuna.trial.TrialState
        told = asked.pop(trial.number)
        for step, value in trial.curve:
            told.report(value, step)
        study.tell(told, None if trial.failed or trial.pruned else trial.value,
                   state=state.FAIL if trial.failed else state.PRUNED if trial.pruned
                   else state.COMPLETE)

    return run_trials(objective, range(trial_count(trials)), propose, journal=journal,
                      executor=executor, pruner=pruner, direction=direction, finished=finished)


def _optuna() -> Any:
    try:
        import optuna
    except ImportError:
        raise ImportError("Bayesian search uses Optuna's samplers: pip install "
                          "'chainrule[tune]' (or pip install optuna)") from None
    return optuna


def _sampler(optuna: Any, name: str, seed: int, parallel: bool) -> Any:
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed, constant_liar=parallel)
    if name == "gp":
        try:
            import torch  # noqa: F401  (Optuna's Gaussian process runs on PyTorch)
        except ImportError:
            raise ImportError("the Gaussian-process sampler needs PyTorch: pip install torch, "
                              "or use sampler='tpe'") from None
        return optuna.samplers.GPSampler(seed=seed)
    raise ValueError(f"sampler={name!r}; use one of {', '.join(SAMPLERS)}")


def _distribution(optuna: Any, dist: Any) -> Any:
    d = optuna.distributions
    if isinstance(dist, Choice):
        return d.CategoricalDistribution(dist.options)
    if isinstance(dist, IntUniform):
        return d.IntDistribution(dist.low, dist.high)
    return d.FloatDistribution(dist.low, dist.high, log=isinstance(dist, LogUniform))
