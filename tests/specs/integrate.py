"""Specs of ``chainrule.scipy.integrate.odeint`` (empty without SciPy, an optional extra).

Tight solver tolerances (1e-12) make the numerical solution smooth in its inputs to far below
the finite-difference step, so the exact-solution derivatives (adjoint, sensitivities) agree
with central differences to ~1e-9 up to second order. SciPy's odeint computes in float64
whatever its inputs: the spec casts the result back to the input's dtype so that the float32
checks apply.
"""

import numpy as np

from tests.specs.base import Spec

try:
    import scipy.integrate as sint
except ImportError:  # the scipy extra is not installed: nothing to check
    sint = None

TOL = {"rtol": 1e-12, "atol": 1e-12}


def decay(y, t, k):
    return -k * y


def lotka_volterra(y, t, p):
    return np.stack([p[0] * y[0] - p[1] * y[0] * y[1], p[2] * y[0] * y[1] - p[3] * y[1]])


def _lv_reference(y, t, p):
    return [p[0] * y[0] - p[1] * y[0] * y[1], p[2] * y[0] * y[1] - p[3] * y[1]]


def _sample(rng, shapes):
    y0_shape, p_shape, t_shape = shapes
    y0 = rng.uniform(0.5, 1.5, y0_shape)
    p = rng.uniform(0.3, 1.2, p_shape)
    t = np.concatenate([[0.1], 0.1 + np.cumsum(rng.uniform(0.3, 0.6, t_shape[0] - 1))])
    return [y0, p, t]


def _specs() -> list[Spec]:
    from chainrule.scipy.integrate import odeint

    def solve(rhs, reference_rhs):
        return (lambda y0, p, t: odeint(rhs, y0, t, args=(p,), **TOL).astype(y0.dtype),
                lambda y0, p, t: sint.odeint(reference_rhs, y0, t, args=(p,),
                                             **TOL).astype(y0.dtype))

    return [
        Spec("odeint-decay", *solve(decay, decay), (((2,), (), (3,)),), ("odeint",),
             sample=_sample),
        Spec("odeint-lotka-volterra", *solve(lotka_volterra, _lv_reference),
             (((2,), (4,), (3,)),), ("odeint",), sample=_sample),
    ]


SPECS = [] if sint is None else _specs()
