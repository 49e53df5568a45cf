"""Strong-Wolfe line search: bracketing then zoom, with cubic/quadratic interpolation
(Nocedal & Wright, *Numerical Optimization*, 2nd ed., algorithms 3.5 and 3.6, eq. 3.59).

Along a descent direction ``d`` the loss is ``phi(a) = L(x + a d)``. A step ``a`` is accepted
when it satisfies the strong Wolfe conditions

    phi(a) <= phi(0) + c1 a phi'(0)        (sufficient decrease)
    |phi'(a)| <= c2 |phi'(0)|              (curvature: the slope has flattened enough)

with ``0 < c1 < c2 < 1``. Quasi-Newton methods use a large ``c2`` (N&W: 0.9; a loose
search, the step ``a = 1`` is usually taken); nonlinear conjugate gradients a smaller one
(N&W: 0.1; a nearly exact search keeps the directions conjugate, seed 003, section
3.5.6.1). Every trial point costs one ``value_and_grad`` call, whose gradient is kept so that
the accepted point needs no new one.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any, Protocol


@dataclasses.dataclass
class LineSearchResult:
    """The step found: ``alpha``, ``phi(alpha)``, ``phi'(alpha)`` and the caller's ``payload``
    for that point. ``success``: a step with sufficient decrease was found; ``wolfe``: it also
    satisfies the strong curvature condition. ``evaluations`` counts calls of ``phi``."""

    alpha: float
    f: float
    dphi: float
    payload: Any
    success: bool
    wolfe: bool
    evaluations: int
    message: str = ""
    non_finite: bool = False


class LineSearch(Protocol):
    """The signature every line search here shares (``strong_wolfe``, ``more_thuente``,
    ``wolfe_search``, ``hager_zhang.approximate_wolfe``), so that the methods call any of them
    the same way: ``phi(a)`` returns ``(loss, slope, payload)`` at ``x + a d``; ``f0`` and
    ``dphi0 < 0`` are the loss and slope at ``a = 0``; ``alpha0`` is the first trial step;
    ``c1, c2`` the Wolfe constants of sufficient decrease and curvature; ``model_step`` the
    step at which the direction's own model has its minimum (1 for a (quasi-)Newton
    direction, else None), which an extrapolating search may jump to (``step_rules.py``).
    Each search's own settings follow as keywords. None raises on bad values of ``phi``: a
    failure comes back as a ``LineSearchResult`` with ``success=False`` and a message."""

    def __call__(
        self,
        phi: Callable[[float], tuple[float, float, Any]],
        f0: float,
        dphi0: float,
        alpha0: float = 1.0,
        c1: float = 1e-4,
        c2: float = 0.9,
        model_step: float | None = None,
    ) -> LineSearchResult: ...


@dataclasses.dataclass
class TrialPoint:
    """One trial of a line search: step ``a``, loss ``f`` and slope ``d`` there, and whatever
    the objective returned alongside (``payload``, e.g. the gradient)."""

    a: float
    f: float
    d: float
    payload: Any = None

    @property
    def finite(self) -> bool:
        return math.isfinite(self.f) and math.isfinite(self.d)


def cubic_minimizer(p: TrialPoint, q: TrialPoint) -> float | None:
    """Minimizer of the cubic matching values and slopes at ``p`` and ``q`` (N&W eq. 3.59).

    Example (the cubic through a quadratic's data is that quadratic, minimum at 1):
        >>> cubic_minimizer(TrialPoint(0.0, 1.0, -2.0), TrialPoint(3.0, 4.0, 4.0))
        1.0
    """
    if p.a == q.a:
        return None
    d1 = p.d + q.d - 3.0 * (p.f - q.f) / (p.a - q.a)
    disc = d1 * d1 - p.d * q.d
    if not disc >= 0.0:
        return None
    d2 = math.copysign(math.sqrt(disc), q.a - p.a)
    denom = q.d - p.d + 2.0 * d2
    if denom == 0.0:
        return None
    x = q.a - (q.a - p.a) * (q.d + d2 - d1) / denom
    return x if math.isfinite(x) else None


def quadratic_minimizer(p: TrialPoint, q: TrialPoint) -> float | None:
    """Minimizer of the parabola with value and slope at ``p`` and value at ``q``.

    Example:
        >>> quadratic_minimizer(TrialPoint(0.0, 1.0, -2.0), TrialPoint(3.0, 4.0, 0.0))
        1.0
    """
    h = q.a - p.a
    curvature = q.f - p.f - p.d * h
    if h == 0.0 or not curvature > 0.0:
        return None
    x = p.a - p.d * h * h / (2.0 * curvature)
    return x if math.isfinite(x) else None


def _inside(x: float | None, lo: float, hi: float, margin: float) -> bool:
    a, b = min(lo, hi), max(lo, hi)
    pad = margin * (b - a)
    return x is not None and a + pad <= x <= b - pad


def strong_wolfe(
    phi: Callable[[float], tuple[float, float, Any]],
    f0: float,
    dphi0: float,
    alpha0: float = 1.0,
    c1: float = 1e-4,
    c2: float = 0.9,
    model_step: float | None = None,
    *,
    alpha_max: float = 1e10,
    max_evaluations: int = 30,
) -> LineSearchResult:
    """Find a step satisfying the strong Wolfe conditions (N&W algorithm 3.5 with the zoom of
    algorithm 3.6); the arguments are those of ``LineSearch``, then the largest step
    ``alpha_max`` and the budget ``max_evaluations``.

    A trial point with a non-finite loss or slope counts as "too far" and the step shrinks.
    ``model_step``: the step at which the direction's own model has its minimum (1 for a
    (quasi-)Newton direction); while the trial steps are below it and too short, the next one
    may go straight to it instead of growing at most 5-fold (see ``step_rules.py``).
    The search never raises: a failure comes back with ``success=False`` and a message.

    Example (phi(a) = (a - 2)^2: the exact minimizer satisfies both conditions):
        >>> phi = lambda a: ((a - 2.0) ** 2, 2.0 * (a - 2.0), None)
        >>> res = strong_wolfe(phi, 4.0, -4.0, alpha0=1.0, c2=0.1)
        >>> res.success, res.wolfe, round(res.alpha, 6)
        (True, True, 2.0)
    """
    if not 0.0 < c1 < c2 < 1.0:
        raise ValueError(f"strong_wolfe: need 0 < c1 < c2 < 1, got c1={c1}, c2={c2}")
    if not dphi0 < 0.0:
        return LineSearchResult(
            0.0, f0, dphi0, None, False, False, 0,
            f"the direction is not a descent direction (slope {dphi0!r} >= 0)",
        )
    origin = TrialPoint(0.0, f0, dphi0)
    count = 0
    saw_non_finite = False

    def evaluate(a: float) -> TrialPoint:
        nonlocal count, saw_non_finite
        count += 1
        f, d, payload = phi(a)
        p = TrialPoint(a, float(f), float(d), payload)
        saw_non_finite |= not p.finite
        return p

    def armijo_fails(p: TrialPoint) -> bool:
        return not p.finite or p.f > f0 + c1 * p.a * dphi0

    def curvature_holds(p: TrialPoint) -> bool:
        return abs(p.d) <= -c2 * dphi0

    def done(p: TrialPoint, wolfe: bool, message: str = "") -> LineSearchResult:
        return LineSearchResult(p.a, p.f, p.d, p.payload, True, wolfe, count, message)

    def fail(message: str) -> LineSearchResult:
        return LineSearchResult(
            0.0, f0, dphi0, None, False, False, count, message, saw_non_finite
        )

    def zoom(lo: TrialPoint, hi: TrialPoint) -> LineSearchResult:
        # Invariants (N&W 3.6): lo has sufficient decrease and the least loss so far, and the
        # slope at lo points towards hi, so [lo, hi] contains an acceptable step.
        widths = [math.inf, math.inf]
        while count < max_evaluations:
            width = abs(hi.a - lo.a)
            if width <= 1e-12 * max(abs(lo.a), abs(hi.a)):
                break
            if not hi.finite:
                a = lo.a + 0.1 * (hi.a - lo.a)  # back away from the overflow quickly
            elif width > 0.66 * widths[-2]:
                # two interpolations shrank the interval too little (Moré & Thuente's
                # safeguard): bisect
                a = 0.5 * (lo.a + hi.a)
            else:
                a = cubic_minimizer(lo, hi)
                if not _inside(a, lo.a, hi.a, 0.01):
                    a = quadratic_minimizer(lo, hi)
                    if not _inside(a, lo.a, hi.a, 0.01):
                        a = 0.5 * (lo.a + hi.a)
            widths.append(width)
            p = evaluate(a)
            if armijo_fails(p) or p.f >= lo.f:
                hi = p
                continue
            if curvature_holds(p):
                return done(p, True)
            if p.d * (hi.a - lo.a) >= 0.0:
                hi = lo
            lo = p
        if lo.a > 0.0:
            return done(lo, False, "curvature condition not met; sufficient decrease only")
        return fail(
            f"no step with sufficient decrease found in {count} evaluations "
            "(the direction may be too long, or rounding errors prevent progress)"
        )

    prev = origin
    a = min(float(alpha0), alpha_max)
    while count < max_evaluations:
        p = evaluate(a)
        if armijo_fails(p) or (prev is not origin and p.f >= prev.f):
            return zoom(prev, p)
        if curvature_holds(p):
            return done(p, True)
        if p.d >= 0.0:
            return zoom(p, prev)
        if a >= alpha_max:
            return done(p, False, f"step reached alpha_max={alpha_max:g}")
        # Still going down: extrapolate with the cubic through the last two points, growing
        # the step by between 0.1 and 4 times its last increase.
        low, high = a + 0.1 * (a - prev.a), a + 4.0 * (a - prev.a)
        if model_step is not None and a < model_step:
            high = max(high, model_step)
        guess = cubic_minimizer(prev, p)
        a_next = high if guess is None or not guess > a else min(max(guess, low), high)
        prev, a = p, min(a_next, alpha_max)
    if prev is not origin:
        return done(prev, False, "evaluation budget spent while extrapolating")
    return fail(f"no acceptable step in {count} evaluations")
