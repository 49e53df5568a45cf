"""Forward mode as a transformation: ``jvp`` evaluates a function and its directional
derivative ``J @ v`` in one pass, each value carrying its tangent (seed 000, "Forward mode";
the trace is ``chainrule.forward``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule import anomaly
from chainrule.backend import foreign, namespace
from chainrule.deferred import Deferred
from chainrule.describe import describe
from chainrule.forward import ForwardTracer
from chainrule.lift import zeros_for
from chainrule.tracer import Tracer
from chainrule.transforms import _as_input, _split_aux
from chainrule.tree import tree_flatten, tree_unflatten


def jvp(f: Callable, primals: Sequence[Any], tangents: Sequence[Any], has_aux: bool = False):
    """Evaluate ``f(*primals)`` and its directional derivative ``J @ tangents`` in one forward
    pass; returns ``(out, tangent_out)`` (forward mode).

    Example (seed 000: one tangent on w1 gives both d y1/d w1 and d y2/d w1):
        >>> import numpy as np
        >>> import chainrule as cr
        >>> f = lambda w0, w1, x: (np.sin(w1 * x + w0), np.cos(w1 * x + w0))
        >>> _, (dy1, dy2) = cr.jvp(f, (0.0, 1.0, 2.0), (0.0, 1.0, 0.0))
        >>> round(float(dy1), 4), round(float(dy2), 4)  # x cos(2), -x sin(2)
        (-0.8323, -1.8186)
    """
    return _jvp(f, primals, tangents, has_aux, values=True)


def _jvp(f: Callable, primals, tangents, has_aux: bool, values: bool):
    """``jvp``; with ``values=False`` the primal outputs are not returned (None)."""
    if not isinstance(primals, tuple | list) or not isinstance(tangents, tuple | list):
        raise TypeError(
            "jvp(f, primals, tangents): primals and tangents must be tuples, one entry per "
            "argument of f, e.g. cr.jvp(f, (x,), (v,))"
        )
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: {len(primals)} primals but {len(tangents)} tangents")
    trace = anomaly.forward_trace()
    args = []
    for n, (p, t) in enumerate(zip(primals, tangents, strict=True)):
        p_leaves, p_def = tree_flatten(p)
        t_leaves, t_def = tree_flatten(t)
        if p_def != t_def:
            raise ValueError(f"jvp: tangent {n} has structure {t_def!r}, primal {p_def!r}")
        boxed = []
        for pl, tl in zip(p_leaves, t_leaves, strict=True):
            pl = _as_input(pl, "jvp", f"primal {n}")
            if not isinstance(tl, Tracer):
                if foreign(pl) or foreign(tl):
                    namespace(pl, tl)  # one library for both, or a BackendError
                else:
                    tl = np.asarray(tl, dtype=pl.dtype)
            if np.shape(tl) != np.shape(pl):
                raise ValueError(
                    f"jvp: the tangent for primal {n} is a {describe(tl)}, but the primal is "
                    f"a {describe(pl)}; they must have the same shape."
                )
            if foreign(pl):
                trace.far = True
            boxed.append(ForwardTracer(pl, tl, trace))
        args.append(tree_unflatten(p_def, boxed))
    try:
        out = f(*args)
    finally:
        trace.alive = False
    aux = None
    if has_aux:
        out, aux = _split_aux(out, "jvp")
    leaves, out_def = tree_flatten(out)
    outs, tans = [], []
    for o in leaves:
        if isinstance(o, ForwardTracer) and o._trace is trace:
            # Only tangents wanted (values=False): outputs still deferred are never computed.
            outs.append(primal_of(o) if values else None)
            tans.append(o._tangent)
        else:
            outs.append(o)
            tans.append(zeros_for(o))
    result = tree_unflatten(out_def, outs), tree_unflatten(out_def, tans)
    return (*result, aux) if has_aux else result


def primal_of(o: ForwardTracer) -> Any:
    """The primal value of a forward tracer, computing it if it was deferred."""
    v = o._value
    return v.force() if v.__class__ is Deferred else v
