"""Turning a recorded tape into the rows of a trace table: numbering, expressions, grouping.

Numbering follows seed 004: the inputs are ``v0, v-1, v-2, ...`` and the computed values
``v1, v2, ...`` in the order they were computed. Operations recorded inside one ``step`` call
are collapsed into one row ``v3 = sigma(v1)``; an inner value is still shown when something
outside the step uses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from chainrule.explain import formatting
from chainrule.explain.recorder import Recorder


@dataclass(frozen=True)
class Row:
    """One line of a trace table: ``name = expression``, its value, tangent and adjoint.

    ``kind`` is ``"input"``, ``"op"`` (one primitive) or ``"step"`` (a ``cr.explain.step``
    group); ``primitive`` names the primitive or step; ``parents`` are the names of the rows it
    is computed from; ``tangent``/``adjoint`` are None where a rule is missing.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> row = cr.explain.trace(lambda x: np.sin(x), 0.0).rows[1]
        >>> row.name, row.expression, float(row.value), float(row.tangent), float(row.adjoint)
        ('v1', 'sin(v0)', 0.0, 1.0, 1.0)
    """

    name: str
    expression: str
    value: np.ndarray
    tangent: np.ndarray | None
    adjoint: np.ndarray | None
    primitive: str
    parents: tuple[str, ...]
    kind: str
    latex: str
    node: int

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.value))


def build_rows(
    rec: Recorder, labels: list[str], tangents: list[Any], adjoints: list[Any],
    outputs: list[int],
) -> list[Row]:
    """The visible rows of a recording (``labels`` name the input leaves, in tape order).

    Example:
        >>> import numpy as np
        >>> from chainrule.explain.recorder import run_recorded
        >>> rec, _, out = run_recorded(lambda b: np.exp(b[0][0]), [[np.array(0.0)]])
        >>> rows = build_rows(rec, ["x"], [None, None], [None, None], [out._node])
        >>> [(r.name, r.expression, r.parents) for r in rows]
        [('v0', 'x', ()), ('v1', 'exp(v0)', ('v0',))]
    """
    tape, group_of, groups = rec.tape, rec.group_of, rec.groups
    n = len(tape)
    step_output = {}
    for gid, g in enumerate(groups):
        for k, node in enumerate(g.outputs):
            step_output[node] = (gid, k)
    visible = [False] * n
    for i in range(n):
        gid = group_of[i]
        visible[i] = gid is None or i in step_output or i in outputs
    for i, entry in enumerate(tape):  # an inner value used outside its step stays visible
        for _, j in entry.parents:
            if group_of[j] is not None and group_of[j] != group_of[i] and j not in step_output:
                visible[j] = True
    for i in range(n - 1, -1, -1):  # an atomic row's operands must have names
        if visible[i] and i not in step_output:
            for _, j in tape[i].parents:
                visible[j] = True

    names: dict[int, str] = {}
    count = 0
    for i in range(n):
        if i < len(labels):
            names[i] = f"v{-i}" if i else "v0"
        elif visible[i]:
            count += 1
            names[i] = f"v{count}"
    group_deps = _group_inputs(rec)

    rows = []
    for i in range(n):
        if i not in names:
            continue
        prim, params, args, _, parents, _, _ = tape[i]
        if prim is None:
            text, latex = labels[i], formatting.latex_name(labels[i])
            pname, kind, deps = "input", "input", ()
        elif i in step_output:
            gid, k = step_output[i]
            text, latex = _step_expression(groups[gid], k, names)
            pname, kind = groups[gid].name, "step"
            deps = group_deps[gid]
        else:
            by_pos = dict(parents)
            ops = [names[by_pos[p]] if p in by_pos else formatting.constant(a)
                   for p, a in enumerate(args)]
            ops_tex = [formatting.latex_name(names[by_pos[p]]) if p in by_pos
                       else formatting.constant(a) for p, a in enumerate(args)]
            text = formatting.expression(prim.name, params, ops)
            latex = formatting.expression(prim.name, params, ops_tex, latex=True)
            pname, kind, deps = prim.name, "op", tuple(j for _, j in parents)
        rows.append(Row(
            name=names[i], expression=text, value=np.asarray(tape[i].ans), tangent=tangents[i],
            adjoint=adjoints[i], primitive=pname,
            parents=tuple(dict.fromkeys(names[j] for j in deps if j in names)), kind=kind,
            latex=latex, node=i,
        ))
    return rows


def _step_expression(group, k: int, names: dict[int, str]) -> tuple[str, str]:
    ops, ops_tex = [], []
    for kind, v in group.operands:
        if kind == "node":
            ops.append(names.get(v, "?"))
            ops_tex.append(formatting.latex_name(names.get(v, "?")))
        else:
            c = v if isinstance(v, str) else formatting.constant(v)
            ops.append(c)
            ops_tex.append(c)
    suffix = f"[{k}]" if len(group.outputs) > 1 else ""
    text = f"{group.name}({', '.join(ops)}){suffix}"
    latex = f"{formatting.latex_name(group.name)}({', '.join(ops_tex)}){suffix}"
    return text, latex


def _group_inputs(rec: Recorder) -> list[tuple[int, ...]]:
    """Per step call, the values from outside it that its operations read (its true inputs)."""
    deps: list[list[int]] = [[v for kind, v in g.operands if kind == "node"] for g in rec.groups]
    for i, entry in enumerate(rec.tape):
        gid = rec.group_of[i]
        if gid is not None:
            deps[gid] += [j for _, j in entry.parents if rec.group_of[j] != gid]
    return [tuple(dict.fromkeys(d)) for d in deps]
