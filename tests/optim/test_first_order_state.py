"""Optimizer state: checkpoints that resume bit for bit, the Optimizer face, chains, parameter
groups and lookaheads on pytrees."""

import numpy as np
import pytest

import chainrule as cr
from chainrule import optim

TARGET = {"W": np.array([[1.0, -2.0], [0.5, 3.0]]), "b": np.array([0.25, -0.75])}


def loss(p):
    return np.sum((p["W"] - TARGET["W"]) ** 2 * np.array([1.0, 4.0])) + np.sum(
        np.tanh(p["b"] - TARGET["b"]) ** 2)


def start():
    return {"W": np.zeros((2, 2)), "b": np.ones(2)}


MAKERS = {
    "sgd": lambda: optim.sgd(optim.step_decay(0.1, 0.5, 4)),
    "momentum": lambda: optim.momentum(0.05, 0.9),
    "nesterov": lambda: optim.nesterov(0.05, 0.9, weight_decay=1e-3),
    "nesterov_lookahead": lambda: optim.nesterov_lookahead(0.05, 0.9, weight_decay=1e-3),
    "adagrad": lambda: optim.adagrad(0.3),
    "rmsprop": lambda: optim.rmsprop(0.01, momentum=0.5),
    "rmsprop_nesterov": lambda: optim.rmsprop_nesterov(0.01),
    "adadelta": lambda: optim.adadelta(),
    "adam chain": lambda: optim.chain(
        optim.clip_global_norm(1.0),
        optim.adam(optim.linear_warmup(optim.cosine_decay(0.1, 20), 3)),
        optim.polyak_averaging(0.9)),
    "adamw groups": lambda: optim.multi_transform(
        {"w": optim.adamw(0.05), "b": optim.nesterov_lookahead(0.02)}, {"W": "w", "b": "b"}),
}


@pytest.mark.parametrize("name", MAKERS)
def test_checkpoint_mid_run_resumes_bit_for_bit(name, tmp_path):
    opt, params = optim.Optimizer(MAKERS[name]()), start()
    for _ in range(7):
        params = opt.step(params, cr.grad(loss))
    path = tmp_path / "ckpt.npz"
    arrays = opt.state_arrays()
    assert all(isinstance(a, np.ndarray) for a in arrays)
    np.savez(path, *arrays, *cr.tree_leaves(params))

    continued = []
    for _ in range(5):
        params = opt.step(params, cr.grad(loss))
        continued.append(params)

    with np.load(path) as data:
        saved = [data[f"arr_{k}"] for k in range(len(data.files))]
    fresh = optim.Optimizer(MAKERS[name]())
    n = len(arrays)
    fresh.load_state_arrays(start(), saved[:n])
    restored = cr.tree_unflatten(cr.tree_flatten(start())[1], saved[n:])
    for expected in continued:
        restored = fresh.step(restored, cr.grad(loss))
        for a, b in zip(cr.tree_leaves(restored), cr.tree_leaves(expected), strict=True):
            assert np.array_equal(a, b)
    assert loss(restored) < loss(start())


def test_state_from_arrays_rejects_mismatches():
    tx = optim.scale_by_adam()  # state (count, F, A): 3 arrays
    template = tx.init({"w": np.zeros(3)})
    arrays = optim.state_to_arrays(template)
    with pytest.raises(ValueError, match="has 3 arrays but 2 were given"):
        optim.state_from_arrays(template, arrays[:2])
    with pytest.raises(ValueError, match=r"array 1 is float64\[4\] but the state expects"):
        optim.state_from_arrays(template, [arrays[0], np.zeros(4), arrays[2]])
    with pytest.raises(ValueError, match=r"array 0 is int32\[\]"):
        optim.state_from_arrays(template, [np.zeros((), np.int32), *arrays[1:]])
    restored = optim.state_from_arrays(template, arrays)
    assert restored.first_moment[0] is not arrays[1]  # copied, not shared
    with pytest.raises(TypeError, match="leaf 0 of the state is a float"):
        optim.state_to_arrays((1.0,))


class Linear:
    """A stand-in for a chainrule.nn module: a registered pytree node that is also callable."""

    def __init__(self, W, b):
        self.W, self.b = W, b

    def __call__(self, x):
        return x @ self.W + self.b


cr.register_pytree_node(Linear, lambda m: ((m.W, m.b), None), lambda _, ch: Linear(*ch))


def test_optimizer_on_a_module_pytree_and_a_callable_gradient_tree():
    x, y = np.array([[1.0, 2.0], [0.0, 1.0], [1.0, -1.0]]), np.array([[1.0], [0.0], [2.0]])

    def mse(model):
        return np.mean((model(x) - y) ** 2)

    model = Linear(np.zeros((2, 1)), np.zeros(1))
    opt = optim.Optimizer(optim.momentum(0.1, 0.5))
    grads = cr.grad(mse)(model)
    assert isinstance(grads, Linear) and callable(grads)  # not mistaken for a gradient function
    stepped = opt.step(model, grads)
    assert isinstance(stepped, Linear)
    np.testing.assert_allclose(stepped.W, -0.1 * grads.W)
    for _ in range(400):
        stepped = opt.step(stepped, cr.grad(mse))  # a gradient function
    W, *_ = np.linalg.lstsq(np.c_[x, np.ones(3)], y, rcond=None)
    np.testing.assert_allclose(np.r_[stepped.W[:, 0], stepped.b], W[:, 0], atol=1e-6)


def test_chain_lookahead_and_errors():
    tx = optim.chain(optim.clip_global_norm(10.0), optim.nesterov_lookahead(0.1, 0.5))
    w = np.array([1.0])
    state = tx.init(w)
    u, state = tx.update(optim.LookaheadGradient(w, np.array([2.0])), state, w)
    np.testing.assert_allclose(tx.lookahead(w + u, state), w + u + 0.5 * u)
    with pytest.raises(ValueError, match="at most one"):
        optim.chain(optim.nesterov_lookahead(0.1), optim.rmsprop_nesterov())
    with pytest.raises(TypeError, match="argument 1 is a function"):
        optim.chain(optim.sgd(0.1), lambda g: g)
    with pytest.raises(ValueError, match="state of 2 parts"):
        tx.update(np.array([1.0]), (), w)
    assert optim.Optimizer(optim.adam()).lookahead(w) is w


def test_multi_transform_groups_rates_freezing_and_errors():
    params = {"a": np.ones(2), "b": np.ones(3), "c": np.ones(1)}
    labels = {"a": "slow", "b": "fast", "c": "frozen"}
    tx = optim.multi_transform({"slow": optim.sgd(0.01), "fast": optim.nesterov_lookahead(1.0, 0.5),
                                "frozen": optim.set_to_zero()}, labels)
    opt = optim.Optimizer(tx)
    new = opt.step(params, lambda point: {k: np.ones_like(v) for k, v in point.items()})
    np.testing.assert_allclose(new["a"], 0.99)
    np.testing.assert_allclose(new["b"], 0.0)
    np.testing.assert_allclose(new["c"], 1.0)
    look = opt.lookahead(new)  # only the Nesterov group moves: b + 0.5 V = 0 - 0.5
    np.testing.assert_allclose(look["b"], -0.5)
    assert look["a"] is new["a"]
    bad = {"a": np.ones(2), "b": np.array([1.0, np.inf, 1.0]), "c": np.ones(1)}
    with pytest.raises(FloatingPointError,
                       match=r"nesterov_lookahead \(group 'fast'\).*step 1.*leaf 1 "):
        opt.step(new, lambda point: bad)
    with pytest.raises(ValueError, match="label 'medium', which has no transformation"):
        optim.multi_transform({"x": optim.sgd(1.0)}, {"a": "medium"}).init({"a": np.ones(1)})
    with pytest.raises(ValueError, match="labels have 1 leaves"):
        optim.multi_transform({"x": optim.sgd(1.0)}, {"a": "x"}).init(params)
    by_function = optim.multi_transform({"all": optim.sgd(0.5)},
                                        lambda p: cr.tree_map(lambda _: "all", p))
    u, _ = by_function.update(params, by_function.init(params))
    np.testing.assert_allclose(u["b"], -0.5)


def test_multi_transform_reports_the_global_leaf_index():
    params = [np.ones(1), np.ones(1), np.ones(1)]
    tx = optim.multi_transform({"x": optim.adam(), "y": optim.adam()}, ["y", "x", "x"])
    state = tx.init(params)
    with pytest.raises(FloatingPointError) as e:
        tx.update([np.ones(1), np.ones(1), np.array([np.nan])], state, params)
    assert e.value.leaf_index == 2 and e.value.step == 0


def test_decoupled_and_coupled_weight_decay_differ_under_adam():
    w, g = np.array([2.0]), np.array([0.0])
    coupled = optim.chain(optim.add_weight_decay(0.1), optim.adam(0.1, eps=0.0))
    decoupled = optim.chain(optim.adam(0.1, eps=1e-30), optim.decoupled_weight_decay(0.1, 0.1))
    u_c, _ = coupled.update(g, coupled.init(w), w)
    u_d, _ = decoupled.update(g, decoupled.init(w), w)
    np.testing.assert_allclose(u_c, -0.1)  # Adam normalises the decay gradient to a full step
    np.testing.assert_allclose(u_d, -0.1 * 0.1 * 2.0)  # decoupled: alpha lambda w
    a, _ = optim.adamw(0.1, weight_decay=0.1, eps=1e-30).update(g, optim.adamw().init(w), w)
    np.testing.assert_allclose(a, u_d)


def test_failed_step_leaves_the_optimizer_unchanged():
    opt, w = optim.Optimizer(optim.adam(0.1)), np.array([1.0, 2.0])
    w = opt.step(w, np.array([1.0, 1.0]))
    before = [a.copy() for a in opt.state_arrays()]
    with pytest.raises(FloatingPointError, match="step 1"):
        opt.step(w, np.array([np.nan, 1.0]))
    assert all(np.array_equal(a, b) for a, b in zip(before, opt.state_arrays(), strict=True))
    with pytest.raises(TypeError, match="GradientTransformation"):
        optim.Optimizer(optim.adam)
    with pytest.raises(ValueError, match="no state yet"):
        optim.Optimizer(optim.adam()).state_arrays()
