"""Bessel functions of ``scipy.special``: J (j0, j1, jn/jv), Y (y0, y1, yn, yv), I (i0, i1, iv,
the scaled ive) and K (k0, k1, kv).

The order is a constant (a parameter of the primitive; a traced order raises). Derivatives in x
come from the recurrences of DLMF 10.6.1, 10.6.2 and 10.29.1, 10.29.3:

* C_v' = (C_{v-1} - C_{v+1}) / 2 for C = J, Y;   j0' = -j1,  y0' = -y1
* I_v' = (I_{v-1} + I_{v+1}) / 2;   i0' = i1
* K_v' = -(K_{v-1} + K_{v+1}) / 2;   k0' = -k1,   k1' = -(k0 + k1 / x)
* ive(v, x) = iv(v, x) exp(-|x|):  ive' = (ive_{v-1} + ive_{v+1}) / 2 - sign(x) ive_v

jv, yv, iv and kv also take complex x, as SciPy's do (real order): they are holomorphic off the
branch cut on the negative real axis, so the same rules hold under chainrule's convention
(g * f'(z), no conjugate). SciPy's complex ive is iv(v, z) exp(-|Re z|): the factor is not
holomorphic. With D = (ive_{v-1} + ive_{v+1}) / 2 and s = sign(Re z), its differential is
d ive = D dz - s ive d(Re z), so the JVP is t D - s ive Re(t) and the VJP (the cotangent
dL/dx - i dL/dy of the convention: g a + conj(g b) for d ive = a dz + b d(conj z)) is
g D - s Re(g ive); both are the real rule for real x. The other functions (j0 ... k1, yn) are
real in SciPy and refuse complex traced values.

Each derivative is another Bessel primitive, so every order of derivative is available. The
first-order functions use the general order at 2 (j1' = (j0 - J_2) / 2), which is finite at
x = 0 where j1 / x is not. The implementations call ``scipy.special`` directly (not Array API
functions: NumPy arrays only).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.special as sc

from chainrule.ops.complex import real
from chainrule.ops.define import elementwise
from chainrule.ops.special_common import (
    apply,
    constant_argument,
    no_options,
    real_only,
    refuse,
    traced,
)
from chainrule.primitive import Primitive
from chainrule.tracer import primal

__all__ = [
    "j0", "j1", "jn", "jv", "y0", "y1", "yn", "yv", "i0", "i1", "iv", "ive", "k0", "k1", "kv",
]


# --- primitives of general order v (a parameter) ----------------------------------------------
def _djv(ans, x, *, v):
    return 0.5 * (_jv(x, v=v - 1) - _jv(x, v=v + 1))


def _dyn(ans, x, *, n):
    return 0.5 * (_yn(x, n=n - 1) - _yn(x, n=n + 1))


def _dyv(ans, x, *, v):
    return 0.5 * (_yv(x, v=v - 1) - _yv(x, v=v + 1))


def _div(ans, x, *, v):
    return 0.5 * (_iv(x, v=v - 1) + _iv(x, v=v + 1))


def _dkv(ans, x, *, v):
    return -0.5 * (_kv(x, v=v - 1) + _kv(x, v=v + 1))


# ive: its holomorphic part D and the sign of Re x (see the module docstring).
def _ive_parts(x, v):
    return 0.5 * (_ive(x, v=v - 1) + _ive(x, v=v + 1)), np.sign(np.real(primal(x)))


def _ive_vjp(g, ans, x, *, v):
    d, s = _ive_parts(x, v)
    return g * d - s * real(g * ans)


def _ive_jvp(t, ans, x, *, v):
    d, s = _ive_parts(x, v)
    return t * d - s * ans * real(t)


def _in_dtype_of_x(ufunc):
    """``ufunc(order, x)`` in the floating dtype of x: SciPy computes ``yn(2, float32)`` (an
    integer loop) or an array of orders in float64; chainrule keeps float32 float32."""

    def impl(x, **order):
        (value,) = order.values()
        return np.asarray(ufunc(value, x), dtype=np.result_type(x, 1.0))

    return impl


_jv = elementwise("jv", _in_dtype_of_x(sc.jv), _djv, save_ans=False)
_yn = elementwise("yn", _in_dtype_of_x(sc.yn), _dyn, save_ans=False)
_yv = elementwise("yv", _in_dtype_of_x(sc.yv), _dyv, save_ans=False)
_iv = elementwise("iv", _in_dtype_of_x(sc.iv), _div, save_ans=False)
_kv = elementwise("kv", _in_dtype_of_x(sc.kv), _dkv, save_ans=False)
_ive = Primitive("ive", _in_dtype_of_x(sc.ive), register=True)
_ive.defvjp(_ive_vjp)
_ive.defjvp(_ive_jvp)

# --- orders 0 and 1 ---------------------------------------------------------------------------
_j0 = elementwise("j0", sc.j0, lambda ans, x: -_j1(x), save_ans=False)
_j1 = elementwise("j1", sc.j1, lambda ans, x: 0.5 * (_j0(x) - _jv(x, v=2)), save_ans=False)
_y0 = elementwise("y0", sc.y0, lambda ans, x: -_y1(x), save_ans=False)
_y1 = elementwise("y1", sc.y1, lambda ans, x: 0.5 * (_y0(x) - _yn(x, n=2)), save_ans=False)
_i0 = elementwise("i0", sc.i0, lambda ans, x: _i1(x), save_ans=False)
_i1 = elementwise("i1", sc.i1, lambda ans, x: 0.5 * (_i0(x) + _iv(x, v=2)), save_ans=False)
_k0 = elementwise("k0", sc.k0, lambda ans, x: -_k1(x), save_ans=False)
_k1 = elementwise("k1", sc.k1, lambda ans, x: -(_k0(x) + ans / x))


def _with_order(name: str, prim: Any, ufunc: Any, order: Any, x: Any, kwargs: dict,
                key: str, complex_ok: bool = True) -> Any:
    """``ufunc(order, x)``, differentiable in x; the order is a constant. On traced values
    the result has the floating dtype of x; complex x is refused unless ``complex_ok``."""
    constant_argument(name, "the order", order, "Bessel functions are differentiated in x only")
    refuse(f"scipy.special.{name}", order, x)
    if not traced(x):
        return ufunc(order, x, **kwargs)
    no_options(name, kwargs)
    if not complex_ok:
        real_only(name, x)
    # Python numbers stay as they are (they keep float32 float32); sequences become arrays.
    if not isinstance(order, int | float | np.ndarray | np.generic):
        order = np.asarray(order)
    return prim(x, **{key: order})


def j0(x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.j0``, the Bessel function J_0; j0' = -j1.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> float(cr.grad(special.j0)(0.0))
        -0.0
    """
    return apply("j0", _j0, sc.j0, (x,), kwargs)


def j1(x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.j1``, J_1; j1' = (j0 - J_2) / 2 (1/2 at x = 0).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> float(cr.grad(special.j1)(0.0))
        0.5
    """
    return apply("j1", _j1, sc.j1, (x,), kwargs)


def jv(v: Any, x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.jv`` (and ``jn``), J_v of real order v (a constant) and real or complex
    x; d/dx = (J_{v-1} - J_{v+1}) / 2.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> float(cr.grad(lambda x: special.jv(1, x))(0.0))
        0.5
    """
    return _with_order("jv", _jv, sc.jv, v, x, kwargs, "v")


jn = jv  # scipy.special.jn is scipy.special.jv


def y0(x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.y0``, the Bessel function of the second kind Y_0 (x > 0); y0' = -y1.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> import scipy.special as sc
        >>> float(cr.grad(special.y0)(1.0)) == float(-sc.y1(1.0))
        True
    """
    return apply("y0", _y0, sc.y0, (x,), kwargs)


def y1(x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.y1``, Y_1 (x > 0); y1' = (y0 - Y_2) / 2.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> import scipy.special as sc
        >>> bool(abs(cr.grad(special.y1)(1.0) - (sc.y0(1.0) - sc.y1(1.0))) < 1e-14)
        True
    """
    return apply("y1", _y1, sc.y1, (x,), kwargs)


def yn(n: Any, x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.yn``, Y_n of integer order n (a constant); d/dx = (Y_{n-1} - Y_{n+1})/2.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> import scipy.special as sc
        >>> float(cr.grad(lambda x: special.yn(0, x))(1.0)) == float(-sc.y1(1.0))
        True
    """
    return _with_order("yn", _yn, sc.yn, n, x, kwargs, "n", complex_ok=False)


def yv(v: Any, x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.yv``, Y_v of real order v (a constant) and x > 0 or complex x;
    d/dx = (Y_{v-1} - Y_{v+1}) / 2.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> import scipy.special as sc
        >>> bool(abs(cr.grad(lambda x: special.yv(0, x))(1.0) + sc.y1(1.0)) < 1e-15)
        True
    """
    return _with_order("yv", _yv, sc.yv, v, x, kwargs, "v")


def i0(x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.i0``, the modified Bessel function I_0; i0' = i1.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> float(cr.grad(special.i0)(0.0))
        0.0
    """
    return apply("i0", _i0, sc.i0, (x,), kwargs)


def i1(x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.i1``, I_1; i1' = (i0 + I_2) / 2.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> float(cr.grad(special.i1)(0.0))
        0.5
    """
    return apply("i1", _i1, sc.i1, (x,), kwargs)


def iv(v: Any, x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.iv``, I_v of real order v (a constant) and real or complex x;
    d/dx = (I_{v-1} + I_{v+1}) / 2.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> float(cr.grad(lambda x: special.iv(1, x))(0.0))
        0.5
    """
    return _with_order("iv", _iv, sc.iv, v, x, kwargs, "v")


def ive(v: Any, x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.ive`` = iv(v, x) exp(-|x|) (exp(-|Re z|) for complex z: not
    holomorphic, see the module docstring); d/dx = (ive_{v-1} + ive_{v+1}) / 2 - sign(x) ive_v.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> import scipy.special as sc
        >>> g = cr.grad(lambda x: special.ive(0, x))(1.0)
        >>> bool(abs(g - (sc.ive(1, 1.0) - sc.ive(0, 1.0))) < 1e-15)
        True
    """
    return _with_order("ive", _ive, sc.ive, v, x, kwargs, "v")


def k0(x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.k0``, the modified Bessel function K_0 (x > 0); k0' = -k1.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> import scipy.special as sc
        >>> float(cr.grad(special.k0)(1.0)) == float(-sc.k1(1.0))
        True
    """
    return apply("k0", _k0, sc.k0, (x,), kwargs)


def k1(x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.k1``, K_1 (x > 0); k1' = -(k0 + k1 / x).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> import scipy.special as sc
        >>> bool(abs(cr.grad(special.k1)(2.0) + sc.k0(2.0) + sc.k1(2.0) / 2) < 1e-15)
        True
    """
    return apply("k1", _k1, sc.k1, (x,), kwargs)


def kv(v: Any, x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.kv``, K_v of real order v (a constant) and x > 0 or complex x;
    d/dx = -(K_{v-1} + K_{v+1}) / 2.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> import scipy.special as sc
        >>> bool(abs(cr.grad(lambda x: special.kv(0, x))(1.0) + sc.k1(1.0)) < 1e-15)
        True
    """
    return _with_order("kv", _kv, sc.kv, v, x, kwargs, "v")
