"""Complex specs of the added NumPy functions that are holomorphic compositions (linear maps,
products, sin/divide): the checks differentiate along real and imaginary directions."""

from __future__ import annotations

import numpy as np

import chainrule.numpy as cnp
from tests.specs.base import Spec

S, V, M = (), (4,), (3, 4)


def _c(name, fn, ref, shapes, prims, **kw):
    return Spec(f"complex-{name}", fn, ref, shapes, prims, complex=True, **kw)


SPECS = [
    _c("linspace", lambda a, b: np.linspace(a, b, 4), lambda a, b: np.linspace(a, b, 4),
       ((S, S), (V, V)), ("concatenate", "index_update")),
    _c("full", lambda v: cnp.full((2, 2), v), lambda v: np.full((2, 2), v), ((S,),),
       ("broadcast_to",)),
    _c("full_like", lambda x: np.full_like(x, x[0]), lambda x: np.full_like(x, x[0]), ((V,),),
       ("broadcast_to",)),
    _c("meshgrid", lambda x, y: np.meshgrid(x, y), lambda x, y: np.meshgrid(x, y),
       ((V, (3,)),), ("broadcast_to",)),
    _c("diff", lambda a: np.diff(a, n=2, axis=0, append=a[:1]),
       lambda a: np.diff(a, n=2, axis=0, append=a[:1]), ((V,), (M,)), ("getitem",)),
    _c("gradient", lambda f: np.gradient(f, 0.5, edge_order=2),
       lambda f: np.gradient(f, 0.5, edge_order=2), ((V,), (M,)), ("concatenate",)),
    _c("trapezoid", np.trapezoid, np.trapezoid, ((V,), (M,)), ("sum",)),
    _c("cumulative_sum", lambda x: np.cumulative_sum(x, include_initial=True),
       lambda x: np.cumulative_sum(x, include_initial=True), ((V,),), ("cumsum",)),
    _c("cumulative_prod", lambda x: np.cumulative_prod(x, axis=1),
       lambda x: np.cumulative_prod(x, axis=1), ((M,),), ("cumprod",), domain=(0.5, 1.5)),
    _c("append", np.append, np.append, ((V, S),), ("concatenate",)),
    _c("rot90", np.rot90, np.rot90, ((M,),), ("transpose",)),
    _c("select", lambda x: np.select([np.real(x) > 0], [x * x], x),
       lambda x: np.select([np.real(x) > 0], [x * x], x), ((V,),), ("where",)),
    _c("r_", lambda a, b: cnp.r_[a, b], lambda a, b: np.r_[a, b], ((V, (2,)),),
       ("concatenate",)),
    _c("polyval", np.polyval, np.polyval, (((3,), V),), ("multiply",)),
    _c("vander", lambda x: np.vander(x, 3).astype(x.dtype),  # complex64 -> complex128 in NumPy
       lambda x: np.vander(x, 3).astype(x.dtype), ((V,),), ("cumprod",),
       domain=(0.5, 1.5)),
    _c("cross", np.cross, np.cross, (((3,), (3,)), ((2, 3), (3,))), ("multiply",)),
    _c("sinc", np.sinc, np.sinc, ((V,),), ("sin", "divide"), domain=(0.3, 1.0)),
    _c("nansum", lambda x: np.nansum(x, axis=0), lambda x: np.nansum(x, axis=0), ((M,),),
       ("sum",)),
    _c("nanmean", np.nanmean, np.nanmean, ((M,),), ("sum",)),
    _c("nancumprod", np.nancumprod, np.nancumprod, ((V,),), ("cumprod",), domain=(0.5, 1.5)),
]


def _nonfinite(rng, shapes):
    x = rng.uniform(-2, 2, size=shapes[0]) + 1j * rng.uniform(-2, 2, size=shapes[0])
    # non-finite real parts only: finite differences along 1j would mix an infinite imaginary
    # part into the real part
    x[:3] = [complex(np.nan, 1.0), complex(np.inf, 0.5), complex(-np.inf, -0.5)]
    return [x]


def _finite(x):
    # finite replacements: the default +-1.8e308 would overflow the checks' sums
    return np.nan_to_num(x, posinf=9.0, neginf=-9.0)


_XP = np.array([-1.5, -0.2, 0.4, 1.1, 1.9])

SPECS += [
    _c("interp-fp", lambda fp: np.interp(np.array([-1.0, 0.3, 1.5]), _XP, fp).astype(fp.dtype),
       lambda fp: np.interp(np.array([-1.0, 0.3, 1.5]), _XP, fp).astype(fp.dtype), (((5,),),),
       ("where",)),
    _c("histogram-weights", lambda w: np.histogram(np.arange(5.0), bins=2, weights=w)[0],
       lambda w: np.histogram(np.arange(5.0), bins=2, weights=w)[0], (((5,),),),
       ("scatter_add",)),
    _c("nan_to_num", _finite, _finite, (((5,),),), ("where",), sample=_nonfinite),
    _c("median", np.median, np.median, (((5,),), ((4,),)), ("getitem",)),
    _c("nanvar", np.nanvar, np.nanvar, ((M,),), ("sum",)),
]
