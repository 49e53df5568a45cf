"""Drawing helpers shared by the figures: a matplotlib ``Figure`` on an Agg canvas (no pyplot,
no window, no global backend change), atomic saving as PNG or SVG, contour plots of a loss of
two variables and optimizer paths drawn on them. matplotlib is imported only inside these
functions, so ``chainrule.figures`` imports without it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule import pictures
from chainrule.pictures import PLOTS_HINT
from chainrule.pictures import available as matplotlib_available

FORMATS = ("png", "svg")

__all__ = ["FORMATS", "PLOTS_HINT", "check_format", "contour_panel", "draw_path", "grid_values",
           "mark_point", "matplotlib_available", "new_figure", "save"]


def new_figure(width: float, height: float) -> Any:
    """A ``width`` x ``height`` inch figure at 100 dpi (so ``100 * width`` pixels wide)."""
    return pictures.new_figure(width, height, "chainrule.figures")


def check_format(fmt: str) -> str:
    """``fmt`` lower-cased if it is a picture format we write, else a ValueError.

    Example:
        >>> from chainrule.figures.canvas import check_format
        >>> check_format("SVG")
        'svg'
    """
    if not isinstance(fmt, str) or fmt.lower() not in FORMATS:
        raise ValueError(f"chainrule.figures: format {fmt!r} is not supported; use one of "
                         f"{list(FORMATS)}")
    return fmt.lower()


def save(fig: Any, out_dir: str | os.PathLike, name: str, fmt: str = "png") -> str:
    """Write ``fig`` to ``out_dir/name.fmt`` atomically (rendered in memory, then written by
    ``chainrule.files.write_atomically``: a temporary file in the same folder, then
    ``os.replace``); returns the path. The figure keeps its stated pixel size (no tight
    bounding box).

    Example (needs matplotlib):
        >>> import os, tempfile
        >>> from chainrule.figures.canvas import new_figure, save
        >>> fig = new_figure(2, 1); _ = fig.subplots().plot([0, 1], [1, 0])  # doctest: +SKIP
        >>> os.path.basename(save(fig, tempfile.mkdtemp(), "line", "svg"))  # doctest: +SKIP
        'line.svg'
    """
    path = os.path.join(os.fspath(out_dir), f"{name}.{check_format(fmt)}")
    return pictures.save_figure(fig, path, "chainrule.figures")


def grid_values(f: Callable[[Any], Any], xlim: Sequence[float], ylim: Sequence[float],
                resolution: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``X, Y, Z`` with ``Z = f(np.stack([X, Y]))`` on a ``resolution``-square grid; ``f`` is a
    loss of one 2-vector ``w`` written with NumPy, so ``w[0]`` and ``w[1]`` may be grids.

    Example:
        >>> from chainrule.figures.canvas import grid_values
        >>> X, Y, Z = grid_values(lambda w: w[0] ** 2 + w[1] ** 2, (-1, 1), (-1, 1), 3)
        >>> Z.tolist()
        [[2.0, 1.0, 2.0], [1.0, 0.0, 1.0], [2.0, 1.0, 2.0]]
    """
    X, Y = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    return X, Y, np.asarray(f(np.stack([X, Y])), dtype=np.float64)


def contour_panel(ax: Any, f: Callable[[Any], Any], xlim: Sequence[float],
                  ylim: Sequence[float], levels: Sequence[float] | int = 15,
                  title: str = "") -> None:
    """Contour lines of the loss ``f`` over the box ``xlim`` x ``ylim`` on ``ax``, with axis
    labels x and y and ``title`` (equal scales are left to the caller).

    Example (needs matplotlib):
        >>> ax = new_figure(4, 3).subplots()  # doctest: +SKIP
        >>> contour_panel(ax, lambda w: w[0] ** 2 + w[1] ** 2, (-1, 1), (-1, 1))  # doctest: +SKIP
    """
    X, Y, Z = grid_values(f, xlim, ylim)
    ax.contour(X, Y, Z, levels=levels, cmap="viridis", linewidths=0.8)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    if title:
        ax.set_title(title, fontsize=10)


def draw_path(ax: Any, points: np.ndarray, label: str, color: str,
              marker: str = "o", markersize: float = 3.5, linewidth: float = 1.3) -> None:
    """An optimizer's iterates joined in order: start marked with a square, end with a star.

    Example (needs matplotlib):
        >>> ax = new_figure(4, 3).subplots()  # doctest: +SKIP
        >>> draw_path(ax, np.array([[1.0, 1.0], [0.0, 0.0]]), "GD", "red")  # doctest: +SKIP
    """
    pts = np.asarray(points, dtype=np.float64)
    ax.plot(pts[:, 0], pts[:, 1], "-", color=color, marker=marker, markersize=markersize,
            linewidth=linewidth, label=label)
    ax.plot(pts[0, 0], pts[0, 1], "s", color=color, markersize=7, markeredgecolor="k")
    ax.plot(pts[-1, 0], pts[-1, 1], "*", color=color, markersize=11, markeredgecolor="k")


def mark_point(ax: Any, point: Sequence[float], text: str) -> None:
    """A black cross at ``point`` (the optimum, or the saddle) with a short note beside it.

    Example (needs matplotlib):
        >>> mark_point(new_figure(4, 3).subplots(), (0.0, 0.0), "minimum")  # doctest: +SKIP
    """
    ax.plot([point[0]], [point[1]], "x", color="k", markersize=9, markeredgewidth=2)
    ax.annotate(text, xy=(point[0], point[1]), xytext=(6, 6), textcoords="offset points",
                fontsize=8)
