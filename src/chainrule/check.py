"""Numerical derivatives and gradient checking (seed 003, section 3.2.10).

``numerical_grad`` differentiates a black box by central differences. ``check_grad`` compares
chainrule's derivatives with central differences along random directions, using the seed's
relative ratio  rho = |Ge - Ga| / |Ge + Ga|  (Ge: automatic, Ga: numerical), which should be
below 1e-6, or 1e-3 near kinks such as ReLU's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from chainrule.jvp import jvp
from chainrule.transforms import vjp
from chainrule.tree import tree_flatten, tree_map

EPS = 1e-5  # central differences: truncation ~eps^2, rounding ~1e-16/eps


def numerical_grad(f: Callable, *args: Any, argnums: int | Sequence[int] = 0, eps: float = EPS):
    """Gradient of a scalar black-box ``f`` by central differences, entry by entry, in float64.

    Costs two evaluations of ``f`` per input entry (four for a complex entry, whose gradient
    is ``df/dx - i df/dy``). Returns arrays shaped like the arguments.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> np.round(cr.numerical_grad(lambda x: np.sum(x ** 3), np.array([1.0, 2.0])), 6)
        array([ 3., 12.])
    """
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    base = [_as_float64(np.array(a)) for a in args]
    grads = []
    for n in nums:
        x = base[n]
        g = np.zeros_like(x)
        flat, gflat = x.reshape(-1), g.reshape(-1)
        # complex entries: dL/dx - i dL/dy, the library's convention (ops/complex.py)
        steps = (1.0, -1j) if x.dtype.kind == "c" else (1.0,)
        for i in range(flat.size):
            old = flat[i]
            for step in steps:
                d = eps * (1j if step == -1j else 1.0)
                flat[i] = old + d
                hi = float(np.real(np.sum(f(*base))))
                flat[i] = old - d
                lo = float(np.real(np.sum(f(*base))))
                flat[i] = old
                gflat[i] += step * (hi - lo) / (2 * eps)
        grads.append(g)
    return grads[0] if isinstance(argnums, int) else tuple(grads)


@dataclass
class CheckRow:
    """One comparison: an argument, a mode and a derivative order."""

    argument: int
    mode: str
    order: int
    automatic: float  # Ge
    numerical: float  # Ga
    ratio: float
    tolerance: float
    noise: float = 0.0  # rounding error of the central difference; below it, no verdict

    @property
    def ok(self) -> bool:
        return bool(self.ratio <= self.tolerance or abs(self.automatic - self.numerical)
                    <= self.noise)


@dataclass
class CheckReport:
    """The rows of a ``check_grad`` run; ``str()`` gives the readable table."""

    function: str
    rows: list[CheckRow]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows)

    def __str__(self) -> str:
        head = f"gradient check of {self.function}: relative ratio |Ge-Ga|/|Ge+Ga| (seed 3.2.10)"
        lines = [head, f"{'arg':>3} {'mode':>4} {'order':>5} {'Ge (auto)':>14} "
                 f"{'Ga (numeric)':>14} {'ratio':>9} {'limit':>7}  "]
        for r in self.rows:
            lines.append(
                f"{r.argument:>3} {r.mode:>4} {r.order:>5} {r.automatic:>14.7g} "
                f"{r.numerical:>14.7g} {r.ratio:>9.1e} {r.tolerance:>7.0e}  "
                + ("FAIL" if not r.ok else "ok" if r.ratio <= r.tolerance else
                   f"ok (below rounding noise {r.noise:.0e})")
            )
        return "\n".join(lines)


class GradientCheckError(AssertionError):
    """Raised by ``check_grad`` when a derivative disagrees with finite differences."""


def _ratio(ge: float, ga: float) -> float:
    denom = abs(ge + ga)
    if denom == 0.0:
        return 0.0 if ge == ga else float("inf")
    # Both tiny: the comparison is meaningless; judge the absolute difference instead.
    if max(abs(ge), abs(ga)) < 1e-10:
        return abs(ge - ga)
    return abs(ge - ga) / denom


def _vdot(a: Any, b: Any) -> float:
    """The real inner product ``Re(sum(a * b))`` of two pytrees, without conjugation: for
    complex values it pairs a cotangent with a tangent (``dL = Re(sum(w_bar * dw))``,
    ``ops/complex.py``); for real ones it is the dot product."""
    la, lb = tree_flatten(a)[0], tree_flatten(b)[0]
    total = 0.0
    for x, y in zip(la, lb, strict=True):
        x, y = np.asarray(x), np.asarray(y)
        if x.dtype.kind == "c" or y.dtype.kind == "c":
            total += float(np.sum(x.astype(np.complex128) * y).real)
        else:
            total += float(np.vdot(x.astype(np.float64), y.astype(np.float64)))
    return total


def _random_like(tree: Any, rng: np.random.Generator) -> Any:
    """Random directions shaped like ``tree``: complex (real and imaginary parts drawn) where
    a leaf is complex, so complex inputs are differentiated along both."""

    def draw(x: Any) -> np.ndarray:
        d = rng.standard_normal(np.shape(x))
        if np.result_type(x).kind == "c":
            d = d + 1j * rng.standard_normal(np.shape(x))
        return d

    return tree_map(draw, tree)


def _as_float64(a: Any) -> np.ndarray:
    a = np.asarray(a)
    return a.astype(np.complex128 if a.dtype.kind == "c" else np.float64)


def check_grad(
    f: Callable,
    *args: Any,
    modes: Sequence[str] = ("fwd", "rev"),
    order: int = 2,
    eps: float = EPS,
    kink: bool = False,
    seed: int = 0,
    raise_on_failure: bool = True,
) -> CheckReport:
    """Compare chainrule's derivatives of ``f`` with central differences, up to ``order``.

    For each argument, a random direction ``v`` and output weighting ``u`` are drawn; the
    automatic directional derivative  u^T J v  (forward: from ``jvp``, reverse: from ``vjp``)
    is compared with  (u^T f(x + eps v) - u^T f(x - eps v)) / (2 eps)  in float64 (complex128
    for complex arguments, with ``v`` and ``u`` complex and ``u^T`` the real part of the
    unconjugated product, so real and imaginary directions are both checked). Order 2
    applies the same check to the derivative functions themselves. Raises
    ``GradientCheckError`` with the report when any ratio exceeds 1e-6 (1e-3 with ``kink``)
    while |Ge - Ga| is above the rounding noise of the central difference (16 units in the last
    place of the values differenced, divided by 2 eps): below it finite differences cannot
    tell the two apart, and the row passes saying so.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> report = cr.check_grad(lambda x: np.sin(x) * x, np.array([0.3, 1.2]))
        >>> report.ok
        True
    """
    for m in modes:
        if m not in ("fwd", "rev"):
            raise ValueError(f"check_grad: unknown mode {m!r}; use 'fwd' and/or 'rev'")
    args = tuple(tree_map(_as_float64, a) for a in args)
    rng = np.random.default_rng(seed)
    tol = 1e-3 if kink else 1e-6
    rows: list[CheckRow] = []
    _check(f, args, modes, order, 1, eps, tol, rng, rows)
    report = CheckReport(getattr(f, "__name__", repr(f)), rows)
    if raise_on_failure and not report.ok:
        raise GradientCheckError("\n" + str(report))
    return report


def _check(f, args, modes, order, level, eps, tol, rng, rows) -> None:
    out = f(*args)
    u = _random_like(out, rng)
    for n in range(len(args)):
        v = _random_like(args[n], rng)

        def along(t: float, n=n, v=v):
            shifted = list(args)
            shifted[n] = tree_map(lambda x, d: x + t * d, args[n], v)
            out = f(*shifted)
            return _vdot(u, out), _vdot(tree_map(np.abs, u), tree_map(np.abs, out))

        (plus, size_plus), (minus, size_minus) = along(eps), along(-eps)
        ga = (plus - minus) / (2 * eps)
        # Each of the two values is known to a few units in the last place of the magnitudes
        # summed into it; their difference divided by 2 eps cannot resolve anything smaller.
        noise = 16 * np.finfo(np.float64).eps * max(size_plus, size_minus) / (2 * eps)
        for mode in modes:
            if mode == "fwd":
                tangents = [tree_map(np.zeros_like, a) for a in args]
                tangents[n] = v
                ge = _vdot(u, jvp(f, args, tuple(tangents))[1])
            else:
                ge = _vdot(vjp(f, *args)[1](_cast_like(u, out))[n], v)
            rows.append(CheckRow(n, mode, level, ge, ga, _ratio(ge, ga), tol, noise))
    if level < order:
        for mode in modes:
            _check(_derivative(f, args, mode, rng), args, (mode,), order, level + 1, eps,
                   tol, rng, rows)


def _cast_like(u: Any, out: Any) -> Any:
    return tree_map(lambda a, o: np.asarray(a, dtype=np.result_type(o)), u, out)


def _derivative(f: Callable, args: tuple, mode: str, rng: np.random.Generator) -> Callable:
    """A function of the same arguments returning a directional derivative of ``f``."""
    out = f(*args)
    if mode == "fwd":
        vs = tuple(_random_like(a, rng) for a in args)

        def directional(*xs):
            return jvp(f, xs, vs)[1]

        directional.__name__ = "jvp"
        return directional
    u = _cast_like(_random_like(out, rng), out)

    def pulled_back(*xs):
        return vjp(f, *xs)[1](u)

    pulled_back.__name__ = "vjp"
    return pulled_back

