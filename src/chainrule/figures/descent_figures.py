"""First-order optimizers on contour plots: seed 003, Figure 3.9 (steepest descent on a circular
and an elliptical bowl, section 3.4.1), Figure 3.11 (momentum smoothing the zig-zag, section
3.5.2), and gradient descent, momentum, Nesterov and Adam on the elliptical bowl and on the
Rosenbrock valley (sections 3.5.2-3.5.3.5). Each figure has a ``*_runs`` function returning the
trajectories it draws (so the step counts in the legends can be checked) and a ``make_*``
function writing the picture.
"""

from __future__ import annotations

import os

import numpy as np

from chainrule import optim
from chainrule.figures import canvas
from chainrule.figures.surfaces import circular_bowl, elliptical_bowl, rosenbrock
from chainrule.figures.trajectories import Trajectory, descend

BOWL_START = (-1.5, 1.0)
ROSENBROCK_START = (-1.2, 1.0)
ROSENBROCK_STEPS = 2000
COLORS = {"gd": "tab:red", "momentum": "tab:blue", "nesterov": "tab:green",
          "adam": "tab:purple"}

# Figure 3.11, left: one step size for both, near GD's stability limit 1/4 along y (curvature
# 8), where gradient descent zig-zags; beta = 0.2 is close to the best heavy-ball friction for
# curvatures 2 and 8, ((sqrt(8) - sqrt(2)) / (sqrt(8) + sqrt(2)))^2 = 1/9.
SAME_RATE = 0.24
SAME_RATE_BETA = 0.2
# Figure 3.11, right: each method at a good setting of its own. GD: the best fixed step for
# curvatures 2 and 8, 2 / (2 + 8); momentum: the heavy-ball optimum alpha = 4 / (sqrt(8) +
# sqrt(2))^2 = 2/9, beta = 1/9; Nesterov (the seed's form, gradient at W + beta V) is unstable
# along y at alpha = 0.24, so it runs at 0.15; Adam at the usual 0.1 for a problem of this scale.
TUNED = {
    "gd": ("gradient descent, α=0.2", lambda: optim.sgd(0.2)),
    "momentum": ("momentum, α=2/9, β=1/9", lambda: optim.momentum(2 / 9, 1 / 9)),
    "nesterov": ("Nesterov, α=0.15, β=0.5", lambda: optim.nesterov_lookahead(0.15, 0.5)),
    "adam": ("Adam, α=0.1", lambda: optim.adam(0.1)),
}
ROSENBROCK = {
    "gd": ("gradient descent, α=1e-3", lambda: optim.sgd(1e-3)),
    "momentum": ("momentum, α=1e-3, β=0.9", lambda: optim.momentum(1e-3, 0.9)),
    "nesterov": ("Nesterov, α=1e-3, β=0.9", lambda: optim.nesterov_lookahead(1e-3, 0.9)),
    "adam": ("Adam, α=0.1", lambda: optim.adam(0.1)),
}


def bowl_runs() -> dict[str, Trajectory]:
    """Figure 3.9: gradient descent with step 0.5 on x^2 + y^2 (one step to the centre, as the
    seed says "as long as the correct step-size is used") and with GD's best fixed step 0.2 on
    x^2 + 4y^2 (zig-zag), both from (-1.5, 1), until L <= 1e-6.

    Example:
        >>> runs = bowl_runs()
        >>> runs["circle"].steps_to_target, runs["ellipse"].steps_to_target
        (1, 16)
    """
    return {
        "circle": descend(optim.sgd(0.5), circular_bowl, BOWL_START, 100,
                          "gradient descent, α=0.5"),
        "ellipse": descend(optim.sgd(0.2), elliptical_bowl, BOWL_START, 500,
                           "gradient descent, α=0.2"),
    }


def make_fig3_9(out_dir: str | os.PathLike, fmt: str = "png") -> list[str]:
    """Write ``fig3_9_bowls.<fmt>`` (1100 x 460 pixels): the two bowls of Figure 3.9 with the
    gradient-descent paths of ``bowl_runs``.

    Example (draws with matplotlib; the tests check the picture):
        >>> import tempfile
        >>> make_fig3_9(tempfile.mkdtemp())  # doctest: +SKIP
        ['/tmp/.../fig3_9_bowls.png']
    """
    runs = bowl_runs()
    fig = canvas.new_figure(11, 4.6)
    left, right = fig.subplots(1, 2)
    panels = ((left, circular_bowl, runs["circle"], "(a) circular bowl L = x² + y²"),
              (right, elliptical_bowl, runs["ellipse"], "(b) elliptical bowl L = x² + 4y²"))
    for ax, f, run, title in panels:
        canvas.contour_panel(ax, f, (-2, 2), (-1.3, 1.3), levels=[0.05, 0.2, 0.5, 1, 2, 3, 4, 6],
                             title=title)
        ax.set_aspect("equal")
        canvas.draw_path(ax, run.points, run.legend, COLORS["gd"])
        canvas.mark_point(ax, (0.0, 0.0), "minimum")
        ax.legend(loc="lower right", fontsize=8)
    fig.suptitle("Figure 3.9: steepest descent from (-1.5, 1): one step on the circle, "
                 "zig-zag on the ellipse")
    fig.tight_layout()
    return [canvas.save(fig, out_dir, "fig3_9_bowls", fmt)]


def momentum_runs() -> dict[str, dict[str, Trajectory]]:
    """Figure 3.11 and the comparison on x^2 + 4y^2 from (-1.5, 1), until L <= 1e-6:
    ``"same_rate"``: gradient descent and momentum (beta 0.2) both at alpha = 0.24;
    ``"tuned"``: GD, momentum, Nesterov and Adam each at the setting in ``TUNED``.

    Example:
        >>> runs = momentum_runs()
        >>> [runs["same_rate"][k].steps_to_target for k in ("gd", "momentum")]
        [92, 9]
    """
    same = {
        "gd": descend(optim.sgd(SAME_RATE), elliptical_bowl, BOWL_START, 1000,
                      f"gradient descent, α={SAME_RATE}"),
        "momentum": descend(optim.momentum(SAME_RATE, SAME_RATE_BETA), elliptical_bowl,
                            BOWL_START, 1000, f"momentum, α={SAME_RATE}, β={SAME_RATE_BETA}"),
    }
    tuned = {key: descend(make(), elliptical_bowl, BOWL_START, 1000, label)
             for key, (label, make) in TUNED.items()}
    return {"same_rate": same, "tuned": tuned}


def make_fig3_11(out_dir: str | os.PathLike, fmt: str = "png") -> list[str]:
    """Write ``fig3_11_momentum.<fmt>`` (1200 x 480 pixels): (a) gradient descent against
    momentum at one step size, (b) GD, momentum, Nesterov and Adam at their own settings.

    Example (draws with matplotlib; the tests check the picture):
        >>> import tempfile
        >>> make_fig3_11(tempfile.mkdtemp(), "svg")  # doctest: +SKIP
        ['/tmp/.../fig3_11_momentum.svg']
    """
    runs = momentum_runs()
    fig = canvas.new_figure(12, 4.8)
    axes = fig.subplots(1, 2)
    titles = (f"(a) same step α = {SAME_RATE}: momentum smooths the zig-zag",
              "(b) each method at its own setting")
    for ax, key, title in zip(axes, ("same_rate", "tuned"), titles, strict=True):
        canvas.contour_panel(ax, elliptical_bowl, (-2, 2), (-1.3, 1.3),
                             levels=[0.05, 0.2, 0.5, 1, 2, 3, 4, 6], title=title)
        ax.set_aspect("equal")
        for name, run in runs[key].items():
            canvas.draw_path(ax, run.points, run.legend, COLORS[name], markersize=3)
        canvas.mark_point(ax, (0.0, 0.0), "minimum")
        ax.legend(loc="lower right", fontsize=7.5)
    fig.suptitle("Figure 3.11: L = x² + 4y² from (-1.5, 1); steps until L ≤ 1e-6")
    fig.tight_layout()
    return [canvas.save(fig, out_dir, "fig3_11_momentum", fmt)]


def rosenbrock_runs(max_steps: int = ROSENBROCK_STEPS) -> dict[str, Trajectory]:
    """GD, momentum, Nesterov and Adam (settings in ``ROSENBROCK``) on the Rosenbrock function
    from (-1.2, 1) for at most ``max_steps`` steps, stopping at L <= 1e-6.

    Example:
        >>> runs = rosenbrock_runs(50)
        >>> sorted(runs), runs["gd"].steps
        (['adam', 'gd', 'momentum', 'nesterov'], 50)
    """
    return {key: descend(make(), rosenbrock, ROSENBROCK_START, max_steps, label)
            for key, (label, make) in ROSENBROCK.items()}


def make_rosenbrock(out_dir: str | os.PathLike, fmt: str = "png",
                    max_steps: int = ROSENBROCK_STEPS) -> list[str]:
    """Write ``rosenbrock_optimizers.<fmt>`` (1200 x 500 pixels): the paths on the contour
    plot of the valley, and the loss per step on a log scale.

    Example (draws with matplotlib; the tests check the picture):
        >>> import tempfile
        >>> make_rosenbrock(tempfile.mkdtemp(), max_steps=500)  # doctest: +SKIP
        ['/tmp/.../rosenbrock_optimizers.png']
    """
    runs = rosenbrock_runs(max_steps)
    fig = canvas.new_figure(12, 5)
    left, right = fig.subplots(1, 2)
    canvas.contour_panel(left, rosenbrock, (-1.6, 1.6), (-0.6, 1.6),
                         levels=np.logspace(-1, 3, 9), title="paths on the valley")
    for name in reversed(list(runs)):  # gradient descent on top
        run = runs[name]
        canvas.draw_path(left, run.points, run.label, COLORS[name], marker="", markersize=0)
        right.semilogy(np.arange(run.steps + 1), np.maximum(run.losses, 1e-16), color=COLORS[name],
                       label=run.legend)
    canvas.mark_point(left, (1.0, 1.0), "minimum (1, 1)")
    handles, labels = left.get_legend_handles_labels()
    left.legend(handles[::-1], labels[::-1], loc="lower right", fontsize=8)
    right.axhline(1e-6, color="k", linestyle=":", linewidth=0.8)
    right.set_xlabel("step")
    right.set_ylabel("loss L (log scale)")
    right.set_title("loss per step (dotted: the target 1e-6)", fontsize=10)
    right.legend(loc="lower left", fontsize=8)
    right.grid(alpha=0.3)
    fig.suptitle("Rosenbrock (1 - x)² + 100 (y - x²)² from (-1.2, 1): "
                 f"at most {max_steps} steps")
    fig.tight_layout()
    return [canvas.save(fig, out_dir, "rosenbrock_optimizers", fmt)]
