"""The Moré-Thuente line search (second_order/more_thuente.py): the paper's own test results,
the strong Wolfe conditions on random smooth problems, its interpolation cases, and the
fall-back to the bracketing search on non-finite values."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chainrule as cr
from chainrule.optim.second_order.more_thuente import (
    _Trial,
    more_thuente,
    next_trial,
    step_from_previous_decrease,
    wolfe_search,
)


def _paper_function_1(a):  # Moré & Thuente 1994, eq. 5.1 with beta = 2
    return -a / (a * a + 2.0), (a * a - 2.0) / (a * a + 2.0) ** 2, a


@pytest.mark.parametrize(
    ("alpha0", "evaluations", "alpha", "slope"),
    [(1e-3, 6, 1.4, -9.2e-3), (1e-1, 3, 1.4, 4.7e-3), (1e1, 1, 10.0, 9.4e-3),
     (1e3, 4, 37.0, 7.3e-4)],
)
def test_reproduces_table_1_of_the_paper(alpha0, evaluations, alpha, slope):
    # Table 1 of Moré & Thuente (c1 = 0.001, c2 = 0.1): evaluations, final step and slope
    res = more_thuente(_paper_function_1, 0.0, -0.5, alpha0=alpha0, c1=1e-3, c2=0.1)
    assert res.success and res.wolfe and res.payload == res.alpha
    assert res.evaluations == evaluations
    assert round(res.alpha, 1 if alpha < 10 else 0) == alpha
    assert float(f"{res.dphi:.1e}") == slope


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), alpha0=st.floats(1e-4, 1e4),
       c2=st.sampled_from([0.1, 0.4, 0.9]))
def test_steps_satisfy_both_strong_wolfe_conditions(seed, alpha0, c2):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((4, 4)))
    A = Q @ np.diag(np.geomspace(1.0, 1e3, 4)) @ Q.T
    x = rng.standard_normal(4) * 3

    def f(z):
        return 0.5 * z @ A @ z + np.sum(np.sqrt(1.0 + z**2))

    vg = cr.value_and_grad(f)
    d = -cr.grad(f)(x)

    def phi(a):
        v, g = vg(x + a * d)
        return float(v), float(g @ d), a

    f0, slope0 = phi(0.0)[:2]
    res = more_thuente(phi, f0, slope0, alpha0=alpha0, c1=1e-4, c2=c2)
    assert res.success and res.wolfe and res.payload == res.alpha
    assert res.f <= f0 + 1e-4 * res.alpha * slope0
    assert abs(res.dphi) <= c2 * abs(slope0)
    assert res.evaluations <= 20


def test_case_1_a_higher_value_brackets_and_lands_on_the_parabolas_minimizer():
    x = y = _Trial(0.0, 4.0, -4.0)  # phi(a) = (a - 2)^2 at 0, then at 5 (higher)
    x, y, step, bracketed = next_trial(x, y, _Trial(5.0, 9.0, 6.0), False, 0.0, 25.0)
    assert bracketed and (x.a, y.a) == (0.0, 5.0) and step == pytest.approx(2.0)


def test_case_2_a_slope_sign_change_brackets_between_the_points():
    x = y = _Trial(0.0, 4.0, -4.0)  # at 3 the loss is lower and rising: the minimum is left
    x, y, step, bracketed = next_trial(x, y, _Trial(3.0, 1.0, 2.0), False, 0.0, 12.0)
    assert bracketed and (x.a, y.a) == (3.0, 0.0) and step == pytest.approx(2.0)


def test_case_3_unbracketed_extrapolation_stays_within_the_allowed_range():
    # phi(a) = exp(-a): the slope shrinks but never changes sign, the cubic has no minimizer
    # ahead, so the step goes to the upper limit hi
    x = y = _Trial(0.0, 1.0, -1.0)
    t = _Trial(1.0, math.exp(-1.0), -math.exp(-1.0))
    x, y, step, bracketed = next_trial(x, y, t, False, 2.1, 5.0)
    assert not bracketed and x.a == 1.0 and 2.1 <= step <= 5.0


def test_a_direction_that_is_not_downhill_is_refused_without_evaluating():
    res = more_thuente(lambda a: (a, 1.0, None), 0.0, 0.5)
    assert not res.success and res.evaluations == 0 and "not a descent direction" in res.message
    with pytest.raises(ValueError, match="0 < c1 < c2 < 1"):
        more_thuente(lambda a: (a, 1.0, None), 0.0, -1.0, c1=0.5, c2=0.4)


def test_non_finite_values_end_the_search_and_wolfe_search_backs_away():
    def phi(a):  # (a - 1/4)^2, undefined beyond a = 1/2
        if a > 0.5:
            return math.nan, math.nan, a
        return (a - 0.25) ** 2, 2.0 * (a - 0.25), a

    res = more_thuente(phi, 0.0625, -0.5, alpha0=1.0, c2=0.4)
    assert not res.success and res.non_finite and res.evaluations == 1
    res = wolfe_search(phi, 0.0625, -0.5, alpha0=1.0, c2=0.4)
    assert res.success and res.wolfe and 0.05 <= res.alpha <= 0.45  # |phi'| <= 0.2
    assert res.non_finite and res.evaluations >= 2  # both searches' evaluations count


def test_no_decrease_at_all_is_not_a_step():
    # a flat loss: rounding makes f == f0 pass the sufficient-decrease test, but it is no step
    res = more_thuente(lambda a: (1.0, -1e-300, a), 1.0, -1e-300, alpha0=1.0)
    assert not res.success and res.evaluations == 100 and "no step" in res.message


def test_first_trial_step_from_the_previous_decrease():
    assert step_from_previous_decrease(1.0, 1.5, -4.0) == pytest.approx(0.2525)
    assert step_from_previous_decrease(1.0, 11.0, -4.0) == 1.0  # capped at 1
    assert step_from_previous_decrease(1.0, 1.0, -4.0) == 1.0  # no decrease to go by
    assert step_from_previous_decrease(1.0, 0.5, -4.0) == 1.0  # the loss rose
