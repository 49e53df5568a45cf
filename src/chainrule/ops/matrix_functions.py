"""Matrix functions and the Sylvester equation: SciPy's ``expm``, ``logm``, ``sqrtm``,
``solve_sylvester`` and ``block_diag`` (the optional ``scipy`` extra).

The derivative of a primary matrix function f at A in the direction E is its Frechet derivative
L_f(A, E), which is the upper-right block of f applied to a block triangular matrix (Najfeld &
Havel 1995 for expm; Higham 2008, "Functions of Matrices", theorem 3.6, for any f):

    f([[A, E], [0, A]]) = [[f(A), L_f(A, E)], [0, f(A)]]

and its adjoint in the trace inner product is L_f(A^T, .) (Higham 2008, section 3.2), so

    JVP: L_f(A, dA)          VJP: A_bar = L_f(A^T, F_bar)

``expm`` and ``logm`` use this trick with themselves, so their rules are differentiable again.
E is scaled to the size of A first (the map is linear in E; Higham's advice, it keeps the
block well scaled). ``sqrtm`` uses the Sylvester equation X dX + dX X = dA instead, and
``solve_sylvester`` (A X + X B = Q) differentiates into another Sylvester equation:

    A dX + dX B = dQ - dA X - X dB,   Q_bar = sylv(A^T, B^T, X_bar),
    A_bar = -Q_bar X^T,   B_bar = -X^T Q_bar.

SciPy is NumPy-only, so the implementations call ``scipy.linalg`` directly. All four accept
stacks of matrices (..., M, M), as SciPy does, and refuse other libraries' arrays with
``BackendError`` (the Array API standard has no matrix functions); ``block_diag`` is composed
and runs in the arrays' namespace.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import scipy.linalg as sla

from chainrule.backend import device, foreign
from chainrule.backend import library as xp_of
from chainrule.describe import describe
from chainrule.ops.join import atleast_2d, concatenate
from chainrule.ops.matmul import _arr, _mT, matmul
from chainrule.ops.portable_c import refuse
from chainrule.primitive import Primitive
from chainrule.tracer import Tracer, primal


def _frechet(f: Primitive, a, e):
    """L_f(A, E): the upper-right block of f([[A, E], [0, A]])."""
    n = a.shape[-1]
    size_e = float(np.max(np.abs(primal(e)), initial=0.0))
    scale = max(float(np.max(np.abs(primal(a)), initial=0.0)), 1.0) / size_e if size_e else 1.0
    zeros = np.zeros(a.shape, dtype=np.result_type(primal(a), primal(e)))
    top = concatenate([a, e * scale], axis=-1)
    bottom = concatenate([zeros, a], axis=-1)
    block = f(concatenate([top, bottom], axis=-2))
    return block[..., :n, n:] * (1.0 / scale)


def _square(name: str, a) -> None:
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"{name}: expected a stack of square matrices (..., M, M), got a "
                         f"{describe(a)}")


def _nonsingular(name: str, matrix, values, what: str, tol: float) -> None:
    """Raise where the eigenvalue terms that the derivative divides by vanish (relative to the
    largest one of the same matrix, ``values`` shaped (..., k) per matrix of the stack)."""
    v = np.abs(primal(values))
    big, small = np.max(v, axis=-1), np.min(v, axis=-1)
    if np.any(small <= tol * big) or not np.all(big > 0):
        worst = float(np.min(small / np.where(big > 0, big, 1.0)))
        raise ValueError(
            f"{name}: the {describe(matrix)} is singular or nearly so ({what}; relative size "
            f"{worst:.1e}), where the matrix function has no derivative. Shift it away from "
            "singularity (e.g. A + eps I) or stop the gradient through it.")


# --- expm ---------------------------------------------------------------------------------
_expm = Primitive("expm", lambda a: sla.expm(a), save_ans=False, register=True)
_expm.defvjp(lambda g, ans, a: _frechet(_expm, _mT(a), g))
_expm.defjvp(lambda t, ans, a: _frechet(_expm, a, t))


def expm(A):
    """``scipy.linalg.expm``: the matrix exponential; derivatives by the block-matrix trick.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> from chainrule.scipy.linalg import expm
        >>> a = np.array([[0.0, 1.0], [0.0, 0.0]])
        >>> cr.jvp(expm, (a,), (np.eye(2),))[1].tolist()   # d/ds expm(a + s I) = expm(a)
        [[1.0, 1.0], [0.0, 1.0]]
    """
    refuse("scipy.linalg.expm", A)  # SciPy's algorithm: NumPy arrays only
    if not isinstance(A, Tracer):
        return sla.expm(A)
    _square("expm", A)
    return _expm(A)


# --- logm ---------------------------------------------------------------------------------
def _logm_impl(a):
    # SciPy returns float64, or complex128 with rounding-noise imaginary parts, for float32
    # input; computing in float64 gives the float64 result SciPy means, real where it is real.
    if a.dtype.kind == "f" and a.dtype.itemsize < 8:
        a = a.astype(np.float64)
    return sla.logm(a)


def _logm_check(a) -> None:
    n = a.shape[-1]
    eps = np.finfo(np.result_type(primal(a), np.float32)).eps
    _nonsingular("logm", a, np.linalg.eigvals(primal(a)), "an eigenvalue near zero",
                 100 * n * eps)


def _logm_vjp(g, ans, a):
    _logm_check(a)
    a_bar = _frechet(_logm, _mT(a), g)
    # SciPy's logm returns float64 (or complex128) for float32 input; the cotangent of a
    # float32 input stays float32 (a complex one is left to the engine, which keeps its real
    # part for a real input).
    if a_bar.dtype.kind == "f" and a_bar.dtype != a.dtype:
        a_bar = a_bar.astype(a.dtype)
    return a_bar


def _logm_jvp(t, ans, a):
    _logm_check(a)
    return _frechet(_logm, a, t)


_logm = Primitive("logm", _logm_impl, save_ans=False, register=True)
_logm.defvjp(_logm_vjp)
_logm.defjvp(_logm_jvp)


def logm(A, disp=True):
    """``scipy.linalg.logm``: the principal matrix logarithm; derivatives by the block trick.
    Singular matrices (no logarithm) raise when differentiated. ``disp=False`` (SciPy's error
    estimate) is not supported on traced values. Traced float32 input is computed in float64
    (SciPy gives float64 or complex128 for it too) and the result is float64.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> from chainrule.scipy.linalg import logm
        >>> cr.grad(lambda a: logm(a).sum())(np.diag([2.0, 4.0])).round(6).tolist()
        [[0.5, 0.346574], [0.346574, 0.25]]
    """
    refuse("scipy.linalg.logm", A)  # SciPy's algorithm: NumPy arrays only
    if not isinstance(A, Tracer):
        return sla.logm(A) if disp else sla.logm(A, disp=False)
    if not disp:
        raise TypeError("logm(..., disp=False) returns SciPy's error estimate, which has no "
                        "derivative; call logm(A) on traced values")
    _square("logm", A)
    return _logm(A)


# --- sqrtm --------------------------------------------------------------------------------
def _sylvester_check(x) -> None:
    # X = sqrtm(A) of a singular A has eigenvalues of size sqrt(eps |A|), hence sqrt(eps)
    w = np.linalg.eigvals(primal(x))
    n = x.shape[-1]
    sums = (w[..., :, None] + w[..., None, :]).reshape(w.shape[:-1] + (n * n,))
    eps = np.finfo(np.result_type(primal(x), np.float32)).eps
    _nonsingular("sqrtm", x, sums, "two eigenvalues of sqrtm(A) summing to zero, e.g. a zero "
                 "eigenvalue of A", 10 * n * np.sqrt(eps))


def _sqrtm_vjp(g, ans, a):
    _sylvester_check(ans)
    xt = _mT(ans)
    return _solve_sylvester(xt, xt, g)


def _sqrtm_jvp(t, ans, a):
    _sylvester_check(ans)
    return _solve_sylvester(ans, ans, t)  # X dX + dX X = dA


_sqrtm = Primitive("sqrtm", lambda a: sla.sqrtm(a), save_args=False, register=True)
_sqrtm.defvjp(_sqrtm_vjp)
_sqrtm.defjvp(_sqrtm_jvp)


def sqrtm(A):
    """``scipy.linalg.sqrtm``: the principal square root X (X @ X = A); its derivative solves
    X dX + dX X = dA. Singular matrices raise when differentiated (the derivative is infinite).

    Example:
        >>> import chainrule as cr, numpy as np
        >>> from chainrule.scipy.linalg import sqrtm
        >>> cr.grad(lambda a: sqrtm(a)[0, 0])(np.diag([4.0, 9.0])).tolist()
        [[0.25, 0.0], [0.0, 0.0]]
    """
    refuse("scipy.linalg.sqrtm", A)  # SciPy's algorithm: NumPy arrays only
    if not isinstance(A, Tracer):
        return sla.sqrtm(A)
    _square("sqrtm", A)
    return _sqrtm(A)


# --- solve_sylvester ----------------------------------------------------------------------
def _sylv_q_bar(g, a, b):
    return _solve_sylvester(_mT(a), _mT(b), g)


_solve_sylvester = Primitive("solve_sylvester", lambda a, b, q: sla.solve_sylvester(a, b, q),
                             register=True)
_solve_sylvester.defvjp(
    lambda g, ans, a, b, q: -matmul(_sylv_q_bar(g, a, b), _mT(ans)),
    lambda g, ans, a, b, q: -matmul(_mT(ans), _sylv_q_bar(g, a, b)),
    lambda g, ans, a, b, q: _sylv_q_bar(g, a, b),
)
_solve_sylvester.defjvp(
    lambda t, ans, a, b, q: _solve_sylvester(a, b, -matmul(t, ans)),
    lambda t, ans, a, b, q: _solve_sylvester(a, b, -matmul(ans, t)),
    lambda t, ans, a, b, q: _solve_sylvester(a, b, t),
)


def solve_sylvester(a, b, q):
    """``scipy.linalg.solve_sylvester``: X with A X + X B = Q (A and -B sharing no
    eigenvalue); its derivatives solve Sylvester equations again.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> from chainrule.scipy.linalg import solve_sylvester
        >>> a, b = np.array([[1.0]]), np.array([[3.0]])
        >>> cr.grad(lambda q: solve_sylvester(a, b, q).sum())(np.ones((1, 1))).tolist()
        [[0.25]]
    """
    refuse("scipy.linalg.solve_sylvester", a, b, q)
    if not any(isinstance(x, Tracer) for x in (a, b, q)):
        return sla.solve_sylvester(a, b, q)
    a, b, q = _arr(a), _arr(b), _arr(q)
    _square("solve_sylvester", a)
    _square("solve_sylvester", b)
    if q.ndim < 2 or q.shape[-2:] != (a.shape[-1], b.shape[-1]):
        raise ValueError(f"solve_sylvester: q must be (..., M, N) for a (..., M, M) and b "
                         f"(..., N, N); got a {describe(a)}, b {describe(b)}, q {describe(q)}")
    return _solve_sylvester(a, b, q)


# --- block_diag ---------------------------------------------------------------------------
def block_diag(*arrs):
    """``scipy.linalg.block_diag``: the arrays (0-D and 1-D ones as rows, as in SciPy) on the
    diagonal of a zero matrix; composed from concatenate, so each block gets its cotangent.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> from chainrule.scipy.linalg import block_diag
        >>> cr.grad(lambda x: (block_diag(x, 2 * x) ** 2).sum())(np.ones((1, 1))).tolist()
        [[10.0]]
    """
    if not any(isinstance(a, Tracer) or foreign(a) for a in arrs):
        return sla.block_diag(*arrs)
    blocks = [atleast_2d(a if foreign(a) else _arr(a)) for a in arrs]
    bad = [i for i, b in enumerate(blocks) if b.ndim > 2]
    if bad:
        raise ValueError(f"block_diag: arguments in positions {bad} have more than 2 "
                         "dimensions")
    if any(foreign(b) for b in blocks):  # zeros in the blocks' namespace
        xp = xp_of(*blocks)
        dtype = xp.result_type(*(primal(b) for b in blocks))
        zeros = partial(xp.zeros, device=device(next(b for b in blocks if foreign(b))))
    else:
        dtype, zeros = np.result_type(*(primal(b) for b in blocks)), np.zeros
    widths = [b.shape[1] for b in blocks]
    total, rows, left = sum(widths), [], 0
    for b, w in zip(blocks, widths, strict=True):
        r = b.shape[0]
        rows.append(concatenate([zeros((r, left), dtype=dtype), b,
                                 zeros((r, total - left - w), dtype=dtype)], axis=1))
        left += w
    return concatenate(rows, axis=0)
