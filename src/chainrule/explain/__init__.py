"""``chainrule.explain``: see inside a derivative computation.

``trace`` records one run of a function and shows every intermediate value with its tangent
(forward mode) and adjoint (reverse mode), as the seeds' hand-worked tables do (seed 004,
"Forward and Reverse Trace"; seed 000, "Forward mode" / "Reverse mode"); ``step`` makes a
function one row of such a table; ``graph`` exports the computational graph (DOT, SVG, PNG);
``path_sums`` adds up the products of local derivatives over every path (seed 003, Lemma 3.2.1)
beside the backward sweep; ``cost_table`` measures forward against reverse mode for Jacobians.

Example:
    >>> import numpy as np
    >>> import chainrule as cr
    >>> t = cr.explain.trace(lambda x: np.exp(2.0 * x), 0.0)
    >>> [(r.name, r.expression) for r in t.rows]
    [('v0', 'x'), ('v1', '2 * v0'), ('v2', 'exp(v1)')]
    >>> float(t.gradient)
    2.0
"""

from chainrule.explain.cost import CostRow, CostTable, cost_table
from chainrule.explain.graph_model import Graph, graph
from chainrule.explain.path_sums import PathSumReport, path_sums
from chainrule.explain.recorder import step
from chainrule.explain.rows import Row
from chainrule.explain.trace_table import TraceTable, trace

__all__ = [
    "CostRow", "CostTable", "Graph", "PathSumReport", "Row", "TraceTable", "cost_table",
    "graph", "path_sums", "step", "trace",
]
