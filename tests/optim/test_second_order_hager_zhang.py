"""CG_DESCENT (Hager & Zhang 2005; Algorithm 851, 2006): the approximate-Wolfe line search of
second_order/hager_zhang.py, its initial steps I0-I2, the beta rule's sufficient-descent bound,
and the whole method through minimize(method="cg")."""

import math

import numpy as np
import pytest

import chainrule as cr
from chainrule.optim.second_order import minimize
from chainrule.optim.second_order.conjugate_gradient import cg_beta, nonlinear_cg
from chainrule.optim.second_order.hager_zhang import (
    approximate_wolfe,
    first_step,
    next_step,
)
from chainrule.optim.second_order.line_search import strong_wolfe
from chainrule.optim.second_order.objective import Objective, SolverRun

CG_DESCENT = {"beta": "hz", "line_search": "hager-zhang", "initial_step": "hager-zhang",
              "c1": 0.1, "c2": 0.9}
DELTA, SIGMA, EPSILON = 0.1, 0.9, 1e-6


def line(f, df):
    return lambda a: (f(a), df(a), None)


def t1(phi, a, f0, d0, delta=DELTA, sigma=SIGMA):
    f, d, _ = phi(a)
    return f - f0 <= delta * a * d0 and d >= sigma * d0


def t2(phi, a, f0, d0, delta=DELTA, sigma=SIGMA):
    f, d, _ = phi(a)
    return (2 * delta - 1) * d0 >= d >= sigma * d0 and f <= f0 + EPSILON * abs(f0)


ONE_D = {
    "parabola": line(lambda a: (a - 2.0) ** 2, lambda a: 2.0 * (a - 2.0)),
    "quartic": line(lambda a: (a - 1.0) ** 4 - a, lambda a: 4.0 * (a - 1.0) ** 3 - 1.0),
    "sine": line(lambda a: -math.sin(a) + 0.1 * a, lambda a: -math.cos(a) + 0.1),
    "softplus": line(lambda a: math.log1p(math.exp(-a)) + 0.01 * a * a,
                     lambda a: -1.0 / (1.0 + math.exp(a)) + 0.02 * a),
}


@pytest.mark.parametrize("name", sorted(ONE_D))
@pytest.mark.parametrize("alpha0", [1e-3, 1.0, 30.0])
@pytest.mark.parametrize("sigma", [0.9, 0.1])
def test_the_returned_step_satisfies_t1_or_t2(name, alpha0, sigma):
    phi = ONE_D[name]
    f0, d0, _ = phi(0.0)
    res = approximate_wolfe(phi, f0, d0, alpha0=alpha0, c2=sigma)
    assert res.success and res.wolfe, res.message
    assert t1(phi, res.alpha, f0, d0, sigma=sigma) or t2(phi, res.alpha, f0, d0, sigma=sigma)
    assert (res.f, res.dphi) == phi(res.alpha)[:2]
    assert 1 <= res.evaluations <= 30


def test_bracket_grows_by_rho_and_secant_lands_on_a_parabolas_minimizer():
    phi = ONE_D["parabola"]  # minimum at 2, phi(0) = 4, phi'(0) = -4
    # 0.1 and 0.5 still descend steeply (slope below sigma phi'(0) = -0.4): grow 5-fold to 2.5,
    # whose slope is positive and which meets T1 (weak Wolfe): accepted, 3 evaluations.
    res = approximate_wolfe(phi, 4.0, -4.0, alpha0=0.1, c2=0.1)
    assert (res.alpha, res.evaluations) == (pytest.approx(2.5), 3)
    # from 5 the bracket is [0, 5]; T1 fails at 5 (no decrease), the secant gives 2 exactly
    res = approximate_wolfe(phi, 4.0, -4.0, alpha0=5.0, c2=0.1)
    assert (res.alpha, res.evaluations) == (2.0, 2)


def test_approximate_wolfe_accepts_where_rounding_hides_the_decrease():
    # phi = 1e8 + 1e-10 (a - 1)^2: the loss is 1e8 to the last bit everywhere near the
    # minimizer, so no step shows the decrease T1 (and the strong Wolfe searches) ask for; the
    # slopes are exact, and T2 accepts a step near 1.
    phi = line(lambda a: 1e8 + 1e-10 * (a - 1.0) ** 2, lambda a: 2e-10 * (a - 1.0))
    f0, d0, _ = phi(0.0)
    res = approximate_wolfe(phi, f0, d0, alpha0=0.3, c2=0.1)
    assert res.success and res.wolfe
    assert t2(phi, res.alpha, f0, d0, sigma=0.1) and not t1(phi, res.alpha, f0, d0, sigma=0.1)
    assert 0.9 <= res.alpha <= 1.8
    assert not strong_wolfe(phi, f0, d0, alpha0=0.3, c2=0.1).wolfe


def test_non_finite_trial_points_are_backed_away_from():
    def phi(a):
        if a > 3.0:
            return math.nan, math.nan, None
        return (a - 2.0) ** 2, 2.0 * (a - 2.0), None

    res = approximate_wolfe(phi, 4.0, -4.0, alpha0=100.0, c2=0.1)
    assert res.success and 0.0 < res.alpha <= 3.0
    assert t1(phi, res.alpha, 4.0, -4.0, sigma=0.1) or t2(phi, res.alpha, 4.0, -4.0, sigma=0.1)


def test_no_decrease_anywhere_fails_with_a_message_and_does_not_raise():
    phi = line(lambda a: 1.0 + a, lambda a: -1.0)  # claims descent, but the loss only rises
    res = approximate_wolfe(phi, 1.0, -1.0, alpha0=1.0)
    assert not res.success and res.alpha == 0.0 and res.evaluations <= 100
    assert "no step with sufficient decrease found" in res.message
    res = approximate_wolfe(phi, 1.0, 1.0, alpha0=1.0)  # ascent direction
    assert not res.success and "not a descent direction" in res.message


# --- initial steps I0-I2 ---------------------------------------------------------------------
def test_initial_step_rules_by_hand():
    g = np.array([0.5, -2.0])
    assert first_step(np.array([3.0, -1.0]), 7.0, g) == pytest.approx(0.01 * 3.0 / 2.0)  # I0a
    assert first_step(np.zeros(2), 7.0, g) == pytest.approx(0.01 * 7.0 / 4.25)  # I0b
    assert first_step(np.zeros(2), 0.0, g) == 1.0  # I0c
    # I1: loss 1 with slope -2 at 0, and 0.6 at 0.1 * 2 = 0.2: the parabola
    # 1 - 2a + 5a^2 has its minimum at 0.2
    calls = []

    def value_at(a):
        calls.append(a)
        return 1.0 - 2.0 * a + 5.0 * a * a

    assert next_step(value_at, 1.0, 1.5, -2.0, 2.0) == pytest.approx(0.2)
    assert calls == [pytest.approx(0.2)]
    assert next_step(lambda a: 1.1, 1.0, 1.5, -2.0, 2.0) == 4.0  # I2: no decrease at 0.2
    assert next_step(lambda a: 1.0 - 2.0 * a, 1.0, 1.5, -2.0, 2.0) == 4.0  # I2: not convex

    def not_called(a):
        raise AssertionError("QuadStep must be off once the loss stops changing")

    assert next_step(not_called, 1.0, 1.0 + 1e-14, -2.0, 2.0) == 4.0  # below QuadCutOff


# --- the method ----------------------------------------------------------------------------
@pytest.mark.parametrize(("n", "seed"), [(6, 3), (8, 0), (8, 1)])
def test_cg_descent_minimizes_a_convex_quadratic_in_n_iterations(n, seed):
    # With exact line searches beta_N is Hestenes-Stiefel's, so CG_DESCENT is linear CG on a
    # quadratic: at most n iterations. Its searches are exact here: from x0 = 0, where the
    # loss is 0, rule I0 tries the unit step, and A is scaled to make it the exact minimizer
    # along -g(0) = b; afterwards rule I1's parabola is the quadratic itself.
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    A = (Q * np.geomspace(1.0, 30.0, n)) @ Q.T
    b = rng.standard_normal(n)
    A *= (b @ b) / (b @ A @ b)
    res = minimize(lambda x: 0.5 * x @ A @ x - b @ x, np.zeros(n), method="cg", tol=1e-8,
                   options=CG_DESCENT)
    assert res.success, res.message
    np.testing.assert_allclose(res.x, np.linalg.solve(A, b), atol=1e-8)
    assert res.nit <= n + 1  # n in exact arithmetic; one more for rounding
    # a line search that is not exact (sigma = 0.9 from a short first step) loses this
    res = minimize(lambda x: 0.5 * x @ A @ x - b @ x, np.ones(n), method="cg", tol=1e-8,
                   options=CG_DESCENT)
    assert res.success and res.nit > n + 1


def rosenbrock(x):
    return 100.0 * (x[1] - x[0] ** 2) ** 2 + (1.0 - x[0]) ** 2


def test_cg_descent_solves_rosenbrock_to_a_gradient_of_1e_6():
    res = minimize(rosenbrock, np.array([-1.2, 1.0]), method="cg", options=CG_DESCENT)
    assert res.success, res.message
    assert np.max(np.abs(cr.grad(rosenbrock)(res.x))) <= 1e-6
    np.testing.assert_allclose(res.x, [1.0, 1.0], atol=1e-5)
    assert res.nfev > res.njev  # QuadStep's extra loss values are counted, without gradients


class RecordingObjective(Objective):
    """Records (gradient, direction) at the start of every line search."""

    def __init__(self, fun, x0):
        super().__init__(fun, x0)
        self.pairs = []
        self._grad = cr.grad(fun)

    def along(self, x, d):
        self.pairs.append((np.asarray(self._grad(x)), d.copy()))
        return super().along(x, d)


def trigonometric_bowl(x):  # smooth, non-quadratic, minimum 0 at 0
    k = np.arange(1.0, x.size + 1.0)
    return np.sum(k * (1.0 - np.cos(x))) + 0.5 * np.sum((x[1:] - 2.0 * x[:-1]) ** 2)


def test_every_direction_has_sufficient_descent():
    obj = RecordingObjective(trigonometric_bowl, np.linspace(-1.0, 1.2, 10))
    res = nonlinear_cg(obj, SolverRun(obj, "cg", 1e-8, 500, None), restart=10_000, **CG_DESCENT)
    assert res.success, res.message
    assert len(obj.pairs) == res.nit > 10
    for g, d in obj.pairs:
        assert g @ d <= -0.875 * (g @ g) * (1.0 - 1e-12)
    # the bound is tight enough to be a real check: some direction is not -g
    assert any(not np.allclose(d, -g) for g, d in obj.pairs)


def test_hz_beta_bound_holds_for_any_vectors():
    rng = np.random.default_rng(11)
    floor_seen = 0
    for _ in range(500):
        g_old, g, d = (rng.standard_normal(6) * rng.choice([1e-3, 1.0, 1e3]) for _ in "abc")
        beta = cg_beta("hz", g, g_old, d)
        y = g - g_old
        raw = (y - 2.0 * d * (y @ y) / (d @ y)) @ g / (d @ y)
        floor = -1.0 / (np.linalg.norm(d) * min(0.01, np.linalg.norm(g_old)))
        if d @ y > 0:
            assert beta == pytest.approx(max(raw, floor))
            floor_seen += raw < floor
        assert g @ (-g + beta * d) <= -0.875 * (g @ g) * (1.0 - 1e-12)
    assert floor_seen > 0  # the eta_k floor was exercised


# --- bad options ---------------------------------------------------------------------------
def test_bad_option_values_are_value_errors_naming_the_option():
    f = lambda x: np.sum(x**2)  # noqa: E731
    with pytest.raises(ValueError, match=r"c1=0.6; line_search='hager-zhang' needs c1"):
        minimize(f, np.ones(2), method="cg", line_search="hager-zhang", c1=0.6, c2=0.9)
    with pytest.raises(ValueError, match=r"initial_step='hager-zhang'; choose one of"):
        minimize(f, np.ones(2), method="bfgs", initial_step="hager-zhang")
    with pytest.raises(ValueError, match=r"line_search='hager-zhang'; choose one of"):
        minimize(f, np.ones(2), method="lbfgs", line_search="hager-zhang")
    with pytest.raises(ValueError, match=r"line_search='hz'; choose one of .*'hager-zhang'"):
        minimize(f, np.ones(2), method="cg", line_search="hz")
    phi = ONE_D["parabola"]
    for kwargs, name in [({"c1": 0.5}, "c1"), ({"c2": 0.05}, "c2"),
                         ({"epsilon": -1.0}, "epsilon"), ({"theta": 1.0}, "theta"),
                         ({"gamma": 0.0}, "gamma"), ({"rho": 1.0}, "rho"),
                         ({"alpha0": 0.0}, "alpha0"), ({"alpha0": math.inf}, "alpha0")]:
        with pytest.raises(ValueError, match=rf"approximate_wolfe: .*{name}="):
            approximate_wolfe(phi, 4.0, -4.0, **kwargs)
