"""``chainrule.scipy.integrate``: ``odeint`` differentiable in the initial state, the parameters
and the time points (forward mode by the sensitivity equations, reverse mode by the adjoint
method; see ``ops/ode_adjoint.py``), with ``scipy.integrate.odeint``'s signature.

Example:
    >>> import chainrule as cr, numpy as np
    >>> from chainrule.scipy.integrate import odeint
    >>> decay = lambda y, t, k: -k * y          # y(t) = y0 exp(-k t)
    >>> g = cr.grad(lambda k: odeint(decay, 1.0, [0.0, 1.0], args=(k,), rtol=1e-10,
    ...                              atol=1e-10)[-1, 0])(2.0)
    >>> round(float(g), 6)                     # d/dk exp(-k) = -exp(-k) at k = 2
    -0.135335
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.integrate as sint

from chainrule.describe import describe
from chainrule.ops.ode_adjoint import odeint_traced, untraced
from chainrule.ops.portable_c import refuse
from chainrule.ops.shape import reshape
from chainrule.tracer import Tracer

__all__ = ["odeint"]

# Options that only steer LSODA (passed on to every solve, derivative systems included).
_SOLVER_OPTIONS = ("rtol", "atol", "tcrit", "h0", "hmax", "hmin", "ixpr", "mxstep", "mxhnil",
                   "mxordn", "mxords", "printmessg")


def odeint(func: Callable, y0: Any, t: Any, args: tuple = (), Dfun: Callable | None = None,
           col_deriv: int = 0, full_output: int = 0, ml: int | None = None,
           mu: int | None = None, rtol: Any = None, atol: Any = None, tcrit: Any = None,
           h0: float = 0.0, hmax: float = 0.0, hmin: float = 0.0, ixpr: int = 0,
           mxstep: int = 0, mxhnil: int = 0, mxordn: int = 12, mxords: int = 5,
           printmessg: int = 0, tfirst: bool = False) -> Any:
    """``scipy.integrate.odeint``: y(t) for y' = func(y, t, *args), y(t[0]) = y0, one row per
    time point, differentiable in ``y0``, the array ``args`` and ``t`` (forward and reverse).

    ``func`` is ordinary NumPy code (chainrule differentiates it); ``tfirst=True`` means
    ``func(t, y, *args)``. On traced values ``Dfun``/``col_deriv``/``ml``/``mu`` (Jacobian
    hints), ``full_output`` (solver diagnostics, no derivative) are refused; per-component
    ``rtol``/``atol`` apply to the state, and their smallest entry to the derivative systems.
    The derivatives are those of the exact solution, accurate to about the tolerances: ask
    for tight ones (e.g. ``rtol=atol=1e-10``) when comparing with finite differences.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> from chainrule.scipy.integrate import odeint
        >>> f = lambda y0: odeint(lambda y, t: -y, y0, [0.0, 1.0], rtol=1e-10, atol=1e-10)
        >>> round(float(cr.grad(lambda y0: f(y0)[-1, 0])(3.0)), 6)   # exp(-1)
        0.367879
    """
    args = tuple(args) if isinstance(args, list | tuple) else (args,)
    options = {"rtol": rtol, "atol": atol, "tcrit": tcrit, "h0": h0, "hmax": hmax, "hmin": hmin,
               "ixpr": ixpr, "mxstep": mxstep, "mxhnil": mxhnil, "mxordn": mxordn,
               "mxords": mxords, "printmessg": printmessg}
    refuse("scipy.integrate.odeint", y0, t, *args)  # SciPy's solver: NumPy arrays only
    if not any(isinstance(x, Tracer) for x in (y0, t, *args)):
        return sint.odeint(lambda *a: untraced(func(*a)), y0, t, args=args, Dfun=Dfun,
                           col_deriv=col_deriv, full_output=full_output, ml=ml, mu=mu,
                           tfirst=tfirst, **options)
    refused = [name for name, value, default in (
        ("Dfun", Dfun, None), ("col_deriv", col_deriv, 0), ("full_output", full_output, 0),
        ("ml", ml, None), ("mu", mu, None)) if value is not default and value != default]
    if refused:
        raise TypeError(
            f"odeint: {', '.join(refused)} not supported on traced values: full_output's "
            "solver diagnostics have no derivative, and chainrule computes the Jacobians of "
            "func itself (drop the Jacobian hints). Call odeint without them.")
    y0 = y0 if isinstance(y0, Tracer) else np.asarray(y0, dtype=np.float64)
    t = t if isinstance(t, Tracer) else np.asarray(t, dtype=np.float64)
    if y0.ndim > 1 or t.ndim != 1 or t.shape[0] < 1:
        raise ValueError(f"odeint: y0 must be a scalar or 1-D and t 1-D; got y0 a "
                         f"{describe(y0)} and t a {describe(t)}")
    if y0.ndim == 0:
        y0 = reshape(y0, (1,))
    rhs = (lambda y, s, *a: func(s, y, *a)) if tfirst else func
    kept = tuple((k, v) for k, v in options.items() if k in _SOLVER_OPTIONS and v is not None)
    return odeint_traced(rhs, y0, t, args, kept)
