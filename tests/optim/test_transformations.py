"""Each small transformation alone (issue 11: the named optimizers are chains of these), three
steps against its formula written out by hand (seed 003, sections 3.5.2 and 3.5.3), and the
optax-order compositions (learning rate last) against the same maths."""

import numpy as np
import pytest

from chainrule import optim

GRADS = [np.array([0.5, -1.0, 2.0]), np.array([0.3, 0.4, -1.5]), np.array([-0.2, 1.0, 1.0])]
W = np.array([1.0, -2.0, 0.5])


def outputs(tx, params=W):
    state, out = tx.init(params), []
    for g in GRADS:
        u, state = tx.update(g, state, params)
        out.append(u)
    return out


def close(got, expected):
    assert len(got) == len(expected)
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-14, atol=1e-15)


def test_check_finite_passes_through_and_counts():
    tx = optim.check_finite("mine")
    state = tx.init(W)
    g, state = tx.update(GRADS[0], state)
    assert g is GRADS[0] and int(state.count) == 1
    with pytest.raises(optim.NonFiniteGradientError, match="mine: non-finite gradient at step 1"):
        tx.update(np.array([np.inf]), state)


def test_weight_decays():
    close(outputs(optim.add_decayed_weights(0.3)), [g + 0.3 * W for g in GRADS])
    assert optim.add_weight_decay is optim.add_decayed_weights
    sched = lambda t: 0.1 * (t + 1)  # noqa: E731
    close(outputs(optim.decoupled_weight_decay(0.5, sched)),
          [g - 0.1 * (t + 1) * 0.5 * W for t, g in enumerate(GRADS)])


def test_scale_by_learning_rate_constant_and_schedule():
    close(outputs(optim.scale_by_learning_rate(0.1)), [-0.1 * g for g in GRADS])
    close(outputs(optim.scale_by_learning_rate(lambda t: 0.1 / (1 + t))),
          [-0.1 / (1 + t) * g for t, g in enumerate(GRADS)])
    with pytest.raises(ValueError, match="learning_rate"):
        optim.scale_by_learning_rate(0.0)


def test_momentum_and_nesterov_accumulate():
    beta, V, plain, nest = 0.8, np.zeros(3), [], []
    for g in GRADS:
        V = beta * V + g
        plain.append(V)
        nest.append(beta * V + g)
    close(outputs(optim.scale_by_momentum(beta)), plain)
    close(outputs(optim.scale_by_nesterov(beta)), nest)
    with pytest.raises(ValueError, match="beta"):
        optim.scale_by_momentum(1.0)


def test_adagrad_and_rms_scalings():
    eps, rho, A, B, ada, rms = 1e-3, 0.7, np.full(3, 0.1), np.zeros(3), [], []
    for g in GRADS:
        A = A + g * g
        ada.append(g / (np.sqrt(A) + eps))
        B = rho * B + (1 - rho) * g * g
        rms.append(g / np.sqrt(B + eps))
    close(outputs(optim.scale_by_adagrad(eps, eps_inside_sqrt=False, initial_accumulator=0.1)),
          ada)
    close(outputs(optim.scale_by_rms(rho, eps)), rms)
    close(outputs(optim.scale_by_rms(rho, eps, learning_rate=0.5)), [-0.5 * r for r in rms])


def test_adadelta_increment():
    rho, eps, A, D, out = 0.9, 1e-6, np.zeros(3), np.zeros(3), []
    for g in GRADS:
        A = rho * A + (1 - rho) * g * g
        dw = np.sqrt((D + eps) / (A + eps)) * g
        D = rho * D + (1 - rho) * dw * dw
        out.append(dw)
    close(outputs(optim.scale_by_adadelta(rho, eps)), out)


@pytest.mark.parametrize("inside", [True, False])
def test_adam_scaling(inside):
    b1, b2, eps, F, A, out = 0.8, 0.95, 1e-3, np.zeros(3), np.zeros(3), []
    for t, g in enumerate(GRADS, start=1):
        F = b1 * F + (1 - b1) * g
        A = b2 * A + (1 - b2) * g * g
        if inside:
            out.append(np.sqrt(1 - b2**t) / (1 - b1**t) * F / np.sqrt(A + eps))
        else:
            out.append(F / (1 - b1**t) / (np.sqrt(A / (1 - b2**t)) + eps))
    close(outputs(optim.scale_by_adam(b1, b2, eps, eps_inside_sqrt=inside)), out)
    close(outputs(optim.scale_by_adam(b1, b2, eps, eps_inside_sqrt=inside, learning_rate=0.1)),
          [-0.1 * o for o in out])


def test_optax_order_is_the_same_maths():
    """Learning rate last (optax's order) gives the named optimizers' steps up to rounding."""
    pairs = [
        (optim.chain(optim.scale_by_adam(), optim.scale_by_learning_rate(0.01)),
         optim.adam(0.01)),
        (optim.chain(optim.scale_by_rms(0.9), optim.scale_by_learning_rate(0.01)),
         optim.rmsprop(0.01)),
        (optim.chain(optim.scale_by_adagrad(), optim.scale_by_learning_rate(0.1)),
         optim.adagrad(0.1)),
        (optim.chain(optim.scale_by_momentum(0.9), optim.scale_by_learning_rate(0.1)),
         optim.momentum(0.1, 0.9)),
    ]
    for ours, named in pairs:
        for a, b in zip(outputs(ours), outputs(named), strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-13)


def test_named_optimizers_are_chains_with_the_finite_check_first():
    tx = optim.adamw(0.1)
    state = tx.init(W)
    assert isinstance(state, tuple) and isinstance(state[0], optim.CountState)
    assert isinstance(state[1], optim.AdamState)
    assert len(optim.sgd(0.1, check_finite=False).init(W)) == 2  # decay, learning rate
