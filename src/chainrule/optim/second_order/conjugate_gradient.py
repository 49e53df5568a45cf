"""Conjugate gradients, linear and nonlinear (seed 003, section 3.5.6.1, eqs. 3.49-3.50).

*Linear* CG solves ``A x = b`` for a symmetric ``A`` seen only through products ``A @ p``: in
Hessian-free optimization ``A`` is the (damped) Hessian and each product is one exact
Hessian-vector product from ``cr.hvp``, so no Hessian is ever formed. *Nonlinear* CG
minimizes a loss directly: each new direction is the negative gradient plus ``beta`` times the
previous direction (eq. 3.49), and the step along it comes from a Wolfe line search (the
iteration is ``descent.descend``'s; ``_Conjugate`` holds CG's own rules).
Eq. 3.50's ``beta`` needs the Hessian; the Fletcher-Reeves and Polak-Ribiere formulas use
gradients only and equal it on a quadratic with exact line searches.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np

from chainrule.optim.second_order.descent import Directions, Point, Step, descend
from chainrule.optim.second_order.hager_zhang import first_step, next_step
from chainrule.optim.second_order.objective import Objective, SolverRun
from chainrule.optim.second_order.result import OptimizeResult
from chainrule.optim.second_order.step_rules import (
    LINE_SEARCHES,
    check_step_options,
    next_trial_step,
)


@dataclasses.dataclass
class CGSolution:
    """The approximate solution ``x`` of ``A x = b``, its residual ``r = b - A x``, the number
    of products with ``A`` used, and why CG stopped: ``"converged"`` (small residual),
    ``"progress"`` (the quadratic stopped improving), ``"negative curvature"`` (``p'Ap <= 0``:
    ``A`` is not positive definite along ``p``) or ``"maxiter"``. ``curvature`` holds the
    lowest and highest Rayleigh quotient ``p'Ap / p'p`` met along the search directions (they
    lie inside ``A``'s spectrum; NaN when no product was taken)."""

    x: np.ndarray
    residual: np.ndarray
    iterations: int
    products: int
    reason: str
    curvature: tuple[float, float] = (math.nan, math.nan)


def conjugate_gradient(
    matvec: Callable[[np.ndarray], np.ndarray],
    b: np.ndarray,
    x0: np.ndarray | None = None,
    rtol: float = 1e-5,
    maxiter: int | None = None,
    progress_tol: float | None = None,
) -> CGSolution:
    """Solve ``A x = b`` for symmetric ``A`` given as ``matvec(p) = A @ p`` (matrix-free).

    Stops when ``||r|| <= rtol ||b||``, after ``maxiter`` products (default ``len(b)``: exact
    arithmetic needs no more), or on negative curvature ``p'Ap <= 0``. There, if no step was
    taken yet, ``x`` is the steepest-descent direction ``b`` scaled by ``|b'b / b'Ab|``; else
    the iterate so far, which still decreases the quadratic ``q(x) = x'Ax/2 - b'x``. With
    ``progress_tol`` (Martens 2010, section 4.4) CG also stops once ``q`` improved by less than
    ``k * progress_tol`` relatively over the last ``k = max(10, i/10)`` iterations.

    Example (a 2 x 2 system: CG is exact in at most 2 steps):
        >>> import numpy as np
        >>> A = np.array([[4.0, 1.0], [1.0, 3.0]])
        >>> sol = conjugate_gradient(lambda p: A @ p, np.array([1.0, 2.0]), rtol=1e-12)
        >>> np.round(sol.x, 6).tolist(), sol.iterations, sol.reason
        ([0.090909, 0.636364], 2, 'converged')
    """
    b = np.asarray(b, dtype=np.float64)
    n = b.size
    maxiter = n if maxiter is None else int(maxiter)
    products = 0
    if x0 is None or not np.any(x0):
        x = np.zeros_like(b)
        r = b.copy()
    else:
        x = np.array(x0, dtype=np.float64)
        r = b - matvec(x)
        products += 1
    bnorm = float(np.linalg.norm(b))
    rr = float(r @ r)
    p = r.copy()
    quad = [-0.5 * float(x @ (b + r))]  # q(x) = -x'(b + r)/2 at each iterate
    low, high = math.inf, -math.inf

    def solution(x, r, i, reason):
        seen = (low, high) if products else (math.nan, math.nan)
        return CGSolution(x, r, i, products, reason, seen)

    for i in range(maxiter):
        if math.sqrt(rr) <= rtol * bnorm:
            return solution(x, r, i, "converged")
        Ap = matvec(p)
        products += 1
        curvature = float(p @ Ap)
        quotient = curvature / float(p @ p)
        low, high = min(low, quotient), max(high, quotient)
        if not curvature > 0.0:
            if i == 0 and not np.any(x):
                scale = rr / abs(curvature) if curvature else 1.0
                x, r = scale * b, b - scale * Ap
            return solution(x, r, i, "negative curvature")
        alpha = rr / curvature
        x = x + alpha * p
        r = r - alpha * Ap
        rr_new = float(r @ r)
        p = r + (rr_new / rr) * p  # beta = r'r / r_old'r_old: conjugate to the previous p
        rr = rr_new
        if progress_tol is not None:
            quad.append(-0.5 * float(x @ (b + r)))
            k = max(10, (i + 1) // 10)
            if i + 1 > k and quad[-1] < 0.0:
                if (quad[-1] - quad[-1 - k]) / quad[-1] < k * progress_tol:
                    return solution(x, r, i + 1, "progress")
    return solution(x, r, maxiter, "converged" if math.sqrt(rr) <= rtol * bnorm else "maxiter")


BETAS = ("pr+", "pr", "fr", "hs", "hs+", "fr-pr", "hs-dy", "hz")


def cg_beta(rule: str, g: np.ndarray, g_old: np.ndarray, d: np.ndarray) -> float:
    """``beta`` of eq. 3.49 from gradients only: the new gradient ``g``, the previous one
    ``g_old`` and the previous direction ``d``, with ``y = g - g_old`` (N&W section 5.2):

    ``"fr"`` Fletcher-Reeves ``g'g / g_old'g_old``; ``"pr"`` Polak-Ribiere ``g'y / g_old'g_old``;
    ``"hs"`` Hestenes-Stiefel ``g'y / d'y``; ``"pr+"``/``"hs+"`` those clipped at 0 (a restart
    whenever they turn negative); ``"fr-pr"`` PR kept within ``[-FR, FR]`` (N&W eq. 5.48);
    ``"hs-dy"`` HS kept within ``[0, DY]``, Dai-Yuan's ``g'g / d'y`` (Dai & Yuan 2001);
    ``"hz"`` Hager & Zhang's ``(y - 2 d y'y / d'y)'g / d'y``, bounded below by
    ``-1 / (|d| min(0.01, |g_old|))`` (Hager & Zhang 2005, eqs. 1.6-1.7 of "A new conjugate
    gradient method with guaranteed descent and an efficient line search").
    On a quadratic with exact line searches all equal eq. 3.50's ``beta``. 0 (a restart) when
    ``d'y <= 0`` for the rules that divide by it.

    Example (g_old = (1, 0), g = (0, 1), d = -g_old: y = (-1, 1), d'y = 1):
        >>> import numpy as np
        >>> g_old, g = np.array([1.0, 0.0]), np.array([0.0, 1.0])
        >>> [cg_beta(r, g, g_old, -g_old) for r in ("fr", "pr", "hs", "hs-dy")]
        [1.0, 1.0, 1.0, 1.0]
    """
    y = g - g_old
    gy, gg, gg_old = float(g @ y), float(g @ g), float(g_old @ g_old)
    if rule in ("fr", "pr", "pr+", "fr-pr"):
        fr, pr = gg / gg_old, gy / gg_old
        if rule == "fr":
            return fr
        if rule == "fr-pr":
            return max(-fr, min(pr, fr))
        return max(pr, 0.0) if rule == "pr+" else pr
    dy = float(d @ y)
    if not dy > 0.0:
        return 0.0
    hs = gy / dy
    if rule == "hz":
        hz = hs - 2.0 * float(y @ y) * float(d @ g) / (dy * dy)
        floor = -1.0 / (float(np.linalg.norm(d)) * min(0.01, math.sqrt(gg_old)))
        return max(hz, floor)
    if rule == "hs-dy":
        return max(0.0, min(hs, gg / dy))
    return max(hs, 0.0) if rule == "hs+" else hs


def nonlinear_cg(
    obj: Objective,
    run: SolverRun,
    beta: str = "hs-dy",
    c1: float = 1e-4,
    c2: float = 0.1,
    restart: int | None = None,
    powell_restart: float | None = None,
    initial_step: str = "slope-ratio",
    line_search: str = "more-thuente",
) -> OptimizeResult:
    """Nonlinear conjugate gradients with a Wolfe line search (``method="cg"``).

    ``beta``: one of ``BETAS`` (``cg_beta``); the default, Hestenes-Stiefel kept within
    ``[0, Dai-Yuan]``, restarts by itself (``beta = 0``) when progress stalls. The direction is
    also reset to the negative gradient every ``restart`` iterations (default: the number of
    parameters), whenever it is not a descent direction, and, given ``powell_restart=nu``
    (0.2 is Powell's value), when consecutive gradients are far from orthogonal,
    ``|g_k'g_{k-1}| >= nu |g_k|^2``. ``initial_step`` and ``line_search`` are the rules of
    ``step_rules.py``; the first trial step of the run is SciPy's, ``1.01 / |g|``, except with
    ``initial_step="hager-zhang"`` (rule I0 of ``hager_zhang.py``; its rule I1 costs one loss
    evaluation without gradient per iteration, counted in ``nfev``). ``c1, c2`` are the Wolfe
    parameters of whichever search runs (for ``line_search="hager-zhang"`` its ``delta`` and
    ``sigma``, with ``c1 < 0.5``).

    CG_DESCENT (Hager & Zhang 2005; Algorithm 851, 2006) is ``beta="hz"``,
    ``line_search="hager-zhang"``, ``initial_step="hager-zhang"``, ``c1=0.1``, ``c2=0.9`` with
    the default restart every ``n`` iterations (851's ``restart_fac = 1``); its ``beta`` makes
    every direction satisfy ``g'd <= -7/8 |g|^2`` whatever the line search.

    Defaults (``beta="hs-dy"``, ``c2 = 0.1``, N&W's value for CG: a nearly exact search keeps
    the directions conjugate; N&W's slope-ratio trial step; the Moré-Thuente search; no Powell
    restarts) were chosen on ``benchmarks/tune_second_order.py``'s problem set
    (Moré-Garbow-Hillstrom functions, 55 runs), not on the acceptance problems of
    ``benchmarks/second_order.py``. Of 160 combinations of beta (PR+, FR-PR, HS+, HS-DY, HZ),
    ``c2`` (0.1-0.4), trial step, search and Powell restarts: fewest runs unsolved (5; SciPy's
    CG 15), then the lowest ratio of evaluations to SciPy's CG summed over the runs both
    solved (17286 to 20013; the former defaults, PR+ with ``c2 = 0.2``, SciPy's trial step and
    the bracketing search: 7 unsolved, ratio 1.003). SciPy's CG: PR+ with ``c2 = 0.4``.

    CG_DESCENT's rules came later and were measured the same way on the same set
    (``tune_second_order.py cg --hager-zhang --jobs 1``; 24 candidates). In that run the
    defaults above leave 5 runs unsolved at ratio 0.872 (17586 to 20161); CG_DESCENT as
    published 6, at 0.737; the best candidate, HS-DY's ``beta`` with the Hager-Zhang search
    and initial steps and ``c1 = 0.1, c2 = 0.5``, 3 at 0.783 (15778 to 20161; ``c2 = 0.7``:
    3 at 0.800). It is not the default: on the acceptance problems of ``second_order.py`` it
    needs 2311 evaluations on 100-D Rosenbrock where the defaults above need fewer than SciPy's
    1296, a sign that the small problems of the tuning set do not speak for large ones.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim.second_order import minimize
        >>> res = minimize(lambda x: (x[0] - 1) ** 2 + 10 * (x[1] + 2) ** 2, np.zeros(2),
        ...                method="cg")
        >>> res.success, np.round(res.x, 5).tolist()
        (True, [1.0, -2.0])
    """
    if beta not in BETAS:
        raise ValueError(f"minimize(method='cg'): beta={beta!r}; choose one of {BETAS}")
    check_step_options("cg", initial_step, line_search)
    if line_search == "hager-zhang" and not c1 < 0.5:
        raise ValueError(
            f"minimize(method='cg'): c1={c1!r}; line_search='hager-zhang' needs c1 (its "
            "delta) below 0.5 (Hager & Zhang: 0.1, with c2 = sigma = 0.9)"
        )
    restart = obj.size if restart is None else int(restart)
    if restart <= 0:
        raise ValueError(f"minimize(method='cg'): restart={restart} must be positive")
    if powell_restart is not None and not powell_restart > 0.0:
        raise ValueError(
            f"minimize(method='cg'): powell_restart={powell_restart!r} must be positive or None"
        )
    directions = _Conjugate(obj, beta, restart, powell_restart, initial_step)
    return descend(obj, run, directions, LINE_SEARCHES[line_search], c1, c2)


class _Conjugate(Directions):
    """Nonlinear CG's directions: ``-g`` first and after every restart, then
    ``-g + beta d_prev`` (eq. 3.49); the trial steps of ``initial_step`` (see ``nonlinear_cg``)
    with no model step (CG directions have no natural length)."""

    def __init__(
        self, obj: Objective, beta: str, restart: int, powell_restart: float | None,
        initial_step: str,
    ) -> None:
        self.obj, self.beta, self.restart_every = obj, beta, restart
        self.powell_restart, self.initial_step = powell_restart, initial_step
        self.d: np.ndarray | None = None
        self.since_restart = 0

    def direction(self, at: Point) -> np.ndarray:
        return -at.g if self.d is None else self.d

    def restart(self) -> None:
        self.since_restart = 0

    def trial_step(
        self, at: Point, d: np.ndarray, slope: float, last: Step | None
    ) -> tuple[float, float | None]:
        if self.initial_step == "hager-zhang":
            if last is None:
                return first_step(at.x, at.f, at.g), None
            value_at = _loss_along(self.obj, at.x, d)
            return next_step(value_at, at.f, last.start.f, slope, last.alpha), None
        if last is None:  # SciPy's first trial step
            return 1.01 / max(float(np.linalg.norm(at.g)), 1e-300), None
        alpha0 = next_trial_step(
            self.initial_step, at.f, last.start.f, slope, last.alpha, last.slope
        )
        return alpha0, None

    def learn(self, step: Step) -> None:
        g, g_old, d = step.end.g, step.start.g, step.d
        self.since_restart += 1
        far = self.powell_restart is not None and (
            abs(float(g @ g_old)) >= self.powell_restart * float(g @ g)
        )
        if self.since_restart >= self.restart_every or far:
            b, self.since_restart = 0.0, 0
        else:
            b = cg_beta(self.beta, g, g_old, d)
        self.d = -g + b * d


def _loss_along(obj: Objective, x: np.ndarray, d: np.ndarray) -> Callable[[float], float]:
    """``a -> L(x + a d)``, the loss alone (one ``nfev``, no gradient), for rule I1."""

    def value_at(a: float) -> float:
        obj.nfev += 1
        return float(obj.fun(obj.tree(x + a * d)))

    return value_at
