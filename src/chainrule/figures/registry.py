"""The registry of reproducible figures and tables, and ``write_figures``, which writes any of
them and an ``index.md`` listing every file with its title and seed reference.

To add a figure, add an entry to ``FIGURES`` (name -> ``FigureEntry``) whose ``make(out_dir,
fmt)`` writes its files into the existing folder ``out_dir`` (pictures as ``fmt``, "png" or
"svg"; atomically) and returns their paths. For a function that draws one picture to a path,
``one_picture`` builds that ``make``::

    FIGURES["my_figure"] = FigureEntry(
        title="What the picture shows", seed="seed 003, section 3.4, Figure 3.8",
        make=one_picture("my_figure", lambda path: my_plot(path)), size=(1000, 600))
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from chainrule.figures import (
    activation_figure,
    canvas,
    curvature_figures,
    descent_figures,
    diagnose_figures,
    tables,
)
from chainrule.files import write_atomically

INDEX = "index.md"


@dataclass(frozen=True)
class FigureEntry:
    """One reproducible figure or table.

    ``title``: what it shows (one line); ``seed``: where the seeds have it (e.g. "seed 003,
    section 3.4.1, Figure 3.9"); ``make(out_dir, fmt) -> list[str]``: writes the files into the
    folder ``out_dir`` (which exists), pictures in format ``fmt`` ("png" or "svg"), and returns
    their paths; ``needs_matplotlib``: whether ``make`` draws with matplotlib; ``size``: the
    (width, height) in pixels of its PNG pictures, None for tables or a size that varies.

    Example:
        >>> e = FigureEntry("a title", "seed 003", lambda out_dir, fmt: [])
        >>> e.make("unused", "png"), e.needs_matplotlib
        ([], True)
    """

    title: str
    seed: str
    make: Callable[[str, str], list[str]]
    needs_matplotlib: bool = True
    size: tuple[int, int] | None = None


def one_picture(stem: str, plot: Callable[[str], object]) -> Callable[[str, str], list[str]]:
    """A ``make(out_dir, fmt)`` that calls ``plot(path)`` once with ``path = out_dir/stem.fmt``
    (``plot`` must write that file atomically) and returns ``[path]``.

    Example:
        >>> import os
        >>> make = one_picture("demo", lambda path: None)
        >>> [os.path.basename(p) for p in make("out", "svg")]
        ['demo.svg']
    """
    def make(out_dir: str, fmt: str = "png") -> list[str]:
        path = os.path.join(os.fspath(out_dir), f"{stem}.{canvas.check_format(fmt)}")
        plot(path)
        return [path]

    make.__name__ = f"make_{stem}"
    return make


FIGURES: dict[str, FigureEntry] = {
    "seed004_trace": FigureEntry(
        "Forward primal / reverse adjoint trace of L(w) at w = (-1, 1.5, 0.5)",
        "seed 004, \"Forward and Reverse Trace\"", tables.make_seed004, needs_matplotlib=False),
    "seed000_traces": FigureEntry(
        "Forward- and reverse-mode trace of y1 = sin(w1 x + w0), y2 = cos(w1 x + w0)",
        "seed 000, \"Forward mode\" / \"Reverse mode\"", tables.make_seed000,
        needs_matplotlib=False),
    "fig3_4_path_sums": FigureEntry(
        "32 path products (Lemma 3.2.1) against one backward sweep, o = w^32",
        "seed 003, section 3.2.1, Figure 3.4", tables.make_path_sums, needs_matplotlib=False),
    "fig3_4_graph": FigureEntry(
        "The computational graph of Figure 3.4's product network (DOT and picture)",
        "seed 003, section 3.2.1, Figure 3.4", tables.make_graph),
    "forward_reverse_cost": FigureEntry(
        "Passes and time of a full Jacobian in forward and in reverse mode",
        "seed 000, \"Forward vs Reverse mode\"; seed 003, section 3.2.2", tables.make_costs,
        needs_matplotlib=False),
    "fig3_9_bowls": FigureEntry(
        "Steepest descent: one step on x^2 + y^2, zig-zag on x^2 + 4y^2",
        "seed 003, section 3.4.1, Figure 3.9", descent_figures.make_fig3_9, size=(1100, 460)),
    "fig3_10_activation_derivatives": FigureEntry(
        "Derivatives of sigmoid, tanh, ReLU and hard tanh (cr.elementwise_grad)",
        "seed 003, section 3.4.2, Figure 3.10", activation_figure.make_fig3_10,
        size=(1000, 750)),
    "fig3_11_momentum": FigureEntry(
        "Gradient descent, momentum, Nesterov and Adam on x^2 + 4y^2",
        "seed 003, sections 3.5.2-3.5.3.5, Figure 3.11", descent_figures.make_fig3_11,
        size=(1200, 480)),
    "rosenbrock_optimizers": FigureEntry(
        "Gradient descent, momentum, Nesterov and Adam on the Rosenbrock valley",
        "seed 003, sections 3.5.2-3.5.3.5 (valleys: section 3.5.6, Figure 3.15)",
        descent_figures.make_rosenbrock, size=(1200, 500)),
    "fig3_13_cliff_clipping": FigureEntry(
        "A cliff: an unclipped step overshoots far, a clipped one does not",
        "seed 003, sections 3.5.4-3.5.5, Figure 3.13", curvature_figures.make_cliff,
        size=(1200, 500)),
    "fig3_17_saddle_newton": FigureEntry(
        "Newton's method jumps onto the saddle of x^2 - y^2, gradient descent escapes",
        "seed 003, section 3.5.6.3, Figure 3.17(b)", curvature_figures.make_saddle,
        size=(1200, 520)),
    "vanishing_gradients": FigureEntry(
        "Gradient norm per layer at initialization: deep sigmoid against tanh and ReLU",
        "seed 003, section 3.4.1, Figure 3.8 and eq. 3.38",
        one_picture("vanishing_gradients", diagnose_figures.draw_vanishing_gradients),
        size=(700, 450)),
    "activation_histograms": FigureEntry(
        "Histograms of each layer's inputs and outputs in a deep sigmoid network",
        "seed 003, sections 3.4.1-3.4.2 (saturation)",
        one_picture("activation_histograms", diagnose_figures.draw_activation_histograms),
        size=(960, 340)),
}


def select(only: str | Iterable[str] | None = None) -> list[str]:
    """The registry names chosen by ``only`` (None: all; a comma-separated string or names),
    in the order given, each once; an unknown name is a ValueError listing the valid ones.

    Example:
        >>> select("fig3_9_bowls, seed004_trace")
        ['fig3_9_bowls', 'seed004_trace']
    """
    if only is None:
        return list(FIGURES)
    names = only.split(",") if isinstance(only, str) else list(only)
    chosen: list[str] = []
    for raw in names:
        if not isinstance(raw, str):
            raise TypeError(f"write_figures: figure names must be strings, got {raw!r}")
        name = raw.strip()
        if name and name not in chosen:
            chosen.append(name)
    unknown = [n for n in chosen if n not in FIGURES]
    if unknown:
        raise ValueError(f"unknown figure name(s) {unknown}; valid names: "
                         f"{', '.join(FIGURES)}")
    if not chosen:
        raise ValueError(f"no figure names given; valid names: {', '.join(FIGURES)}")
    return chosen


def index_text(written: list[tuple[str, list[str]]], out_dir: str | os.PathLike) -> str:
    """The Markdown of ``index.md``: one table row per file, with its entry's title and seed
    reference; ``written`` pairs each registry name with the paths its ``make`` returned.

    Example:
        >>> print(index_text([("fig3_9_bowls", ["out/fig3_9_bowls.png"])], "out"))
        ... # doctest: +ELLIPSIS
        # chainrule figures
        ...
        | [fig3_9_bowls.png](fig3_9_bowls.png) | fig3_9_bowls | Steepest descent: ...
    """
    lines = ["# chainrule figures", "",
             "The seeds' figures and tables reproduced by chainrule (`chainrule figures`).", "",
             "| file | name | what it shows | seed |", "| --- | --- | --- | --- |"]
    for name, paths in written:
        entry = FIGURES[name]
        for p in paths:
            rel = os.path.relpath(p, os.fspath(out_dir)).replace(os.sep, "/")
            lines.append(f"| [{rel}]({rel}) | {name} | {entry.title} | {entry.seed} |")
    return "\n".join(lines) + "\n"


def write_figures(out_dir: str | os.PathLike, only: str | Iterable[str] | None = None,
                  fmt: str = "png") -> list[str]:
    """Write the figures and tables named by ``only`` (default: all of ``FIGURES``) into
    ``out_dir`` (created if missing), pictures as ``fmt`` ("png" or "svg"), then ``index.md``;
    returns every path written, the index last. Each file is written atomically. Without
    matplotlib, entries that draw raise ImportError naming the ``plots`` extra.

    Example:
        >>> import os, tempfile
        >>> out = os.path.join(tempfile.mkdtemp(), "figs")
        >>> [os.path.basename(p) for p in write_figures(out, only="seed004_trace")]
        ['seed004_trace.md', 'seed004_trace.txt', 'index.md']
    """
    fmt = canvas.check_format(fmt)
    names = select(only)
    drawing = [n for n in names if FIGURES[n].needs_matplotlib]
    if drawing and not canvas.matplotlib_available():
        tables_only = [n for n in FIGURES if not FIGURES[n].needs_matplotlib]
        raise ImportError(f"the figures {drawing} need matplotlib, which is not installed: "
                          f"{canvas.PLOTS_HINT}; the tables {tables_only} need no matplotlib")
    folder = os.fspath(out_dir)
    os.makedirs(folder, exist_ok=True)
    written: list[tuple[str, list[str]]] = []
    for name in names:
        paths = FIGURES[name].make(folder, fmt)
        written.append((name, [os.fspath(p) for p in paths]))
    index = os.path.join(folder, INDEX)
    text = index_text(written, out_dir)
    write_atomically(index, lambda f: f.write(text), binary=False)
    return [p for _, paths in written for p in paths] + [index]
