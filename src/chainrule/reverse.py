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

from chainrule.describe import describe
from chainrule.levels import new_level
from chainrule.primitive import Primitive, bind
from chainrule.tracer import Tracer


class Node:
    """One recorded operation: what its VJP rules need, and where its inputs came from."""

    __slots__ = ("prim", "params", "args", "ans", "parents", "shape", "dtype")

    def __init__(self, prim, params, args, ans, parents, shape, dtype):
        self.prim = prim  # None for an input (leaf)
        self.params = params
        self.args = args
        self.ans = ans
        self.parents = parents  # tuple of (argument position, tape index of that input)
        self.shape = shape
        self.dtype = dtype


class ReverseTrace:
    """The recording context of one reverse-mode transformation."""

    kind = "reverse-mode"
    __slots__ = ("level", "tape", "alive")

    def __init__(self) -> None:
        self.level = new_level()
        self.tape: list[Node | None] = []
        self.alive = True

    def leaf(self, value: Any) -> ReverseTracer:
        """Box an input so that operations on it are recorded."""
        self.tape.append(Node(None, None, None, value, (), np.shape(value), value.dtype))
        return ReverseTracer(value, self, len(self.tape) - 1)

    def process(self, prim: Primitive, args, params) -> Any:
        vals = []
        parents = []
        for i, a in enumerate(args):
            if isinstance(a, ReverseTracer) and a._trace is self:
                vals.append(a._value)
                parents.append((i, a._node))
            else:
                vals.append(a)
        ans = bind(prim, vals, params)
        if not parents:
            return ans
        tape = self.tape
        tape.append(
            Node(
                prim,
                params,
                vals if prim.save_args else (None,) * len(vals),
                ans if prim.save_ans else None,
                parents,
                ans.shape,
                ans.dtype,
            )
        )
        return ReverseTracer(ans, self, len(tape) - 1)


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


def backward(tape: list, seeds: dict[int, Any], keep: bool) -> dict[int, Any]:
    """Propagate adjoints from ``seeds`` (tape index -> cotangent) down to the leaves.

    Returns the cotangent of every reached leaf. With ``keep=False`` the tape is consumed: each
    node is released right after its rules have run, each cotangent right after it is used.
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
        node = tape[i]
        if not keep:
            tape[i] = None
        prim = node.prim
        if prim is None:
            leaves[i] = g
            continue
        rules = prim.vjp
        args = node.args
        for pos, j in node.parents:
            rule = rules[pos] if pos < len(rules) else None
            if rule is None:
                raise TypeError(
                    f"{prim.name}: no reverse-mode (VJP) rule for argument {pos}. Define one with "
                    f"{prim.name}.defvjp(...), or wrap that argument in cr.stop_gradient(...)."
                )
            c = rule(g, node.ans, *args, **node.params)
            parent = tape[j]
            if c.shape != parent.shape:
                c = unbroadcast(c, parent.shape)
            if c.dtype != parent.dtype:
                c = c.astype(parent.dtype)
            prev = cts[j]
            cts[j] = c if prev is None else prev + c
    return leaves


def unbroadcast(c: Any, shape: tuple[int, ...]) -> Any:
    """Sum a cotangent of a broadcast result back to the shape of the input it came from."""
    from chainrule import numpy as cnp

    extra = c.ndim - len(shape)
    if extra < 0:
        raise ValueError(
            f"internal: cotangent of shape {c.shape} cannot be unbroadcast to input shape {shape}"
        )
    axes = tuple(range(extra)) + tuple(
        extra + k for k, n in enumerate(shape) if n == 1 and c.shape[extra + k] != 1
    )
    if axes:
        c = cnp.sum(c, axis=axes)
    return cnp.reshape(c, shape) if c.shape != shape else c


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
