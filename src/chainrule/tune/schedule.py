"""The one place trials are run: a window of ``executor.workers`` trials in flight, started in
number order, collected in number order.

Trial ``k`` starts once trials ``0 .. k - workers`` have finished, and its configuration is
asked for only then (``propose(k)``), so a sequential strategy (Bayesian optimization) knows
exactly those results when it proposes trial ``k``, and a pruner judges trial ``k`` against
exactly those trials. What a trial sees is fixed by its number, not by timing: the same seed
gives the same trials on one worker, a process pool or Ray (for the same number of workers).

With a journal (``chainrule.tune.journal``) a trial it already holds is not run again but
collected in its turn like the others, so a resumed search proposes, prunes and ends exactly
as the uninterrupted one would.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from chainrule.tune.executors import Inline
from chainrule.tune.trial import Objective, Trial, run_trial


class _Known:
    """A journal's trial, waiting in the window for its turn."""

    def __init__(self, trial: Trial) -> None:
        self.trial = trial


def run_trials(objective: Objective, numbers: range, propose: Callable[[int], dict[str, Any]],
               *, in_round: int = 0, earlier: Sequence[Trial] = (), journal: Any = None,
               executor: Any = None, pruner: Any = None, direction: str = "maximize",
               finished: Callable[[Trial], None] | None = None) -> list[Trial]:
    """Run trials ``numbers`` (consecutive), configuration ``propose(k)`` for trial ``k``;
    ``earlier`` are the search's trials before them (the pruner sees those too). Each trial is
    recorded in the journal and passed to ``finished`` as it is collected. Returns them in
    order.

    Example:
        >>> trials = run_trials(lambda c: c["x"], range(3), lambda k: {"x": 2.0 * k})
        >>> [(t.number, t.value) for t in trials]
        [(0, 0.0), (1, 2.0), (2, 4.0)]
    """
    executor = executor if executor is not None else Inline()
    seen, done = list(earlier), []
    window: deque[tuple[int, Any]] = deque()

    def collect() -> None:
        number, handle = window.popleft()
        trial = handle.trial if isinstance(handle, _Known) else executor.result(handle)
        if journal is not None and not isinstance(handle, _Known):
            journal.record(trial)
        seen.append(trial)
        done.append(trial)
        if finished is not None:
            finished(trial)

    try:
        for k in numbers:
            while window and window[0][0] <= k - executor.workers:
                collect()
            config = dict(propose(k))
            known = None if journal is None else journal.known(k, config)
            if known is not None:
                window.append((k, _Known(known)))
                continue
            history = tuple(seen) if pruner is not None else ()
            window.append((k, executor.submit(run_trial, objective, config, k, in_round, pruner,
                                              history, direction)))
        while window:
            collect()
    except BaseException:
        _cancel(window)
        raise
    return done


def _cancel(window: deque) -> None:
    """Drop the trials still in flight (an interruption): the journal keeps the finished ones."""
    for _, handle in window:
        cancel = getattr(handle, "cancel", None)
        if cancel is not None:
            cancel()
