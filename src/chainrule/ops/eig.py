"""``numpy.linalg.eig`` and ``eigvals``: the general (non-symmetric) eigenproblem.

A = V diag(w) V^-1 for a stack (..., N, N), real or complex. Eigenvalues and eigenvectors are
holomorphic functions of A where the eigenvalues are distinct (Giles 2008, section 3.1; Magnus
& Neudecker 1999): with P = V^-1 dA V and F_ij = 1 / (w_j - w_i) (0 on the diagonal),

    dw  = diag(P)                        =>  A_bar = V^-T diag(w_bar) V^T
    dV0 = V (F o P)                      (the gauge diag(V^-1 dV0) = 0)

NumPy (LAPACK geev) returns each eigenvector scaled to unit Euclidean norm with its largest
component real. That scaling depends on A too, so the derivative of the vectors NumPy returns
is dV = dV0 + V diag(c) with the complex c_i fixed by the two conventions:

    Re(v_i^H dv_i) = 0        =>  Re c_i = -Re(v_i^H dV0_i)
    Im(dv_{k_i, i}) = 0       =>  Im c_i = -Im(dV0_{k_i, i}) / v_{k_i, i}

(k_i: the index of v_i's largest component, real by construction and locally constant). This
is not holomorphic; its VJP is the adjoint under the pairing Re(sum(V_bar * dV)) of the
complex convention (ops/complex.py). For a real A with real eigenvalues NumPy returns real
arrays, and everything above is real (c_i = -v_i^T dV0_i).

Repeated eigenvalues raise ``RepeatedValuesError``: eigenvectors are not unique there, and
individual eigenvalues are not differentiable (use the trace or det for symmetric functions,
``eigvalsh``/``eigh`` for symmetric matrices).
"""

from __future__ import annotations

import numpy as np

from chainrule.backend import dtype_kind as kind
from chainrule.backend import foreign, namespace, refuse_foreign
from chainrule.backend import library as xp_of
from chainrule.describe import describe
from chainrule.ops.complex import conj, imag, real
from chainrule.ops.decompositions import _inv
from chainrule.ops.gaps import check_distinct, inverse_gaps
from chainrule.ops.matmul import _mT, matmul
from chainrule.ops.portable_c import operand, real_dtype
from chainrule.ops.reduce import sum as _sum
from chainrule.ops.shape import reshape
from chainrule.primitive import Primitive
from chainrule.tracer import Tracer, plain_array, primal

LINALG_ALL = ["eig", "eigvals"]

EigResult = type(np.linalg.eig(np.eye(1)))

_ADVICE = ("Use the trace or det for symmetric functions of the eigenvalues, or eigh / "
           "eigvalsh if the matrix is symmetric (Hermitian).")


def _row(x):
    return reshape(x, x.shape[:-1] + (1, x.shape[-1]))


def _values_rule_parts(a, w):
    check_distinct(w, "eig", "eigenvalues", _ADVICE, "eigenvalues")
    v = _eig_vectors(a)
    return v, _inv(v)


# dw_i = (V^-1 dA V)_ii  =>  A_bar = V^-T diag(w_bar) V^T
def _values_jvp(t, ans, a):
    v, vinv = _values_rule_parts(a, ans)
    return _sum(_mT(vinv) * matmul(t, v), axis=-2)


def _values_vjp(g, ans, a):
    v, vinv = _values_rule_parts(a, ans)
    return matmul(_mT(vinv) * _row(g), _mT(v))


def _largest(v):
    """One-hot (..., N, N) marking each column's largest component, and its (real) value."""
    if foreign(v):
        xp, vp = xp_of(v), primal(v)
        k = xp.argmax(xp.abs(vp), axis=-2)
        onehot = xp.arange(vp.shape[-2], device=vp.device)[:, None] == k[..., None, :]
        return xp.astype(onehot, real_dtype(xp, vp.dtype))
    vp = plain_array(v)
    k = np.argmax(np.abs(vp), axis=-2)  # (..., N)
    onehot = (np.arange(vp.shape[-2])[:, None] == k[..., None, :])
    return onehot.astype(plain_array(v).real.dtype)


def _vector_parts(a, v):
    w = _eig_values(a)
    f = inverse_gaps(w, "eig", "eigenvectors", "The eigenvectors are not unique there. "
                     + _ADVICE, "eigenvalues")
    return f, _inv(v), _largest(v)


def _vectors_jvp(t, ans, a):
    v = ans
    f, vinv, onehot = _vector_parts(a, v)
    dv0 = matmul(v, f * matmul(matmul(vinv, t), v))
    if kind(v) != "c":  # real eigenvectors: only the norm is fixed
        return dv0 - v * _row(_sum(v * dv0, axis=-2))
    re_c = -real(_sum(conj(v) * dv0, axis=-2))
    vk = real(_sum(v * onehot, axis=-2))
    im_c = -imag(_sum(dv0 * onehot, axis=-2)) / vk
    return dv0 + v * _row(re_c + 1j * im_c)


def _vectors_vjp(g, ans, a):
    v = ans
    f, vinv, onehot = _vector_parts(a, v)
    q = _sum(g * v, axis=-2)  # q_i = sum_j Vbar_ji V_ji pairs with c_i
    if kind(v) != "c":
        g0 = g - v * _row(q)
    else:
        vk = real(_sum(v * onehot, axis=-2))
        g0 = g - conj(v) * _row(real(q)) + onehot * _row(imag(q) / vk) * -1j
    return matmul(matmul(_mT(vinv), f * matmul(_mT(v), g0)), _mT(v))


# Other libraries: the Array API's eig (2025.12; libraries without it refuse), whose results
# are always complex; NumPy's are real where every eigenvalue of the stack is (as here).
def _eig_xp(a):
    xp = namespace(a)
    w, v = xp.linalg.eig(a)
    if not xp.isdtype(a.dtype, "complex floating") and bool(xp.all(xp.imag(w) == 0)):
        return xp.real(w), xp.real(v)
    return w, v


_eig_values = Primitive("eig_values", lambda a: np.linalg.eigvals(a), register=True,
                        xp_impl=lambda a: _eig_xp(a)[0])
_eig_values.defvjp(_values_vjp)
_eig_values.defjvp(_values_jvp)
_eig_vectors = Primitive("eig_vectors", lambda a: np.linalg.eig(a)[1], register=True,
                         xp_impl=lambda a: _eig_xp(a)[1])
_eig_vectors.defvjp(_vectors_vjp)
_eig_vectors.defjvp(_vectors_jvp)


def _square_stack(a, op):
    a = operand(a)
    if foreign(a) and not hasattr(xp_of(a).linalg, "eig"):
        raise refuse_foreign(f"numpy.linalg.{op}", [a])  # no general eigensolver there
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise np.linalg.LinAlgError(
            f"{op}: expected a stack of square matrices (..., N, N), got a {describe(a)}")
    if kind(a) not in "fc":
        a = a.astype(float)
    return a


def eig(a):
    """``numpy.linalg.eig``: ``(eigenvalues, eigenvectors)`` of a square (stack of) matrices.

    The vectors are NumPy's (unit norm, largest component real) and so is their derivative;
    see the module docstring. That real component's sign is not kept continuous by LAPACK, so
    compare with finite differences through sign-invariant quantities (v * v, v v^T).
    Repeated eigenvalues raise.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> a = np.array([[2.0, 1.0], [0.0, 3.0]])
        >>> cr.grad(lambda x: np.linalg.eig(x).eigenvalues[1])(a).tolist()  # u v^T / u.v
        [[0.0, 0.0], [1.0, 1.0]]
    """
    if not isinstance(a, Tracer) and not foreign(a):
        return np.linalg.eig(a)
    a = _square_stack(a, "eig")
    return EigResult(_eig_values(a), _eig_vectors(a))


def eigvals(a):
    """``numpy.linalg.eigvals``: the eigenvalues; gradient ``V^-T diag(w_bar) V^T``.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> g = cr.grad(lambda x: np.linalg.eigvals(x).sum())(np.array([[1.0, 2.0], [3.0, 4.0]]))
        >>> (np.round(g, 12) + 0.0).tolist()  # the trace's gradient
        [[1.0, 0.0], [0.0, 1.0]]
    """
    if not isinstance(a, Tracer) and not foreign(a):
        return np.linalg.eigvals(a)
    return _eig_values(_square_stack(a, "eigvals"))
