"""Training on another device (issue 12): ``fit(..., device=...)``, ``predict`` and
``Module.to`` on array-api-strict's ``device1``, which plays a GPU without one: mixing it with
the default device raises, and so does converting its arrays to NumPy, so any hidden copy or
misplaced constant fails these tests. The same runs on NumPy are the reference."""

import os

import numpy as np
import pytest

from chainrule import nn, optim
from chainrule.backend import BackendError
from chainrule.devices import device, device_of
from chainrule.train import Checkpointer, EarlyStopping, fit, load_checkpoint, predict

xp = pytest.importorskip("array_api_strict", reason="array-api-strict (dev extra) not installed")
DEV = device((xp, xp.Device("device1")))


def data(n=48, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return X, (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)


def net():
    return nn.Sequential(nn.Linear(3, 8, rng=1), nn.BatchNorm(8), nn.ReLU(),
                         nn.Dropout(0.25, rng=3), nn.Linear(8, 2, rng=2))


def train(model, epochs=4, **kw):
    X, y = data()
    return fit(model, nn.softmax_cross_entropy, (X, y), optim.adam(1e-2), epochs=epochs,
               batch_size=8, validation=data(16, 1), **kw)


def assert_same_history(a, b):
    assert len(a.epochs) == len(b.epochs)
    for ra, rb in zip(a.epochs, b.epochs, strict=True):
        for key in ra:
            if key != "seconds":
                assert ra[key] == pytest.approx(rb[key], rel=1e-12, abs=1e-14), key


def assert_same_model(on_device, host):
    for (name, p), (_, q) in zip(on_device.state_dict().items(), host.state_dict().items(),
                                 strict=True):
        np.testing.assert_allclose(p, q, rtol=1e-10, atol=1e-12, err_msg=name)


def test_fit_on_a_device_equals_numpy_and_leaves_the_model_there():
    host, moved = net(), net()
    h_host = train(host)
    h_dev = train(moved, device=DEV)
    assert_same_history(h_dev, h_host)
    assert_same_model(moved, host)
    # parameters and the BatchNorm buffers stay on the device, with their dtypes
    assert {device_of(p) for p in moved.parameters()} == {DEV}
    assert {device_of(b) for _, b in moved.named_buffers()} == {DEV}
    assert all(p.dtype == xp.float64 for p in moved.parameters())
    X, _ = data(10, 2)
    np.testing.assert_allclose(predict(moved, X), predict(host, X), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(predict(moved, X, batch_size=3), predict(host, X), rtol=1e-10,
                               atol=1e-12)
    # an input already on the model's device is used where it is
    on_dev = DEV.put(X)
    np.testing.assert_allclose(predict(moved, on_dev), predict(host, X), rtol=1e-10, atol=1e-12)


def test_a_model_already_on_the_device_trains_there_without_device():
    host, moved = net(), net().to(DEV)
    assert_same_history(train(moved), train(host))
    assert {device_of(p) for p in moved.parameters()} == {DEV}


def test_checkpoints_are_host_files_and_resume_onto_the_device(tmp_path):
    path = os.path.join(tmp_path, "ckpt.npz")
    straight = net()
    h_straight = train(straight, epochs=6)
    part = net()
    train(part, epochs=3, device=DEV, callbacks=[Checkpointer(path)])
    ckpt = load_checkpoint(path)
    assert all(type(v) is np.ndarray for v in ckpt.model_state.values())
    resumed = net()
    h_resumed = train(resumed, epochs=6, device=DEV, callbacks=[Checkpointer(path)],
                      resume=path)
    assert_same_history(h_resumed, h_straight)
    assert_same_model(resumed, straight)
    assert {device_of(p) for p in resumed.parameters()} == {DEV}


def test_early_stopping_restores_the_best_weights_on_the_device():
    host, moved = net(), net()
    stop = dict(patience=1, restore_best=True)
    train(host, epochs=30, callbacks=[EarlyStopping(**stop)])
    h = train(moved, epochs=30, device=DEV, callbacks=[EarlyStopping(**stop)])
    assert h.stop_reason != "completed" or len(h.epochs) == 30
    assert_same_model(moved, host)
    assert {device_of(p) for p in moved.parameters()} == {DEV}


def test_float32_models_keep_float32_on_the_device():
    model = nn.Sequential(nn.Linear(3, 4, rng=0, dtype=np.float32), nn.Tanh(),
                          nn.Linear(4, 2, rng=1, dtype=np.float32))
    X, y = data()
    fit(model, nn.softmax_cross_entropy, (X.astype(np.float32), y), optim.sgd(0.1), epochs=2,
        device=DEV)
    assert all(p.dtype == xp.float32 for p in model.parameters())


def test_module_to_moves_parameters_and_buffers_and_back():
    model = net()
    before = model.state_dict()
    assert model.to(DEV) is model
    assert {device_of(a) for a in [*model.parameters(), *dict(model.named_buffers()).values()]} \
        == {DEV}
    model.to("cpu")
    assert all(type(p) is np.ndarray for p in model.parameters())
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, before[k])


def test_clone_of_a_device_model_stays_on_the_device():
    model = net().to(DEV)
    copy = model.clone()
    assert {device_of(p) for p in copy.parameters()} == {DEV}
    assert copy.layers[1].running_mean is not model.layers[1].running_mean


def test_data_on_a_device_is_refused_by_fit():
    X, y = data()
    with pytest.raises(BackendError, match="fit: the data are arrays of another library"):
        fit(net(), nn.softmax_cross_entropy, (DEV.put(X), y), optim.sgd(0.1), epochs=1,
            device=DEV)


def test_predict_refuses_inputs_on_another_device():
    model = net().to(DEV)
    other = device((xp, xp.Device("device2")))
    with pytest.raises(BackendError, match=r"predict: X is on .*device2.* the model is on "
                                           r".*device1"):
        predict(model, other.put(data(4)[0]))


def test_parameters_on_two_devices_are_refused():
    model = net()
    model.layers[0].to(DEV)
    with pytest.raises(BackendError, match="fit: the model's parameters are on 2 devices"):
        train(model)


def test_diagnostics_of_a_device_run_equal_numpys():
    from chainrule.diagnose import Diagnostics

    runs = []
    for dev in (None, DEV):
        diag = Diagnostics(nn.softmax_cross_entropy, every=2)
        train(net(), epochs=4, device=dev, callbacks=[diag])
        runs.append(diag.history)
    assert len(runs[0]) == len(runs[1]) == 3
    for a, b in zip(*runs, strict=True):
        for la, lb in zip(a["gradients"]["layers"], b["gradients"]["layers"], strict=True):
            assert la["norm"] == pytest.approx(lb["norm"], rel=1e-9)
