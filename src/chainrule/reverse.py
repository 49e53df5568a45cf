"""Reverse mode: record a tape while the function runs (``chainrule.tape``), then sweep it
backwards (``chainrule.sweeps.backward``).

Each record keeps only what its VJP rules need (seed 000, "reverse mode: keep the values in the
forward pass, use them in the backward pass").
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.backend import PLAIN_TYPES, foreign
from chainrule.describe import describe
from chainrule.errors import annotated
from chainrule.levels import new_level
from chainrule.primitive import Primitive
from chainrule.tracer import Tracer


class ReverseTrace:
    """The recording context of one reverse-mode transformation."""

    kind = "reverse-mode"
    # far: another library's array has entered (an input or a constant); from then on each
    # operation picks its implementation by its operands (NumPy's stays the fast path).
    __slots__ = ("level", "tape", "alive", "far")

    def __init__(self) -> None:
        self.level = new_level()
        self.tape: list[tuple | None] = []  # records in TapeEntry's field order
        self.alive = True
        self.far = False

    def leaf(self, value: Any) -> ReverseTracer:
        """Box an input so that operations on it are recorded."""
        if value.__class__ is not np.ndarray and foreign(value):
            self.far = True
        self.tape.append((None, None, None, value, (), value.shape, value.dtype))
        return ReverseTracer(value, self, len(self.tape) - 1)

    def constant(self, value: Any) -> ReverseTracer:
        """``value`` as a constant of this trace (``chainrule.lift``): a leaf of its own, which
        no transform reads (they read their inputs' leaves by index), so its cotangent is
        dropped."""
        return self.leaf(value)

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
            elif a.__class__ not in PLAIN_TYPES and foreign(a):
                self.far = True
            i += 1
        if nested:
            ans = prim(*vals, **params)
        else:
            impl = prim.impl if not self.far else prim.impl_for(vals)
            try:
                ans = impl(*vals, **params)
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


def check_cotangent(ct: Any, ref_shape, ref_dtype, where: str) -> np.ndarray | Tracer:
    """Validate a user-given cotangent against the output it pairs with."""
    if getattr(ct, "_jit_value", False):  # computed inside cr.jit: its staging tracer
        ct = ct.tracer
    if not isinstance(ct, Tracer) and not foreign(ct):
        if isinstance(ct, float | int) and not isinstance(ct, bool):
            ct = np.asarray(ct, dtype=ref_dtype)
        ct = np.asarray(ct) if not isinstance(ct, np.ndarray | np.generic) else ct
    if tuple(ct.shape) != tuple(ref_shape) or ct.dtype != ref_dtype:
        raise ValueError(
            f"vjp_fn: the cotangent for {where} is a {describe(ct)}, but that output is a "
            f"{ref_dtype} array of shape {tuple(ref_shape)}. Give a cotangent of exactly the "
            f"output's shape and dtype (e.g. np.ones({tuple(ref_shape)}, dtype=np.{ref_dtype}))."
        )
    return ct


