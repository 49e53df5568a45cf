"""``cr.explain.trace``: the forward primal, tangent and reverse adjoint trace of one run.

The table is the one the seeds compute by hand: every intermediate ``v_i = op(...)`` with its
value (seed 004, "Forward primal trace"), its tangent along one input (seed 000, "Forward
mode", dot a_i) and its adjoint (seed 004, "Reverse adjoint trace"; seed 000, bar a_i).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

import numpy as np

from chainrule import sweeps
from chainrule.describe import describe
from chainrule.explain import adjoint_column, render
from chainrule.explain.recorder import raise_if_traced, run_recorded
from chainrule.explain.rows import Row, build_rows
from chainrule.reverse import ReverseTracer
from chainrule.tree import tree_flatten, tree_unflatten


@dataclass
class TraceTable:
    """The rows of one recorded run and how to show them.

    ``gradient`` holds the adjoints of the inputs (one entry per argument of ``f``; the entry
    itself when ``f`` has one argument; None for arguments that were not traced), ``value`` is
    ``f``'s output, ``outputs`` pairs each output label with its row name.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> t = cr.explain.trace(lambda w0, w1, x: np.sin(w1 * x + w0), 0.0, 1.0, 2.0, wrt=1)
        >>> t.show(digits=2)
        v    expression  value  tangent d/dw1  adjoint  output
        ---  ----------  -----  -------------  -------  ------
        v0   w0              0              0    -0.42
        v-1  w1              1              1    -0.83
        v-2  x               2              0    -0.42
        v1   v-1 * v-2       2              2    -0.42
        v2   v1 + v0         2              2    -0.42
        v3   sin(v2)      0.91          -0.83        1  out
        outputs: out = v3; adjoints seeded with 1
    """

    rows: list[Row]
    outputs: list[tuple[str, str | None]]
    output_values: list[np.ndarray]
    value: Any
    gradient: Any
    wrt: str
    seed_text: str

    def row(self, name: str) -> Row:
        """The row called ``name`` (``"v3"``), or the input row labelled ``name`` (``"w1"``).

        Example:
            >>> import chainrule as cr
            >>> t = cr.explain.trace(lambda w1: 2.0 * w1, 1.0)
            >>> t.row("w1").name, t.row("v1").expression
            ('v0', '2 * v0')
        """
        for r in self.rows:
            if r.name == name or (r.kind == "input" and r.expression == name):
                return r
        raise KeyError(f"TraceTable.row: no row named {name!r}; rows: "
                       f"{[r.name for r in self.rows]}")

    def show(self, digits: int = 4, file: IO[str] | None = None) -> None:
        """Print the aligned table (to ``file``, default standard output)."""
        print(render.text(self, digits), file=file)

    def to_markdown(self, digits: int = 4) -> str:
        """The table as Markdown (see ``chainrule.explain.render.markdown``).

        Example:
            >>> import chainrule as cr
            >>> cr.explain.trace(lambda x: -x, 1.0).to_markdown().splitlines()[-1]
            '| v1 | -v0 | -1 | -1 | 1 | out |'
        """
        return render.markdown(self, digits)

    def to_latex(self, digits: int = 4) -> str:
        """The table as a LaTeX tabular (see ``chainrule.explain.render.latex``).

        Example:
            >>> import chainrule as cr
            >>> cr.explain.trace(lambda x: -x, 1.0).to_latex().splitlines()[-3]
            '$v_{1}$ & $-v_{0}$ & $-1$ & $-1$ & $1$ \\\\\\\\'
        """
        return render.latex(self, digits)

    def __str__(self) -> str:
        return render.text(self, 4)

    def __repr__(self) -> str:  # the table itself, so that a REPL shows it
        return render.text(self, 4)

    def __len__(self) -> int:
        return len(self.rows)


def trace(
    f: Callable[..., Any], *args: Any, wrt: int | str = 0, cotangent: Any = None
) -> TraceTable:
    """Run ``f(*args)`` once, recording every operation; return its trace table.

    Every floating-point argument (Python numbers become float64) is an input row; integer
    arrays and non-array arguments are passed to ``f`` unchanged and get no row. Tangents are
    taken along argument ``wrt`` (position or parameter name; its tangent is all ones, the
    others zero). Adjoints start from the output seeded with 1 (a scalar output) or from
    ``cotangent`` (required for a non-scalar or tuple output; same structure as the output).

    Example (seed 000: y2 = cos(w1 x + w0), reverse mode with cotangent (0, 1)):
        >>> import numpy as np
        >>> import chainrule as cr
        >>> f = lambda w0, w1, x: (np.sin(w1 * x + w0), np.cos(w1 * x + w0))
        >>> t = cr.explain.trace(f, 0.0, 1.0, 2.0, cotangent=(0.0, 1.0))
        >>> [round(float(g), 4) for g in t.gradient]
        [-0.9093, -1.8186, -0.9093]
    """
    if not callable(f):
        raise TypeError(f"cr.explain.trace(f, *args): f must be callable, got {describe(f)}")
    names = _parameter_names(f, len(args))
    inputs, treedefs, labels = [], [], []
    for name, a in zip(names, args, strict=True):
        leaves, treedef = tree_flatten(a)
        raise_if_traced([leaves])
        converted = [_as_float(x) for x in leaves]
        if leaves and all(c is not None for c in converted):
            inputs.append(converted)
            named = _leaf_labels(name, a)
            labels += named if len(named) == len(leaves) else \
                [f"{name}[{k}]" for k in range(len(leaves))]
        else:
            inputs.append(None)
        treedefs.append(treedef)
    wrt_n = _wrt_position(wrt, names, inputs)

    def call(boxed: list) -> Any:
        real = [a if b is None else tree_unflatten(td, b)
                for a, b, td in zip(args, boxed, treedefs, strict=True)]
        return f(*real)

    rec, boxed, out = run_recorded(call, inputs)
    tape = rec.tape
    ids = [[t._node for t in b] if b is not None else None for b in boxed]
    out_leaves, out_def = tree_flatten(out)
    out_nodes = [o._node if isinstance(o, ReverseTracer) and o._trace is rec else None
                 for o in out_leaves]
    out_values = [np.asarray(o._value) if n is not None else np.asarray(o)
                  for o, n in zip(out_leaves, out_nodes, strict=True)]
    seeds, seed_text = _adjoint_seeds(cotangent, out_def, out_nodes, out_values)
    tangents = sweeps.tangents(tape, {i: np.ones(tape[i].shape, tape[i].dtype)
                                       for i in ids[wrt_n]})
    adjoints = adjoint_column.adjoints(tape, seeds)
    rows = build_rows(rec, labels, tangents, adjoints, [n for n in out_nodes if n is not None])
    by_node = {r.node: r.name for r in rows}
    single = len(out_leaves) == 1 and out_def.num_leaves == 1 and not isinstance(out, tuple)
    outputs = [("out" if single else f"out[{k}]", by_node.get(n) if n is not None else None)
               for k, n in enumerate(out_nodes)]
    grads = [None if i is None else tree_unflatten(td, [adjoints[j] for j in i])
             for i, td in zip(ids, treedefs, strict=True)]
    return TraceTable(
        rows=rows, outputs=outputs, output_values=out_values,
        value=tree_unflatten(out_def, out_values),
        gradient=grads[0] if len(grads) == 1 else tuple(grads),
        wrt=names[wrt_n], seed_text=seed_text,
    )


def _parameter_names(f: Callable[..., Any], n: int) -> list[str]:
    """The names of ``f``'s first ``n`` positional parameters (``x0, x1 ...`` if unknown)."""
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        return [f"x{k}" for k in range(n)]
    names: list[str] = []
    for p in params:
        if p.kind is p.VAR_POSITIONAL:
            names += [f"{p.name}[{k}]" for k in range(n - len(names))]
        elif p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            names.append(p.name)
        if len(names) >= n:
            break
    names += [f"x{k}" for k in range(len(names), n)]
    return names[:n]


def _leaf_labels(name: str, x: Any) -> list[str]:
    """Labels of the leaves of an argument: ``p['W']``, ``layers[0]``, ``point.x``, or ``x``."""
    if isinstance(x, dict):
        return [s for k, v in x.items() for s in _leaf_labels(f"{name}[{k!r}]", v)]
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return [s for k, v in zip(x._fields, x, strict=True)
                for s in _leaf_labels(f"{name}.{k}", v)]
    if isinstance(x, list | tuple):
        return [s for k, v in enumerate(x) for s in _leaf_labels(f"{name}[{k}]", v)]
    if x is None:
        return []
    leaves = tree_flatten(x)[0]
    if len(leaves) == 1 and leaves[0] is x:
        return [name]
    return [f"{name}[{k}]" for k in range(len(leaves))]


def _as_float(x: Any) -> np.ndarray | None:
    """A differentiable input as a float array, or None for something passed through."""
    if isinstance(x, bool | np.bool_):
        return None
    if isinstance(x, int | float):
        return np.asarray(x, dtype=np.float64)
    if isinstance(x, np.ndarray | np.generic) and x.dtype.kind in "fc":
        return np.asarray(x)
    return None


def _wrt_position(wrt: int | str, names: list[str], inputs: list) -> int:
    n = len(names)
    if isinstance(wrt, str):
        if wrt not in names:
            raise ValueError(f"cr.explain.trace: wrt={wrt!r} is not a parameter of f; "
                             f"its arguments are {names}")
        pos = names.index(wrt)
    elif isinstance(wrt, int | np.integer) and not isinstance(wrt, bool):
        if not -n <= wrt < n:
            raise ValueError(
                f"cr.explain.trace: wrt={wrt} is out of range for a function called with {n} "
                f"argument(s) {names}; give a position in [{-n}, {n - 1}] or a parameter name."
            )
        pos = int(wrt) % n
    else:
        raise TypeError(f"cr.explain.trace: wrt must be an argument position or name, got "
                        f"{describe(wrt)}")
    if inputs[pos] is None:
        raise TypeError(f"cr.explain.trace: wrt={wrt!r} selects argument {names[pos]!r}, which "
                        "is not a floating-point value and has no tangent; pass it as a float.")
    return pos


def _adjoint_seeds(cotangent, out_def, out_nodes, out_values) -> tuple[dict[int, Any], str]:
    """Output cotangents: 1 for a scalar output, otherwise the user's ``cotangent``."""
    if cotangent is None:
        if len(out_values) != 1 or out_values[0].size != 1:
            shapes = [v.shape for v in out_values]
            raise ValueError(
                f"cr.explain.trace: f returned {len(out_values)} output(s) of shape(s) {shapes}, "
                "not one scalar, so the adjoint seed is ambiguous. Pass cotangent=... shaped "
                "like the output (e.g. cotangent=(0.0, 1.0) for d out[1])."
            )
        cts = [np.ones_like(out_values[0], dtype=_float_dtype(out_values[0]))]
    else:
        leaves, ct_def = tree_flatten(cotangent)
        if ct_def != out_def:
            raise ValueError(f"cr.explain.trace: the cotangent has structure {ct_def!r} but "
                             f"f's output has structure {out_def!r}; give one per output.")
        cts = []
        for k, (c, v) in enumerate(zip(leaves, out_values, strict=True)):
            c = np.asarray(c, dtype=_float_dtype(v))
            if c.shape != v.shape:
                raise ValueError(f"cr.explain.trace: the cotangent of output {k} has shape "
                                 f"{c.shape}, but that output has shape {v.shape}.")
            cts.append(c)
    seeds: dict[int, Any] = {}
    for node, c in zip(out_nodes, cts, strict=True):
        if node is not None:
            seeds[node] = c if node not in seeds else seeds[node] + c
    from chainrule.explain.formatting import value

    return seeds, ", ".join(value(c) for c in cts) if len(cts) > 1 else value(cts[0])


def _float_dtype(v: np.ndarray) -> np.dtype:
    return v.dtype if v.dtype.kind == "f" else np.dtype(np.float64)
