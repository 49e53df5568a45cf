"""``numpy.linalg`` matrix functions: inv, solve, det, slogdet, cholesky, eigh, eigvalsh.

Every rule is written with chainrule operations (matmul, inv, solve, ...), so the rules are
themselves differentiable and higher derivatives come for free. All functions accept stacks of
matrices (..., M, M). References: Giles 2008, "An extended collection of matrix derivative
results for forward and reverse mode AD"; Murray 2016, "Differentiation of the Cholesky
decomposition"; Magnus & Neudecker for the eigenvector derivative.

Symmetric inputs (cholesky, eigh, eigvalsh): LAPACK reads one triangle only, so what NumPy
computes is a function of the symmetric matrix built from that triangle,
T(A) = tril(A) + tril(A, -1)^T (or the triu version). The derivatives are those of
A -> f(T(A)): tangents enter as T(dA) and cotangents leave through the adjoint
T*(M) = tril(M) + tril(M^T, -1), so they agree with finite differences along ANY direction,
symmetric or not (the cotangent is triangular). eigh/eigvalsh read the triangle ``UPLO`` names,
cholesky the lower triangle (``upper=True``: the upper one); tests/test_linalg_triangle.py
checks both against finite differences of NumPy on non-symmetric input.
"""

from __future__ import annotations

import functools
import operator

import numpy as np

from chainrule.backend import device as device_of
from chainrule.backend import foreign, namespace
from chainrule.backend import library as xp_of
from chainrule.describe import describe
from chainrule.ops.conjugate import cj, is_complex, mH, re
from chainrule.ops.gaps import inverse_gaps
from chainrule.ops.linalg_xp import cholesky_xp, eigh_vectors_xp, eigvalsh_xp, logdet_xp
from chainrule.ops.matmul import _mT, matmul
from chainrule.ops.portable_c import operand, real_dtype, tri
from chainrule.ops.reduce import sum as _sum
from chainrule.ops.shape import reshape
from chainrule.primitive import Primitive
from chainrule.tracer import Tracer, primal

# NumPy's own result types (named tuples), so traced results look exactly like NumPy's.
SlogdetResult = type(np.linalg.slogdet(np.eye(1)))
EighResult = type(np.linalg.eigh(np.eye(1)))

# numpy.linalg functions (chainrule.numpy.linalg)
LINALG_ALL = [
    "inv", "solve", "det", "slogdet", "cholesky", "eigh", "eigvalsh", "multi_dot",
    "matrix_power", "matrix_transpose", "vecdot",
]


def _masks(x, lower):
    """The triangle read (diagonal included) and the strict triangle mirrored from it."""
    n = x.shape[-1]
    if isinstance(x.dtype, np.dtype):
        read, strict = np.tri(n, dtype=x.dtype), np.tri(n, k=-1, dtype=x.dtype)
        return (read, strict) if lower else (read.T, strict.T)
    xp = xp_of(x)  # another library's values: the masks in its namespace
    where = device_of(x)
    read, strict = tri(xp, n, 0, x.dtype, where), tri(xp, n, -1, x.dtype, where)
    return (read, strict) if lower else (xp.matrix_transpose(read), xp.matrix_transpose(strict))


def _diagonal_mask(read, strict):
    """The real identity read - strict (its real part for complex masks)."""
    if isinstance(read, np.ndarray):
        return (read - strict).real
    xp = namespace(read)
    return xp.astype(xp.real(read - strict), real_dtype(xp, read.dtype))


def _seen(x, lower):
    """T(x): the symmetric (Hermitian) matrix LAPACK sees when it reads one triangle of
    ``x``; for complex x the diagonal's imaginary part is ignored, as LAPACK does."""
    read, strict = _masks(x, lower)
    if not is_complex(x):
        return x * read + _mT(x * strict)
    return x * strict + mH(x * strict) + re(x) * _diagonal_mask(read, strict)


def _seen_adjoint(m, lower):
    """T*(m): the adjoint of ``_seen`` (under Re(sum(m * dT)), ops/complex.py), mapping a
    cotangent of T(x) to one of ``x``."""
    read, strict = _masks(m, lower)
    if not is_complex(m):
        return m * read + _mT(m) * strict
    return (m + mH(m)) * strict + re(m) * _diagonal_mask(read, strict)


def _uplo(UPLO):
    uplo = str(UPLO).upper()
    if uplo not in ("L", "U"):
        raise ValueError("UPLO argument must be 'L' or 'U'")
    return uplo


def _as_matrix_cotangent(g):
    """A cotangent per matrix of a stack, shaped (..., 1, 1) to scale whole matrices."""
    return reshape(g, g.shape + (1, 1))


# --- inv ----------------------------------------------------------------------------------
# d(A^-1) = -A^-1 dA A^-1   =>   A_bar = -A^-T C_bar A^-T   (C = A^-1, only the output needed)
_inv = Primitive("inv", lambda a: np.linalg.inv(a), save_args=False, register=True,
                 xp_impl=lambda a: namespace(a).linalg.inv(a))
_inv.defvjp(lambda g, ans, a: -matmul(matmul(_mT(ans), g), _mT(ans)))
_inv.defjvp(lambda t, ans, a: -matmul(matmul(ans, t), ans))


def inv(a):
    """``numpy.linalg.inv``.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> float(cr.grad(lambda a: np.linalg.inv(a).sum())(np.array([[2.0]]))[0, 0])
        -0.25
    """
    return _inv(a)


# --- solve --------------------------------------------------------------------------------
# X = A^-1 B:  B_bar = A^-T X_bar,  A_bar = -B_bar X^T;  dX = A^-1 (dB - dA X)
_solve = Primitive("solve", lambda a, b: np.linalg.solve(a, b), register=True,
                   xp_impl=lambda a, b: namespace(a, b).linalg.solve(a, b))
_solve.defvjp(lambda g, ans, a, b: -matmul(_solve(_mT(a), g), _mT(ans)),
              lambda g, ans, a, b: _solve(_mT(a), g))
_solve.defjvp(lambda t, ans, a, b: -_solve(a, matmul(t, ans)),
              lambda t, ans, a, b: _solve(a, t))


def solve(a, b):
    """``numpy.linalg.solve`` with NumPy 2's rule: a 1-D ``b`` is one vector (M,), any other
    ``b`` a stack of matrices (..., M, K), batch axes broadcast against ``a``'s."""
    if not (isinstance(a, Tracer) or isinstance(b, Tracer)):
        if foreign(a) or foreign(b):  # the standard's solve has NumPy 2's rule for b
            return namespace(a, b).linalg.solve(a, b)
        return np.linalg.solve(a, b)
    a, b = operand(a), operand(b)
    if b.ndim == 1:
        x = _solve(a, reshape(b, (b.shape[0], 1)))
        return reshape(x, x.shape[:-1])
    return _solve(a, b)


# --- det, slogdet -------------------------------------------------------------------------
# d det(A) = det(A) tr(A^-1 dA)   =>   A_bar = det_bar det(A) A^-T (undefined where A is singular)
def _det_vjp(g, ans, a):
    return _as_matrix_cotangent(g * ans) * _mT(_inv(a))


_det = Primitive("det", lambda a: np.linalg.det(a), register=True,
                 xp_impl=lambda a: namespace(a).linalg.det(a))
_det.defvjp(_det_vjp)
_det.defjvp(lambda t, ans, a: ans * _sum(_mT(_inv(a)) * t, axis=(-2, -1)))

# d log|det A| = tr(A^-1 dA)
_logabsdet = Primitive("logabsdet", lambda a: np.linalg.slogdet(a)[1], save_ans=False,
                       register=True, xp_impl=lambda a: namespace(a).linalg.slogdet(a)[1])
_logabsdet.defvjp(lambda g, ans, a: _as_matrix_cotangent(g) * _mT(_inv(a)))
_logabsdet.defjvp(lambda t, ans, a: re(_sum(_mT(_inv(a)) * t, axis=(-2, -1))))  # complex: Re

# Complex A: the sign det/|det| moves too. log det = log(sign) + logabsdet is holomorphic with
# d log det = tr(A^-1 dA); the sign is exp(i Im(log det)), computed without forming det.
_logdet = Primitive("logdet_complex", lambda a: np.log(np.linalg.slogdet(a)[0])
                    + np.linalg.slogdet(a)[1], save_ans=False, register=True,
                    xp_impl=logdet_xp)
_logdet.defvjp(lambda g, ans, a: _as_matrix_cotangent(g) * _mT(_inv(a)))
_logdet.defjvp(lambda t, ans, a: _sum(_mT(_inv(a)) * t, axis=(-2, -1)))


def det(a):
    """``numpy.linalg.det``; its gradient is ``det(A) inv(A)^T`` (needs A invertible)."""
    return _det(a)


def slogdet(a):
    """``numpy.linalg.slogdet``: ``(sign, logabsdet)``. For real A the sign is piecewise
    constant and carries no derivative; ``logabsdet`` has gradient ``inv(A)^T``. For complex A
    the sign (a unit complex number) is differentiable: exp(i Im(log det A)).

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda a: np.linalg.slogdet(a)[1])(np.diag([2.0, 4.0])).tolist()
        [[0.5, 0.0], [0.0, 0.25]]
    """
    if not isinstance(a, Tracer):
        return np.linalg.slogdet(a) if not foreign(a) else namespace(a).linalg.slogdet(a)
    if is_complex(a):
        from chainrule.ops.complex import imag
        from chainrule.ops.elementwise import exp

        return SlogdetResult(exp(imag(_logdet(a)) * 1j), _logabsdet(a))
    p = primal(a)
    sign = np.linalg.slogdet(p)[0] if not foreign(p) else namespace(p).linalg.slogdet(p)[0]
    return SlogdetResult(sign, _logabsdet(a))


# --- cholesky -----------------------------------------------------------------------------
def _phi(x):
    """Lower triangle with the diagonal halved (Murray 2016's Phi), as a constant mask."""
    n = x.shape[-1]
    if not isinstance(x.dtype, np.dtype):  # another library's values: its namespace
        xp = xp_of(x)
        where = device_of(x)
        return x * (tri(xp, n, -1, x.dtype, where) + 0.5 * xp.eye(n, dtype=x.dtype, device=where))
    mask = np.tri(n, n, -1) + 0.5 * np.eye(n)
    return x * mask.astype(x.dtype)


# NumPy's cholesky reads the lower triangle for upper=False, the upper one for upper=True.
# Complex A = L L^H: the same rules with conjugate transposes, in the standard gradient
# (cotangents conjugated in and out, ops/conjugate.py); upper=True returns U = L^H.
def _cholesky_vjp(g, ans, a, upper):
    # dL = L Phi(L^-1 dS L^-H)   =>   S_bar = L^-H Phi(L^H L_bar) L^-1,  A_bar = T*(S_bar)
    L, g = (mH(ans), mH(g)) if upper else (ans, g)
    Linv = _inv(L)
    s_bar = matmul(matmul(mH(Linv), _phi(matmul(mH(L), cj(g)))), Linv)
    return _seen_adjoint(cj(s_bar), not upper)


def _cholesky_jvp(t, ans, a, upper):
    L = mH(ans) if upper else ans
    Linv = _inv(L)
    dL = matmul(L, _phi(matmul(matmul(Linv, _seen(t, not upper)), mH(Linv))))
    return mH(dL) if upper else dL


_cholesky = Primitive("cholesky", lambda a, upper: np.linalg.cholesky(a, upper=upper),
                      save_args=False, register=True, xp_impl=cholesky_xp)
_cholesky.defvjp(_cholesky_vjp)
_cholesky.defjvp(_cholesky_jvp)


def cholesky(a, /, *, upper=False):
    """``numpy.linalg.cholesky``: L with A = L L^T (``upper=True``: U = L^T). Only one
    triangle of A is read, and the derivative is that of the function NumPy computes (see the
    module docstring): the gradient is triangular.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> logdet = lambda a: 2 * np.log(np.diagonal(np.linalg.cholesky(a))).sum()
        >>> g = cr.grad(logdet)(np.array([[4.0, 2.0], [2.0, 2.0]]))  # tril of 2 inv(A) - diag
        >>> (np.round(g, 12) + 0.0).tolist()
        [[0.5, 0.0], [-1.0, 1.0]]
    """
    return _cholesky(a, upper=bool(upper))


# --- eigh ---------------------------------------------------------------------------------
# A = V diag(w) V^T:  dw = diag(V^T dA V),  dV = V (F o (V^T dA V)),  F_ij = 1/(w_j - w_i)
# (i != j, F_ii = 0). Repeated eigenvalues make F infinite: the eigenvectors are not unique
# there and have no derivative, so the rules raise (ops/gaps.py).
def _eigh_F(w):
    return inverse_gaps(w, "eigh", "eigenvectors",
                        "The eigenvectors are not unique there: differentiate the eigenvalues "
                        "(eigvalsh) or a function of the eigenspace that does not depend on "
                        "the choice of vectors instead.", "eigenvalues")


# The input seen is S = T(A) (UPLO's triangle); rules differentiate S and map through T, T*.
# Complex Hermitian A = V diag(w) V^H: conjugate transposes, dw_i = Re(v_i^H dS v_i), and the
# eigenvector phases fixed by diag(V^H dV) = 0 (differentiate phase-invariant functions).
def _eigvalsh_vjp(g, ans, a, UPLO):
    v = _eigh_vectors(a, UPLO=UPLO)
    vgv = matmul(v * reshape(g, g.shape[:-1] + (1, g.shape[-1])), mH(v))  # V diag(g) V^H
    return _seen_adjoint(cj(vgv), UPLO == "L")


def _eigvalsh_jvp(t, ans, a, UPLO):
    v = _eigh_vectors(a, UPLO=UPLO)
    return re(_sum(cj(v) * matmul(_seen(t, UPLO == "L"), v), axis=-2))  # v_i^H T(t) v_i


def _eigh_vectors_vjp(g, ans, a, UPLO):
    w = _eigvalsh(a, UPLO=UPLO)
    m = matmul(matmul(ans, _eigh_F(w) * matmul(mH(ans), cj(g))), mH(ans))
    return _seen_adjoint(cj(m), UPLO == "L")


def _eigh_vectors_jvp(t, ans, a, UPLO):
    w = _eigvalsh(a, UPLO=UPLO)
    return matmul(ans, _eigh_F(w) * matmul(matmul(mH(ans), _seen(t, UPLO == "L")), ans))


_eigvalsh = Primitive("eigvalsh", lambda a, UPLO: np.linalg.eigvalsh(a, UPLO), save_ans=False,
                      register=True, xp_impl=eigvalsh_xp)
_eigvalsh.defvjp(_eigvalsh_vjp)
_eigvalsh.defjvp(_eigvalsh_jvp)
_eigh_vectors = Primitive("eigh_vectors", lambda a, UPLO: np.linalg.eigh(a, UPLO)[1],
                          register=True, xp_impl=eigh_vectors_xp)
_eigh_vectors.defvjp(_eigh_vectors_vjp)
_eigh_vectors.defjvp(_eigh_vectors_jvp)


def eigh(a, UPLO="L"):
    """``numpy.linalg.eigh``: ``(eigenvalues, eigenvectors)`` of a symmetric matrix.

    Only the ``UPLO`` triangle of A is read, and the derivative is that of the function NumPy
    computes (the gradient is triangular); eigenvector derivatives need distinct eigenvalues.
    Eigenvector signs (complex: phases) are arbitrary, so differentiate invariant quantities
    (v v^H, |v|**2); complex Hermitian input works the same way (conjugate transposes).

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda a: np.linalg.eigh(a)[0][1])(np.diag([1.0, 3.0])).tolist()
        [[0.0, 0.0], [0.0, 1.0]]
    """
    if not isinstance(a, Tracer) and not foreign(a):
        return np.linalg.eigh(a, UPLO)
    UPLO = _uplo(UPLO)
    return EighResult(_eigvalsh(a, UPLO=UPLO), _eigh_vectors(a, UPLO=UPLO))


def eigvalsh(a, UPLO="L"):
    """``numpy.linalg.eigvalsh``: gradient ``T*(V diag(w_bar) V^T)`` (only the ``UPLO``
    triangle is read, see the module docstring)."""
    return _eigvalsh(a, UPLO=_uplo(UPLO))


# --- composed -----------------------------------------------------------------------------
def multi_dot(arrays, *, out=None):
    """``numpy.linalg.multi_dot``: the chained product, left to right."""
    if out is not None:
        raise TypeError("multi_dot(..., out=...) is not supported on traced values")
    if len(arrays) < 2:
        raise ValueError("multi_dot: expecting at least two arrays")
    return functools.reduce(matmul, arrays)


def matrix_power(a, n):
    """``numpy.linalg.matrix_power``: repeated squaring with matmul (inv first if n < 0)."""
    a = operand(a)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"matrix_power: expected a stack of square matrices, got a {describe(a)}")
    try:
        n = operator.index(n)
    except TypeError as e:  # NumPy's message; int(1.5) would silently truncate
        raise TypeError("exponent must be an integer") from e
    if n == 0:  # the identity: a constant
        if isinstance(a.dtype, np.dtype):
            return np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape).copy()
        xp = xp_of(a)
        return xp.broadcast_to(xp.eye(a.shape[-1], dtype=a.dtype, device=device_of(a)),
                               a.shape)
    if n < 0:
        a, n = _inv(a), -n
    result = None
    while n:
        if n & 1:
            result = a if result is None else matmul(result, a)
        n >>= 1
        if n:
            a = matmul(a, a)
    return result


def matrix_transpose(x, /):
    """``numpy.linalg.matrix_transpose``: swap the last two axes."""
    x = operand(x)
    if x.ndim < 2:
        raise ValueError(f"matrix_transpose: expected at least 2 dimensions, got a {describe(x)}")
    return _mT(x)


def vecdot(x1, x2, /, *, axis=-1):
    """``numpy.linalg.vecdot``: ``sum(conj(x1) * x2, axis)`` with broadcasting (x1 is
    conjugated when complex, as NumPy does).

    Example:
        >>> import chainrule as cr, numpy as np
        >>> z = np.array([1 + 2j])  # |z|^2: the gradient 2x - 2iy
        >>> complex(cr.grad(lambda z: np.real(np.linalg.vecdot(z, z)))(z)[0])
        (2-4j)
    """
    x1 = operand(x1)
    return _sum(cj(x1) * operand(x2), axis=axis)
