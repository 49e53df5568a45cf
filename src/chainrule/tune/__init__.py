"""Hyperparameter search (seed 003, section 3.3.1): search spaces with each hyperparameter on its
own scale, grid, random, coarse-to-fine and Bayesian search (Optuna's samplers, the optional
``tune`` extra) over a validation metric, a journal that lets an interrupted search continue,
and the results as CSV, Markdown and the best configuration."""

from chainrule.tune.bayes import bayesian_search
from chainrule.tune.journal import Journal, JournalError
from chainrule.tune.results import write_results
from chainrule.tune.search import Trial, best, coarse_to_fine, evaluate, grid_search, random_search
from chainrule.tune.space import (
    Choice,
    IntUniform,
    LogUniform,
    SearchSpace,
    SearchSpaceError,
    Uniform,
)
from chainrule.tune.space_file import load_space, space_from_dict

__all__ = [
    "Choice", "IntUniform", "Journal", "JournalError", "LogUniform", "SearchSpace",
    "SearchSpaceError", "Trial", "Uniform", "bayesian_search", "best", "coarse_to_fine",
    "evaluate", "grid_search", "load_space", "random_search", "space_from_dict",
    "write_results",
]
