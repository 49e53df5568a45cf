"""Primitives: the atomic operations chainrule knows how to differentiate.

A primitive is one record holding its name, its NumPy implementation, and one VJP and one JVP
rule per differentiable argument, side by side (DESIGN.md principle 3). Rules are written with
chainrule's own operations, so a rule applied to traced values is itself recorded, which is what
makes derivatives of derivatives work.

Rule signatures (``args`` are the primal inputs, ``ans`` the primal output):

* VJP rule for argument i:  ``rule(g, ans, *args, **params) -> cotangent of args[i]``
* JVP rule for argument i:  ``rule(t, ans, *args, **params) -> contribution to the output tangent``

Rules may return values of the broadcast output shape; the engine sums them back to the argument's
shape (unbroadcasting is done once, in the engine, not in every rule).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

from numpy import ndarray, ufunc

from chainrule.backend import PLAIN_TYPES, foreign, refuse_foreign, standard
from chainrule.errors import annotated
from chainrule.tracer import Tracer

# Primitives whose parameters are positions (indices, permutations, masks): inside cr.jit they
# may be computed from the inputs (staged), and then make the primitive an instruction whose
# operands they are (chainrule.jit.hoisting); no other parameter may hold a staged value.
POSITIONAL = frozenset({"getitem", "scatter_add", "permute_along", "gather_along",
                        "scatter_along", "where"})


def _staged_trace(params: dict) -> Any:
    """The ``cr.jit`` trace of a staged value inside ``params`` (lists and tuples searched),
    or None."""
    for value in params.values():
        for v in (value if type(value) is tuple or type(value) is list else (value,)):
            if getattr(v, "_jit_value", False):
                return v.tracer._trace
    return None

REGISTRY: dict[str, Primitive] = {}


class Primitive:
    """A named operation with its forward implementation and derivative rules.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> cube = cr.Primitive("cube", lambda x: x ** 3)
        >>> _ = cube.defvjp(lambda g, ans, x: g * 3 * x ** 2)
        >>> _ = cube.defjvp(lambda t, ans, x: t * 3 * x ** 2)
        >>> float(cr.grad(cube)(2.0))
        12.0
    """

    __slots__ = ("name", "impl", "vjp", "jvp", "save_args", "save_ans", "aval", "xp_impl",
                 "__weakref__")

    def __init__(
        self,
        name: str,
        impl: Callable[..., Any],
        *,
        save_args: bool = True,
        save_ans: bool = True,
        aval: Callable[..., tuple[tuple[int, ...], Any]] | None = None,
        register: bool = False,
        xp_impl: Callable[..., Any] | None = None,
        portable: bool = False,
    ) -> None:
        self.name = name
        self.impl = impl
        self.vjp: tuple[Callable[..., Any] | None, ...] | _PerArgument = ()
        self.jvp: tuple[Callable[..., Any] | None, ...] | _PerArgument = ()
        # What the reverse sweep keeps alive: rules declared with save_args=False receive None
        # for the primal inputs (e.g. tanh only needs its output), which halves saved memory.
        self.save_args = save_args
        self.save_ans = save_ans
        # ``aval(*args, **params) -> (shape, dtype)`` of the output, for primitives whose JVP
        # rules never read the output: forward mode may then defer computing it.
        self.aval = aval
        # The implementation for other libraries' arrays (any Array API namespace, see
        # chainrule.backend); ``impl`` keeps NumPy's fastest route. A primitive without one
        # refuses those arrays with a BackendError instead of converting them. ``portable``:
        # ``impl`` itself takes its functions from its operands' namespace.
        if portable:
            xp_impl = impl
        elif xp_impl is None and isinstance(impl, ufunc):
            xp_impl = standard(impl)  # the Array API standard's function of the same meaning
        self.xp_impl = xp_impl
        if register:
            if name in REGISTRY:
                raise ValueError(f"primitive {name!r} is already registered")
            REGISTRY[name] = self

    def defvjp(self, *rules: Callable[..., Any] | None) -> Primitive:
        """Set the VJP rules, one per positional argument (``None``: not differentiable)."""
        self.vjp = rules
        return self

    def defjvp(self, *rules: Callable[..., Any] | None) -> Primitive:
        """Set the JVP rules, one per positional argument (``None``: not differentiable)."""
        self.jvp = rules
        return self

    def defvjp_argnum(self, rule: Callable[..., Any]) -> Primitive:
        """One VJP rule for any number of arguments: ``rule(i, g, ans, *args, **params)``."""
        self.vjp = _PerArgument(rule)
        return self

    def defjvp_argnum(self, rule: Callable[..., Any]) -> Primitive:
        """One JVP rule for any number of arguments: ``rule(i, t, ans, *args, **params)``."""
        self.jvp = _PerArgument(rule)
        return self

    def __call__(self, *args: Any, **params: Any) -> Any:
        """Apply the primitive: run it directly, or hand it to the innermost active trace.

        The innermost trace is the one with the highest level among the traced arguments;
        traced values of outer transformations are ordinary constants for it (no perturbation
        confusion). ``nested`` tells the trace whether other traces' values are present.
        """
        top = None
        nested = far = False
        for a in args:
            if a.__class__ is ndarray:  # the common case first: one identity test
                continue
            if isinstance(a, Tracer):
                trace = a._trace
                if trace is top:
                    continue
                if not trace.alive:
                    raise_dead_tracer(self.name, a)
                if top is None:
                    top = trace
                else:
                    nested = True
                    if trace.level > top.level:
                        top = trace
            elif a.__class__ not in PLAIN_TYPES:
                if getattr(a, "_jit_value", False):  # a value staged by cr.jit: recorded
                    trace = a.tracer._trace
                    if top is None:
                        top = trace
                    elif trace is not top:
                        nested = True
                        if trace.level > top.level:
                            top = trace
                elif foreign(a):
                    far = True
        if top is None and params and self.name in POSITIONAL and not far:
            top = _staged_trace(params)  # positions computed inside cr.jit: recorded there
            if top is not None:
                return top.process(self, args, params, nested)
        if top is None:
            impl = self.impl if not far else self.foreign_impl(args)
            try:
                return impl(*args, **params)
            except (ValueError, TypeError, IndexError) as e:
                raise annotated(e, self, args, params) from e
        return top.process(self, args, params, nested)

    def foreign_impl(self, args: Any) -> Callable[..., Any]:
        """The implementation for ``args`` holding another library's arrays: ``xp_impl``, or a
        ``BackendError`` where there is none (never a silent conversion to NumPy)."""
        if self.xp_impl is None:
            raise refuse_foreign(self.name, args)
        return self.xp_impl

    def impl_for(self, args: Any) -> Callable[..., Any]:
        """``impl`` for NumPy operands, ``foreign_impl`` when one is another library's array."""
        for a in args:
            if a.__class__ not in PLAIN_TYPES and foreign(a):
                return self.foreign_impl(args)
        return self.impl

    def __repr__(self) -> str:
        return f"Primitive({self.name!r})"


class _PerArgument:
    """The rule table of a variadic primitive: entry i is ``rule`` with ``i`` bound first."""

    __slots__ = ("rule",)

    def __init__(self, rule: Callable[..., Any]) -> None:
        self.rule = rule

    def __len__(self) -> int:
        return sys.maxsize

    def __getitem__(self, i: int) -> Callable[..., Any]:
        return functools.partial(self.rule, i)


def primitive(impl: Callable[..., Any]) -> Primitive:
    """Decorator turning a NumPy function into a user primitive with its own rules.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> @cr.primitive
        ... def softplus(x):
        ...     return np.logaddexp(0.0, x)
        >>> _ = softplus.defvjp(lambda g, ans, x: g / (1 + np.exp(-x)))
        >>> round(float(cr.grad(softplus)(0.0)), 6)
        0.5
    """
    return Primitive(getattr(impl, "__name__", "primitive"), impl)


class NoDerivativeError(NotImplementedError, TypeError):
    """A function, or a primitive's mode, with no derivative rule in chainrule.

    A ``NotImplementedError`` as in autograd and JAX; also a ``TypeError``, which it was before,
    so existing ``except TypeError`` callers keep working.
    """


def raise_dead_tracer(op: str, tracer: Any) -> None:
    raise RuntimeError(
        f"{op}: this traced value ({tracer._describe()}) belongs to a {tracer._trace.kind} "
        "transformation that has already returned. Traced values are only meaningful inside "
        "the function being differentiated: return what you need from that function instead "
        "of keeping a traced value in a global, a closure or an attribute."
    )
