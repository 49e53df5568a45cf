"""Moré-Thuente line search: safeguarded cubic/quadratic steps inside an interval of
uncertainty that provably shrinks (Moré & Thuente 1994, "Line search algorithms with
guaranteed sufficient decrease", ACM TOMS 20(3), sections 2-4).

It looks for a step ``a`` satisfying the strong Wolfe conditions

    phi(a) <= phi(0) + c1 a phi'(0)        and        |phi'(a)| <= c2 |phi'(0)|

along a descent direction. Until a step with sufficient decrease and a non-negative slope is
seen (the paper's first stage), the interval is updated on the auxiliary function
``psi(a) = phi(a) - phi(0) - c1 a phi'(0)``, which keeps the search aimed at steps with
sufficient decrease; afterwards on ``phi`` itself. Each new trial step is one of four
safeguarded interpolations (the paper's cases 1-4, section 4), and a bisection is forced
whenever the interval failed to shrink by a third over two trials. This is the search SciPy's
BFGS and CG use first (MINPACK-2's ``dcsrch``), here written from the paper; with its
evaluation-saving trial steps it usually needs one or two evaluations per iteration.

A non-finite trial value ends the search at once with ``non_finite=True`` (the interpolation
has nothing to work with there); ``wolfe_search`` then hands over to the bracketing search of
``line_search.strong_wolfe``, which backs away from such points.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

from chainrule.optim.second_order.line_search import LineSearchResult, strong_wolfe

_EXTRAPOLATE_MIN, _EXTRAPOLATE_MAX = 1.1, 4.0  # unbracketed steps grow by these factors


@dataclasses.dataclass
class _Trial:
    a: float
    f: float
    d: float
    payload: Any = None

    def shifted(self, slope: float) -> _Trial:
        """The point on ``phi(a) - slope * a`` (psi up to a constant when slope = c1 phi'(0))."""
        return _Trial(self.a, self.f - self.a * slope, self.d - slope, self.payload)


def _cubic(base: _Trial, other: _Trial, clip: bool = False) -> tuple[float, float]:
    """``(r, gamma)``: the cubic through both points' values and slopes has its minimizer at
    ``base.a + r (other.a - base.a)`` (Moré & Thuente, section 4). With ``clip`` a negative
    discriminant counts as zero (the cubic has no minimizer; ``gamma`` is then 0)."""
    theta = 3.0 * (base.f - other.f) / (other.a - base.a) + base.d + other.d
    s = max(abs(theta), abs(base.d), abs(other.d))
    disc = (theta / s) ** 2 - (base.d / s) * (other.d / s)
    gamma = s * math.sqrt(max(disc, 0.0) if clip else disc)
    if other.a < base.a:
        gamma = -gamma
    p = gamma - base.d + theta
    q = gamma - base.d + gamma + other.d
    return p / q, gamma


def _secant(t: _Trial, x: _Trial) -> float:
    """The zero of the slope's linear interpolation between ``t`` and ``x``."""
    return t.a + t.d / (t.d - x.d) * (x.a - t.a)


def next_trial(
    x: _Trial, y: _Trial, t: _Trial, bracketed: bool, lo: float, hi: float
) -> tuple[_Trial, _Trial, float, bool]:
    """One safeguarded step (Moré & Thuente, section 4): from the best point ``x``, the other
    end ``y`` and the new trial ``t``, return the updated ``(x, y)``, the next trial step
    (kept within ``[lo, hi]`` while no minimizer is bracketed) and whether one now is.

    Example (a parabola with minimum at 2, seen at 0 and 3: the new trial is its minimizer):
        >>> x = y = _Trial(0.0, 4.0, -4.0)
        >>> x, y, a, bracketed = next_trial(x, y, _Trial(3.0, 1.0, 2.0), False, 0.0, 12.0)
        >>> round(a, 12), bracketed, (x.a, y.a)
        (2.0, True, (3.0, 0.0))
    """
    sgnd = t.d * math.copysign(1.0, x.d)
    if t.f > x.f:  # case 1: a higher value; the minimizer lies between x and t
        r, _ = _cubic(x, t)
        cubic = x.a + r * (t.a - x.a)
        quad = x.a + x.d / ((x.f - t.f) / (t.a - x.a) + x.d) / 2.0 * (t.a - x.a)
        step = cubic if abs(cubic - x.a) < abs(quad - x.a) else cubic + (quad - cubic) / 2.0
        bracketed = True
    elif sgnd < 0.0:  # case 2: lower value, slope changed sign
        r, _ = _cubic(t, x)
        cubic = t.a + r * (x.a - t.a)
        secant = _secant(t, x)
        step = cubic if abs(cubic - t.a) > abs(secant - t.a) else secant
        bracketed = True
    elif abs(t.d) < abs(x.d):  # case 3: lower value, same slope sign, slope shrinking
        r, gamma = _cubic(t, x, clip=True)
        if r < 0.0 and gamma != 0.0:
            cubic = t.a + r * (x.a - t.a)
        else:
            cubic = hi if t.a > x.a else lo
        secant = _secant(t, x)
        if bracketed:
            step = cubic if abs(cubic - t.a) < abs(secant - t.a) else secant
            limit = t.a + 0.66 * (y.a - t.a)
            step = min(limit, step) if t.a > x.a else max(limit, step)
        else:
            step = cubic if abs(cubic - t.a) > abs(secant - t.a) else secant
            step = min(hi, max(lo, step))
    elif bracketed:  # case 4: slope not shrinking; interpolate towards the other end
        r, _ = _cubic(t, y)
        step = t.a + r * (y.a - t.a)
    else:
        step = hi if t.a > x.a else lo
    if t.f > x.f:
        y = t
    else:
        if sgnd < 0.0:
            y = x
        x = t
    return x, y, step, bracketed


def more_thuente(
    phi: Callable[[float], tuple[float, float, Any]],
    f0: float,
    dphi0: float,
    alpha0: float = 1.0,
    c1: float = 1e-4,
    c2: float = 0.9,
    model_step: float | None = None,
    *,
    xtol: float = 1e-14,
    alpha_min: float = 1e-100,
    alpha_max: float = 1e100,
    max_evaluations: int = 100,
) -> LineSearchResult:
    """A strong-Wolfe step by the Moré-Thuente search; the arguments are those of
    ``line_search.LineSearch``, then the search's own ``xtol``, step bounds and budget. The
    search stops when the interval of uncertainty is below ``xtol`` relatively or no
    progress is possible; it then returns the best step with sufficient decrease
    (``wolfe=False``), or ``success=False`` if there is none. It never raises on bad values.
    ``model_step`` (1 for a quasi-Newton direction): while no minimizer is bracketed and the
    trial steps are below it, the next trial may go straight to it (``step_rules.py``).

    Example (phi(a) = (a - 2)^2 from a = 0.5: extrapolation, then the minimizer):
        >>> phi = lambda a: ((a - 2.0) ** 2, 2.0 * (a - 2.0), None)
        >>> res = more_thuente(phi, 4.0, -4.0, alpha0=0.5, c2=0.1)
        >>> res.wolfe, round(res.alpha, 6), res.evaluations
        (True, 2.0, 2)
    """
    if not 0.0 < c1 < c2 < 1.0:
        raise ValueError(f"more_thuente: need 0 < c1 < c2 < 1, got c1={c1}, c2={c2}")
    if not 0.0 <= alpha_min < alpha_max:
        raise ValueError(
            f"more_thuente: need 0 <= alpha_min < alpha_max, got {alpha_min}, {alpha_max}"
        )
    if not dphi0 < 0.0:
        return LineSearchResult(
            0.0, f0, dphi0, None, False, False, 0,
            f"the direction is not a descent direction (slope {dphi0!r} >= 0)",
        )
    gtest = c1 * dphi0
    count = 0
    first_stage, bracketed = True, False
    width = alpha_max - alpha_min
    width_before = 2.0 * width
    x = y = _Trial(0.0, f0, dphi0)
    stp = min(max(float(alpha0), alpha_min), alpha_max)
    lo, hi = 0.0, stp + _EXTRAPOLATE_MAX * stp
    if model_step is not None and stp < model_step:
        hi = max(hi, model_step)

    def best(message: str, non_finite: bool = False) -> LineSearchResult:
        if x.a > 0.0 and x.f <= f0 + x.a * gtest and x.f < f0:
            return LineSearchResult(x.a, x.f, x.d, x.payload, True, False, count, message)
        return LineSearchResult(
            0.0, f0, dphi0, None, False, False, count,
            f"no step with sufficient decrease: {message}", non_finite,
        )

    while count < max_evaluations:
        f, d, payload = phi(stp)
        count += 1
        t = _Trial(stp, float(f), float(d), payload)
        if not (math.isfinite(t.f) and math.isfinite(t.d)):
            return best(f"non-finite loss or slope at step {stp:.3g}", non_finite=True)
        ftest = f0 + stp * gtest
        if t.f <= ftest and abs(t.d) <= -c2 * dphi0:
            return LineSearchResult(t.a, t.f, t.d, t.payload, True, True, count)
        if first_stage and t.f <= ftest and t.d >= 0.0:
            first_stage = False
        if bracketed and (stp <= lo or stp >= hi):
            return best("rounding errors prevent progress")
        if bracketed and hi - lo <= xtol * hi:
            return best(f"the interval of uncertainty is below xtol={xtol:g}")
        if stp == alpha_max and t.f <= ftest and t.d <= gtest:
            return LineSearchResult(
                t.a, t.f, t.d, t.payload, True, False, count, f"step reached {alpha_max:g}"
            )
        if stp == alpha_min and (t.f > ftest or t.d >= gtest):
            return best(f"step reached alpha_min={alpha_min:g}")
        if first_stage and ftest < t.f <= x.f:
            # psi(t) > 0 but below psi at the best point: interpolate on psi (section 3)
            xm, ym, stp, bracketed = next_trial(
                x.shifted(gtest), y.shifted(gtest), t.shifted(gtest), bracketed, lo, hi
            )
            x, y = xm.shifted(-gtest), ym.shifted(-gtest)
        else:
            x, y, stp, bracketed = next_trial(x, y, t, bracketed, lo, hi)
        if bracketed:
            if abs(y.a - x.a) >= 0.66 * width_before:
                stp = x.a + 0.5 * (y.a - x.a)  # too little shrinkage over two trials: bisect
            width_before, width = width, abs(y.a - x.a)
            lo, hi = min(x.a, y.a), max(x.a, y.a)
        else:
            lo = stp + _EXTRAPOLATE_MIN * (stp - x.a)
            hi = stp + _EXTRAPOLATE_MAX * (stp - x.a)
            if model_step is not None and stp < model_step:
                hi = max(hi, model_step)
        stp = min(max(stp, alpha_min), alpha_max)
        if bracketed and (stp <= lo or stp >= hi or hi - lo <= xtol * hi):
            stp = x.a
    return best(f"{count} evaluations spent")


def wolfe_search(
    phi: Callable[[float], tuple[float, float, Any]],
    f0: float,
    dphi0: float,
    alpha0: float = 1.0,
    c1: float = 1e-4,
    c2: float = 0.9,
    model_step: float | None = None,
) -> LineSearchResult:
    """``more_thuente``, and where it finds no step that lowers the loss with sufficient
    decrease (non-finite values, rounding noise), the bracketing search ``strong_wolfe`` from
    ``alpha0`` as a second try (SciPy's BFGS and CG fall back to a second search the same way). The
    evaluations of both count.

    Example:
        >>> phi = lambda a: ((a - 2.0) ** 2, 2.0 * (a - 2.0), None)
        >>> res = wolfe_search(phi, 4.0, -4.0, alpha0=1.0, c2=0.4)
        >>> res.success, res.wolfe, round(res.alpha, 6), res.evaluations
        (True, True, 2.0, 2)
    """
    first = more_thuente(phi, f0, dphi0, alpha0=alpha0, c1=c1, c2=c2, model_step=model_step)
    if (first.success and first.f < f0) or not dphi0 < 0.0:
        return first  # a step that leaves the loss unchanged (rounding) is no progress
    second = strong_wolfe(phi, f0, dphi0, alpha0=alpha0, c1=c1, c2=c2, model_step=model_step)
    second.evaluations += first.evaluations
    second.non_finite |= first.non_finite
    if not second.success and first.non_finite and not second.non_finite:
        second.message = f"{first.message}; then {second.message}"
    return second


def step_from_previous_decrease(f: float, f_prev: float, slope: float) -> float:
    """The first trial step of an iteration: the minimizer of the parabola with value ``f``
    and slope ``slope`` at 0 that falls by as much as the last iteration did,
    ``2 (f - f_prev) / slope`` (Nocedal & Wright eq. 3.60), times 1.01 and at most 1, as in
    SciPy's BFGS and CG. 1 when there was no decrease to go by.

    Example (last decrease 0.5 along a slope of -4: about a quarter step):
        >>> step_from_previous_decrease(1.0, 1.5, -4.0)
        0.2525
    """
    guess = 2.02 * (f - f_prev) / slope if slope < 0.0 else 1.0
    return min(1.0, guess) if guess > 0.0 and math.isfinite(guess) else 1.0
