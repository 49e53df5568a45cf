"""Specs of the reductions (ops/reduce.py, ops/cumulative.py, ops/norm.py).

Every reduction is checked over a grid of axis / keepdims variants: axis None on scalar, vector,
matrix and 3-d inputs; an int, a negative int and tuples (in either order) with and without
keepdims. Functions are called as users write them (``np.max(x, axis=1)``), which also checks
NumPy's dispatch. max/min-type functions get inputs with well separated values (no ties, and
finite differences never change the argmax); products get inputs away from zero (the exact-zero
cases are in tests/test_reduce.py, against analytic values).
"""

import numpy as np

import chainrule.numpy as cnp
from tests.specs.base import Spec

ALL = (((),), ((4,),), ((3, 4),), ((2, 3, 4),))
# (suffix, axis, keepdims, shapes)
VARIANTS = (
    ("", None, False, ALL),
    ("keepdims", None, True, (((3, 4),), ((2, 3, 4),))),
    ("axis1", 1, False, (((3, 4),), ((2, 3, 4),))),
    ("axis-1-keepdims", -1, True, (((4,),), ((3, 4),), ((2, 3, 4),))),
    ("axis0", 0, False, (((4,),), ((3, 4),))),
    ("axes02", (0, 2), False, (((2, 3, 4),),)),
    ("axes-10-keepdims", (-1, 0), True, (((2, 3, 4),),)),
)


# --- samplers -----------------------------------------------------------------------------
def _separated(rng, shapes):
    """Distinct values at least 0.3 apart (a shuffled lattice, jittered), both signs."""
    out = []
    for s in shapes:
        n = int(np.prod(s, dtype=int))
        values = (rng.permutation(n) - n / 2) * 0.5 + rng.uniform(-0.1, 0.1, size=n)
        out.append(values.reshape(s))
    return out


def _abs_separated(rng, shapes):
    """Distinct absolute values, at least 0.3 apart and 0.2 from zero, random signs."""
    out = []
    for s in shapes:
        n = int(np.prod(s, dtype=int))
        mags = 0.3 + rng.permutation(n) * 0.4 + rng.uniform(-0.1, 0.1, size=n)
        out.append((rng.choice([-1.0, 1.0], size=n) * mags).reshape(s))
    return out


def _nonzero(rng, shapes):
    """Magnitudes in [0.6, 1.4], random signs: products of 24 entries stay moderate."""
    return [rng.choice([-1.0, 1.0], size=s) * rng.uniform(0.6, 1.4, size=s) for s in shapes]


def _positive_second(rng, shapes):
    """First operand in (-2, 2), second (weights) in (0.5, 2)."""
    a, w = shapes
    return [rng.uniform(-2.0, 2.0, size=a), rng.uniform(0.5, 2.0, size=w)]


# --- the grid -----------------------------------------------------------------------------
def _grid(name, np_f, prims, *, sample=None, ref=None, extra=None, order=2, kink=False,
          variants=VARIANTS):
    """One spec per axis/keepdims variant for ``np_f(x, axis=..., keepdims=...)``."""
    ref_f = ref or np_f
    kw = extra or {}
    specs = []
    for suffix, axis, keepdims, shapes in variants:
        specs.append(Spec(
            name=f"{name}-{suffix}" if suffix else name,
            fn=lambda x, axis=axis, keepdims=keepdims: np_f(x, axis=axis, keepdims=keepdims,
                                                             **kw),
            ref=lambda x, axis=axis, keepdims=keepdims: ref_f(x, axis=axis, keepdims=keepdims,
                                                               **kw),
            shapes=shapes, prims=prims, sample=sample, order=order, kink=kink,
        ))
    return specs


def _lse(x, axis=None, keepdims=False):
    return cnp.logsumexp(x, axis=axis, keepdims=keepdims)


def _lse_ref(x, axis=None, keepdims=False, b=None):
    """log(sum(b e^x)) shifted by the maximum: a NumPy reference (SciPy is optional)."""
    m = np.max(x, axis=axis, keepdims=True)
    s = np.sum(np.exp(x - m) * (1.0 if b is None else b), axis=axis, keepdims=True)
    out = np.log(s) + m
    return out if keepdims else np.squeeze(out, axis=axis)


_PAIR = (((3, 4),), ((2, 3, 4),))  # shapes for vector norms along an axis and matrix norms
SPECS = [
    *_grid("sum", np.sum, ("sum",)),
    *_grid("mean", np.mean, ("sum",)),
    *_grid("max", np.max, ("extremum",), sample=_separated),
    *_grid("min", np.min, ("extremum",), sample=_separated),
    *_grid("amax", np.amax, ("extremum",), sample=_separated, variants=VARIANTS[2:4]),
    *_grid("amin", np.amin, ("extremum",), sample=_separated, variants=VARIANTS[2:4]),
    *_grid("ptp", np.ptp, ("extremum",), sample=_separated),
    *_grid("prod", np.prod, ("prod",), sample=_nonzero),
    *_grid("var", np.var, ("sum",)),
    *_grid("var-ddof1", np.var, ("sum",), extra={"ddof": 1}, variants=VARIANTS[1:]),
    *_grid("std", np.std, ("sum",)),
    *_grid("std-ddof1", np.std, ("sum",), extra={"ddof": 1}, variants=VARIANTS[1:]),
    *_grid("average", np.average, ("sum",)),
    *_grid("logsumexp", _lse, ("sum",), ref=_lse_ref),
    Spec("logsumexp-b", lambda a, b: cnp.logsumexp(a, axis=1, b=b),
         lambda a, b: _lse_ref(a, axis=1, b=b),
         shapes=(((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 3, 4), (3, 1))), prims=("sum",),
         sample=_positive_second),
    Spec("average-weights", lambda a, w: np.average(a, weights=w),
         lambda a, w: np.average(a, weights=w), shapes=(((3, 4), (3, 4)), ((4,), (4,))),
         prims=("sum",), sample=_positive_second),
    Spec("average-weights-axis1", lambda a, w: np.average(a, axis=1, weights=w),
         lambda a, w: np.average(a, axis=1, weights=w), shapes=(((3, 4), (4,)),),
         prims=("sum",), sample=_positive_second),
    Spec("average-weights-axes20", lambda a, w: np.average(a, axis=(2, 0), weights=w),
         lambda a, w: np.average(a, axis=(2, 0), weights=w), shapes=(((2, 3, 4), (4, 2)),),
         prims=("sum",), sample=_positive_second),
    # running sums and products: axis None flattens
    Spec("cumsum", np.cumsum, np.cumsum, shapes=ALL, prims=("cumsum", "sum")),
    Spec("cumsum-axis1", lambda x: np.cumsum(x, axis=1), lambda x: np.cumsum(x, axis=1),
         shapes=_PAIR, prims=("cumsum",)),
    Spec("cumsum-axis-1", lambda x: x.cumsum(axis=-1), lambda x: np.cumsum(x, axis=-1),
         shapes=(((4,),), *_PAIR), prims=("cumsum",)),
    Spec("cumprod", np.cumprod, np.cumprod, shapes=ALL, prims=("cumprod", "cumsum"),
         sample=_nonzero),
    Spec("cumprod-axis0", lambda x: np.cumprod(x, axis=0), lambda x: np.cumprod(x, axis=0),
         shapes=(((4,),), *_PAIR), prims=("cumprod",), sample=_nonzero),
    Spec("cumprod-axis-1", lambda x: x.cumprod(axis=-1), lambda x: np.cumprod(x, axis=-1),
         shapes=_PAIR, prims=("cumprod",), sample=_nonzero),
    # vector norms (axis None on a vector, or one axis), then matrix norms
    Spec("norm", np.linalg.norm, np.linalg.norm, shapes=ALL, prims=("sum",)),
    *_grid("norm-2", lambda x, axis, keepdims: np.linalg.norm(x, 2, axis, keepdims),
           ("sum",), ref=lambda x, axis, keepdims: np.linalg.norm(x, 2, axis, keepdims),
           variants=(("axis1", 1, False, _PAIR), ("axis-1-keepdims", -1, True, _PAIR))),
]

for _ord, _sample in ((1, _abs_separated), (np.inf, _abs_separated),
                      (-np.inf, _abs_separated), (3, None), (0.5, _abs_separated),
                      (-1.5, _abs_separated), (0, None)):
    SPECS += [
        Spec(f"norm-vector-ord{_ord}", lambda x, o=_ord: np.linalg.norm(x, o),
             lambda x, o=_ord: np.linalg.norm(x, o), shapes=(((4,),),), prims=("sum",),
             sample=_sample),
        Spec(f"norm-vector-ord{_ord}-axis1-keepdims",
             lambda x, o=_ord: np.linalg.norm(x, o, axis=1, keepdims=True),
             lambda x, o=_ord: np.linalg.norm(x, o, axis=1, keepdims=True), shapes=_PAIR,
             prims=("sum", "extremum"), sample=_sample),
    ]

for _ord in ("fro", 1, -1, np.inf, -np.inf, 2, -2, "nuc"):
    _sample = None if _ord == "fro" else _abs_separated
    SPECS += [
        Spec(f"norm-matrix-ord{_ord}", lambda x, o=_ord: np.linalg.norm(x, o),
             lambda x, o=_ord: np.linalg.norm(x, o), shapes=(((3, 4),), ((4, 3),)),
             prims=("sum", "extremum"), sample=_sample),
        Spec(f"norm-matrix-ord{_ord}-axes20-keepdims",
             lambda x, o=_ord: np.linalg.norm(x, o, axis=(2, 0), keepdims=True),
             lambda x, o=_ord: np.linalg.norm(x, o, axis=(2, 0), keepdims=True),
             shapes=(((2, 3, 4),),), prims=("sum", "extremum"), sample=_sample),
    ]
