"""Optimizer runs recorded point by point, for drawing on contour plots. The steps are made by
chainrule's own optimizers (``chainrule.optim``: ``Optimizer.step`` with the gradient function
``cr.grad(f)``, taken at the lookahead point for Nesterov) and by ``optim.minimize`` for
Newton's method; nothing here re-implements an update rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from chainrule.optim import GradientTransformation, Optimizer, minimize
from chainrule.transforms import grad

TARGET_LOSS = 1e-6


@dataclass
class Trajectory:
    """The iterates ``points`` (shape (steps + 1, 2), the start first) of one run with their
    losses, and the step at which the loss first fell to ``target`` (None if it never did).

    Example:
        >>> import numpy as np
        >>> t = Trajectory("GD", np.zeros((3, 2)), np.array([1.0, 1e-3, 1e-7]), 2, 1e-6)
        >>> t.steps, t.legend
        (2, 'GD: L <= 1e-6 after 2 steps')
    """

    label: str
    points: np.ndarray
    losses: np.ndarray
    steps_to_target: int | None
    target: float

    @property
    def steps(self) -> int:
        """Number of steps taken (points minus the start)."""
        return len(self.points) - 1

    @property
    def final(self) -> np.ndarray:
        """The last iterate."""
        return self.points[-1]

    @property
    def step_lengths(self) -> np.ndarray:
        """Euclidean length of every step, in order."""
        return np.linalg.norm(np.diff(self.points, axis=0), axis=1)

    @property
    def legend(self) -> str:
        """The legend entry: the label and how many steps it needed (the numbers the figures
        print are these)."""
        if self.steps_to_target is not None:
            return (f"{self.label}: L <= {short_number(self.target)} after "
                    f"{plural(self.steps_to_target)}")
        return f"{self.label}: L = {self.losses[-1]:.2g} after {plural(self.steps)}"


def short_number(x: float) -> str:
    """``x`` in ``%g`` style without exponent padding: ``1e-6``, not ``1e-06``.

    Example:
        >>> short_number(1e-6), short_number(0.25)
        ('1e-6', '0.25')
    """
    return f"{x:g}".replace("e-0", "e-").replace("e+0", "e+")


def plural(n: int, word: str = "step") -> str:
    """``"1 step"``, ``"2 steps"``.

    Example:
        >>> plural(1), plural(92)
        ('1 step', '92 steps')
    """
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def descend(tx: GradientTransformation, f: Callable[[Any], Any], start: Sequence[float],
            max_steps: int, label: str, target: float | None = TARGET_LOSS) -> Trajectory:
    """Run ``Optimizer(tx)`` on the loss ``f`` of one 2-vector from ``start`` for at most
    ``max_steps`` steps, stopping once the loss is at most ``target`` (never, when ``target``
    is None); gradients by ``cr.grad(f)``.

    Example (seed 003, Figure 3.9(a): one step of size 0.5 reaches the circle's centre):
        >>> import numpy as np
        >>> from chainrule import optim
        >>> from chainrule.figures.surfaces import circular_bowl
        >>> t = descend(optim.sgd(0.5), circular_bowl, (-1.5, 1.0), 10, "GD")
        >>> t.points.tolist(), t.steps_to_target
        ([[-1.5, 1.0], [0.0, 0.0]], 1)
    """
    if not isinstance(max_steps, int) or max_steps < 1:
        raise ValueError(f"descend: max_steps must be a positive integer, got {max_steps!r}")
    w = np.asarray(start, dtype=np.float64)
    if w.shape != (2,):
        raise ValueError(f"descend: start must be a point (x, y), got shape {w.shape}")
    opt, gradient = Optimizer(tx), grad(f)
    points, losses, reached = [w], [float(f(w))], None
    if target is not None and losses[0] <= target:
        reached = 0
    while reached is None and len(points) <= max_steps:
        w = opt.step(w, gradient)
        points.append(w)
        losses.append(float(f(w)))
        if target is not None and losses[-1] <= target:
            reached = len(points) - 1
    return Trajectory(label, np.array(points), np.array(losses), reached,
                      TARGET_LOSS if target is None else float(target))


def newton_path(f: Callable[[Any], Any], start: Sequence[float], label: str = "Newton",
                maxiter: int = 20) -> tuple[Trajectory, Any]:
    """The iterates of ``optim.minimize(f, start, method="newton")`` (seed 003, eq. 3.48),
    recorded by its callback; returns the trajectory and the ``OptimizeResult``.
    ``steps_to_target`` is the iteration at which the gradient vanished (``success``).

    Example (seed 003, section 3.5.6.3: one Newton step lands on the saddle of x^2 - y^2):
        >>> from chainrule.figures.surfaces import saddle
        >>> t, res = newton_path(saddle, (1.0, 0.3))
        >>> t.points.tolist(), res.nit, res.success
        ([[1.0, 0.3], [0.0, 0.0]], 1, True)
    """
    x0 = np.asarray(start, dtype=np.float64)
    points = [x0]
    res = minimize(f, x0, method="newton", maxiter=maxiter,
                   callback=lambda r: points.append(np.asarray(r.x, dtype=np.float64)))
    pts = np.array(points)
    losses = np.array([float(f(p)) for p in pts])
    traj = Trajectory(label, pts, losses, res.nit if res.success else None, 0.0)
    return traj, res
