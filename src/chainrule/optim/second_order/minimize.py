"""``minimize``: one entry point to the second-order methods, shaped like
``scipy.optimize.minimize`` but fed exact derivatives by chainrule.
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable
from typing import Any

from chainrule.optim.second_order.conjugate_gradient import nonlinear_cg
from chainrule.optim.second_order.hessian_free import hessian_free
from chainrule.optim.second_order.newton import newton
from chainrule.optim.second_order.objective import Objective, SolverRun
from chainrule.optim.second_order.quasi_newton import bfgs, lbfgs
from chainrule.optim.second_order.result import OptimizeResult

METHODS: dict[str, Callable[..., OptimizeResult]] = {
    "newton": newton,
    "cg": nonlinear_cg,
    "hessian-free": hessian_free,
    "bfgs": bfgs,
    "lbfgs": lbfgs,
}


def method_options(method: str) -> dict[str, Any]:
    """The options a method takes, with their defaults.

    Example:
        >>> sorted(method_options("lbfgs"))
        ['c1', 'c2', 'history', 'initial_step', 'line_search']
        >>> method_options("lbfgs")["history"]
        10
    """
    params = list(inspect.signature(_lookup(method)).parameters.values())[2:]
    return {p.name: p.default for p in params}


def _lookup(method: str) -> Callable[..., OptimizeResult]:
    if not isinstance(method, str) or method.lower() not in METHODS:
        raise ValueError(
            f"minimize: unknown method {method!r}; choose one of {sorted(METHODS)}"
        )
    return METHODS[method.lower()]


def minimize(
    fun: Callable[..., Any],
    x0: Any,
    *,
    args: tuple = (),
    method: str = "lbfgs",
    tol: float = 1e-6,
    maxiter: int | None = None,
    callback: Callable[[OptimizeResult], Any] | None = None,
    options: dict[str, Any] | None = None,
    **method_kwargs: Any,
) -> OptimizeResult:
    """Minimize the scalar ``fun(x, *args)`` over ``x`` from ``x0`` with exact gradients
    (``cr.value_and_grad``) and, for ``"newton"``/``"hessian-free"``, exact Hessians/
    Hessian-vector products (``cr.hessian``/``cr.hvp``). ``fun`` is plain NumPy code of a
    pytree shaped like ``x0`` (an array, or a dict/list/tuple of arrays such as a network's
    weights); ``args`` (data, say) are passed along and not differentiated.

    Methods (seed 003, section 3.5.6): ``"newton"`` (damped Newton, eq. 3.48; small problems),
    ``"hessian-free"`` (truncated Newton: CG on Hessian-vector products), ``"cg"`` (nonlinear
    conjugate gradients), ``"bfgs"`` (eq. 3.56) and ``"lbfgs"`` (the default: memory O(n), so it
    suits networks). Options per method: ``method_options(method)``; pass them as ``options``
    (a dict, as in SciPy) or as keywords.

    The run stops with ``success=True`` when the largest absolute gradient entry is at most
    ``tol`` (SciPy's ``gtol`` with its default infinity norm), and with ``success=False`` and a
    message after ``maxiter`` iterations (default 200 per parameter, 15000 for ``lbfgs``, as
    SciPy), on a failed line search, on a non-finite loss, gradient or Hessian(-vector product),
    or when ``callback(intermediate_result)`` raises ``StopIteration``. Computation is in
    float64; ``x`` and ``jac`` come back as float64 arrays in ``x0``'s structure.

    Example (a dict of arrays; the minimum of |w - 1|^2 + (b + 2)^2):
        >>> import numpy as np
        >>> from chainrule.optim.second_order import minimize
        >>> loss = lambda p: np.sum((p["w"] - 1.0) ** 2) + (p["b"] + 2.0) ** 2
        >>> res = minimize(loss, {"w": np.zeros(3), "b": 0.0}, method="bfgs")
        >>> res.success, res.x["w"].round(6).tolist(), float(res.x["b"].round(6))
        (True, [1.0, 1.0, 1.0], -2.0)
    """
    solver = _lookup(method)
    name = method.lower()
    if not isinstance(tol, numbers.Real) or isinstance(tol, bool):
        raise TypeError(f"minimize: tol must be a positive number, got {tol!r}")
    if not tol > 0:
        raise ValueError(f"minimize: tol={tol!r} must be positive (a gradient-norm tolerance)")
    if maxiter is not None:
        if not isinstance(maxiter, numbers.Integral) or isinstance(maxiter, bool):
            raise TypeError(f"minimize: maxiter must be a positive integer, got {maxiter!r}")
        if maxiter <= 0:
            raise ValueError(f"minimize: maxiter={maxiter} must be a positive integer")
    if callback is not None and not callable(callback):
        raise TypeError(f"minimize: callback must be callable, got {type(callback).__name__}")
    opts = dict(options or {})
    for key in method_kwargs:
        if key in opts:
            raise TypeError(f"minimize: option {key!r} given both in options and as a keyword")
    opts.update(method_kwargs)
    allowed = method_options(name)
    unknown = sorted(set(opts) - set(allowed))
    if unknown:
        raise TypeError(
            f"minimize(method={name!r}): unknown option(s) {unknown}; this method takes "
            f"{sorted(allowed)}"
        )
    if "c1" in allowed:
        c1, c2 = opts.get("c1", allowed["c1"]), opts.get("c2", allowed["c2"])
        if not 0.0 < c1 < c2 < 1.0:
            raise ValueError(
                f"minimize(method={name!r}): the Wolfe parameters need 0 < c1 < c2 < 1, got "
                f"c1={c1!r}, c2={c2!r}"
            )
    if not isinstance(args, tuple):
        raise TypeError(f"minimize: args must be a tuple, got {type(args).__name__}")
    obj = Objective(fun, x0, args)
    if maxiter is None:
        maxiter = 15000 if name == "lbfgs" else 200 * obj.size
    run = SolverRun(obj, name, float(tol), int(maxiter), callback)
    return solver(obj, run, **opts)
