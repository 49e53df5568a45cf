"""Specs of ``numpy.linalg.qr`` (ops/qr.py): modes 'reduced', 'complete', 'r'.

Standard normal inputs have linearly independent leading columns almost surely. Q and R are
unique given the signs of R's diagonal, so they are compared directly; the extra columns Q2 of
'complete' mode (tall) enter through the projector Q2 Q2^T and the product Q @ R.
"""

import numpy as np

from tests.specs.base import Spec

_PRIMS = ("qr_q", "qr_r")
_SHAPES = (((3, 3),), ((4, 3),), ((3, 4),), ((2, 4, 2),), ((2, 1, 2, 3),))


def _normal(rng, shapes):
    return [rng.standard_normal(s) for s in shapes]


def _complete(a):
    q, r = np.linalg.qr(a, mode="complete")
    k = min(a.shape[-2:])
    q2 = q[..., k:]
    return q[..., :k], q2 @ np.conj(np.swapaxes(q2, -1, -2)), r, q @ r


SPECS = [
    Spec("qr", lambda a: tuple(np.linalg.qr(a)), lambda a: tuple(np.linalg.qr(a)), _SHAPES,
         _PRIMS, sample=_normal),
    Spec("qr-complete", _complete, _complete, (((4, 2),), ((2, 3),), ((2, 3, 3),)), _PRIMS,
         sample=_normal),
    Spec("qr-r", lambda a: np.linalg.qr(a, mode="r"), lambda a: np.linalg.qr(a, mode="r"),
         (((4, 3),), ((3, 4),)), ("qr_r",), sample=_normal),
]

SPECS += [
    Spec("qr-complex", lambda a: tuple(np.linalg.qr(a)), lambda a: tuple(np.linalg.qr(a)),
         (((3, 3),), ((4, 3),), ((2, 3, 4),)), _PRIMS, complex=True),
    Spec("qr-complete-complex", _complete, _complete, (((4, 2),),), _PRIMS, complex=True),
]
