"""Specs of the engine-level primitives the lead owns: sum, reshape, broadcast_to, transpose."""

import numpy as np

from tests.specs.base import Spec

SPECS = [
    Spec("sum-all", lambda x: np.sum(x), np.sum, (((4,),), ((2, 3),)), ("sum",)),
    Spec("sum-axis", lambda x: np.sum(x, axis=1, keepdims=True),
         lambda x: np.sum(x, axis=1, keepdims=True), (((2, 3),), ((2, 3, 4),)), ("sum",)),
    Spec("reshape", lambda x: np.reshape(x, (3, -1)) * 2.0, lambda x: np.reshape(x, (3, -1)) * 2,
         (((6,),), ((2, 3),)), ("reshape",)),
    Spec("broadcast_to", lambda x: np.broadcast_to(x, (4, 3)) ** 2,
         lambda x: np.broadcast_to(x, (4, 3)) ** 2, (((3,),), ((1, 3),)), ("broadcast_to",)),
    Spec("transpose", lambda x: np.transpose(x, (2, 0, 1)) ** 2,
         lambda x: np.transpose(x, (2, 0, 1)) ** 2, (((2, 3, 4),),), ("transpose",)),
]
