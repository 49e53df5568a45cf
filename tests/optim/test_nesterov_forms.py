"""Nesterov momentum cannot be misused silently (issue 11).

``nesterov()`` takes the ordinary gradient (the Sutskever/PyTorch form); its parameters are the
seed's lookahead points ``W + beta V`` (seed 003, section 3.5.2.1), compared here with a loop
written by hand from the seed's formulas, which evaluates the gradient at the lookahead point.
The seed's form is asked for by name, ``nesterov_lookahead()``, and its ``update`` (like
``rmsprop_nesterov``'s) refuses gradients that do not say where they were taken.

Why the pinned ``nesterov`` trajectory changed: the parameters ``nesterov()`` returns used to be
the seed's W, which need the gradient at W + beta V; they are now the points P = W + beta V
where the gradient is taken, so the same method reads the ordinary gradient at its own
parameters. Bit for bit, ``nesterov()`` now follows the pins of ``momentum(nesterov=True)``
and ``nesterov_lookahead()`` the old pins of ``nesterov()``
(tests/optim/test_pinned_trajectories.py).
"""

import numpy as np
import pytest

import chainrule as cr
from chainrule import optim

C = np.array([1.0, 4.0, 0.5])
W0 = np.array([1.0, -2.0, 0.5])


def rosenbrock(w):
    return (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2


def seed_loop(f, w, alpha, beta, steps):
    """The seed's Nesterov by hand: V <- beta V - alpha_t dL(W + beta V)/dW;  W <- W + V.
    Returns the lookahead points W + beta V after each step, and the final W and V."""
    V, points = np.zeros_like(w), []
    for t in range(steps):
        a = alpha(t) if callable(alpha) else alpha
        V = beta * V - a * cr.grad(f)(w + beta * V)
        w = w + V
        points.append(w + beta * V)
    return points, w, V


@pytest.mark.parametrize("alpha", [1e-3, lambda t: 2e-3 * 0.95 ** t])
def test_default_nesterov_with_ordinary_gradients_gives_nesterovs_iterates(alpha):
    beta = 0.9
    points, w_seed, v_seed = seed_loop(rosenbrock, np.array([-1.2, 1.0]), alpha, beta, 60)
    tx, p = optim.nesterov(alpha, beta), np.array([-1.2, 1.0])
    state = tx.init(p)
    for expected in points:
        u, state = tx.update(cr.grad(rosenbrock)(p), state, p)  # the ordinary gradient
        p = optim.apply_updates(p, u)
        np.testing.assert_allclose(p, expected, rtol=1e-12, atol=1e-14)
    velocity = state[-1].velocity[0]
    np.testing.assert_allclose(velocity, v_seed, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(p - beta * velocity, w_seed, rtol=1e-12)  # the seed's W
    assert rosenbrock(p) < rosenbrock(np.array([-1.2, 1.0]))


def test_default_nesterov_is_not_plain_momentum():
    beta, alpha = 0.5, 0.1
    runs = {}
    for name, tx in (("nesterov", optim.nesterov(alpha, beta)),
                     ("momentum", optim.momentum(alpha, beta))):
        opt, w = optim.Optimizer(tx), W0
        for _ in range(5):
            w = opt.step(w, cr.grad(lambda x: 0.5 * np.sum(C * x**2)))
        runs[name] = w
    assert not np.allclose(runs["nesterov"], runs["momentum"])
    assert optim.nesterov(0.1).lookahead is None  # nothing to get wrong


def test_the_lookahead_form_refuses_ordinary_gradients():
    for tx, name in ((optim.nesterov_lookahead(0.1, 0.5), "nesterov_lookahead"),
                     (optim.rmsprop_nesterov(0.1, beta=0.5), "rmsprop_nesterov"),
                     (optim.chain(optim.clip_global_norm(1.0), optim.nesterov_lookahead(0.1)),
                      "nesterov_lookahead")):
        state = tx.init(W0)
        with pytest.raises(TypeError, match=rf"{name}: update needs the gradient at the "
                                            "lookahead point.*plain momentum"):
            tx.update(C * W0, state, W0)
        opt = optim.Optimizer(tx)
        with pytest.raises(TypeError, match="LookaheadGradient"):
            opt.step(W0, C * W0)  # an array: where was it taken?
        assert opt.state is None or all(
            np.array_equal(a, b) for a, b in zip(optim.state_to_arrays(opt.state),
                                                 optim.state_to_arrays(tx.init(W0)),
                                                 strict=True))


def test_the_lookahead_form_checks_the_point():
    tx, w = optim.nesterov_lookahead(0.1, 0.5), W0
    state = tx.init(w)
    point = tx.lookahead(w, state)
    _, state = tx.update(optim.LookaheadGradient(point, C * point), state, w)
    assert not np.array_equal(tx.lookahead(w, state), w)  # V != 0 now
    with pytest.raises(ValueError, match="not the lookahead point"):
        tx.update(optim.LookaheadGradient(w, C * w), state, w)  # taken at W, not W + beta V
    with pytest.raises(ValueError, match="needs the parameters"):
        tx.update(optim.LookaheadGradient(w, C * w), state)
    point = tx.lookahead(w, state)
    u, _ = tx.update(optim.LookaheadGradient(point, C * point), state, w)
    assert np.all(np.isfinite(u))


def test_lookahead_groups_get_their_part_of_the_point():
    params = {"a": np.ones(2), "b": np.ones(2)}
    tx = optim.multi_transform({"x": optim.sgd(0.1), "y": optim.nesterov_lookahead(0.1, 0.5)},
                               {"a": "x", "b": "y"})
    opt = optim.Optimizer(tx)
    for _ in range(3):
        params = opt.step(params, lambda p: {k: 2 * v for k, v in p.items()})
    with pytest.raises(TypeError, match="nesterov_lookahead: update needs"):
        opt.step(params, {k: 2 * v for k, v in params.items()})


def test_scale_by_nesterov_forms():
    """PyTorch's SGD(nesterov=True) by hand: b <- mu b + g; p <- p - lr (g + mu b), bit for bit,
    as chain(scale_by_nesterov(mu), scale_by_learning_rate(lr))."""
    lr, mu = 0.05, 0.9
    tx, p = optim.chain(optim.scale_by_nesterov(mu), optim.scale_by_learning_rate(lr)), W0
    state, q, b = tx.init(p), W0.copy(), np.zeros(3)
    for _ in range(20):
        g = C * q
        b = mu * b + g
        q = q - lr * (g + mu * b)
        u, state = tx.update(C * p, state, p)
        p = optim.apply_updates(p, u)
        assert np.array_equal(p, q)
    with pytest.raises(ValueError, match="form must be 'pytorch' or 'seed'"):
        optim.scale_by_nesterov(0.9, form="sutskever")
    assert optim.scale_by_nesterov(0.9, form="seed").lookahead is not None
