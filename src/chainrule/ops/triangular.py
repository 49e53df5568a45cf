"""Triangular solves and the factorizations built on them: SciPy's ``solve_triangular``,
``cho_factor`` / ``cho_solve`` and ``lu_factor`` / ``lu_solve`` (the optional ``scipy`` extra).

One primitive carries the solves: ``solve_triangular``. For X = op(T)^-1 B, with T the triangle
of ``a`` that LAPACK reads (its diagonal taken as ones with ``unit_diagonal``) and op the
identity, the transpose or the conjugate transpose (Giles 2008, section 2.2.3):

    dX = op(T)^-1 (dB - op(dT) X),   B_bar = op(T)^-T X_bar,   op(T)_bar = -B_bar X^T

and the derivative of ``a`` is masked to the triangle read, so entries LAPACK never reads get a
zero derivative (they do not change the result). ``cho_solve`` and ``lu_solve`` are two such
solves, ``cho_factor`` is ``numpy.linalg.cholesky`` of the symmetric matrix built from the read
triangle. ``lu_factor`` is a primitive of its own: with P^T A = L U (pivots constant),

    F = L^-1 P^T dA U^-1,   d(LU) = L stril(F) + triu(F) U         (packed: dL + dU)
    A_bar = P L^-T (stril(L^T L_bar) + triu(U_bar U^T)) U^-T

(the LU analogue of Murray 2016's Cholesky rule; L_bar = stril(LU_bar), U_bar = triu(LU_bar));
rectangular matrices extend it by the extra rows or columns (see ``_lu_jvp``). Every rule
calls these functions again, so second derivatives work in both modes.
SciPy is NumPy-only, so the implementations call ``scipy.linalg`` directly, and the solvers
refuse other libraries' arrays with ``BackendError`` (the Array API standard has no triangular
solve nor LU); ``cho_factor`` is composed of ``cholesky`` and runs in the arrays' namespace.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla

from chainrule.backend import dtype_kind as kind
from chainrule.backend import foreign
from chainrule.describe import describe
from chainrule.jit.staging import stage
from chainrule.ops.complex import conj as _conj
from chainrule.ops.decompositions import cholesky
from chainrule.ops.indexing import take_along_axis
from chainrule.ops.join import concatenate
from chainrule.ops.linalg import tril, triu
from chainrule.ops.matmul import _arr, _mT, matmul
from chainrule.ops.portable_c import refuse
from chainrule.ops.shape import broadcast_to, reshape
from chainrule.primitive import NoDerivativeError, Primitive
from chainrule.tracer import Tracer, primal

_TRANS = {0: 0, "N": 0, "n": 0, 1: 1, "T": 1, "t": 1, 2: 2, "C": 2, "c": 2}


def _mask(x, lower: bool, unit_diagonal: bool):
    """The triangle of the last two axes that LAPACK reads (strict with a unit diagonal)."""
    n = x.shape[-1]
    k = -1 if unit_diagonal else 0
    m = np.tri(n, n, k, dtype=bool) if lower else ~np.tri(n, n, -k - 1, dtype=bool)
    return x * m.astype(x.dtype)


def _op(m, trans: int):
    """op(M): M, M^T or M^H."""
    if trans == 0:
        return m
    return _mT(_conj(m) if trans == 2 else m)


def _op_adjoint(a, trans: int):
    """(a, trans') with op'(T) = op(T)^T (the plain transpose, chainrule's complex rule)."""
    if trans == 0:
        return a, 1
    if trans == 2 and np.iscomplexobj(primal(a)):
        return _conj(a), 0
    return a, 0


def _st_impl(a, b, trans, lower, unit_diagonal):
    return sla.solve_triangular(a, b, trans=trans, lower=lower, unit_diagonal=unit_diagonal)


def _st_vjp_a(g, ans, a, b, trans, lower, unit_diagonal):
    a2, t2 = _op_adjoint(a, trans)
    b_bar = _solve_triangular(a2, g, trans=t2, lower=lower, unit_diagonal=unit_diagonal)
    op_bar = -matmul(b_bar, _mT(ans))  # the cotangent of op(T)
    t_bar = _op(op_bar, trans)  # op's own adjoint: M, M^T or conj(M^T)
    return _mask(t_bar, lower, unit_diagonal)


def _st_vjp_b(g, ans, a, b, trans, lower, unit_diagonal):
    a2, t2 = _op_adjoint(a, trans)
    return _solve_triangular(a2, g, trans=t2, lower=lower, unit_diagonal=unit_diagonal)


def _st_jvp_a(t, ans, a, b, trans, lower, unit_diagonal):
    rhs = matmul(_op(_mask(t, lower, unit_diagonal), trans), ans)
    return -_solve_triangular(a, rhs, trans=trans, lower=lower, unit_diagonal=unit_diagonal)


def _st_jvp_b(t, ans, a, b, trans, lower, unit_diagonal):
    return _solve_triangular(a, t, trans=trans, lower=lower, unit_diagonal=unit_diagonal)


_solve_triangular = Primitive("solve_triangular", _st_impl, register=True)
_solve_triangular.defvjp(_st_vjp_a, _st_vjp_b)
_solve_triangular.defjvp(_st_jvp_a, _st_jvp_b)


def solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False,
                     check_finite=True):
    """``scipy.linalg.solve_triangular``: x with op(T) x = b, T the lower or upper triangle of
    ``a``. ``b`` is one vector (M,) or a stack of matrices (..., M, K), batch axes broadcast
    against ``a``'s. Only the triangle read (without the diagonal when ``unit_diagonal``) gets
    a derivative.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> from chainrule.scipy.linalg import solve_triangular
        >>> a = np.array([[2.0, 0.0], [1.0, 4.0]])
        >>> cr.grad(lambda b: solve_triangular(a, b, lower=True).sum())(np.ones(2)).tolist()
        [0.375, 0.25]
    """
    if trans not in _TRANS:
        raise ValueError(f"solve_triangular: trans must be 0, 1, 2, 'N', 'T' or 'C', got "
                         f"{trans!r}")
    refuse("scipy.linalg.solve_triangular", a, b)  # not in the Array API standard
    if not (isinstance(a, Tracer) or isinstance(b, Tracer)):
        return sla.solve_triangular(a, b, trans=trans, lower=lower, unit_diagonal=unit_diagonal,
                                    overwrite_b=overwrite_b, check_finite=check_finite)
    a, b = _arr(a), _arr(b)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2] or b.ndim < 1 or b.shape[-1 if b.ndim == 1
                                                                          else -2] != a.shape[-1]:
        raise ValueError(f"solve_triangular: expected a square matrix (..., M, M) and b (M,) or "
                         f"(..., M, K), got a {describe(a)} and a {describe(b)}")
    params = {"trans": _TRANS[trans], "lower": bool(lower), "unit_diagonal": bool(unit_diagonal)}
    if b.ndim == 1:
        x = _solve_triangular(a, reshape(b, (b.shape[0], 1)), **params)
        return reshape(x, x.shape[:-1])
    return _solve_triangular(a, b, **params)


# --- Cholesky -----------------------------------------------------------------------------
def _square(name: str, a) -> None:
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(f"{name}: SciPy factors one square matrix (M, M); got a {describe(a)}")


def cho_factor(a, lower=False, overwrite_a=False, check_finite=True):
    """``scipy.linalg.cho_factor``: ``(c, lower)``, the Cholesky factor in one triangle of c.

    Real matrices only on traced values (complex Hermitian ones raise ``NoDerivativeError``).
    Only the triangle of ``a`` that LAPACK reads matters: the factor is that of the symmetric
    matrix built from it, and its derivative is exact in every direction of ``a``. SciPy calls
    the other triangle of c unspecified; LAPACK leaves it as ``a``'s entries, and on traced
    values it is defined to be exactly those (so its derivative is the identity on them, and
    ``cho_solve`` never reads it).

    Example:
        >>> import chainrule as cr, numpy as np
        >>> from chainrule.scipy.linalg import cho_factor
        >>> cr.grad(lambda a: cho_factor(a)[0][0, 0])(np.array([[4.0, 1.0], [1.0, 2.0]]))
        array([[0.25, 0.  ],
               [0.  , 0.  ]])
    """
    if not isinstance(a, Tracer) and not foreign(a):
        return sla.cho_factor(a, lower=lower, overwrite_a=overwrite_a, check_finite=check_finite)
    _square("cho_factor", a)
    if kind(a) == "c" if foreign(a) else np.iscomplexobj(primal(a)):
        raise NoDerivativeError(
            f"cho_factor: the Cholesky factor of a complex Hermitian matrix ({describe(a)}) "
            "has no derivative rule in chainrule yet; factor it with cr.stop_gradient(a) (its "
            "cho_solve stays differentiable in the factor and b), or use a real matrix.")
    if lower:
        factor = cholesky(tril(a) + _mT(tril(a, -1)))
        return factor + triu(a, 1), True
    factor = cholesky(triu(a) + _mT(triu(a, 1)), upper=True)
    return factor + tril(a, -1), False


def cho_solve(c_and_lower, b, overwrite_b=False, check_finite=True):
    """``scipy.linalg.cho_solve``: x with A x = b from ``cho_factor``'s ``(c, lower)``;
    differentiable in the triangle of c it reads and in b.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> from chainrule.scipy.linalg import cho_factor, cho_solve
        >>> f = lambda b: cho_solve(cho_factor(np.diag([4.0, 16.0])), b).sum()
        >>> cr.grad(f)(np.ones(2)).tolist()
        [0.25, 0.0625]
    """
    c, lower = c_and_lower
    refuse("scipy.linalg.cho_solve", c, b)  # triangular solves: not in the standard
    if not (isinstance(c, Tracer) or isinstance(b, Tracer)):
        return sla.cho_solve((c, lower), b, overwrite_b=overwrite_b, check_finite=check_finite)
    b = _arr(b)
    if b.ndim == 1:  # one vector: a column for both solves (a stack of c broadcasts over it)
        x = cho_solve((c, lower), reshape(b, (b.shape[0], 1)))
        return reshape(x, x.shape[:-1])
    if lower:  # A = L L^H
        return solve_triangular(c, solve_triangular(c, b, lower=True), trans=2, lower=True)
    return solve_triangular(c, solve_triangular(c, b, trans=2), lower=False)  # A = U^H U


# --- LU -----------------------------------------------------------------------------------
def _permutation(piv, m: int | None = None) -> np.ndarray:
    """perm with P^T A = A[perm]: LAPACK's row interchanges i <-> piv[i], applied in order to
    the m rows (m = len(piv) for a square matrix)."""
    perm = np.arange(len(piv) if m is None else m)
    for i, p in enumerate(piv):
        perm[i], perm[p] = perm[p], perm[i]
    return perm


def _pivots(a) -> np.ndarray:
    """LAPACK's pivots of ``a``'s LU factorization (a constant); inside ``cr.jit`` an
    instruction computing them on every call."""
    p = primal(a)
    if getattr(p, "_jit_value", False):
        return stage(_numpy_pivots, (p,), {})
    return _numpy_pivots(p)


def _numpy_pivots(a: np.ndarray) -> np.ndarray:
    return sla.lu_factor(a, check_finite=False)[1]


def _row_order(a, m: int) -> np.ndarray:
    """perm with P^T A = A[perm] for ``a``'s LU factorization; staged inside ``cr.jit`` (an
    index the program computes on every call: ``jit/hoisting.py``)."""
    piv = _pivots(a)
    if getattr(piv, "_jit_value", False):
        return stage(_permutation, (piv, m), {})
    return _permutation(piv, m)


def _unit_lower(lu):
    return tril(lu, -1) + np.eye(lu.shape[-1], dtype=lu.dtype)


def _right_solve_upper(m, lu):
    """M U^-1 = (U^-T M^T)^T."""
    return _mT(_solve_triangular(lu, _mT(m), trans=1, lower=False, unit_diagonal=False))


def _lower_solve(lu, m, trans=0):
    """L^-1 M (trans=1: L^-T M) with L the unit lower triangle of the square ``lu``."""
    return _solve_triangular(lu, m, trans=trans, lower=True, unit_diagonal=True)


# Rectangular A (M, N), K = min(M, N): the leading K x K block A1 = L1 U1 is the square case;
# a tall A (M > N) adds rows A2 = L2 U, so dL2 = (dA2 - L2 dU) U^-1; a wide one adds columns
# A2 = L U2, so dU2 = L^-1 (dA2 - dL U2).
def _lu_jvp(t, ans, a):
    m, n = ans.shape
    k = min(m, n)
    sq, dA = ans[:k, :k], t[_row_order(a, m)]
    f = _right_solve_upper(_lower_solve(sq, dA[:k, :k]), sq)  # F = L1^-1 dA1 U1^-1
    d = matmul(_unit_lower(sq), tril(f, -1)) + matmul(triu(f), triu(sq))
    if m > n:
        rows = _right_solve_upper(dA[k:], sq) - matmul(ans[k:], triu(f))
        return concatenate([d, rows], axis=0)
    if m < n:
        cols = _lower_solve(sq, dA[:, k:]) - matmul(tril(f, -1), ans[:, k:])
        return concatenate([d, cols], axis=1)
    return d


def _lu_vjp(g, ans, a):
    m, n = ans.shape
    k = min(m, n)
    sq, g1 = ans[:k, :k], g[:k, :k]
    h = tril(matmul(_mT(_unit_lower(sq)), tril(g1, -1)), -1) + triu(matmul(triu(g1),
                                                                           _mT(triu(sq))))
    if m > n:  # L2_bar = G2: A2_bar = G2 U^-T, and -triu(L2^T G2) joins F's cotangent
        h = h - triu(matmul(_mT(ans[k:]), g[k:]))
        extra = _mT(_solve_triangular(sq, _mT(g[k:]), trans=0, lower=False,
                                      unit_diagonal=False))
    elif m < n:  # U2_bar = G2: A2_bar = L^-T G2, and -stril(G2 U2^T) joins F's cotangent
        h = h - tril(matmul(g[:, k:], _mT(ans[:, k:])), -1)
        extra = _lower_solve(sq, g[:, k:], trans=1)
    h = _lower_solve(sq, h, trans=1)  # L1^-T H
    a_bar = _mT(_solve_triangular(sq, _mT(h), trans=0, lower=False, unit_diagonal=False))
    if m != n:
        a_bar = concatenate([a_bar, extra], axis=0 if m > n else 1)
    return a_bar[np.argsort(_row_order(a, m))]  # A_bar = P A'_bar


_lu_factor = Primitive("lu_factor", lambda a: sla.lu_factor(a)[0], register=True)
_lu_factor.defvjp(_lu_vjp)
_lu_factor.defjvp(_lu_jvp)


def lu_factor(a, overwrite_a=False, check_finite=True):
    """``scipy.linalg.lu_factor``: ``(lu, piv)`` with A = P L U packed in ``lu``.

    The pivots are piecewise constant and carry no derivative; ``lu`` is differentiable where
    the leading min(M, N) block of the pivoted A is invertible (rectangular A too).

    Example:
        >>> import chainrule as cr, numpy as np
        >>> from chainrule.scipy.linalg import lu_factor
        >>> cr.grad(lambda a: lu_factor(a)[0][1, 1])(np.array([[2.0, 1.0], [1.0, 3.0]])).tolist()
        [[0.25, -0.5], [-0.5, 1.0]]
    """
    refuse("scipy.linalg.lu_factor", a)  # not in the Array API standard
    if not isinstance(a, Tracer):
        return sla.lu_factor(a, overwrite_a=overwrite_a, check_finite=check_finite)
    if a.ndim != 2:
        raise ValueError(f"lu_factor: SciPy factors one matrix (M, N); got a {describe(a)}")
    return _lu_factor(a), _pivots(a)


def _rows(b, perm):
    """b[..., perm, :] for a stack of matrices b and one permutation per matrix of ``perm``."""
    if perm.ndim == 1:
        return b[..., perm, :]
    batch = np.broadcast_shapes(b.shape[:-2], perm.shape[:-1])
    b = broadcast_to(b, batch + b.shape[-2:])
    index = np.broadcast_to(perm[..., :, None], batch + (perm.shape[-1], b.shape[-1]))
    return take_along_axis(b, index, axis=-2)


def lu_solve(lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    """``scipy.linalg.lu_solve``: x with op(A) x = b from ``lu_factor``'s ``(lu, piv)``;
    differentiable in the packed ``lu`` (each triangle as read) and in b. As in SciPy, ``lu``
    may be a stack (..., M, M) with pivots (..., M), and ``b`` is one vector (M,) or a stack of
    matrices (..., M, K).

    Example:
        >>> import chainrule as cr, numpy as np
        >>> from chainrule.scipy.linalg import lu_factor, lu_solve
        >>> f = lambda b: lu_solve(lu_factor(np.diag([4.0, 2.0])), b).sum()
        >>> cr.grad(f)(np.ones(2)).tolist()
        [0.25, 0.5]
    """
    lu, piv = lu_and_piv
    if trans not in (0, 1, 2):  # SciPy's lu_solve takes no letters
        raise ValueError(f"lu_solve: trans must be 0, 1 or 2, got {trans!r}")
    refuse("scipy.linalg.lu_solve", lu, b)  # not in the Array API standard
    if not (isinstance(lu, Tracer) or isinstance(b, Tracer)):
        return sla.lu_solve((lu, piv), b, trans=trans, overwrite_b=overwrite_b,
                            check_finite=check_finite)
    lu, b, piv = _arr(lu), _arr(b), np.asarray(piv)
    m = lu.shape[-1]
    if (lu.ndim < 2 or lu.shape[-2] != m or piv.shape != lu.shape[:-1] or b.ndim < 1
            or b.shape[-1 if b.ndim == 1 else -2] != m):
        raise ValueError(f"lu_solve: expected lu (..., M, M), piv (..., M) and b (M,) or "
                         f"(..., M, K); got lu a {describe(lu)}, piv of shape {piv.shape} and "
                         f"b a {describe(b)}")
    if b.ndim == 1:
        x = lu_solve((lu, piv), reshape(b, (m, 1)), trans=trans)
        return reshape(x, x.shape[:-1])
    perm = np.apply_along_axis(_permutation, -1, piv) if piv.size else piv
    if trans == 0:  # L U x = P^T b
        y = solve_triangular(lu, _rows(b, perm), lower=True, unit_diagonal=True)
        return solve_triangular(lu, y, lower=False)
    # op(A) = U^T L^T P^T (transposes conjugated for trans=2)
    y = solve_triangular(lu, b, trans=trans, lower=False)
    y = solve_triangular(lu, y, trans=trans, lower=True, unit_diagonal=True)
    return _rows(y, np.argsort(perm, axis=-1))
