"""minimize and its second-order methods (seed 003, section 3.5.6): convergence rates, the
saddle-point behaviour of Newton's method, Rosenbrock for every method, pytrees, honest
evaluation counts, and bad input."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.optim.second_order import METHODS, method_options, minimize

ALL = sorted(METHODS)


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


# --- convergence ----------------------------------------------------------------------------
def test_newton_converges_quadratically_on_a_strictly_convex_problem():
    rng = np.random.default_rng(1)
    M = rng.standard_normal((5, 5))
    A, b = M @ M.T / 5 + np.eye(5), rng.standard_normal(5)

    def f(x):  # Hessian diag(exp(x)) + A: positive definite everywhere
        return np.sum(np.exp(x)) + 0.5 * x @ A @ x - b @ x

    x0 = np.full(5, 2.0)
    iterates = [x0]
    res = minimize(f, x0, method="newton", tol=1e-14, callback=lambda r: iterates.append(r.x))
    assert res.success and res.nit <= 8
    # the optimality condition exp(x) + A x = b holds at the answer
    np.testing.assert_allclose(np.exp(res.x) + A @ res.x, b, atol=1e-13)
    errors = [float(np.linalg.norm(x - res.x)) for x in iterates[:-1]]
    tail = [(e0, e1) for e0, e1 in zip(errors, errors[1:], strict=False) if e0 < 2.0]
    assert len(tail) >= 3
    for e0, e1 in tail:  # e_{k+1} <= C e_k^2 with C = 1 (measured ratios are about 0.1)
        assert e1 <= 1.0 * e0**2
    assert errors[-1] < 1e-6


def test_newton_jumps_to_the_saddle_while_gradient_descent_escapes():
    # seed 003, section 3.5.6.3: g(x, y) = x^2 - y^2 has a saddle at the origin
    def g(v):
        return v[0] ** 2 - v[1] ** 2

    start = np.array([1.0, 1e-3])
    res = minimize(g, start, method="newton")
    assert res.nit == 1 and res.success  # zero gradient: the gradient test is met, but...
    assert "negative eigenvalue (-2)" in res.message and "saddle point" in res.message
    convex = minimize(lambda v: v[0] ** 2 + 3 * v[1] ** 2 + v[0] ** 4, start, method="newton")
    assert convex.success and "saddle" not in convex.message
    np.testing.assert_allclose(res.x, [0.0, 0.0], atol=1e-15)
    assert np.linalg.eigvalsh(cr.hessian(g)(res.x)).tolist() == [-2.0, 2.0]

    v = start.copy()
    for _ in range(100):  # plain gradient descent from the same point
        v = v - 0.1 * cr.grad(g)(v)
    assert abs(v[0]) < 1e-9 and abs(v[1]) > 10.0  # x settles, y runs away along -y^2
    assert g(v) < -100.0


@pytest.mark.parametrize("method", ALL)
@pytest.mark.parametrize("x0", [np.array([-1.2, 1.0]), np.full(10, -1.2)], ids=["2d", "10d"])
def test_every_method_reaches_the_rosenbrock_minimum(method, x0):
    res = minimize(rosenbrock, x0, method=method, tol=1e-6)
    assert res.success, res.message
    np.testing.assert_allclose(res.x, np.ones(x0.size), atol=1e-4)
    assert res.fun < 1e-9
    assert np.max(np.abs(cr.grad(rosenbrock)(res.x))) <= 1e-6
    np.testing.assert_allclose(res.jac, cr.grad(rosenbrock)(res.x))


@pytest.mark.parametrize("beta", ["fr", "pr", "pr+"])
def test_nonlinear_cg_variants_converge(beta):
    res = minimize(rosenbrock, np.array([-1.2, 1.0]), method="cg", beta=beta, maxiter=5000)
    assert res.success, res.message
    np.testing.assert_allclose(res.x, [1.0, 1.0], atol=1e-4)


@pytest.mark.parametrize(
    ("method", "option"),
    [("cg", {"powell_restart": 0.2}), ("cg", {"c2": 0.4}), ("bfgs", {"scale_identity": False}),
     ("bfgs", {"c2": 0.8}), ("lbfgs", {"c2": 0.9})],
)
def test_non_default_line_search_and_restart_options_still_converge(method, option):
    res = minimize(rosenbrock, np.full(10, -1.2), method=method, options=option)
    assert res.success, res.message
    np.testing.assert_allclose(res.x, np.ones(10), atol=1e-4)
    assert res.nfev == res.njev  # one value_and_grad call per trial point


def test_hessian_free_on_a_quadratic_is_one_newton_step_when_cg_is_exact():
    A = np.diag([1.0, 10.0, 100.0])
    b = np.array([1.0, 1.0, 1.0])
    res = minimize(lambda x: 0.5 * x @ A @ x - b @ x, np.zeros(3), method="hessian-free",
                   cg_maxiter=3, progress_tol=None)
    np.testing.assert_allclose(res.x, b / np.diag(A), rtol=1e-10)
    assert res.nit == 1 and res.nhev == 3  # three Hessian-vector products, no Hessian


# --- pytrees --------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ALL)
def test_minimize_works_on_a_dict_of_arrays(method):
    target_W = np.array([[1.0, -2.0], [0.5, 3.0]])

    def loss(p):
        return np.sum((p["W"] - target_W) ** 2) + np.sum((p["b"] + 1.0) ** 4) + p["s"] ** 2

    x0 = {"W": np.zeros((2, 2)), "b": np.zeros(3), "s": 2.0}
    res = minimize(loss, x0, method=method, tol=1e-8)
    assert res.success, res.message
    assert set(res.x) == {"W", "b", "s"} and res.x["W"].shape == (2, 2)
    assert res.x["b"].shape == (3,) and res.x["s"].shape == ()
    np.testing.assert_allclose(res.x["W"], target_W, atol=1e-6)
    np.testing.assert_allclose(res.x["b"], -1.0, atol=2e-2)  # quartic: a flat minimum
    assert abs(float(res.x["s"])) < 1e-6
    assert res.jac["W"].shape == (2, 2)
    assert x0["W"].tolist() == [[0.0, 0.0], [0.0, 0.0]]  # the caller's x0 is left alone


def test_minimize_on_a_list_and_tuple_with_float32_leaves_computes_in_float64():
    x0 = [np.ones(2, dtype=np.float32), (np.float32(3.0),)]
    res = minimize(lambda p: np.sum((p[0] - 0.1) ** 2) + (p[1][0] - 0.2) ** 2, x0, method="bfgs")
    assert isinstance(res.x, list) and isinstance(res.x[1], tuple)
    assert res.x[0].dtype == np.float64
    np.testing.assert_allclose(res.x[0], [0.1, 0.1], atol=1e-7)


def test_args_are_passed_to_fun_and_not_differentiated():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((20, 3)), rng.standard_normal(20)

    def mse(w, X, y):
        return np.mean((X @ w - y) ** 2)

    for method in ("hessian-free", "lbfgs"):
        res = minimize(mse, np.zeros(3), args=(X, y), method=method, tol=1e-10)
        np.testing.assert_allclose(res.x, np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-8)
    with pytest.raises(TypeError, match="args must be a tuple"):
        minimize(mse, np.zeros(3), args=[X, y])


# --- counting -------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["bfgs", "lbfgs", "cg"])
def test_first_order_information_counts_are_honest(method):
    calls = []

    def f(x):
        calls.append(1)
        return rosenbrock(x)

    res = minimize(f, np.array([-1.2, 1.0]), method=method)
    # every evaluation is one value_and_grad call, which runs f once
    assert res.nfev == res.njev == len(calls)
    assert res.nhev == 0
    assert res.nfev >= res.nit + 1


def test_second_order_counts():
    res = minimize(rosenbrock, np.array([-1.2, 1.0]), method="newton")
    assert res.nhev == res.nit  # one Hessian per iteration (none at the final point)
    assert res.nfev == res.njev
    res = minimize(rosenbrock, np.array([-1.2, 1.0]), method="hessian-free")
    assert res.nhev >= res.nit and res.nfev == res.njev


# --- stopping -------------------------------------------------------------------------------
def test_callback_sees_each_iteration_and_can_stop_the_run():
    seen = []

    def callback(intermediate):
        seen.append((intermediate.nit, float(intermediate.fun)))
        if intermediate.nit == 3:
            raise StopIteration

    res = minimize(rosenbrock, np.array([-1.2, 1.0]), method="lbfgs", callback=callback)
    assert [n for n, _ in seen] == [1, 2, 3]
    assert not res.success and res.status == 99 and res.nit == 3
    assert "callback" in res.message and "iteration 3" in res.message
    assert seen[-1][1] == res.fun and seen[0][1] >= seen[-1][1]


def test_maxiter_ends_the_run_unsuccessfully():
    res = minimize(rosenbrock, np.array([-1.2, 1.0]), method="bfgs", maxiter=5)
    assert not res.success and res.status == 1 and res.nit == 5
    assert "maxiter=5" in res.message


def test_already_optimal_start_takes_no_iteration():
    res = minimize(lambda x: np.sum(x**2), np.zeros(3), method="hessian-free")
    assert res.success and res.nit == 0 and res.nfev == 1 and res.nhev == 0


# --- bad input and failures -----------------------------------------------------------------
@pytest.mark.parametrize("maxiter", [0, -3])
def test_nonpositive_maxiter_is_a_value_error(maxiter):
    with pytest.raises(ValueError, match="maxiter"):
        minimize(rosenbrock, np.zeros(2), maxiter=maxiter)


@pytest.mark.parametrize("tol", [0.0, -1e-6])
def test_nonpositive_tol_is_a_value_error(tol):
    with pytest.raises(ValueError, match="tol"):
        minimize(rosenbrock, np.zeros(2), tol=tol)


def test_unknown_method_and_option_are_reported():
    with pytest.raises(ValueError, match="unknown method 'adam'"):
        minimize(rosenbrock, np.zeros(2), method="adam")
    with pytest.raises(TypeError, match=r"unknown option\(s\) \['history'\]"):
        minimize(rosenbrock, np.zeros(2), method="bfgs", history=3)
    with pytest.raises(TypeError, match="both in options and as a keyword"):
        minimize(rosenbrock, np.zeros(2), method="lbfgs", options={"history": 3}, history=4)
    with pytest.raises(TypeError, match="dtype complex128"):
        minimize(rosenbrock, np.zeros(2, dtype=complex))
    assert method_options("hessian-free")["damping"] == 0.0


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("method", ALL)
def test_a_non_finite_start_stops_at_iteration_0(method):
    res = minimize(lambda x: np.sum(np.log(x)), np.array([1.0, -1.0]), method=method)
    assert not res.success and res.status == 3 and res.nit == 0
    assert "non-finite loss at iteration 0" in res.message


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_non_finite_gradient_is_named():
    res = minimize(lambda x: np.sum(np.sqrt(x)), np.array([1.0, 0.0]), method="lbfgs")
    assert not res.success and "non-finite gradient at iteration 0" in res.message


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("method", ALL)
def test_a_loss_that_turns_non_finite_ends_without_an_exception(method):
    def f(x):  # nan once x[0] < 0.5: the minimum at 0 is out of reach
        return np.sum(x**2) + np.log(x[0] - 0.5) * 0.0

    res = minimize(f, np.array([2.0, 1.0]), method=method, maxiter=200)
    assert not res.success and res.status == 3
    assert (f"non-finite loss or gradient along the search direction at iteration {res.nit + 1}"
            in res.message)
    assert np.isfinite(res.fun) and res.x[0] >= 0.5 and res.fun < 1.0


@pytest.mark.parametrize("method", ALL)
def test_a_failed_line_search_ends_with_a_message(method):
    # The minimum (log 2, log 3, log 5) is not representable, and near it the loss changes by
    # less than its rounding error: the gradient never gets below tol=1e-30, and the line
    # search eventually finds no decrease to take.
    c = np.array([2.0, 3.0, 5.0])
    res = minimize(lambda x: np.sum(np.exp(x) - c * x), np.zeros(3), method=method, tol=1e-30)
    assert not res.success and res.status == 2
    assert f"no progress at iteration {res.nit + 1}: line search failed" in res.message
    np.testing.assert_allclose(res.x, np.log(c), atol=1e-7)
