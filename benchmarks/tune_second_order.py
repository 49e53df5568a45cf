"""Choose the defaults of ``minimize``'s BFGS, L-BFGS and nonlinear CG on a problem set of
their own (``tuning_problems.py``: Moré-Garbow-Hillstrom functions with none of the
acceptance problems of ``second_order.py``), not on the figures they are judged by.

For every candidate setting (Wolfe ``c2``, ``initial_step``, ``line_search``, BFGS's
Shanno-Phua scaling of the first inverse Hessian, CG's ``beta`` and Powell restarts) each
method runs every tuning problem to gradient norm 1e-6, from the standard start and from 10
times it, with the same exact gradients SciPy's ``minimize`` gets, for at most 2000
iterations. A run *solves* a
problem when it ends, before that limit, at a loss value the paper lists for a (local)
minimum. The criterion: fewest unsolved problems, then the lowest ratio of our evaluations
(loss + gradient) to SciPy's corresponding method's (BFGS, L-BFGS-B, CG), each summed over the
runs both solved. (A first version summed every run's evaluations, failed ones included; one
run that neither solves, Osborne 1 from 10 x0, where SciPy's BFGS gives up after 33
evaluations and ours spends 2000 iterations, then outweighed thirty others.)

Columns: unsolved count; ours and SciPy's evaluations summed over the runs both solved and
their ratio; the geometric mean of the per-run ratios; on how many of those runs ours needed
no more evaluations; all our evaluations, unsolved runs included.

Run: .venv/bin/python benchmarks/tune_second_order.py [bfgs] [lbfgs] [cg] [--top K]
[--jobs N] [--hager-zhang]
(about 8 minutes on 2 cores, most of them CG's 183 candidates; prints the best K candidates per
method, default 8, the current default's rank, and the choice). ``--jobs N``: N worker
processes (default: one per core; 1 runs in this process). ``--hager-zhang``: of CG's
candidates only the CG_DESCENT ones (``CG_HAGER_ZHANG``) and the default chosen before them
(`cg --hager-zhang --jobs 1`: 24 candidates, about 80 s).
"""

from __future__ import annotations

import itertools
import math
import multiprocessing
import sys
import time
import warnings

import numpy as np
from second_order import run_ours, run_scipy
from tuning_problems import problems

from chainrule.optim.second_order import method_options

MAXITER = 2000  # runs that need more count as unsolved (and cap the time)
SCIPY_OF = {"bfgs": "BFGS", "lbfgs": "L-BFGS-B", "cg": "CG"}


def grid(**axes) -> list[dict]:
    keys = list(axes)
    return [dict(zip(keys, values, strict=True)) for values in itertools.product(*axes.values())]


CANDIDATES = {
    "bfgs": grid(c2=[0.9, 0.8, 0.7, 0.5], scale_identity=[False, True],
                 initial_step=["decrease", "unit"], line_search=["more-thuente", "bracketing"]),
    "lbfgs": grid(c2=[0.9, 0.8, 0.7, 0.5], initial_step=["unit", "decrease"],
                  line_search=["bracketing", "more-thuente"]),
    "cg": grid(beta=["pr+", "fr-pr", "hs+", "hs-dy", "hz"], c1=[1e-4], c2=[0.1, 0.2, 0.3, 0.4],
               initial_step=["decrease", "slope-ratio"],
               line_search=["bracketing", "more-thuente"], powell_restart=[None, 0.2]),
}
# CG_DESCENT (Hager & Zhang 2005, Algorithm 851): its beta, approximate-Wolfe search and
# initial steps with the papers' delta = c1 = 0.1, sigma = c2 = 0.9 (the first entry), and
# the same search with other beta rules, sigma values and trial steps around it. (A first run
# had c2 in 0.9, 0.5, 0.2 and beta hz, hs-dy only; 0.7, 0.3 and PR+ were added after it, to see
# whether its winner stood among its neighbours.)
CG_HAGER_ZHANG = [
    *grid(beta=["hz", "hs-dy", "pr+"], c1=[0.1], c2=[0.9, 0.7, 0.5, 0.3, 0.2],
          initial_step=["hager-zhang"], line_search=["hager-zhang"], powell_restart=[None]),
    *grid(beta=["hz", "hs-dy"], c1=[0.1], c2=[0.9, 0.5, 0.2], initial_step=["slope-ratio"],
          line_search=["hager-zhang"], powell_restart=[None]),
    *grid(beta=["hz", "hs-dy"], c1=[1e-4], c2=[0.1], initial_step=["hager-zhang"],
          line_search=["more-thuente"], powell_restart=[None]),
]
CANDIDATES["cg"] += CG_HAGER_ZHANG
# the CG default chosen before CG_DESCENT was added, kept as the baseline of --hager-zhang
CG_BEFORE_HAGER_ZHANG = dict(beta="hs-dy", c1=1e-4, c2=0.1, initial_step="slope-ratio",
                             line_search="more-thuente", powell_restart=None)


def solved(problem, row) -> bool:
    """Ended at a known minimum value, and not by running out of iterations (a run stopped by
    rounding there, its line search finding no decrease, has solved it)."""
    return problem.solved_by(row.fun) and not row.maxiter_hit


class Score:
    """One candidate's results over the tuning set."""

    def __init__(self, options: dict, rows: list, refs: list, probs: list) -> None:
        self.options = options
        self.unsolved = [p.name for p, r in zip(probs, rows, strict=True) if not solved(p, r)]
        self.total = sum(r.evals for r in rows)
        ratios, self.wins, self.ours, self.theirs = [], 0, 0, 0
        for p, r, s in zip(probs, rows, refs, strict=True):
            if solved(p, r) and solved(p, s):
                self.ours, self.theirs = self.ours + r.evals, self.theirs + s.evals
                self.wins += r.evals <= s.evals
                ratios.append(r.evals / s.evals)
        self.comparable = len(ratios)
        self.ratio = self.ours / self.theirs if self.theirs else math.inf
        self.geomean = math.exp(float(np.mean(np.log(ratios)))) if ratios else math.nan

    @property
    def key(self) -> tuple[int, float]:
        return len(self.unsolved), self.ratio

    def line(self, rank: int) -> str:
        opts = ", ".join(f"{k}={v}" for k, v in self.options.items())
        return (f"  {rank:>3}  {len(self.unsolved):>8}  {self.ours:>7}  {self.theirs:>7}  "
                f"{self.ratio:>6.3f}  {self.geomean:>6.3f}  {self.wins:>3}/{self.comparable:<3} "
                f"{self.total:>7}  {opts}")


def _run_all(method: str, options: dict) -> list:
    warnings.simplefilter("ignore", RuntimeWarning)
    return [run_ours(method, p.fun, p.x0, 0.0, options, MAXITER) for p in problems()]


def scipy_reference(method: str, probs: list) -> list:
    return [run_scipy(method, p.fun, p.x0, 0.0, MAXITER) for p in probs]


def is_default(options: dict, default: dict) -> bool:
    return all(default.get(k) == v for k, v in options.items())


def tune(method: str, probs: list, top: int, jobs: int | None = None,
         hager_zhang_only: bool = False) -> Score:
    refs = scipy_reference(SCIPY_OF[method], probs)
    ref_unsolved = [p.name for p, s in zip(probs, refs, strict=True) if not solved(p, s)]
    default = {k: v for k, v in method_options(method).items()}
    candidates = CANDIDATES[method]
    if hager_zhang_only and method == "cg":
        candidates = [CG_BEFORE_HAGER_ZHANG, *CG_HAGER_ZHANG]
    work = [(method, options) for options in candidates]
    if jobs == 1:
        all_rows = [_run_all(*args) for args in work]
    else:
        with multiprocessing.Pool(jobs) as pool:
            all_rows = pool.starmap(_run_all, work)
    scores = [Score(options, rows, refs, probs)
              for options, rows in zip(candidates, all_rows, strict=True)]
    scores.sort(key=lambda s: s.key)
    print(f"\n{method}: {len(scores)} candidates on {len(probs)} problems; SciPy "
          f"{SCIPY_OF[method]}: {sum(r.evals for r in refs)} evals, unsolved "
          f"{ref_unsolved or 'none'}")
    print(f"  {'rank':>4} {'unsolved':>8}  {'ours':>7}  {'SciPy':>7}  {'ratio':>6}  "
          f"{'geo':>6}  {'<=SP':>7} {'all':>7}  options")
    for rank, s in enumerate(scores[:top], 1):
        print(s.line(rank))
    for rank, s in enumerate(scores, 1):
        if is_default(s.options, default):
            print("  current default:")
            print(s.line(rank))
    best = scores[0]
    if best.unsolved:
        print(f"  best leaves unsolved: {best.unsolved}")
    return best


def main() -> int:
    top = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else 8
    jobs = int(sys.argv[sys.argv.index("--jobs") + 1]) if "--jobs" in sys.argv else None
    if jobs is not None and jobs < 1:
        raise SystemExit(f"tune_second_order.py: --jobs {jobs} must be at least 1")
    hz_only = "--hager-zhang" in sys.argv[1:]
    only = [m for m in CANDIDATES if m in sys.argv[1:]] or list(CANDIDATES)
    probs = problems()
    # overflowing trial points are part of some runs (the line searches back away from them)
    warnings.simplefilter("ignore", RuntimeWarning)
    start = time.perf_counter()
    print(f"Tuning set: {len(probs)} problems (tuning_problems.py), gradient norm 1e-6; "
          "criterion: fewest unsolved, then the lowest ratio of evals to SciPy's summed over "
          "the runs both solved")
    chosen = {m: tune(m, probs, top, jobs, hz_only) for m in only}
    print("\nChosen defaults:")
    for m, s in chosen.items():
        print(f"  {m}: {s.options}  ({len(s.unsolved)} unsolved; {s.ours} evals vs SciPy's "
              f"{s.theirs} where both solved)")
    print(f"({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
