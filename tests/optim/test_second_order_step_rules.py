"""The options BFGS, L-BFGS and nonlinear CG share (second_order/step_rules.py: initial trial
step, line search) and CG's beta rules (conjugate_gradient.cg_beta): hand-computed values,
n-step termination on quadratics, and convergence on Moré-Garbow-Hillstrom problems to the
minima the paper reports."""

import numpy as np
import pytest

from chainrule.optim.second_order import minimize
from chainrule.optim.second_order.conjugate_gradient import BETAS, cg_beta
from chainrule.optim.second_order.step_rules import (
    INITIAL_STEPS,
    LINE_SEARCHES,
    QUASI_NEWTON_LINE_SEARCHES,
    next_trial_step,
)


# --- beta rules -----------------------------------------------------------------------------
def test_cg_beta_rules_by_hand():
    g_old, g, d = np.array([2.0, 0.0]), np.array([1.0, 1.0]), np.array([-2.0, -1.0])
    # y = g - g_old = (-1, 1); g'g = 2, g_old'g_old = 4, g'y = 0, d'y = 2 - 1 = 1
    assert cg_beta("fr", g, g_old, d) == 0.5
    assert cg_beta("pr", g, g_old, d) == 0.0
    assert cg_beta("hs", g, g_old, d) == 0.0
    assert cg_beta("hs-dy", g, g_old, d) == 0.0  # HS = 0 lies in [0, DY = 2]
    assert cg_beta("fr-pr", g, g_old, d) == 0.0  # PR = 0 lies in [-FR, FR]
    g = np.array([3.0, 1.0])  # y = (1, 1): g'y = 4, g'g = 10, d'y = -3
    assert cg_beta("pr", g, g_old, d) == 1.0 and cg_beta("fr", g, g_old, d) == 2.5
    assert cg_beta("fr-pr", g, g_old, d) == 1.0
    assert cg_beta("hs", g, g_old, d) == 0.0  # d'y <= 0: no curvature information, restart
    g = np.array([-1.0, 0.0])  # y = (-3, 0): g'y = 3, g'g = 1, d'y = 6: HS 0.5, DY 1/6
    assert cg_beta("hs", g, g_old, d) == 0.5
    assert cg_beta("hs-dy", g, g_old, d) == pytest.approx(1 / 6)  # clipped to DY
    assert cg_beta("pr", g, g_old, d) == 0.75 and cg_beta("fr", g, g_old, d) == 0.25
    assert cg_beta("fr-pr", g, g_old, d) == 0.25  # clipped to FR
    # Hager-Zhang: HS - 2 (y'y)(d'g) / (d'y)^2 = 0.5 - 2 * 9 * 2 / 36, above its floor
    # -1 / (|d| min(0.01, |g_old|)) = -44.7
    assert cg_beta("hz", g, g_old, d) == pytest.approx(-0.5)
    g = np.array([1.0, 0.0])  # y = (-1, 0): PR = -1/4, clipped at 0 by pr+; HS = -1/2
    assert cg_beta("pr+", g, g_old, d) == 0.0 and cg_beta("hs+", g, g_old, d) == 0.0
    assert cg_beta("pr", g, g_old, d) == -0.25 and cg_beta("hs", g, g_old, d) == -0.5


@pytest.mark.parametrize("beta", BETAS)
def test_every_beta_ends_a_quadratic_in_n_steps_with_near_exact_line_searches(beta):
    rng = np.random.default_rng(3)
    Q, _ = np.linalg.qr(rng.standard_normal((6, 6)))
    A = (Q * np.array([1.0, 2.0, 4.0, 8.0, 16.0, 32.0])) @ Q.T
    b = rng.standard_normal(6)
    res = minimize(lambda x: 0.5 * x @ A @ x - b @ x, np.zeros(6), method="cg", beta=beta,
                   c1=1e-10, c2=1e-8, tol=1e-8)
    assert res.success, res.message
    assert res.nit <= 6  # conjugate directions: at most n = 6 line searches (seed 3.5.6.1)
    np.testing.assert_allclose(res.x, np.linalg.solve(A, b), atol=1e-8)


# --- initial step and line search options ----------------------------------------------------
def test_next_trial_step_rules_by_hand():
    # last iteration: step 0.5 along slope -4; now f fell from 1.5 to 1.0 and the slope is -1
    assert next_trial_step("slope-ratio", 1.0, 1.5, -1.0, 0.5, -4.0) == 2.0
    assert next_trial_step("decrease", 1.0, 1.5, -1.0, 0.5, -4.0) == 1.0  # 1.01 capped at 1
    assert next_trial_step("decrease", 1.0, 1.5, -8.0, 0.5, -4.0) == pytest.approx(0.12625)
    assert next_trial_step("unit", 1.0, 1.5, -1.0, 0.5, -4.0) == 1.0
    assert next_trial_step("decrease", 1.0, 1.0, -1.0, 0.5, -4.0) == 1.0  # no decrease seen


def wood(x):  # Moré, Garbow & Hillstrom 1981, problem 14; minimum 0 at (1, 1, 1, 1)
    return (100.0 * (x[1] - x[0] ** 2) ** 2 + (1.0 - x[0]) ** 2
            + 90.0 * (x[3] - x[2] ** 2) ** 2 + (1.0 - x[2]) ** 2
            + 10.1 * ((x[1] - 1.0) ** 2 + (x[3] - 1.0) ** 2)
            + 19.8 * (x[1] - 1.0) * (x[3] - 1.0))


@pytest.mark.parametrize("line_search", QUASI_NEWTON_LINE_SEARCHES)
@pytest.mark.parametrize("initial_step", INITIAL_STEPS)
@pytest.mark.parametrize("method", ["bfgs", "lbfgs", "cg"])
def test_every_step_rule_and_search_solves_wood(method, initial_step, line_search):
    res = minimize(wood, np.array([-3.0, -1.0, -3.0, -1.0]), method=method,
                   initial_step=initial_step, line_search=line_search, maxiter=5000)
    assert res.success, res.message
    np.testing.assert_allclose(res.x, np.ones(4), atol=1e-5)
    assert res.fun < 1e-10 and res.nfev == res.njev


def helical_valley(x):  # MGH problem 7; minimum 0 at (1, 0, 0)
    theta = np.arctan(x[1] / x[0]) / (2.0 * np.pi) + (0.5 if x[0] < 0 else 0.0)
    return (100.0 * (x[2] - 10.0 * theta) ** 2
            + 100.0 * (np.sqrt(x[0] ** 2 + x[1] ** 2) - 1.0) ** 2 + x[2] ** 2)


def osborne_1_like_bard(x):  # MGH problem 8 (Bard); minimum 8.21487e-3
    y = np.array([0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96,
                  1.34, 2.10, 4.39])
    u = np.arange(1.0, 16.0)
    v = 16.0 - u
    return np.sum((y - (x[0] + u / (v * x[1] + np.minimum(u, v) * x[2]))) ** 2)


@pytest.mark.parametrize("method", ["bfgs", "lbfgs", "cg", "newton", "hessian-free"])
def test_defaults_reach_the_papers_minima(method):
    res = minimize(helical_valley, np.array([-1.0, 0.0, 0.0]), method=method)
    assert res.success, res.message
    np.testing.assert_allclose(res.x, [1.0, 0.0, 0.0], atol=1e-6)
    res = minimize(osborne_1_like_bard, np.ones(3), method=method)
    assert res.success, res.message
    assert res.fun == pytest.approx(8.21487e-3, rel=1e-5)  # the value MGH report


def test_unknown_rules_are_value_errors_naming_the_choices():
    f = lambda x: np.sum(x**2)  # noqa: E731
    with pytest.raises(ValueError, match=r"initial_step='big'; choose one of \('unit'"):
        minimize(f, np.ones(2), method="bfgs", initial_step="big")
    with pytest.raises(ValueError, match=r"line_search='exact'; choose one of"):
        minimize(f, np.ones(2), method="lbfgs", line_search="exact")
    with pytest.raises(ValueError, match=r"method='cg'\): beta='dy'; choose one of"):
        minimize(f, np.ones(2), method="cg", beta="dy")


# --- the quasi-Newton model step ----------------------------------------------------------------
def _parabola_with_minimum_at_one(a):
    return (a - 1.0) ** 2, 2.0 * (a - 1.0), None


@pytest.mark.parametrize("name", list(LINE_SEARCHES))
def test_a_too_short_trial_step_may_go_straight_to_the_model_step(name):
    # From alpha0 = 0.01 the interpolation points at 1 exactly, but the 5-fold growth limit
    # makes the search walk there (0.05, 0.25, ...); with model_step=1 it may jump to it.
    # (Hager-Zhang's bracketing grows the step by 5 without interpolating, and its Wolfe
    # conditions are not the strong ones: the walk ends at 1.25, where the slope is 0.5.)
    search = LINE_SEARCHES[name]
    walk = search(_parabola_with_minimum_at_one, 1.0, -2.0, 0.01, 1e-4, 0.1)
    jump = search(_parabola_with_minimum_at_one, 1.0, -2.0, 0.01, 1e-4, 0.1, 1.0)
    assert walk.wolfe and jump.wolfe
    assert jump.alpha == pytest.approx(1.0)
    assert walk.alpha == pytest.approx(1.25 if name == "hager-zhang" else 1.0)
    assert jump.evaluations == 2 and walk.evaluations >= 4


@pytest.mark.parametrize("name", list(LINE_SEARCHES))
def test_the_model_step_does_not_limit_steps_beyond_it(name):
    # minimum at 10: trial steps already above model_step=1 grow exactly as without it
    def phi(a):
        return (a - 10.0) ** 2, 2.0 * (a - 10.0), None

    search = LINE_SEARCHES[name]
    plain = search(phi, 100.0, -20.0, 2.0, 1e-4, 0.1)
    hinted = search(phi, 100.0, -20.0, 2.0, 1e-4, 0.1, 1.0)
    assert (hinted.alpha, hinted.evaluations) == (plain.alpha, plain.evaluations)
    assert plain.alpha == pytest.approx(10.0)



def test_every_line_search_has_the_shared_signature():
    # line_search.LineSearch: the same seven arguments in the same order, then keywords only
    import inspect

    from chainrule.optim.second_order.line_search import LineSearch
    from chainrule.optim.second_order.more_thuente import more_thuente

    shared = list(inspect.signature(LineSearch.__call__).parameters)[1:]
    assert shared == ["phi", "f0", "dphi0", "alpha0", "c1", "c2", "model_step"]
    for search in (*LINE_SEARCHES.values(), more_thuente):
        params = list(inspect.signature(search).parameters.values())
        assert [p.name for p in params[:7]] == shared, search.__name__
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params[7:]), search.__name__
