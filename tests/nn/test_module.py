"""Modules as pytrees: gradients shaped like the model, updates, names, modes and buffers."""

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn


def mlp(dtype=np.float64):
    return nn.Sequential(
        nn.Linear(3, 4, rng=0, dtype=dtype), nn.BatchNorm(4, dtype=dtype), nn.Tanh(),
        nn.Linear(4, 2, rng=1, dtype=dtype),
    )


X = np.random.default_rng(0).standard_normal((6, 3))
Y = np.random.default_rng(1).standard_normal((6, 2))


def loss(m):
    return nn.squared_error(m(X), Y)


def test_grad_has_the_model_structure_and_tree_map_updates_it():
    model = mlp()
    grads = cr.grad(loss)(model)
    assert type(grads) is nn.Sequential and type(grads.layers[0]) is nn.Linear
    assert [n for n, _ in grads.named_parameters()] == [n for n, _ in model.named_parameters()]
    assert [n for n, _ in model.named_parameters()] == [
        "layers.0.W", "layers.0.b", "layers.1.gamma", "layers.1.beta", "layers.3.W",
        "layers.3.b"]
    for (_, p), (_, g) in zip(model.named_parameters(), grads.named_parameters(), strict=True):
        assert g.shape == p.shape
    new = cr.tree_map(lambda p, g: p - 0.1 * g, model, grads)
    assert type(new) is nn.Sequential and len(new) == 4
    np.testing.assert_allclose(new.layers[0].W, model.layers[0].W - 0.1 * grads.layers[0].W)
    assert float(loss(new)) < float(loss(model))


def test_gradient_matches_finite_differences():
    cr.check_grad(loss, mlp())


def test_leaves_are_the_parameters_in_order():
    model = mlp()
    leaves = cr.tree_leaves(model)
    assert len(leaves) == 6 and all(a is b for a, b in zip(leaves, model.parameters(),
                                                           strict=True))
    assert model.num_parameters() == 3 * 4 + 4 + 4 + 4 + 4 * 2 + 2


def test_train_eval_is_static_structure_and_propagates():
    model = mlp()
    assert all(m.training for m in model.modules())
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    eval_def = cr.tree_flatten(model)[1]
    model.train()
    assert cr.tree_flatten(model)[1] != eval_def
    assert cr.tree_flatten(model)[1] == cr.tree_flatten(mlp())[1]  # explicit == default mode
    # the flag travels into copies
    assert cr.tree_map(lambda p: p, model.eval()).layers[1].training is False


def test_buffers_are_not_leaves_and_are_updated_inside_grad():
    model = mlp()
    bn = model.layers[1]
    before = bn.running_mean.copy()
    grads = cr.grad(loss)(model)
    h = X @ model.layers[0].W + model.layers[0].b
    np.testing.assert_allclose(bn.running_mean, 0.9 * before + 0.1 * h.mean(0))
    np.testing.assert_allclose(bn.running_var, 0.9 * 1 + 0.1 * h.var(0, ddof=1))
    assert "layers.1.running_mean" not in dict(grads.named_parameters())
    assert len(cr.tree_leaves(grads)) == 6
    assert isinstance(bn.running_mean, np.ndarray)  # a plain array, not a traced value
    # copies share the buffers by reference
    new = cr.tree_map(lambda p: p, model)
    assert new.layers[1]._buffers is bn._buffers


def test_eval_mode_leaves_buffers_alone():
    model = mlp().eval()
    rm = model.layers[1].running_mean.copy()
    cr.grad(loss)(model)
    np.testing.assert_array_equal(model.layers[1].running_mean, rm)


def test_clone_has_its_own_buffers():
    model = mlp()
    c = model.clone()
    loss(c)
    assert not np.array_equal(c.layers[1].running_mean, model.layers[1].running_mean)


def test_float32_parameters_stay_float32():
    model = mlp(np.float32)
    X32, Y32 = X.astype(np.float32), Y.astype(np.float32)
    out = model(X32)
    assert out.dtype == np.float32
    grads = cr.grad(lambda m: nn.squared_error(m(X32), Y32))(model)
    assert all(g.dtype == np.float32 for g in grads.parameters())
    new = cr.tree_map(lambda p, g: p - 0.1 * g, model, grads)
    assert all(p.dtype == np.float32 for p in new.parameters())
    model(X)  # a float64 batch: buffers keep their dtype
    assert model.layers[1].running_var.dtype == np.float32


def test_custom_module_with_dict_and_tuple_of_parameters():
    class Custom(nn.Module):
        def __init__(self):
            self.size = 2
            self.pair = (np.ones(2), np.full(2, 2.0))
            self.named = {"a": np.array(3.0)}
            self.inner = nn.Linear(2, 1, rng=0)

        def forward(self, x):
            return np.sum(self.inner(x * self.pair[0] + self.pair[1])) * self.named["a"]

    m = Custom()
    g = cr.grad(lambda m: m(np.ones((1, 2))))(m)
    assert [n for n, _ in g.named_parameters()] == [
        "pair.0", "pair.1", "named.a", "inner.W", "inner.b"]
    assert g.size == 2 and isinstance(g.pair, tuple)
    np.testing.assert_allclose(g.named["a"], m(np.ones((1, 2))) / 3.0)
    cr.check_grad(lambda m: m(np.ones((1, 2))), m)


def test_hessian_vector_product_through_a_module():
    model = nn.Sequential(nn.Linear(3, 2, rng=0), nn.Tanh())
    f = lambda m: np.sum(m(X) ** 2)  # noqa: E731
    v = cr.tree_map(np.ones_like, model)
    (hv,) = cr.hvp(f, (model,), (v,))
    assert type(hv) is nn.Sequential
    eps = 1e-6
    plus = cr.grad(f)(cr.tree_map(lambda p, d: p + eps * d, model, v))
    minus = cr.grad(f)(cr.tree_map(lambda p, d: p - eps * d, model, v))
    for a, b, c in zip(hv.parameters(), plus.parameters(), minus.parameters(), strict=True):
        np.testing.assert_allclose(a, (b - c) / (2 * eps), rtol=1e-5, atol=1e-7)


def test_mixed_containers_and_missing_forward_are_errors():
    class Mixed(nn.Module):
        def __init__(self):
            self.things = [np.ones(2), "text"]

    with pytest.raises(TypeError, match=r"Mixed.things mixes parameters"):
        cr.tree_leaves(Mixed())
    with pytest.raises(TypeError, match="defines no forward"):
        nn.Module()(1.0)


def test_register_buffer_rules():
    m = nn.Module()
    m.register_buffer("count", np.zeros(2))
    with pytest.raises(ValueError, match="already has an attribute or buffer .count."):
        m.register_buffer("count", np.zeros(2))
    with pytest.raises(ValueError, match=r"buffer 'count' has shape \(2,\)"):
        m.count = np.zeros(3)
    with pytest.raises(AttributeError, match="no attribute 'missing'"):
        m.missing  # noqa: B018


def test_models_built_alike_have_the_same_structure():
    a, b = mlp(), mlp()
    a.layers.append(nn.Dropout(0.5, rng=0))
    b.layers.append(nn.Dropout(0.5, rng=1))
    avg = cr.tree_map(lambda p, q: (p + q) / 2, a, b)  # e.g. Polyak averaging of two models
    np.testing.assert_allclose(avg.layers[0].W, a.layers[0].W)
    c = a.clone()
    assert cr.tree_flatten(c)[1] == cr.tree_flatten(a)[1]
    # a different hyperparameter or mode is a different structure
    with pytest.raises(ValueError, match="structures differ"):
        cr.tree_map(lambda p, q: p, a, b.eval())
    with pytest.raises(ValueError, match="structures differ"):
        cr.tree_map(lambda p, q: p, nn.Linear(3, 2, rng=0), nn.Linear(3, 2, bias=False, rng=0))


def test_deepcopy_works():
    import copy

    m = mlp()
    c = copy.deepcopy(m)
    np.testing.assert_array_equal(c(X), m(X))
    assert c.layers[1]._buffers is not m.layers[1]._buffers
