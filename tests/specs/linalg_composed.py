"""Specs of the composed ``numpy.linalg`` functions (ops/linalg_composed.py) and of
``matrix_power`` over its range of exponents.

Matrices are sampled well conditioned (R + n I) with distinct singular values; the max/min type
orders of ``cond`` have kinks only at ties, which random inputs avoid.
"""

import numpy as np

from tests.specs.base import Spec


def _well(rng, shapes):
    return [rng.standard_normal(s) + s[-1] * np.eye(s[-1]) for s in shapes]


def _tensor_system(rng, shapes):
    a_shape, b_shape = shapes
    n = int(np.prod(b_shape))
    a = rng.standard_normal((n, n)) + n * np.eye(n)
    return [a.reshape(a_shape), rng.standard_normal(b_shape)]


def _normal(rng, shapes):
    return [rng.standard_normal(s) for s in shapes]


SPECS = [
    Spec("tensorsolve", np.linalg.tensorsolve, np.linalg.tensorsolve,
         (((2, 3, 6), (2, 3)), ((6, 6), (6,))), ("solve",), sample=_tensor_system),
    Spec("tensorsolve-axes", lambda a, b: np.linalg.tensorsolve(a.transpose(2, 0, 1), b, (0,)),
         lambda a, b: np.linalg.tensorsolve(a.transpose(2, 0, 1), b, (0,)),
         (((2, 3, 6), (2, 3)),), ("solve",), sample=_tensor_system),
    Spec("tensorinv", lambda a: np.linalg.tensorinv(a, ind=1),
         lambda a: np.linalg.tensorinv(a, ind=1), (((4, 2, 2),),), ("inv",),
         sample=lambda rng, shapes: [_well(rng, ((4, 4),))[0].reshape(4, 2, 2)]),
    Spec("tensorinv-ind2", np.linalg.tensorinv, np.linalg.tensorinv, (((2, 3, 6),),),
         ("inv",), sample=lambda rng, shapes: [_well(rng, ((6, 6),))[0].reshape(2, 3, 6)]),
    Spec("vector_norm-axes", lambda x: np.linalg.vector_norm(x, axis=(2, 0), keepdims=True),
         lambda x: np.linalg.vector_norm(x, axis=(2, 0), keepdims=True), (((2, 3, 4),),),
         ("sum",)),
    Spec("vector_norm-ord3", lambda x: np.linalg.vector_norm(x, ord=3),
         lambda x: np.linalg.vector_norm(x, ord=3), (((2, 3),),), ("sum",)),
    Spec("vector_norm-inf-axis", lambda x: np.linalg.vector_norm(x, axis=1, ord=np.inf),
         lambda x: np.linalg.vector_norm(x, axis=1, ord=np.inf), (((3, 4),),),
         ("extremum",), order=1, kink=True),
    Spec("matrix_norm", lambda x: np.linalg.matrix_norm(x, ord="nuc"),
         lambda x: np.linalg.matrix_norm(x, ord="nuc"), (((2, 3, 4),),), ("sum",),
         sample=_normal),
    Spec("matrix_norm-fro-keepdims", lambda x: np.linalg.matrix_norm(x, keepdims=True),
         lambda x: np.linalg.matrix_norm(x, keepdims=True), (((2, 3, 4),),), ("sum",)),
    *(Spec(f"matrix_power-{n}", lambda a, n=n: np.linalg.matrix_power(a, n),
           lambda a, n=n: np.linalg.matrix_power(a, n), (((3, 3),), ((2, 2, 2),)),
           ("matmul", "inv"), sample=lambda rng, shapes: [x / 3 for x in _well(rng, shapes)])
      for n in (1, 2, 5, 11, -1, -2)),
]

for _p in (None, 2, -2, "fro", "nuc", np.inf, -np.inf, 1, -1):
    SPECS.append(Spec(f"cond-{_p}", lambda x, p=_p: np.linalg.cond(x, p),
                      lambda x, p=_p: np.linalg.cond(x, p), (((3, 3),), ((2, 3, 3),)),
                      ("svd_values",) if _p in (None, 2, -2) else ("inv",), sample=_well,
                      kink=_p in (np.inf, -np.inf, 1, -1)))
SPECS.append(Spec("cond-rectangular", np.linalg.cond, np.linalg.cond, (((4, 3),), ((3, 5),)),
                  ("svd_values",), sample=_normal))

# complex matrices: the singular-value norms and condition numbers (ops/svd.py's complex rules)
for _ord in (2, -2, "nuc"):
    SPECS.append(Spec(f"norm-matrix-ord{_ord}-complex", lambda x, o=_ord: np.linalg.norm(x, o),
                      lambda x, o=_ord: np.linalg.norm(x, o), (((3, 4),), ((4, 3),)),
                      ("svd_values",), complex=True))
SPECS += [
    Spec("matrix_norm-nuc-complex", lambda x: np.linalg.matrix_norm(x, ord="nuc"),
         lambda x: np.linalg.matrix_norm(x, ord="nuc"), (((2, 3, 4),),), ("svd_values",),
         complex=True),
    Spec("cond-complex", np.linalg.cond, np.linalg.cond, (((3, 3),), ((2, 3, 4),)),
         ("svd_values",), complex=True),
    Spec("cond-1-complex", lambda x: np.linalg.cond(x, 1), lambda x: np.linalg.cond(x, 1),
         (((3, 3),),), ("inv",), complex=True, kink=True),
]
SPECS += [
    Spec("slogdet-complex", lambda a: tuple(np.linalg.slogdet(a)),
         lambda a: tuple(np.linalg.slogdet(a)), (((3, 3),), ((2, 3, 3),)),
         ("logdet_complex", "logabsdet"), complex=True),
    Spec("solve-inv-det-complex-batched", lambda a, b: (np.linalg.solve(a, b),
                                                        np.linalg.inv(a), np.linalg.det(a)),
         lambda a, b: (np.linalg.solve(a, b), np.linalg.inv(a), np.linalg.det(a)),
         (((2, 3, 3), (2, 3, 2)),), ("solve", "inv", "det"), complex=True),
    Spec("tensorsolve-complex", np.linalg.tensorsolve, np.linalg.tensorsolve,
         (((2, 3, 6), (2, 3)),), ("solve",), complex=True),
    Spec("matrix_power-complex", lambda a: np.linalg.matrix_power(a, -3),
         lambda a: np.linalg.matrix_power(a, -3), (((3, 3),),), ("matmul", "inv"),
         complex=True, domain=(0.5, 1.0)),
]
SPECS += [
    Spec("vecdot-complex", lambda a, b: np.linalg.vecdot(a, b),
         lambda a, b: np.linalg.vecdot(a, b), (((3, 2), (2,)),), (), complex=True),
    Spec("vector_norm-complex", lambda x: np.linalg.vector_norm(x, axis=(0, 1), ord=3),
         lambda x: np.linalg.vector_norm(x, axis=(0, 1), ord=3), (((2, 3),),), ("sum",),
         complex=True),
    Spec("tensorinv-complex", lambda a: np.linalg.tensorinv(a, ind=1),
         lambda a: np.linalg.tensorinv(a, ind=1), (((4, 2, 2),),), ("inv",), complex=True),
    Spec("multi_dot-complex", lambda a, b, c: np.linalg.multi_dot([a, b, c]),
         lambda a, b, c: np.linalg.multi_dot([a, b, c]), (((3,), (3, 4), (4, 2)),),
         ("matmul",), complex=True),
    Spec("matrix_transpose-complex", lambda a: np.linalg.matrix_transpose(a) ** 2,
         lambda a: np.linalg.matrix_transpose(a) ** 2, (((2, 3, 4),),), (), complex=True),
]
