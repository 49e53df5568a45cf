"""Modules whose arrays live in another library (``array-api-strict`` here, CuPy on a GPU):
their parameters are the module's leaves, ``state_dict`` copies them to NumPy explicitly (what a
checkpoint stores) and loading puts NumPy arrays back into the module's own library (issue 12,
checkpoints written as host ``.npz`` and loaded onto the device)."""

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn
from chainrule.backend import namespace

xp = pytest.importorskip("array_api_strict", reason="array-api-strict (dev extra) not installed")
from tests.strict_device import on_device, to_numpy  # noqa: E402  (needs array-api-strict)


def model(seed):
    return nn.Sequential(nn.Linear(3, 4, rng=seed), nn.Tanh(), nn.Linear(4, 2, rng=seed + 1),
                         nn.BatchNorm(2))


def test_parameters_of_another_library_are_the_modules_leaves():
    host = model(0)
    moved = cr.tree_map(on_device, host)
    leaves = cr.tree_leaves(moved)
    assert len(leaves) == len(cr.tree_leaves(host)) == 6 and moved.num_parameters() == 30
    assert all(namespace(p) is xp for p in leaves)


def test_state_dict_copies_to_numpy_and_loading_returns_to_the_library(tmp_path):
    host = model(0)
    moved = cr.tree_map(on_device, host)
    state = moved.state_dict()
    for k, v in host.state_dict().items():
        assert type(state[k]) is np.ndarray and np.array_equal(state[k], v)
    other = cr.tree_map(lambda a: on_device(a, dtype=xp.float32), model(5))
    other.load_state_dict(state)
    for p, want in zip(cr.tree_leaves(other), cr.tree_leaves(host), strict=True):
        assert namespace(p) is xp and p.dtype == xp.float32
        np.testing.assert_allclose(to_numpy(p), want, rtol=1e-6)
    path = tmp_path / "m.npz"
    moved.save(path)
    back = cr.tree_map(on_device, model(9)).load(path)
    for p, want in zip(cr.tree_leaves(back), cr.tree_leaves(host), strict=True):
        assert namespace(p) is xp
        np.testing.assert_array_equal(to_numpy(p), want)


@pytest.mark.parametrize("labels", ["numpy indices", "library indices", "library one-hot"])
def test_a_training_step_in_another_library_equals_numpys(labels):
    """Network, data, gradient and Adam's update all in array-api-strict, equal to NumPy's."""
    from chainrule import optim

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6, 3)), np.array([0, 1, 1, 0, 1, 0])
    given = {"numpy indices": y, "library indices": on_device(y),
             "library one-hot": on_device(np.eye(2)[y])}[labels]
    net = nn.Sequential(nn.Linear(3, 5, rng=1), nn.Tanh(), nn.Linear(5, 2, rng=2))

    def loss(m, X, y):
        return nn.softmax_cross_entropy(m(X), y)

    def step(m, X, y):
        tx = optim.adam(0.1)
        params = cr.tree_leaves(m)
        g = cr.tree_leaves(cr.grad(loss)(m, X, y))
        updates, _ = tx.update(g, tx.init(params), params)
        return optim.apply_updates(params, updates)

    got = step(cr.tree_map(on_device, net), on_device(X), given)
    want = step(net, X, y)
    for g, w in zip(got, want, strict=True):
        assert namespace(g) is xp
        np.testing.assert_allclose(to_numpy(g), w, rtol=1e-13, atol=1e-15)
