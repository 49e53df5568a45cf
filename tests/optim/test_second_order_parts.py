"""The pieces of the second-order methods: strong-Wolfe line search, linear CG on
Hessian-vector products, the BFGS update (eq. 3.56), the L-BFGS two-loop recursion, the damped
Newton step, the flat view of a pytree and the result object."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chainrule as cr
from chainrule.optim.second_order import (
    Objective,
    OptimizeResult,
    adapt_damping,
    bfgs_update,
    conjugate_gradient,
    damped_newton_step,
    minimize,
    strong_wolfe,
    two_loop_direction,
)
from chainrule.optim.second_order.line_search import TrialPoint, cubic_minimizer


def _spd(seed: int, n: int, cond: float = 100.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return Q @ np.diag(np.geomspace(1.0, cond, n)) @ Q.T


# --- line search ----------------------------------------------------------------------------
def _line(f, x, d):
    vg = cr.value_and_grad(f)

    def phi(a):
        v, g = vg(x + a * d)
        return float(v), float(g @ d), a

    return phi


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), alpha0=st.floats(1e-3, 1e3), c2=st.sampled_from([0.1, 0.9]))
def test_strong_wolfe_steps_satisfy_both_conditions(seed, alpha0, c2):
    rng = np.random.default_rng(seed)
    A = _spd(seed, 4, cond=1e3)
    x = rng.standard_normal(4) * 3

    def f(z):
        return 0.5 * z @ A @ z + np.sum(np.sqrt(1.0 + z**2))

    g = cr.grad(f)(x)
    d = -g
    f0, slope0 = float(f(x)), float(g @ d)
    res = strong_wolfe(_line(f, x, d), f0, slope0, alpha0=alpha0, c1=1e-4, c2=c2)
    assert res.success and res.wolfe
    assert res.f <= f0 + 1e-4 * res.alpha * slope0
    assert abs(res.dphi) <= c2 * abs(slope0)
    assert res.payload == res.alpha  # the payload of the accepted trial comes back
    assert res.evaluations <= 30


def test_strong_wolfe_on_a_parabola_finds_its_minimizer_from_either_side():
    def phi(a):
        return (a - 2.0) ** 2, 2.0 * (a - 2.0), None

    for alpha0 in (0.01, 1.0, 50.0):
        res = strong_wolfe(phi, 4.0, -4.0, alpha0=alpha0, c2=0.1)
        assert res.wolfe and abs(res.alpha - 2.0) <= 0.2  # |phi'| <= 0.4 means |a - 2| <= 0.2


def test_strong_wolfe_rejects_an_ascent_direction_without_evaluating():
    res = strong_wolfe(lambda a: (a, 1.0, None), 0.0, 1.0)
    assert not res.success and res.evaluations == 0 and "not a descent direction" in res.message
    with pytest.raises(ValueError, match="0 < c1 < c2 < 1"):
        strong_wolfe(lambda a: (a, 1.0, None), 0.0, -1.0, c1=0.5, c2=0.1)


def test_strong_wolfe_backs_away_from_non_finite_values():
    def phi(a):  # the loss overflows beyond a = 0.3; its minimum is at 0.25
        if a > 0.3:
            return math.inf, math.nan, None
        return (a - 0.25) ** 2, 2.0 * (a - 0.25), None

    res = strong_wolfe(phi, 0.0625, -0.5, alpha0=1.0, c2=0.1)
    assert res.wolfe and 0.2 <= res.alpha <= 0.3

    res = strong_wolfe(lambda a: (math.nan, math.nan, None), 1.0, -1.0)
    assert not res.success and res.non_finite


def test_cubic_interpolation_is_exact_on_a_cubic():
    def p(a):  # phi(a) = a^3 - 3a has its local minimum at a = 1
        return TrialPoint(a, a**3 - 3 * a, 3 * a**2 - 3)

    assert cubic_minimizer(p(0.0), p(3.0)) == pytest.approx(1.0)


# --- linear conjugate gradients -------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 8))
def test_cg_solves_spd_systems_in_at_most_n_products(seed, n):
    A = _spd(seed, n, cond=50.0)
    b = np.random.default_rng(seed + 1).standard_normal(n)
    sol = conjugate_gradient(lambda p: A @ p, b, rtol=1e-10, maxiter=n + 2)
    np.testing.assert_allclose(A @ sol.x, b, atol=1e-8 * (1 + np.linalg.norm(b)))
    assert sol.reason == "converged" and sol.products <= n + 1
    np.testing.assert_allclose(sol.residual, b - A @ sol.x, atol=1e-8)


def test_cg_on_hessian_vector_products_gives_the_newton_step():
    def f(x):
        return np.sum(np.exp(x) * np.arange(1.0, 5.0)) + 0.5 * np.sum(x[:-1] * x[1:])

    x = np.array([0.1, -0.3, 0.2, 0.5])
    g, H = cr.grad(f)(x), cr.hessian(f)(x)
    sol = conjugate_gradient(lambda v: cr.hvp(f, (x,), (v,))[0], -g, rtol=1e-12)
    np.testing.assert_allclose(sol.x, np.linalg.solve(H, -g), rtol=1e-9)


def test_cg_stops_on_negative_curvature():
    A = np.diag([1.0, -1.0])
    sol = conjugate_gradient(lambda p: A @ p, np.array([0.0, 1.0]))
    # first direction has p'Ap < 0: a scaled steepest-descent step (b'b / |b'Ab|) b
    assert sol.reason == "negative curvature" and sol.x.tolist() == [0.0, 1.0]
    np.testing.assert_allclose(sol.residual, [0.0, 1.0] - A @ sol.x)
    assert sol.curvature == (-1.0, -1.0)
    sol = conjugate_gradient(lambda p: A @ p, np.array([1.0, 0.5]))
    assert sol.reason == "negative curvature" and sol.iterations == 1


def test_cg_progress_test_stops_once_the_quadratic_stops_improving():
    # b_i = lambda_i: the large eigenvalues hold nearly all of the decrease of q
    lam = np.geomspace(1.0, 1e6, 200)
    A, b = np.diag(lam), lam.copy()

    def q(x):
        return 0.5 * x @ A @ x - b @ x

    full = conjugate_gradient(lambda p: A @ p, b, rtol=1e-14, maxiter=200)
    early = conjugate_gradient(lambda p: A @ p, b, rtol=1e-14, maxiter=200, progress_tol=5e-4)
    assert early.reason == "progress" and early.products < 30 < full.products
    assert q(early.x) <= 0.99 * q(full.x)  # within 1% of the whole decrease


# --- BFGS and L-BFGS ------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 6))
def test_bfgs_update_keeps_the_secant_condition_symmetry_and_definiteness(seed, n):
    rng = np.random.default_rng(seed)
    G = _spd(seed, n, cond=10.0)
    s = rng.standard_normal(n)
    y = _spd(seed + 7, n, cond=10.0) @ s  # y = B s with B positive definite: s'y > 0
    G1 = bfgs_update(G, s, y)
    np.testing.assert_allclose(G1 @ y, s, atol=1e-9 * (1 + np.linalg.norm(s)))
    np.testing.assert_allclose(G1, G1.T, atol=1e-12)
    assert np.linalg.eigvalsh(G1).min() > 0


def test_bfgs_update_matches_the_seeds_formula_written_out():
    G = np.array([[2.0, 0.5], [0.5, 1.0]])
    q, v = np.array([0.3, -0.2]), np.array([0.5, 0.1])  # seed's q_t (step), v_t (gradient change)
    delta = 1.0 / (q @ v)
    eye = np.eye(2)
    expected = (eye - delta * np.outer(q, v)) @ G @ (eye - delta * np.outer(v, q))
    expected += delta * np.outer(q, q)
    np.testing.assert_allclose(bfgs_update(G, q, v), expected, rtol=1e-13)
    with pytest.raises(ValueError, match="must be positive"):
        bfgs_update(G, q, -v)


def test_two_loop_recursion_equals_repeated_dense_updates():
    rng = np.random.default_rng(5)
    B = _spd(5, 6, cond=30.0)
    pairs, G = [], 0.7 * np.eye(6)
    for _ in range(4):
        s = rng.standard_normal(6)
        y = B @ s
        pairs.append((s, y, 1.0 / (s @ y)))
        G = bfgs_update(G, s, y)
    g = rng.standard_normal(6)
    np.testing.assert_allclose(two_loop_direction(g, pairs, gamma=0.7), -G @ g, rtol=1e-10)
    assert two_loop_direction(g, [], gamma=2.0).tolist() == (-2.0 * g).tolist()


def test_lbfgs_history_one_still_converges_and_history_zero_is_rejected():
    res = minimize(lambda x: np.sum(np.arange(1.0, 6.0) * x**2), np.ones(5), method="lbfgs",
                   history=1)
    assert res.success and np.max(np.abs(res.x)) < 1e-6
    with pytest.raises(ValueError, match="history=0"):
        minimize(lambda x: np.sum(x**2), np.ones(2), method="lbfgs", history=0)


# --- Newton's damping -----------------------------------------------------------------------
def test_damped_newton_step_and_its_predicted_decrease():
    H, g = np.diag([2.0, 8.0]), np.array([2.0, 8.0])
    d, predicted = damped_newton_step(H, g, 0.0)
    assert d.tolist() == [-1.0, -1.0] and predicted == 5.0  # -(g'd + d'Hd/2) = -(-10 + 5)
    d, _ = damped_newton_step(H, g, 2.0)
    np.testing.assert_allclose(d, [-0.5, -0.8])  # (H + 2I)^{-1} g
    assert damped_newton_step(np.zeros((2, 2)), g, 0.0) is None  # singular


def test_adapt_damping_follows_the_reduction_ratio():
    assert adapt_damping(2.0, -1.0, 0.1) == 3.0
    assert adapt_damping(2.0, 0.5, 0.1) == 2.0
    assert adapt_damping(3.0, 1.0, 0.1) == pytest.approx(2.0)
    assert adapt_damping(0.0, 0.0, 0.1) == 0.1
    assert adapt_damping(1e-5, 1.0, 0.1) == 0.0


def test_bad_method_options_are_value_errors():
    f = lambda x: np.sum(x**2)  # noqa: E731
    with pytest.raises(ValueError, match="damping"):
        minimize(f, np.ones(2), method="newton", damping=-1.0)
    with pytest.raises(ValueError, match="warm_start"):
        minimize(f, np.ones(2), method="hessian-free", warm_start=1.5)
    with pytest.raises(ValueError, match="beta"):
        minimize(f, np.ones(2), method="cg", beta="cd")
    with pytest.raises(ValueError, match="progress_tol"):
        minimize(f, np.ones(2), method="hessian-free", progress_tol=0.0)
    with pytest.raises(ValueError, match=r"0 < c1 < c2 < 1, got c1=0.0001, c2=1.5"):
        minimize(f, np.ones(2), method="bfgs", c2=1.5)
    with pytest.raises(ValueError, match=r"c1=0.3, c2=0.1"):
        minimize(f, np.ones(2), method="cg", c1=0.3)  # cg's default c2 is 0.1
    with pytest.raises(ValueError, match="powell_restart"):
        minimize(f, np.ones(2), method="cg", powell_restart=0.0)


# --- pytree view and the result -------------------------------------------------------------
def test_objective_flattens_and_rebuilds_a_pytree():
    x0 = {"a": np.arange(6.0).reshape(2, 3), "b": (np.float64(7.0), np.array([8.0, 9.0]))}
    obj = Objective(lambda p: np.sum(p["a"] ** 2) + p["b"][0] * np.sum(p["b"][1]), x0)
    assert obj.x0.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 7.0, 8.0, 9.0]
    tree = obj.tree(obj.x0)
    assert tree["a"].shape == (2, 3) and tree["b"][1].tolist() == [8.0, 9.0]
    f, g = obj.value_and_grad(obj.x0)
    assert f == 55.0 + 7.0 * 17.0
    assert g.tolist() == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 17.0, 7.0, 7.0]
    hv = obj.hvp(obj.x0, np.eye(9)[6])  # column 6 of the Hessian: d/d b0 of the gradient
    assert hv.tolist() == [0.0] * 7 + [1.0, 1.0]
    np.testing.assert_allclose(obj.hessian(obj.x0)[:, 6], hv)
    assert (obj.nfev, obj.njev, obj.nhev) == (1, 1, 2)


def test_optimize_result_reads_like_scipys():
    res = minimize(lambda x: np.sum((x - 3.0) ** 2), np.zeros(2), method="newton")
    assert isinstance(res, OptimizeResult)
    for name in ("x", "fun", "jac", "nit", "nfev", "njev", "nhev", "success", "message"):
        assert res[name] is getattr(res, name)
    with pytest.raises(KeyError, match="no field"):
        res["hess_inv"]
    assert "success: True" in repr(res)
