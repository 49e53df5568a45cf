"""``numpy.linalg`` matrix functions: inv, solve, det, slogdet, cholesky, eigh, eigvalsh.

Every rule is written with chainrule operations (matmul, inv, solve, ...), so the rules are
themselves differentiable and higher derivatives come for free. All functions accept stacks of
matrices (..., M, M). References: Giles 2008, "An extended collection of matrix derivative
results for forward and reverse mode AD"; Murray 2016, "Differentiation of the Cholesky
decomposition"; Magnus & Neudecker for the eigenvector derivative.

Symmetric inputs (cholesky, eigh, eigvalsh): LAPACK reads one triangle only, so the derivative
treats the input as the symmetric matrix  sym(A) = (A + A^T) / 2: tangents are symmetrised and
cotangents come back symmetric, matching finite differences taken along symmetric directions.
"""

from __future__ import annotations

import functools

import numpy as np

from chainrule.describe import describe
from chainrule.ops.matmul import _arr, _mT, matmul
from chainrule.ops.reduce import sum as _sum
from chainrule.ops.shape import reshape
from chainrule.primitive import Primitive
from chainrule.tracer import Tracer, primal

# NumPy's own result types (named tuples), so traced results look exactly like NumPy's.
SlogdetResult = type(np.linalg.slogdet(np.eye(1)))
EighResult = type(np.linalg.eigh(np.eye(1)))


def _sym(x):
    return (x + _mT(x)) * 0.5


def _as_matrix_cotangent(g):
    """A cotangent per matrix of a stack, shaped (..., 1, 1) to scale whole matrices."""
    return reshape(g, g.shape + (1, 1))


# --- inv ----------------------------------------------------------------------------------
# d(A^-1) = -A^-1 dA A^-1   =>   A_bar = -A^-T C_bar A^-T   (C = A^-1, only the output needed)
_inv = Primitive("inv", lambda a: np.linalg.inv(a), save_args=False, register=True)
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
_solve = Primitive("solve", lambda a, b: np.linalg.solve(a, b), register=True)
_solve.defvjp(lambda g, ans, a, b: -matmul(_solve(_mT(a), g), _mT(ans)),
              lambda g, ans, a, b: _solve(_mT(a), g))
_solve.defjvp(lambda t, ans, a, b: -_solve(a, matmul(t, ans)),
              lambda t, ans, a, b: _solve(a, t))


def solve(a, b):
    """``numpy.linalg.solve`` with NumPy 2's rule: a 1-D ``b`` is one vector (M,), any other
    ``b`` a stack of matrices (..., M, K), batch axes broadcast against ``a``'s."""
    if not (isinstance(a, Tracer) or isinstance(b, Tracer)):
        return np.linalg.solve(a, b)
    a, b = _arr(a), _arr(b)
    if b.ndim == 1:
        x = _solve(a, reshape(b, (b.shape[0], 1)))
        return reshape(x, x.shape[:-1])
    return _solve(a, b)


# --- det, slogdet -------------------------------------------------------------------------
# d det(A) = det(A) tr(A^-1 dA)   =>   A_bar = det_bar det(A) A^-T (undefined where A is singular)
def _det_vjp(g, ans, a):
    return _as_matrix_cotangent(g * ans) * _mT(_inv(a))


_det = Primitive("det", lambda a: np.linalg.det(a), register=True)
_det.defvjp(_det_vjp)
_det.defjvp(lambda t, ans, a: ans * _sum(_mT(_inv(a)) * t, axis=(-2, -1)))

# d log|det A| = tr(A^-1 dA)
_logabsdet = Primitive("logabsdet", lambda a: np.linalg.slogdet(a)[1], save_ans=False,
                       register=True)
_logabsdet.defvjp(lambda g, ans, a: _as_matrix_cotangent(g) * _mT(_inv(a)))
_logabsdet.defjvp(lambda t, ans, a: _sum(_mT(_inv(a)) * t, axis=(-2, -1)))


def det(a):
    """``numpy.linalg.det``; its gradient is ``det(A) inv(A)^T`` (needs A invertible)."""
    return _det(a)


def slogdet(a):
    """``numpy.linalg.slogdet``: ``(sign, logabsdet)``. The sign is piecewise constant and
    carries no derivative; ``logabsdet`` has gradient ``inv(A)^T``.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda a: np.linalg.slogdet(a)[1])(np.diag([2.0, 4.0])).tolist()
        [[0.5, 0.0], [0.0, 0.25]]
    """
    if not isinstance(a, Tracer):
        return np.linalg.slogdet(a)
    return SlogdetResult(np.linalg.slogdet(primal(a))[0], _logabsdet(a))


# --- cholesky -----------------------------------------------------------------------------
def _phi(x):
    """Lower triangle with the diagonal halved (Murray 2016's Phi), as a constant mask."""
    n = x.shape[-1]
    mask = np.tri(n, n, -1) + 0.5 * np.eye(n)
    return x * mask.astype(x.dtype)


def _cholesky_vjp(g, ans, a, upper):
    # dL = L Phi(L^-1 dA L^-T)   =>   A_bar = sym(L^-T Phi(L^T L_bar) L^-1)
    L, g = (_mT(ans), _mT(g)) if upper else (ans, g)
    Linv = _inv(L)
    return _sym(matmul(matmul(_mT(Linv), _phi(matmul(_mT(L), g))), Linv))


def _cholesky_jvp(t, ans, a, upper):
    L = _mT(ans) if upper else ans
    Linv = _inv(L)
    dL = matmul(L, _phi(matmul(matmul(Linv, _sym(t)), _mT(Linv))))
    return _mT(dL) if upper else dL


_cholesky = Primitive("cholesky", lambda a, upper: np.linalg.cholesky(a, upper=upper),
                      save_args=False, register=True)
_cholesky.defvjp(_cholesky_vjp)
_cholesky.defjvp(_cholesky_jvp)


def cholesky(a, /, *, upper=False):
    """``numpy.linalg.cholesky``: L with A = L L^T (``upper=True``: U = L^T). The derivative
    treats A as symmetric (see the module docstring)."""
    return _cholesky(a, upper=bool(upper))


# --- eigh ---------------------------------------------------------------------------------
# A = V diag(w) V^T:  dw = diag(V^T dA V),  dV = V (F o (V^T dA V)),  F_ij = 1/(w_j - w_i)
# (i != j, F_ii = 0). Repeated eigenvalues make F infinite: eigenvector derivatives are then
# undefined (the eigenvectors themselves are not unique), and give inf/nan.
def _eigh_F(w):
    n = w.shape[-1]
    eye = np.eye(n, dtype=w.dtype)
    diff = reshape(w, w.shape[:-1] + (1, n)) - reshape(w, w.shape + (1,))  # w_j - w_i
    return (1.0 - eye) / (diff + eye)


def _eigvalsh_vjp(g, ans, a, UPLO):
    v = _eigh_vectors(a, UPLO=UPLO)
    return matmul(v * reshape(g, g.shape[:-1] + (1, g.shape[-1])), _mT(v))  # V diag(g) V^T


def _eigvalsh_jvp(t, ans, a, UPLO):
    v = _eigh_vectors(a, UPLO=UPLO)
    return _sum(v * matmul(t, v), axis=-2)  # v_i^T t v_i = v_i^T sym(t) v_i


def _eigh_vectors_vjp(g, ans, a, UPLO):
    w = _eigvalsh(a, UPLO=UPLO)
    return _sym(matmul(matmul(ans, _eigh_F(w) * matmul(_mT(ans), g)), _mT(ans)))


def _eigh_vectors_jvp(t, ans, a, UPLO):
    w = _eigvalsh(a, UPLO=UPLO)
    return matmul(ans, _eigh_F(w) * matmul(matmul(_mT(ans), _sym(t)), ans))


_eigvalsh = Primitive("eigvalsh", lambda a, UPLO: np.linalg.eigvalsh(a, UPLO), save_ans=False,
                      register=True)
_eigvalsh.defvjp(_eigvalsh_vjp)
_eigvalsh.defjvp(_eigvalsh_jvp)
_eigh_vectors = Primitive("eigh_vectors", lambda a, UPLO: np.linalg.eigh(a, UPLO)[1],
                          register=True)
_eigh_vectors.defvjp(_eigh_vectors_vjp)
_eigh_vectors.defjvp(_eigh_vectors_jvp)


def eigh(a, UPLO="L"):
    """``numpy.linalg.eigh``: ``(eigenvalues, eigenvectors)`` of a symmetric matrix.

    Derivatives treat A as symmetric; eigenvector derivatives need distinct eigenvalues.
    Eigenvector signs are arbitrary, so differentiate sign-invariant quantities (v v^T, v**2).

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda a: np.linalg.eigh(a)[0][1])(np.diag([1.0, 3.0])).tolist()
        [[0.0, 0.0], [0.0, 1.0]]
    """
    if not isinstance(a, Tracer):
        return np.linalg.eigh(a, UPLO)
    return EighResult(_eigvalsh(a, UPLO=UPLO), _eigh_vectors(a, UPLO=UPLO))


def eigvalsh(a, UPLO="L"):
    """``numpy.linalg.eigvalsh``: gradient ``V diag(w_bar) V^T`` (A treated as symmetric)."""
    return _eigvalsh(a, UPLO=UPLO)


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
    a = _arr(a)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"matrix_power: expected a stack of square matrices, got a {describe(a)}")
    n = int(n)
    if n == 0:  # the identity: a constant
        return np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape).copy()
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
    x = _arr(x)
    if x.ndim < 2:
        raise ValueError(f"matrix_transpose: expected at least 2 dimensions, got a {describe(x)}")
    return _mT(x)


def vecdot(x1, x2, /, *, axis=-1):
    """``numpy.linalg.vecdot`` (real): ``sum(x1 * x2, axis)`` with broadcasting."""
    return _sum(_arr(x1) * _arr(x2), axis=axis)
