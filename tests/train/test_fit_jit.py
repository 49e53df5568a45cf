"""``fit`` compiles its step with ``cr.jit`` by default (issue 13): the same history and
parameters as an eager run, bit for bit, dropout's masks and batch normalization's running
statistics included; a model that cannot be compiled trains eagerly after one warning."""

import os
import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn, optim
from chainrule.train import Checkpointer, fit
from chainrule.train.compiled_step import CompileFallbackWarning


def data(n=50, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return X, (X[:, 0] - X[:, 1] > 0).astype(int)


def run(model, jit, epochs=4, **kw):
    return fit(model, nn.softmax_cross_entropy, data(), optim.adam(1e-2), epochs=epochs,
               batch_size=16, validation=data(20, 1), jit=jit, **kw)


def same(a, b, ha, hb):
    for x, y in zip(cr.tree_leaves(a), cr.tree_leaves(b), strict=True):
        np.testing.assert_array_equal(x, y)
    strip = [[{k: v for k, v in e.items() if k != "seconds"} for e in h.epochs] for h in (ha, hb)]
    assert strip[0] == strip[1]


def relu_net():
    return nn.Sequential(nn.Linear(3, 8, rng=1), nn.ReLU(), nn.Linear(8, 8, rng=2), nn.Tanh(),
                         nn.Linear(8, 2, rng=3))


def test_a_compiled_run_equals_an_eager_run_bit_for_bit():
    eager, compiled = relu_net(), relu_net()
    h_eager = run(eager, jit=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CompileFallbackWarning)  # it did compile
        h_compiled = run(compiled, jit=True)
    same(compiled, eager, h_compiled, h_eager)


def test_dropout_compiles_and_draws_the_eager_runs_masks():
    def model():
        return nn.Sequential(nn.Linear(3, 8, rng=1), nn.Dropout(0.3, rng=5), nn.Tanh(),
                             nn.Linear(8, 2, rng=3))

    eager, compiled = model(), model()
    h_eager = run(eager, jit=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CompileFallbackWarning)
        h_compiled = run(compiled, jit=True)
    same(compiled, eager, h_compiled, h_eager)
    assert compiled.layers[1].rng.random() == eager.layers[1].rng.random()  # same draws


def test_batch_normalization_compiles_its_running_statistics_in_and_out():
    def model():
        return nn.Sequential(nn.Linear(3, 8, rng=1), nn.BatchNorm(8), nn.Tanh(),
                             nn.Dropout(0.2, rng=4), nn.Linear(8, 2, rng=3))

    eager, compiled = model(), model()
    h_eager = run(eager, jit=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CompileFallbackWarning)
        h_compiled = run(compiled, jit=True)
    same(compiled, eager, h_compiled, h_eager)
    for (_, a), (_, b) in zip(compiled.named_buffers(), eager.named_buffers(), strict=True):
        assert type(a) is np.ndarray
        np.testing.assert_array_equal(a, b)


def test_a_model_reading_its_data_trains_eagerly_after_one_warning():
    def model():
        flip = nn.Lambda(lambda x: x if np.sum(x) > -1e9 else -x)  # a Python condition
        return nn.Sequential(nn.Linear(3, 8, rng=1), flip, nn.Dropout(0.3, rng=5), nn.Tanh(),
                             nn.BatchNorm(8), nn.Linear(8, 2, rng=3))

    eager, fallback = model(), model()
    h_eager = run(eager, jit=False)
    with pytest.warns(CompileFallbackWarning, match=r"cannot be compiled, so it runs eagerly.*"
                                                    r"a Python condition") as caught:
        h_fallback = run(fallback, jit=True)
    assert len([w for w in caught if w.category is CompileFallbackWarning]) == 1
    same(fallback, eager, h_fallback, h_eager)  # generators and buffers were put back
    for (_, a), (_, b) in zip(fallback.named_buffers(), eager.named_buffers(), strict=True):
        assert type(a) is np.ndarray
        np.testing.assert_array_equal(a, b)


def test_anomaly_detection_trains_eagerly_without_a_warning():
    eager, checked = relu_net(), relu_net()
    h_eager = run(eager, jit=False)
    with warnings.catch_warnings(), cr.detect_anomaly():
        warnings.simplefilter("error", CompileFallbackWarning)
        h_checked = run(checked, jit=True)
    same(checked, eager, h_checked, h_eager)


def test_a_compiled_run_resumes_from_its_checkpoint(tmp_path):
    path = os.path.join(tmp_path, "c.npz")
    straight = relu_net()
    h_straight = run(straight, jit=True, epochs=6)
    part = relu_net()
    run(part, jit=True, epochs=3, callbacks=[Checkpointer(path)])
    resumed = relu_net()
    h_resumed = run(resumed, jit=True, epochs=6, callbacks=[Checkpointer(path)], resume=path)
    same(resumed, straight, h_resumed, h_straight)


@pytest.mark.parametrize("jit", [True, False])
def test_an_update_that_overflows_the_parameters_stops_at_the_same_step(jit):
    from chainrule.train import NonFiniteLossError

    model = nn.Linear(3, 2, rng=0)
    before = [p.copy() for p in cr.tree_leaves(model)]
    X, y = data()
    with pytest.raises(NonFiniteLossError) as caught, np.errstate(all="ignore"):
        fit(model, nn.softmax_cross_entropy, (X * 1e10, y), optim.sgd(1e300), epochs=2,
            batch_size=16, metrics=(), jit=jit)  # a finite gradient, an infinite step
    assert (caught.value.what, caught.value.epoch, caught.value.batch) == ("parameters", 1, 1)
    for p, q in zip(cr.tree_leaves(model), before, strict=True):  # the last good parameters
        np.testing.assert_array_equal(p, q)
