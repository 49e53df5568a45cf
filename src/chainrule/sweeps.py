"""The two sweeps over a recorded tape (``chainrule.tape``), used by the transforms, by
``detect_anomaly`` and by ``explain`` alike.

Backward (seed 004, "Reverse adjoint trace"; seed 000, "Reverse mode"):
``bar a_j += bar a_i * d a_i / d a_j``, applying the VJP rules from the last operation back to
the inputs. A plain loop (no recursion: chains of 100,000 operations are fine); a one-shot sweep
drops every record and cotangent as soon as it has been used, so memory falls while it runs.

Forward (seed 000, "Forward mode"): ``dot a_i = sum_j d a_i / d a_j * dot a_j``, applying the JVP
rules in recording order, over a tape recorded with every input kept (``explain``). The
transforms' forward mode itself needs no tape (``chainrule.forward``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.backend import foreign, namespace
from chainrule.broadcast import unbroadcast
from chainrule.lift import lift, lifted_sum
from chainrule.primitive import NoDerivativeError, Primitive
from chainrule.tape import DTYPE, SHAPE, TapeEntry


def backward(tape: list[TapeEntry | None], seeds: dict[int, Any], keep: bool,
             check: Callable | None = None, *, every: list | None = None,
             missing: Callable[[Primitive, int, int], None] | None = None,
             far: bool = False) -> dict[int, Any]:
    """Propagate adjoints from ``seeds`` (tape index -> cotangent) down to the inputs.

    Returns the cotangent of every reached input. With ``keep=False`` the tape is consumed: each
    record is released right after its rules have run, each cotangent right after it is used.
    Options, each off (``None``) on the transforms' fast path:

    - ``check(node, prim, pos, g, c, args, ans)`` sees every cotangent a rule returns
      (``detect_anomaly`` raises there on a non-finite one);
    - ``every``, a list as long as the tape, receives each reached node's total cotangent;
    - ``missing(prim, pos, parent)`` is called where a primitive has no VJP rule for a traced
      argument, instead of raising ``NoDerivativeError`` (that parent's cotangent is then
      incomplete: ``explain`` marks it unknown);
    - ``far``, the trace's flag of that name (another library's arrays were recorded): the
      sweep is then ``lifted_backward``, whose rules also run inside outer transformations
      (``every`` and ``missing``, ``explain``'s options, are not for such tapes).

    Example:
        >>> import numpy as np
        >>> from chainrule.reverse import ReverseTrace
        >>> trace = ReverseTrace()
        >>> x = trace.leaf(np.array(3.0)); y = x * x
        >>> float(backward(trace.tape, {y._node: np.array(1.0)}, keep=True)[0])
        6.0
    """
    if far:
        return lifted_backward(tape, seeds, keep, check)
    cts: list[Any] = [None] * len(tape)
    for i, g in seeds.items():
        cts[i] = g if cts[i] is None else cts[i] + g
    leaves: dict[int, Any] = {}
    for i in range(max(seeds), -1, -1):
        g = cts[i]
        if g is None:
            if not keep:
                tape[i] = None
            continue
        cts[i] = None
        if every is not None:
            every[i] = g
        prim, params, args, ans, parents, _, _ = tape[i]
        if not keep:
            tape[i] = None
        if prim is None:
            leaves[i] = g
            continue
        rules = prim.vjp
        for pos, j in parents:
            try:
                rule = rules[pos]
            except IndexError:
                rule = None
            if rule is None:
                if missing is None:
                    raise _missing_rule(prim, pos)
                missing(prim, pos, j)
                continue
            c = rule(g, ans, *args, **params) if params else rule(g, ans, *args)
            if check is not None:
                check(i, prim, pos, g, c, args, ans)
            parent = tape[j]
            if c.shape != parent[SHAPE]:
                c = unbroadcast(c, parent[SHAPE])
            dtype = parent[DTYPE]
            if c.dtype is not dtype and c.dtype != dtype:  # builtin dtypes are singletons
                c = _cast_cotangent(c, dtype)
            prev = cts[j]
            cts[j] = c if prev is None else prev + c
    return leaves


def lifted_backward(tape: list[TapeEntry | None], seeds: dict[int, Any], keep: bool,
                    check: Callable | None = None) -> dict[int, Any]:
    """``backward`` over a tape of another library's arrays: each rule gets its inputs lifted,
    and contributions are summed lifted (``chainrule.lift``), since in a nested transformation
    a plain cotangent or constant of that library may meet an outer tracer, which its operators
    refuse. A loop of its own, chosen once per sweep, so that NumPy's loop does no extra work.
    """
    cts: list[Any] = [None] * len(tape)
    for i, g in seeds.items():
        cts[i] = g if cts[i] is None else lifted_sum(cts[i], g)
    leaves: dict[int, Any] = {}
    for i in range(max(seeds), -1, -1):
        g = cts[i]
        if g is None:
            if not keep:
                tape[i] = None
            continue
        cts[i] = None
        prim, params, args, ans, parents, _, _ = tape[i]
        if not keep:
            tape[i] = None
        if prim is None:
            leaves[i] = g
            continue
        inputs = lift([g, ans, *args])
        for pos, j in parents:
            rule = _rule(prim.vjp, pos)
            if rule is None:
                raise _missing_rule(prim, pos)
            c = rule(*inputs, **params)
            if check is not None:
                check(i, prim, pos, g, c, args, ans)
            parent = tape[j]
            if c.shape != parent[SHAPE]:
                c = unbroadcast(c, parent[SHAPE])
            if c.dtype != parent[DTYPE]:
                c = _cast_cotangent(c, parent[DTYPE])
            prev = cts[j]
            cts[j] = c if prev is None else lifted_sum(prev, c)
    return leaves


def tangents(tape: list[TapeEntry], seeds: dict[int, np.ndarray]) -> list[np.ndarray | None]:
    """The tangent of every record, inputs seeded from ``seeds`` (other inputs zero).

    The tape must keep every operation's inputs (``explain``'s recorder does). A record whose
    tangent needs a JVP rule the primitive lacks gets ``None``, and so does everything computed
    from it.

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
        out.append(np.broadcast_to(np.asarray(total), shape).astype(dtype, copy=True))
    return out


def _rule(rules: Any, pos: int) -> Any:
    try:
        return rules[pos]
    except IndexError:
        return None


def _cast_cotangent(c: Any, dtype: Any) -> Any:
    """A cotangent in its input's dtype: a complex one reaching a real input keeps its real
    part (ops/complex.py: dL/dx is the real part of the complex cotangent). Another library's
    cotangent is cast by its own namespace (``dtype`` is then that library's)."""
    if c.__class__ is np.ndarray or not foreign(c):
        if c.dtype.kind == "c" and dtype.kind != "c":
            c = c.real
            if c.dtype == dtype:
                return c
        return c.astype(dtype)
    xp = namespace(c)
    if xp.isdtype(c.dtype, "complex floating") and not xp.isdtype(dtype, "complex floating"):
        c = xp.real(c)
        if c.dtype == dtype:
            return c
    return xp.astype(c, dtype)


def _missing_rule(prim: Primitive, pos: int) -> NoDerivativeError:
    return NoDerivativeError(
        f"{prim.name}: no reverse-mode (VJP) rule for argument {pos}. Define one with "
        f"{prim.name}.defvjp(...), or wrap that argument in cr.stop_gradient(...)."
    )
