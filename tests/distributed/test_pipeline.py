"""Pipelined model parallelism: the same loss and gradients as one process, the GPipe schedule,
parameter updates, training, clear errors and stage processes stopped on every exit path."""

import functools
import gc
import os
import signal

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn, optim
from chainrule.distributed.pipeline import PipelineError, PipelineModel, train_pipelined
from chainrule.distributed.pipeline_schedule import PipelineSchedule

B = 10  # 3 micro-batches: sizes 4, 3, 3; 4 micro-batches: 3, 3, 2, 2


def _model(seed=0):
    return nn.Sequential(nn.Linear(3, 6, rng=seed), nn.Tanh(), nn.Linear(6, 5, rng=seed + 1),
                         nn.Softplus(), nn.Linear(5, 3, rng=seed + 2))


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    return rng.normal(size=(B, 3)), rng.normal(size=(B, 3)), rng.integers(0, 3, size=B)


@pytest.fixture(scope="module")
def pipe():
    with PipelineModel(_model(), split=[2], micro_batches=2) as p:
        yield p


def _one_process(model, X, y, loss):
    return cr.value_and_grad(lambda m: loss(m(X), y))(model)


def _assert_same(result, expected):
    (loss, grads), (loss0, grads0) = result, expected
    assert type(grads) is type(grads0)
    assert abs(float(loss) - float(loss0)) <= 1e-12 * abs(float(loss0))
    leaves, leaves0 = cr.tree_leaves(grads), cr.tree_leaves(grads0)
    assert len(leaves) == len(leaves0) > 0
    for g, g0 in zip(leaves, leaves0, strict=True):
        assert g.shape == g0.shape
        np.testing.assert_allclose(g, g0, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("m", [1, 3, 4])
def test_same_loss_and_gradients_as_one_process(pipe, data, m):
    X, y, labels = data
    pipe.update(_model())
    result = pipe.value_and_grad(X, y, nn.mean_squared_error, micro_batches=m)
    _assert_same(result, _one_process(_model(), X, y, nn.mean_squared_error))
    result = pipe.value_and_grad(X, labels, nn.softmax_cross_entropy, micro_batches=m)
    _assert_same(result, _one_process(_model(), X, labels, nn.softmax_cross_entropy))


def test_summed_loss(pipe, data):
    X, y, _ = data
    pipe.update(_model())
    total = functools.partial(nn.squared_error, reduction="sum")
    result = pipe.value_and_grad(X, y, total, micro_batches=3, reduction="sum")
    _assert_same(result, _one_process(_model(), X, y, total))
    assert float(result[0]) > 1.0  # a sum, not a mean: weights 1 per micro-batch


def test_update_sends_new_parameters(pipe, data):
    X, y, _ = data
    other = _model(seed=10)
    pipe.update(other)
    assert pipe.model is other
    _assert_same(pipe.value_and_grad(X, y, nn.mean_squared_error, micro_batches=3),
                 _one_process(other, X, y, nn.mean_squared_error))
    pipe.update(_model())


@pytest.mark.parametrize("m", [1, 3, 4])
def test_schedule_is_gpipe(pipe, data, m):
    X, y, _ = data
    pipe.value_and_grad(X, y, nn.mean_squared_error, micro_batches=m)
    s, k = pipe.schedule(), 2
    assert s.num_stages == k and len(s.events) == 2 * k * m
    for stage in range(k):
        for mb in range(m):
            assert s.tick(stage, "F", mb) == mb + stage
            assert s.tick(stage, "B", mb) == (m + k - 1) + (m - 1 - mb) + (k - 1 - stage)
    assert s.num_ticks == 2 * (m + k - 1)
    assert s.bubble_fraction == pytest.approx((k - 1) / (m + k - 1))
    lines = s.to_text().splitlines()
    assert lines[0] == "tick | stage 0 | stage 1"
    assert lines[1] == "   0 | F0      | ."
    assert len(lines) == 1 + s.num_ticks + 1 and lines[-1].startswith("bubble:")


def test_train_matches_one_process(pipe, data):
    X, y, _ = data
    batches = [(X[:6], y[:6]), (X[4:], y[4:]), (X, y)]
    pipe.update(_model())
    trained, losses = train_pipelined(pipe, optim.adam(0.05), batches, nn.mean_squared_error)
    opt, model, losses0 = optim.Optimizer(optim.adam(0.05)), _model(), []
    for xb, yb in batches:
        value, grads = _one_process(model, xb, yb, nn.mean_squared_error)
        losses0.append(float(value))
        model = opt.step(model, grads)
    np.testing.assert_allclose(losses, losses0, rtol=1e-12)
    for p, p0 in zip(cr.tree_leaves(trained), cr.tree_leaves(model), strict=True):
        np.testing.assert_allclose(p, p0, rtol=1e-12, atol=1e-14)
    assert pipe.model is trained
    pipe.update(_model())


def test_bad_inputs_name_the_problem(pipe, data):
    X, y, _ = data
    with pytest.raises(TypeError, match="must be an nn.Sequential.*Linear"):
        PipelineModel(nn.Linear(2, 2, rng=0), split=[1])
    for split, msg in [([0], "split point 0 is out of range for a Sequential of 5 layers"),
                       ([5], "split point 5 is out of range"),
                       ([3, 2], r"split points \[3, 2\] must be strictly increasing")]:
        with pytest.raises(ValueError, match=msg):
            PipelineModel(_model(), split=split)
    with pytest.raises(TypeError, match="the layers of stage 1 cannot be sent"):
        PipelineModel(nn.Sequential(nn.Linear(3, 3, rng=0), lambda h: 2 * h), split=[1])
    with pytest.raises(ValueError, match="split point 7 is out of range"):
        PipelineModel(_model(), split=7)
    with pytest.raises(TypeError, match="layer indices"):
        PipelineModel(_model(), split=[1.5])
    with pytest.raises(ValueError, match="micro_batches must be a positive integer, got 0"):
        PipelineModel(_model(), split=[2], micro_batches=0)
    with pytest.raises(ValueError, match="buffer 'layers.1.running_mean'"):
        PipelineModel(nn.Sequential(nn.Linear(3, 2, rng=0), nn.BatchNorm(2)), split=[1])
    with pytest.raises(ValueError, match="micro_batches=11 is more than the batch size 10"):
        pipe.value_and_grad(X, y, nn.mean_squared_error, micro_batches=11)
    with pytest.raises(ValueError, match="X has 10 samples but y has 9"):
        pipe.value_and_grad(X, y[:9], nn.mean_squared_error)
    with pytest.raises(TypeError, match="the loss function cannot be sent to a stage process"):
        pipe.value_and_grad(X, y, lambda p, t: nn.mean_squared_error(p, t))
    with pytest.raises(ValueError, match="structure differs"):
        pipe.update(nn.Sequential(nn.Linear(3, 2, rng=0)))
    wide = _model()
    wide.layers[2].b = np.zeros(7)
    with pytest.raises(ValueError, match=r"parameter layers.2.b has shape \(7,\), the pipeline"):
        pipe.update(wide)
    # nothing was sent: the pipeline still works
    _assert_same(pipe.value_and_grad(X, y, nn.mean_squared_error, micro_batches=3),
                 _one_process(_model(), X, y, nn.mean_squared_error))


def _small():
    return nn.Sequential(nn.Linear(3, 2, rng=0), nn.Linear(2, 3, rng=1))


def test_stage_error_stops_every_stage(data):
    X, y, _ = data
    pipe = PipelineModel(_small(), split=[1], micro_batches=2)
    processes = list(pipe._processes)
    unreduced = functools.partial(nn.mean_squared_error, reduction="none")
    with pytest.raises(PipelineError, match="(?s)stage 1 failed.*must return a scalar"):
        pipe.value_and_grad(X, y, unreduced)
    assert pipe.closed and not any(p.is_alive() for p in processes)
    with pytest.raises(PipelineError, match="the pipeline is closed"):
        pipe.value_and_grad(X, y, nn.mean_squared_error)


def test_dead_stage_is_reported_and_the_rest_stopped(data):
    X, y, _ = data
    pipe = PipelineModel(_small(), split=[1], micro_batches=2)
    processes = list(pipe._processes)
    os.kill(processes[1].pid, signal.SIGKILL)
    processes[1].join(timeout=10)
    with pytest.raises(PipelineError, match="stage 1 cannot be reached.*exited"):
        pipe.value_and_grad(X, y, nn.mean_squared_error)
    assert pipe.closed and not any(p.is_alive() for p in processes)


def _exiting_loss(pred, target):
    os._exit(3)  # the last stage dies in the middle of a step


def test_stage_dying_mid_step_is_reported(data):
    X, y, _ = data
    pipe = PipelineModel(_small(), split=[1], micro_batches=2)
    processes = list(pipe._processes)
    with pytest.raises(PipelineError, match=r"stage 1 exited \(code 3\) mid-step"):
        pipe.value_and_grad(X, y, _exiting_loss)
    assert pipe.closed and not any(p.is_alive() for p in processes)


def test_close_and_garbage_collection_stop_the_stages(data):
    X, y, _ = data
    with PipelineModel(_small(), split=[1]) as pipe:
        processes = list(pipe._processes)
        assert all(p.is_alive() for p in processes)
    assert pipe.closed and not any(p.is_alive() for p in processes)
    pipe.close()  # idempotent
    pipe = PipelineModel(_small(), split=[], micro_batches=3)  # one stage: first and last
    processes = list(pipe._processes)
    assert len(processes) == 1
    _assert_same(pipe.value_and_grad(X, y, nn.mean_squared_error),
                 _one_process(_small(), X, y, nn.mean_squared_error))
    assert pipe.schedule().tick(0, "B", 2) == 3
    del pipe
    gc.collect()
    assert not any(p.is_alive() for p in processes)


def test_schedule_from_orders_three_stages_and_a_cycle():
    k, m = 3, 2
    gpipe = [[("F", i) for i in range(m)] + [("B", i) for i in reversed(range(m))]] * k
    s = PipelineSchedule.from_orders(gpipe)
    assert [s.tick(st, "F", i) for st in range(k) for i in range(m)] == [0, 1, 1, 2, 2, 3]
    assert [s.tick(st, "B", i) for st in range(k) for i in range(m)] == [7, 6, 6, 5, 5, 4]
    assert s.num_ticks == 8 and s.bubble_fraction == pytest.approx(2 / 4)
    with pytest.raises(ValueError, match="wait on each other"):
        PipelineSchedule.from_orders([[("B", 0), ("F", 0)], [("F", 0), ("B", 0)]])
