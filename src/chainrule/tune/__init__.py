"""Hyperparameter search (seed 003, section 3.3.1): search spaces with each hyperparameter on its
own scale, grid, random, coarse-to-fine and Bayesian search (Optuna's samplers, the optional
``tune`` extra) over a validation metric, pruning of hopeless trials (median rule, asynchronous
successive halving), trials run in this process, a local process pool or on Ray (the optional
``ray`` extra) with the same results for a seed, a journal that lets an interrupted search
continue, and the results as CSV, Markdown, the best configuration and plots."""

from chainrule.tune.bayes import bayesian_search
from chainrule.tune.executors import make_executor
from chainrule.tune.journal import Journal, JournalError
from chainrule.tune.pruning import MedianPruner, SuccessiveHalvingPruner
from chainrule.tune.results import write_results
from chainrule.tune.search import best, coarse_to_fine, evaluate, grid_search, random_search
from chainrule.tune.space import (
    Choice,
    IntUniform,
    LogUniform,
    SearchSpace,
    SearchSpaceError,
    Uniform,
)
from chainrule.tune.space_file import load_space, space_from_dict
from chainrule.tune.trial import Trial, TrialPruned

__all__ = [
    "Choice", "IntUniform", "Journal", "JournalError", "LogUniform", "MedianPruner",
    "SearchSpace", "SearchSpaceError", "SuccessiveHalvingPruner", "Trial", "TrialPruned",
    "Uniform", "bayesian_search", "best", "coarse_to_fine", "evaluate", "grid_search",
    "load_space", "make_executor", "random_search", "space_from_dict", "write_results",
]
