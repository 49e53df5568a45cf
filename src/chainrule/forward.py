"""Forward mode: every value carries its tangent, pushed through each operation as it runs.

One pass gives the derivative of every output along one input direction (seed 000, "forward
mode": a dot-a for every intermediate a).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.backend import PLAIN_TYPES, dtype_kind, foreign, namespace, zeros_like
from chainrule.broadcast import broadcast_array
from chainrule.deferred import Deferred, run
from chainrule.levels import new_level
from chainrule.lift import lift, lifted_sum
from chainrule.primitive import NoDerivativeError, Primitive
from chainrule.tracer import Tracer


class ForwardTrace:
    """The context of one forward-mode transformation."""

    kind = "forward-mode"
    # far: another library's array has entered (see ReverseTrace)
    __slots__ = ("level", "alive", "far")

    def __init__(self) -> None:
        self.level = new_level()
        self.alive = True
        self.far = False

    def constant(self, value: Any) -> ForwardTracer:
        """``value`` as a constant of this trace (``chainrule.lift``): a zero tangent, made in
        the value's own library."""
        return ForwardTracer(value, zeros_like(value), self)

    def process(self, prim: Primitive, args, params, nested: bool) -> Any:
        vals = list(args)
        tracers = []
        i = 0
        for a in args:
            if a.__class__ is ForwardTracer and a._trace is self:
                v = a._value
                if v.__class__ is Deferred:
                    v = a._value = v.force()
                vals[i] = v
                tracers.append((i, a._tangent))
                if isinstance(v, Tracer):  # an outer transformation's value inside
                    nested = True
            elif a.__class__ not in PLAIN_TYPES and foreign(a):
                self.far = True
            i += 1
        far = self.far
        if nested:
            ans = prim(*vals, **params)
        elif far:
            ans = run(prim, vals, params, prim.impl_for(vals))
        elif prim.aval is not None:
            # The tangent rules do not need the output: defer computing it until something
            # reads it. A result nobody reads (e.g. the gradient whose tangent is a
            # Hessian-vector product) is then never computed at all.
            shape, dtype = prim.aval(*vals, **params)
            ans = Deferred(prim, vals, params, shape, dtype)
        else:
            ans = run(prim, vals, params)
        if far:  # another library's arrays: the rules' inputs lifted (chainrule.lift)
            tangent = _lifted_tangent(prim, tracers, ans, vals, params)
        else:
            rules = prim.jvp
            tangent = None
            for pos, t in tracers:
                rule = rules[pos] if pos < len(rules) else None
                if rule is None:
                    raise _no_rule(prim, pos)
                contribution = rule(t, ans, *vals, **params)
                tangent = contribution if tangent is None else tangent + contribution
        if tangent.shape != ans.shape:
            if isinstance(tangent, np.ndarray | np.generic):
                tangent = broadcast_array(tangent, ans.shape)
            else:  # traced (nested modes): its own namespace, the face's broadcast_to
                tangent = namespace(tangent).broadcast_to(tangent, ans.shape)
        if tangent.dtype is not ans.dtype and tangent.dtype != ans.dtype:
            if dtype_kind(tangent) == "c" and dtype_kind(ans) != "c":
                raise TypeError(
                    f"{prim.name}: its JVP rule returned a complex tangent for a real output; "
                    "a rule of a real-valued function of complex inputs must take the real part "
                    "itself (see chainrule/ops/complex.py)."
                )
            tangent = namespace(tangent).astype(tangent, ans.dtype)
        return ForwardTracer(ans, tangent, self)


def _lifted_tangent(prim: Primitive, tracers: list, ans: Any, vals: list, params: dict) -> Any:
    """The output tangent, each rule given its inputs lifted (``chainrule.lift``): in a nested
    transformation a tangent or a constant of another library may meet an outer tracer."""
    n = len(tracers)
    lifted = lift([t for _, t in tracers] + [ans, *vals])  # one constant per plain input
    inputs = lifted[n:]
    rules = prim.jvp
    tangent = None
    for (pos, _), t in zip(tracers, lifted[:n], strict=True):
        rule = rules[pos] if pos < len(rules) else None
        if rule is None:
            raise _no_rule(prim, pos)
        contribution = rule(t, *inputs, **params)
        tangent = contribution if tangent is None else lifted_sum(tangent, contribution)
    return tangent


def _no_rule(prim: Primitive, pos: int) -> NoDerivativeError:
    return NoDerivativeError(
        f"{prim.name}: no forward-mode (JVP) rule for argument {pos}. Define one with "
        f"{prim.name}.defjvp(...), use reverse mode, or wrap that argument in "
        "cr.stop_gradient(...)."
    )


class ForwardTracer(Tracer):
    """A primal value travelling with its tangent."""

    __slots__ = ("_tangent",)

    def __init__(self, value: Any, tangent: Any, trace: ForwardTrace) -> None:
        self._value = value
        self._tangent = tangent
        self._trace = trace

    def _rebind(self, new: ForwardTracer) -> None:
        self._value = new._value
        self._tangent = new._tangent
        self._trace = new._trace
