"""Hyperparameter search (seed 003, section 3.3.1): search spaces with each hyperparameter on its
own scale, and grid, random and coarse-to-fine search over a validation metric."""

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
    "Choice", "IntUniform", "LogUniform", "SearchSpace", "SearchSpaceError", "Trial", "Uniform",
    "best", "coarse_to_fine", "evaluate", "grid_search", "load_space", "random_search",
    "space_from_dict",
]
