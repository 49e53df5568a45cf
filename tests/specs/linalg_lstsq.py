"""Specs of ``numpy.linalg.pinv`` and ``lstsq`` (ops/lstsq.py): full-rank inputs.

Standard normal matrices have full rank almost surely, where the pseudo-inverse is smooth.
(Rank-deficient inputs are checked along rank-preserving paths in tests/test_linalg_lstsq.py.)
"""

import numpy as np

from tests.specs.base import Spec


def _normal(rng, shapes):
    return [rng.standard_normal(s) for s in shapes]


def _lstsq_all(a, b):
    x, res, _, s = np.linalg.lstsq(a, b)
    return x, res, s


SPECS = [
    Spec("pinv", np.linalg.pinv, np.linalg.pinv,
         (((3, 3),), ((4, 3),), ((3, 4),), ((2, 4, 3),), ((2, 1, 2, 3),)), ("pinv",),
         sample=_normal),
    Spec("pinv-rtol", lambda a: np.linalg.pinv(a, rtol=1e-3),
         lambda a: np.linalg.pinv(a, rtol=1e-3), (((4, 3),),), ("pinv",), sample=_normal),
    Spec("pinv-hermitian", lambda a: np.linalg.pinv(a, hermitian=True),
         lambda a: np.linalg.pinv(a, hermitian=True), (((3, 3),), ((2, 4, 4),)), ("pinv",),
         sample=_normal),
    Spec("lstsq", _lstsq_all, _lstsq_all, (((5, 3), (5,)), ((5, 3), (5, 2)), ((4, 1), (4,))),
         ("lstsq", "pinv", "svd_values"), sample=_normal),
    Spec("lstsq-square-wide", lambda a, b: np.linalg.lstsq(a, b, rcond=None)[0],
         lambda a, b: np.linalg.lstsq(a, b, rcond=None)[0],
         (((3, 3), (3,)), ((3, 5), (3, 2))), ("lstsq", "pinv"), sample=_normal),
]

SPECS += [
    Spec("pinv-complex", np.linalg.pinv, np.linalg.pinv, (((3, 3),), ((4, 3),), ((2, 3, 4),)),
         ("pinv",), complex=True),
    Spec("pinv-hermitian-complex", lambda a: np.linalg.pinv(a, hermitian=True),
         lambda a: np.linalg.pinv(a, hermitian=True), (((3, 3),),), ("pinv",), complex=True),
    Spec("lstsq-complex", _lstsq_all, _lstsq_all, (((5, 3), (5,)), ((5, 3), (5, 2))),
         ("lstsq", "pinv", "svd_values"), complex=True),
    Spec("lstsq-wide-complex", lambda a, b: np.linalg.lstsq(a, b)[0],
         lambda a, b: np.linalg.lstsq(a, b)[0], (((3, 5), (3,)),), ("lstsq", "pinv"),
         complex=True),
]
