"""Newton's method with adaptive Levenberg damping, for small problems (seed 003, section
3.5.6, eqs. 3.47-3.48).

Each step minimizes the quadratic Taylor model of the loss around ``x`` (eq. 3.47),
``m(d) = L(x) + g'd + d'Hd/2``, whose stationary point is the Newton step ``d = -H^{-1} g``
(eq. 3.48): it moves straight to the bottom of the quadratic bowl, with no learning rate. The
exact ``n x n`` Hessian comes from ``cr.hessian`` (about ``n`` Hessian-vector products), so this
is for problems with at most a few hundred parameters; ``method="hessian-free"`` never forms it.

Far from a minimum the model can be poor. Two safeguards, as in Martens' Hessian-free method:

* Levenberg damping: the step solves ``(H + lambda I) d = -g``. ``lambda`` is adapted by the
  reduction ratio ``rho = (L(x) - L(x + a d)) / (m(0) - m(a d))`` of actual to predicted
  decrease (``adapt_damping``: up by 3/2 when ``rho < 1/4``, down by up to 3x as ``rho``
  approaches 1),
  and raised at once (x4, no evaluation needed) while ``d`` is not a descent direction the
  model predicts a decrease for, e.g. where ``H`` has strongly negative curvature. ``lambda``
  starts at ``damping`` (default 0) and drops back to exactly 0 once the model is trusted, so
  near a minimum with a positive-definite Hessian the steps are pure Newton steps and
  convergence is quadratic.
* A strong-Wolfe line search along ``d``, trying the full step ``a = 1`` first (the
  iteration is ``descent.descend``'s).

As seed 003 (section 3.5.6.3) warns, a Newton step goes to the stationary point of the
model, whatever its kind: on ``x^2 - y^2`` it jumps straight to the saddle at the origin
whenever that lowers the loss: the safeguards only reject steps that would not decrease it.
"""

from __future__ import annotations

import numpy as np

from chainrule.optim.second_order.descent import Directions, Point, RunEnded, Step, descend
from chainrule.optim.second_order.line_search import strong_wolfe
from chainrule.optim.second_order.objective import Objective, SolverRun
from chainrule.optim.second_order.result import OptimizeResult

_MAX_RAISES = 60  # raises of the damping in one iteration before giving up


def adapt_damping(lam: float, rho: float, floor: float, smooth: bool = False) -> float:
    """Adapt Levenberg's ``lambda`` to the reduction ratio ``rho`` (actual / predicted decrease).

    Martens' rule (the default): up by 3/2 when the model over-promised (``rho < 1/4``; from 0
    it jumps to ``floor``), down by 2/3 when it was accurate (``rho > 3/4``). With ``smooth``,
    the decrease is Nielsen's ``max(1/3, 1 - (2 rho - 1)^3)`` for ``rho >= 1/4`` (Madsen,
    Nielsen & Tingleff 2004): down to a third when the model was exact, for Newton's method,
    whose model is the exact second-order one. Below ``floor / 1000`` it becomes exactly 0.

    Example:
        >>> adapt_damping(1.0, 0.1, 1e-3), adapt_damping(1.0, 0.5, 1e-3)
        (1.5, 1.0)
        >>> adapt_damping(1.0, 0.9, 1e-3), adapt_damping(0.0, 0.1, 2.0)
        (0.6666666666666666, 2.0)
        >>> adapt_damping(1.0, 1.0, 1e-3, smooth=True)
        0.3333333333333333
    """
    if rho < 0.25:
        return max(1.5 * lam, floor)
    if smooth:
        lam *= max(1.0 / 3.0, 1.0 - (2.0 * rho - 1.0) ** 3)
    elif rho > 0.75:
        lam *= 2.0 / 3.0
    return lam if lam >= 1e-3 * floor else 0.0


def reduction_ratio(step: Step, dHd: float) -> float:
    """``rho``: the decrease a line-search step achieved over the decrease the quadratic model
    ``f + a g'd + a^2 d'Hd / 2`` predicted for it (``dHd = d'Hd``); 0 where the model
    predicts none. ``rho`` drives the damping (``adapt_damping``).

    Example (the loss fell by 1 where the model promised 2):
        >>> import numpy as np
        >>> from chainrule.optim.second_order.descent import Point
        >>> x = g = np.zeros(1)
        >>> step = Step(Point(x, 3.0, g), np.ones(1), -3.0, 1.0, Point(x, 2.0, g))
        >>> reduction_ratio(step, 2.0)
        0.5
    """
    a, slope = step.alpha, step.slope
    predicted = -(a * slope + 0.5 * a * a * dHd)
    return (step.start.f - step.end.f) / predicted if predicted > 0.0 else 0.0


def damped_newton_step(
    H: np.ndarray, g: np.ndarray, damping: float
) -> tuple[np.ndarray, float] | None:
    """The step ``d`` solving ``(H + damping I) d = -g`` and the decrease
    ``-(g'd + d'Hd/2)`` that the undamped quadratic model predicts for it; None when the
    damped matrix is singular.

    Example (H = diag(2, 8), g = (2, 8): the Newton step is -(1, 1), predicted decrease 5):
        >>> import numpy as np
        >>> d, predicted = damped_newton_step(np.diag([2.0, 8.0]), np.array([2.0, 8.0]), 0.0)
        >>> d.tolist(), predicted
        ([-1.0, -1.0], 5.0)
    """
    A = H + damping * np.eye(H.shape[0]) if damping else H
    try:
        d = np.linalg.solve(A, -g)
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(d)):
        return None
    predicted = -(float(g @ d) + 0.5 * float(d @ (H @ d)))
    return d, predicted


def newton(
    obj: Objective, run: SolverRun, damping: float = 0.0, c1: float = 1e-4, c2: float = 0.9
) -> OptimizeResult:
    """Damped Newton's method on the exact Hessian (``method="newton"``).

    ``nhev`` counts Hessians formed (one per iteration).

    Example (a strictly convex quadratic: one Newton step is exact):
        >>> import numpy as np
        >>> from chainrule.optim.second_order import minimize
        >>> A = np.array([[3.0, 1.0], [1.0, 2.0]]); b = np.array([1.0, -1.0])
        >>> res = minimize(lambda x: 0.5 * x @ A @ x - b @ x, np.zeros(2), method="newton")
        >>> res.nit, np.allclose(res.x, np.linalg.solve(A, b)), res.nhev
        (1, True, 1)
    """
    if not float(damping) >= 0.0:
        raise ValueError(f"minimize(method='newton'): damping={damping!r} must be >= 0")
    directions = _DampedNewton(obj, run, float(damping))
    end = descend(obj, run, directions, strong_wolfe, c1, c2)
    return end if directions.H is None else _name_saddle(end, directions.H)


class _DampedNewton(Directions):
    """The step solving ``(H + lambda I) d = -g`` on the exact Hessian, damped harder (no
    evaluation) until it is a descent step the model predicts a decrease for; the full step
    first; ``lambda`` adapted to the reduction ratio of each step (module docstring)."""

    def __init__(self, obj: Objective, run: SolverRun, damping: float) -> None:
        self.obj, self.run, self.lam = obj, run, damping
        self.H: np.ndarray | None = None
        self.floor = self.dHd = 0.0

    def direction(self, at: Point) -> np.ndarray:
        H = self.H = self.obj.hessian(at.x)
        if not np.all(np.isfinite(H)):
            raise RunEnded(self.run.non_finite(*at, "Hessian"))
        # lambda's scale: the Hessian's typical diagonal entry (1 if the diagonal is zero)
        self.floor = 1e-3 * (float(np.mean(np.abs(np.diag(H)))) or 1.0)
        for _ in range(_MAX_RAISES):
            step = damped_newton_step(H, at.g, self.lam)
            if step is not None and step[1] > 0.0 and float(at.g @ step[0]) < 0.0:
                break
            # no solution, or not a descent step the model trusts: damp harder (no evaluation)
            self.lam = max(4.0 * self.lam, self.floor)
        else:
            why = f"no descent step even with damping {self.lam:.3g}"
            raise RunEnded(self.run.failed(*at, why))
        d = step[0]
        self.dHd = float(d @ (H @ d))
        return d

    def restart(self) -> None:
        """Never needed: ``direction`` returns descent steps only."""

    def trial_step(
        self, at: Point, d: np.ndarray, slope: float, last: Step | None
    ) -> tuple[float, float | None]:
        return 1.0, None  # the full Newton step

    def learn(self, step: Step) -> None:
        self.lam = adapt_damping(self.lam, reduction_ratio(step, self.dHd), self.floor,
                                 smooth=True)


def _name_saddle(end: OptimizeResult, H: np.ndarray) -> OptimizeResult:
    """A converged run whose last Hessian has a clearly negative eigenvalue stopped at a saddle
    point, not a minimum (seed 003, section 3.5.6.3: Newton's method is attracted to saddle
    points, where the gradient vanishes too); the message says so. ``success`` keeps SciPy's
    meaning: the gradient test was met."""
    if not end.success:
        return end
    eigenvalues = np.linalg.eigvalsh(0.5 * (H + H.T))
    if eigenvalues[0] < -1e-8 * max(1.0, float(np.max(np.abs(eigenvalues)))):
        end.message += (
            f"; but the Hessian has a negative eigenvalue ({eigenvalues[0]:.3g}) there: a "
            "saddle point, not a minimum (seed 003, section 3.5.6.3). Start elsewhere, or use a "
            "first-order method, which moves away from saddle points"
        )
    return end
