"""Every function chainrule.numpy treats as a constant, checked on a traced value: it is
piecewise constant (so a constant result, with zero derivative, is exact), or it raises. The
functions that used to be listed as constants although their values depend differentiably on a
traced argument are now differentiated, and are checked here against finite differences.

A name added to ``constant._NONDIFFERENTIABLE`` or ``constant._CREATION`` without an entry in
``CLASSIFIED`` fails ``test_every_constant_name_is_classified``.
"""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.ops import constant
from chainrule.tracer import Tracer

X = np.array([0.37, -1.24, 2.61, 0.83])  # generic: no ties, no value on a switching point
EDGES = np.array([-2.0, 0.0, 0.5, 1.0, 3.0])

PIECEWISE = "piecewise-constant"  # zero derivative wherever one exists (or depends on shape only)
DIFFERENTIATED = "differentiated"
RAISES = "raises"

# name -> (classification, how a traced x reaches it)
CLASSIFIED = {
    # comparisons and logic: boolean results
    "less": (PIECEWISE, lambda x: np.less(x, 0.5)),
    "less_equal": (PIECEWISE, lambda x: np.less_equal(x, 0.5)),
    "greater": (PIECEWISE, lambda x: np.greater(x, 0.5)),
    "greater_equal": (PIECEWISE, lambda x: np.greater_equal(x, 0.5)),
    "equal": (PIECEWISE, lambda x: np.equal(x, 0.5)),
    "not_equal": (PIECEWISE, lambda x: np.not_equal(x, 0.5)),
    "logical_and": (PIECEWISE, lambda x: np.logical_and(x, x - 0.5)),
    "logical_or": (PIECEWISE, lambda x: np.logical_or(x, 0.0)),
    "logical_not": (PIECEWISE, lambda x: np.logical_not(x)),
    "logical_xor": (PIECEWISE, lambda x: np.logical_xor(x, x - 0.5)),
    "isfinite": (PIECEWISE, lambda x: np.isfinite(x)),
    "isnan": (PIECEWISE, lambda x: np.isnan(x)),
    "isinf": (PIECEWISE, lambda x: np.isinf(x)),
    "isposinf": (PIECEWISE, lambda x: np.isposinf(x)),
    "isneginf": (PIECEWISE, lambda x: np.isneginf(x)),
    "signbit": (PIECEWISE, lambda x: np.signbit(x)),
    "iscomplex": (PIECEWISE, lambda x: np.iscomplex(x)),
    "isreal": (PIECEWISE, lambda x: np.isreal(x)),
    "isclose": (PIECEWISE, lambda x: np.isclose(x, X + 1.0)),
    "allclose": (PIECEWISE, lambda x: np.allclose(x, X + 1.0)),
    "array_equal": (PIECEWISE, lambda x: np.array_equal(x, X + 1.0)),
    "array_equiv": (PIECEWISE, lambda x: np.array_equiv(x, X + 1.0)),
    "any": (PIECEWISE, lambda x: np.any(x > 1.0)),
    "all": (PIECEWISE, lambda x: np.all(x)),
    "count_nonzero": (PIECEWISE, lambda x: np.count_nonzero(x > 0)),
    # rounding: piecewise constant
    "floor": (PIECEWISE, lambda x: np.floor(x)),
    "ceil": (PIECEWISE, lambda x: np.ceil(x)),
    "round": (PIECEWISE, lambda x: np.round(x, 1)),
    "around": (PIECEWISE, lambda x: np.around(x)),
    "rint": (PIECEWISE, lambda x: np.rint(x)),
    "trunc": (PIECEWISE, lambda x: np.trunc(x)),
    "fix": (PIECEWISE, lambda x: np.fix(x)),
    "floor_divide": (PIECEWISE, lambda x: np.floor_divide(x, 0.7)),
    "heaviside": (PIECEWISE, lambda x: np.heaviside(x, 0.5)),
    # positions and structure
    "argmax": (PIECEWISE, lambda x: np.argmax(x)),
    "argmin": (PIECEWISE, lambda x: np.argmin(x)),
    "argsort": (PIECEWISE, lambda x: np.argsort(x)),
    "argwhere": (PIECEWISE, lambda x: np.argwhere(x > 0)),
    "nonzero": (PIECEWISE, lambda x: np.nonzero(x > 0)),
    "flatnonzero": (PIECEWISE, lambda x: np.flatnonzero(x > 0)),
    "searchsorted": (PIECEWISE, lambda x: np.searchsorted(EDGES, x)),
    "digitize": (PIECEWISE, lambda x: np.digitize(x, EDGES)),
    "argpartition": (PIECEWISE, lambda x: np.argpartition(x, 1)),
    "nanargmax": (PIECEWISE, lambda x: np.nanargmax(x)),
    "nanargmin": (PIECEWISE, lambda x: np.nanargmin(x)),
    # depend on the shape and dtype only
    "shape": (PIECEWISE, lambda x: np.shape(x)),
    "ndim": (PIECEWISE, lambda x: np.ndim(x)),
    "size": (PIECEWISE, lambda x: np.size(x)),
    "result_type": (PIECEWISE, lambda x: np.result_type(x)),
    "iscomplexobj": (PIECEWISE, lambda x: np.iscomplexobj(x)),
    "isrealobj": (PIECEWISE, lambda x: np.isrealobj(x)),
    "zeros_like": (PIECEWISE, lambda x: np.zeros_like(x)),
    "ones_like": (PIECEWISE, lambda x: np.ones_like(x)),
    # its values are unspecified by NumPy: only the shape and dtype are defined
    "empty_like": (PIECEWISE, lambda x: np.empty_like(x).shape),
    # creation from sizes: a traced size or position raises (no silent constant)
    "zeros": (RAISES, lambda x: np.zeros(x[0])),
    "ones": (RAISES, lambda x: np.ones(x[0])),
    "empty": (RAISES, lambda x: np.empty(x[0])),
    "arange": (RAISES, lambda x: np.arange(x[0], 5.0)),
    "eye": (RAISES, lambda x: np.eye(x[2])),
    "identity": (RAISES, lambda x: np.identity(x[2])),
    "indices": (RAISES, lambda x: np.indices(x[:2])),
    "tri": (RAISES, lambda x: np.tri(x[2])),
}

# Formerly listed as constants; their values depend on the traced argument.
MOVED = {
    "full": lambda x: cnp.full((2, 2), x[0]),
    "full_like": lambda x: np.full_like(x, x[0]),
    "linspace": lambda x: np.linspace(x[0], x[1], 5),
    "logspace": lambda x: np.logspace(x[0], x[3], 4),
    "geomspace": lambda x: np.geomspace(x[2], x[3], 4),
    "meshgrid": lambda x: np.meshgrid(x[:2], x[1:]),
    "unique": lambda x: np.unique(x),
    "histogram": lambda x: np.histogram(np.arange(4.0), bins=2, weights=x)[0],
    "bincount": lambda x: np.bincount(np.array([1, 0, 1, 3]), weights=x),
}


def test_every_constant_name_is_classified():
    listed = set(constant._NONDIFFERENTIABLE) | set(constant._CREATION)
    assert sorted(listed - set(CLASSIFIED)) == [], "classify the new constant names here"
    assert sorted(set(CLASSIFIED) - listed) == []
    assert not listed & set(MOVED)


def _plain(out):
    return [np.asarray(o) for o in (out if isinstance(out, tuple | list) else (out,))]


@pytest.mark.parametrize("name", sorted(CLASSIFIED))
def test_constant_names_on_traced_values(name):
    kind, f = CLASSIFIED[name]
    if kind == RAISES:
        with pytest.raises(TypeError):
            cr.jvp(f, (X,), (np.ones_like(X),))
        return
    v = np.random.default_rng(0).standard_normal(X.shape)
    out, tangent = cr.jvp(f, (X,), (v,))
    for o in _plain(out):
        assert not isinstance(o, Tracer)
    # piecewise constant: the same result a small step away on both sides, so zero is exact
    for step in (1e-7, -1e-7):
        for a, b in zip(_plain(f(X + step * v)), _plain(out), strict=True):
            np.testing.assert_array_equal(a, b)
    for t in _plain(tangent):
        assert not np.any(t), name


@pytest.mark.parametrize("name", sorted(MOVED))
def test_formerly_constant_functions_are_differentiated(name):
    x = np.abs(X) + 0.5 if name == "geomspace" else X
    cr.check_grad(MOVED[name], x, modes=("fwd", "rev"), order=2)
    g = cr.grad(lambda x: sum(np.sum(o * o) for o in _plain_traced(MOVED[name](x))))(x)
    assert np.any(g != 0), f"{name}: zero gradient"


def _plain_traced(out):
    return out if isinstance(out, tuple | list) else (out,)
