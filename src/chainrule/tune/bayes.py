"""Bayesian optimization (seed 003, section 3.3.1) with Optuna's samplers, not a home-made one:
TPE (a tree-structured Parzen estimator: densities of the good and the bad configurations,
each proposal where their ratio is largest) or a Gaussian process (needs PyTorch). Optuna is
the optional ``tune`` extra (``pip install 'chainrule[tune]'``).

Each hyperparameter keeps its scale: ``log_uniform`` is Optuna's log-scaled float. Failed trials
are told to the study as failed, so the sampler avoids nothing it has not seen. With a journal,
a restarted search gives the study its finished trials first and asks only for the rest.
"""

from __future__ import annotations

from typing import Any

from chainrule.tune.search import Objective, Trial, check_direction, evaluate, trial_count
from chainrule.tune.space import Choice, IntUniform, LogUniform, SearchSpace

SAMPLERS = ("tpe", "gp")


def bayesian_search(objective: Objective, space: SearchSpace, trials: int,
                    sampler: str = "tpe", direction: str = "maximize", seed: int = 0,
                    journal: Any = None) -> list[Trial]:
    """``trials`` configurations proposed one at a time by Optuna's ``sampler`` ("tpe" or
    "gp") from the results so far; the seed fixes the proposals.

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
    study = optuna.create_study(direction=direction, sampler=_sampler(optuna, sampler, seed))
    dists = {name: _distribution(optuna, dist) for name, dist in space.items()}
    state = optuna.trial.TrialState
    done: list[Trial] = []
    for number in range(trial_count(trials)):
        known = None if journal is None else journal.trials.get(number)
        if known is not None:  # finished before an interruption: the study learns it again
            study.add_trial(optuna.trial.create_trial(
                params=known.config, distributions=dists, value=known.value,
                state=state.FAIL if known.failed else state.COMPLETE))
            done.append(known)
            continue
        asked = study.ask(dists)
        trial = evaluate(objective, [asked.params], first=number, journal=journal)[0]
        study.tell(asked, None if trial.failed else trial.value,
                   state=state.FAIL if trial.failed else state.COMPLETE)
        done.append(trial)
    return done


def _optuna() -> Any:
    try:
        import optuna
    except ImportError:
        raise ImportError("Bayesian search uses Optuna's samplers: pip install "
                          "'chainrule[tune]' (or pip install optuna)") from None
    return optuna


def _sampler(optuna: Any, name: str, seed: int) -> Any:
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
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
