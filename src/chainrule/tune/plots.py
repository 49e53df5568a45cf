"""Figures of a search: the metric against each hyperparameter, on that hyperparameter's scale
(a log axis for a log-uniform one, one column per option for a choice), and the best metric so
far against the trial number (pruned and failed trials and the start of each coarse-to-fine
round marked).
matplotlib is optional (``pip install chainrule[plots]``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from chainrule.pictures import new_figure, save_figure
from chainrule.tune.search import check_direction
from chainrule.tune.space import Choice, LogUniform, SearchSpace
from chainrule.tune.trial import Trial

_WHO = "chainrule.tune.plots"


def plot_search(trials: Sequence[Trial], space: SearchSpace, folder: str | os.PathLike,
                direction: str = "maximize", metric: str = "metric") -> list[str]:
    """Write ``metric_vs_hyperparameters.png`` (one panel per hyperparameter) and
    ``best_so_far.png`` into ``folder``; returns the paths. Failed trials are left out of the
    first and marked on the second.

    Example:
        >>> import os, tempfile
        >>> from chainrule.tune import SearchSpace, LogUniform, random_search
        >>> from chainrule.tune.plots import plot_search
        >>> space = SearchSpace({"lr": LogUniform(1e-4, 1e-1)})
        >>> trials = random_search(lambda c: -abs(c["lr"] - 0.01), space, 8)
        >>> paths = plot_search(trials, space, tempfile.mkdtemp())
        >>> [os.path.basename(p) for p in paths]
        ['metric_vs_hyperparameters.png', 'best_so_far.png']
    """
    check_direction(direction)
    if not trials:
        raise ValueError("plot_search: no trials to plot")
    os.makedirs(folder, exist_ok=True)
    return [_by_hyperparameter(trials, space, os.path.join(folder,
                                                           "metric_vs_hyperparameters.png"),
                               metric),
            _best_so_far(trials, os.path.join(folder, "best_so_far.png"), direction, metric)]


def _by_hyperparameter(trials: Sequence[Trial], space: SearchSpace, path: str,
                       metric: str) -> str:
    done = [t for t in trials if t.status == "complete"]
    names = list(space)
    fig = new_figure(4.0 * len(names), 3.4, _WHO)
    axes = fig.subplots(1, len(names), squeeze=False)[0]
    values = [t.value for t in done]
    for ax, name in zip(axes, names, strict=True):
        dist = space[name]
        if isinstance(dist, Choice):
            labels = [str(o) for o in dist.options]
            where = [labels.index(str(t.config[name])) for t in done]
            ax.set_xticks(range(len(labels)), labels)
            ax.scatter(np.asarray(where, dtype=float), values, alpha=0.7)
        else:
            ax.scatter([t.config[name] for t in done], values, alpha=0.7)
            if isinstance(dist, LogUniform):
                ax.set_xscale("log")
        ax.set_xlabel(name + (" (log scale)" if isinstance(dist, LogUniform) else ""))
        ax.set_ylabel(metric)
        ax.grid(alpha=0.3)
    fig.suptitle(f"{metric} of {len(done)} completed trials against each hyperparameter")
    fig.tight_layout()
    return save_figure(fig, path, _WHO)


def _best_so_far(trials: Sequence[Trial], path: str, direction: str, metric: str) -> str:
    pick = max if direction == "maximize" else min
    running: list[float] = []
    leader = None
    for t in trials:
        if t.status == "complete":
            leader = t.value if leader is None else pick(leader, t.value)
        running.append(np.nan if leader is None else leader)
    fig = new_figure(6.0, 3.6, _WHO)
    ax = fig.subplots()
    numbers = [t.number for t in trials]
    ax.step(numbers, running, where="post", label=f"best {metric} so far")
    ok = [t for t in trials if t.status == "complete"]
    ax.scatter([t.number for t in ok], [t.value for t in ok], s=12, alpha=0.5, label="trial")
    cut = [t for t in trials if t.pruned]
    if cut:
        ax.scatter([t.number for t in cut], [t.value for t in cut], s=14, marker="x",
                   color="gray", label=f"pruned ({len(cut)}): value when stopped")
    failed = [t.number for t in trials if t.failed]
    if failed:
        for n in failed:
            ax.axvline(n, color="red", alpha=0.15)
        ax.plot([], [], color="red", alpha=0.4, label=f"failed ({len(failed)})")
    rounds = sorted({t.round for t in trials})
    for k, r in enumerate(rounds[1:]):  # coarse-to-fine: where each round begins
        ax.axvline(min(t.number for t in trials if t.round == r), color="gray", ls=":",
                   label="next round" if k == 0 else None)
    ax.set_xlabel("trial")
    ax.set_ylabel(metric)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return save_figure(fig, path, _WHO)
