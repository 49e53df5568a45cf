"""Conjugate gradients, linear and nonlinear (seed 003, section 3.5.6.1, eqs. 3.49-3.50).

*Linear* CG solves ``A x = b`` for a symmetric ``A`` seen only through products ``A @ p``: in
Hessian-free optimization ``A`` is the (damped) Hessian and each product is one exact
Hessian-vector product from ``cr.hvp``, so no Hessian is ever formed. *Nonlinear* CG
minimizes a loss directly: each new direction is the negative gradient plus ``beta`` times the
previous direction (eq. 3.49), and the step along it comes from a strong-Wolfe line search.
Eq. 3.50's ``beta`` needs the Hessian; the Fletcher-Reeves and Polak-Ribiere formulas use
gradients only and equal it on a quadratic with exact line searches.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np

from chainrule.optim.second_order.line_search import strong_wolfe
from chainrule.optim.second_order.more_thuente import step_from_previous_decrease
from chainrule.optim.second_order.objective import Objective, Run
from chainrule.optim.second_order.result import OptimizeResult


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


_BETAS = ("pr+", "pr", "fr")


def nonlinear_cg(
    obj: Objective,
    run: Run,
    beta: str = "pr+",
    c1: float = 1e-4,
    c2: float = 0.2,
    restart: int | None = None,
    powell_restart: float | None = None,
) -> OptimizeResult:
    """Nonlinear conjugate gradients with a strong-Wolfe line search (``method="cg"``).

    ``beta``: ``"pr+"`` Polak-Ribiere clipped at 0 (the default: it restarts by itself when
    progress stalls), ``"pr"`` Polak-Ribiere, ``"fr"`` Fletcher-Reeves. The direction is reset
    to the negative gradient every ``restart`` iterations (default: the number of parameters),
    whenever it is not a descent direction, and, given ``powell_restart=nu`` (0.2 is Powell's
    value), when consecutive gradients are far from orthogonal, ``|g_k'g_{k-1}| >= nu |g_k|^2``.
    ``c2 = 0.2`` (SciPy: 0.4) keeps the line search close to exact, which conjugacy needs;
    it and leaving Powell's test off were chosen on ``benchmarks/second_order.py``, where they
    needed the fewest evaluations overall. The first trial step of each search is SciPy's
    guess from the previous decrease.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim.second_order import minimize
        >>> res = minimize(lambda x: (x[0] - 1) ** 2 + 10 * (x[1] + 2) ** 2, np.zeros(2),
        ...                method="cg")
        >>> res.success, np.round(res.x, 5).tolist()
        (True, [1.0, -2.0])
    """
    if beta not in _BETAS:
        raise ValueError(f"minimize(method='cg'): beta={beta!r}; choose one of {_BETAS}")
    restart = obj.size if restart is None else int(restart)
    if restart <= 0:
        raise ValueError(f"minimize(method='cg'): restart={restart} must be positive")
    if powell_restart is not None and not powell_restart > 0.0:
        raise ValueError(
            f"minimize(method='cg'): powell_restart={powell_restart!r} must be positive or None"
        )
    x = obj.x0.copy()
    f, g = obj.value_and_grad(x)
    end = run.check(x, f, g)
    if end is not None:
        return end
    d = -g
    since_restart = 0
    f_prev = f + 0.5 * float(np.linalg.norm(g))  # makes the first trial step of length ~1
    while True:
        slope = float(g @ d)
        if not slope < 0.0:
            d, slope, since_restart = -g, -float(g @ g), 0
        alpha0 = step_from_previous_decrease(f, f_prev, slope)
        ls = strong_wolfe(obj.along(x, d), f, slope, alpha0=alpha0, c1=c1, c2=c2)
        if not ls.success:
            return run.line_search_failed(x, f, g, ls)
        x, (g_old, g) = ls.payload[0], (g, ls.payload[1])
        f_prev, f = f, ls.f
        end = run.step(x, f, g)
        if end is not None:
            return end
        since_restart += 1
        gg_old = float(g_old @ g_old)
        far = powell_restart is not None and (
            abs(float(g @ g_old)) >= powell_restart * float(g @ g)
        )
        if since_restart >= restart or far:
            b, since_restart = 0.0, 0
        elif beta == "fr":
            b = float(g @ g) / gg_old
        else:
            b = float(g @ (g - g_old)) / gg_old
            if beta == "pr+":
                b = max(b, 0.0)
        d = -g + b * d
