"""Recording every operation of one run, with all its inputs and its output, for inspection.

``Recorder`` is a reverse-mode trace (``chainrule.reverse.ReverseTrace``) whose tape keeps, for
every operation, the primitive, the full primal inputs (constants included) and the output,
whatever the primitive's save flags say: a trace table shows them all (seed 004, "Forward
primal trace"). ``step`` marks a user function as one step of the table.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chainrule.describe import describe
from chainrule.primitive import Primitive
from chainrule.reverse import ReverseTrace, ReverseTracer
from chainrule.tape import TapeEntry
from chainrule.tracer import Tracer
from chainrule.tree import tree_leaves

# The recorders running in this thread/context (innermost last); ``step`` groups into the
# innermost one. A context variable, so traces in other threads never see each other's steps.
_ACTIVE: contextvars.ContextVar[tuple[Recorder, ...]] = contextvars.ContextVar(
    "chainrule_explain_recorders", default=()
)


@dataclass
class Group:
    """The operations one call of a ``step`` function recorded, shown as one row."""

    name: str
    operands: list[tuple[str, Any]]  # ("node", tape index) or ("const", value), call order
    outputs: list[int] = field(default_factory=list)


class Recorder(ReverseTrace):
    """A reverse trace whose tape keeps every operation's full inputs and output.

    Tape entries are ``chainrule.tape.TapeEntry`` records with ``args`` and ``ans`` always
    present; ``group_of[i]`` is the index in
    ``groups`` of the step call that recorded entry ``i`` (None outside any step).

    Example:
        >>> import numpy as np
        >>> rec = Recorder()
        >>> x = rec.leaf(np.array(2.0))
        >>> y = 3.0 * x
        >>> [e.prim.name if e.prim else "input" for e in rec.tape], rec.tape[1].args
        (['input', 'multiply'], [3.0, array(2.)])
    """

    kind = "explain.trace"
    __slots__ = ("groups", "group_of", "_open")

    def __init__(self) -> None:
        super().__init__()
        self.groups: list[Group] = []
        self.group_of: list[int | None] = []
        self._open: int | None = None

    def leaf(self, value: Any) -> ReverseTracer:
        self.group_of.append(self._open)
        out = super().leaf(value)
        self.tape[-1] = TapeEntry._make(self.tape[-1])
        return out

    def process(self, prim: Primitive, args, params, nested: bool) -> Any:
        vals = [a._value if a.__class__ is ReverseTracer and a._trace is self else a
                for a in args]
        for a, v in zip(args, vals, strict=True):
            if nested or isinstance(v, Tracer):
                raise TypeError(
                    f"cr.explain.trace: {prim.name} received a value traced by another "
                    f"transformation ({describe(a)}). Trace tables show concrete values: call "
                    "cr.explain.trace on plain NumPy inputs, outside cr.grad/cr.jvp."
                )
        out = super().process(prim, args, params, False)
        # the record as reverse mode keeps it, named, with every input and the output
        self.tape[-1] = TapeEntry._make(self.tape[-1])._replace(args=vals, ans=out._value)
        self.group_of.append(self._open)
        return out


def step(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: inside ``cr.explain.trace`` the function's operations form ONE table row.

    The row reads ``v3 = name(v1)`` and shows the value, tangent and adjoint of the function's
    output (computed exactly from the atomic operations inside, which stay hidden). Outside a
    trace the wrapped function is the plain function. Seed 004 treats sigma this way ("we
    assumed that the derivative of sigma is already known").

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> sigma = cr.explain.step("sigma")(lambda z: 1 / (1 + np.exp(-z)))
        >>> float(sigma(0.0))
        0.5
        >>> [r.expression for r in cr.explain.trace(sigma, 0.0).rows]
        ['z', 'sigma(v0)']
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"cr.explain.step(name): name must be a non-empty string, got {name!r}")

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            active = _ACTIVE.get()
            rec = active[-1] if active else None
            if rec is None or not rec.alive or rec._open is not None:
                return fn(*args, **kwargs)  # not tracing, or inside another step already
            operands = [_operand(a, rec) for a in args]
            operands += [("const", f"{k}={_short(v)}") for k, v in kwargs.items()]
            gid = len(rec.groups)
            group = Group(name, operands)
            rec.groups.append(group)
            start = len(rec.tape)
            rec._open = gid
            try:
                out = fn(*args, **kwargs)
            finally:
                rec._open = None
            for leaf in tree_leaves(out):
                if isinstance(leaf, ReverseTracer) and leaf._trace is rec and leaf._node >= start:
                    group.outputs.append(leaf._node)
            return out

        return wrapped

    return decorate


def _operand(a: Any, rec: Recorder) -> tuple[str, Any]:
    if isinstance(a, ReverseTracer) and a._trace is rec:
        return ("node", a._node)
    return ("const", a)


def _short(v: Any) -> str:
    from chainrule.explain.formatting import constant

    return constant(v)


def run_recorded(f: Callable[..., Any], inputs: list[Any]) -> tuple[Recorder, list[Any], Any]:
    """Run ``f`` on a fresh recorder with every array in ``inputs`` boxed.

    ``inputs`` holds one list of leaves per argument, ``None`` for an argument passed as is.
    Returns the recorder, the boxed leaves (tracers, in order) and ``f``'s output; ``f``
    receives the boxed lists.

    Example:
        >>> import numpy as np
        >>> rec, boxed, out = run_recorded(lambda b: b[0][0] * 2.0, [[np.array(3.0)]])
        >>> len(rec.tape), float(rec.tape[-1].ans)
        (2, 6.0)
    """
    raise_if_traced(inputs)
    rec = Recorder()
    boxed = [None if leaves is None else [rec.leaf(x) for x in leaves] for leaves in inputs]
    # The inputs' own nodes, kept apart: an in-place update inside f (x[0] = 5) rebinds the
    # tracer that f received.
    leaves = [None if b is None else [t._alias() for t in b] for b in boxed]
    token = _ACTIVE.set((*_ACTIVE.get(), rec))
    try:
        out = f(boxed)
    finally:
        rec.alive = False
        _ACTIVE.reset(token)
    return rec, leaves, out


def raise_if_traced(inputs: list[Any]) -> None:
    """Refuse values traced by another transformation: a table shows concrete values.

    Example:
        >>> import numpy as np
        >>> raise_if_traced([[np.ones(2)], None])  # plain arrays pass
    """
    for leaves in inputs:
        for x in leaves or ():
            if isinstance(x, Tracer):
                raise TypeError(
                    f"cr.explain.trace: an input is a {describe(x)}. Trace tables show "
                    "concrete values: call it on plain NumPy inputs, outside cr.grad/cr.jvp."
                )
