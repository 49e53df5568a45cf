"""The line search and initial steps of CG_DESCENT (Hager & Zhang, "A new conjugate gradient
method with guaranteed descent and an efficient line search", SIAM J. Optim. 16(1), 2005,
section 4 and the rules I0-I2 of section 5; "Algorithm 851: CG_DESCENT", ACM TOMS 32(1), 2006).

Along a descent direction ``phi(a) = L(x + a d)``. A step is accepted when it satisfies

* T1, the Wolfe conditions: ``phi(a) - phi(0) <= delta a phi'(0)`` and
  ``phi'(a) >= sigma phi'(0)``; or
* T2, the approximate Wolfe conditions: ``(2 delta - 1) phi'(0) >= phi'(a) >= sigma phi'(0)``
  and ``phi(a) <= phi(0) + eps_k`` with ``eps_k = epsilon |phi(0)|``.

T2 is the first condition of T1 with ``phi`` replaced by its secant-slope model, which stays
accurate to rounding where T1's difference of losses does not: near a minimizer it lets the
search finish at the precision of the gradient instead of the square root of it.

The search keeps an interval ``[a, b]`` with the *opposite slope condition*
``phi(a) <= phi(0) + eps_k``, ``phi'(a) < 0 <= phi'(b)``, found by ``bracket`` (grow the trial
step by ``rho``), and shrinks it with ``secant2`` (a secant step on the slopes, then a second
one from the side it replaced) and ``update``; an iteration that shrinks it by less than
``gamma`` is followed by a bisection. Every trial point costs one ``phi`` call (loss and slope)
and is tested for T1/T2 at once. Defaults are the papers': ``delta = 0.1``, ``sigma = 0.9``
(the arguments ``c1, c2`` of the shared signature), ``epsilon = 1e-6``, ``theta = 0.5``,
``gamma = 0.66``, ``rho = 5``.

Ours, not the papers': a trial point with a non-finite loss or slope counts as one past the
minimizer (slope +inf), so the interval closes in on the finite side by bisection; at most
``max_evaluations`` trials; when those run out, or the interval can shrink no more in floating
point, the lowest trial with ``phi(a) - phi(0) <= delta a phi'(0)`` is returned with
``wolfe=False``, and without one the search fails (``success=False``) - it never raises on
bad values.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.optim.second_order.line_search import LineSearchResult, TrialPoint

PSI0, PSI1, PSI2 = 0.01, 0.1, 2.0  # initial-step factors of rules I0, I1, I2
QUAD_CUTOFF = 1e-12  # rule I1 only while the loss still changes by more than this, relatively


class _Accepted(Exception):
    def __init__(self, point: TrialPoint) -> None:
        self.point = point


class _Stop(Exception):
    """The evaluation budget is spent or the interval cannot shrink in floating point."""


class _Search:
    def __init__(
        self, phi, f0, dphi0, delta, sigma, epsilon, theta, rho, budget, model_step
    ) -> None:
        self.phi, self.f0, self.dphi0 = phi, f0, dphi0
        self.delta, self.sigma, self.theta, self.rho = delta, sigma, theta, rho
        self.model_step = model_step
        self.fmax = f0 + epsilon * abs(f0)  # phi(0) + eps_k
        self.budget, self.count, self.non_finite = budget, 0, False
        self.origin = TrialPoint(0.0, f0, dphi0)
        self.best: TrialPoint | None = None  # lowest trial with sufficient decrease (fallback)

    def evaluate(self, a: float) -> TrialPoint:
        if self.count >= self.budget:
            raise _Stop(f"{self.count} evaluations spent")
        self.count += 1
        f, d, payload = self.phi(a)
        p = TrialPoint(a, float(f), float(d), payload)
        if not (math.isfinite(p.f) and math.isfinite(p.d)):
            self.non_finite = True
            return TrialPoint(a, math.inf, math.inf)  # beyond the minimizer: close in from the left
        wolfe = p.f - self.f0 <= self.delta * a * self.dphi0 and p.d >= self.sigma * self.dphi0
        approx = (2.0 * self.delta - 1.0) * self.dphi0 >= p.d >= self.sigma * self.dphi0
        if wolfe or (approx and p.f <= self.fmax):
            raise _Accepted(p)
        armijo = p.f - self.f0 <= self.delta * a * self.dphi0
        if armijo and (self.best is None or p.f < self.best.f):
            self.best = p
        return p

    def update(
        self, a: TrialPoint, b: TrialPoint, c: float | None
    ) -> tuple[TrialPoint, TrialPoint, TrialPoint | None]:
        """U0-U3: the new interval and the point evaluated at ``c`` (None if ``c`` was not
        inside ``(a, b)`` and nothing changed)."""
        if c is None or not a.a < c < b.a:
            return a, b, None
        p = self.evaluate(c)
        if p.d >= 0.0:
            return a, p, p
        if p.f <= self.fmax:
            return p, b, p
        return (*self.shrink(a, p), p)

    def shrink(self, a: TrialPoint, b: TrialPoint) -> tuple[TrialPoint, TrialPoint]:
        """U3 a-c: ``phi'(b) < 0`` but ``phi(b) > phi(0) + eps_k``: the loss rose and fell
        again inside ``[a, b]``; split at ``theta`` until the opposite slope condition holds."""
        while True:
            m = (1.0 - self.theta) * a.a + self.theta * b.a
            if not a.a < m < b.a:
                raise _Stop("the interval cannot shrink further (rounding)")
            p = self.evaluate(m)
            if p.d >= 0.0:
                return a, p
            if p.f <= self.fmax:
                a = p
            else:
                b = p

    def bracket(self, c: float) -> tuple[TrialPoint, TrialPoint]:
        """B0-B3: grow ``c`` by ``rho`` until the slope turns non-negative (B1) or the loss
        rises above ``phi(0) + eps_k`` (B2, then U3 on ``[0, c]``); below the model step, to
        at least it."""
        last = self.origin  # the largest trial so far with phi <= phi(0) + eps_k
        while True:
            p = self.evaluate(c)
            if p.d >= 0.0:
                return last, p
            if p.f > self.fmax:
                return self.shrink(self.origin, p)
            grown = self.rho * c
            if self.model_step is not None and c < self.model_step:
                grown = max(grown, self.model_step)
            last, c = p, grown

    def secant2(self, a: TrialPoint, b: TrialPoint) -> tuple[TrialPoint, TrialPoint]:
        """S1-S4: a secant step, and if it replaced an end, a secant from the old end."""
        big_a, big_b, c = self.update(a, b, secant(a, b))
        if c is not None and c is big_b:
            return self.update(big_a, big_b, secant(b, big_b))[:2]
        if c is not None and c is big_a:
            return self.update(big_a, big_b, secant(a, big_a))[:2]
        return big_a, big_b


def secant(a: TrialPoint, b: TrialPoint) -> float | None:
    """The zero of the line through the slopes at ``a`` and ``b``: the minimizer of the
    quadratic they determine. None where the slopes are equal or not finite.

    Example (phi'(a) = 2 (a - 3) is linear: the secant finds its zero from anywhere):
        >>> secant(TrialPoint(0.0, 9.0, -6.0), TrialPoint(1.0, 4.0, -4.0))
        3.0
    """
    den = b.d - a.d
    if den == 0.0 or not math.isfinite(den):
        return None
    c = (a.a * b.d - b.a * a.d) / den
    return c if math.isfinite(c) else None


def approximate_wolfe(
    phi: Callable[[float], tuple[float, float, Any]],
    f0: float,
    dphi0: float,
    alpha0: float = 1.0,
    c1: float = 0.1,
    c2: float = 0.9,
    model_step: float | None = None,
    *,
    epsilon: float = 1e-6,
    theta: float = 0.5,
    gamma: float = 0.66,
    rho: float = 5.0,
    max_evaluations: int = 100,
) -> LineSearchResult:
    """Hager & Zhang's line search from the trial step ``alpha0`` (lines L0-L3 of the 2005
    paper; see the module docstring); the arguments are those of ``line_search.LineSearch``
    (``c1, c2`` are the paper's ``delta, sigma``), then the paper's other constants and a
    budget. ``model_step``: while the bracketing trials are below it, the next one is at least
    it (``step_rules.py``). ``wolfe=True`` in the result means T1 or T2 holds at the step (not
    the strong Wolfe conditions of the other searches).

    Example (phi(a) = (a - 2)^2 from 5, past the minimizer: the bracket is [0, 5], and the
    secant through the slopes at its ends lands on 2):
        >>> phi = lambda a: ((a - 2.0) ** 2, 2.0 * (a - 2.0), None)
        >>> res = approximate_wolfe(phi, 4.0, -4.0, alpha0=5.0)
        >>> res.success, res.wolfe, res.alpha, res.evaluations
        (True, True, 2.0, 2)
    """
    if not 0.0 < c1 < 0.5 or not c1 <= c2 < 1.0:
        raise ValueError(
            f"approximate_wolfe: need 0 < c1 < 0.5 and c1 <= c2 < 1 (the paper's delta and "
            f"sigma), got c1={c1!r}, c2={c2!r}"
        )
    if not (epsilon >= 0.0 and 0.0 < theta < 1.0 and 0.0 < gamma < 1.0 and rho > 1.0):
        raise ValueError(
            f"approximate_wolfe: need epsilon >= 0, 0 < theta < 1, 0 < gamma < 1 and rho > 1, "
            f"got epsilon={epsilon!r}, theta={theta!r}, gamma={gamma!r}, rho={rho!r}"
        )
    if not (alpha0 > 0.0 and math.isfinite(alpha0)):
        raise ValueError(f"approximate_wolfe: alpha0={alpha0!r} must be positive and finite")
    if not dphi0 < 0.0:
        return LineSearchResult(
            0.0, f0, dphi0, None, False, False, 0,
            f"the direction is not a descent direction (slope {dphi0!r} >= 0)",
        )
    s = _Search(phi, f0, dphi0, c1, c2, epsilon, theta, rho, max_evaluations, model_step)
    try:
        a, b = s.bracket(float(alpha0))
        while True:
            width = b.a - a.a
            a, b = s.secant2(a, b)
            if b.a - a.a > gamma * width:  # L2: too little progress, bisect
                mid = 0.5 * (a.a + b.a)
                if not a.a < mid < b.a:
                    raise _Stop("the interval cannot shrink further (rounding)")
                a, b, _ = s.update(a, b, mid)
    except _Accepted as found:
        p = found.point
        return LineSearchResult(p.a, p.f, p.d, p.payload, True, True, s.count)
    except _Stop as stop:
        why = str(stop)
    if s.best is not None and s.best.f < f0:
        p = s.best
        return LineSearchResult(
            p.a, p.f, p.d, p.payload, True, False, s.count,
            f"(approximate) Wolfe conditions not met; sufficient decrease only ({why})",
        )
    return LineSearchResult(
        0.0, f0, dphi0, None, False, False, s.count,
        f"no step with sufficient decrease found: {why}", s.non_finite,
    )


def first_step(x: np.ndarray, f: float, g: np.ndarray) -> float:
    """Rule I0, the trial step of the first iteration: ``psi0 |x|_inf / |g|_inf`` (a step that
    moves ``x`` by about 1 %), else ``psi0 |f| / |g|^2`` where ``x = 0``, else 1.

    Example:
        >>> import numpy as np
        >>> first_step(np.array([2.0, -4.0]), 3.0, np.array([0.5, 1.0]))
        0.04
        >>> first_step(np.zeros(2), 3.0, np.array([0.0, 2.0]))
        0.0075
    """
    xnorm, gnorm = float(np.max(np.abs(x))), float(np.max(np.abs(g)))
    if xnorm > 0.0 and gnorm > 0.0:
        return PSI0 * xnorm / gnorm
    if f != 0.0 and gnorm > 0.0:
        return PSI0 * abs(f) / float(g @ g)
    return 1.0


def next_step(
    value_at: Callable[[float], float], f: float, f_prev: float, slope: float, alpha_prev: float
) -> float:
    """Rules I1-I2, the trial step of a later iteration: with the loss ``f`` and slope
    ``slope = g'd`` now, the last accepted step ``alpha_prev`` and the loss before it
    ``f_prev``. I1 (QuadStep): if the loss ``value_at(psi1 alpha_prev)`` there is at most
    ``f`` and the parabola through it and ``(f, slope)`` at 0 is convex, its minimizer; I2:
    else ``psi2 alpha_prev``. I1 is tried only while the loss still changes by more than
    ``QUAD_CUTOFF`` relatively (Algorithm 851's ``QuadCutOff``); ``value_at`` costs one loss
    evaluation (no gradient).

    Example (along phi(a) = (a - 2)^2 the parabola is exact: I1 finds 2 from any step):
        >>> round(next_step(lambda a: (a - 2.0) ** 2, 4.0, 5.0, -4.0, 1.0), 12)
        2.0
        >>> next_step(lambda a: 10.0, 4.0, 5.0, -4.0, 1.0)  # no decrease at 0.1: I2
        2.0
    """
    if abs(f - f_prev) > QUAD_CUTOFF * abs(f):
        r = PSI1 * alpha_prev
        fr = float(value_at(r))
        if fr <= f:
            curvature = (fr - f - slope * r) / (r * r)  # half the parabola's second derivative
            if curvature > 0.0:
                alpha = -slope / (2.0 * curvature)
                if alpha > 0.0 and math.isfinite(alpha):
                    return alpha
    return PSI2 * alpha_prev
