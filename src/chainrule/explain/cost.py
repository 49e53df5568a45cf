"""What a full Jacobian costs in forward mode (n passes) and reverse mode (m sweeps).

For f: R^n -> R^m, forward mode builds the Jacobian one column per pass (n JVPs) and reverse
mode one row per backward sweep (m VJPs after one recorded run); seed 000 ("Forward mode suits
M >= D, reverse mode D > M") and seed 003, section 3.2.2 (the same dynamic programming run from
either end). ``cost_table`` counts the passes each mode really makes on f(x) = tanh(A x) and
times them.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO, Any

import numpy as np

from chainrule.jacobians import jacobian
from chainrule.primitive import Primitive

_OP = "cr.explain.cost_table"


@dataclass(frozen=True)
class CostRow:
    """One (n, m): passes and median seconds of each mode, and the mode ``auto`` chose.

    ``fwd_passes`` counts JVP passes through f, ``rev_sweeps`` backward sweeps (each observed,
    not derived from n and m); ``max_difference`` is the largest entrywise difference between
    the two Jacobians.
    """

    n: int
    m: int
    fwd_passes: int
    rev_sweeps: int
    fwd_seconds: float
    rev_seconds: float
    auto_mode: str
    max_difference: float

    @property
    def faster(self) -> str:
        """The mode that measured faster here (``"fwd"`` or ``"rev"``)."""
        return "fwd" if self.fwd_seconds <= self.rev_seconds else "rev"


@dataclass
class CostTable:
    """The rows of ``cost_table``, one per (n, m), and how to show them.

    Example:
        >>> from chainrule.explain.cost import cost_table
        >>> t = cost_table(ns=(1, 3), ms=(2,), repeats=1)
        >>> [(r.n, r.m, r.fwd_passes, r.rev_sweeps, r.auto_mode) for r in t.rows]
        [(1, 2, 1, 2, 'fwd'), (3, 2, 3, 2, 'rev')]
    """

    rows: list[CostRow]
    repeats: int

    def row(self, n: int, m: int) -> CostRow:
        """The row for input size ``n`` and output size ``m``.

        Example:
            >>> from chainrule.explain.cost import cost_table
            >>> cost_table(ns=(2,), ms=(4,), repeats=1).row(2, 4).fwd_passes
            2
        """
        for r in self.rows:
            if (r.n, r.m) == (n, m):
                return r
        raise KeyError(f"CostTable.row: no row for n={n}, m={m}; rows: "
                       f"{[(r.n, r.m) for r in self.rows]}")

    def text(self) -> str:
        """The table as aligned text (median times over ``repeats`` runs, in milliseconds)."""
        head = ["n", "m", "fwd passes", "rev sweeps", "fwd ms", "rev ms", "faster", "auto"]
        body = [[str(r.n), str(r.m), str(r.fwd_passes), str(r.rev_sweeps),
                 f"{1e3 * r.fwd_seconds:.3f}", f"{1e3 * r.rev_seconds:.3f}", r.faster,
                 r.auto_mode] for r in self.rows]
        widths = [max(len(c) for c in col) for col in zip(head, *body, strict=True)]
        lines = ["  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True)),
                 "  ".join("-" * w for w in widths)]
        lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True))
                  for row in body]
        lines.append(f"f(x) = tanh(A x), A of shape (m, n); median of {self.repeats} run(s)")
        return "\n".join(lines)

    def show(self, file: IO[str] | None = None) -> None:
        """Print ``text()`` (to ``file``, default standard output)."""
        print(self.text(), file=file)

    def __str__(self) -> str:
        return self.text()


def cost_table(
    ns: Sequence[int] = (1, 2, 4, 8, 16, 32), ms: Sequence[int] = (1, 2, 4, 8, 16, 32),
    repeats: int = 5, seed: int = 0,
) -> CostTable:
    """Time the Jacobian of f(x) = tanh(A x) (A random, shape (m, n)) by each mode.

    For every pair (n, m): forward mode (``cr.jacobian(mode="fwd")``, n passes) and reverse
    mode (``mode="rev"``, m sweeps) each run ``repeats`` times; the table keeps the median
    time, the passes counted on the first run, and which mode ``mode="auto"`` took (it takes
    forward mode when n <= m). Times include chainrule's Python overhead per pass, which is
    what dominates at these sizes.

    Example:
        >>> from chainrule.explain.cost import cost_table
        >>> r = cost_table(ns=(4,), ms=(1,), repeats=1).rows[0]
        >>> r.fwd_passes, r.rev_sweeps, r.auto_mode, r.max_difference < 1e-12
        (4, 1, 'rev', True)
    """
    ns, ms = _sizes("ns", ns), _sizes("ms", ms)
    if isinstance(repeats, bool) or not isinstance(repeats, int | np.integer) or repeats < 1:
        raise ValueError(f"{_OP}: repeats must be a positive integer, got {repeats!r}")
    rng = np.random.default_rng(seed)
    rows = []
    for n in ns:
        for m in ms:
            a = rng.standard_normal((m, n)) / np.sqrt(n)
            x = rng.standard_normal(n)
            f, counts = _counted_layer(a)
            jac_f, fwd_passes, fwd_seconds = _measure(f, x, "fwd", counts, repeats)
            jac_r, rev_sweeps, rev_seconds = _measure(f, x, "rev", counts, repeats)
            before = counts["fwd"]
            jacobian(f, mode="auto")(x)
            rows.append(CostRow(
                n=n, m=m, fwd_passes=fwd_passes, rev_sweeps=rev_sweeps,
                fwd_seconds=fwd_seconds, rev_seconds=rev_seconds,
                auto_mode="fwd" if counts["fwd"] > before else "rev",
                max_difference=float(np.max(np.abs(jac_f - jac_r))),
            ))
    return CostTable(rows=rows, repeats=int(repeats))


def _measure(
    f: Callable[[Any], Any], x: np.ndarray, mode: str, counts: dict[str, int], repeats: int
) -> tuple[np.ndarray, int, float]:
    """The Jacobian by ``mode``, the passes its first run made, and the median seconds."""
    times, passes, jac = [], 0, None
    for k in range(repeats):
        before = counts[mode]
        start = time.perf_counter()
        j = jacobian(f, mode=mode)(x)
        times.append(time.perf_counter() - start)
        if k == 0:
            jac, passes = j, counts[mode] - before
    return jac, passes, statistics.median(times)


def _counted_layer(a: np.ndarray) -> tuple[Callable[[Any], Any], dict[str, int]]:
    """f(x) = tanh(A x) whose tanh counts its JVP calls (forward passes) and VJP calls (sweeps).

    Every forward pass applies tanh's JVP rule once and every backward sweep its VJP rule once,
    so the counters see the passes each mode really makes.
    """
    counts = {"fwd": 0, "rev": 0}

    def jvp_rule(t, ans, x):
        counts["fwd"] += 1
        return t * (1.0 - ans * ans)

    def vjp_rule(g, ans, x):
        counts["rev"] += 1
        return g * (1.0 - ans * ans)

    counted_tanh = Primitive("counted_tanh", np.tanh).defjvp(jvp_rule).defvjp(vjp_rule)

    def f(x):
        return counted_tanh(a @ x)

    return f, counts


def _sizes(name: str, sizes: Sequence[int]) -> list[int]:
    try:
        out = [int(s) for s in sizes]
    except (TypeError, ValueError):
        raise TypeError(f"{_OP}: {name} must be a sequence of positive integers, got "
                        f"{sizes!r}") from None
    if not out or any(s < 1 for s in out) or any(
            isinstance(s, bool) or int(s) != s for s in sizes):
        raise ValueError(f"{_OP}: {name} must be a non-empty sequence of positive integers, "
                         f"got {sizes!r}")
    return out
