"""Specs of differences, grids and interpolation: diff, ediff1d, gradient, trapezoid,
cumulative_sum, cumulative_prod and interp."""

from __future__ import annotations

import numpy as np

from tests.specs.base import Spec

S, V, M, T = (), (5,), (3, 4), (2, 3, 4)
_XP = np.array([-1.5, -0.2, 0.4, 1.1, 1.9])  # constant knots
_COORDS = np.array([0.0, 0.3, 0.5, 1.1, 1.6])  # non-uniform constant coordinates


def _increasing(rng, shapes):
    """Strictly increasing 1-d coordinates with spacings in [0.2, 1]."""
    return [np.cumsum(rng.uniform(0.2, 1.0, size=s)) for s in shapes]


def _between_knots(rng, shapes):
    """Points inside the knots' range, at least 0.05 away from every knot, and values."""
    x = rng.uniform(-1.4, 1.8, size=shapes[0])
    near = np.abs(x[..., None] - _XP).min(axis=-1) < 0.05
    x = np.where(near, x + 0.1, x)
    return [x, *(rng.uniform(-2, 2, size=s) for s in shapes[1:])]


def _points_and_knots(rng, shapes):
    """Points and increasing knots, the points well inside segments."""
    xp = np.cumsum(rng.uniform(0.5, 1.0, size=shapes[1]))
    x = xp[:-1] + (xp[1:] - xp[:-1]) * rng.uniform(0.2, 0.8, size=shapes[1][0] - 1)
    return [x[: shapes[0][0]], xp, rng.uniform(-2, 2, size=shapes[2])]


def _like(f):
    """The result cast back to the input's dtype (interp always returns float64)."""
    return lambda *a: f(*a).astype(a[0].dtype)


def _pos_first(rng, shapes):
    return [rng.uniform(0.5, 2.0, size=s) for s in shapes]


SPECS = [
    Spec("diff", np.diff, np.diff, ((V,), (M,), (T,)), ("getitem", "subtract")),
    Spec("diff-n-axis", lambda a: np.diff(a, n=2, axis=0), lambda a: np.diff(a, n=2, axis=0),
         ((V,), (M,), (T,)), ("getitem",)),
    Spec("diff-prepend-append", lambda a, p, q: np.diff(a, prepend=p, append=q),
         lambda a, p, q: np.diff(a, prepend=p, append=q), ((V, S, (2,)), (M, (3, 1), S)),
         ("concatenate", "broadcast_to")),
    Spec("ediff1d", lambda a, b: np.ediff1d(a, to_begin=b, to_end=[7.0]),
         lambda a, b: np.ediff1d(a, to_begin=b, to_end=[7.0]), ((V, S), (M, (2,))),
         ("concatenate",)),
    Spec("gradient", np.gradient, np.gradient, ((V,), (M,), (T,)), ("concatenate",)),
    Spec("gradient-spacing", lambda f, h: np.gradient(f, h, edge_order=2),
         lambda f, h: np.gradient(f, h, edge_order=2), ((V, S), (M, S)), ("divide",),
         sample=lambda rng, shapes: [rng.uniform(-2, 2, shapes[0]), rng.uniform(0.5, 2, ())]),
    Spec("gradient-coords", lambda f: np.gradient(f, _COORDS, axis=-1),
         lambda f: np.gradient(f, _COORDS, axis=-1), ((V,), ((3, 5),)), ("multiply",)),
    Spec("gradient-coords-edge2", lambda f: np.gradient(f, 0.5, _COORDS, edge_order=2),
         lambda f: np.gradient(f, 0.5, _COORDS, edge_order=2), (((3, 5),),), ("multiply",)),
    Spec("gradient-traced-coords", lambda f, x: np.gradient(f, x, edge_order=2),
         lambda f, x: np.gradient(f, x, edge_order=2), ((V, V),), ("divide", "getitem"),
         sample=lambda rng, shapes: [rng.uniform(-2, 2, shapes[0]),
                                     *_increasing(rng, shapes[1:])]),
    Spec("gradient-traced-coords-edge1", lambda f, x: np.gradient(f, x, axis=0),
         lambda f, x: np.gradient(f, x, axis=0), (((5, 2), V),), ("divide",),
         sample=lambda rng, shapes: [rng.uniform(-2, 2, shapes[0]),
                                     *_increasing(rng, shapes[1:])]),
    Spec("trapezoid", np.trapezoid, np.trapezoid, ((V,), (M,), (T,)), ("sum",)),
    Spec("trapezoid-x", lambda y, x: np.trapezoid(y, x, axis=0),
         lambda y, x: np.trapezoid(y, x, axis=0), (((5, 2), V), (M, (3,))), ("sum", "getitem")),
    Spec("trapezoid-x-nd", lambda y, x: np.trapezoid(y, x), lambda y, x: np.trapezoid(y, x),
         ((M, M),), ("sum",)),
    Spec("trapezoid-dx", lambda y, d: np.trapezoid(y, dx=d), lambda y, d: np.trapezoid(y, dx=d),
         ((V, S),), ("sum",)),
    Spec("cumulative_sum", lambda x: np.cumulative_sum(x, include_initial=True),
         lambda x: np.cumulative_sum(x, include_initial=True), ((V,),), ("cumsum",)),
    Spec("cumulative_sum-axis", lambda x: np.cumulative_sum(x, axis=1),
         lambda x: np.cumulative_sum(x, axis=1), ((M,), (T,)), ("cumsum",)),
    Spec("cumulative_prod", lambda x: np.cumulative_prod(x, axis=0, include_initial=True),
         lambda x: np.cumulative_prod(x, axis=0, include_initial=True), ((V,), (M,)),
         ("cumprod",), sample=_pos_first),
    Spec("interp", _like(lambda x, fp: np.interp(x, _XP, fp)),
         _like(lambda x, fp: np.interp(x, _XP, fp)),
         ((S, V), ((7,), V), ((2, 3), V)), ("getitem", "where"), sample=_between_knots),
    Spec("interp-outside", _like(lambda x, fp: np.interp(x * 2.0, _XP, fp, left=-3.0)),
         _like(lambda x, fp: np.interp(x * 2.0, _XP, fp, left=-3.0)), (((9,), V),), ("where",),
         sample=_between_knots),
    Spec("interp-left-right", _like(lambda x, lo, hi: np.interp(x * 3.0, _XP, _XP**2, lo, hi)),
         _like(lambda x, lo, hi: np.interp(x * 3.0, _XP, _XP**2, lo, hi)), (((9,), S, S),),
         ("where",), sample=_between_knots),
    Spec("interp-knots", _like(np.interp), _like(np.interp), (((3,), (4,), (4,)),),
         ("getitem", "divide"), sample=_points_and_knots),
    Spec("interp-period", _like(lambda x, fp: np.interp(x, _XP, fp, period=3.0)),
         _like(lambda x, fp: np.interp(x, _XP, fp, period=3.0)), (((6,), V),), ("remainder",),
         sample=_between_knots),
]
