"""Drawing a computational graph with matplotlib when Graphviz is not installed.

A layered layout: each node sits one column right of its deepest operand (inputs in column 0),
and nodes in a column are ordered by the mean position of their operands, which keeps most
edges short and uncrossed. Drawn on a bare ``Figure`` with the Agg canvas, so pyplot's global
state and backend are left alone.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chainrule.explain.graph_model import Graph

# The colours of both pictures of a graph (this drawing and the DOT text of graph_model.py).
INPUT_FILL = "#dbe9f6"
OUTPUT_FILL = "#fde2c8"
HIGHLIGHT = "#c0392b"


def layout(g: Graph) -> dict[str, tuple[float, float]]:
    """Node name -> (column, row) position of the layered layout.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> layout(cr.explain.graph(lambda x: np.sin(2.0 * x), 1.0))
        {'v0': (0.0, 0.0), 'v1': (1.0, 0.0), 'v2': (2.0, 0.0)}
    """
    parents: dict[str, list[str]] = {n: [] for n in g.nodes}
    for p, c in g.edges:
        parents[c].append(p)
    depth: dict[str, int] = {}
    for n in g.nodes:  # rows are in topological order
        depth[n] = 1 + max((depth[p] for p in parents[n]), default=-1)
    columns: dict[int, list[str]] = {}
    for n in g.nodes:
        columns.setdefault(depth[n], []).append(n)
    pos: dict[str, tuple[float, float]] = {}
    for d in sorted(columns):
        members = columns[d]
        if d > 0:
            def key(n: str, members: list[str] = members) -> tuple[float, int]:
                ys = [pos[p][1] for p in parents[n]]
                return (sum(ys) / len(ys) if ys else 0.0, members.index(n))

            members = sorted(members, key=key)
        offset = (len(members) - 1) / 2
        for k, n in enumerate(members):
            pos[n] = (float(d), float(k - offset))
    return pos


def draw(g: Graph, fmt: str, highlight: str | None = None, digits: int = 3) -> bytes:
    """The graph drawn as ``fmt`` ("png" or "svg") bytes.

    Example:
        >>> import chainrule as cr
        >>> data = draw(cr.explain.graph(lambda x: x * x, 3.0), "png")
        >>> data[:4]
        b'\\x89PNG'
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as e:
        raise RuntimeError(
            "Graph.save: drawing a .png/.svg needs Graphviz (the 'dot' program) or matplotlib; "
            "neither is installed. Install one (e.g. pip install 'chainrule[plots]'), or save "
            "a .dot file instead."
        ) from e

    pos = layout(g)
    marked = g.on_paths(highlight) if highlight is not None else set()
    n_cols = 1 + int(max(x for x, _ in pos.values()))
    n_rows = 1 + int(max(y for _, y in pos.values()) - min(y for _, y in pos.values()))
    width = min(2.6 * n_cols + 0.5, 60.0)
    height = min(1.1 * n_rows + 0.6, 60.0)
    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-0.6, n_cols - 0.4)
    ys = [y for _, y in pos.values()]
    ax.set_ylim(-max(ys) - 0.6, -min(ys) + 0.6)
    ax.axis("off")
    inputs = {r.name for r in g.table.rows if r.kind == "input"}
    boxes = {}
    for name, (x, y) in pos.items():
        fill = OUTPUT_FILL if name in g.outputs else INPUT_FILL if name in inputs else "white"
        hot = name in marked
        boxes[name] = ax.text(
            x, -y, "\n".join(g.label(name, digits)), ha="center", va="center", fontsize=7,
            family="monospace",
            bbox={"boxstyle": "round,pad=0.4", "fc": fill, "ec": HIGHLIGHT if hot else "#333333",
                  "lw": 2.0 if hot else 0.8},
        )
    for p, c in g.edges:
        hot = p in marked and c in marked
        ax.annotate(
            "", xy=(0.0, 0.5), xycoords=boxes[c], xytext=(1.0, 0.5), textcoords=boxes[p],
            arrowprops={"arrowstyle": "->", "color": HIGHLIGHT if hot else "#555555",
                        "lw": 1.8 if hot else 0.8, "shrinkA": 2, "shrinkB": 2},
        )
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt)
    return buffer.getvalue()
