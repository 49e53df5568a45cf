"""Elementwise functions: exponentials and logarithms, powers and roots, trigonometric and
hyperbolic functions, absolute value, angle conversions and dtype casts.

Each primitive is defined by its local partial derivative (``ops/define.py``): for
``ans = f(x)`` the VJP is ``g * f'(x)`` and the JVP ``t * f'(x)``. The partials are written with
chainrule's own functions, so they are differentiated again for higher orders. Where ``f'`` is
cheapest from the output (exp' = exp, tanh' = 1 - tanh^2, sqrt' = 1 / (2 sqrt)) only the output
is kept for the backward pass (``save_args=False``); otherwise only the input.

Functions whose NumPy value is an exact product (``deg2rad = x * (pi/180)``, ``reciprocal = 1/x``)
are composed. ``log2``, ``log10``, ``exp2`` and ``logaddexp2`` are primitives although they could
be composed from ``log``/``exp``: the compositions round differently (``log(1000) / log(10)`` is
2.9999999999999996, ``exp(3 log 2)`` 7.999999999999998), and traced code must compute exactly
what NumPy computes. Two-operand selections (where, maximum, clip, ...) are in
``ops/elementwise_binary.py`` and re-exported here.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from chainrule.backend import any_foreign, namespace
from chainrule.backend import dtype_kind as kind
from chainrule.backend import library as plain_namespace
from chainrule.describe import describe
from chainrule.ops.arithmetic import divide, multiply
from chainrule.ops.complex import conj, real
from chainrule.ops.define import elementwise
from chainrule.ops.elementwise_binary import *  # noqa: F403
from chainrule.ops.elementwise_binary import __all__ as _binary
from chainrule.ops.elementwise_binary import _no_options, where
from chainrule.ops.portable_a import maybe_true, numpy_dtype, xp_dtype
from chainrule.primitive import Primitive
from chainrule.tracer import Tracer, plain_array, primal

__all__ = [
    "exp", "expm1", "exp2", "log", "log1p", "log2", "log10", "logaddexp", "logaddexp2",
    "sqrt", "cbrt", "square", "reciprocal",
    "sin", "cos", "tan", "arcsin", "arccos", "arctan",
    "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh",
    "absolute", "abs", "sign", "deg2rad", "rad2deg", "radians", "degrees", "astype",
    *_binary,
]

_LN2 = math.log(2.0)  # Python floats: they keep float32 data float32 (NEP 50)
_LN10 = math.log(10.0)

# --- exponentials and logarithms --------------------------------------------------------------
exp = elementwise("exp", np.exp, lambda ans, x: ans, save_args=False)  # exp' = exp
expm1 = elementwise("expm1", np.expm1, lambda ans, x: ans + 1.0, save_args=False)
exp2 = elementwise("exp2", np.exp2, lambda ans, x: ans * _LN2, save_args=False)
# d log(x)/dx = 1/x, applied as a division (one array op fewer than multiplying by 1/x)
log = Primitive("log", np.log, save_ans=False, register=True)
log.defvjp(lambda g, ans, x: g / x)
log.defjvp(lambda t, ans, x: t / x)
log1p = elementwise("log1p", np.log1p, lambda ans, x: 1.0 / (1.0 + x), save_ans=False)
log2 = elementwise("log2", np.log2, lambda ans, x: 1.0 / (x * _LN2), save_ans=False)
log10 = elementwise("log10", np.log10, lambda ans, x: 1.0 / (x * _LN10), save_ans=False)

# logaddexp(x, y) = log(e^x + e^y): d/dx = e^x / (e^x + e^y) = exp(x - ans), which is at most 1
# and never overflows (NumPy computes ans itself stably, as max + log1p(exp(-|x - y|))).
logaddexp = elementwise(
    "logaddexp", np.logaddexp, lambda ans, x, y: exp(x - ans), lambda ans, x, y: exp(y - ans)
)
# logaddexp2(x, y) = log2(2^x + 2^y): d/dx = 2^x / (2^x + 2^y) = exp2(x - ans).
logaddexp2 = elementwise(
    "logaddexp2", np.logaddexp2,
    lambda ans, x, y: exp2(x - ans), lambda ans, x, y: exp2(y - ans),
)

# --- powers and roots -------------------------------------------------------------------------
sqrt = elementwise("sqrt", np.sqrt, lambda ans, x: 0.5 / ans, save_args=False)
cbrt = elementwise("cbrt", np.cbrt, lambda ans, x: 1.0 / (3.0 * square(ans)), save_args=False)
square = elementwise("square", np.square, lambda ans, x: 2.0 * x, save_ans=False)


def reciprocal(x, /, out=None, **kwargs):
    """``numpy.reciprocal`` (``1 / x``; derivative ``-1 / x^2``).

    Example:
        >>> import chainrule as cr
        >>> float(cr.grad(lambda x: cr.numpy.reciprocal(x))(2.0))
        -0.25
    """
    if not isinstance(x, Tracer) and not any_foreign(x):
        return np.reciprocal(x, out=out, **kwargs)
    _no_options("reciprocal", out, kwargs)
    return divide(1.0, x)


# --- trigonometric ----------------------------------------------------------------------------
sin = elementwise("sin", np.sin, lambda ans, x: cos(x), save_ans=False)
cos = elementwise("cos", np.cos, lambda ans, x: -sin(x), save_ans=False)
tan = elementwise("tan", np.tan, lambda ans, x: 1.0 + square(ans), save_args=False)
arcsin = elementwise(
    "arcsin", np.arcsin, lambda ans, x: 1.0 / sqrt(1.0 - square(x)), save_ans=False
)
arccos = elementwise(
    "arccos", np.arccos, lambda ans, x: -1.0 / sqrt(1.0 - square(x)), save_ans=False
)
arctan = elementwise("arctan", np.arctan, lambda ans, x: 1.0 / (1.0 + square(x)), save_ans=False)

# --- hyperbolic -------------------------------------------------------------------------------
sinh = elementwise("sinh", np.sinh, lambda ans, x: cosh(x), save_ans=False)
cosh = elementwise("cosh", np.cosh, lambda ans, x: sinh(x), save_ans=False)
tanh = elementwise("tanh", np.tanh, lambda ans, x: 1.0 - square(ans), save_args=False)
arcsinh = elementwise(
    "arcsinh", np.arcsinh, lambda ans, x: 1.0 / sqrt(square(x) + 1.0), save_ans=False
)
# 1 / sqrt(x^2 - 1) as 1 / (sqrt(x - 1) sqrt(x + 1)): accurate near 1, no overflow of x^2.
arccosh = elementwise(
    "arccosh", np.arccosh, lambda ans, x: 1.0 / (sqrt(x - 1.0) * sqrt(x + 1.0)), save_ans=False
)
arctanh = elementwise(
    "arctanh", np.arctanh, lambda ans, x: 1.0 / (1.0 - square(x)), save_ans=False
)

# --- absolute value ---------------------------------------------------------------------------
# Real x: abs'(x) = sign(x), with abs'(0) = sign(0) = 0 (the subgradient of least norm). The
# sign is piecewise constant, so it is taken from the plain value: its own derivative is 0.
# Complex z (not holomorphic, ops/complex.py): d|z| = Re(conj(z) dz) / |z|, so the VJP is
# g conj(z) / |z| and the JVP Re(t conj(z) / |z|); at z = 0 both are taken as 0.
def _conj_unit(z):
    r = absolute(z)
    zero = (primal(r) if any_foreign(r) else plain_array(r)) == 0
    return conj(z) / (where(zero, 1.0, r) if maybe_true(zero) else r)


def _real_sign(x):
    """``sign`` of a real value's plain value, a constant (in its own namespace)."""
    p = primal(x)
    return namespace(p).sign(p) if any_foreign(p) else np.sign(p)


def _abs_vjp(g, ans, x):
    if kind(x) == "c":
        return g * _conj_unit(x)
    p = primal(x)
    return g * (np.sign(p) if p.__class__ is np.ndarray else _real_sign(p))


def _abs_jvp(t, ans, x):
    if kind(x) == "c":
        return real(t * _conj_unit(x))
    p = primal(x)
    return t * (np.sign(p) if p.__class__ is np.ndarray else _real_sign(p))


absolute = Primitive("absolute", np.absolute, save_ans=False, register=True)
absolute.defvjp(_abs_vjp)
absolute.defjvp(_abs_jvp)
abs = absolute  # noqa: A001  (numpy.abs is numpy.absolute)


# --- angle conversions ------------------------------------------------------------------------
def _scaling(name: str, numpy_fn: Any, factor: float) -> Any:
    """``numpy.<name>``: ``x * factor`` (a product, so it needs no rule of its own)."""

    def scaled(x, /, out=None, **kwargs):
        if not isinstance(x, Tracer) and not any_foreign(x):
            return numpy_fn(x, out=out, **kwargs)
        _no_options(name, out, kwargs)
        return multiply(x, factor)

    scaled.__name__ = scaled.__qualname__ = name
    scaled.__doc__ = f"``numpy.{name}``: ``x * {factor!r}``."
    return scaled


deg2rad = _scaling("deg2rad", np.deg2rad, math.pi / 180.0)
rad2deg = _scaling("rad2deg", np.rad2deg, 180.0 / math.pi)

radians = deg2rad
degrees = rad2deg


# --- dtype casts ------------------------------------------------------------------------------
# A cast between floating dtypes is the identity on values: its VJP casts the cotangent back to
# the input dtype (``source``, kept as a parameter so that no input needs saving), its JVP
# casts the tangent forward.
# A complex -> real cast keeps the real part (NumPy's value); its VJP casts the real cotangent
# back to complex, which is the real part's rule (ops/complex.py).
def _cast_impl(x, dtype, source):
    x = np.asarray(x)
    if source.kind == "c" and dtype.kind != "c":
        x = x.real
    return x.astype(dtype)


def _cast_xp_impl(x, dtype, source):
    # dtype and source are NumPy dtypes (parameters): the namespace's dtypes of the same names
    xp = namespace(x)
    if source.kind == "c" and dtype.kind != "c":
        x = xp.real(x)
    return xp.astype(x, xp_dtype(xp, dtype))


_cast = Primitive("astype", _cast_impl, save_args=False, save_ans=False, register=True,
                  xp_impl=_cast_xp_impl)
_cast.defvjp(lambda g, ans, x, dtype, source: _cast(g, dtype=source, source=dtype))
_cast.defjvp(lambda t, ans, x, dtype, source: _cast(t, dtype=dtype, source=source))


def astype(x, dtype, /, *, copy=True, device=None):
    """``numpy.astype``. A floating or complex target dtype is differentiable (the gradient
    comes back in the input's dtype); an integer or boolean target gives a plain constant, as
    rounding has no derivative.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> g = cr.grad(lambda x: x.astype(np.float32).sum())(np.ones(2))
        >>> g, g.dtype
        (array([1., 1.]), dtype('float64'))
    """
    if any_foreign(x):
        return _astype_elsewhere(x, dtype, copy, device)
    if not isinstance(x, Tracer):
        return np.astype(x, dtype, copy=copy, device=device)
    if device not in (None, "cpu"):
        raise ValueError(f"astype: device={device!r} is not supported on traced values")
    target = np.dtype(dtype)
    if target.kind in "fc":
        if target == x.dtype:
            return x
        if x.dtype.kind == "c" and target.kind == "f":
            warnings.warn("Casting complex values to real discards the imaginary part",
                          np.exceptions.ComplexWarning, stacklevel=2)
        return _cast(x, dtype=target, source=x.dtype)
    if target.kind in "iub":
        return plain_array(x).astype(target)
    raise _cast_error(x, target)


def _astype_elsewhere(x, dtype, copy, device):
    """``astype`` of another library's array (traced or not), in its namespace; the target
    may be given as a NumPy dtype or as that library's."""
    xp = plain_namespace(x)
    target, source = numpy_dtype(dtype), numpy_dtype(primal(x).dtype)
    xp_target = xp_dtype(xp, target)  # a BackendError for a dtype outside the standard
    if not isinstance(x, Tracer):
        # (device=None would be the library's default device in array-api-strict, not x's)
        where = x.device if device is None else device
        return xp.astype(x, xp_target, copy=copy, device=where)
    if device is not None:
        raise ValueError(f"astype: device={device!r} is not supported on traced values")
    if target.kind in "fc":
        if target == source:
            return x
        if source.kind == "c" and target.kind == "f":
            warnings.warn("Casting complex values to real discards the imaginary part",
                          np.exceptions.ComplexWarning, stacklevel=3)
        return _cast(x, dtype=target, source=source)
    if target.kind in "iub":
        return xp.astype(primal(x), xp_target)
    raise _cast_error(x, target)


def _cast_error(x, target):
    return TypeError(
        f"astype: cannot cast a {x._describe()} to {target}; chainrule differentiates "
        "floating-point and complex arrays. Cast to a float or complex dtype, or to an integer "
        "or bool dtype for a constant."
    )


# --- sign ------------------------------------------------------------------------------------
def sign(x: Any, /, out: Any = None, **kwargs: Any) -> Any:
    """``numpy.sign``. For real inputs it is piecewise constant: a constant (its derivative is
    0 wherever it exists). For complex inputs NumPy gives ``z / |z|`` (0 at 0), which is
    differentiable away from 0 and is composed as such.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> complex(cr.grad(lambda z: np.real(np.sign(z)))(np.complex128(1j)))
        (1+0j)
    """
    if not isinstance(x, Tracer) and not any_foreign(x):
        return np.sign(x, out=out, **kwargs)
    if out is not None or kwargs:
        raise TypeError(f"sign: the options {['out'] * (out is not None) + sorted(kwargs)} "
                        f"are not supported on a {describe(x)}; use the returned value.")
    if kind(x) != "c":
        return _real_sign(x)
    r = absolute(x)
    if any_foreign(r):
        zero = primal(r) == 0
        return x / (where(zero, 1.0, r) if bool(namespace(zero).any(zero)) else r)
    zero = plain_array(r) == 0
    return x / (where(zero, 1.0, r) if zero.any() else r)
