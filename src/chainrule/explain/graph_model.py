"""``cr.explain.graph``: the computational graph of one run, as Graphviz DOT, SVG or PNG.

Nodes are the rows of the trace table (inputs, operations, ``step`` groups), labelled with the
operation, shape, value and adjoint; edges run from each operand to its result (seed 003,
section 3.2, computational graphs; seed 004, "Autodiff Example: Computational Graph").
``highlight`` marks every path from one input to the outputs: the paths whose local
derivatives the chain rule multiplies and adds up (seed 003, eq. 3.4).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from typing import Any

from chainrule.explain import formatting
from chainrule.explain.graph_draw import HIGHLIGHT, INPUT_FILL, OUTPUT_FILL, draw
from chainrule.explain.trace_table import TraceTable, trace
from chainrule.files import write_atomically


class Graph:
    """The graph of a ``TraceTable``: ``nodes`` (row names) and ``edges`` (operand, result).

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> g = cr.explain.graph(lambda x, y: np.sin(x * y), 1.0, 2.0)
        >>> g.nodes, g.edges
        (['v0', 'v-1', 'v1', 'v2'], [('v0', 'v1'), ('v-1', 'v1'), ('v1', 'v2')])
        >>> '"v0" -> "v1"' in g.to_dot()
        True
    """

    def __init__(self, table: TraceTable) -> None:
        self.table = table
        self.nodes = [r.name for r in table.rows]
        self.edges = [(p, r.name) for r in table.rows for p in r.parents]
        self.outputs = [name for _, name in table.outputs if name is not None]

    def label(self, name: str, digits: int = 3) -> list[str]:
        """The lines written in node ``name``: operation, shape, value, adjoint.

        Example:
            >>> import numpy as np
            >>> import chainrule as cr
            >>> cr.explain.graph(lambda x: np.sum(np.exp(x)), np.zeros(2)).label("v1")
            ['v1 = exp(v0)', 'shape (2,)', 'value [1 1]', 'adjoint [1 1]']
        """
        r = self.table.row(name)
        head = f"{r.name} = {r.expression}"
        shape = "scalar" if r.shape == () else "shape " + str(r.shape)
        return [head, shape, "value " + formatting.value(r.value, digits, 4),
                "adjoint " + formatting.value(r.adjoint, digits, 4)]

    def on_paths(self, highlight: str) -> set[str]:
        """The nodes on some path from input ``highlight`` (label or row name) to an output.

        Example:
            >>> import chainrule as cr
            >>> sorted(cr.explain.graph(lambda x, y: x * 2.0 + y, 1.0, 2.0).on_paths("y"))
            ['v-1', 'v2']
        """
        inputs = {r.expression: r.name for r in self.table.rows if r.kind == "input"}
        start = inputs.get(highlight, highlight if highlight in inputs.values() else None)
        if start is None:
            raise ValueError(f"Graph: highlight={highlight!r} is not an input; inputs are "
                             f"{sorted(inputs)} (or their row names {sorted(inputs.values())})")
        below = {start}
        for parent, child in self.edges:  # edges are in topological order of their child
            if parent in below:
                below.add(child)
        above = set(self.outputs)
        for parent, child in reversed(self.edges):
            if child in above:
                above.add(parent)
        return below & above

    def to_dot(self, highlight: str | None = None, digits: int = 3) -> str:
        """Graphviz DOT text; inputs blue boxes, outputs orange double boxes.

        ``highlight`` (an input's name) draws the paths from that input to the outputs in red.
        """
        marked = self.on_paths(highlight) if highlight is not None else set()
        lines = [
            "digraph chainrule {",
            "  rankdir=LR;",
            '  node [shape=box, style="rounded,filled", fillcolor=white, fontname="Helvetica", '
            "fontsize=10];",
            '  edge [color="#555555"];',
        ]
        inputs = {r.name for r in self.table.rows if r.kind == "input"}
        for name in self.nodes:
            attrs = [f'label="{_escape(self.label(name, digits))}"']
            if name in inputs:
                attrs.append(f'fillcolor="{INPUT_FILL}"')
            if name in self.outputs:
                attrs += [f'fillcolor="{OUTPUT_FILL}"', "peripheries=2"]
            if name in marked:
                attrs += [f'color="{HIGHLIGHT}"', "penwidth=2.5"]
            lines.append(f'  "{name}" [{", ".join(attrs)}];')
        for parent, child in self.edges:
            style = f' [color="{HIGHLIGHT}", penwidth=2.5]' if {parent, child} <= marked else ""
            lines.append(f'  "{parent}" -> "{child}"{style};')
        lines.append("}")
        return "\n".join(lines) + "\n"

    def save(self, path: str | os.PathLike, highlight: str | None = None,
             engine: str = "auto", digits: int = 3) -> str:
        """Write the graph to ``path``: ``.dot``/``.gv`` text, or a ``.svg``/``.png`` picture.

        Pictures are drawn by Graphviz's ``dot`` program when it is installed (``engine="auto"``
        or ``"dot"``), otherwise by matplotlib (``engine="matplotlib"``) with a layered layout.
        Returns the path written.

        Example:
            >>> import os, tempfile
            >>> import chainrule as cr
            >>> target = os.path.join(tempfile.mkdtemp(), "g.dot")
            >>> cr.explain.graph(lambda x: x * x, 3.0).save(target) == target
            True
            >>> open(target).read().startswith("digraph chainrule")
            True
        """
        path = os.fspath(path)
        ext = os.path.splitext(path)[1].lower()
        if ext in (".dot", ".gv"):
            text = self.to_dot(highlight, digits)
            write_atomically(path, lambda f: f.write(text), binary=False)
            return path
        if ext not in (".svg", ".png"):
            raise ValueError(f"Graph.save: cannot write {path!r}; use a .dot, .gv, .svg or .png "
                             "file name.")
        if engine not in ("auto", "dot", "matplotlib"):
            raise ValueError(f"Graph.save: engine={engine!r}; use 'auto', 'dot' or 'matplotlib'")
        dot = shutil.which("dot") if engine in ("auto", "dot") else None
        if dot is not None:
            data = _run_dot(dot, self.to_dot(highlight, digits), ext[1:])
        elif engine == "dot":
            raise RuntimeError("Graph.save(engine='dot'): the Graphviz 'dot' program is not "
                               "installed; install Graphviz, or use engine='matplotlib'.")
        else:
            data = draw(self, ext[1:], highlight, digits)
        write_atomically(path, lambda f: f.write(data), binary=True)
        return path


def graph(f: Callable[..., Any], *args: Any, wrt: int | str = 0,
          cotangent: Any = None) -> Graph:
    """Record ``f(*args)`` once (as ``cr.explain.trace`` does) and return its graph.

    Example (seed 000: both outputs share a5 = w1 x + w0):
        >>> import numpy as np
        >>> import chainrule as cr
        >>> def f(w0, w1, x):
        ...     a5 = w1 * x + w0
        ...     return np.sin(a5), np.cos(a5)
        >>> g = cr.explain.graph(f, 0.0, 1.0, 2.0, cotangent=(0.0, 1.0))
        >>> g.outputs, sorted(g.on_paths("w1"))
        (['v3', 'v4'], ['v-1', 'v1', 'v2', 'v3', 'v4'])
    """
    return Graph(trace(f, *args, wrt=wrt, cotangent=cotangent))


def _escape(lines: list[str]) -> str:
    return "\\n".join(s.replace("\\", "\\\\").replace('"', '\\"') for s in lines)


def _run_dot(dot: str, text: str, fmt: str) -> bytes:
    done = subprocess.run([dot, f"-T{fmt}"], input=text.encode("utf-8"), capture_output=True,
                          timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"Graph.save: Graphviz 'dot -T{fmt}' failed: "
                           f"{done.stderr.decode(errors='replace').strip()}")
    return done.stdout
