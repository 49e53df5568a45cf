"""``numpy.linalg.pinv`` and ``lstsq``: least squares through the pseudo-inverse.

The Moore-Penrose pseudo-inverse X = A^+ is differentiable where the rank of A is constant
(Golub & Pereyra 1973, "The differentiation of pseudo-inverses and nonlinear least squares
problems whose variables separate", eq. 4.12):

    dX = -X dA X + X X^T dA^T (I - A X) + (I - X A) dA^T X^T X

and the least-squares solution x = A^+ b follows by the product rule, with r = b - A x:

    dx = -X dA x + X X^T dA^T r + (I - X A) dA^T X^T x + X db

Both rules are written with the ``pinv`` primitive and matmul, so they differentiate again;
complex matrices use conjugate transposes (X^H for X^T).
Full-rank inputs (the usual case) are covered completely. For a rank-deficient A the formulas
are those of the constant-rank manifold: the singular values under the cutoff (``rcond``/
``rtol`` times the largest) must be zero to rounding, and a cutoff that discards larger ones
raises (that truncation's derivative is not implemented). A finite difference along a
direction that changes the rank has no limit (pinv is discontinuous there), so no derivative
can match it.
"""

from __future__ import annotations

import numpy as np

from chainrule.backend import device as device_of
from chainrule.backend import dtype_kind as kind
from chainrule.backend import foreign, namespace
from chainrule.backend import library as xp_of
from chainrule.jit.effects import guard
from chainrule.ops.conjugate import cj, mH, re
from chainrule.ops.decompositions import _seen
from chainrule.ops.matmul import _arr, _mT, matmul
from chainrule.ops.portable_c import hermitian_from_triangle, operand, real_dtype, refuse
from chainrule.ops.reduce import sum as _sum
from chainrule.ops.shape import reshape
from chainrule.ops.svd import _svd_values
from chainrule.primitive import Primitive
from chainrule.tracer import Tracer, plain_array, primal

LINALG_ALL = ["pinv", "lstsq"]

_NoValue = np._NoValue


def _pinv_impl(a, rcond, hermitian):
    xp = namespace(a)
    if xp is np:
        return np.linalg.pinv(a, rcond=rcond, hermitian=hermitian)
    return xp.linalg.pinv(a, rtol=rcond)


def _check_truncation(a, rcond, op: str) -> None:
    """Raise where the cutoff discards singular values that are not zero to rounding: the
    constant-rank formula would then be wrong (the discarded directions still move). Inside
    ``cr.jit`` a guard: the program checks on every call."""
    ap = primal(a)
    guard(_truncation_xp if foreign(ap) else _truncation, ap, rcond, op=op)


def _truncation(ap, rcond, op: str):
    """``ap`` (plain NumPy matrices) after ``_check_truncation``'s check."""
    ap = np.asarray(ap)
    s = np.linalg.svd(ap, compute_uv=False)
    if s.size == 0:
        return ap
    top = np.max(s, axis=-1, keepdims=True)
    cutoff = np.asarray(rcond)[..., None] * top
    rounding = 10 * max(ap.shape[-2:]) * np.finfo(s.dtype).eps * top
    dropped = (s <= cutoff) & (s > rounding)
    if np.any(dropped):
        raise np.linalg.LinAlgError(
            f"{op}: the cutoff (rcond/rtol = {rcond!r}) discards singular values that are not "
            f"zero (the largest dropped: {s[dropped].max()!r}, of a largest "
            f"{np.max(top)!r}); the derivative of that truncation is not implemented. Use a "
            "smaller rcond/rtol (the default keeps every value above rounding) or project "
            "onto the kept singular subspace with svd explicitly."
        )
    return ap


def _truncation_xp(ap, rcond, op: str):
    """``_truncation`` in the namespace of another library's matrices ``ap``."""
    xp = namespace(ap)
    s = xp.linalg.svdvals(ap)
    if s.size == 0:
        return ap
    top = xp.max(s, axis=-1, keepdims=True)
    rounding = 10 * max(ap.shape[-2:]) * xp.finfo(s.dtype).eps * top
    cutoff = (rcond if isinstance(rcond, float) else rcond[..., None]) * top
    if bool(xp.any((s <= cutoff) & (s > rounding))):
        raise np.linalg.LinAlgError(
            f"{op}: the cutoff (rcond/rtol = {rcond!r}) discards singular values that are not "
            "zero; the derivative of that truncation is not implemented. Use a smaller "
            "rcond/rtol (the default keeps every value above rounding) or project onto the "
            "kept singular subspace with svd explicitly."
        )
    return ap


# Complex A: conjugate transposes (^H), and the VJP in the standard gradient (ops/conjugate.py).
def _pinv_jvp(t, ans, a, rcond, hermitian):
    _check_truncation(a, rcond, "pinv")
    x, tt = ans, mH(t)
    first = -matmul(matmul(x, t), x)
    second = matmul(matmul(x, mH(x)), tt - matmul(tt, matmul(a, x)))
    third = matmul(tt - matmul(matmul(x, a), tt), matmul(mH(x), x))
    return first + second + third


def _pinv_vjp(g, ans, a, rcond, hermitian):
    _check_truncation(a, rcond, "pinv")
    x, g = ans, cj(g)
    gt = mH(g)
    first = -matmul(matmul(mH(x), g), mH(x))
    u = matmul(gt, matmul(x, mH(x)))
    v = matmul(matmul(mH(x), x), gt)
    return cj(first + (u - matmul(matmul(a, x), u)) + (v - matmul(v, matmul(x, a))))


_pinv = Primitive("pinv", _pinv_impl, register=True, portable=True)
_pinv.defvjp(_pinv_vjp)
_pinv.defjvp(_pinv_jvp)


def _resolve_rcond(a, rcond, rtol):
    """NumPy 2's rule for pinv's cutoff, as one ``rcond`` value."""
    if rcond is None:
        if rtol is _NoValue:
            return 1e-15
        if rtol is None:
            if foreign(a):
                return max(a.shape[-2:]) * xp_of(a).finfo(a.dtype).eps
            return max(a.shape[-2:]) * np.finfo(a.dtype).eps
        return rtol
    if rtol is not _NoValue:
        raise ValueError("`rtol` and `rcond` can't be both set.")
    return rcond


def pinv(a, rcond=None, hermitian=False, *, rtol=_NoValue):
    """``numpy.linalg.pinv``, batched; derivative where the rank is constant (Golub-Pereyra).

    ``hermitian=True`` reads the lower triangle only (as NumPy's ``eigh`` does), and the
    derivative is that of A -> pinv(tril(A) + tril(A, -1)^T).

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda a: np.linalg.pinv(a)[0, 0])(np.array([[2.0, 0.0]])).tolist()
        [[-0.25, 0.0]]
    """
    if not isinstance(a, Tracer) and not foreign(a):
        return np.linalg.pinv(a, rcond=rcond, hermitian=hermitian, rtol=rtol)
    a = operand(a)
    if a.ndim < 2:
        raise np.linalg.LinAlgError(
            f"{a.ndim}-dimensional array given. Array must be at least two-dimensional (pinv)")
    if kind(a) not in "fc":
        a = a.astype(float)
    rcond = _resolve_rcond(a, rcond, rtol)
    if np.ndim(rcond) == 0:
        rcond = float(rcond)
    elif foreign(a):  # the Array API pinv takes one rtol per matrix: a float or an array
        rcond = xp_of(a).asarray(rcond, dtype=real_dtype(xp_of(a), a.dtype),
                                 device=device_of(a))
    if hermitian:  # the triangle NumPy's eigh reads (a plain array: built in its namespace)
        a = _seen(a, True) if isinstance(a, Tracer) or not foreign(a) else \
            hermitian_from_triangle(namespace(a), a, True)
    return _pinv(a, rcond=rcond, hermitian=bool(hermitian))


# --- lstsq --------------------------------------------------------------------------------
def _lstsq_impl(a, b, rcond):
    return np.linalg.lstsq(a, b, rcond=rcond)[0]  # NumPy only: not in the Array API


def _lstsq_parts(ans, a, b, rcond):
    _check_truncation(a, rcond, "lstsq")
    x = _pinv(a, rcond=rcond, hermitian=False)
    return x, b - matmul(a, ans)


def _lstsq_vjp_a(g, ans, a, b, rcond):
    x, r = _lstsq_parts(ans, a, b, rcond)
    g = cj(g)
    gt = mH(g)
    first = -matmul(matmul(mH(x), g), mH(ans))
    second = matmul(r, matmul(gt, matmul(x, mH(x))))
    third = matmul(matmul(mH(x), ans), gt - matmul(matmul(gt, x), a))
    return cj(first + second + third)


def _lstsq_jvp_a(t, ans, a, b, rcond):
    x, r = _lstsq_parts(ans, a, b, rcond)
    tt = mH(t)
    w = matmul(tt, matmul(mH(x), ans))
    return (-matmul(x, matmul(t, ans)) + matmul(x, matmul(mH(x), matmul(tt, r)))
            + w - matmul(x, matmul(a, w)))


_lstsq = Primitive("lstsq", _lstsq_impl, register=True)
_lstsq.defvjp(_lstsq_vjp_a,
              lambda g, ans, a, b, rcond: matmul(_mT(_pinv(a, rcond=rcond, hermitian=False)), g))
_lstsq.defjvp(_lstsq_jvp_a,
              lambda t, ans, a, b, rcond: matmul(_pinv(a, rcond=rcond, hermitian=False), t))


def lstsq(a, b, rcond=None):
    """``numpy.linalg.lstsq``: ``(x, residuals, rank, s)`` for a 2-D ``a``.

    ``x``, ``residuals`` and ``s`` are differentiable (see the module docstring: exact for full
    column rank, the constant-rank derivative otherwise); ``rank`` is an integer constant.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> a, b = np.array([[1.0], [1.0]]), np.array([1.0, 3.0])
        >>> np.round(cr.grad(lambda b: np.linalg.lstsq(a, b)[0][0])(b), 12).tolist()  # mean
        [0.5, 0.5]
    """
    refuse("numpy.linalg.lstsq", a, b)  # not in the Array API standard
    if not (isinstance(a, Tracer) or isinstance(b, Tracer)):
        return np.linalg.lstsq(a, b, rcond=rcond)
    a, b = _arr(a), _arr(b)
    exact = np.linalg.lstsq(plain_array(a), plain_array(b), rcond=rcond)
    _, res, rank, s_exact = exact  # also NumPy's checks of the shapes
    m, n = a.shape
    if rcond is None:
        rcond = float(np.finfo(np.result_type(primal(a), primal(b), 1.0)).eps * max(m, n))
    is_1d = b.ndim == 1
    b2 = reshape(b, (m, 1)) if is_1d else b
    if a.dtype.kind not in "fc":
        a = a.astype(b2.dtype if b2.dtype.kind in "fc" else float)
    x = _lstsq(a, b2, rcond=float(rcond))
    if rank == n and m > n:
        r = b2 - matmul(a, x)
        ss = _sum(re(cj(r) * r), axis=0)
        res = ss + (res - plain_array(ss))  # NumPy's rounding, the composed derivative
    s = _svd_values(a, hermitian=False)
    s = s + (s_exact - plain_array(s))
    return (reshape(x, (n,)) if is_1d else x), res, rank, s
