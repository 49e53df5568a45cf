"""Specs of ``numpy.cross``, ``numpy.linalg.cross``, ``linalg.trace`` and ``linalg.diagonal``
(ops/cross.py): compositions, checked like primitives."""

import numpy as np

from tests.specs.base import Spec

SPECS = [
    Spec("cross", np.cross, np.cross, (((3,), (3,)), ((4, 3), (3,)), ((2, 1, 3), (4, 3))), ()),
    Spec("cross-axes", lambda a, b: np.cross(a, b, axisa=0, axisb=1, axisc=0),
         lambda a, b: np.cross(a, b, axisa=0, axisb=1, axisc=0), (((3, 4), (4, 3)),), ()),
    Spec("cross-complex", np.cross, np.cross, (((2, 3), (3,)),), (), complex=True),
    Spec("cross-linalg", lambda a, b: np.linalg.cross(a, b), lambda a, b: np.linalg.cross(a, b),
         (((2, 3), (2, 3)),), (), covers=("linalg.cross",)),
    Spec("trace-linalg", lambda m: np.linalg.trace(m, offset=1) ** 2,
         lambda m: np.linalg.trace(m, offset=1) ** 2, (((2, 3, 4),),), ("diagonal",),
         covers=("linalg.trace",)),
    Spec("diagonal-linalg", lambda m: np.linalg.diagonal(m, offset=-1) ** 2,
         lambda m: np.linalg.diagonal(m, offset=-1) ** 2, (((2, 3, 3),),), ("diagonal",),
         covers=("linalg.diagonal",)),
]
SPECS += [
    Spec("trace-linalg-complex", lambda m: np.linalg.trace(m) ** 2,
         lambda m: np.linalg.trace(m) ** 2, (((2, 3, 3),),), ("diagonal",), complex=True,
         covers=("linalg.trace",)),
    Spec("diagonal-linalg-complex", lambda m: np.linalg.diagonal(m) ** 2,
         lambda m: np.linalg.diagonal(m) ** 2, (((2, 3, 4),),), ("diagonal",), complex=True,
         covers=("linalg.diagonal",)),
]
