"""Lifting another library's plain arrays into an outer transformation's constants, so that the
derivative rules of nested transformations run on them.

In a nested transformation (a Hessian, reverse over forward) a rule such as ``g * y`` may meet
a plain array on the left of a Python operator (the cotangent ``g``, a tangent, a constant
argument) and an outer transformation's tracer on the right. A NumPy array defers to the tracer
(``__array_ufunc__``); another library's array may refuse it instead (array-api-strict raises
``TypeError``). Lifting each such plain array into a constant of the highest-level trace among
the rule's inputs gives every operator a tracer operand, whose primitive then runs on the plain
values in their own namespace. A constant has a zero derivative, so the result is unchanged.

Only the sweeps over another library's arrays call this (the traces' ``far`` flag): NumPy's
path never does.
"""

from __future__ import annotations

from typing import Any

from chainrule.backend import PLAIN_TYPES, foreign, zeros_like
from chainrule.tracer import Tracer


def lift(values: list[Any]) -> list[Any]:
    """``values`` with every plain array of another library made a constant of the highest-level
    trace among the tracers in ``values`` (its ``constant``); ``values`` itself when none holds a
    tracer of a live transformation.

    Example:
        >>> import numpy as np
        >>> xs = [np.ones(2), 2.0, None]
        >>> lift(xs) is xs
        True
    """
    top = None
    for v in values:
        if isinstance(v, Tracer) and (top is None or v._trace.level > top.level):
            top = v._trace
    if top is None or not top.alive:
        return values
    return [top.constant(v) if v.__class__ not in PLAIN_TYPES and not isinstance(v, Tracer)
            and foreign(v) else v for v in values]


def lifted_sum(a: Any, b: Any) -> Any:
    """``a + b`` where one may be another library's plain array and the other a tracer (two
    rules' contributions to one cotangent or tangent)."""
    a, b = lift([a, b])
    return a + b


def zeros_for(x: Any) -> Any:
    """Zeros of ``x``'s shape and dtype (``backend.zeros_like``): the derivative a transform
    returns where nothing flowed. For a live tracer of another library's array, a constant of
    its trace, so that code such as ``g * x`` (``g`` those zeros) runs inside that transformation.

    Example:
        >>> import numpy as np
        >>> zeros_for(np.ones(2)).tolist()
        [0.0, 0.0]
    """
    z = zeros_like(x)
    if isinstance(x, Tracer) and x._trace.alive and foreign(x):
        return x._trace.constant(z)
    return z
