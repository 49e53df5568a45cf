"""``chainrule.figures``: the seeds' figures and tables, reproduced by chainrule itself.

Optimizer paths on contour plots (seed 003, Figures 3.9, 3.11, 3.13, 3.17(b), and the Rosenbrock
valley) come from ``chainrule.optim`` with gradients from ``cr.grad``; Figure 3.10's curves
from ``cr.elementwise_grad``; the tables (seed 004's and seed 000's traces, Figure 3.4's path
sums and graph, forward against reverse cost) from ``chainrule.explain``. ``FIGURES`` maps a
short name to a ``FigureEntry``; ``write_figures`` writes any of them and an ``index.md``.
Pictures need matplotlib (``pip install 'chainrule[plots]'``); the tables do not. The command
line is ``chainrule figures -o DIR``.

Example:
    >>> import os, tempfile
    >>> from chainrule import figures
    >>> out = tempfile.mkdtemp()
    >>> paths = figures.write_figures(out, only=["seed004_trace", "fig3_4_path_sums"])
    >>> sorted(os.listdir(out))
    ['fig3_4_path_sums.md', 'fig3_4_path_sums.txt', 'index.md', 'seed004_trace.md', \
'seed004_trace.txt']
"""

from chainrule.figures.activation_figure import activation_derivatives
from chainrule.figures.canvas import matplotlib_available
from chainrule.figures.curvature_figures import cliff_runs, newton_step, saddle_runs
from chainrule.figures.descent_figures import bowl_runs, momentum_runs, rosenbrock_runs
from chainrule.figures.registry import (
    FIGURES,
    INDEX,
    FigureEntry,
    one_picture,
    select,
    write_figures,
)
from chainrule.figures.trajectories import Trajectory, descend, newton_path

__all__ = [
    "FIGURES",
    "INDEX",
    "FigureEntry",
    "Trajectory",
    "activation_derivatives",
    "bowl_runs",
    "cliff_runs",
    "descend",
    "matplotlib_available",
    "momentum_runs",
    "newton_path",
    "newton_step",
    "one_picture",
    "rosenbrock_runs",
    "saddle_runs",
    "select",
    "write_figures",
]
