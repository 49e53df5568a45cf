"""``numpy.linalg.svd`` and ``svdvals``: singular values and vectors, differentiable.

Three primitives share one decomposition A = U diag(s) Vh of a stack (..., M, N), K = min(M, N):
``svd_values`` (s), ``svd_u`` (U) and ``svd_vh`` (Vh). Their rules (Townsend 2016,
"Differentiating the singular value decomposition"), with dP = U1^T dA V, S = diag(s) and
F_ij = 1 / (s_j^2 - s_i^2) (0 on the diagonal):

    ds  = diag(dP)
    dU1 = U1 (F o (dP S + S dP^T)) + (I - U1 U1^T) dA V S^-1        (the last term when M > K)
    dV  = the same formula for A^T = V S U^T

Conventions and limits (also in ``svd``'s docstring):

* Each pair (u_i, v_i) is defined up to a common sign; the derivative is that of the smooth
  branch through the pair NumPy returned. Differentiate sign-invariant quantities (U diag(s) Vh,
  u_i u_i^T, U * U ...) when comparing with finite differences.
* U and Vh have no derivative where two singular values coincide (the vectors are not unique),
  nor, for the factor with the extra rows (U when M > N, Vh when M < N), where a singular value
  is zero (S^-1): both raise ``RepeatedValuesError`` / ``SingularValueError``.
* s alone is differentiable where the values are distinct and nonzero. At a repeated value the
  rule still gives the derivative of any symmetric function of the tied values (their sum, the
  nuclear norm); at a zero value, the norm's kink, it gives one subgradient. No error there.
* ``full_matrices=True`` with M != N: the M - K extra columns of U (rows of Vh) are any
  orthonormal basis of the complement, not unique. Their derivative is that of the basis
  carried along without rotation inside the complement (U2^T dU2 = 0, dU2 = -U1 S^-1 V^T dA^T
  U2), which keeps U orthogonal: every function invariant under U2 -> U2 Q (U2 U2^T, U @ S @ Vh
  with S padded) gets its true derivative, while U2's own entries need not follow LAPACK's
  choice.
* ``hermitian=True`` reads the lower triangle only (NumPy computes it with ``eigh``), and the
  derivative is that of A -> svd(tril(A) + tril(A, -1)^T), like ``eigh``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.backend import dtype_kind as kind
from chainrule.backend import foreign, namespace
from chainrule.describe import describe
from chainrule.jit.effects import guard
from chainrule.ops.complex import imag
from chainrule.ops.conjugate import cj, is_complex, mH, re
from chainrule.ops.decompositions import _seen
from chainrule.ops.gaps import check_distinct, inverse_gaps
from chainrule.ops.join import concatenate
from chainrule.ops.linalg_xp import svd_values_xp, svd_xp
from chainrule.ops.matmul import matmul
from chainrule.ops.portable_c import eye_of, operand
from chainrule.ops.reduce import sum as _sum
from chainrule.ops.shape import reshape
from chainrule.primitive import Primitive
from chainrule.tracer import Tracer, plain_array, primal

LINALG_ALL = ["svd", "svdvals"]

SVDResult = type(np.linalg.svd(np.eye(1)))


class SingularValueError(ValueError):
    """Singular vectors of a non-square matrix were differentiated at a zero singular value."""


_ADVICE = ("The singular vectors are not unique there: differentiate the singular values "
           "(compute_uv=False) or a function of the singular subspaces that does not depend "
           "on the choice of vectors instead.")


def _impl(a, hermitian, full_matrices=False):
    if hermitian:  # the Array API svd has no hermitian option: see linalg_xp.svd_xp
        return np.linalg.svd(a, full_matrices=full_matrices, hermitian=True)
    return namespace(a).linalg.svd(a, full_matrices=full_matrices)


def _values_impl(a, hermitian):
    if hermitian:
        return np.linalg.svd(a, compute_uv=False, hermitian=True)
    return namespace(a).linalg.svdvals(a)


def _row(s):
    """(..., K) -> (..., 1, K): scales the columns of a matrix."""
    return reshape(s, s.shape[:-1] + (1, s.shape[-1]))


def _col(s):
    return reshape(s, s.shape + (1,))


def _reduced(a, hermitian, u=True, s=True, v=True):
    """U1 (..., M, K), s (..., K), V (..., N, K) of the thin SVD, as chainrule values; the
    parts not asked for are None (each is one LAPACK call)."""
    return (_svd_u(a, full_matrices=False, hermitian=hermitian) if u else None,
            _svd_values(a, hermitian=hermitian) if s else None,
            mH(_svd_vh(a, full_matrices=False, hermitian=hermitian)) if v else None)


def _check_nonzero(s, a, side: str) -> None:
    sp = primal(s)
    if getattr(sp, "_jit_value", False):  # inside cr.jit: a check the program runs every call
        guard(_nonzero_singular, sp, side=side, of=describe(a))
        return
    _nonzero_singular(sp if foreign(sp) else np.asarray(sp), side, describe(a))


def _nonzero_singular(sp, side: str, of: str) -> Any:
    """``sp`` (plain singular values of any library), or ``SingularValueError`` where one is
    zero to rounding; ``of`` describes the matrix."""
    xp = np if not foreign(sp) else namespace(sp)
    tol = sp.shape[-1] * xp.finfo(sp.dtype).eps * xp.max(sp, axis=-1, keepdims=True)
    if xp.any(sp <= tol):
        raise SingularValueError(
            f"svd: {side} of a {of} has no derivative here: a singular value is zero "
            f"(rank deficient), and the {side} columns beyond the rank are not unique. "
            f"{_ADVICE}"
        )
    return sp


def _gaps(s, side):
    """F_ij = 1 / (s_j^2 - s_i^2), raising where two singular values are equal."""
    check_distinct(s, "svd", side, _ADVICE, "singular values")
    return inverse_gaps(s * s, "svd", side, _ADVICE, "singular values")


# --- the left factor: U of A, or V of A^H ---------------------------------------------------
# ``w`` is the returned factor (..., M, P), P = K (thin) or M (full); ``s`` (..., K) and ``v``
# (..., N, K) the rest of the thin SVD; ``t`` is the tangent of A (M, N). Complex matrices
# (Wan & Zhang 2019, "Automatic differentiation for complex valued SVD"): the same formulas
# with conjugate transposes, and the phase shared by u_i and v_i split evenly between them,
# diag(U^H dU) = i Im(dP_ii) / (2 s_i) = -diag(V^H dV), which keeps dU and dV consistent.
def _phase(x, s):
    """diag(i Im(x_ii) / (2 s_i)) for complex x (None for real x)."""
    if not is_complex(x):
        return None
    k = s.shape[-1]
    eye = np.eye(k, dtype=plain_array(s).dtype) if not foreign(s) else eye_of(s, k)
    return eye * _row(imag(_sum(x * eye, axis=-1)) / (2 * s)) * 1j


def _left_jvp(t, w, s, v, side, a):
    k, m, p = s.shape[-1], w.shape[-2], w.shape[-1]
    w1 = w[..., :k] if p > k else w
    f = _gaps(s, side)
    tv = matmul(t, v)
    dp = matmul(mH(w1), tv)
    x = f * (dp * _row(s) + _col(s) * mH(dp))
    phase = _phase(dp, s)
    dw1 = matmul(w1, x if phase is None else x + phase)
    if m == k:
        return dw1
    _check_nonzero(s, a, side)
    dw1 = dw1 + (tv - matmul(w1, dp)) / _row(s)  # (I - U1 U1^H) dA V S^-1
    if p == k:
        return dw1
    w2 = w[..., k:]
    dw2 = -matmul(w1, matmul(mH(tv) / _col(s), w2))  # -U1 S^-1 V^H dA^H U2
    return concatenate([dw1, dw2], axis=-1)


def _left_vjp(g, w, s, v, side, a):
    """The cotangent of A from the cotangent ``g`` of the factor, in the standard gradient
    (conjugated in and out, ops/conjugate.py)."""
    g = cj(g)
    k, m, p = s.shape[-1], w.shape[-2], w.shape[-1]
    w1, g1 = (w[..., :k], g[..., :k]) if p > k else (w, g)
    f = _gaps(s, side)
    y = matmul(mH(w1), g1)
    inner = f * (y - mH(y)) * _row(s)  # (F o (U^H U_bar - U_bar^H U)) S
    phase = _phase(y, s)
    if phase is not None:
        inner = inner + phase
    if m == k:
        return cj(matmul(matmul(w1, inner), mH(v)))
    _check_nonzero(s, a, side)
    left = matmul(w1, inner - y / _row(s)) + g1 / _row(s)  # + (I - U1 U1^H) U_bar S^-1
    if p > k:
        w2 = w[..., k:]
        left = left - matmul(w2, matmul(mH(g[..., k:]), w1)) / _row(s)
    return cj(matmul(left, mH(v)))


def _u_jvp(t, ans, a, full_matrices, hermitian):
    _, s, v = _reduced(a, hermitian, u=False)
    return _left_jvp(t, ans, s, v, "left singular vectors (U)", a)


def _u_vjp(g, ans, a, full_matrices, hermitian):
    _, s, v = _reduced(a, hermitian, u=False)
    return _left_vjp(g, ans, s, v, "left singular vectors (U)", a)


# Vh = V^H, and V is the left factor of A^H = V S U^H.
def _vh_jvp(t, ans, a, full_matrices, hermitian):
    u, s, _ = _reduced(a, hermitian, v=False)
    return mH(_left_jvp(mH(t), mH(ans), s, u, "right singular vectors (Vh)", a))


def _vh_vjp(g, ans, a, full_matrices, hermitian):
    u, s, _ = _reduced(a, hermitian, v=False)
    return mH(_left_vjp(mH(g), mH(ans), s, u, "right singular vectors (Vh)", a))


# ds_i = Re(u_i^H dA v_i)   =>   A_bar = conj(U diag(s_bar) V^H)
def _values_jvp(t, ans, a, hermitian):
    u, _, v = _reduced(a, hermitian, s=False)
    return re(_sum(cj(u) * matmul(t, v), axis=-2))


def _values_vjp(g, ans, a, hermitian):
    u, _, v = _reduced(a, hermitian, s=False)
    return cj(matmul(u * _row(g), mH(v)))


_svd_values = Primitive("svd_values", _values_impl, save_ans=False, register=True,
                        xp_impl=svd_values_xp)
_svd_values.defvjp(_values_vjp)
_svd_values.defjvp(_values_jvp)
_svd_u = Primitive("svd_u", lambda a, full_matrices, hermitian:
                   _impl(a, hermitian, full_matrices)[0], register=True,
                   xp_impl=lambda a, full_matrices, hermitian:
                   svd_xp(a, hermitian, full_matrices)[0])
_svd_u.defvjp(_u_vjp)
_svd_u.defjvp(_u_jvp)
_svd_vh = Primitive("svd_vh", lambda a, full_matrices, hermitian:
                    _impl(a, hermitian, full_matrices)[2], register=True,
                    xp_impl=lambda a, full_matrices, hermitian:
                    svd_xp(a, hermitian, full_matrices)[2])
_svd_vh.defvjp(_vh_vjp)
_svd_vh.defjvp(_vh_jvp)


def _matrix_stack(a, op: str):
    a = operand(a)
    if a.ndim < 2:
        raise np.linalg.LinAlgError(
            f"{a.ndim}-dimensional array given. Array must be at least two-dimensional ({op})")
    if kind(a) not in "fc":
        a = a.astype(float)
    return a


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """``numpy.linalg.svd``: ``(U, S, Vh)`` with A = U diag(S) Vh, or S alone.

    Batched over leading axes. Derivatives follow Townsend 2016; see the module docstring for
    signs, repeated or zero singular values (U, Vh raise there), the extra columns of
    ``full_matrices=True`` and ``hermitian=True`` (reads the lower triangle).

    Example:
        >>> import chainrule as cr, numpy as np
        >>> a = np.array([[3.0, 0.0], [0.0, 2.0], [0.0, 0.0]])
        >>> cr.grad(lambda x: np.linalg.svd(x, compute_uv=False)[0])(a).tolist()
        [[1.0, 0.0], [0.0, 0.0], [0.0, 0.0]]
    """
    if not isinstance(a, Tracer) and not foreign(a):
        return np.linalg.svd(a, full_matrices=full_matrices, compute_uv=compute_uv,
                             hermitian=hermitian)
    a = _matrix_stack(a, "svd")
    hermitian = bool(hermitian)
    if hermitian and isinstance(a, Tracer):  # (plain arrays: svd_xp reads the triangle)
        a = _seen(a, True)  # NumPy's hermitian SVD is eigh(a), which reads the lower triangle
    s = _svd_values(a, hermitian=hermitian)
    if not compute_uv:
        return s
    full = bool(full_matrices)
    return SVDResult(_svd_u(a, full_matrices=full, hermitian=hermitian), s,
                     _svd_vh(a, full_matrices=full, hermitian=hermitian))


def svdvals(x, /):
    """``numpy.linalg.svdvals``: the singular values, descending (``svd(x, compute_uv=False)``).

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda x: np.linalg.svdvals(x).sum())(np.diag([2.0, -1.0])).tolist()
        [[1.0, 0.0], [0.0, -1.0]]
    """
    if not isinstance(x, Tracer) and not foreign(x):
        return np.linalg.svdvals(x)
    return _svd_values(_matrix_stack(x, "svdvals"), hermitian=False)
