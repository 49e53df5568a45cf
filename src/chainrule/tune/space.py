"""Search spaces for hyperparameter tuning (seed 003, section 3.3.1).

Each hyperparameter has a distribution: ``Uniform`` and ``IntUniform`` on a linear scale,
``LogUniform`` on a logarithmic one (the seed samples the learning rate and the regularization
strength as 10^u with u uniform, since their useful values span orders of magnitude), and
``Choice`` among listed values. A ``SearchSpace`` samples configurations, lays out a grid (each
axis evenly spaced on its own scale) and, for coarse-to-fine search, shrinks its box around the
best configurations found, on each axis's scale.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


class SearchSpaceError(ValueError):
    """A search space that cannot be sampled (the message names the hyperparameter)."""


@dataclass(frozen=True)
class Uniform:
    """A real value uniform on [low, high]."""

    low: float
    high: float

    def __post_init__(self) -> None:
        _check_range(self, self.low, self.high)

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.uniform(self.low, self.high))

    def grid(self, points: int) -> list[float]:
        return [float(v) for v in np.linspace(self.low, self.high, points)]

    def around(self, values: Sequence[float], fraction: float) -> Uniform:
        low, high = _box(values, self.low, self.high, fraction, log=False)
        return Uniform(low, high)


@dataclass(frozen=True)
class LogUniform:
    """A positive real value whose logarithm is uniform: 10^u, u uniform on [log10 low,
    log10 high]."""

    low: float
    high: float

    def __post_init__(self) -> None:
        _check_range(self, self.low, self.high)
        if self.low <= 0:
            raise SearchSpaceError(f"log_uniform needs positive bounds (it samples 10^u); got "
                                   f"[{self.low}, {self.high}]: use uniform for a range that "
                                   "reaches 0 or below")

    def sample(self, rng: np.random.Generator) -> float:
        return float(10.0 ** rng.uniform(math.log10(self.low), math.log10(self.high)))

    def grid(self, points: int) -> list[float]:
        return [float(v) for v in np.geomspace(self.low, self.high, points)]

    def around(self, values: Sequence[float], fraction: float) -> LogUniform:
        low, high = _box(values, self.low, self.high, fraction, log=True)
        return LogUniform(low, high)


@dataclass(frozen=True)
class IntUniform:
    """An integer uniform on low, low + 1, ..., high (both included)."""

    low: int
    high: int

    def __post_init__(self) -> None:
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (self.low, self.high)):
            raise SearchSpaceError(f"int_uniform needs integer bounds; got [{self.low}, "
                                   f"{self.high}]")
        _check_range(self, self.low, self.high)

    def sample(self, rng: np.random.Generator) -> int:
        return int(rng.integers(self.low, self.high, endpoint=True))

    def grid(self, points: int) -> list[int]:
        return sorted({int(round(v)) for v in np.linspace(self.low, self.high, points)})

    def around(self, values: Sequence[float], fraction: float) -> IntUniform:
        low, high = _box(values, self.low, self.high, fraction, log=False)
        return IntUniform(int(math.floor(low)), int(math.ceil(high)))


@dataclass(frozen=True)
class Choice:
    """One of the listed values (numbers, strings or booleans), equally likely."""

    options: tuple

    def __post_init__(self) -> None:
        if not self.options:
            raise SearchSpaceError("choice needs at least one option")

    def sample(self, rng: np.random.Generator) -> Any:
        return self.options[int(rng.integers(len(self.options)))]

    def grid(self, points: int) -> list[Any]:
        return list(self.options)

    def around(self, values: Sequence[Any], fraction: float) -> Choice:
        kept = tuple(o for o in self.options if o in values)  # the options the best ones used
        return Choice(kept or self.options)


Distribution = Uniform | LogUniform | IntUniform | Choice


def _check_range(dist: Any, low: float, high: float) -> None:
    name = type(dist).__name__
    if not (math.isfinite(low) and math.isfinite(high)):
        raise SearchSpaceError(f"{name} needs finite bounds; got [{low}, {high}]")
    if low > high:
        raise SearchSpaceError(f"{name} needs low <= high; got [{low}, {high}]")


def _box(values: Sequence[float], low: float, high: float, fraction: float,
         log: bool) -> tuple[float, float]:
    """The interval spanned by ``values`` widened to at least ``fraction`` of [low, high]
    (centred on them, on the log scale when ``log``), kept inside [low, high]."""
    to = math.log10 if log else float
    back = (lambda v: 10.0 ** v) if log else float
    lo, hi, a, b = to(min(values)), to(max(values)), to(low), to(high)
    width = max(hi - lo, fraction * (b - a))
    centre = (lo + hi) / 2
    new_lo, new_hi = max(a, centre - width / 2), min(b, centre + width / 2)
    if new_hi - new_lo < width:  # against a bound: slide the box inside
        new_lo, new_hi = (a, min(b, a + width)) if new_lo == a else (max(a, b - width), b)
    return back(new_lo), back(new_hi)


class SearchSpace(Mapping[str, Distribution]):
    """Hyperparameter names mapped to their distributions.

    Example:
        >>> import numpy as np
        >>> from chainrule.tune import SearchSpace, LogUniform, Choice
        >>> space = SearchSpace({"learning_rate": LogUniform(1e-4, 1e-1),
        ...                      "hidden": Choice((64, 128))})
        >>> config = space.sample(np.random.default_rng(0))
        >>> sorted(config), 1e-4 <= config["learning_rate"] <= 1e-1
        (['hidden', 'learning_rate'], True)
        >>> len(space.grid(3))  # 3 learning rates x 2 hidden sizes
        6
    """

    def __init__(self, dists: Mapping[str, Distribution]) -> None:
        if not dists:
            raise SearchSpaceError("the search space is empty: give at least one hyperparameter")
        for name, dist in dists.items():
            if not isinstance(dist, Uniform | LogUniform | IntUniform | Choice):
                raise SearchSpaceError(f"hyperparameter {name!r}: expected a distribution "
                                       f"(Uniform, LogUniform, IntUniform, Choice), got "
                                       f"{type(dist).__name__}")
        self._dists = dict(dists)

    def __getitem__(self, name: str) -> Distribution:
        return self._dists[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._dists)

    def __len__(self) -> int:
        return len(self._dists)

    def __repr__(self) -> str:
        return f"SearchSpace({self._dists!r})"

    def sample(self, rng: np.random.Generator) -> dict[str, Any]:
        """One configuration, each hyperparameter drawn independently on its own scale."""
        return {name: dist.sample(rng) for name, dist in self._dists.items()}

    def grid(self, points: int) -> list[dict[str, Any]]:
        """Every combination of ``points`` values per axis (all options of a choice; the
        distinct integers of an integer range), in a fixed order."""
        if points < 1:
            raise SearchSpaceError(f"a grid needs at least 1 point per axis; got {points}")
        axes = [dist.grid(points) for dist in self._dists.values()]
        return [dict(zip(self._dists, combo, strict=True)) for combo in itertools.product(*axes)]

    def around(self, configs: Sequence[Mapping[str, Any]], fraction: float) -> SearchSpace:
        """The box spanned by ``configs`` (the best ones so far), each axis widened to at least
        ``fraction`` of its current extent on its own scale and kept inside it (seed 003's
        coarse-to-fine search: the next round samples where the good results were)."""
        if not configs:
            raise SearchSpaceError("shrinking the search space needs at least one configuration")
        return SearchSpace({name: dist.around([c[name] for c in configs], fraction)
                            for name, dist in self._dists.items()})
