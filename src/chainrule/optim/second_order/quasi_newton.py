"""Quasi-Newton methods: BFGS and L-BFGS (seed 003, section 3.5.6.2, eqs. 3.53-3.56).

Both build an approximation ``G`` of the inverse Hessian from the steps taken,
``s = x_{t+1} - x_t``, and the gradient changes they caused, ``y = g_{t+1} - g_t``, so that
the secant condition ``G y = s`` (eq. 3.55) holds; the step is ``-alpha G g`` with ``alpha``
from a strong-Wolfe line search, which also guarantees ``s'y > 0`` and so keeps ``G``
positive definite. BFGS stores ``G`` (``n x n``); L-BFGS stores only the last
``m`` pairs ``(s, y)`` and applies ``G`` with the two-loop recursion.

L-BFGS rescales its initial matrix to ``(s'y / y'y) I`` at every step (Nocedal & Wright eq.
6.20), which puts each quasi-Newton step on the scale of the curvature just seen, so that the
unit step ``alpha = 1`` is usually accepted; BFGS does so once, before its first update
(Shanno & Phua's scaling, ``scale_identity=True``).

Defaults (``c2``, ``scale_identity``, ``initial_step``, ``line_search``) were chosen on
``benchmarks/tune_second_order.py``'s problem set (Moré-Garbow-Hillstrom functions, 55 runs),
not on the acceptance problems of ``benchmarks/second_order.py``: fewest runs left unsolved,
then the lowest ratio of loss + gradient evaluations to SciPy's, summed over the runs both
solved. BFGS: ``c2 = 0.9`` (N&W's and SciPy's value), scaled first matrix, unit trial
steps, bracketing search: 3 unsolved (SciPy's BFGS 3), 7372 evaluations where SciPy needed
9284 (the former defaults, ``c2 = 0.8`` with ``I``, SciPy's trial steps and Moré-Thuente:
5 unsolved, ratio 0.93). L-BFGS: ``c2 = 0.7`` (L-BFGS-B: 0.9), trial steps from the previous
decrease, bracketing search: 1 unsolved (L-BFGS-B 3), 6410 evaluations where L-BFGS-B needed
6796 (``c2 = 0.9`` with unit steps: ratio 1.008). Along a quasi-Newton direction both searches
may extrapolate straight to the unit step (``model_step=1``, ``step_rules.py``; before that,
6458 evaluations). Given L-BFGS-B's own settings (``c2 = 0.9``, unit steps, Moré-Thuente),
``lbfgs`` repeats L-BFGS-B's evaluation counts on five of the six problems of
``benchmarks/second_order.py`` (Rosenbrock 100-D: 1246 to 1220).
"""

from __future__ import annotations

from collections import deque

import numpy as np

from chainrule.optim.second_order.objective import Objective, SolverRun, gradient_norm
from chainrule.optim.second_order.result import OptimizeResult
from chainrule.optim.second_order.step_rules import check_step_options, next_trial_step, search


def bfgs_update(G: np.ndarray, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The BFGS update of an inverse-Hessian approximation (eq. 3.56):
    ``(I - rho s y') G (I - rho y s') + rho s s'`` with ``rho = 1 / s'y``, expanded so that no
    ``n x n`` temporary but the result is formed. Needs ``s'y > 0``.

    Example (the updated matrix satisfies the secant condition G y = s):
        >>> import numpy as np
        >>> s, y = np.array([1.0, 0.0]), np.array([2.0, 1.0])
        >>> G = bfgs_update(np.eye(2), s, y)
        >>> np.allclose(G @ y, s), np.allclose(G, G.T)
        (True, True)
    """
    sy = float(s @ y)
    if not sy > 0.0:
        raise ValueError(f"bfgs_update: s'y = {sy!r} must be positive (the curvature condition)")
    rho = 1.0 / sy
    Gy = G @ y
    G = G - rho * (np.outer(s, Gy) + np.outer(Gy, s))
    G += (rho * rho * float(y @ Gy) + rho) * np.outer(s, s)
    return G


def two_loop_direction(g: np.ndarray, pairs: deque | list, gamma: float) -> np.ndarray:
    """``-G g`` for the L-BFGS inverse Hessian ``G`` built from ``pairs = [(s, y, rho), ...]``
    (oldest first) on top of ``gamma I``, by the two-loop recursion (N&W algorithm 7.4): the
    same as applying eq. 3.56 once per pair, in O(m n) work and memory.

    Example (one pair: the result matches the dense update of eq. 3.56):
        >>> import numpy as np
        >>> s, y, g = np.array([1.0, 0.0]), np.array([2.0, 1.0]), np.array([1.0, -1.0])
        >>> d = two_loop_direction(g, [(s, y, 1 / (s @ y))], gamma=0.5)
        >>> np.allclose(d, -bfgs_update(0.5 * np.eye(2), s, y) @ g)
        True
    """
    q = np.array(g, dtype=np.float64)
    alphas = []
    for s, y, rho in reversed(pairs):
        a = rho * float(s @ q)
        q -= a * y
        alphas.append(a)
    r = gamma * q
    for (s, y, rho), a in zip(pairs, reversed(alphas), strict=True):
        b = rho * float(y @ r)
        r += (a - b) * s
    return -r


def _first_step(g: np.ndarray) -> float:
    """The first trial step along ``-g``: length at most 1 (as SciPy's BFGS and L-BFGS-B)."""
    return min(1.0, 1.0 / max(float(np.linalg.norm(g)), 1e-300))


def _curvature_ok(s: np.ndarray, y: np.ndarray) -> bool:
    """``s'y`` positive beyond rounding (a Wolfe step guarantees it in exact arithmetic)."""
    return float(s @ y) > 1e-10 * float(np.linalg.norm(s) * np.linalg.norm(y))


def bfgs(
    obj: Objective,
    run: SolverRun,
    c1: float = 1e-4,
    c2: float = 0.9,
    scale_identity: bool = True,
    initial_step: str = "unit",
    line_search: str = "bracketing",
) -> OptimizeResult:
    """BFGS with a dense inverse-Hessian approximation (``method="bfgs"``), for up to a few
    thousand parameters (``n x n`` floats are stored).

    A trial step along ``-g`` (the first, or after a reset) moves the largest coordinate by
    about 1 (``1.01 / max|g_i|``: unlike SciPy's ``1.01 / |g|``, unchanged when a problem is
    repeated in more blocks); later ones follow ``initial_step`` (at most 1) and the search
    ``line_search`` (``step_rules.py``). The first update starts from ``(s'y / y'y) I``
    (Shanno & Phua; N&W eq. 6.20), which puts the first quasi-Newton step on the scale of the
    curvature seen; ``scale_identity=False`` starts from ``I``, as SciPy does. Defaults: see
    the module docstring (chosen on ``benchmarks/tune_second_order.py``'s problem set, not on
    the acceptance problems).

    Example:
        >>> import numpy as np
        >>> from chainrule.optim.second_order import minimize
        >>> rosen = lambda x: (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
        >>> res = minimize(rosen, np.array([-1.2, 1.0]), method="bfgs")
        >>> res.success, np.round(res.x, 4).tolist()
        (True, [1.0, 1.0])
    """
    check_step_options("bfgs", initial_step, line_search)
    x = obj.x0.copy()
    f, g = obj.value_and_grad(x)
    end = run.check(x, f, g)
    if end is not None:
        return end
    G = None  # the identity until the first update
    alpha_prev = slope_prev = f_prev = None
    while True:
        d = -g if G is None else -(G @ g)
        slope = float(g @ d)
        if not slope < 0.0:  # rounding spoiled G's positive definiteness: start afresh
            G, d, slope = None, -g, -float(g @ g)
        if G is None:  # a steepest-descent step: no scale to go by but the gradient's
            alpha0 = min(1.0, 1.01 / gradient_norm(g))
        else:
            alpha0 = next_trial_step(initial_step, f, f_prev, slope, alpha_prev, slope_prev)
            alpha0 = min(alpha0, 1.0)
        ls = search(line_search, obj.along(x, d), f, slope, alpha0, c1, c2,
                    None if G is None else 1.0)
        if not ls.success:
            return run.line_search_failed(x, f, g, ls)
        x_new, g_new = ls.payload
        s, y = x_new - x, g_new - g
        x, f_prev, f, g = x_new, f, ls.f, g_new
        alpha_prev, slope_prev = ls.alpha, slope
        end = run.step(x, f, g)
        if end is not None:
            return end
        if _curvature_ok(s, y):
            if G is None:
                scale = float(s @ y) / float(y @ y) if scale_identity else 1.0
                G = scale * np.eye(obj.size)
            G = bfgs_update(G, s, y)


def lbfgs(
    obj: Objective,
    run: SolverRun,
    history: int = 10,
    c1: float = 1e-4,
    c2: float = 0.7,
    initial_step: str = "decrease",
    line_search: str = "bracketing",
) -> OptimizeResult:
    """Limited-memory BFGS (``method="lbfgs"``): the last ``history`` pairs (SciPy's ``m``,
    default 10) and the scaling ``gamma = s'y / y'y`` of the newest pair. Memory O(m n), so it
    suits neural-network parameter vectors trained full batch. The first trial step has length
    at most 1 (``min(1, 1 / |g|)``, as L-BFGS-B); later ones follow ``initial_step`` (at most
    1) and the search ``line_search`` (``step_rules.py``). Defaults: see the module docstring
    (chosen on ``benchmarks/tune_second_order.py``'s problem set; ``c2 = 0.7`` where
    L-BFGS-B has 0.9).

    Example:
        >>> import numpy as np
        >>> from chainrule.optim.second_order import minimize
        >>> rosen = lambda x: np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
        >>> res = minimize(rosen, np.zeros(5), method="lbfgs", options={"history": 5})
        >>> res.success, np.round(res.x, 4).tolist()
        (True, [1.0, 1.0, 1.0, 1.0, 1.0])
    """
    history = int(history)
    if history < 1:
        raise ValueError(f"minimize(method='lbfgs'): history={history} must be at least 1")
    check_step_options("lbfgs", initial_step, line_search)
    x = obj.x0.copy()
    f, g = obj.value_and_grad(x)
    end = run.check(x, f, g)
    if end is not None:
        return end
    pairs: deque = deque(maxlen=history)
    gamma = 1.0
    alpha_prev = slope_prev = f_prev = None
    while True:
        d = two_loop_direction(g, pairs, gamma)
        slope = float(g @ d)
        if not slope < 0.0:
            pairs.clear()
            gamma, d, slope = 1.0, -g, -float(g @ g)
        if not pairs:
            alpha0 = _first_step(g)
        else:
            alpha0 = next_trial_step(initial_step, f, f_prev, slope, alpha_prev, slope_prev)
            alpha0 = min(alpha0, 1.0)
        ls = search(line_search, obj.along(x, d), f, slope, alpha0, c1, c2,
                    1.0 if pairs else None)
        if not ls.success:
            return run.line_search_failed(x, f, g, ls)
        x_new, g_new = ls.payload
        s, y = x_new - x, g_new - g
        x, f_prev, f, g = x_new, f, ls.f, g_new
        alpha_prev, slope_prev = ls.alpha, slope
        end = run.step(x, f, g)
        if end is not None:
            return end
        if _curvature_ok(s, y):
            sy = float(s @ y)
            pairs.append((s, y, 1.0 / sy))
            gamma = sy / float(y @ y)
