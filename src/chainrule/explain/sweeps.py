"""The two sweeps of a trace table, step by step over a recorded tape.

Forward sweep (seed 000, "Forward mode"): ``dot a_i = sum_j d a_i / d a_j * dot a_j``, applying
each primitive's JVP rules in recording order. Reverse sweep (seed 004, "Reverse adjoint
trace"; seed 000, "Reverse mode"): ``bar a_j += bar a_i * d a_i / d a_j``, applying the VJP rules
from the last operation back to the inputs. Both keep the value of every node, so the table can
show each one.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.broadcast import unbroadcast


def tangents(tape: list, seeds: dict[int, np.ndarray]) -> list[np.ndarray | None]:
    """The tangent of every tape entry, inputs seeded from ``seeds`` (others zero).

    An entry whose tangent needs a JVP rule the primitive lacks gets ``None`` (and so does
    everything computed from it).

    Example:
        >>> import numpy as np
        >>> from chainrule.explain.recorder import Recorder
        >>> rec = Recorder(); x = rec.leaf(np.array(3.0)); y = x * x
        >>> [float(t) for t in tangents(rec.tape, {0: np.array(1.0)})]
        [1.0, 6.0]
    """
    out: list[Any] = []
    for i, (prim, params, args, ans, parents, shape, dtype) in enumerate(tape):
        if prim is None:
            t = seeds.get(i)
            out.append(np.zeros(shape, dtype) if t is None else np.asarray(t, dtype))
            continue
        total: Any = None
        for pos, j in parents:
            rule = _rule(prim.jvp, pos)
            if rule is None or out[j] is None:
                total = None
                break
            c = rule(out[j], ans, *args, **params)
            total = c if total is None else total + c
        if total is None and parents:
            out.append(None)
            continue
        if total is None:  # no recorded inputs: a constant operation
            total = np.zeros(shape, dtype)
        total = np.broadcast_to(np.asarray(total), shape).astype(dtype, copy=True)
        out.append(total)
    return out


def adjoints(tape: list, seeds: dict[int, np.ndarray]) -> list[np.ndarray | None]:
    """The adjoint (cotangent) of every tape entry, from ``seeds`` at the outputs.

    Entries the outputs do not depend on get zeros; entries whose adjoint needs a VJP rule the
    primitive lacks get ``None``.

    Example:
        >>> import numpy as np
        >>> from chainrule.explain.recorder import Recorder
        >>> rec = Recorder(); x = rec.leaf(np.array(3.0)); y = x * x
        >>> [float(a) for a in adjoints(rec.tape, {1: np.array(1.0)})]
        [6.0, 1.0]
    """
    cts: list[Any] = [None] * len(tape)
    unknown: set[int] = set()
    for i, g in seeds.items():
        cts[i] = g if cts[i] is None else cts[i] + g
    for i in range(len(tape) - 1, -1, -1):
        prim, params, args, ans, parents, shape, dtype = tape[i]
        g = cts[i]
        if prim is None:
            continue
        if i in unknown:
            unknown.update(j for _, j in parents)
            continue
        if g is None:
            continue
        for pos, j in parents:
            rule = _rule(prim.vjp, pos)
            if rule is None:
                unknown.add(j)
                continue
            c = np.asarray(rule(g, ans, *args, **params))
            parent_shape, parent_dtype = tape[j][5], tape[j][6]
            if c.shape != parent_shape:
                c = unbroadcast(c, parent_shape)
            if c.dtype.kind == "c" and parent_dtype.kind != "c":
                c = c.real  # a complex cotangent reaching a real input (ops/complex.py)
            c = c.astype(parent_dtype, copy=False)
            cts[j] = c if cts[j] is None else cts[j] + c
    result: list[Any] = []
    for i, c in enumerate(cts):
        if i in unknown:
            result.append(None)
        elif c is None:
            result.append(np.zeros(tape[i][5], tape[i][6]))
        else:
            result.append(np.asarray(c))
    return result


def _rule(rules: Any, pos: int) -> Any:
    try:
        return rules[pos]
    except IndexError:
        return None
