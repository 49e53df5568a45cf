"""Complex numbers: real and imaginary parts, conjugate, angle, and the derivative convention.

The convention is HIPS autograd's. A real-valued ``L`` of ``z = x + iy`` has the gradient
``dL/dx - i dL/dy``; more generally the cotangent of a complex value ``w = u + iv`` is
``w_bar = dL/du - i dL/dv``. With it a holomorphic function's VJP is the same formula as for
reals, ``g * f'(z)`` (no conjugate), a linear map ``w = A z`` pulls back by the plain transpose
``A^T g``, and ``dL = Re(sum(w_bar * dw))``. Where a complex cotangent reaches a real input the
engine keeps its real part. Forward mode pushes complex tangents ``dz = dx + i dy``.

Only the functions that are not holomorphic need rules of their own (they are below, and
``absolute`` in ``ops/elementwise.py``): for ``w = Re z`` the cotangent ``g`` (real) comes back
as ``g + 0i``; for ``Im z`` as ``-i g``; for ``conj z`` as ``conj(g)``; for ``angle z`` as
``g conj(i z) / |z|^2``.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from chainrule.backend import any_foreign, namespace
from chainrule.backend import dtype_kind as kind
from chainrule.describe import describe
from chainrule.ops.elementwise_binary import where
from chainrule.primitive import Primitive
from chainrule.tracer import Tracer, plain_array, primal

__all__ = ["real", "imag", "conj", "conjugate", "angle", "real_if_close"]


def _is_complex(x: Any) -> bool:
    return kind(x) == "c"


# --- real and imaginary parts, conjugate --------------------------------------------------
# All three are real-linear, so their JVP applies the same map to the tangent. The VJP of the
# real part returns the real cotangent, which the engine casts to the complex input's dtype.
# Implementations in the operand's array namespace (DESIGN.md principle 5): the Array API
# standard has real, imag and conj; its angle is atan2(imag, real), as NumPy computes it.
def _angle_impl(z: Any) -> Any:
    xp = namespace(z)
    return np.angle(z) if xp is np else xp.atan2(xp.imag(z), xp.real(z))


_real = Primitive("real", lambda x: namespace(x).real(x), save_args=False, save_ans=False,
                  register=True, portable=True)
_real.defvjp(lambda g, ans, x: g)
_real.defjvp(lambda t, ans, x: _real(t))

_imag = Primitive("imag", lambda x: namespace(x).imag(x), save_args=False, save_ans=False,
                  register=True, portable=True)
_imag.defvjp(lambda g, ans, x: g * -1j)  # g first: a NumPy scalar times 1j stays NumPy
_imag.defjvp(lambda t, ans, x: _imag(t))

_conj = Primitive("conj", lambda x: namespace(x).conj(x), save_args=False, save_ans=False,
                  register=True, portable=True)
_conj.defvjp(lambda g, ans, x: _conj(g))
_conj.defjvp(lambda t, ans, x: _conj(t))


def real(val: Any) -> Any:
    """``numpy.real``: the real part (a real array of the matching precision).

    Example:
        >>> import numpy as np, chainrule as cr
        >>> complex(cr.grad(lambda z: np.real(z ** 2))(np.complex128(1 + 2j)))  # 2x - i(-2y)
        (2+4j)
    """
    if not isinstance(val, Tracer) and not any_foreign(val):
        return np.real(val)
    return _real(val) if _is_complex(val) else val  # NumPy: the real array itself


def imag(val: Any) -> Any:
    """``numpy.imag``: the imaginary part (zeros, a constant, for a real input).

    Example:
        >>> import numpy as np, chainrule as cr
        >>> complex(cr.grad(lambda z: np.imag(z))(np.complex128(1 + 2j)))
        -1j
    """
    if not isinstance(val, Tracer) and not any_foreign(val):
        return np.imag(val)
    if _is_complex(val):
        return _imag(val)
    if any_foreign(val):
        return namespace(primal(val)).zeros_like(primal(val))
    return np.zeros(val.shape, val.dtype)


def conj(x: Any, /, out: Any = None, **kwargs: Any) -> Any:
    """``numpy.conj`` / ``numpy.conjugate`` (the identity on real inputs).

    Example:
        >>> import numpy as np, chainrule as cr
        >>> complex(cr.grad(lambda z: np.real(np.conj(z) * z))(np.complex128(3 + 4j)))
        (6-8j)
    """
    if not isinstance(x, Tracer) and not any_foreign(x):
        return np.conjugate(x, out=out, **kwargs)
    if out is not None or kwargs:
        raise TypeError(f"conj: the options {['out'] * (out is not None) + sorted(kwargs)} "
                        f"are not supported on a {describe(x)}; use the returned value.")
    if _is_complex(x):
        return _conj(x)
    return x._alias() if isinstance(x, Tracer) else x


conjugate = conj


# --- angle ----------------------------------------------------------------------------------
# theta = atan2(y, x):  d theta = Im(conj(z) dz) / |z|^2,  z_bar = g conj(i z) / |z|^2.
# At z = 0 the angle has no derivative; 0 is used (as abs'(0) = 0).
def _inverse_square_modulus(z: Any) -> Any:
    r2 = _real(z * _conj(z))
    return 1.0 / _where_zero(r2)


def _where_zero(r2: Any) -> Any:
    if any_foreign(r2):
        zero = primal(r2) == 0
        return where(zero, np.inf, r2) if bool(namespace(zero).any(zero)) else r2
    zero = plain_array(r2) == 0
    return where(zero, np.inf, r2) if zero.any() else r2


_angle = Primitive("angle", _angle_impl, save_ans=False, register=True, portable=True)
_angle.defvjp(lambda g, ans, z: g * _conj(z * 1j) * _inverse_square_modulus(z))
_angle.defjvp(lambda t, ans, z: _imag(_conj(z) * t) * _inverse_square_modulus(z))


def angle(z: Any, deg: bool = False) -> Any:
    """``numpy.angle``: the argument of a complex number (radians, or degrees with ``deg``).

    The angle of a real input is 0 or pi, piecewise constant: a constant.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> complex(cr.grad(lambda z: np.angle(z))(np.complex128(1j)))  # -y/r^2 - i x/r^2
        (-1-0j)
    """
    if not isinstance(z, Tracer) and not any_foreign(z):
        return np.angle(z, deg=deg)
    if not _is_complex(z):
        return _real_angle(primal(z), deg)
    theta = _angle(z)
    return theta * (180.0 / math.pi) if deg else theta


def _real_angle(x: Any, deg: bool) -> Any:
    """``numpy.angle`` of a real value: 0 or pi (a constant), in the value's namespace."""
    if not any_foreign(x):
        return np.angle(x, deg=deg)
    xp = namespace(x)
    if kind(x) in "iub":  # NumPy's angle of integers is float64
        x = xp.astype(x, xp.float64)
    theta = xp.atan2(xp.zeros_like(x), x)
    return theta * (180.0 / math.pi) if deg else theta


# --- real_if_close ----------------------------------------------------------------------------
def real_if_close(a: Any, tol: float = 100) -> Any:
    """``numpy.real_if_close``: the real part when every imaginary part is within ``tol``
    machine epsilons of zero, else ``a`` unchanged. The choice depends on the values only
    through that test, so the result is differentiable as ``real(a)`` or as ``a``.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda z: np.real_if_close(z * 1).sum())(np.array([1.0 + 0j]))
        array([1.+0.j])
    """
    if not isinstance(a, Tracer) and not any_foreign(a):
        return np.real_if_close(a, tol=tol)
    if not _is_complex(a):
        return a
    plain = primal(a)
    if any_foreign(plain):
        xp = namespace(plain)
        eps = xp.finfo(plain.dtype).eps
        close = bool(xp.all(xp.abs(xp.imag(plain)) < (tol * eps if tol > 1 else tol)))
        return _real(a) if close else a
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        chosen = np.real_if_close(plain, tol=tol)
    return _real(a) if chosen.dtype.kind != "c" else a
