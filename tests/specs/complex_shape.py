"""Complex specs of the shape, joining, indexing and selection functions: linear maps, so their
rules hold for complex values unchanged; these specs prove the engine carries complex values
and cotangents through each of them (and the weighted and nan-ignoring reductions)."""

from __future__ import annotations

import numpy as np

import chainrule.numpy as cnp
from tests.specs.base import Spec

M, T = (3, 4), (2, 4, 4)


def _c(name, fn, shapes, covers, prims=(), **kw):
    return Spec(f"complex-{name}", fn, fn, shapes, prims, complex=True, covers=covers, **kw)


_IDX = np.array([[0, 2, 1, 1]])

SPECS = [
    _c("reshape-views", lambda x: (np.ravel(x), np.squeeze(x[None]), np.expand_dims(x, 1),
                                   np.moveaxis(x, 0, -1), np.swapaxes(x, 0, 1),
                                   np.rollaxis(x, 1), np.broadcast_to(x, (2, *x.shape))),
       ((M,),), ("ravel", "squeeze", "expand_dims", "moveaxis", "swapaxes", "rollaxis",
                 "broadcast_to")),
    _c("atleast", lambda x: (np.atleast_1d(x), np.atleast_2d(x), np.atleast_3d(x)),
       (((),), ((4,),)), ("atleast_1d", "atleast_2d", "atleast_3d")),
    _c("flips", lambda x: (np.flip(x, 1), np.fliplr(x), np.flipud(x), np.roll(x, 2, axis=1)),
       ((M,),), ("flip", "fliplr", "flipud", "roll")),
    _c("joins", lambda a, b: (np.stack([a, b]), np.hstack([a, b]), np.vstack([a, b]),
                              np.dstack([a, b]), np.column_stack([a, b]),
                              cnp.array([a, b])),
       ((M, M),), ("stack", "hstack", "vstack", "dstack", "column_stack", "array")),
    _c("splits", lambda x: (*np.split(x, 2, axis=1), *np.array_split(x, 3, axis=1),
                            *np.hsplit(x, 2), *np.vsplit(x[:2], 2), *np.dsplit(x, 2)),
       ((T,),), ("split", "array_split", "hsplit", "vsplit", "dsplit")),
    _c("repeat-tile-pad", lambda x: (np.repeat(x, 2, axis=0), np.tile(x, (2, 1)),
                                     np.pad(x, 1), cnp.asarray([x[0], x[1]])),
       ((M,),), ("repeat", "tile", "pad", "asarray")),
    _c("take", lambda x: (np.take(x, [2, 0, 2], axis=1), np.take_along_axis(x, _IDX, 0),
                          cnp.index_update(x, (0, 1), x[1, 2] * 2.0)),
       ((M,),), ("take", "take_along_axis", "index_update")),
    _c("triangles", lambda x: (np.tril(x), np.triu(x, 1), np.diag(x[0]), np.diagonal(x),
                               np.trace(x)),
       ((M,),), ("tril", "triu", "diag", "diagonal", "trace")),
    _c("where", lambda x, y: np.where(np.real(x) > 0, x, y * 2.0), ((M, M),), ("where",)),
    _c("average", lambda x, w: np.average(x, axis=0, weights=np.abs(w) + 1.0), ((M, M),),
       ("average",)),
    _c("nan-reductions", lambda x: (np.nancumsum(x, axis=1), np.nanprod(x, axis=0),
                                    np.nanstd(x, axis=1)),
       ((M,),), ("nancumsum", "nanprod", "nanstd")),
    _c("ediff1d", lambda x: np.ediff1d(x, to_begin=x[:1]), (((3,),),), ("ediff1d",)),
]
