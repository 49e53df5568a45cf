"""Specs of the linear-algebra family: products, einsum, diagonals, decompositions.

Matrix inputs of the decompositions are sampled well conditioned (R + n I, SPD R R^T + n I,
symmetric with well separated eigenvalues). Functions of symmetric matrices (cholesky, eigh)
symmetrise their input first, so finite differences in every direction are meaningful, and
eigenvectors enter only through sign-invariant v * v.
"""

import numpy as np

import chainrule.numpy as cnp
from tests.specs.base import Spec


def _eye(shape):
    return np.eye(shape[-1])


def _well_conditioned(rng, shape):
    return rng.standard_normal(shape) + shape[-1] * _eye(shape)


def _spd(rng, shape):
    r = rng.standard_normal(shape)
    return r @ np.swapaxes(r, -1, -2) + shape[-1] * _eye(shape)


def _separated(rng, shape):
    """Symmetric with eigenvalues 1, 3, 5, ... (distinct: eigenvectors differentiable)."""
    q = np.linalg.qr(rng.standard_normal(shape))[0]
    w = 1.0 + 2.0 * np.arange(shape[-1])
    return (q * w) @ np.swapaxes(q, -1, -2)


def _negative_det(rng, shape):
    a = _well_conditioned(rng, shape)
    a[..., 0, :] *= -1.0  # det < 0: slogdet's sign is -1, logabsdet stays smooth
    return a


def _sample(*makers):
    return lambda rng, shapes: [m(rng, s) for m, s in zip(makers, shapes, strict=True)]


def _normal(rng, shape):
    return rng.standard_normal(shape)


def _sym(lib):
    return lambda a: (a + lib.linalg.matrix_transpose(a)) / 2


_csym, _nsym = _sym(cnp), _sym(np)

SPECS = [
    # --- products ---
    Spec("matmul", lambda a, b: a @ b, np.matmul,
         (((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (4,)), ((2, 3, 4), (4, 5)),
          ((2, 1, 3, 4), (3, 4, 2)), ((4,), (2, 4, 3)), ((2, 3, 4), (4,))), ("matmul",)),
    Spec("matmul-np", lambda a, b: np.matmul(a, b) ** 2, lambda a, b: np.matmul(a, b) ** 2,
         (((2, 3), (3, 2)),), ("matmul",)),
    Spec("dot", np.dot, np.dot,
         (((), (3,)), ((3,), (3,)), ((2, 3), (3,)), ((2, 3), (3, 4)), ((2, 3, 4), (4,)),
          ((2, 3, 4), (5, 4, 2)), ((3,), (2, 3, 4))), ("matmul",)),
    Spec("vdot", np.vdot, np.vdot, (((2, 3), (6,)), ((4,), (4,))), ("matmul",)),
    Spec("inner", np.inner, np.inner, (((3,), (3,)), ((2, 3), (4, 3)), ((), (2, 3))),
         ("matmul",)),
    Spec("outer", np.outer, np.outer, (((3,), (4,)), ((2, 2), (3,))), ("matmul",)),
    Spec("tensordot-pairs", lambda a, b: np.tensordot(a, b, axes=([1, 0], [0, 2])),
         lambda a, b: np.tensordot(a, b, axes=([1, 0], [0, 2])), (((3, 2, 4), (2, 5, 3)),),
         ("matmul",)),
    Spec("tensordot-int", np.tensordot, np.tensordot, (((2, 3, 4), (3, 4, 2)),), ("matmul",)),
    Spec("tensordot-0", lambda a, b: np.tensordot(a, b, 0),
         lambda a, b: np.tensordot(a, b, 0), (((2, 3), (2,)),), ("matmul",)),
    Spec("kron", np.kron, np.kron, (((2, 3), (3, 2)), ((2,), (3,)), ((2, 2), (2, 1, 2))),
         ()),
    # --- einsum ---
    Spec("einsum-matmul", lambda a, b: np.einsum("ij,jk->ik", a, b),
         lambda a, b: np.einsum("ij,jk->ik", a, b), (((2, 3), (3, 4)),), ("einsum",)),
    Spec("einsum-implicit", lambda a, b: np.einsum("ij,jk", a, b),
         lambda a, b: np.einsum("ij,jk", a, b), (((2, 3), (3, 4)),), ("einsum",)),
    Spec("einsum-batched-ellipsis", lambda a, b: np.einsum("...ij,...jk->...ik", a, b),
         lambda a, b: np.einsum("...ij,...jk->...ik", a, b),
         (((2, 3, 4), (4, 2)), ((2, 1, 2, 3), (4, 3, 2))), ("einsum",)),
    Spec("einsum-three", lambda a, b, c: np.einsum("i,ij,jk->k", a, b, c),
         lambda a, b, c: np.einsum("i,ij,jk->k", a, b, c), (((2,), (2, 3), (3, 4)),),
         ("einsum",)),
    Spec("einsum-summed-label", lambda a, b: np.einsum("ijk,jl->il", a, b),
         lambda a, b: np.einsum("ijk,jl->il", a, b), (((2, 3, 4), (3, 2)),), ("einsum",)),
    Spec("einsum-broadcast-label", lambda a, b: np.einsum("ij,ij->ij", a, b),
         lambda a, b: np.einsum("ij,ij->ij", a, b), (((1, 3), (2, 3)),), ("einsum",)),
    Spec("einsum-diagonal", lambda a: np.einsum("ii->i", a) ** 2,
         lambda a: np.einsum("ii->i", a) ** 2, (((3, 3),),), ("einsum", "diagonal")),
    Spec("einsum-trace-outer", lambda a, b: np.einsum("ii,j->j", a, b) ** 2,
         lambda a, b: np.einsum("ii,j->j", a, b) ** 2, (((3, 3), (2,)),), ("einsum",)),
    Spec("einsum-transpose-sum", lambda a: np.einsum("ijk->kj", a) ** 2,
         lambda a: np.einsum("ijk->kj", a) ** 2, (((2, 3, 4),),), ("einsum",)),
    # --- diagonals and triangles ---
    Spec("diagonal", lambda a: np.diagonal(a, 1, 2, 0) ** 2,
         lambda a: np.diagonal(a, 1, 2, 0) ** 2, (((3, 2, 4),), ((4, 3, 3),)), ("diagonal",)),
    Spec("trace", lambda a: np.trace(a) ** 2, lambda a: np.trace(a) ** 2,
         (((3, 3),), ((3, 4),), ((3, 3, 2),)), ("diagonal",)),
    Spec("trace-offset-axes", lambda a: np.trace(a, -1, 1, 2),
         lambda a: np.trace(a, -1, 1, 2), (((2, 3, 3),),), ("diagonal",)),
    Spec("diag", lambda v: np.diag(v) ** 2, lambda v: np.diag(v) ** 2,
         (((3,),), ((3, 4),)), ("diagonal_embed", "diagonal")),
    Spec("diag-k", lambda v: np.diag(v, -1) * 3.0, lambda v: np.diag(v, -1) * 3.0,
         (((3,),), ((4, 3),)), ("diagonal_embed", "diagonal")),
    Spec("triu", lambda m: np.triu(m, 1) ** 2, lambda m: np.triu(m, 1) ** 2,
         (((4, 4),), ((2, 3, 4),), ((3,),)), ()),
    Spec("tril", lambda m: np.tril(m, -1) ** 2, lambda m: np.tril(m, -1) ** 2,
         (((4, 4),), ((2, 4, 3),)), ()),
    # --- numpy.linalg ---
    Spec("inv", np.linalg.inv, np.linalg.inv, (((3, 3),), ((2, 3, 3),), ((1, 1),)), ("inv",),
         sample=_sample(_well_conditioned)),
    Spec("solve", np.linalg.solve, np.linalg.solve,
         (((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (3,)), ((2, 3, 3), (2, 3, 2)),
          ((3, 3), (2, 3, 2))), ("solve",), sample=_sample(_well_conditioned, _normal)),
    Spec("det", np.linalg.det, np.linalg.det, (((3, 3),), ((2, 3, 3),), ((1, 1),)), ("det",),
         sample=_sample(_well_conditioned)),
    Spec("det-negative", np.linalg.det, np.linalg.det, (((3, 3),),), ("det",),
         sample=_sample(_negative_det)),
    Spec("slogdet", lambda a: np.linalg.slogdet(a)[1], lambda a: np.linalg.slogdet(a)[1],
         (((3, 3),), ((2, 3, 3),)), ("logabsdet",), sample=_sample(_negative_det)),
    Spec("cholesky", lambda a: cnp.linalg.cholesky(_csym(a)),
         lambda a: np.linalg.cholesky(_nsym(a)), (((3, 3),), ((2, 3, 3),)), ("cholesky",),
         sample=_sample(_spd)),
    Spec("cholesky-upper", lambda a: cnp.linalg.cholesky(_csym(a), upper=True),
         lambda a: np.linalg.cholesky(_nsym(a), upper=True), (((3, 3),),), ("cholesky",),
         sample=_sample(_spd)),
    Spec("eigh", lambda a: _eigh_invariant(cnp, a), lambda a: _eigh_invariant(np, a),
         (((3, 3),), ((2, 3, 3),)), ("eigvalsh", "eigh_vectors"), sample=_sample(_separated)),
    Spec("eigh-upper", lambda a: _eigh_invariant(cnp, a, "U"),
         lambda a: _eigh_invariant(np, a, "U"), (((3, 3),),), ("eigvalsh", "eigh_vectors"),
         sample=_sample(_separated)),
    Spec("eigvalsh", lambda a: cnp.linalg.eigvalsh(_csym(a)),
         lambda a: np.linalg.eigvalsh(_nsym(a)), (((3, 3),), ((2, 4, 4),)), ("eigvalsh",),
         sample=_sample(_separated)),
    Spec("multi_dot", lambda a, b, c: np.linalg.multi_dot([a, b, c]),
         lambda a, b, c: np.linalg.multi_dot([a, b, c]), (((3,), (3, 4), (4, 2)),),
         ("matmul",)),
    Spec("matrix_power", lambda a: np.linalg.matrix_power(a, -3),
         lambda a: np.linalg.matrix_power(a, -3), (((3, 3),),), ("matmul", "inv"),
         sample=_sample(_well_conditioned)),
    Spec("vecdot", lambda a, b: np.linalg.vecdot(a, b, axis=0),
         lambda a, b: np.linalg.vecdot(a, b, axis=0), (((3, 2), (3, 1)),), ()),
]


def _eigh_invariant(lib, a, uplo="L"):
    w, v = lib.linalg.eigh(_sym(lib)(a), UPLO=uplo)
    return w, v * v  # eigenvector signs are arbitrary; v * v is not
