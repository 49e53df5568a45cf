"""First-order optimizers: three steps of each against the seed's formulas written out by hand
(seed 003, sections 3.5.2 and 3.5.3), the convention options, and bad input."""

import numpy as np
import pytest

import chainrule as cr
from chainrule import optim

W0 = np.array([1.0, -2.0, 0.5])
GRADS = [np.array([0.5, -1.0, 2.0]), np.array([0.3, 0.4, -1.5]), np.array([-0.2, 1.0, 1.0])]
C = np.array([1.0, 4.0, 0.5])  # L = 0.5 sum(C w^2): gradient C w, for the lookahead methods


def loss(w):
    return 0.5 * np.sum(C * w**2)


def run(tx, grads=GRADS, w=W0):
    """Parameters after each update, feeding the fixed gradient sequence."""
    state, out = tx.init(w), []
    for g in grads:
        u, state = tx.update(g, state, w)
        w = optim.apply_updates(w, u)
        out.append(w)
    return out


def assert_steps(got, expected):
    assert len(got) == len(expected) == 3
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)


def test_sgd_and_momentum_follow_the_seed():
    alpha, beta = 0.1, 0.8
    w, expected = W0.copy(), []
    for g in GRADS:
        w = w - alpha * g
        expected.append(w)
    assert_steps(run(optim.sgd(alpha)), expected)

    w, V, expected = W0.copy(), np.zeros(3), []
    for g in GRADS:  # V <- beta V - alpha dL/dW;  W <- W + V
        V = beta * V - alpha * g
        w = w + V
        expected.append(w)
    assert_steps(run(optim.momentum(alpha, beta)), expected)

    w, V, expected = W0.copy(), np.zeros(3), []
    for g in GRADS:  # PyTorch's Nesterov: gradient at W; W <- W + beta V_new - alpha g
        V = beta * V - alpha * g
        w = w + beta * V - alpha * g
        expected.append(w)
    assert_steps(run(optim.momentum(alpha, beta, nesterov=True)), expected)


def test_nesterov_takes_the_gradient_at_the_seeds_lookahead_point():
    alpha, beta = 0.1, 0.7
    w, V, expected = W0.copy(), np.zeros(3), []
    for _ in range(3):  # V <- beta V - alpha dL(W + beta V)/dW;  W <- W + V
        V = beta * V - alpha * C * (w + beta * V)
        w = w + V
        expected.append(w)
    tx, w, got = optim.nesterov_lookahead(alpha, beta), W0, []
    state = tx.init(w)
    for _ in range(3):
        point = tx.lookahead(w, state)
        g = optim.LookaheadGradient(point, cr.grad(loss)(point))
        u, state = tx.update(g, state, w)
        w = optim.apply_updates(w, u)
        got.append(w)
    assert_steps(got, expected)
    opt, w, got = optim.Optimizer(optim.nesterov_lookahead(alpha, beta)), W0, []
    for _ in range(3):
        w = opt.step(w, cr.grad(loss))
        got.append(w)
    assert_steps(got, expected)


def test_adagrad_follows_eq_3_40():
    alpha, eps = 0.5, 1e-8
    w, A, expected = W0.copy(), np.zeros(3), []
    for g in GRADS:
        A = A + g**2
        w = w - alpha / np.sqrt(A + eps) * g
        expected.append(w)
    assert_steps(run(optim.adagrad(alpha)), expected)
    w, A, expected = W0.copy(), np.full(3, 0.1), []
    for g in GRADS:  # optax: accumulator starts at 0.1; PyTorch: eps outside the root
        A = A + g**2
        w = w - alpha / (np.sqrt(A) + 1e-3) * g
        expected.append(w)
    tx = optim.adagrad(alpha, eps=1e-3, eps_inside_sqrt=False, initial_accumulator=0.1)
    assert_steps(run(tx), expected)


def test_rmsprop_follows_eq_3_41_with_and_without_momentum():
    alpha, rho, eps, beta = 0.01, 0.9, 1e-8, 0.6
    w, A, expected = W0.copy(), np.zeros(3), []
    for g in GRADS:
        A = rho * A + (1 - rho) * g**2
        w = w - alpha / np.sqrt(A + eps) * g
        expected.append(w)
    assert_steps(run(optim.rmsprop(alpha, rho)), expected)
    w, A, V, expected = W0.copy(), np.zeros(3), np.zeros(3), []
    for g in GRADS:
        A = rho * A + (1 - rho) * g**2
        V = beta * V - alpha / (np.sqrt(A) + eps) * g
        w = w + V
        expected.append(w)
    assert_steps(run(optim.rmsprop(alpha, rho, momentum=beta, eps_inside_sqrt=False)), expected)


def test_rmsprop_nesterov_follows_eq_3_42():
    alpha, rho, beta, eps = 0.01, 0.9, 0.5, 1e-8
    w, A, V, expected = W0.copy(), np.zeros(3), np.zeros(3), []
    for _ in range(3):
        g = C * (w + beta * V)  # dL(W + beta V)/dW
        A = rho * A + (1 - rho) * g**2
        V = beta * V - alpha / np.sqrt(A + eps) * g
        w = w + V
        expected.append(w)
    opt, w, got = optim.Optimizer(optim.rmsprop_nesterov(alpha, rho, beta)), W0, []
    for _ in range(3):
        w = opt.step(w, cr.grad(loss))
        got.append(w)
    assert_steps(got, expected)


def test_adadelta_follows_eq_3_43():
    rho, eps = 0.9, 1e-6
    w, A, delta, expected = W0.copy(), np.zeros(3), np.zeros(3), []
    for g in GRADS:
        A = rho * A + (1 - rho) * g**2
        dw = np.sqrt((delta + eps) / (A + eps)) * g
        w = w - dw
        delta = rho * delta + (1 - rho) * dw**2
        expected.append(w)
    assert_steps(run(optim.adadelta()), expected)


def test_adam_follows_eq_3_46_and_adamw_decays_decoupled():
    alpha, rho_f, rho, eps, lam = 0.01, 0.9, 0.999, 1e-8, 0.1
    for decay in (0.0, lam):
        w, A, F, expected = W0.copy(), np.zeros(3), np.zeros(3), []
        for t, g in enumerate(GRADS, start=1):
            A = rho * A + (1 - rho) * g**2
            F = rho_f * F + (1 - rho_f) * g
            alpha_t = alpha * np.sqrt(1 - rho**t) / (1 - rho_f**t)
            w = w - alpha_t / np.sqrt(A + eps) * F - alpha * decay * w
            expected.append(w)
        tx = optim.adamw(alpha, weight_decay=decay) if decay else optim.adam(alpha)
        assert_steps(run(tx), expected)


def test_adam_eps_outside_is_the_papers_bias_corrected_form():
    alpha, b1, b2, eps = 0.01, 0.8, 0.95, 1e-3
    w, m, v, expected = W0.copy(), np.zeros(3), np.zeros(3), []
    for t, g in enumerate(GRADS, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        w = w - alpha * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        expected.append(w)
    assert_steps(run(optim.adam(alpha, b1, b2, eps, eps_inside_sqrt=False)), expected)


def test_coupled_weight_decay_is_added_to_the_gradient():
    alpha, lam = 0.1, 0.3
    w, expected = W0.copy(), []
    for g in GRADS:
        w = w - alpha * (g + lam * w)
        expected.append(w)
    assert_steps(run(optim.sgd(alpha, weight_decay=lam)), expected)
    assert_steps(run(optim.chain(optim.add_weight_decay(lam), optim.sgd(alpha))), expected)
    with pytest.raises(ValueError, match="needs the parameters"):
        tx = optim.adam(weight_decay=0.1)
        tx.update(GRADS[0], tx.init(W0))


def test_float32_parameters_stay_float32():
    w = W0.astype(np.float32)
    for tx in (optim.adam(0.1), optim.rmsprop(), optim.adagrad(), optim.adadelta(),
               optim.momentum(0.1, nesterov=True), optim.adamw(optim.cosine_decay(0.1, 5))):
        state = tx.init(w)
        u, state = tx.update(GRADS[0].astype(np.float32), state, w)
        assert u.dtype == np.float32
        assert all(a.dtype in (np.float32, np.int64) for a in optim.state_to_arrays(state))


def test_works_on_nested_pytrees():
    params = {"layer": [np.ones((2, 2)), np.zeros(2)], "scale": np.array(1.0)}
    grads = cr.tree_map(lambda p: np.full(np.shape(p), 2.0), params)
    tx = optim.adam(0.1)
    updates, state = tx.update(grads, tx.init(params), params)
    new = optim.apply_updates(params, updates)
    assert cr.tree_flatten(new)[1] == cr.tree_flatten(params)[1]
    np.testing.assert_allclose(new["layer"][0], 0.9, rtol=1e-6)  # eps inside the root
    count = state[0].count  # the chain's first member: check_finite's step counter
    assert int(count) == 1 and count.shape == () and count.dtype == np.int64


@pytest.mark.parametrize("make, arg", [
    (lambda: optim.sgd(0.0), "learning_rate"),
    (lambda: optim.adam(-1e-3), "learning_rate"),
    (lambda: optim.momentum(0.1, beta=1.0), "beta"),
    (lambda: optim.nesterov(0.1, beta=-0.1), "beta"),
    (lambda: optim.rmsprop(rho=1.0), "rho"),
    (lambda: optim.rmsprop(momentum=1.5), "momentum"),
    (lambda: optim.rmsprop_nesterov(beta=1.0), "beta"),
    (lambda: optim.adadelta(rho=1.2), "rho"),
    (lambda: optim.adam(beta1=1.0), "beta1"),
    (lambda: optim.adamw(beta2=1.0), "beta2"),
    (lambda: optim.adagrad(eps=-1.0), "eps"),
    (lambda: optim.adamw(weight_decay=-0.1), "weight_decay"),
    (lambda: optim.adagrad(float("nan")), "learning_rate"),
])
def test_bad_hyperparameters_are_value_errors_naming_the_argument(make, arg):
    with pytest.raises(ValueError, match=arg):
        make()


@pytest.mark.parametrize("make", [
    lambda: optim.sgd(0.1), lambda: optim.momentum(0.1), lambda: optim.nesterov(0.1),
    lambda: optim.nesterov_lookahead(0.1),
    lambda: optim.adagrad(), lambda: optim.rmsprop(), lambda: optim.rmsprop_nesterov(),
    lambda: optim.adadelta(), lambda: optim.adam(), lambda: optim.adamw(),
])
def test_non_finite_gradient_names_step_and_leaf(make):
    tx = make()
    params = {"a": np.ones(2), "b": np.ones(3)}
    good = {"a": np.ones(2), "b": np.ones(3)}
    state = tx.init(params)

    def at_lookahead(g):  # the lookahead methods take their gradient there, and say so
        return g if tx.lookahead is None else optim.LookaheadGradient(
            tx.lookahead(params, state), g)

    for _ in range(2):
        _, state = tx.update(at_lookahead(good), state, params)
    bad = {"a": np.ones(2), "b": np.array([1.0, np.nan, np.inf])}
    with pytest.raises(FloatingPointError, match=r"step 2 .*leaf 1 .*1 NaN and 1 infinite") as e:
        tx.update(at_lookahead(bad), state, params)
    assert (e.value.step, e.value.leaf_index) == (2, 1)
    assert int(state[0].count) == 2  # nothing was committed


def test_check_finite_false_lets_non_finite_values_through():
    tx = optim.sgd(0.1, check_finite=False)
    u, _ = tx.update(np.array([np.nan, 1.0]), tx.init(np.zeros(2)))
    assert np.isnan(u[0]) and u[1] == -0.1


def test_finite_sum_overflow_is_not_a_false_alarm():
    g = np.full(4, 1e308)  # the sum overflows, every entry is finite
    tx = optim.sgd(1e-10)
    u, _ = tx.update(g, tx.init(np.zeros(4)))
    assert np.isfinite(u).all()


def test_gradients_of_the_wrong_count_or_shape():
    tx = optim.adam()
    state = tx.init({"a": np.ones(2)})
    with pytest.raises(ValueError, match="gradients have 2 arrays but the optimizer state"):
        tx.update({"a": np.ones(2), "b": np.ones(1)}, state)
    with pytest.raises(ValueError, match=r"leaf 0 has shape \(3,\)"):
        tx.update({"a": np.ones(3)}, state)
    decayed = optim.sgd(0.1, weight_decay=0.1)
    with pytest.raises(ValueError, match="the parameters have 2"):
        decayed.update([np.ones(1)], decayed.init(None), [np.ones(1), np.ones(1)])
    updates, _ = tx.update({"b": np.ones(2)}, state)  # same shapes: caught when applied
    with pytest.raises(ValueError, match="structures differ"):
        optim.apply_updates({"a": np.ones(2)}, updates)


def rosenbrock(w):
    return (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2


def test_pytorch_nesterov_follows_the_seeds_lookahead_points():
    """At a constant learning rate the reformulation's parameters are the seed's W + beta V."""
    alpha, beta = 1e-3, 0.9
    seed, opt = optim.nesterov_lookahead(alpha, beta), optim.Optimizer(
        optim.momentum(alpha, beta, nesterov=True))
    w_seed = np.array([-1.2, 1.0])
    state, p = seed.init(w_seed), w_seed
    for _ in range(50):
        point = seed.lookahead(w_seed, state)
        np.testing.assert_allclose(p, point, rtol=1e-12, atol=1e-14)
        g = optim.LookaheadGradient(point, cr.grad(rosenbrock)(point))
        u, state = seed.update(g, state, w_seed)
        w_seed = optim.apply_updates(w_seed, u)
        p = opt.step(p, cr.grad(rosenbrock))
    assert rosenbrock(w_seed) < rosenbrock(np.array([-1.2, 1.0]))
    assert not np.allclose(p, w_seed)  # the two differ by beta V, which is not 0
