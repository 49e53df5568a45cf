"""Data-parallel fit on Ray actors: the same synchronous run as local workers, and the server."""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest

from chainrule import nn, optim
from chainrule.train import Callback, fit
from chainrule.tree import tree_leaves
from tests.distributed.helpers import digits, mlp

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'chainrule[ray]')")


@pytest.fixture(scope="module", autouse=True)
def ray_session():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def test_synchronous_ray_is_the_local_run():
    X, y, Xv, yv = digits()
    X, y = X[:500], y[:500]  # 500 = 15 * 32 + 20: an uneven last batch
    local, remote = mlp(), mlp()
    h1 = fit(local, nn.softmax_cross_entropy, (X, y), optim.adam(1e-3), epochs=2,
             batch_size=32, validation=(Xv, yv), workers=2)
    h2 = fit(remote, nn.softmax_cross_entropy, (X, y), optim.adam(1e-3), epochs=2,
             batch_size=32, validation=(Xv, yv), workers=2, backend="ray")
    for a, b in zip(tree_leaves(local), tree_leaves(remote), strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-15)
    assert h2["loss"] == pytest.approx(h1["loss"], rel=1e-12)
    assert set(h2.keys()) == set(h1.keys())
    assert ray.is_initialized()  # fit did not stop the session it did not start


def test_asynchronous_ray_trains():
    X, y, Xv, yv = digits()
    h = fit(mlp(), nn.softmax_cross_entropy, (X, y), optim.adam(1e-3), epochs=2,
            batch_size=32, validation=(Xv, yv), workers=2, backend="ray", synchronous=False)
    assert h.last["val_accuracy"] > 0.9
    assert 0 <= h.last["staleness_mean"] <= h.last["staleness_max"]


def test_an_address_that_does_not_answer_fails_fast():
    with pytest.raises(ConnectionError, match="no Ray cluster answers at '127.0.0.1:1'"):
        fit(mlp(), nn.softmax_cross_entropy, digits()[:2], optim.adam(1e-3), epochs=1,
            workers=2, backend="ray", address="127.0.0.1:1")


def _actor_processes() -> list[int]:
    """The pids of this machine's GradientJob actor processes (their title names the class)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    if b"GradientJob" in f.read():
                        pids.append(int(entry))
            except OSError:
                continue
    return pids


class KillAnActor(Callback):
    """SIGKILLs one Ray actor process at the end of epoch 1."""

    def __init__(self):
        self.killed = None

    def on_epoch_end(self, run, logs):
        if run.epoch == 1:
            pids = _actor_processes()
            self.killed = pids[0] if pids else None
            if self.killed is not None:
                os.kill(self.killed, signal.SIGKILL)


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="finds actor processes through /proc")
@pytest.mark.parametrize("synchronous", [True, False])
def test_a_killed_ray_actor_is_replaced_and_training_completes(synchronous):
    X, y, Xv, yv = digits()
    killer = KillAnActor()
    h = fit(mlp(), nn.softmax_cross_entropy, (X[:600], y[:600]), optim.adam(1e-2), epochs=3,
            batch_size=32, validation=(Xv, yv), workers=2, backend="ray",
            synchronous=synchronous, callbacks=[killer])
    assert killer.killed is not None and len(h) == 3
    assert [e["kind"] for e in h.events] == ["worker_replaced"] and h.events[0]["epoch"] == 2
    assert h.last["val_accuracy"] > 0.85
