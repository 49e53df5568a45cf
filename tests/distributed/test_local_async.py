"""Asynchronous parameter server on local worker processes, with a worker killed midway."""

from __future__ import annotations

import os
import signal

import pytest

from chainrule import nn, optim
from chainrule.train import Callback, fit
from tests.distributed.helpers import digits, mlp, shared_blocks, workers_alive


class _KillOne(Callback):
    """SIGKILL one worker at batch 10 of epoch 2."""

    def __init__(self):
        self.killed = None

    def on_batch_end(self, run, batch, logs):
        if run.epoch == 2 and batch == 10:
            victim = workers_alive()[0]
            self.killed = victim.pid
            os.kill(victim.pid, signal.SIGKILL)


def test_a_killed_worker_is_replaced_and_training_completes():
    X, y, Xv, yv = digits()
    blocks, kill = shared_blocks(), _KillOne()
    single = fit(mlp(), nn.softmax_cross_entropy, (X, y), optim.adam(1e-3), epochs=4,
                 batch_size=32, validation=(Xv, yv))
    h = fit(mlp(), nn.softmax_cross_entropy, (X, y), optim.adam(1e-3), epochs=4,
            batch_size=32, validation=(Xv, yv), workers=2, synchronous=False, callbacks=[kill])
    assert h.stop_reason == "completed" and len(h) == 4
    assert h.last["val_accuracy"] > max(0.9, single.last["val_accuracy"] - 0.03)
    replaced = [e for e in h.events if e["kind"] == "worker_replaced"]
    assert len(replaced) == 1 and replaced[0]["epoch"] == 2
    assert f"(pid {kill.killed}) died with exit code -9" in replaced[0]["message"]
    for record in h:  # a new worker's first gradients come late: it compiles its step first
        assert 0 <= record["staleness_mean"] <= record["staleness_max"] <= len(X) // 32
        assert max(record["compute_seconds"], record["update_seconds"]) < record["step_seconds"]
    assert max(h["staleness_mean"][2:]) <= 2  # two workers: about one update behind
    assert workers_alive() == [] and shared_blocks() - blocks == set()


def test_one_asynchronous_worker_has_no_staleness_and_is_one_process_run():
    X, y, _, _ = digits()
    X, y = X[:200], y[:200]
    one, server = mlp(), mlp()
    h1 = fit(one, nn.softmax_cross_entropy, (X, y), optim.adam(1e-3), epochs=2, batch_size=32)
    h2 = fit(server, nn.softmax_cross_entropy, (X, y), optim.adam(1e-3), epochs=2,
             batch_size=32, workers=1, synchronous=False)
    assert h2["staleness_max"] == [0, 0]
    assert h2["loss"] == pytest.approx(h1["loss"], rel=1e-12)
