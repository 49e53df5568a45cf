"""Specs of creation and counting with traced values: linspace, logspace, geomspace, full,
full_like, meshgrid, unique, histogram and bincount (weights)."""

from __future__ import annotations

import numpy as np

import chainrule.numpy as cnp
from tests.specs.base import Spec

S, V, M = (), (4,), (2, 3)
_SAMPLES = np.array([0.1, 0.35, 0.6, 0.62, 0.9, 1.4])  # constant sample positions
_BINS = np.array([0, 3, 1, 1, 4])


def _distinct(rng, shapes):
    return [((rng.permutation(int(np.prod(s))) + rng.uniform(0.1, 0.9, int(np.prod(s))))
             .reshape(s)) for s in shapes]


def _like(f):
    """The result cast back to the input's dtype (functions that always return float64)."""
    return lambda *a: f(*a).astype(a[0].dtype)


SPECS = [
    Spec("linspace", lambda a, b: np.linspace(a, b, 5), lambda a, b: np.linspace(a, b, 5),
         ((S, S), (V, V), (S, V)), ("concatenate", "index_update")),
    Spec("linspace-no-endpoint-axis", lambda a, b: np.linspace(a, b, 4, endpoint=False, axis=-1),
         lambda a, b: np.linspace(a, b, 4, endpoint=False, axis=-1), ((V, V), (M, S)),
         ("transpose",)),
    Spec("linspace-retstep", lambda a, b: np.linspace(a, b, 3, retstep=True),
         lambda a, b: np.linspace(a, b, 3, retstep=True), ((S, S), (V, S)), ("divide",)),
    Spec("linspace-constant-start", lambda b: np.linspace(1.0, b, 3),
         lambda b: np.linspace(1.0, b, 3), ((S,), (V,)), ("subtract",)),
    Spec("logspace", lambda a, b: np.logspace(a, b, 4), lambda a, b: np.logspace(a, b, 4),
         ((S, S), (V, V)), ("power",), domain=(-1.0, 1.0)),
    Spec("logspace-base", _like(lambda a, b: np.logspace(0.5, a, 3, base=b)),
         _like(lambda a, b: np.logspace(0.5, a, 3, base=b)), ((S, S), (V, V)), ("power",),
         domain=(0.5, 2.0)),
    Spec("geomspace", _like(lambda a, b: np.geomspace(a, b, 4)),
         _like(lambda a, b: np.geomspace(a, b, 4)), ((S, S), (V, V)), ("log10",),
         domain=(0.5, 3.0)),
    Spec("geomspace-negative", _like(lambda a, b: np.geomspace(-a, -b, 3, endpoint=False)),
         _like(lambda a, b: np.geomspace(-a, -b, 3, endpoint=False)), ((S, S),), ("log10",),
         domain=(0.5, 3.0)),
    Spec("full", lambda v: cnp.full((2, 3), v), lambda v: np.full((2, 3), v), ((S,), ((3,),)),
         ("broadcast_to",)),
    Spec("full_like", lambda x, v: np.full_like(x, v), lambda x, v: np.full_like(x, v),
         ((M, S), (M, (3,))), ("broadcast_to",)),
    Spec("full_like-self", lambda x: np.full_like(x, x[0]), lambda x: np.full_like(x, x[0]),
         ((V,),), ("broadcast_to", "getitem")),
    Spec("meshgrid", lambda x, y: np.meshgrid(x, y), lambda x, y: np.meshgrid(x, y),
         ((V, (3,)),), ("broadcast_to", "reshape")),
    Spec("meshgrid-ij-sparse", lambda x, y: np.meshgrid(x, y, indexing="ij", sparse=True),
         lambda x, y: np.meshgrid(x, y, indexing="ij", sparse=True),
         ((V, (3,)),), ("reshape",)),
    Spec("meshgrid-ij", lambda x: np.meshgrid(x, x, indexing="ij"),
         lambda x: np.meshgrid(x, x, indexing="ij"), ((V,),), ("broadcast_to",)),
    Spec("unique", np.unique, np.unique, ((V,), (M,)), ("getitem",), sample=_distinct),
    # repeated entries (ties) that finite differences move together, so they stay tied
    Spec("unique-ties", lambda x: np.unique(cnp.concatenate([x, x[::-1], x[:2]]),
                                            return_counts=True)[0],
         lambda x: np.unique(np.concatenate([x, x[::-1], x[:2]]), return_counts=True)[0],
         (((5,),),), ("getitem", "concatenate"), sample=_distinct),
    Spec("unique-axis", lambda x: np.unique(np.concatenate([x, x]), axis=0),
         lambda x: np.unique(np.concatenate([x, x]), axis=0), ((M,),), ("getitem",),
         sample=_distinct),
    Spec("histogram-weights", lambda w: np.histogram(_SAMPLES, bins=3, weights=w)[0],
         lambda w: np.histogram(_SAMPLES, bins=3, weights=w)[0], (((6,),),), ("scatter_add",)),
    Spec("histogram-weights-edges",
         _like(lambda w: np.histogram(_SAMPLES, bins=[0.0, 0.5, 0.62, 1.0], weights=w,
                                      density=True)[0]),
         _like(lambda w: np.histogram(_SAMPLES, bins=[0.0, 0.5, 0.62, 1.0], weights=w,
                                      density=True)[0]),
         (((6,),),), ("scatter_add",), domain=(0.5, 2.0)),
    Spec("bincount-weights", _like(lambda w: np.bincount(_BINS, weights=w, minlength=6)),
         _like(lambda w: np.bincount(_BINS, weights=w, minlength=6)), (((5,),),),
         ("scatter_add", "astype")),
]
