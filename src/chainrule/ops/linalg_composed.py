"""``numpy.linalg`` functions composed from the primitives: no rules of their own.

``cond`` (every order p), ``tensorsolve``, ``tensorinv``, ``matrix_norm``, ``vector_norm``
(NumPy 2 / Array API spellings of ``norm``) and ``matrix_rank`` (an integer: a constant). Each
follows NumPy's own formula step by step, so the values are NumPy's and the derivatives are
those of the pieces (svd, inv, solve, norm, reshape, transpose).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from chainrule.backend import BackendError
from chainrule.backend import dtype_kind as kind
from chainrule.describe import describe
from chainrule.jit.effects import guard
from chainrule.ops.decompositions import inv, solve
from chainrule.ops.matmul import _arr
from chainrule.ops.norm import norm
from chainrule.ops.portable_b import numpy_only, xp_of, zeros_in
from chainrule.ops.shape import reshape, transpose
from chainrule.ops.svd import _svd_values
from chainrule.tracer import plain_array, primal

LINALG_ALL = ["cond", "tensorsolve", "tensorinv", "matrix_norm", "vector_norm", "matrix_rank"]


def _nonsingular(smallest: Any, of: str) -> Any:
    """``smallest`` (the smallest singular values), or ``LinAlgError`` where one is 0."""
    if zeros_in(smallest)[1]:
        raise np.linalg.LinAlgError(
            f"cond: a matrix in the {of} is singular (smallest singular value 0): its "
            "condition number is infinite and has no derivative."
        )
    return smallest


def cond(x, p=None):
    """``numpy.linalg.cond``: the condition number in the order ``p`` (None, 2, -2, 'fro',
    'nuc', inf, -inf, 1, -1), batched.

    p in (None, 2, -2): s_max / s_min from the singular values; other orders:
    ``norm(x, p) * norm(inv(x), p)``. A singular matrix has an infinite condition number and
    no derivative: traced input raises there. Ties in max/min-type orders give one
    subgradient (see ``norm``).

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(np.linalg.cond)(np.diag([4.0, 2.0])).tolist()  # d(s1/s2) = (1/s2, -s1/s2^2)
        [[0.5, 0.0], [0.0, -1.0]]
    """
    if numpy_only(x):
        return np.linalg.cond(x, p)
    x = _arr(x)
    if x.ndim < 2:
        raise np.linalg.LinAlgError(
            f"{x.ndim}-dimensional array given. Array must be at least two-dimensional (cond)")
    if kind(x) not in "fc":
        x = x.astype(float)
    if p is None or p in (2, -2):
        s = _svd_values(x, hermitian=False)
        guard(_nonsingular, primal(s)[..., -1], of=describe(x))  # inside cr.jit: every call
        return s[..., -1] / s[..., 0] if p == -2 else s[..., 0] / s[..., -1]
    if x.shape[-1] != x.shape[-2]:
        raise np.linalg.LinAlgError("Last 2 dimensions of the array must be square")
    try:
        xinv = inv(x)
    except ValueError as e:  # LinAlgError, or the engine's annotated error naming inv
        raise np.linalg.LinAlgError(
            f"cond(p={p!r}): a matrix in the {describe(x)} is singular: its condition number "
            "is infinite and has no derivative."
        ) from e
    return norm(x, p, axis=(-2, -1)) * norm(xinv, p, axis=(-2, -1))


def tensorsolve(a, b, axes=None):
    """``numpy.linalg.tensorsolve``: x with ``tensordot(a, x, x.ndim) == b``, via ``solve``.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> a = 2.0 * np.eye(4).reshape(2, 2, 2, 2)
        >>> cr.grad(lambda b: np.linalg.tensorsolve(a, b).sum())(np.ones((2, 2))).tolist()
        [[0.5, 0.5], [0.5, 0.5]]
    """
    if numpy_only(a, b):
        return np.linalg.tensorsolve(a, b, axes)
    a, b = _arr(a), _arr(b)
    an = a.ndim
    if axes is not None:
        order = list(range(an))
        for k in axes:
            order.remove(k)
            order.insert(an, k)
        a = transpose(a, tuple(order))
    oldshape = a.shape[-(an - b.ndim):]
    n = int(np.prod(oldshape))
    if a.size != n * n:
        raise np.linalg.LinAlgError(
            "Input arrays must satisfy the requirement "
            "prod(a.shape[b.ndim:]) == prod(a.shape[:b.ndim])")
    x = solve(reshape(a, (n, n)), reshape(b, (-1,)))
    return reshape(x, oldshape)


def tensorinv(a, ind=2):
    """``numpy.linalg.tensorinv``: the inverse for ``tensordot(., ., ind)``, via ``inv``.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> a = 2.0 * np.eye(4).reshape(4, 2, 2)
        >>> float(cr.grad(lambda a: np.linalg.tensorinv(a, ind=1)[0, 0, 0])(a)[0, 0, 0])
        -0.25
    """
    if numpy_only(a):
        return np.linalg.tensorinv(a, ind)
    a = _arr(a)
    if ind <= 0:
        raise ValueError("Invalid ind argument.")
    oldshape = a.shape
    invshape = oldshape[ind:] + oldshape[:ind]
    n = int(np.prod(oldshape[ind:]))
    return reshape(inv(reshape(a, (n, -1))), invshape)


def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """``numpy.linalg.matrix_norm``: ``norm`` over the last two axes.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda x: np.linalg.matrix_norm(x, ord=1))(np.array([[1.0, -3.0]])).tolist()
        [[0.0, -1.0]]
    """
    if numpy_only(x):
        return np.linalg.matrix_norm(x, keepdims=keepdims, ord=ord)
    return norm(x, axis=(-2, -1), keepdims=keepdims, ord=ord)


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """``numpy.linalg.vector_norm``: a vector norm over one axis, several axes or all.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> g = cr.grad(lambda x: np.linalg.vector_norm(x, axis=(0, 1)).sum())(np.ones((2, 2)))
        >>> g.tolist()
        [[0.5, 0.5], [0.5, 0.5]]
    """
    if numpy_only(x):
        return np.linalg.vector_norm(x, axis=axis, keepdims=keepdims, ord=ord)
    x = _arr(x)
    shape = list(x.shape)
    if axis is None:
        y, ax = reshape(x, (-1,)), 0
    elif isinstance(axis, tuple):
        axes = normalize_axis_tuple(axis, x.ndim)
        rest = tuple(i for i in range(x.ndim) if i not in axes)
        y = transpose(x, axes + rest)
        y = reshape(y, (int(np.prod([shape[i] for i in axes])), *[shape[i] for i in rest]))
        ax = 0
    else:
        y, ax = x, axis
    res = norm(y, axis=ax, ord=ord)
    if keepdims:
        reduced = normalize_axis_tuple(range(len(shape)) if axis is None else axis, len(shape))
        res = reshape(res, tuple(1 if i in reduced else n for i, n in enumerate(shape)))
    return res


def matrix_rank(A, tol=None, hermitian=False, *, rtol=None):
    """``numpy.linalg.matrix_rank``: an integer, piecewise constant, so a plain constant.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda a: np.linalg.matrix_rank(a) * a.sum())(np.eye(2)).tolist()
        [[2.0, 2.0], [2.0, 2.0]]
    """
    xp = xp_of(A)
    if xp is not None:  # the Array API's linalg extension, where the library has it
        if tol is not None or hermitian or not hasattr(xp, "linalg"):
            raise BackendError(f"matrix_rank: tol= and hermitian= (or any matrix_rank without "
                               f"{xp.__name__}.linalg) on {xp.__name__} arrays: the Array API "
                               "has matrix_rank(x, rtol=...) only; use rtol")
        return xp.linalg.matrix_rank(primal(A), rtol=rtol)
    return np.linalg.matrix_rank(plain_array(A), tol=tol, hermitian=hermitian, rtol=rtol)
