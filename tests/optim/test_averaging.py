"""Polyak averaging (seed 003, section 3.5.7): the simple average (eq. 3.57) and the
exponential average's explicit and recursive formulas."""

import numpy as np
import pytest

import chainrule as cr
from chainrule import optim

POINTS = [np.array([1.0, -1.0]), np.array([3.0, 0.0]), np.array([2.0, 5.0]),
          np.array([-4.0, 1.0])]


def averages(tx):
    """Drive ``chain(set-params, averaging)`` so that the parameters visit POINTS in turn."""
    w, state, out = np.zeros(2), tx.init(np.zeros(2)), []
    for p in POINTS:
        updates = p - w
        _, state = tx.update(updates, state, w)
        w = p
        out.append(optim.averaged_params(state))
    return out


def test_simple_average_is_eq_3_57():
    got = averages(optim.polyak_averaging())
    for t, avg in enumerate(got, start=1):
        np.testing.assert_allclose(avg, np.mean(POINTS[:t], axis=0), rtol=1e-14)


def test_exponential_average_explicit_formula():
    beta = 0.7
    got = averages(optim.polyak_averaging(beta))
    for t, avg in enumerate(got, start=1):
        weights = np.array([beta ** (t - i) for i in range(1, t + 1)])
        expected = weights @ np.array(POINTS[:t]) / weights.sum()
        np.testing.assert_allclose(avg, expected, rtol=1e-14)


def test_exponential_average_recursive_formula():
    beta = 0.7
    got = averages(optim.polyak_averaging(beta, formula="recursive"))
    expected = POINTS[0]
    np.testing.assert_allclose(got[0], expected)
    for p, avg in zip(POINTS[1:], got[1:], strict=True):
        expected = (1 - beta) * p + beta * expected
        np.testing.assert_allclose(avg, expected, rtol=1e-14)


def test_averaging_smooths_sgd_bouncing_in_a_valley():
    # Too large a step makes GD bounce across y in L = x^2 + 4 y^2; the average of the bouncing
    # iterates is far closer to the optimum than the last iterate.
    def loss(w):
        return w[0] ** 2 + 4 * w[1] ** 2

    opt = optim.Optimizer(optim.chain(optim.sgd(0.245), optim.polyak_averaging(0.9)))
    w = np.array([0.0, 1.0])
    for _ in range(40):
        w = opt.step(w, cr.grad(loss))
    assert abs(w[1]) > 0.1
    assert abs(opt.averaged_params()[1]) < 0.1 * abs(w[1])


def test_averaging_errors():
    with pytest.raises(ValueError, match="decay"):
        optim.polyak_averaging(1.0)
    with pytest.raises(ValueError, match="formula"):
        optim.polyak_averaging(0.5, formula="other")
    with pytest.raises(ValueError, match="needs the parameters"):
        tx = optim.polyak_averaging()
        tx.update(np.ones(1), tx.init(np.zeros(1)))
    with pytest.raises(ValueError, match="holds 0 polyak_averaging states"):
        optim.averaged_params(optim.adam().init(np.zeros(1)))
