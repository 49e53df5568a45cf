"""Quasi-Newton methods: BFGS and L-BFGS (seed 003, section 3.5.6.2, eqs. 3.53-3.56).

Both build an approximation ``G`` of the inverse Hessian from the steps taken,
``s = x_{t+1} - x_t``, and the gradient changes they caused, ``y = g_{t+1} - g_t``, so that
the secant condition ``G y = s`` (eq. 3.55) holds; the step is ``-alpha G g`` with ``alpha``
from a strong-Wolfe line search, which also guarantees ``s'y > 0`` and so keeps ``G``
positive definite. BFGS stores ``G`` (``n x n``); L-BFGS stores only the last
``m`` pairs ``(s, y)`` and applies ``G`` with the two-loop recursion. The iteration itself
(direction, line search, step, stopping tests) is ``descent.descend``'s; what the two share
beyond it (trial steps, the curvature test, restarts) is ``_QuasiNewton``, so that each says
only how it stores and applies ``G``.

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

import abc
from collections import deque

import numpy as np

from chainrule.optim.second_order.descent import Directions, Point, Step, descend
from chainrule.optim.second_order.objective import Objective, SolverRun, gradient_norm
from chainrule.optim.second_order.result import OptimizeResult
from chainrule.optim.second_order.step_rules import (
    LINE_SEARCHES,
    check_step_options,
    next_trial_step,
)


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


def _curvature_ok(s: np.ndarray, y: np.ndarray) -> bool:
    """``s'y`` positive beyond rounding (a Wolfe step guarantees it in exact arithmetic)."""
    return float(s @ y) > 1e-10 * float(np.linalg.norm(s) * np.linalg.norm(y))


class _QuasiNewton(Directions):
    """What BFGS and L-BFGS share: the direction ``-G g`` of an inverse-Hessian approximation
    ``G`` (``-g`` until the first curvature pair), forgotten when rounding makes it point
    uphill; while nothing is learnt, a steepest-descent trial step (``first_step``), then
    ``initial_step``'s rule, at most 1, with the model step 1; a pair ``(s, y)`` learnt from
    every step whose ``s'y`` is positive. Subclasses keep ``G``: ``learned``, ``direction``,
    ``restart`` and ``add_pair``."""

    def __init__(self, initial_step: str) -> None:
        self.initial_step = initial_step

    @property
    @abc.abstractmethod
    def learned(self) -> bool:
        """Whether ``G`` holds a curvature pair yet."""

    @abc.abstractmethod
    def first_step(self, g: np.ndarray) -> float:
        """The trial step along ``-g`` while nothing is learnt."""

    @abc.abstractmethod
    def add_pair(self, s: np.ndarray, y: np.ndarray) -> None:
        """Update ``G`` with the pair ``(s, y)``, ``s'y > 0``."""

    def trial_step(
        self, at: Point, d: np.ndarray, slope: float, last: Step | None
    ) -> tuple[float, float | None]:
        if not self.learned:  # a steepest-descent step: no scale to go by but the gradient's
            return self.first_step(at.g), None
        alpha0 = next_trial_step(
            self.initial_step, at.f, last.start.f, slope, last.alpha, last.slope
        )
        return min(alpha0, 1.0), 1.0

    def learn(self, step: Step) -> None:
        s, y = step.s, step.y
        if _curvature_ok(s, y):
            self.add_pair(s, y)


class _DenseInverse(_QuasiNewton):
    """BFGS's ``G``: a dense matrix updated by eq. 3.56, None (the identity) until the first
    pair, which first rescales it to ``(s'y / y'y) I`` given ``scale_identity``."""

    def __init__(self, size: int, scale_identity: bool, initial_step: str) -> None:
        super().__init__(initial_step)
        self.size, self.scale_identity = size, scale_identity
        self.G: np.ndarray | None = None

    @property
    def learned(self) -> bool:
        return self.G is not None

    def direction(self, at: Point) -> np.ndarray:
        return -at.g if self.G is None else -(self.G @ at.g)

    def restart(self) -> None:
        self.G = None

    def first_step(self, g: np.ndarray) -> float:
        return min(1.0, 1.01 / gradient_norm(g))

    def add_pair(self, s: np.ndarray, y: np.ndarray) -> None:
        if self.G is None:
            scale = float(s @ y) / float(y @ y) if self.scale_identity else 1.0
            self.G = scale * np.eye(self.size)
        self.G = bfgs_update(self.G, s, y)


class _LimitedMemory(_QuasiNewton):
    """L-BFGS's ``G``: the last ``history`` pairs on top of ``gamma I``, ``gamma = s'y / y'y``
    of the newest pair, applied by the two-loop recursion."""

    def __init__(self, history: int, initial_step: str) -> None:
        super().__init__(initial_step)
        self.pairs: deque = deque(maxlen=history)
        self.gamma = 1.0

    @property
    def learned(self) -> bool:
        return bool(self.pairs)

    def direction(self, at: Point) -> np.ndarray:
        return two_loop_direction(at.g, self.pairs, self.gamma)

    def restart(self) -> None:
        self.pairs.clear()
        self.gamma = 1.0

    def first_step(self, g: np.ndarray) -> float:
        return min(1.0, 1.0 / max(float(np.linalg.norm(g)), 1e-300))  # as L-BFGS-B

    def add_pair(self, s: np.ndarray, y: np.ndarray) -> None:
        sy = float(s @ y)
        self.pairs.append((s, y, 1.0 / sy))
        self.gamma = sy / float(y @ y)


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
    directions = _DenseInverse(obj.size, scale_identity, initial_step)
    return descend(obj, run, directions, LINE_SEARCHES[line_search], c1, c2)


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
    directions = _LimitedMemory(history, initial_step)
    return descend(obj, run, directions, LINE_SEARCHES[line_search], c1, c2)
