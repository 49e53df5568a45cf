"""Search spaces written as TOML: one table per hyperparameter, holding one distribution.

    [learning_rate]
    log_uniform = [1e-4, 1e-1]

    [hidden]
    choice = [64, 128, 256]

    [batch_size]
    int_uniform = [16, 128]

Every mistake is reported with the file and what to write instead: a TOML syntax error with its
line, an unknown distribution, bounds that are not two numbers, a log-uniform range that is not
positive, a hyperparameter the caller does not know.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Collection, Mapping
from typing import Any

from chainrule.tune.space import (
    Choice,
    Distribution,
    IntUniform,
    LogUniform,
    SearchSpace,
    SearchSpaceError,
    Uniform,
)

KINDS = ("uniform", "log_uniform", "int_uniform", "choice")


def load_space(path: str | os.PathLike, allowed: Collection[str] | None = None) -> SearchSpace:
    """The ``SearchSpace`` written in the TOML file ``path``; ``allowed`` (when given) names the
    hyperparameters the caller can set."""
    where = os.fspath(path)
    try:
        with open(where, "rb") as f:
            table = tomllib.load(f)
    except FileNotFoundError:
        raise SearchSpaceError(f"{where}: no such search-space file") from None
    except tomllib.TOMLDecodeError as e:
        raise SearchSpaceError(f"{where}: not valid TOML: {e}") from None
    return space_from_dict(table, where, allowed)


def space_from_dict(table: Mapping[str, Any], where: str = "the search space",
                    allowed: Collection[str] | None = None) -> SearchSpace:
    """A ``SearchSpace`` from ``{name: {kind: bounds or options}}`` (a parsed TOML file).

    Example:
        >>> space = space_from_dict({"learning_rate": {"log_uniform": [1e-4, 1e-1]}})
        >>> space["learning_rate"]
        LogUniform(low=0.0001, high=0.1)
    """
    if not table:
        raise SearchSpaceError(f"{where}: the search space is empty; give one table per "
                               "hyperparameter, e.g. [learning_rate] log_uniform = [1e-4, 1e-1]")
    dists: dict[str, Distribution] = {}
    for name, entry in table.items():
        if allowed is not None and name not in allowed:
            raise SearchSpaceError(f"{where}: unknown hyperparameter {name!r}; the ones that can "
                                   f"be tuned are {', '.join(sorted(allowed))}")
        try:
            dists[name] = _distribution(entry)
        except SearchSpaceError as e:
            raise SearchSpaceError(f"{where}: hyperparameter {name!r}: {e}") from None
    return SearchSpace(dists)


def _distribution(entry: Any) -> Distribution:
    if not isinstance(entry, Mapping) or len(entry) != 1:
        raise SearchSpaceError(f"expected one distribution, as {{ log_uniform = [1e-4, 1e-1] }}, "
                               f"got {entry!r}; the kinds are {', '.join(KINDS)}")
    (kind, value), = entry.items()
    if kind not in KINDS:
        raise SearchSpaceError(f"unknown distribution {kind!r}; use one of {', '.join(KINDS)}")
    if kind == "choice":
        if not isinstance(value, list) or not value:
            raise SearchSpaceError(f"choice needs a non-empty list of options, got {value!r}")
        return Choice(tuple(value))
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)):
        raise SearchSpaceError(f"{kind} needs two numbers [low, high], got {value!r}")
    low, high = value
    if kind == "int_uniform":
        return IntUniform(low, high)
    return (LogUniform if kind == "log_uniform" else Uniform)(float(low), float(high))
