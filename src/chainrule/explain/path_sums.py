"""Derivatives as sums over paths (exponential) against the backward sweep (one pass).

Seed 003, section 3.2.1, Lemma 3.2.1 (pathwise aggregation, eq. 3.4): d o / d w is the sum,
over every path from ``w`` to ``o`` in the computational graph, of the product of the local
derivatives ``z(i, j) = d y(j) / d y(i)`` on the path's edges. Enumerating the paths is the
"exponential-time algorithm" (Figure 3.4: five layers of two product units, 32 paths); section
3.2.2 computes the same sum by dynamic programming, one multiplication per edge.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

import numpy as np

from chainrule.describe import describe
from chainrule.explain.recorder import raise_if_traced, run_recorded
from chainrule.explain.trace_table import _parameter_names
from chainrule.reverse import ReverseTracer

_OP = "cr.explain.path_sums"


@dataclass
class PathSumReport:
    """Both ways of computing d output / d ``wrt`` on one recorded scalar graph.

    Nodes are named like a trace table's rows: inputs by their parameter names, computed values
    ``v1, v2, ...`` in the order they were computed (every atomic operation, steps included).
    ``edges`` lists ``(parent, child, local derivative)`` for the edges on some path from
    ``wrt`` to the output; ``paths`` keeps the first ``keep_paths`` paths as
    ``(node names, product of local derivatives)``.

    Example (seed 000: y2 = cos(w1 x + w0), one path from w1):
        >>> import numpy as np
        >>> import chainrule as cr
        >>> f = lambda w0, w1, x: np.cos(w1 * x + w0)
        >>> from chainrule.explain.path_sums import path_sums
        >>> r = path_sums(f, 0.0, 1.0, 2.0, wrt="w1")
        >>> r.n_paths, r.paths[0][0], round(r.path_sum, 4), r.agree
        (1, ('w1', 'v1', 'v2', 'v3'), -1.8186, True)
    """

    wrt: str
    output: str
    n_paths: int
    path_sum: float
    path_sum_multiplications: int
    path_sum_additions: int
    dp_derivative: float
    dp_multiplications: int
    edges: list[tuple[str, str, float]]
    paths: list[tuple[tuple[str, ...], float]]
    agree: bool

    def text(self, max_paths: int = 8) -> str:
        """The report as aligned text, listing at most ``max_paths`` paths.

        Example:
            >>> from chainrule.explain.path_sums import path_sums
            >>> print(path_sums(lambda w: w * w, 3.0).text())
            d v1 / d w: 2 path(s) over 2 edge(s)
              path sum (Lemma 3.2.1)    6  (0 multiplication(s), 1 addition(s))
              dynamic programming       6  (2 multiplication(s), one per edge)
              agree                     yes
            paths (product of local derivatives):
              w -> v1    3
              w -> v1    3
        """
        lines = [
            f"d {self.output} / d {self.wrt}: {self.n_paths} path(s) over "
            f"{len(self.edges)} edge(s)",
            f"  path sum (Lemma 3.2.1)    {_num(self.path_sum)}  "
            f"({self.path_sum_multiplications} multiplication(s), "
            f"{self.path_sum_additions} addition(s))",
            f"  dynamic programming       {_num(self.dp_derivative)}  "
            f"({self.dp_multiplications} multiplication(s), one per edge)",
            f"  agree                     {'yes' if self.agree else 'NO'}",
        ]
        shown = self.paths[:max_paths]
        if shown:
            lines.append("paths (product of local derivatives):")
            names = [" -> ".join(p) for p, _ in shown]
            width = max(len(s) for s in names)
            lines += [f"  {s.ljust(width)}    {_num(v)}"
                      for s, (_, v) in zip(names, shown, strict=True)]
            if self.n_paths > len(shown):
                lines.append(f"  ... {self.n_paths - len(shown)} more path(s)")
        return "\n".join(lines)

    def show(self, max_paths: int = 8, file: IO[str] | None = None) -> None:
        """Print ``text(max_paths)`` (to ``file``, default standard output)."""
        print(self.text(max_paths), file=file)

    def __str__(self) -> str:
        return self.text()


def path_sums(
    f: Callable[..., Any], *args: Any, wrt: int | str = 0, max_paths: int = 1_000_000,
    keep_paths: int = 64,
) -> PathSumReport:
    """Record ``f(*args)`` and compute d output / d ``args[wrt]`` over every path, and by DP.

    Every value of the run must be a single number (a scalar graph). Each edge gets its local
    derivative from the primitive's JVP rule with a unit tangent on that argument; an operation
    using one value twice (``w * w``) has two edges. The path sum multiplies along each path
    separately, as the exponential algorithm does (a path of k edges costs k - 1
    multiplications); the backward sweep (seed 003, section 3.2.2) spends one multiplication
    per edge on a path from ``wrt`` to the output. More than ``max_paths`` paths is refused.

    Example (seed 003, Figure 3.4: five layers of two product units, output w^32):
        >>> def figure_3_4(w):
        ...     h1, h2 = 1.0 * w, 1.0 * w
        ...     for _ in range(4):
        ...         h1, h2 = h1 * h2, h1 * h2
        ...     return h1 * h2
        >>> r = path_sums(figure_3_4, 2.0)
        >>> r.n_paths, r.path_sum == r.dp_derivative == 32 * 2.0 ** 31
        (32, True)
        >>> r.path_sum_multiplications, r.dp_multiplications
        (160, 20)
    """
    if not callable(f):
        raise TypeError(f"{_OP}(f, *args): f must be callable, got {describe(f)}")
    for key, v in (("max_paths", max_paths), ("keep_paths", keep_paths)):
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 0:
            raise ValueError(f"{_OP}: {key} must be a non-negative integer, got {v!r}")
    names = _parameter_names(f, len(args))
    inputs = [_as_input(name, a) for name, a in zip(names, args, strict=True)]
    raise_if_traced([[x] for x in inputs if x is not None])
    pos = _wrt_position(wrt, names, inputs)

    def call(boxed: list) -> Any:
        return f(*[a if b is None else b[0] for a, b in zip(args, boxed, strict=True)])

    rec, boxed, out = run_recorded(call, [None if x is None else [x] for x in inputs])
    tape = rec.tape
    labels = {b[0]._node: n for n, b in zip(names, boxed, strict=True) if b is not None}
    node_names, k = [], 0
    for i, entry in enumerate(tape):
        if entry.prim is None:
            node_names.append(labels[i])
        else:
            k += 1
            node_names.append(f"v{k}")
        if int(np.prod(entry.shape)) != 1:
            what = "an input" if entry.prim is None else f"{entry.prim.name}(...)"
            raise ValueError(
                f"{_OP}: node {node_names[i]} = {what} has shape {tuple(entry.shape)}; path "
                "enumeration is defined here for scalar graphs (every value one number). For "
                "arrays use cr.explain.trace, which shows each node's tangent and adjoint."
            )
    if not (isinstance(out, ReverseTracer) and out._trace is rec):
        raise ValueError(
            f"{_OP}: f must return one scalar computed from its inputs; it returned "
            f"{describe(out)}. Return a single number (e.g. one output of a tuple)."
        )
    source, target = boxed[pos][0]._node, out._node
    edges = _relevant_edges(tape, source, target)
    named = [(node_names[j], node_names[i], z) for j, i, z in edges]
    counts = _path_counts(edges, source, target)
    if counts > max_paths:
        raise ValueError(
            f"{_OP}: {counts} paths lead from {names[pos]} to the output, more than "
            f"max_paths={max_paths}; enumerating them is the exponential algorithm. Use "
            "cr.grad for the derivative, or raise max_paths."
        )
    dp, dp_mults = _backward_sweep(edges, source, target)
    total, abs_total, mults, kept = _enumerate(edges, source, target, node_names, keep_paths)
    agree = math.isclose(total, dp, rel_tol=1e-9, abs_tol=1e-9 * abs_total + 1e-300)
    return PathSumReport(
        wrt=names[pos], output=node_names[target], n_paths=counts, path_sum=total,
        path_sum_multiplications=mults, path_sum_additions=max(counts - 1, 0),
        dp_derivative=dp, dp_multiplications=dp_mults, edges=named, paths=kept, agree=agree,
    )


def _relevant_edges(tape: list, source: int, target: int) -> list[tuple[int, int, float]]:
    """``(parent, child, z)`` for every edge on a path from ``source`` to ``target``."""
    from_source = [False] * len(tape)
    from_source[source] = True
    for i, entry in enumerate(tape):
        if i > source and any(from_source[j] for _, j in entry.parents):
            from_source[i] = True
    to_target = [False] * len(tape)
    to_target[target] = True
    for i in range(target, -1, -1):
        if to_target[i]:
            for _, j in tape[i].parents:
                to_target[j] = True
    edges = []
    for i, entry in enumerate(tape):
        if not (from_source[i] and to_target[i]) or entry.prim is None:
            continue
        for pos, j in entry.parents:
            if from_source[j] and to_target[j]:
                edges.append((j, i, _local_derivative(tape, i, pos, j)))
    return edges


def _local_derivative(tape: list, i: int, pos: int, j: int) -> float:
    """z(j, i) = d y(i) / d y(j): the JVP rule of argument ``pos`` with a unit tangent."""
    entry = tape[i]
    prim, params, args, ans = entry.prim, entry.params, entry.args, entry.ans
    try:
        rule = prim.jvp[pos]
    except IndexError:
        rule = None
    if rule is None:
        raise ValueError(f"{_OP}: {prim.name} has no JVP rule for argument {pos}, so the local "
                         "derivative of that edge is unknown; the path sum cannot be formed.")
    unit = np.ones(tape[j].shape, tape[j].dtype)
    return np.asarray(rule(unit, ans, *args, **params)).reshape(-1)[0].item()


def _path_counts(edges: list, source: int, target: int) -> int:
    """The number of paths from ``source`` to ``target`` (exact integers, by DP)."""
    count = {source: 1}
    for j, i, _ in edges:  # edges come in the children's tape order: parents are complete
        count[i] = count.get(i, 0) + count[j]
    return count.get(target, 0)


def _backward_sweep(edges: list, source: int, target: int) -> tuple[float, int]:
    """S(w, o) by dynamic programming from the output back (seed 003, section 3.2.2)."""
    adjoint = {target: 1.0}
    mults = 0
    for j, i, z in reversed(edges):
        adjoint[j] = adjoint.get(j, 0.0) + adjoint[i] * z
        mults += 1
    return adjoint.get(source, 0.0), mults


def _enumerate(edges: list, source: int, target: int, names: list[str], keep: int):
    """Sum, sum of |products|, multiplications and the first ``keep`` paths, path by path."""
    children: dict[int, list[tuple[int, float]]] = {}
    for j, i, z in edges:
        children.setdefault(j, []).append((i, z))
    total, abs_total, mults, kept = 0.0, 0.0, 0, []
    stack: list[tuple[int, tuple[int, ...], tuple[float, ...]]] = [(source, (source,), ())]
    while stack:
        node, nodes, zs = stack.pop()
        if node == target:
            product = zs[0] if zs else 1.0
            for z in zs[1:]:
                product *= z
            mults += max(len(zs) - 1, 0)
            total += product
            abs_total += abs(product)
            if len(kept) < keep:
                kept.append((tuple(names[n] for n in nodes), product))
            continue
        for child, z in reversed(children.get(node, [])):
            stack.append((child, (*nodes, child), (*zs, z)))
    return total, abs_total, mults, kept


def _as_input(name: str, a: Any) -> np.ndarray | None:
    """A float scalar input, or None for an argument passed to ``f`` unchanged."""
    if isinstance(a, bool | np.bool_):
        return None
    if isinstance(a, int | float):
        return np.asarray(a, dtype=np.float64)
    if isinstance(a, np.ndarray | np.generic) and a.dtype.kind == "f":
        if a.size != 1:
            raise ValueError(
                f"{_OP}: argument {name} has shape {a.shape}; path enumeration is defined here "
                "for scalar graphs (every value one number). For arrays use cr.explain.trace."
            )
        return np.asarray(a)
    if isinstance(a, list | tuple | dict):
        raise TypeError(f"{_OP}: argument {name} is a {type(a).__name__}; pass each scalar "
                        "input as its own argument.")
    return None


def _wrt_position(wrt: int | str, names: list[str], inputs: list) -> int:
    n = len(names)
    if isinstance(wrt, str) and wrt in names:
        pos = names.index(wrt)
    elif isinstance(wrt, int | np.integer) and not isinstance(wrt, bool) and -n <= wrt < n:
        pos = int(wrt) % n
    else:
        raise ValueError(f"{_OP}: wrt={wrt!r} selects no argument; f was called with {names} "
                         "(give a position or a parameter name).")
    if inputs[pos] is None:
        raise TypeError(f"{_OP}: wrt={wrt!r} selects {names[pos]!r}, which is not a float "
                        "scalar; pass it as a float.")
    return pos


def _num(x: float) -> str:
    return f"{x:.6g}"
