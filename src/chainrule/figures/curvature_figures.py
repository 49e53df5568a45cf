"""Where first-order steps and Newton steps go wrong: a cliff, where an unclipped gradient step
overshoots far past the minimum and a clipped one does not (seed 003, sections 3.5.4-3.5.5,
Figure 3.13), and the saddle x^2 - y^2, onto which Newton's method jumps while gradient
descent escapes (section 3.5.6.3, Figure 3.17(b)).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule import optim
from chainrule.figures import canvas
from chainrule.figures.surfaces import CLIFF_MINIMUM, cliff, saddle
from chainrule.figures.trajectories import Trajectory, descend, newton_path, plural
from chainrule.jacobians import hessian
from chainrule.optim.second_order import damped_newton_step
from chainrule.transforms import grad

CLIFF_START = (-2.0, 1.5)
CLIFF_RATE = 1.0
CLIFF_MAX_NORM = 1.0
CLIFF_STEPS = 40
SADDLE_START = (1.0, 0.3)
SADDLE_RATE = 0.1
SADDLE_STEPS = 12


def cliff_runs() -> dict[str, Trajectory]:
    """Gradient descent with step 1 on ``surfaces.cliff`` from (-2, 1.5) for 40 steps, plain
    (``optim.sgd``) and with the gradient clipped to norm 1 first
    (``optim.chain(optim.clip_global_norm(1.0), optim.sgd(1.0))``, seed 003, section 3.5.5).

    Example (the plain run's longest step is the jump off the cliff):
        >>> runs = cliff_runs()
        >>> [round(float(r.step_lengths.max()), 1) for r in runs.values()]
        [11.5, 1.0]
    """
    clipped = optim.chain(optim.clip_global_norm(CLIFF_MAX_NORM), optim.sgd(CLIFF_RATE))
    return {
        "plain": descend(optim.sgd(CLIFF_RATE), cliff, CLIFF_START, CLIFF_STEPS,
                         f"gradient descent, α={CLIFF_RATE:g}", target=None),
        "clipped": descend(clipped, cliff, CLIFF_START, CLIFF_STEPS,
                           f"clipped to norm {CLIFF_MAX_NORM:g}, α={CLIFF_RATE:g}", target=None),
    }


def _cliff_legend(run: Trajectory) -> str:
    jump = float(run.step_lengths.max())
    miss = float(np.linalg.norm(run.final - np.array(CLIFF_MINIMUM)))
    return f"{run.label}: longest step {jump:.2g}, ends {miss:.2g} from the minimum"


def make_cliff(out_dir: str | os.PathLike, fmt: str = "png") -> list[str]:
    """Write ``fig3_13_cliff_clipping.<fmt>`` (1200 x 500 pixels): both runs of ``cliff_runs``
    on the contour plot, and on the slice y = 0 of the loss.

    Example (draws with matplotlib; the tests check the picture):
        >>> import tempfile
        >>> make_cliff(tempfile.mkdtemp())  # doctest: +SKIP
        ['/tmp/.../fig3_13_cliff_clipping.png']
    """
    runs = cliff_runs()
    colors = {"plain": "tab:red", "clipped": "tab:blue"}
    fig = canvas.new_figure(12, 5)
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.3, 1]})
    canvas.contour_panel(left, cliff, (-3, 14), (-2, 2), levels=np.linspace(0.1, 5.5, 19),
                         title="paths (the same until the edge; contours crowd at the "
                         "cliff, x = 1)")
    xs = np.linspace(-3, 14, 800)
    right.plot(xs, cliff(np.stack([xs, np.zeros_like(xs)])), color="0.4", linewidth=1.2,
               label="L(x, 0): plateau, cliff, floor")
    for name, run in runs.items():
        canvas.draw_path(left, run.points, _cliff_legend(run), colors[name], markersize=3)
        right.plot(run.points[:, 0], run.losses, "o-", color=colors[name], markersize=3,
                   linewidth=0.8, label=f"{run.label}: iterates (x, L)")
    canvas.mark_point(left, CLIFF_MINIMUM, "minimum (4, 0)")
    left.legend(loc="lower right", fontsize=7.5)
    right.set_xlabel("x")
    right.set_ylabel("loss L")
    right.set_title("the slice y = 0: one step off the edge lands at x ≈ 12", fontsize=10)
    right.legend(loc="upper right", fontsize=7.5)
    right.grid(alpha=0.3)
    fig.suptitle("Figure 3.13 / section 3.5.5: a cliff, gradient descent from (-2, 1.5) with "
                 "and without gradient clipping")
    fig.tight_layout()
    return [canvas.save(fig, out_dir, "fig3_13_cliff_clipping", fmt)]


def newton_step(f: Callable[[Any], Any], w: Any) -> np.ndarray:
    """The undamped Newton step target ``w - H^{-1} g`` (seed 003, eq. 3.48) with the exact
    Hessian ``cr.hessian(f)`` and gradient ``cr.grad(f)``, solved by
    ``optim.second_order.damped_newton_step`` with damping 0.

    Example (from any start, x^2 - y^2 sends it to the saddle):
        >>> import numpy as np
        >>> from chainrule.figures.surfaces import saddle
        >>> newton_step(saddle, np.array([0.2, -1.5])).tolist()
        [0.0, 0.0]
    """
    w = np.asarray(w, dtype=np.float64)
    step = damped_newton_step(hessian(f)(w), grad(f)(w), 0.0)
    if step is None:
        raise ValueError(f"newton_step: the Hessian at {w.tolist()} is singular")
    return w + step[0]


def saddle_runs() -> dict[str, Trajectory]:
    """Newton's method (``optim.minimize(method="newton")``) and gradient descent with step 0.1
    (12 steps) on x^2 - y^2 from (1, 0.3). Newton lands on the saddle (0, 0) in one step and
    stops there, its gradient being zero; gradient descent shrinks x by 0.8 and grows y by 1.2
    per step, so it escapes along y.

    Example:
        >>> runs = saddle_runs()
        >>> runs["newton"].points.tolist(), round(float(runs["gd"].final[1]), 3)
        ([[1.0, 0.3], [0.0, 0.0]], 2.675)
    """
    newton, _ = newton_path(saddle, SADDLE_START, "Newton (minimize, method='newton')")
    gd = descend(optim.sgd(SADDLE_RATE), saddle, SADDLE_START, SADDLE_STEPS,
                 f"gradient descent, α={SADDLE_RATE:g}", target=None)
    return {"newton": newton, "gd": gd}


def make_saddle(out_dir: str | os.PathLike, fmt: str = "png") -> list[str]:
    """Write ``fig3_17_saddle_newton.<fmt>`` (1200 x 520 pixels): the runs of ``saddle_runs``
    with pure Newton steps from eight more starts, and g per step.

    Example (draws with matplotlib; the tests check the picture):
        >>> import tempfile
        >>> make_saddle(tempfile.mkdtemp(), "svg")  # doctest: +SKIP
        ['/tmp/.../fig3_17_saddle_newton.svg']
    """
    runs = saddle_runs()
    fig = canvas.new_figure(12, 5.2)
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1]})
    canvas.contour_panel(left, saddle, (-3, 3), (-3, 3), levels=np.linspace(-8, 3.5, 24),
                         title="g(x, y) = x² - y²: Newton steps end on the saddle")
    angles = np.linspace(0, 2 * np.pi, 8, endpoint=False) + 0.7  # away from the runs' start
    for k, a in enumerate(angles):
        start = 1.6 * np.array([np.cos(a), np.sin(a)])
        end = newton_step(saddle, start)
        left.annotate("", xy=end, xytext=start,
                      arrowprops={"arrowstyle": "->", "color": "0.55", "lw": 0.9})
        if k == 0:
            left.plot([], [], color="0.55", label="pure Newton steps from 8 other starts")
    newton, gd = runs["newton"], runs["gd"]
    canvas.draw_path(left, gd.points, f"{gd.label}: |y| from {abs(gd.points[0, 1]):g} to "
                     f"{abs(gd.final[1]):.2f} in {plural(gd.steps)}", "tab:red")
    canvas.draw_path(left, newton.points,
                     f"{newton.label}: at (0, 0) after {plural(newton.steps)}", "tab:orange",
                     linewidth=2.5)
    canvas.mark_point(left, (0.0, 0.0), "saddle")
    left.set_aspect("equal")
    left.legend(loc="lower left", fontsize=7.5)
    right.plot(np.arange(newton.steps + 1), newton.losses, "o-", color="tab:orange",
               label="Newton: stays at g = 0 (gradient 0, 'converged')")
    right.plot(np.arange(gd.steps + 1), gd.losses, "o-", color="tab:red",
               label="gradient descent: keeps going down along y")
    right.set_xlabel("step")
    right.set_ylabel("g(x, y)")
    right.set_title("loss per step", fontsize=10)
    right.legend(loc="lower left", fontsize=8)
    right.grid(alpha=0.3)
    fig.suptitle("Figure 3.17(b) / section 3.5.6.3: Newton's method jumps to the saddle, "
                 "gradient descent escapes it")
    fig.tight_layout()
    return [canvas.save(fig, out_dir, "fig3_17_saddle_newton", fmt)]
