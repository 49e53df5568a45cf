"""Learning-rate schedules (seed 003, section 3.5.1) against their formulas, and as the learning
rate of an optimizer."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chainrule import optim


def test_exponential_and_inverse_decay_follow_the_seed():
    exp_, inv = optim.exponential_decay(0.2, k=0.3), optim.inverse_decay(0.2, k=0.3)
    for t in range(6):
        assert exp_(t) == pytest.approx(0.2 * math.exp(-0.3 * t), rel=1e-15)
        assert inv(t) == pytest.approx(0.2 / (1 + 0.3 * t), rel=1e-15)
    per_epoch = optim.exponential_decay(0.2, k=0.3, steps_per_epoch=10, staircase=True)
    assert [per_epoch(t) for t in (0, 9, 10, 25)] == [0.2, 0.2, exp_(1), exp_(2)]
    smooth = optim.inverse_decay(0.2, k=0.3, steps_per_epoch=10)
    assert smooth(5) == pytest.approx(0.2 / 1.15)
    assert exp_(np.array(3, dtype=np.int64)) == exp_(3)  # a 0-d count array works too


def test_step_decay_halves_every_five_epochs():
    s = optim.step_decay(0.8, factor=0.5, every=5)
    assert [s(t) for t in range(0, 16, 5)] == [0.8, 0.4, 0.2, 0.1]
    assert s(4) == 0.8 and s(9) == 0.4


def test_cosine_and_warmup():
    s = optim.cosine_decay(1.0, decay_steps=10, final_fraction=0.1)
    assert s(0) == 1.0 and s(10) == pytest.approx(0.1) and s(50) == pytest.approx(0.1)
    assert s(5) == pytest.approx(0.1 + 0.9 * 0.5)
    w = optim.linear_warmup(0.5, warmup_steps=5, init_value=0.1)
    np.testing.assert_allclose([w(t) for t in range(7)], [0.1, 0.18, 0.26, 0.34, 0.42, 0.5, 0.5])
    wc = optim.linear_warmup(optim.cosine_decay(1.0, 4), warmup_steps=2)
    np.testing.assert_allclose([wc(t) for t in range(8)],
                               [0.0, 0.5, 1.0, 0.853553, 0.5, 0.146447, 0.0, 0.0], atol=1e-6)


@given(st.integers(0, 10_000), st.floats(1e-4, 1.0), st.floats(0.0, 0.1))
def test_decays_are_positive_and_non_increasing(t, lr, k):
    for s in (optim.exponential_decay(lr, k), optim.inverse_decay(lr, k),
              optim.step_decay(lr, 0.5, 7), optim.cosine_decay(lr, 5000)):
        assert 0 <= s(t + 1) <= s(t) <= lr


def test_schedule_drives_the_optimizer_with_the_step_count():
    seen = []

    def schedule(count):
        seen.append(count)
        return 0.1

    tx, w = optim.sgd(schedule), np.zeros(1)
    state = tx.init(w)
    for _ in range(3):
        _, state = tx.update(np.ones(1), state, w)
    assert seen == [0, 1, 2] and all(type(c) is int for c in seen)
    tx = optim.adam(optim.step_decay(0.1, 0.5, 1), eps=0.0)  # Adam's first steps are -lr sign
    state, steps = tx.init(w), []
    for _ in range(3):
        u, state = tx.update(np.ones(1), state, w)
        steps.append(float(u[0]))
    np.testing.assert_allclose(steps, [-0.1, -0.05, -0.025])


def test_reduce_on_plateau_follows_the_metric():
    p = optim.ReduceLROnPlateau(1.0, factor=0.5, patience=2, cooldown=1, min_lr=0.2)
    rates = [p.step(m) for m in (5.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0)]
    # improves, then three bad epochs (> patience 2) -> 0.5, one cooldown epoch, three more
    # -> 0.25, cooldown, three more -> 0.2 (min_lr)
    assert rates == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25]
    assert [p.step(4.0) for _ in range(4)][-1] == 0.2
    tx = optim.sgd(p)  # usable as a learning rate
    u, _ = tx.update(np.ones(1), tx.init(np.zeros(1)))
    assert u[0] == -0.2
    saved = p.state
    q = optim.ReduceLROnPlateau(1.0, factor=0.5, patience=2)
    q.state = optim.state_from_arrays(q.state, optim.state_to_arrays(saved))
    assert q(0) == 0.2 and q.state.best == 4.0 and q.state.bad_epochs == saved.bad_epochs


def test_reduce_on_plateau_max_mode_threshold_and_nan():
    p = optim.ReduceLROnPlateau(0.1, mode="max", factor=0.1, patience=0, threshold=0.1)
    assert p.step(1.0) == 0.1  # first metric always improves
    assert p.step(1.05) == pytest.approx(0.01)  # not 10% better: a bad epoch
    assert p.step(2.0) == pytest.approx(0.01)
    assert p.step(float("nan")) == pytest.approx(0.001)
    n = optim.ReduceLROnPlateau(0.1, patience=0, threshold=0.1)
    n.step(-1.0)
    assert n.step(-1.05) == pytest.approx(0.01)  # -1.05 is not 10% below -1
    assert n.step(-1.2) == pytest.approx(0.01)


@pytest.mark.parametrize("make, arg", [
    (lambda: optim.exponential_decay(0.0, 0.1), "initial"),
    (lambda: optim.inverse_decay(0.1, -1.0), "k"),
    (lambda: optim.step_decay(0.1, factor=1.5), "factor"),
    (lambda: optim.step_decay(0.1, every=0), "every"),
    (lambda: optim.cosine_decay(0.1, 0), "decay_steps"),
    (lambda: optim.cosine_decay(0.1, 10, final_fraction=2.0), "final_fraction"),
    (lambda: optim.linear_warmup(0.1, 0), "warmup_steps"),
    (lambda: optim.ReduceLROnPlateau(0.1, factor=1.0), "factor"),
    (lambda: optim.ReduceLROnPlateau(0.1, mode="up"), "mode"),
    (lambda: optim.ReduceLROnPlateau(-0.1), "learning_rate"),
])
def test_bad_schedule_arguments(make, arg):
    with pytest.raises(ValueError, match=arg):
        make()
