"""The iteration every line-search method here shares, so that each method says only what is
its own: its search direction and what it learns from a step.

BFGS, L-BFGS, nonlinear CG, Newton and Hessian-free all repeat one block (seed 003, section
3.5.6; Nocedal & Wright, *Numerical Optimization*, 2nd ed., chapter 3, "line search methods"):

1. a search direction ``d`` at the point ``(x, f, g)``: the method's own rule (``-G g``,
   ``-g + beta d_prev``, the damped Newton step, ...);
2. if ``d`` is not downhill (``g'd >= 0``, e.g. rounding spoiled a quasi-Newton matrix), the
   method forgets what it has learnt and ``d = -g``;
3. the first trial step ``alpha0`` along ``d``, and the step at which the direction's own
   model has its minimum (1 for (quasi-)Newton directions, None for CG's), the method's rules;
4. a line search along ``d`` (any of ``step_rules.LINE_SEARCHES``: they share the signature
   of ``line_search.LineSearch``), whose gradient at the accepted point is kept;
5. the move to the new point: ``SolverRun.step`` counts the iteration, calls the callback and
   tests for the end (gradient norm, maxiter, non-finite values);
6. the method learns from the step (a curvature pair, CG's ``beta``, Newton's damping).

``descend`` is that block; a method is a ``Directions`` whose ``direction``, ``restart``,
``trial_step`` and ``learn`` are steps 1, 2, 3 and 6.
"""

from __future__ import annotations

import abc
import dataclasses
from typing import NamedTuple

import numpy as np

from chainrule.optim.second_order.line_search import LineSearch
from chainrule.optim.second_order.objective import Objective, SolverRun
from chainrule.optim.second_order.result import OptimizeResult


class Point(NamedTuple):
    """An iterate: the flat point ``x``, the loss ``f`` and the gradient ``g`` there."""

    x: np.ndarray
    f: float
    g: np.ndarray


@dataclasses.dataclass
class Step:
    """One iteration: from ``start`` along ``d`` (slope ``g'd``) by the accepted step ``alpha``
    to ``end``. ``s`` and ``y`` are the changes of point and gradient (the curvature pair of
    the quasi-Newton methods, seed 003, eq. 3.55)."""

    start: Point
    d: np.ndarray
    slope: float
    alpha: float
    end: Point

    @property
    def s(self) -> np.ndarray:
        return self.end.x - self.start.x

    @property
    def y(self) -> np.ndarray:
        return self.end.g - self.start.g


class RunEnded(Exception):
    """Raised by ``Directions.direction`` when the run cannot go on (a non-finite Hessian, no
    descent step); carries the run's final result."""

    def __init__(self, result: OptimizeResult) -> None:
        super().__init__(result.message)
        self.result = result


class Directions(abc.ABC):
    """A line-search method's own rules: where to search and what to learn from each step.
    Subclasses define the four steps of the module docstring."""

    @abc.abstractmethod
    def direction(self, at: Point) -> np.ndarray:
        """The search direction at ``at``; may raise ``RunEnded``."""

    @abc.abstractmethod
    def restart(self) -> None:
        """Forget what was learnt: the direction at this point was not downhill and the
        iteration goes along ``-g`` instead."""

    @abc.abstractmethod
    def trial_step(
        self, at: Point, d: np.ndarray, slope: float, last: Step | None
    ) -> tuple[float, float | None]:
        """``(alpha0, model_step)``: the first trial step along ``d`` (slope ``slope = g'd``)
        and the step the direction is scaled for, or None; ``last`` is the previous
        iteration (None on the first)."""

    @abc.abstractmethod
    def learn(self, step: Step) -> None:
        """Take in the step just made (it did not end the run)."""


def descend(
    obj: Objective,
    run: SolverRun,
    method: Directions,
    line_search: LineSearch,
    c1: float,
    c2: float,
) -> OptimizeResult:
    """Run the shared iteration (see the module docstring) from ``obj.x0`` until ``run`` says
    it ends, searching with ``line_search`` and the Wolfe constants ``c1, c2``.

    Example (steepest descent with unit trial steps, as a ``Directions`` of four lines):
        >>> import numpy as np
        >>> from chainrule.optim.second_order import Objective, SolverRun
        >>> from chainrule.optim.second_order.line_search import strong_wolfe
        >>> class SteepestDescent(Directions):
        ...     def direction(self, at): return -at.g
        ...     def restart(self): pass
        ...     def trial_step(self, at, d, slope, last): return 1.0, None
        ...     def learn(self, step): pass
        >>> obj = Objective(lambda x: np.sum((x - 3.0) ** 2), np.zeros(2))
        >>> run = SolverRun(obj, "demo", tol=1e-8, maxiter=50, callback=None)
        >>> res = descend(obj, run, SteepestDescent(), strong_wolfe, 1e-4, 0.1)
        >>> res.success, res.x.tolist(), res.nit
        (True, [3.0, 3.0], 1)
    """
    x = obj.x0.copy()
    f, g = obj.value_and_grad(x)
    end = run.check(x, f, g)
    at, last = Point(x, f, g), None
    while end is None:
        try:
            d = method.direction(at)
        except RunEnded as stop:
            return stop.result
        slope = float(at.g @ d)
        if not slope < 0.0:
            method.restart()
            d, slope = -at.g, -float(at.g @ at.g)
        alpha0, model_step = method.trial_step(at, d, slope, last)
        ls = line_search(obj.along(at.x, d), at.f, slope, alpha0, c1, c2, model_step)
        if not ls.success:
            return run.line_search_failed(at.x, at.f, at.g, ls)
        x_new, g_new = ls.payload
        last = Step(at, d, slope, ls.alpha, Point(x_new, ls.f, g_new))
        at = last.end
        end = run.step(at.x, at.f, at.g)
        if end is None:
            method.learn(last)
    return end
