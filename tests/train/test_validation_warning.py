"""The warning when the validation loss grows tenfold over its best: raised with the epoch,
the best loss and its epoch, recorded in History.events, once per episode, kept on resume,
and silent on a run that converges."""

import json
import warnings

import numpy as np
import pytest

from chainrule import nn, optim
from chainrule.data import Standardizer, load_iris, stratified_split
from chainrule.train import (
    Checkpointer,
    EarlyStopping,
    History,
    ValidationLossWarning,
    fit,
    load_checkpoint,
)
from chainrule.train.watch import ValidationWatch


def leaky_regression():
    """y = 3 x1 + noise; in training x2 is the noise scaled by 1e-3 (a column that leaks the
    noise), in validation an unrelated column. Fitting the noise through x2 needs a weight of
    about 500, which a validation set pays for in full."""
    rng = np.random.default_rng(0)
    x1, noise = rng.normal(size=200), rng.normal(size=200)
    X, y = np.stack([x1, 1e-3 * noise], 1), (3 * x1 + 0.5 * noise)[:, None]
    xv = rng.normal(size=200)
    Xv = np.stack([xv, rng.normal(size=200)], 1)
    yv = (3 * xv + 0.5 * rng.normal(size=200))[:, None]
    return (X, y), (Xv, yv)


def train_leaky(epochs, **options):
    train, val = leaky_regression()
    return fit(nn.Linear(2, 1, rng=0), nn.mean_squared_error, train, optim.adam(0.5),
               epochs=epochs, validation=val, metrics=("r2",), **options)


def test_a_run_diverging_on_validation_warns_once_with_epoch_and_best():
    with pytest.warns(ValidationLossWarning) as caught:
        history = train_leaky(400)
    assert len(caught) == 1  # one episode of growth, one warning
    r2, val = history["val_r2"], history["val_loss"]
    assert max(r2) > 0.9 and r2[-1] < -1000  # R^2 from 0.93 to below -1000
    assert history["loss"][-1] < history["loss"][4]  # while the training loss kept falling
    best = int(np.argmin(val)) + 1
    first = next(i for i, v in enumerate(val) if v > 10 * min(val[:i + 1])) + 1
    assert (best, first) == (5, 12)
    text = str(caught[0].message)
    assert text == (
        f"fit: at epoch 12 the validation loss {val[11]:.4g} is {val[11] / val[4]:.3g} times "
        f"the best, {val[4]:.4g} at epoch 5: the model got much worse on the validation data; "
        "lower the learning rate, or stop early (EarlyStopping(restore_best=True) keeps the "
        "best epoch's weights)")
    assert caught[0].filename == __file__  # points at the call of fit
    assert history.events == [{"epoch": 12, "kind": "val_loss_growth", "val_loss": val[11],
                               "best": val[4], "best_epoch": 5, "message": text}]
    back = History.from_dict(json.loads(history.to_json()))
    assert back.events == history.events


def test_a_converging_run_gives_no_warning():
    X, y = load_iris()
    train, val, _ = stratified_split(X, y, val=0.2, test=0.0, seed=0)
    scale = Standardizer().fit(train[0])
    net = nn.Sequential(nn.Linear(4, 16, rng=0), nn.Tanh(), nn.Linear(16, 3, rng=1))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ValidationLossWarning)
        history = fit(net, nn.softmax_cross_entropy, (scale.transform(train[0]), train[1]),
                      optim.adam(0.01), epochs=100, batch_size=16,
                      validation=(scale.transform(val[0]), val[1]))
    assert history.last["val_accuracy"] >= 0.9 and history.events == []
    assert history["val_loss"][-1] < history["val_loss"][0] / 4


def test_r2_from_08_to_minus_1367_triggers_it():
    variance = 2.5  # mean squared error = (1 - R^2) * Var(y)
    h = History([{"epoch": 1, "val_loss": 0.2 * variance}])
    message = ValidationWatch(h).check({"epoch": 2, "val_loss": 1368 * variance})
    assert message.startswith("fit: at epoch 2 the validation loss 3420 is 6,840 times the "
                              "best, 0.5 at epoch 1")
    assert ValidationWatch(History([{"epoch": 1, "val_loss": 1.0}])).check(
        {"epoch": 2, "val_loss": 10.0}) is None  # tenfold exactly is not more than tenfold


def test_new_episode_after_a_new_best_nan_and_unwatched_losses():
    h = History()
    watch = ValidationWatch(h)
    losses = [1.0, 20.0, 50.0, 0.5, 4.0, 6.0, float("nan")]
    fired = [watch.check({"epoch": e, "val_loss": v}) is not None
             for e, v in enumerate(losses, start=1)]
    assert fired == [False, True, False, False, False, True, False]
    assert [e["best_epoch"] for e in h.events] == [1, 4]
    nan = ValidationWatch(History([{"epoch": 1, "val_loss": 1.0}]))
    assert "validation loss became nan (the best was 1 at epoch 1)" in nan.check(
        {"epoch": 2, "val_loss": float("nan")})
    negative = ValidationWatch(History([{"epoch": 1, "val_loss": -2.0}]))
    assert negative.check({"epoch": 2, "val_loss": 100.0}) is None  # no ratio below zero
    assert ValidationWatch(History([{"epoch": 1, "loss": 1.0}])).check(
        {"epoch": 2, "loss": 99.0}) is None  # no validation data, nothing to watch


def test_resumed_run_keeps_the_event_and_does_not_warn_again(tmp_path):
    path = str(tmp_path / "leaky.npz")
    with pytest.warns(ValidationLossWarning):
        train_leaky(20, callbacks=[Checkpointer(path)])
    assert [e["epoch"] for e in load_checkpoint(path).history.events] == [12]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ValidationLossWarning)
        resumed = train_leaky(60, callbacks=[Checkpointer(path)], resume=path)
    assert len(resumed) == 60 and [e["epoch"] for e in resumed.events] == [12]


def test_early_stopping_ends_the_episode_before_it_grows():
    with warnings.catch_warnings():
        warnings.simplefilter("error", ValidationLossWarning)
        history = train_leaky(400, callbacks=[EarlyStopping(patience=3)])
    assert history.stop_reason == "early_stopping" and history.best_epoch == 5
    assert history.events == []
