"""Second-order optimization on exact derivatives (seed 003, section 3.5.6): damped Newton,
Hessian-free (CG on Hessian-vector products), nonlinear conjugate gradients, BFGS and L-BFGS
with strong-Wolfe line searches (bracketing and Moré-Thuente), behind a SciPy-shaped
``minimize`` that works on pytrees.

Example (full-batch least squares on a dict of parameters):
    >>> import numpy as np
    >>> from chainrule.optim.second_order import minimize
    >>> X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]]); y = np.array([1.0, 3.0, 5.0])
    >>> loss = lambda p: np.mean((X @ p["w"] + p["b"] - y) ** 2)
    >>> res = minimize(loss, {"w": np.zeros(2), "b": np.zeros(())}, method="hessian-free")
    >>> res.success, round(float(res.fun), 10)
    (True, 0.0)
"""

from chainrule.optim.second_order.conjugate_gradient import (
    CGSolution,
    cg_beta,
    conjugate_gradient,
)
from chainrule.optim.second_order.line_search import LineSearchResult, strong_wolfe
from chainrule.optim.second_order.minimize import METHODS, method_options, minimize
from chainrule.optim.second_order.more_thuente import more_thuente
from chainrule.optim.second_order.newton import adapt_damping, damped_newton_step
from chainrule.optim.second_order.objective import Objective, SolverRun, gradient_norm
from chainrule.optim.second_order.quasi_newton import bfgs_update, two_loop_direction
from chainrule.optim.second_order.result import OptimizeResult

__all__ = [
    "CGSolution",
    "LineSearchResult",
    "METHODS",
    "Objective",
    "OptimizeResult",
    "SolverRun",
    "adapt_damping",
    "bfgs_update",
    "cg_beta",
    "conjugate_gradient",
    "damped_newton_step",
    "gradient_norm",
    "method_options",
    "minimize",
    "more_thuente",
    "strong_wolfe",
    "two_loop_direction",
]
