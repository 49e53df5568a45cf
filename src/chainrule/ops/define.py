"""Shorthands for defining elementwise primitives from their local partial derivatives.

For an elementwise ``ans = f(x, y, ...)`` both derivative rules follow from the partials
``d ans / d x_i`` alone: the VJP multiplies the cotangent by them, the JVP the tangent (seed 000,
the chain rule ``dy/dx = dy/dz dz/dx`` applied entry by entry). Writing the partial once keeps the
two modes consistent by construction.
"""

from __future__ import annotations

import inspect
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
    xp_impl: Callable[..., Any] | None = None,
) -> Primitive:
    """A registered primitive whose rules are ``g * partial(ans, *args)`` / ``t * partial(...)``.

    A ``None`` partial marks an argument that cannot be differentiated. ``xp_impl``: the
    implementation for other libraries' arrays (``Primitive``'s; a NumPy ufunc gets the Array
    API standard's function of the same meaning without it).
    """
    prim = Primitive(name, impl, save_args=save_args, save_ans=save_ans, register=True,
                     xp_impl=xp_impl)
    prim.defvjp(*(_vjp(d) for d in partials))
    prim.defjvp(*(_jvp(d) for d in partials))
    return prim


def _vjp(d: Partial) -> Callable[..., Any] | None:
    if d is None:
        return None
    arity = _plain_arity(d)
    if arity == 2:  # d(ans, x): the common unary case, without argument packing
        return lambda g, ans, x: g * d(ans, x)
    if arity == 3:
        return lambda g, ans, x, y: g * d(ans, x, y)
    return lambda g, ans, *args, **params: g * d(ans, *args, **params)


def _jvp(d: Partial) -> Callable[..., Any] | None:
    if d is None:
        return None
    arity = _plain_arity(d)
    if arity == 2:
        return lambda t, ans, x: t * d(ans, x)
    if arity == 3:
        return lambda t, ans, x, y: t * d(ans, x, y)
    return lambda t, ans, *args, **params: t * d(ans, *args, **params)


def _plain_arity(d: Callable[..., Any]) -> int | None:
    """The number of positional parameters of a partial taking no ``*args``, ``**params``,
    keyword-only or defaulted parameters (None otherwise)."""
    code = getattr(d, "__code__", None)
    if code is None or code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS):
        return None
    if code.co_kwonlyargcount or getattr(d, "__defaults__", None):
        return None
    return code.co_argcount
