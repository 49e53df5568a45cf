"""Hessian-free optimization: truncated Newton with linear CG on exact Hessian-vector products
(seed 003, section 3.5.6.1; Martens, "Deep learning via Hessian-free optimization", ICML 2010).

Each outer step builds the quadratic model of eq. 3.47 at ``x`` and solves the damped Newton
system ``(H + lambda I) d = -g`` approximately with linear conjugate gradients, where every
product ``H p`` is one exact ``cr.hvp`` (forward-over-reverse, about the cost of two
gradients): the Hessian is never formed, so this scales to neural networks.

* CG stops when ``||r|| <= eta ||g||`` with the forcing term
  ``eta = min(0.5, sqrt(||g|| / ||g_0||))``: Nocedal & Wright's choice (algorithm 7.1; loose
  far away, tight near a minimum, so convergence is superlinear) made relative to the first
  gradient ``g_0``, so that it does not depend on the scale of the loss. CG also stops on
  Martens' test that the model has stopped improving, and after ``cg_maxiter`` products.
* Negative curvature: the exact Hessian (unlike Martens' Gauss-Newton matrix) can be
  indefinite. When CG meets ``p'(H + lambda I)p <= 0``, ``lambda`` is raised past the curvature
  found and the system solved again (up to 3 times; then the part solved so far is used, or a
  scaled steepest-descent step), which costs Hessian-vector products but no evaluations.
* ``lambda`` is adapted by the reduction ratio ``rho`` of actual to predicted decrease
  (Martens' Levenberg-Marquardt rule, ``adapt_damping``): ``rho < 1/4`` -> ``lambda * 3/2``;
  ``rho > 3/4`` -> ``lambda * 2/3``. It starts at ``damping`` (default 0: plain truncated
  Newton, like SciPy's Newton-CG); its smallest nonzero value is 1e-3 times the largest
  curvature CG has seen.
* The step length along ``d`` comes from the strong-Wolfe line search, trying ``alpha = 1``
  first (Martens backtracks along ``d`` for the same reason: the model can be wrong).
* ``warm_start`` (Martens' ``zeta``, e.g. 0.95) starts CG from that multiple of the last step
  instead of from 0, at the cost of one extra Hessian-vector product per outer step. Martens
  found it helps on deep networks; on the small Iris network of the tests it changes little.
  Off by default.

Not here: Martens' Gauss-Newton curvature matrix (it needs the loss split into model and
output loss, while ``minimize`` sees only a scalar function) and his diagonal preconditioner.
"""

from __future__ import annotations

import math

import numpy as np

from chainrule.optim.second_order.conjugate_gradient import conjugate_gradient
from chainrule.optim.second_order.descent import Directions, Point, RunEnded, Step, descend
from chainrule.optim.second_order.line_search import strong_wolfe
from chainrule.optim.second_order.newton import adapt_damping, reduction_ratio
from chainrule.optim.second_order.objective import Objective, SolverRun
from chainrule.optim.second_order.result import OptimizeResult

_RESOLVES = 3  # re-solves with more damping after negative curvature, per outer step


class _NonFiniteProduct(Exception):
    """A Hessian-vector product came back with inf or nan."""


def hessian_free(
    obj: Objective,
    run: SolverRun,
    damping: float = 0.0,
    cg_maxiter: int | None = None,
    warm_start: float = 0.0,
    progress_tol: float | None = 5e-4,
    c1: float = 1e-4,
    c2: float = 0.9,
) -> OptimizeResult:
    """Hessian-free (truncated Newton) minimization (``method="hessian-free"``).

    ``nhev`` counts Hessian-vector products; each costs about two gradient evaluations.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim.second_order import minimize
        >>> rosen = lambda x: np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
        >>> res = minimize(rosen, np.zeros(4), method="hessian-free")
        >>> res.success, np.round(res.x, 4).tolist()
        (True, [1.0, 1.0, 1.0, 1.0])
    """
    lam = float(damping)
    if not lam >= 0.0:
        raise ValueError(f"minimize(method='hessian-free'): damping={damping!r} must be >= 0")
    if not 0.0 <= warm_start < 1.0:
        raise ValueError(
            f"minimize(method='hessian-free'): warm_start={warm_start!r} must be in [0, 1)"
        )
    cg_maxiter = min(2 * obj.size, 250) if cg_maxiter is None else int(cg_maxiter)
    if cg_maxiter < 1:
        raise ValueError(f"minimize(method='hessian-free'): cg_maxiter={cg_maxiter} must be >= 1")
    if progress_tol is not None and not progress_tol > 0.0:
        raise ValueError(
            f"minimize(method='hessian-free'): progress_tol={progress_tol!r} must be positive, "
            "or None to turn Martens' progress test off"
        )
    directions = _TruncatedNewton(obj, run, lam, cg_maxiter, warm_start, progress_tol)
    return descend(obj, run, directions, strong_wolfe, c1, c2)


class _TruncatedNewton(Directions):
    """The damped Newton step solved by linear CG on Hessian-vector products (module
    docstring); the full step first; ``lambda`` adapted to each step's reduction ratio."""

    def __init__(
        self, obj: Objective, run: SolverRun, damping: float, cg_maxiter: int,
        warm_start: float, progress_tol: float | None,
    ) -> None:
        self.obj, self.run, self.lam = obj, run, damping
        self.cg_maxiter, self.warm_start, self.progress_tol = cg_maxiter, warm_start, progress_tol
        self.floor = 0.0  # the smallest useful nonzero damping: 1e-3 x the largest curvature
        self.g0: float | None = None  # the first gradient's norm, for the forcing term
        self.last_step: np.ndarray | None = None
        self.dHd = math.nan

    def direction(self, at: Point) -> np.ndarray:
        x, g = at.x, at.g
        gnorm = float(np.linalg.norm(g))
        if self.g0 is None:
            self.g0 = gnorm
        eta = min(0.5, math.sqrt(gnorm / self.g0))  # the forcing term: relative CG tolerance
        last, lam = self.last_step, self.lam
        start = self.warm_start * last if self.warm_start and last is not None else None
        for attempt in range(_RESOLVES + 1):
            try:
                sol = conjugate_gradient(
                    _damped_hvp(self.obj, x, lam), -g, x0=start, rtol=eta,
                    maxiter=self.cg_maxiter, progress_tol=self.progress_tol,
                )
            except _NonFiniteProduct:
                raise RunEnded(self.run.non_finite(*at, "Hessian-vector product")) from None
            low, high = sol.curvature
            if high - lam > 0.0:
                self.floor = max(self.floor, 1e-3 * (high - lam))
            if sol.reason != "negative curvature" or attempt == _RESOLVES:
                break
            # The damped model is not convex along some direction p (p'(H + lam I)p <= 0):
            # damp past the curvature found and solve again, as Newton's method does.
            raised = max(1.5 * lam, lam - 2.0 * low, self.floor)
            if not raised > lam:
                break
            lam = raised
        self.lam = lam
        d = sol.x
        # the undamped model's curvature along d: A d = b - r = -g - r, and H = A - lambda I
        self.dHd = float(d @ (-g - sol.residual)) - lam * float(d @ d)
        return d

    def restart(self) -> None:
        """A warm start can point uphill: the step is steepest descent, with no model."""
        self.dHd = math.nan

    def trial_step(
        self, at: Point, d: np.ndarray, slope: float, last: Step | None
    ) -> tuple[float, float | None]:
        return 1.0, None  # the full step, as Martens backtracks from it

    def learn(self, step: Step) -> None:
        self.lam = adapt_damping(self.lam, reduction_ratio(step, self.dHd), self.floor)
        self.last_step = step.alpha * step.d


def _damped_hvp(obj: Objective, x: np.ndarray, lam: float):
    """``v -> (H + lam I) v`` at ``x``; raises on a non-finite product."""

    def product(v: np.ndarray) -> np.ndarray:
        hv = obj.hvp(x, v)
        if not np.all(np.isfinite(hv)):
            raise _NonFiniteProduct
        return hv + lam * v if lam else hv

    return product
