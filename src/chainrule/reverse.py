"""Reverse mode: record a tape while the function runs, then sweep it backwards (adjoints).

The tape is a list of nodes in creation order, which is already a topological order of the graph,
so the backward sweep is a plain loop (no recursion: chains of 100,000 operations are fine). Each
node keeps only what its VJP rules need; during a one-shot sweep every node and cotangent is
dropped as soon as it has been used, so memory falls while the sweep runs (seed 000, "reverse
mode: keep the values in the forward pass, use them in the backward pass").
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.broadcast import unbroadcast
from chainrule.describe import describe
from chainrule.levels import new_level
from chainrule.primitive import NoDerivativeError, Primitive, annotated
from chainrule.tracer import Tracer

# A tape entry is a tuple (fast to build): the primitive (None for an input), its static
# parameters, the primal inputs its VJP rules need (None where the primitive saves none), its
# output (if needed), the (argument position, tape index) of each traced input, and the output's
# shape and dtype (to sum broadcast cotangents back and keep the input's precision).
PRIM, PARAMS, ARGS, ANS, PARENTS, SHAPE, DTYPE = range(7)


class ReverseTrace:
    """The recording context of one reverse-mode transformation."""

    kind = "reverse-mode"
    __slots__ = ("level", "tape", "alive")

    def __init__(self) -> None:
        self.level = new_level()
        self.tape: list[tuple | None] = []
        self.alive = True

    def leaf(self, value: Any) -> ReverseTracer:
        """Box an input so that operations on it are recorded."""
        self.tape.append((None, None, None, value, (), value.shape, value.dtype))
        return ReverseTracer(value, self, len(self.tape) - 1)

    def process(self, prim: Primitive, args, params, nested: bool) -> Any:
        vals = list(args)
        parents = []
        i = 0
        for a in args:
            if a.__class__ is ReverseTracer and a._trace is self:
                v = vals[i] = a._value
                parents.append((i, a._node))
                if isinstance(v, Tracer):  # an outer transformation's value inside
                    nested = True
            i += 1
        if nested:
            ans = prim(*vals, **params)
        else:
            try:
                ans = prim.impl(*vals, **params)
            except (ValueError, TypeError, IndexError) as e:
                raise annotated(e, prim, vals, params) from e
        tape = self.tape
        node = len(tape)
        tape.append((
            prim,
            params,
            vals if prim.save_args else (None,) * i,
            ans if prim.save_ans else None,
            parents,
            ans.shape,
            ans.dtype,
        ))
        return ReverseTracer(ans, self, node)


class ReverseTracer(Tracer):
    """A value recorded on a reverse-mode tape."""

    __slots__ = ("_node",)

    def __init__(self, value: Any, trace: ReverseTrace, node: int) -> None:
        self._value = value
        self._trace = trace
        self._node = node

    def _rebind(self, new: ReverseTracer) -> None:
        self._value = new._value
        self._trace = new._trace
        self._node = new._node


def backward(tape: list, seeds: dict[int, Any], keep: bool, check=None) -> dict[int, Any]:
    """Propagate adjoints from ``seeds`` (tape index -> cotangent) down to the leaves.

    Returns the cotangent of every reached leaf. With ``keep=False`` the tape is consumed: each
    entry is released right after its rules have run, each cotangent right after it is used.
    ``check(node, prim, pos, g, c, args, ans)``, when given, sees every cotangent a rule returns
    (``detect_anomaly`` uses it).
    """
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
                raise _missing_rule(prim, pos)
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


def _cast_cotangent(c: Any, dtype: np.dtype) -> Any:
    """A cotangent in its input's dtype: a complex one reaching a real input keeps its real
    part (ops/complex.py: dL/dx is the real part of the complex cotangent)."""
    if c.dtype.kind == "c" and dtype.kind != "c":
        c = c.real
        if c.dtype == dtype:
            return c
    return c.astype(dtype)


def _missing_rule(prim: Primitive, pos: int) -> NoDerivativeError:
    return NoDerivativeError(
        f"{prim.name}: no reverse-mode (VJP) rule for argument {pos}. Define one with "
        f"{prim.name}.defvjp(...), or wrap that argument in cr.stop_gradient(...)."
    )


def check_cotangent(ct: Any, ref_shape, ref_dtype, where: str) -> np.ndarray | Tracer:
    """Validate a user-given cotangent against the output it pairs with."""
    if not isinstance(ct, Tracer):
        if isinstance(ct, float | int) and not isinstance(ct, bool):
            ct = np.asarray(ct, dtype=ref_dtype)
        ct = np.asarray(ct) if not isinstance(ct, np.ndarray | np.generic) else ct
    if tuple(np.shape(ct)) != tuple(ref_shape) or ct.dtype != ref_dtype:
        raise ValueError(
            f"vjp_fn: the cotangent for {where} is a {describe(ct)}, but that output is a "
            f"{ref_dtype} array of shape {tuple(ref_shape)}. Give a cotangent of exactly the "
            f"output's shape and dtype (e.g. np.ones({tuple(ref_shape)}, dtype=np.{ref_dtype}))."
        )
    return ct


