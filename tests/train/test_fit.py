"""The training loop: it learns, it is deterministic, it stops early and it fails clearly."""

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn, optim
from chainrule.data import Standardizer, load_iris, make_moons
from chainrule.train import (
    Callback,
    Checkpointer,
    EarlyStopping,
    NonFiniteLossError,
    evaluate,
    fit,
    load_checkpoint,
    predict,
)


def iris_petals():
    X, y = load_iris()
    return Standardizer().fit_transform(X[:, 2:]), y


def mlp(d_in=2, hidden=16, d_out=3, seed=0, act=nn.Sigmoid):
    return nn.Sequential(nn.Linear(d_in, hidden, rng=seed), act(),
                         nn.Linear(hidden, d_out, rng=seed + 1))


def test_full_batch_gradient_descent_matches_hand_written_steps():
    X, y = iris_petals()
    model, by_hand = mlp(), mlp()
    fit(model, nn.softmax_cross_entropy, (X, y), optim.sgd(0.5), epochs=3)
    for _ in range(3):  # the seed's GD: W <- W - lr dL/dW on the whole data set
        g = cr.grad(lambda m: nn.softmax_cross_entropy(m(X), y))(by_hand)
        by_hand = cr.tree_map(lambda p, d: p - 0.5 * d, by_hand, g)
    for a, b in zip(model.parameters(), by_hand.parameters(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    assert not model.training  # left in inference mode


def test_minibatch_sgd_reaches_high_accuracy_on_iris():
    X, y = iris_petals()
    model = mlp()
    h = fit(model, nn.softmax_cross_entropy, (X, y), optim.momentum(0.1), epochs=40,
            batch_size=16, seed=0, validation=(X, y), metrics=["accuracy"])
    assert h.last["val_accuracy"] >= 0.95
    assert h["loss"][-1] < 0.5 * h["loss"][0]
    assert evaluate(model, nn.softmax_cross_entropy, (X, y))["accuracy"] == \
        pytest.approx(h.last["val_accuracy"])
    assert set(h.last) == {"epoch", "loss", "accuracy", "val_loss", "val_accuracy", "seconds"}


def test_batch_size_one_is_stochastic_gradient_descent():
    X, y = make_moons(n_samples=8, noise=0.1, seed=1)
    calls = []

    class Count(Callback):
        def on_batch_end(self, run, batch, logs):
            calls.append(batch)

    fit(mlp(d_out=2), nn.softmax_cross_entropy, (X, y), optim.sgd(0.1), epochs=2,
        batch_size=1, callbacks=[Count()])
    assert calls == list(range(1, 9)) * 2


def test_same_seed_same_weights_other_seed_differs():
    X, y = make_moons(n_samples=64, noise=0.2, seed=0)
    runs = []
    for seed in (3, 3, 4):
        model = nn.Sequential(nn.Linear(2, 8, rng=0), nn.ReLU(), nn.Dropout(0.2, rng=5),
                              nn.Linear(8, 2, rng=1))
        fit(model, nn.softmax_cross_entropy, (X, y), optim.adam(0.01), epochs=3,
            batch_size=10, seed=seed)
        runs.append(model.state_dict())
    assert all(np.array_equal(runs[0][k], runs[1][k]) for k in runs[0])
    assert not all(np.array_equal(runs[0][k], runs[2][k]) for k in runs[0])


def test_nesterov_lookahead_and_penalty_run():
    X, y = iris_petals()
    model = mlp()
    n = len(X)
    h = fit(model, nn.softmax_cross_entropy, (X, y), optim.nesterov(0.3), epochs=60,
            penalty=lambda m: nn.l2_penalty(m, 1e-3, n))
    assert h.last["accuracy"] > 0.9


def test_early_stopping_restores_best_weights():
    X, y = iris_petals()
    wrong = (y + 1) % 3  # validation labels the model can only get worse at
    stop = EarlyStopping(patience=3)
    model = mlp()
    h = fit(model, nn.softmax_cross_entropy, (X, y), optim.sgd(1.0), epochs=200,
            validation=(X, wrong), callbacks=[stop])
    assert h.stop_reason == "early_stopping"
    assert len(h) == h.best_epoch + 3
    best = h["val_loss"][h.best_epoch - 1]
    assert best == min(h["val_loss"])
    assert evaluate(model, nn.softmax_cross_entropy, (X, wrong))["loss"] == pytest.approx(best)


def test_early_stopping_needs_validation():
    X, y = iris_petals()
    with pytest.raises(ValueError, match="pass validation="):
        fit(mlp(), nn.softmax_cross_entropy, (X, y), optim.sgd(0.1), epochs=2,
            callbacks=[EarlyStopping()])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_non_finite_loss_names_epoch_and_batch_and_keeps_checkpoint(tmp_path):
    X, y = iris_petals()
    X = X * 1e3
    path = tmp_path / "run.npz"
    model = mlp(act=nn.ReLU)
    with pytest.raises(NonFiniteLossError) as info:
        fit(model, nn.mean_squared_error, (X, np.eye(3)[y]), optim.sgd(10.0), epochs=50,
            batch_size=50, metrics=(), callbacks=[Checkpointer(path)])
    err = info.value
    assert isinstance(err, FloatingPointError)
    assert err.epoch >= 2 and 1 <= err.batch <= 3
    assert f"epoch {err.epoch}, batch {err.batch} of 3" in str(err)
    assert "learning rate" in str(err) and "clip" in str(err)
    assert str(path) in str(err)
    ckpt = load_checkpoint(path)
    assert ckpt.epoch == err.epoch - 1
    assert all(np.isfinite(v).all() for v in ckpt.model_state.values())
    assert all(np.isfinite(p).all() for p in model.parameters())


def test_shape_mismatch_names_the_layer():
    X, y = load_iris()
    with pytest.raises(nn.ShapeError, match=r"at layers\.0: Linear\(2 -> 16\)"):
        fit(mlp(), nn.softmax_cross_entropy, (X, y), optim.sgd(0.1), epochs=1)


def test_bad_arguments():
    X, y = iris_petals()
    with pytest.raises(ValueError, match="same number of samples"):
        fit(mlp(), nn.softmax_cross_entropy, (X, y[:10]), optim.sgd(0.1), epochs=1)
    with pytest.raises(ValueError, match="batch_size"):
        fit(mlp(), nn.softmax_cross_entropy, (X, y), optim.sgd(0.1), epochs=1, batch_size=0)
    with pytest.raises(TypeError, match="GradientTransformation"):
        fit(mlp(), nn.softmax_cross_entropy, (X, y), 0.1, epochs=1)
    with pytest.raises(ValueError, match="class labels must lie in"):
        fit(mlp(), nn.softmax_cross_entropy, (X, y + 1), optim.sgd(0.1), epochs=1)


def test_predict_uses_inference_mode():
    model = nn.Sequential(nn.Linear(2, 4, rng=0), nn.Dropout(0.9, rng=0))
    X = np.ones((3, 2))
    assert np.array_equal(predict(model, X), model[0](X))
    assert model.training


def test_regression_with_mse_and_r2():
    from chainrule.data import make_sine

    X, y = make_sine(n_samples=120, noise=0.05, seed=0)
    model = nn.Sequential(nn.Linear(1, 32, rng=0), nn.Tanh(), nn.Linear(32, 1, rng=1))
    h = fit(model, nn.mean_squared_error, (X, y), optim.adam(0.02), epochs=150, batch_size=20,
            metrics=("mse", "r2"), validation=(X, y))
    assert h.last["val_r2"] > 0.9
    assert h.last["val_mse"] == pytest.approx(h.last["val_loss"])


def test_optimizer_object_receives_the_final_state():
    X, y = iris_petals()
    opt = optim.Optimizer(optim.adam(0.01))
    fit(mlp(), nn.softmax_cross_entropy, (X, y), opt, epochs=3)
    assert int(opt.state[0].count) == 3
