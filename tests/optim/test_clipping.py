"""Gradient clipping (seed 003, section 3.5.5): by value, by global norm, per parameter."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from chainrule import optim

GRADS = {"W": np.array([[3.0, 0.0], [0.0, 4.0]]), "b": np.array([12.0])}  # global norm 13


def test_global_norm_and_clip_by_global_norm():
    assert optim.global_norm(GRADS) == 13.0
    clipped, norm = optim.clip_by_global_norm(GRADS, 6.5)
    assert norm == 13.0
    np.testing.assert_allclose(clipped["W"], GRADS["W"] / 2)
    np.testing.assert_allclose(clipped["b"], [6.0])
    assert optim.global_norm(clipped) == pytest.approx(6.5)
    same, norm = optim.clip_by_global_norm(GRADS, 20.0)
    assert same is GRADS and norm == 13.0


def test_clip_by_value_and_leaf_norm():
    clipped = optim.clip_by_value(GRADS, -1.0, 3.5)
    np.testing.assert_array_equal(clipped["W"], [[3.0, 0.0], [0.0, 3.5]])
    np.testing.assert_array_equal(clipped["b"], [3.5])
    per_leaf = optim.clip_by_leaf_norm(GRADS, 10.0)
    np.testing.assert_allclose(per_leaf["W"], GRADS["W"])  # norm 5: kept
    np.testing.assert_allclose(per_leaf["b"], [10.0])  # norm 12: scaled to 10


def test_clipping_transformations_in_a_chain():
    params = {"W": np.zeros((2, 2)), "b": np.zeros(1)}
    for clip, expected in [
        (optim.clip_value(-1.0, 1.0), {"W": [[-1.0, 0.0], [0.0, -1.0]], "b": [-1.0]}),
        (optim.clip_global_norm(1.3), {"W": [[-0.3, 0.0], [0.0, -0.4]], "b": [-1.2]}),
        (optim.clip_leaf_norm(1.0), {"W": [[-0.6, 0.0], [0.0, -0.8]], "b": [-1.0]}),
    ]:
        tx = optim.chain(clip, optim.sgd(1.0))
        updates, _ = tx.update(GRADS, tx.init(params), params)
        for k in params:
            np.testing.assert_allclose(updates[k], expected[k], rtol=1e-12)


def test_non_finite_norm_leaves_gradients_for_the_optimizer_to_report():
    grads = {"W": np.ones((2, 2)), "b": np.array([np.inf])}
    clipped, norm = optim.clip_by_global_norm(grads, 1.0)
    assert norm == np.inf and np.array_equal(clipped["W"], grads["W"])
    tx = optim.chain(optim.clip_global_norm(1.0), optim.adam())
    params = {"W": np.zeros((2, 2)), "b": np.zeros(1)}
    with pytest.raises(FloatingPointError, match="leaf 1"):
        tx.update(grads, tx.init(params), params)


@given(arrays(np.float64, st.integers(1, 6), elements=st.floats(-1e3, 1e3)),
       st.floats(1e-3, 1e3))
def test_global_norm_clipping_never_exceeds_max_norm_and_keeps_direction(g, max_norm):
    clipped, norm = optim.clip_by_global_norm([g], max_norm)
    assert norm == pytest.approx(np.linalg.norm(g), rel=1e-12, abs=1e-300)
    assert optim.global_norm(clipped) <= max_norm * (1 + 1e-12)
    if norm > 0:
        np.testing.assert_allclose(clipped[0] * norm / optim.global_norm(clipped), g,
                                   rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("call, arg", [
    (lambda: optim.clip_by_global_norm(GRADS, 0.0), "max_norm"),
    (lambda: optim.clip_global_norm(-1.0), "max_norm"),
    (lambda: optim.clip_leaf_norm(float("inf")), "max_norm"),
    (lambda: optim.clip_value(1.0, -1.0), "low=1.0 is above high=-1.0"),
    (lambda: optim.clip_by_value(GRADS, float("nan"), 1.0), "low"),
])
def test_bad_clipping_arguments(call, arg):
    with pytest.raises(ValueError, match=arg):
        call()
