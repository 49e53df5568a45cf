"""``numpy.cross`` and ``numpy.linalg.cross``, and the ``numpy.linalg`` spellings of
``trace`` and ``diagonal`` (over the last two axes), composed: no rules of their own.

The cross product of 3-vectors, c = (a1 b2 - a2 b1, a2 b0 - a0 b2, a0 b1 - a1 b0), is bilinear,
so products and a stack give NumPy's values and every derivative. 2-vectors count as 3-vectors
with a zero third component (NumPy's rule); two 2-vectors give the scalar z component.
"""

from __future__ import annotations

import warnings

import numpy as np

from chainrule.ops.join import stack
from chainrule.ops.linalg import diagonal as _diagonal
from chainrule.ops.linalg import trace as _trace
from chainrule.ops.matmul import _arr
from chainrule.ops.portable_b import numpy_only
from chainrule.ops.shape import moveaxis

__all__ = ["cross"]


def _components(v):
    n = v.shape[-1]
    if n not in (2, 3):
        raise ValueError("incompatible dimensions for cross product\n(dimension must be 2 or 3)")
    comps = [v[..., i] for i in range(n)]
    if n == 2:
        warnings.warn("Arrays of 2-dimensional vectors are deprecated. Use arrays of "
                      "3-dimensional vectors instead. (deprecated in NumPy 2.0)",
                      DeprecationWarning, stacklevel=4)
        return comps + [None]
    return comps


def _times(x, y):
    return None if x is None or y is None else x * y


def _minus(x, y, like):
    if x is None and y is None:
        return 0.0 * like
    if y is None:
        return x
    return -y if x is None else x - y


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """``numpy.cross``: the cross product of (stacks of) 2- or 3-vectors.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> b = np.array([0.0, 1.0, 0.0])
        >>> cr.jacobian(lambda a: np.cross(a, b))(np.array([1.0, 0.0, 0.0])).tolist()
        [[0.0, 0.0, -1.0], [0.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
    """
    if numpy_only(a, b):
        return np.cross(a, b, axisa, axisb, axisc, axis)
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = moveaxis(_arr(a), axisa, -1), moveaxis(_arr(b), axisb, -1)
    a0, a1, a2 = _components(a)
    b0, b1, b2 = _components(b)
    z = _minus(_times(a0, b1), _times(a1, b0), a0 * b0)
    if a2 is None and b2 is None:
        return z  # NumPy: the z component only (deprecated there for 2-vectors)
    like = a0 * b0
    x = _minus(_times(a1, b2), _times(a2, b1), like)
    y = _minus(_times(a2, b0), _times(a0, b2), like)
    return moveaxis(stack([x, y, z], axis=-1), -1, axisc)


def linalg_cross(x1, x2, /, *, axis=-1):
    """``numpy.linalg.cross``: 3-vectors only.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> e1, e2 = np.eye(3)[0], np.eye(3)[1]
        >>> cr.grad(lambda a: np.linalg.cross(a, e2)[2])(e1).tolist()  # c_z = a_x b_y - a_y b_x
        [1.0, 0.0, 0.0]
    """
    if numpy_only(x1, x2):
        return np.linalg.cross(x1, x2, axis=axis)
    x1, x2 = _arr(x1), _arr(x2)
    if x1.shape[axis] != 3 or x2.shape[axis] != 3:
        raise ValueError(
            "Both input arrays must be (arrays of) 3-dimensional vectors, "
            f"but they are {x1.shape[axis]} and {x2.shape[axis]} dimensional instead.")
    return cross(x1, x2, axis=axis)


def linalg_trace(x, /, *, offset=0, dtype=None):
    """``numpy.linalg.trace``: the trace of each matrix of a stack (last two axes).

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda a: np.linalg.trace(a).sum())(np.ones((2, 2, 2)))[0].tolist()
        [[1.0, 0.0], [0.0, 1.0]]
    """
    return _trace(x, offset, -2, -1, dtype)


def linalg_diagonal(x, /, *, offset=0):
    """``numpy.linalg.diagonal``: the diagonal of each matrix of a stack (last two axes).

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda a: np.linalg.diagonal(a, offset=1).sum())(np.ones((2, 2))).tolist()
        [[0.0, 1.0], [0.0, 0.0]]
    """
    return _diagonal(x, offset, -2, -1)


# numpy.linalg names that differ from the numpy.* functions of the same name
LINALG = {"cross": linalg_cross, "trace": linalg_trace, "diagonal": linalg_diagonal}
