"""A loss of a pytree seen as a function of one flat float64 vector, with counted evaluations,
and the bookkeeping every method shares (stopping tests, callback, the result).

The methods work on flat vectors (dot products, rank-one updates); the user's ``fun`` takes
the pytree ``x0`` had (a dict of weight matrices, say). ``Objective`` moves between the two:
leaves are concatenated into one vector, and views of the vector are handed back to ``fun``.
Gradients come from ``cr.value_and_grad``, Hessian-vector products from ``cr.hvp``
(forward-over-reverse) and whole Hessians from ``cr.hessian``: exact derivatives, never finite
differences.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.jacobians import hessian, hvp
from chainrule.optim.second_order.line_search import LineSearchResult
from chainrule.optim.second_order.result import (
    CALLBACK_STOP,
    LINE_SEARCH_FAILED,
    MAXITER,
    NON_FINITE,
    SUCCESS,
    OptimizeResult,
)
from chainrule.transforms import value_and_grad
from chainrule.tree import tree_flatten, tree_unflatten


class Objective:
    """``fun`` (a NumPy function of the pytree ``x0``) as a function of a flat vector.

    Example:
        >>> import numpy as np
        >>> loss = lambda p: np.sum(p["w"] ** 2) + p["b"]
        >>> obj = Objective(loss, {"w": np.array([1.0, 2.0]), "b": 0.5})
        >>> obj.x0.tolist()
        [1.0, 2.0, 0.5]
        >>> f, g = obj.value_and_grad(obj.x0)
        >>> f, g.tolist(), obj.nfev, obj.njev
        (5.5, [2.0, 4.0, 1.0], 1, 1)
    """

    def __init__(self, fun: Callable[..., Any], x0: Any, args: tuple = ()) -> None:
        if not callable(fun):
            raise TypeError(f"minimize: fun must be callable, got {type(fun).__name__}")
        if args:
            fun = _with_args(fun, args)
        leaves, self.treedef = tree_flatten(x0)
        if not leaves:
            raise ValueError("minimize: x0 has no arrays in it; give the starting point")
        arrays = []
        for k, leaf in enumerate(leaves):
            a = np.asarray(leaf)
            if a.dtype.kind not in "fiub":
                raise TypeError(
                    f"minimize: leaf {k} of x0 has dtype {a.dtype}; only real numbers can be "
                    "optimized. Give float arrays (e.g. np.asarray(x, dtype=float))."
                )
            arrays.append(a)
        self.shapes = [a.shape for a in arrays]
        self.bounds = np.cumsum([0] + [a.size for a in arrays]).tolist()
        self.x0 = np.concatenate([a.astype(np.float64).ravel() for a in arrays])
        self.fun = fun
        self._value_and_grad = value_and_grad(fun)
        self.nfev = self.njev = self.nhev = 0

    @property
    def size(self) -> int:
        return self.x0.size

    def tree(self, x: Any) -> Any:
        """The pytree whose leaves are the pieces of flat ``x`` (views, or traced slices)."""
        if len(self.shapes) == 1:
            return tree_unflatten(self.treedef, [x.reshape(self.shapes[0])])
        pieces = [
            x[a:b].reshape(shape)
            for a, b, shape in zip(self.bounds[:-1], self.bounds[1:], self.shapes, strict=True)
        ]
        return tree_unflatten(self.treedef, pieces)

    def flat(self, tree: Any) -> np.ndarray:
        """A pytree shaped like ``x0`` as one float64 vector."""
        leaves, _ = tree_flatten(tree)
        return np.concatenate([np.asarray(v, dtype=np.float64).ravel() for v in leaves])

    def value_and_grad(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        """Loss and flat gradient in one forward and one backward pass (one nfev, one njev)."""
        self.nfev += 1
        self.njev += 1
        value, g = self._value_and_grad(self.tree(x))
        return float(value), self.flat(g)

    def along(self, x: np.ndarray, d: np.ndarray) -> Callable[[float], tuple[float, float, Any]]:
        """``phi(a) = (L(x + a d), phi'(a), (x + a d, gradient))`` for a line search."""

        def phi(a: float) -> tuple[float, float, Any]:
            xa = x + a * d
            f, g = self.value_and_grad(xa)
            return f, float(g @ d), (xa, g)

        return phi

    def hvp(self, x: np.ndarray, v: np.ndarray) -> np.ndarray:
        """The Hessian at ``x`` times ``v``, forward-over-reverse (one nhev)."""
        self.nhev += 1
        (hv,) = hvp(self.fun, (self.tree(x),), (self.tree(v),))
        return self.flat(hv)

    def hessian(self, x: np.ndarray) -> np.ndarray:
        """The whole ``n x n`` Hessian at ``x`` (one nhev; costs about n HVPs)."""
        self.nhev += 1
        H = hessian(lambda v: self.fun(self.tree(v)))(x)
        return np.asarray(H, dtype=np.float64).reshape(self.size, self.size)


def _with_args(fun: Callable[..., Any], args: tuple) -> Callable[[Any], Any]:
    @functools.wraps(fun)
    def fun_of_x(x: Any) -> Any:
        return fun(x, *args)

    return fun_of_x


def gradient_norm(g: np.ndarray) -> float:
    """The stopping measure: the largest absolute gradient entry (SciPy's ``gtol`` norm)."""
    return float(np.max(np.abs(g))) if g.size else 0.0


class SolverRun:
    """One run's bookkeeping: iteration count, stopping tests, callback and the result.

    Example:
        >>> import numpy as np
        >>> obj = Objective(lambda x: np.sum(x ** 2), np.ones(2))
        >>> run = SolverRun(obj, "demo", tol=1e-6, maxiter=10, callback=None)
        >>> f, g = obj.value_and_grad(obj.x0)
        >>> run.check(obj.x0, f, g) is None  # not converged, finite, iterations left
        True
        >>> run.step(np.zeros(2), 0.0, np.zeros(2)).success  # a step that lands on the minimum
        True
    """

    def __init__(
        self,
        obj: Objective,
        method: str,
        tol: float,
        maxiter: int,
        callback: Callable[[OptimizeResult], Any] | None,
    ) -> None:
        self.obj, self.method, self.tol, self.maxiter = obj, method, tol, maxiter
        self.callback = callback
        self.nit = 0

    def result(
        self, x: np.ndarray, f: float, g: np.ndarray, status: int, message: str
    ) -> OptimizeResult:
        obj = self.obj
        return OptimizeResult(
            x=obj.tree(np.array(x, dtype=np.float64)),
            fun=float(f),
            jac=obj.tree(np.array(g, dtype=np.float64)),
            nit=self.nit,
            nfev=obj.nfev,
            njev=obj.njev,
            nhev=obj.nhev,
            success=status == SUCCESS,
            status=status,
            message=message,
            method=self.method,
        )

    def check(self, x: np.ndarray, f: float, g: np.ndarray) -> OptimizeResult | None:
        """The final result if the run ends at ``(x, f, g)``, else None."""
        if not (np.isfinite(f) and np.all(np.isfinite(g))):
            what = "loss" if not np.isfinite(f) else "gradient"
            return self.result(
                x, f, g, NON_FINITE,
                f"{self.method}: non-finite {what} at iteration {self.nit} (loss {f!r}); "
                "check the loss for overflow, log(0) or division by zero there",
            )
        gnorm = gradient_norm(g)
        if gnorm <= self.tol:
            return self.result(
                x, f, g, SUCCESS,
                f"{self.method}: converged, gradient norm {gnorm:.3g} <= tol {self.tol:g} "
                f"after {self.nit} iterations",
            )
        if self.nit >= self.maxiter:
            return self.result(
                x, f, g, MAXITER,
                f"{self.method}: maxiter={self.maxiter} iterations reached with gradient norm "
                f"{gnorm:.3g} > tol {self.tol:g}; raise maxiter or loosen tol",
            )
        return None

    def step(self, x: np.ndarray, f: float, g: np.ndarray) -> OptimizeResult | None:
        """Count one iteration ending at ``(x, f, g)``, call the callback, test for the end."""
        self.nit += 1
        if self.callback is not None and np.isfinite(f):
            try:
                self.callback(self.result(x, f, g, SUCCESS, "intermediate result"))
            except StopIteration:
                return self.result(
                    x, f, g, CALLBACK_STOP,
                    f"{self.method}: stopped by the callback at iteration {self.nit}",
                )
        return self.check(x, f, g)

    def failed(self, x: np.ndarray, f: float, g: np.ndarray, why: str) -> OptimizeResult:
        """The result of a run whose line search (or damped step) could not make progress."""
        return self.result(
            x, f, g, LINE_SEARCH_FAILED,
            f"{self.method}: no progress at iteration {self.nit + 1}: {why}",
        )

    def line_search_failed(
        self, x: np.ndarray, f: float, g: np.ndarray, ls: LineSearchResult
    ) -> OptimizeResult:
        """The result of a run whose line search found no acceptable step: status 3 if
        non-finite values along the direction were the cause, else 2."""
        if ls.non_finite:
            return self.result(
                x, f, g, NON_FINITE,
                f"{self.method}: non-finite loss or gradient along the search direction at "
                f"iteration {self.nit + 1}, and no finite step decreased the loss: "
                f"{ls.message}",
            )
        return self.failed(x, f, g, "line search failed: " + ls.message)

    def non_finite(self, x: np.ndarray, f: float, g: np.ndarray, what: str) -> OptimizeResult:
        """The result of a run stopped by a non-finite Hessian or Hessian-vector product."""
        return self.result(
            x, f, g, NON_FINITE,
            f"{self.method}: non-finite {what} at iteration {self.nit + 1}",
        )
