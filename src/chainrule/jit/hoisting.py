"""Positions computed from the inputs, given to a primitive as parameters, become operands of
its instruction inside ``cr.jit``.

``sort`` reads its input at the positions of its ``argsort``, ``take_along_axis`` at an
``argmax``'s, and their derivatives scatter back to the same positions: the positions are
parameters of the primitives (no derivative flows through them). Inside a trace they are staged
values, which a parameter could only freeze: so the instruction takes them as operands, and the
program computes them afresh on every call. Only primitives whose result shape the positions
cannot change are handled (integer positions have the shape the signature fixes); a boolean
mask selecting entries would make the shape depend on the data, and is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chainrule.jit.errors import JitError, where_read
from chainrule.primitive import POSITIONAL
from chainrule.tracer import primal

_INDEXING = frozenset({"getitem", "scatter_add"})


class Operand:
    """The place of the k-th hoisted value in a parameter's template."""

    __slots__ = ("k",)

    def __init__(self, k: int) -> None:
        self.k = k

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Operand) and other.k == self.k

    def __hash__(self) -> int:
        return hash((Operand, self.k))

    def __repr__(self) -> str:
        return f"<operand {self.k}>"


def _lift(value: Any, found: list) -> Any:
    if getattr(value, "_jit_value", False):
        found.append(value)
        return Operand(len(found) - 1)
    if type(value) is tuple:
        return tuple(_lift(v, found) for v in value)
    if type(value) is list:
        return [_lift(v, found) for v in value]
    return value


def _fill(template: Any, values: Any) -> Any:
    if template.__class__ is Operand:
        return values[template.k]
    if type(template) is tuple:
        return tuple(_fill(v, values) for v in template)
    if type(template) is list:
        return [_fill(v, values) for v in template]
    return template


def hoisted(record: Callable, prim: Any, impl: Callable, params: dict, args: list) -> Any:
    """Record ``prim(*args, **params)``, whose parameters hold staged values, as an instruction
    taking those values as operands after ``args``; ``record(op, impl, params, operands)`` is
    the trace's. Raises ``JitError`` for a primitive not known to keep its shape, or a boolean
    mask among an index's entries."""
    found: list = []
    template = {key: _lift(value, found) for key, value in params.items()}
    if prim.name not in POSITIONAL:
        raise JitError(f"cr.jit: {prim.name} got values computed from the inputs as parameters"
                       f"{where_read()}; only positions of indexing and selections can be "
                       "compiled there: call the function without cr.jit")
    if prim.name in _INDEXING and any(v.dtype == bool for v in found):
        raise JitError(f"cr.jit: indexing with a boolean mask computed from the inputs"
                       f"{where_read()} selects a number of entries that depends on the data, "
                       "and a compiled program has fixed shapes. Use np.where(mask, x, 0) (then "
                       "a sum), or call the function without cr.jit")
    n = len(args)

    def run(*values: Any, **template: Any) -> Any:
        return impl(*values[:n], **{k: _fill(v, values[n:]) for k, v in template.items()})

    def replay(*values: Any, **template: Any) -> Any:
        positions = [primal(v) for v in values[n:]]  # no derivative flows through them
        return prim(*values[:n], **{k: _fill(v, positions) for k, v in template.items()})

    run.__name__ = replay.__name__ = prim.name
    return record(replay, run, template, [*args, *(v.tracer for v in found)])
