"""Optimizers keep another library's parameters in that library (``array-api-strict`` here,
CuPy on a GPU): accumulators, updates, clipping and averaging are computed there, and the
trajectory equals NumPy's (issue 12, networks on the device)."""

import numpy as np
import pytest

from chainrule import optim
from chainrule.backend import namespace
from chainrule.tree import tree_leaves

xp = pytest.importorskip("array_api_strict", reason="array-api-strict (dev extra) not installed")
from tests.strict_device import DEVICE, on_device, to_numpy  # noqa: E402  (after the skip)

TARGET = np.array([[1.0, -2.0, 0.5], [0.25, 3.0, -1.5]])
START = np.zeros((2, 3))

MAKERS = {
    "sgd": lambda: optim.sgd(0.1, weight_decay=0.01),
    "momentum": lambda: optim.momentum(0.1, 0.9),
    "nesterov": lambda: optim.nesterov(0.1, 0.9),
    "adagrad": lambda: optim.adagrad(0.3),
    "rmsprop": lambda: optim.rmsprop(0.05),
    "adadelta": lambda: optim.adadelta(1.0),
    "adam": lambda: optim.adam(0.1),
    "adamw": lambda: optim.adamw(0.1, weight_decay=0.1),
    "clipped adam": lambda: optim.chain(optim.clip_global_norm(1.0), optim.adam(0.1)),
    "clipped by value": lambda: optim.chain(optim.clip_value(-0.5, 0.5), optim.sgd(0.1)),
    "polyak": lambda: optim.chain(optim.sgd(0.1), optim.polyak_averaging(0.9)),
}


def trajectory(make, asarray, steps=8):
    tx = make()
    w = asarray(START)
    target = asarray(TARGET)
    state = tx.init(w)
    out = []
    for _ in range(steps):
        g = 2.0 * (w - target)  # the gradient of the squared distance to TARGET
        updates, state = tx.update(g, state, w)
        w = optim.apply_updates(w, updates)
        out.append(w)
    return out, state


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_trajectory_stays_in_the_library_and_equals_numpys(name):
    got, state = trajectory(MAKERS[name], on_device)
    want, _ = trajectory(MAKERS[name], np.asarray)
    for g, w in zip(got, want, strict=True):
        assert namespace(g) is xp
        np.testing.assert_allclose(to_numpy(g), w, rtol=1e-14, atol=1e-15)
    for leaf in tree_leaves(state):
        if leaf.ndim:  # accumulators live beside the parameters (step counts are host scalars)
            assert namespace(leaf) is xp and leaf.device == DEVICE, (name, type(leaf))


def test_a_non_finite_gradient_is_named_in_any_library():
    tx = optim.adam(0.1)
    w = xp.asarray(START)
    g = xp.asarray(np.where(TARGET > 2, np.nan, 1.0))
    with pytest.raises(optim.NonFiniteGradientError, match="holds 1 NaN and 0 infinite"):
        tx.update(g, tx.init(w), w)


def test_global_norm_in_any_library():
    assert optim.global_norm({"a": xp.asarray([3.0]), "b": xp.asarray([[4.0]])}) == 5.0


def test_a_state_of_another_library_saves_to_numpy_and_restores_there():
    _, state = trajectory(MAKERS["adam"], on_device, steps=3)
    arrays = optim.state_to_arrays(state)
    assert all(type(a) is np.ndarray for a in arrays)
    template = optim.adam(0.1).init(on_device(START))
    restored = optim.state_from_arrays(template, arrays)
    for got, want in zip(tree_leaves(restored), tree_leaves(state), strict=True):
        assert namespace(got) is namespace(want)
        if namespace(got) is xp:
            np.testing.assert_array_equal(to_numpy(got), to_numpy(want))
        else:
            np.testing.assert_array_equal(got, want)
