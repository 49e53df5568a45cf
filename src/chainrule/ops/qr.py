"""``numpy.linalg.qr``: A = Q R, differentiable in modes 'reduced', 'complete' and 'r'.

Two primitives, ``qr_q`` and ``qr_r``, each with the rules of the whole factorization (Walter &
Lehmann 2018, "Algorithmic differentiation of linear algebra functions with application in
optimum experimental design"; Liao, Liu, Wang & Xiang 2019, "Differentiable programming tensor
networks", for the wide case). For A (M, N) with M >= N and R invertible:

    C = Q^T dA R^-1,  Omega = tril(C, -1) - tril(C, -1)^T   (Q^T dQ is antisymmetric)
    dR = (C - Omega) R,   dQ = dA R^-1 - Q (C - Omega)
    A_bar = (Q_bar + Q copyltu(M)) R^-T,  M = R R_bar^T - Q_bar^T Q,
    copyltu(M) = tril(M) + tril(M, -1)^T

A wide A = [X Y] (M < N) factors as X = Q R1, R2 = Q^T Y: the square rules for X, and
dR2 = dQ^T Y + Q^T dY. The factorization is unique given the signs of R's diagonal (LAPACK's
choice is continuous while the diagonal is nonzero), so Q and R themselves are differentiable.
Complex matrices use the same rules with conjugate transposes (LAPACK's R has a real diagonal).

Limits: the first min(M, N) columns of A must be linearly independent (R's leading block
invertible), otherwise the derivative raises. ``mode='complete'`` with M > N: the extra M - N
columns Q2 of Q are an arbitrary basis of the complement; their derivative is the one carried
without rotation (Q2^T dQ2 = 0, dQ2 = -Q1 R^-T dA^T Q2), exact for functions invariant under
Q2 -> Q2 Z (Q2 Q2^T, Q @ R); R's zero rows have derivative 0. ``mode='raw'`` (Householder
reflectors) has no derivative here and raises on traced input.
"""

from __future__ import annotations

import numpy as np

from chainrule.backend import dtype_kind as kind
from chainrule.backend import foreign, namespace
from chainrule.backend import library as xp_of
from chainrule.describe import describe
from chainrule.jit.effects import guard
from chainrule.ops.complex import imag
from chainrule.ops.conjugate import cj, is_complex, mH, re
from chainrule.ops.decompositions import _inv
from chainrule.ops.join import concatenate
from chainrule.ops.matmul import matmul
from chainrule.ops.portable_c import eye_of, operand, tri_of
from chainrule.ops.reduce import sum as _sum
from chainrule.primitive import Primitive
from chainrule.tracer import Tracer, plain_array, primal

LINALG_ALL = ["qr"]

QRResult = type(np.linalg.qr(np.eye(1)))


def _impl(a, complete):
    return namespace(a).linalg.qr(a, mode="complete" if complete else "reduced")


def _strict_lower(x):
    k = x.shape[-1]
    if foreign(x):
        return x * tri_of(x, k, -1)
    return x * np.tri(k, k, -1, dtype=plain_array(x).dtype)


def _rinv(r, a):
    """R^-1, after checking R's diagonal (inside ``cr.jit`` a guard: on every call)."""
    rp = primal(r)
    if getattr(rp, "_jit_value", False):
        guard(_independent, rp, a=describe(a))
    else:
        _independent(rp, a)
    return _inv(r)


def _independent(rp, a):
    """``rp`` (plain R factors of any library), or ``LinAlgError`` where R's diagonal has a
    zero to rounding (dependent columns); ``a`` is the matrix A or its description."""
    k = rp.shape[-1]
    if foreign(rp):
        xp = namespace(rp)
        diag = xp.abs(xp.linalg.diagonal(rp))
    else:
        xp, diag = np, np.abs(np.diagonal(np.asarray(rp), axis1=-2, axis2=-1))
    if xp.any(diag <= k * xp.finfo(diag.dtype).eps * xp.max(diag, axis=-1, keepdims=True)):
        of = a if isinstance(a, str) else describe(a)
        raise np.linalg.LinAlgError(
            f"qr: no derivative for this {of}: its first {k} columns are linearly "
            f"dependent (R has a zero on its diagonal), so Q is not unique. Differentiate a "
            f"full-rank matrix, or use svd / pinv for rank-deficient ones."
        )
    return rp


# --- square or tall, thin factors q (M, K), r (K, K) ----------------------------------------
# Complex A: the same rules with conjugate transposes. LAPACK's R has a real diagonal, so
# Q^H dQ (anti-Hermitian) also takes the imaginary part of diag(C): Omega = tril(C, -1) -
# tril(C, -1)^H + i Im(diag C). The VJPs work in the standard gradient (ops/conjugate.py).
def _diag_imag(c):
    """i Im(diag(c)) as a diagonal matrix (None for real c)."""
    if not is_complex(c):
        return None
    if foreign(c):
        eye = eye_of(c, c.shape[-1], real=True)
    else:
        eye = np.eye(c.shape[-1], dtype=plain_array(c).real.dtype)
    return eye * _sum(imag(c) * eye, axis=-1, keepdims=True) * 1j


def _square_jvp(t, q, r, a):
    rinv = _rinv(r, a)
    trinv = matmul(t, rinv)
    c = matmul(mH(q), trinv)
    low = _strict_lower(c)
    upper = c - low + mH(low)  # C - Omega (upper triangular, real diagonal)
    phase = _diag_imag(c)
    if phase is not None:
        upper = upper - phase
    return trinv - matmul(q, upper), matmul(upper, r)


def _square_vjp(gq, gr, q, r, a):
    """Standard-gradient VJP: A_bar = (Q_bar + Q K) R^-H, K = triu(N, 1) + Re diag(N) +
    tril(N^H, -1), N = R_bar R^H - Q^H Q_bar."""
    n = 0.0
    if gr is not None:
        n = matmul(gr, mH(r))
    if gq is not None:
        n = n - matmul(mH(q), gq)
    k = n.shape[-1]
    if foreign(r):
        lower, eye = tri_of(r, k, -1, real=True), eye_of(r, k, real=True)
        upper = xp_of(r).matrix_transpose(lower)
    else:
        dtype = plain_array(r).real.dtype
        lower = np.tri(k, k, -1, dtype=dtype)
        eye = np.eye(k, dtype=dtype)
        upper = lower.T
    kk = n * upper + re(n) * eye + mH(n) * lower
    inner = matmul(q, kk)
    return matmul(inner if gq is None else gq + inner, mH(_rinv(r, a)))


def _zeros(like, shape):
    if foreign(like):
        p = primal(like)
        return namespace(p).zeros(shape, dtype=p.dtype, device=p.device)
    return np.zeros(shape, dtype=plain_array(like).dtype)


# --- every shape: the thin pieces, then the extra columns (tall, complete) or Y (wide) --------
def _factors(a):
    """Q (M, M or K) and R thin parts: q1 (M, K), r1 (K, K) as chainrule values."""
    q = _qr_q(a, complete=False)
    r = _qr_r(a, complete=False)
    k = min(a.shape[-2:])
    return q, (r[..., :k] if a.shape[-1] > k else r)


def _jvp(t, a, complete):
    m, n = a.shape[-2:]
    k = min(m, n)
    q, r1 = _factors(a)
    if n > m:  # wide: A = [X Y], X = Q R1, R2 = Q^H Y
        dq, dr1 = _square_jvp(t[..., :k], q, r1, a)
        y, dy = a[..., k:], t[..., k:]
        dr2 = matmul(mH(dq), y) + matmul(mH(q), dy)
        return dq, concatenate([dr1, dr2], axis=-1)
    dq, dr = _square_jvp(t, q, r1, a)
    if complete and m > n:
        q2 = _qr_q(a, complete=True)[..., k:]
        dq2 = -matmul(q, mH(matmul(mH(q2), matmul(t, _inv(r1)))))  # -Q1 R^-H dA^H Q2
        dq = concatenate([dq, dq2], axis=-1)
        dr = concatenate([dr, _zeros(t, t.shape[:-2] + (m - k, n))], axis=-2)
    return dq, dr


def _vjp(gq, gr, a, complete):
    """chainrule's cotangent of A from those of Q and R (None: no cotangent)."""
    gq = None if gq is None else cj(gq)  # the standard gradient, conjugated back at the end
    gr = None if gr is None else cj(gr)
    m, n = a.shape[-2:]
    k = min(m, n)
    q, r1 = _factors(a)
    if n > m:
        gr1, gr2 = (None, None) if gr is None else (gr[..., :k], gr[..., k:])
        if gr2 is not None:
            y = a[..., k:]
            gq = matmul(y, mH(gr2)) if gq is None else gq + matmul(y, mH(gr2))
        gx = _square_vjp(gq, gr1, q, r1, a)
        gy = _zeros(a, a.shape[:-1] + (n - k,)) if gr2 is None else matmul(q, gr2)
        return cj(concatenate([gx, gy], axis=-1))
    extra = None
    if complete and m > n:
        if gq is not None:
            q2 = _qr_q(a, complete=True)[..., k:]
            gq2, gq = gq[..., k:], gq[..., :k]
            extra = -matmul(matmul(q2, matmul(mH(gq2), q)), mH(_inv(r1)))
        if gr is not None:
            gr = gr[..., :k, :]
    g = _square_vjp(gq, gr, q, r1, a)
    return cj(g if extra is None else g + extra)


_qr_q = Primitive("qr_q", lambda a, complete: _impl(a, complete)[0], register=True, portable=True)
_qr_q.defvjp(lambda g, ans, a, complete: _vjp(g, None, a, complete))
_qr_q.defjvp(lambda t, ans, a, complete: _jvp(t, a, complete)[0])
_qr_r = Primitive("qr_r", lambda a, complete: _impl(a, complete)[1], register=True, portable=True)
_qr_r.defvjp(lambda g, ans, a, complete: _vjp(None, g, a, complete))
_qr_r.defjvp(lambda t, ans, a, complete: _jvp(t, a, complete)[1])


def qr(a, mode="reduced"):
    """``numpy.linalg.qr``: ``(Q, R)`` for modes 'reduced' and 'complete', R for 'r'.

    Batched over leading axes; see the module docstring for the rules and limits.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> a = np.array([[3.0, 1.0], [4.0, 2.0]])
        >>> g = cr.grad(lambda x: np.linalg.qr(x, mode="r")[0, 0])(a)  # |R00| = |a[:, 0]|
        >>> (np.round(g, 12) + 0.0).tolist()
        [[-0.6, 0.0], [-0.8, 0.0]]
    """
    if not isinstance(a, Tracer) and not foreign(a):
        return np.linalg.qr(a, mode=mode)
    a = operand(a)
    if a.ndim < 2:
        raise np.linalg.LinAlgError(
            f"{a.ndim}-dimensional array given. Array must be at least two-dimensional (qr)")
    if kind(a) not in "fc":
        a = a.astype(float)
    if mode == "reduced":
        return QRResult(_qr_q(a, complete=False), _qr_r(a, complete=False))
    if mode == "complete":
        return QRResult(_qr_q(a, complete=True), _qr_r(a, complete=True))
    if mode == "r":
        return _qr_r(a, complete=False)
    raise ValueError(
        f"qr(..., mode={mode!r}) on a traced {describe(a)}: this mode has no derivative in "
        "chainrule ('raw' returns Householder reflectors; 'full' and 'economic' are NumPy's "
        "deprecated spellings). Use mode='reduced', 'complete' or 'r'."
    )
