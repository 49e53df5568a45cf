"""Small helpers for linear-algebra, FFT and special-function code that runs on any Array API
namespace (issue 12, DESIGN.md principle 5).

The NumPy branches of the callers stay as they were (NumPy's functions on NumPy arrays, the
fast path); these helpers serve the branch beside it, for another library's arrays (CuPy,
array-api-strict): the dtype kind of a traced value, the namespace under the tracing, constants
(identity, triangle masks) built in that namespace and dtype, and the early, plain refusal of
functions the Array API standard lacks (SciPy's special functions, triangular solves, ...).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from chainrule.backend import PLAIN_TYPES, foreign, namespace, refuse_foreign
from chainrule.ops.matmul import _arr
from chainrule.tracer import Tracer, primal


def operand(x: Any) -> Any:
    """``x`` as an array with ``ndim`` and ``shape``: lists and Python numbers become NumPy
    arrays, traced values and any library's arrays stay as they are.

    Example:
        >>> operand([1.0, 2.0]).shape
        (2,)
    """
    return x if foreign(x) else _arr(x)




def refuse(name: str, *args: Any) -> None:
    """Raise ``BackendError`` if one of ``args`` is another library's array: ``name`` needs a
    function the Array API standard does not have (said early and plainly, never a copy).

    Example:
        >>> import numpy as np
        >>> refuse("scipy.special.gammaln", np.ones(2))  # NumPy input: nothing to refuse
    """
    for a in args:  # NumPy arrays and Python numbers first: one identity test each
        value = a
        while isinstance(value, Tracer):
            value = value._value
        if value.__class__ not in PLAIN_TYPES and foreign(value):
            raise refuse_foreign(name, [a for a in args if a is not None])


def complex_dtype(xp: ModuleType, dtype: Any) -> Any:
    """The complex dtype of ``dtype``'s precision in ``xp`` (``dtype`` itself if complex)."""
    if xp.isdtype(dtype, "complex floating"):
        return dtype
    return xp.complex64 if dtype == xp.float32 else xp.complex128


def real_dtype(xp: ModuleType, dtype: Any) -> Any:
    """The real floating dtype of ``dtype``'s precision in ``xp``."""
    if xp.isdtype(dtype, "real floating"):
        return dtype
    return xp.float32 if dtype == xp.complex64 else xp.float64


def tri(xp: ModuleType, n: int, k: int, dtype: Any, device: Any) -> Any:
    """``numpy.tri(n, k=k, dtype=dtype)`` in ``xp`` on ``device``: ones on and below the k-th
    diagonal."""
    return xp.tril(xp.ones((n, n), dtype=dtype, device=device), k=k)


def hermitian_from_triangle(xp: ModuleType, a: Any, lower: bool) -> Any:
    """The symmetric (Hermitian) matrices LAPACK sees when it reads one triangle of the plain
    ``xp`` array ``a`` (the diagonal's imaginary part ignored), so that a library's symmetric
    solver gives NumPy's result whichever triangle it reads."""
    strict = xp.tril(a, k=-1) if lower else xp.triu(a, k=1)
    diag = xp.tril(xp.triu(a))
    mirrored = xp.matrix_transpose(strict)
    if xp.isdtype(a.dtype, "complex floating"):
        return strict + xp.conj(mirrored) + xp.astype(xp.real(diag), a.dtype)
    return strict + mirrored + diag


def eye_of(x: Any, n: int, real: bool = False) -> Any:
    """The identity (n, n) in the namespace and dtype of another library's (traced) value
    ``x`` (its real dtype with ``real``)."""
    p = primal(x)
    xp = namespace(p)
    return xp.eye(n, dtype=real_dtype(xp, p.dtype) if real else p.dtype, device=p.device)


def tri_of(x: Any, n: int, k: int, real: bool = False) -> Any:
    """``numpy.tri(n, k=k)`` in the namespace and dtype of another library's (traced) value
    ``x`` (its real dtype with ``real``)."""
    p = primal(x)
    xp = namespace(p)
    return tri(xp, n, k, real_dtype(xp, p.dtype) if real else p.dtype, p.device)
