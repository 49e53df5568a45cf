"""Specs of moved pieces, polynomials and small elementwise functions: append, rot90,
rollaxis, select, hsplit/vsplit/dsplit, row_stack, r_, c_, polyval, vander, cross, sinc, fabs,
nan_to_num."""

from __future__ import annotations

import warnings

import numpy as np

import chainrule.numpy as cnp
from tests.specs.base import Spec

S, V, M, T = (), (4,), (3, 4), (2, 3, 4)
_C = np.array([1.0, -2.0, 0.5])
_MASK = np.array([0.0, 1.0, 0.0])  # zeros: sinc's removable singularity, to second order


def _like(f):
    """The result cast back to the input's dtype (vander promotes float32 to float64)."""
    return lambda *a: f(*a).astype(a[0].dtype)


def _quiet(f):
    """``f`` with NumPy 2's deprecation warnings (row_stack, 2-vector cross) silenced."""
    def run(*args):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return f(*args)
    return run


def _away_from_zero(rng, shapes):
    return [rng.choice([-1.0, 1.0], size=s) * rng.uniform(0.2, 2.0, size=s) for s in shapes]


def _with_nonfinite(rng, shapes):
    x = rng.uniform(-2, 2, size=shapes[0])
    x.reshape(-1)[:3] = [np.nan, np.inf, -np.inf]
    return [x, *(rng.uniform(-2, 2, size=s) for s in shapes[1:])]


def _finite(x):
    # finite replacements: the default +-1.8e308 would overflow the checks' sums
    return np.nan_to_num(x, posinf=9.0, neginf=-9.0)


def _select(x):
    return np.select([x < -0.5, x > 0.5], [x * 2.0, x ** 2], default=-x)


def _splits(fn, sections):
    return lambda x: [p * (i + 1) for i, p in enumerate(fn(x, sections))]


SPECS = [
    Spec("append", np.append, np.append, ((V, S), (M, V)), ("concatenate", "reshape")),
    Spec("append-axis", lambda a, b: np.append(a, b, axis=0),
         lambda a, b: np.append(a, b, axis=0), ((M, (1, 4)),), ("concatenate",)),
    *[Spec(f"rot90-{k}", lambda m, k=k: np.rot90(m, k), lambda m, k=k: np.rot90(m, k),
           ((M,), (T,)), ("getitem", "transpose")) for k in (1, 2, 3, 4)],
    Spec("rot90-axes", lambda m: np.rot90(m, -1, axes=(2, 0)),
         lambda m: np.rot90(m, -1, axes=(2, 0)), ((T,),), ("transpose",)),
    Spec("rollaxis", lambda a: np.rollaxis(a, 2), lambda a: np.rollaxis(a, 2), ((T,),),
         ("transpose",)),
    Spec("rollaxis-start", lambda a: np.rollaxis(a, 0, 3), lambda a: np.rollaxis(a, 0, 3),
         ((T,),), ("transpose",)),
    Spec("select", _select, _select, ((V,), (M,)), ("where",), sample=_away_from_zero),
    Spec("select-traced-default", lambda x, d: np.select([x > 0], [x], d),
         lambda x, d: np.select([x > 0], [x], d), ((M, S), (M, V)), ("where",),
         sample=_away_from_zero),
    Spec("hsplit", _splits(np.hsplit, 2), _splits(np.hsplit, 2), ((V,), (M,)), ("getitem",)),
    Spec("vsplit", _splits(np.vsplit, [1]), _splits(np.vsplit, [1]), ((M,), (T,)),
         ("getitem",)),
    Spec("dsplit", _splits(np.dsplit, [1, 3]), _splits(np.dsplit, [1, 3]), ((T,),),
         ("getitem",)),
    Spec("row_stack", _quiet(lambda a, b: np.row_stack([a, b])),
         _quiet(lambda a, b: np.row_stack([a, b])), ((V, V), (M, V)), ("concatenate",)),
    Spec("r_", lambda a, b: cnp.r_[a, 1.0, b, 2.5], lambda a, b: np.r_[a, 1.0, b, 2.5],
         ((V, (2,)), (S, V)), ("concatenate",)),
    Spec("r_-axis", lambda a, b: cnp.r_["-1", a, b], lambda a, b: np.r_["-1", a, b],
         ((M, (3, 2)),), ("concatenate",)),
    Spec("r_-ndmin", lambda a, b: cnp.r_["0,2,0", a, b], lambda a, b: np.r_["0,2,0", a, b],
         ((V, (2,)),), ("concatenate", "reshape")),
    Spec("c_", lambda a, b: cnp.c_[a, b], lambda a, b: np.c_[a, b], ((V, V), (M, M)),
         ("concatenate", "reshape")),
    Spec("polyval", lambda x: np.polyval(_C.astype(x.dtype), x),
         lambda x: np.polyval(_C.astype(x.dtype), x),
         ((S,), (V,), (M,)), ("multiply", "add")),
    Spec("polyval-coefficients", np.polyval, np.polyval, (((4,), S), ((3,), V)),
         ("multiply",)),
    Spec("vander", _like(np.vander), _like(np.vander), ((V,),), ("cumprod", "concatenate")),
    Spec("vander-increasing", _like(lambda x: np.vander(x, 3, increasing=True)),
         _like(lambda x: np.vander(x, 3, increasing=True)), ((V,),), ("cumprod",)),
    Spec("cross-axis", lambda a, b: np.cross(a, b, axis=0),
         lambda a, b: np.cross(a, b, axis=0), (((3, 4), (3, 4)),), ("multiply",)),
    Spec("cross-2d", _quiet(np.cross), _quiet(np.cross),
         (((2,), (2,)), ((2,), (3,)), ((4, 3), (2,))), ("multiply",)),
    Spec("sinc", np.sinc, np.sinc, ((S,), (V,), (M,)), ("sin", "divide")),
    Spec("sinc-at-zero", lambda x: np.sinc(x * _MASK.astype(x.dtype)),
         lambda x: np.sinc(x * _MASK.astype(x.dtype)), (((3,),),), ("where",)),
    Spec("fabs", np.fabs, np.fabs, ((V,), (M,)), ("absolute",), sample=_away_from_zero,
         order=1),
    Spec("nan_to_num", _finite, _finite, ((V,), (M,)), ("where",),
         sample=_with_nonfinite),
    Spec("nan_to_num-traced-values", lambda x, v, p: np.nan_to_num(x, nan=v, posinf=p),
         lambda x, v, p: np.nan_to_num(x, nan=v, posinf=p), ((V, S, S),), ("where",),
         sample=_with_nonfinite),
]
