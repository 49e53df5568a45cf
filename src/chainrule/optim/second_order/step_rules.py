"""How each line search of BFGS, L-BFGS and nonlinear CG starts, and which search runs: the
options ``initial_step`` and ``line_search`` those methods share.

Initial trial steps (Nocedal & Wright, *Numerical Optimization*, 2nd ed., section 3.5):

* ``"unit"``: ``alpha = 1``, the step a quasi-Newton direction is scaled for;
* ``"decrease"``: the minimizer of the parabola through ``f`` with slope ``g'd`` that falls
  as much as the last iteration did, ``2 (f - f_prev) / g'd`` (N&W eq. 3.60), times 1.01 and at
  most 1, as SciPy's BFGS and CG start;
* ``"slope-ratio"``: the first-order change ``alpha_prev g_prev'd_prev / g'd`` should match the
  last one (N&W, the rule before eq. 3.60), uncapped: suited to CG, whose directions have no
  natural length.

A trial step below 1 along a quasi-Newton direction (``"decrease"``, a guess from the last
iteration) can prove too short, most often right after a search that had to cut its step
back hard: the last decrease then was small and says little about this direction. Both
searches then extrapolate; they grow the step by at most 5 times per trial (Moré-Thuente's
safeguard), which costs three or four evaluations to get back to the unit step, the minimizer
of the quasi-Newton model itself. BFGS and L-BFGS therefore pass ``model_step=1``: while the
trials are below it, the extrapolation may go straight to it (N&W section 3.5: for Newton and
quasi-Newton methods the unit step is the one to try). CG directions have no such step.

Searches (``LINE_SEARCHES``; one signature, ``line_search.LineSearch``): ``"more-thuente"``
(``more_thuente.wolfe_search``), ``"bracketing"`` (``line_search.strong_wolfe``, N&W
algorithms 3.5-3.6) and, for CG, ``"hager-zhang"`` (below).

Nonlinear CG also takes CG_DESCENT's rules (Hager & Zhang 2005/2006, ``hager_zhang.py``):
``initial_step="hager-zhang"`` (rule I0 on the first iteration, then I1, the minimizer of a
parabola through one extra loss value at ``0.1 alpha_prev``, or I2, ``2 alpha_prev``; the
extra value needs the point and direction, so ``nonlinear_cg`` computes it, not
``next_trial_step``) and ``line_search="hager-zhang"`` (the approximate-Wolfe search, with
``c1, c2`` as its ``delta, sigma``, which need ``c1 < 0.5``). They are offered for CG only,
the method they were designed and tuned for: I1/I2 scale the last step, which suits CG
directions (no natural length) and not quasi-Newton ones (the unit step is the one to try).
"""

from __future__ import annotations

import math

from chainrule.optim.second_order.hager_zhang import approximate_wolfe
from chainrule.optim.second_order.line_search import LineSearch, strong_wolfe
from chainrule.optim.second_order.more_thuente import step_from_previous_decrease, wolfe_search

INITIAL_STEPS = ("unit", "decrease", "slope-ratio")
LINE_SEARCHES: dict[str, LineSearch] = {
    "more-thuente": wolfe_search,
    "bracketing": strong_wolfe,
    "hager-zhang": approximate_wolfe,
}
# BFGS's and L-BFGS's choices, and nonlinear CG's: those and CG_DESCENT's (module docstring)
QUASI_NEWTON_LINE_SEARCHES = ("more-thuente", "bracketing")
CG_INITIAL_STEPS = (*INITIAL_STEPS, "hager-zhang")
CG_LINE_SEARCHES = tuple(LINE_SEARCHES)


def check_step_options(method: str, initial_step: str, line_search: str) -> None:
    """Raise a ValueError naming ``method`` if either option is not one of its rules.

    Example:
        >>> check_step_options("bfgs", "unit", "more-thuente") is None
        True
        >>> check_step_options("cg", "hager-zhang", "hager-zhang") is None
        True
    """
    cg = method == "cg"
    steps = CG_INITIAL_STEPS if cg else INITIAL_STEPS
    searches = CG_LINE_SEARCHES if cg else QUASI_NEWTON_LINE_SEARCHES
    if initial_step not in steps:
        raise ValueError(
            f"minimize(method={method!r}): initial_step={initial_step!r}; choose one of "
            f"{steps}"
        )
    if line_search not in searches:
        raise ValueError(
            f"minimize(method={method!r}): line_search={line_search!r}; choose one of "
            f"{searches}"
        )


def next_trial_step(
    rule: str, f: float, f_prev: float, slope: float, alpha_prev: float, slope_prev: float
) -> float:
    """The first trial step of an iteration after the first, by ``rule`` (see the module
    docstring): ``f, slope`` are the loss and ``g'd`` now, ``f_prev, alpha_prev, slope_prev``
    the loss, accepted step and slope of the previous iteration. Falls back to 1 where the
    rule has nothing to go by (no decrease, a non-finite ratio).

    Example (last step 0.5 at slope -4, now slope -1: the slope ratio asks for 2):
        >>> next_trial_step("slope-ratio", 1.0, 1.5, -1.0, 0.5, -4.0)
        2.0
        >>> next_trial_step("decrease", 1.0, 1.5, -4.0, 0.5, -4.0)
        0.2525
        >>> next_trial_step("unit", 1.0, 1.5, -4.0, 0.5, -4.0)
        1.0
    """
    if rule == "decrease":
        return step_from_previous_decrease(f, f_prev, slope)
    if rule == "slope-ratio":
        guess = alpha_prev * slope_prev / slope if slope < 0.0 else 1.0
        return guess if guess > 0.0 and math.isfinite(guess) else 1.0
    return 1.0

