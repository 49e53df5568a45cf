"""Polynomials and products of vectors: ``polyval``, ``vander`` and ``cross``.

All three are compositions of products and sums, written in NumPy's order of operations (Horner's
scheme for ``polyval``, running products for ``vander``, the component formulas for ``cross``)
so that the values agree with NumPy's; derivatives of every order follow from those ops.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from chainrule.tracer import Tracer

__all__ = ["polyval", "vander", "cross"]


def _array(a: Any) -> Any:
    return a if isinstance(a, Tracer) else cnp.asarray(a)


def polyval(p: Any, x: Any) -> Any:
    """``numpy.polyval``: ``p[0] * x**(N-1) + ... + p[N-1]`` by Horner's scheme, differentiable
    in the coefficients ``p`` and the points ``x``.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> float(cr.grad(lambda x: np.polyval([1.0, 0.0, 0.0], x))(3.0))  # d x^2 / dx
        6.0
    """
    if not isinstance(p, Tracer) and not isinstance(x, Tracer):
        return np.polyval(p, x)
    if isinstance(p, np.poly1d) or isinstance(x, np.poly1d):
        raise TypeError("polyval: poly1d arguments are not supported on traced values")
    p, x = _array(p), _array(x)
    y = np.zeros(x.shape, dtype=x.dtype)
    for k in range(p.shape[0]):
        y = y * x + p[k]
    return y


def vander(x: Any, N: int | None = None, increasing: bool = False) -> Any:  # noqa: N803
    """``numpy.vander``: the columns ``x**(N-1), ..., x, 1`` (reversed with ``increasing``),
    built as running products like NumPy's.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda x: np.vander(x, 3)[0, 0])(np.array([2.0])).tolist()  # d x^2
        [4.0]
    """
    if not isinstance(x, Tracer):
        return np.vander(x, N, increasing)
    if x.ndim != 1:
        raise ValueError("x must be a one-dimensional array or sequence.")
    n = x.shape[0] if N is None else int(N)
    cols = [np.ones((x.shape[0], 1), dtype=np.promote_types(x.dtype, int))] if n > 0 else []
    if n > 1:
        repeated = cnp.broadcast_to(cnp.reshape(x, (-1, 1)), (x.shape[0], n - 1))
        cols.append(cnp.cumprod(repeated, axis=1))
    if not cols:
        return np.zeros((x.shape[0], 0), dtype=np.promote_types(x.dtype, int))
    out = cnp.concatenate(cols, axis=1) if len(cols) > 1 else cnp.asarray(cols[0])
    return out if increasing else out[:, ::-1]


def cross(a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1,
          axis: int | None = None) -> Any:
    """``numpy.cross`` of 3-vectors (and of 2-vectors, deprecated by NumPy 2.0), differentiable
    in both operands; ``axisa``/``axisb``/``axisc``/``axis`` as in NumPy.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> e1, e2 = np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0])
        >>> cr.jacobian(lambda a: np.cross(a, e2))(e1)[2].tolist()  # c_z = a_x b_y - a_y b_x
        [1.0, 0.0, 0.0]
    """
    if not isinstance(a, Tracer) and not isinstance(b, Tracer):
        return np.cross(a, b, axisa, axisb, axisc, axis)
    if axis is not None:
        axisa = axisb = axisc = axis
    a = cnp.moveaxis(_array(a), axisa, -1)
    b = cnp.moveaxis(_array(b), axisb, -1)
    if a.shape[-1] not in (2, 3) or b.shape[-1] not in (2, 3):
        raise ValueError("incompatible dimensions for cross product\n"
                         "(dimension must be 2 or 3)")
    if a.shape[-1] == 2 or b.shape[-1] == 2:
        warnings.warn(
            "Arrays of 2-dimensional vectors are deprecated. Use arrays of 3-dimensional "
            "vectors instead. (deprecated in NumPy 2.0)", DeprecationWarning, stacklevel=2)
    a0, a1 = a[..., 0], a[..., 1]
    b0, b1 = b[..., 0], b[..., 1]
    if a.shape[-1] == 2 and b.shape[-1] == 2:
        return a0 * b1 - a1 * b0
    a2 = a[..., 2] if a.shape[-1] == 3 else None
    b2 = b[..., 2] if b.shape[-1] == 3 else None
    if a2 is None:  # a's z component is 0
        c0, c1 = a1 * b2, -(a0 * b2)
    elif b2 is None:  # b's z component is 0
        c0, c1 = -(a2 * b1), a2 * b0
    else:
        c0, c1 = a1 * b2 - a2 * b1, a2 * b0 - a0 * b2
    c2 = a0 * b1 - a1 * b0
    shape = np.broadcast_shapes(c0.shape, c1.shape, c2.shape)
    c = cnp.stack([cnp.broadcast_to(c, shape) for c in (c0, c1, c2)], axis=-1)
    return cnp.moveaxis(c, -1, axisc)


from chainrule import numpy as cnp  # noqa: E402
