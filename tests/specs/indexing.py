"""Specs of the indexing family: getitem, scatter_add, index_update, take, sort."""

from __future__ import annotations

import numpy as np

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.backend import device
from chainrule.ops.gather_along import gather_along, scatter_along
from chainrule.ops.getitem import _scatter_add
from chainrule.ops.indexing import _permute
from chainrule.ops.portable_b import xp_of
from tests.specs.base import Spec

V, M, T = (5,), (3, 4), (2, 3, 4)
MASK = np.array([[True, False, True, True], [False, False, True, False], [True, True, False, True]])
REPEATED = np.array([2, 0, 2, 2, 1])
PERM = np.array([[2, 0, 3, 1], [0, 1, 2, 3], [3, 2, 1, 0]])  # along axis 1 of an M array
ALONG = np.array([[0, 0], [3, 1], [2, 2]])  # positions along axis 1 of an M array, repeated


def _updated(index):
    """The NumPy reference of ``index_update``: copy, then assign."""

    def ref(x, v):
        y = x.copy()
        y[index] = v
        return y

    return ref


def _permuted(x):
    """``PERM`` along axis 1, the permutation given in ``x``'s own library (as sort does)."""
    return _permute(x, perm=_in_library(x, PERM),
                    inverse=_in_library(x, np.argsort(PERM, axis=1)), axis=1)


def _in_library(x, a):
    """The NumPy constant ``a`` in ``x``'s library, on its device (NumPy's ``a`` for NumPy)."""
    xp = xp_of(x)
    return a if xp is None else xp.asarray(a, device=device(x))


def _scatter_along_ref(g):
    out = np.zeros((3, 4), dtype=g.dtype)
    for i, j in np.ndindex(ALONG.shape):
        out[i, ALONG[i, j]] += g[i, j]
    return out


def _scatter_ref(g):
    out = np.zeros(5, dtype=g.dtype)
    np.add.at(out, REPEATED, g)
    return out


def _distinct(rng, shapes):
    """Inputs without ties (sort is not differentiable at ties)."""
    out = []
    for s in shapes:
        n = int(np.prod(s))
        out.append((rng.permutation(n) + rng.uniform(0.1, 0.9, n)).reshape(s) / n)
    return out


SPECS = [
    Spec("getitem-int", lambda x: x[1], lambda x: x[1], ((V,), (M,), (T,)), ("getitem",)),
    Spec("getitem-slices", lambda x: x[1:, None, ::-2], lambda x: x[1:, None, ::-2],
         ((M,), (T,)), ("getitem",)),
    Spec("getitem-ellipsis", lambda x: cnp.getitem(x, (..., 0, None)),
         lambda x: x[..., 0, None], ((V,), (T,)), ("getitem",)),
    Spec("getitem-empty-tuple", lambda x: cnp.getitem(x, ()), lambda x: x[()], (((),), (M,)),
         ("getitem",)),
    Spec("getitem-int-array", lambda x: cnp.getitem(x, [2, 0, 2, -1]),
         lambda x: x[[2, 0, 2, -1]], (((3,),), (M,)), ("getitem",)),
    Spec("getitem-2d-int-arrays", lambda x: x[np.array([[0, 2], [2, 2]]), np.array([1, 1])],
         lambda x: x[np.array([[0, 2], [2, 2]]), np.array([1, 1])], ((M,), ((3, 2, 2),)),
         ("getitem",)),
    Spec("getitem-mask", lambda x: x[MASK], lambda x: x[MASK], ((M,), ((3, 4, 2),)),
         ("getitem",)),
    Spec("getitem-mask-values", lambda x: x[x > 0], lambda x: x[x > 0], ((V,), (M,)),
         ("getitem",)),
    Spec("getitem-mixed", lambda x: x[1:, [0, 0, 2], None], lambda x: x[1:, [0, 0, 2], None],
         ((M,), (T,)), ("getitem",)),
    Spec("getitem-separated-arrays", lambda x: x[[1, 0], :, [3, 3]],
         lambda x: x[[1, 0], :, [3, 3]], ((T,),), ("getitem",)),
    Spec("scatter_add", lambda g: _scatter_add(g, index=REPEATED, shape=(5,), unique=False),
         _scatter_ref, (((5,),),), ("scatter_add",)),
    Spec("permute_along", _permuted,  # sort's primitive for other libraries' arrays
         lambda x: np.take_along_axis(x, PERM, 1), ((M,),), ("permute_along",)),
    Spec("gather_along",  # take_along_axis at another library's indices
         lambda x: gather_along(x, idx=_in_library(x, ALONG), axis=1, size=4),
         lambda x: np.take_along_axis(x, ALONG, 1), ((M,),), ("gather_along",)),
    Spec("scatter_along", lambda g: scatter_along(g, idx=_in_library(g, ALONG), axis=1, size=4),
         _scatter_along_ref, (((3, 2),),), ("scatter_along",)),
    Spec("index_update-row", lambda x, v: cnp.index_update(x, 1, v), _updated(1),
         ((M, ()), (M, (4,)), (M, (1, 4))), ("index_update",)),
    Spec("index_update-slice", lambda x, v: cnp.index_update(x, (slice(None), 0), v),
         _updated((slice(None), 0)), ((M, (3,)), (T, (2, 4))), ("index_update",)),
    Spec("index_update-repeated", lambda x, v: cnp.index_update(x, [2, 0, 2], v),
         _updated([2, 0, 2]), (((4,), (3,)), (M, (3, 4)), (M, (4,)), (M, ())),
         ("index_update",)),
    Spec("index_update-mask", lambda x, v: cnp.index_update(x, MASK, v), _updated(MASK),
         ((M, ()), (M, (7,))), ("index_update",)),
    Spec("index_update-constant-x",
         lambda v: cnp.index_update(np.zeros(M, v.dtype), (0, [1, 3]), v),
         lambda v: _updated((0, [1, 3]))(np.zeros(M, v.dtype), v), (((2,),),),
         ("index_update",)),
    Spec("take", lambda x: cnp.take(x, [[0, 3], [3, 3]]), lambda x: np.take(x, [[0, 3], [3, 3]]),
         ((V,), (M,)), ("getitem", "reshape")),
    Spec("take-axis", lambda x: cnp.take(x, [2, -1, 2], axis=-1),
         lambda x: np.take(x, [2, -1, 2], axis=-1), ((M,), (T,)), ("getitem",)),
    Spec("take-wrap", lambda x: cnp.take(x, [5, -6], axis=0, mode="wrap"),
         lambda x: np.take(x, [5, -6], axis=0, mode="wrap"), ((V,),), ("getitem",)),
    Spec("take_along_axis", lambda x: cnp.take_along_axis(x, np.array([[0, 0], [3, 1]]), 1),
         lambda x: np.take_along_axis(x, np.array([[0, 0], [3, 1]]), 1), (((2, 4),),),
         ("getitem",)),
    Spec("take_along_axis-argsort",
         lambda x: cnp.take_along_axis(x, cnp.argsort(cr.stop_gradient(x), axis=0), axis=0),
         lambda x: np.take_along_axis(x, np.argsort(x, axis=0), axis=0), ((M,), (T,)),
         ("getitem",), sample=_distinct),
    Spec("sort", cnp.sort, np.sort, ((V,), (M,), (T,)), ("getitem",), sample=_distinct),
    Spec("sort-axis", lambda x: cnp.sort(x, axis=0), lambda x: np.sort(x, axis=0), ((M,), (T,)),
         ("getitem",), sample=_distinct),
    Spec("sort-flat", lambda x: cnp.sort(x, axis=None), lambda x: np.sort(x, axis=None),
         ((M,),), ("getitem", "reshape"), sample=_distinct),
]
