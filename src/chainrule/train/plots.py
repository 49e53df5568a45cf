"""Figures of a training run, drawn with matplotlib's object-oriented API on an Agg canvas (no
pyplot, no window, no global backend change): the loss curves, and for two input features the
decision regions of a classifier with the data on top, like the seeds' Iris figure (seed 000,
"the resulting decision boundaries"). matplotlib is optional (``pip install
chainrule[plots]``); ``available()`` says whether it is installed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule.pictures import available, new_figure, save_figure
from chainrule.train.history import History

__all__ = ["available", "plot_decision_boundary", "plot_history"]


def _figure(width: float, height: float) -> Any:
    return new_figure(width, height, "chainrule.train.plots")


def _save(fig: Any, path: str | os.PathLike) -> str:
    return save_figure(fig, path, "chainrule.train.plots")


def plot_history(history: History, path: str | os.PathLike, title: str = "") -> str:
    """Write the training (and validation) loss per epoch, and the accuracy when recorded,
    to the PNG file ``path``; returns the path.

    Example:
        >>> import os, tempfile
        >>> from chainrule.train import History, plots
        >>> h = History([{"epoch": 1, "loss": 1.0}, {"epoch": 2, "loss": 0.5}])
        >>> f = os.path.join(tempfile.mkdtemp(), "loss.png")
        >>> plots.plot_history(h, f) == f and os.path.getsize(f) > 0
        True
    """
    if len(history) == 0:
        raise ValueError("plot_history: the history has no epochs to plot")
    keys = history.keys()
    show_acc = "accuracy" in keys or "val_accuracy" in keys
    fig = _figure(10 if show_acc else 6, 4)
    axes = fig.subplots(1, 2 if show_acc else 1, squeeze=False)[0]
    panels = [("loss", "loss")] + ([("accuracy", "accuracy")] if show_acc else [])
    for ax, (key, label) in zip(axes, panels, strict=True):
        for name, style in ((key, "-"), (f"val_{key}", "--")):
            if name in keys:
                epochs = [e["epoch"] for e in history if name in e]
                values = [np.nan if e[name] is None else e[name] for e in history if name in e]
                ax.plot(epochs, values, style, label="validation" if name.startswith("val_")
                        else "training")
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend()
    if all(v is not None and v > 0 for v in history["loss"]):
        axes[0].set_yscale("log")
    fig.suptitle(title or "training curves")
    fig.tight_layout()
    return _save(fig, path)


def plot_decision_boundary(predict_classes: Callable[[np.ndarray], np.ndarray], X: np.ndarray,
                           y: np.ndarray, path: str | os.PathLike,
                           feature_names: Sequence[str] = ("x0", "x1"),
                           class_names: Sequence[str] | None = None, title: str = "",
                           resolution: int = 200) -> str:
    """Color the plane of two features by the class ``predict_classes(points)`` gives each
    point of a ``resolution`` x ``resolution`` grid, draw the samples ``X`` (n, 2) colored by
    their label ``y`` on top, and write the PNG file ``path``; returns the path.

    Example:
        >>> import os, tempfile
        >>> import numpy as np
        >>> from chainrule.train import plots
        >>> X, y = np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0, 1])
        >>> f = os.path.join(tempfile.mkdtemp(), "regions.png")
        >>> rule = lambda P: (P.sum(axis=1) > 1).astype(int)
        >>> plots.plot_decision_boundary(rule, X, y, f) == f
        True
    """
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary: needs exactly 2 features, got X of shape "
                         f"{X.shape}; choose two with --features")
    low, high = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * np.where(high > low, high - low, 1.0)
    g0 = np.linspace(low[0] - pad[0], high[0] + pad[0], resolution)
    g1 = np.linspace(low[1] - pad[1], high[1] + pad[1], resolution)
    A, B = np.meshgrid(g0, g1)
    regions = np.asarray(predict_classes(np.column_stack([A.ravel(), B.ravel()])))
    k = int(max(regions.max(initial=0), y.max(initial=0))) + 1
    names = list(class_names) if class_names is not None else [str(c) for c in range(k)]
    fig = _figure(6.5, 5)
    ax = fig.subplots()
    from matplotlib.colors import ListedColormap

    base = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
            "#7f7f7f", "#bcbd22", "#17becf"]
    colors = [base[i % len(base)] for i in range(k)]
    cmap = ListedColormap(colors)
    ax.contourf(A, B, regions.reshape(A.shape), levels=np.arange(k + 1) - 0.5, cmap=cmap,
                alpha=0.25)
    for c in range(k):
        mask = y == c
        if mask.any():
            ax.scatter(X[mask, 0], X[mask, 1], s=18, color=colors[c], edgecolor="k",
                       linewidth=0.4, label=names[c] if c < len(names) else str(c))
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    ax.legend(loc="best", fontsize="small")
    ax.set_title(title or "decision regions")
    fig.tight_layout()
    return _save(fig, path)
