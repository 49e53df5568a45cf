"""Shorthands for defining elementwise primitives from their local partial derivatives.

For an elementwise ``ans = f(x, y, ...)`` both derivative rules follow from the partials
``d ans / d x_i`` alone: the VJP multiplies the cotangent by them, the JVP the tangent (seed 000,
the chain rule ``dy/dx = dy/dz dz/dx`` applied entry by entry). Writing the partial once keeps the
two modes consistent by construction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chainrule.primitive import Primitive

Partial = Callable[..., Any] | None


def elementwise(
    name: str,
    impl: Callable[..., Any],
    *partials: Partial,
    save_args: bool = True,
    save_ans: bool = True,
) -> Primitive:
    """A registered primitive whose rules are ``g * partial(ans, *args)`` / ``t * partial(...)``.

    A ``None`` partial marks an argument that cannot be differentiated.
    """
    prim = Primitive(name, impl, save_args=save_args, save_ans=save_ans, register=True)
    prim.defvjp(*(_vjp(d) for d in partials))
    prim.defjvp(*(_jvp(d) for d in partials))
    return prim


def _vjp(d: Partial) -> Callable[..., Any] | None:
    if d is None:
        return None
    return lambda g, ans, *args, **params: g * d(ans, *args, **params)


def _jvp(d: Partial) -> Callable[..., Any] | None:
    if d is None:
        return None
    return lambda t, ans, *args, **params: t * d(ans, *args, **params)
