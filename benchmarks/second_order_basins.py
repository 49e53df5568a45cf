"""Claim: which minimum a method reaches from a random start is a property of the method that
one start cannot measure; over many starts of one distribution it can.

The chained Rosenbrock function in n >= 4 dimensions has, besides the global minimum 0 at
(1, ..., 1), a local minimum near (-1, 1, ..., 1) with loss about 3.987 (20-D). The wider set
of ``second_order.py`` draws four 20-D starts uniformly from [-2, 2]^20; from one of them our
``newton`` ends at the local minimum and SciPy's Newton-CG at 0, which counts as one more
unsolved run. This script runs every method of ours and SciPy's from ``--starts`` starts
(default 100) of that distribution (another seed than the wider set's) and counts where each
ends: the global minimum (loss <= 1e-8), the local one (gradient norm reached, loss within
1e-3 of the local minimum's), another stationary point (gradient norm reached elsewhere: a
saddle point of this function) or nowhere (not converged), with a 95 % Wilson interval for the
local-minimum rate, and, per pair, the starts where exactly one side ends at the local minimum
(a sign test on those tells a systematic difference from chance).

Run: .venv/bin/python benchmarks/second_order_basins.py [--starts N] [--n DIM] [--seed S]
(100 starts in 20-D: about 2 minutes)
"""

from __future__ import annotations

import math
import sys
import time

import numpy as np
from second_order import PAIRS, rosenbrock, run_ours, run_scipy, scipy

OURS = ["newton", "hessian-free", "bfgs", "lbfgs", "cg"]
SCIPYS = ["Newton-CG", "BFGS", "L-BFGS-B", "CG"]


def local_minimum(n: int) -> float:
    """The loss at the chained Rosenbrock function's local minimum near (-1, 1, ..., 1),
    found by Newton's method from there (it is a strict local minimum for n >= 4)."""
    from chainrule.optim.second_order import minimize

    x0 = np.ones(n)
    x0[0] = -1.0
    res = minimize(rosenbrock, x0, method="newton", tol=1e-12)
    return float(res.fun)


def classify(row, f_local: float) -> str:
    """``global``, ``local``, ``stationary`` (the gradient test met elsewhere: a saddle point
    here) or ``unconverged``."""
    if not row.success:
        return "unconverged"
    if row.fun <= 1e-8:
        return "global"
    return "local" if abs(row.fun - f_local) <= 1e-3 else "stationary"


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95 % Wilson score interval of a rate ``k / n``.

    Example:
        >>> [round(v, 3) for v in wilson(0, 100)]
        [0.0, 0.037]
    """
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def sign_test(a: int, b: int) -> float:
    """Two-sided p-value that ``a`` and ``b`` discordant starts came from a fair coin.

    Example:
        >>> round(sign_test(5, 5), 3), round(sign_test(0, 8), 4)
        (1.0, 0.0078)
    """
    n, k = a + b, min(a, b)
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2.0**n
    return min(1.0, 2.0 * tail)


def main() -> int:
    if scipy is None:
        print("SciPy is not installed (pip install scipy): nothing to compare with.")
        return 1
    args = sys.argv[1:]
    starts = int(args[args.index("--starts") + 1]) if "--starts" in args else 100
    n = int(args[args.index("--n") + 1]) if "--n" in args else 20
    seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 12
    rng = np.random.default_rng(seed)
    f_local = local_minimum(n)
    x_star = np.ones(n)
    print(f"Chained Rosenbrock {n}-D from {starts} starts uniform on [-2, 2]^{n} (seed {seed}); "
          f"local minimum loss {f_local:.6f}")
    begin = time.perf_counter()
    ends: dict[str, list[str]] = {m: [] for m in OURS + SCIPYS}
    evals: dict[str, list[int]] = {m: [] for m in OURS + SCIPYS}
    for _ in range(starts):
        x0 = rng.uniform(-2.0, 2.0, n)
        rows = [run_ours(m, rosenbrock, x0, x_star) for m in OURS]
        rows += [run_scipy(m, rosenbrock, x0, x_star) for m in SCIPYS]
        for m, row in zip(OURS + SCIPYS, rows, strict=True):
            ends[m].append(classify(row, f_local))
            evals[m].append(row.evals)
    print(f"  {'method':<14}{'global':>7}{'local':>7}{'saddle':>7}{'unconv.':>8}   local rate "
          f"[95 % interval]   median evals")
    for m in OURS + SCIPYS:
        k = ends[m].count("local")
        lo, hi = wilson(k, starts)
        print(f"  {m:<14}{ends[m].count('global'):>7}{k:>7}{ends[m].count('stationary'):>7}"
              f"{ends[m].count('unconverged'):>8}   {k / starts:5.2f} [{lo:.2f}-{hi:.2f}]"
              f"{np.median(evals[m]):>19.0f}")
    print("  pairs: starts where only ours / only SciPy's ends at the local minimum, sign test")
    for mine, their in PAIRS:
        a = sum(x == "local" and y != "local" for x, y in zip(ends[mine], ends[their],
                                                              strict=True))
        b = sum(y == "local" and x != "local" for x, y in zip(ends[mine], ends[their],
                                                              strict=True))
        print(f"  {mine:>13} vs {their:<10} {a:3} / {b:3}   p = {sign_test(a, b):.3g}")
    print(f"  ({time.perf_counter() - begin:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
