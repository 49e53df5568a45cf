"""Array API implementations of the matrix decompositions (``xp_impl`` of the primitives in
ops/decompositions.py, ops/svd.py, ops/qr.py), for another library's arrays (issue 12).

Each computes what NumPy's implementation computes, with the standard's ``linalg`` extension
of the operands' namespace. The standard's symmetric solvers (``eigh``, ``eigvalsh``,
``cholesky``) do not say which triangle they read, and NumPy's read the one ``UPLO`` (or
``upper``) names: they are given the Hermitian matrix built from that triangle, on which every
reading agrees.
"""

from __future__ import annotations

from typing import Any

from chainrule.backend import namespace
from chainrule.ops.portable_c import hermitian_from_triangle


def logdet_xp(a: Any) -> Any:
    """log(det(a)) of complex matrices: log(sign) + log|det|, as NumPy's implementation."""
    xp = namespace(a)
    sign, logabsdet = xp.linalg.slogdet(a)
    return xp.log(sign) + logabsdet


def cholesky_xp(a: Any, upper: bool) -> Any:
    """``numpy.linalg.cholesky(a, upper=upper)``: reads the lower (upper) triangle only."""
    xp = namespace(a)
    return xp.linalg.cholesky(hermitian_from_triangle(xp, a, not upper), upper=upper)


def eigvalsh_xp(a: Any, UPLO: str) -> Any:
    """``numpy.linalg.eigvalsh(a, UPLO)``."""
    xp = namespace(a)
    return xp.linalg.eigvalsh(hermitian_from_triangle(xp, a, UPLO == "L"))


def eigh_vectors_xp(a: Any, UPLO: str) -> Any:
    """The eigenvectors of ``numpy.linalg.eigh(a, UPLO)``."""
    xp = namespace(a)
    return xp.linalg.eigh(hermitian_from_triangle(xp, a, UPLO == "L"))[1]


def svd_xp(a: Any, hermitian: bool, full_matrices: bool) -> Any:
    """``numpy.linalg.svd(a, full_matrices, hermitian=hermitian)``: with ``hermitian``, from
    ``eigh`` as NumPy computes it (values by decreasing magnitude, their signs moved into Vh),
    so that the vectors are NumPy's."""
    xp = namespace(a)
    if not hermitian:
        return xp.linalg.svd(a, full_matrices=full_matrices)
    w, u = xp.linalg.eigh(hermitian_from_triangle(xp, a, True))
    order = xp.flip(xp.argsort(xp.abs(w), axis=-1), axis=-1)
    w = xp.take_along_axis(w, order, axis=-1)
    u = xp.take_along_axis(u, xp.broadcast_to(order[..., None, :], u.shape), axis=-1)
    vh = xp.matrix_transpose(u * xp.sign(w)[..., None, :])
    if xp.isdtype(vh.dtype, "complex floating"):
        vh = xp.conj(vh)
    return u, xp.abs(w), vh


def svd_values_xp(a: Any, hermitian: bool) -> Any:
    """``numpy.linalg.svd(a, compute_uv=False, hermitian=hermitian)``."""
    xp = namespace(a)
    if not hermitian:
        return xp.linalg.svdvals(a)
    w = xp.abs(xp.linalg.eigvalsh(hermitian_from_triangle(xp, a, True)))
    return xp.flip(xp.sort(w, axis=-1), axis=-1)
