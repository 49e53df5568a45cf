"""Synchronous data-parallel fit on local worker processes: the same run as one process."""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest

from chainrule import nn, optim
from chainrule.train import Callback, Checkpointer, NonFiniteLossError, fit
from chainrule.tree import tree_leaves
from tests.distributed.helpers import digits, mlp, shared_blocks, workers_alive

TIMINGS = ("compute_seconds", "update_seconds", "step_seconds")


@pytest.fixture(autouse=True)
def no_leaks():
    blocks = shared_blocks()
    yield
    assert workers_alive() == []
    assert shared_blocks() - blocks == set()


def _relative(a: nn.Module, b: nn.Module) -> float:
    p, q = (np.concatenate([leaf.ravel() for leaf in tree_leaves(m)]) for m in (a, b))
    return float(np.max(np.abs(p - q)) / np.max(np.abs(p)))


@pytest.mark.parametrize("make", [lambda: optim.adam(1e-3),
                                  lambda: optim.nesterov_lookahead(0.05, beta=0.9)],
                         ids=["adam", "nesterov_lookahead"])
def test_same_trajectory_as_one_process(make):
    X, y, Xv, yv = digits()
    X, y = X[:1000], y[:1000]  # 1000 = 31 * 32 + 8: an uneven last batch, split 4 + 4
    one, two = mlp(), mlp()
    h1 = fit(one, nn.softmax_cross_entropy, (X, y), make(), epochs=3, batch_size=32, seed=5,
             validation=(Xv, yv))
    h2 = fit(two, nn.softmax_cross_entropy, (X, y), make(), epochs=3, batch_size=32, seed=5,
             validation=(Xv, yv), workers=2)
    assert _relative(one, two) < 1e-12
    assert _relative(mlp(), one) > 1e-3  # it trained
    np.testing.assert_allclose(h2["loss"], h1["loss"], rtol=1e-12)
    assert h2["accuracy"] == h1["accuracy"] and h2["val_accuracy"] == h1["val_accuracy"]
    assert set(h2.keys()) == set(h1.keys()) | set(TIMINGS)
    for record in h2:
        assert 0 < record["compute_seconds"] + record["update_seconds"] <= record["step_seconds"]
        assert record["step_seconds"] <= record["seconds"]


def test_checkpoint_and_resume_give_the_uninterrupted_run(tmp_path):
    X, y, _, _ = digits()
    X, y = X[:300], y[:300]
    path = str(tmp_path / "run.npz")
    whole, part = mlp(), mlp()
    fit(whole, nn.softmax_cross_entropy, (X, y), optim.adam(1e-3), epochs=3, batch_size=50)
    fit(part, nn.softmax_cross_entropy, (X, y), optim.adam(1e-3), epochs=2, batch_size=50,
        workers=2, callbacks=[Checkpointer(path)])
    resumed = mlp()
    h = fit(resumed, nn.softmax_cross_entropy, (X, y), optim.adam(1e-3), epochs=3,
            batch_size=50, workers=2, resume=path)
    assert len(h) == 3 and _relative(whole, resumed) < 1e-12


def test_nonfinite_loss_names_the_step_and_keeps_the_parameters():
    X, y = np.array([[1e200], [-1e200], [1.0]]), np.array([[1.0], [0.0], [1.0]])
    net = nn.Linear(1, 1, rng=0)
    before = [p.copy() for p in tree_leaves(net)]
    with pytest.raises(NonFiniteLossError) as caught, np.errstate(all="ignore"):
        fit(net, nn.mean_squared_error, (X, y), optim.sgd(1.0), epochs=2, metrics=(),
            workers=2)
    assert (caught.value.what, caught.value.epoch, caught.value.batch) == ("loss", 1, 1)
    assert all(np.array_equal(a, b) for a, b in zip(before, tree_leaves(net), strict=True))


class _Interrupt(Callback):
    def on_batch_end(self, run, batch, logs):
        if batch == 3:
            raise KeyboardInterrupt


def test_interrupt_stops_the_workers_and_frees_the_memory():
    X, y, _, _ = digits()
    with pytest.raises(KeyboardInterrupt):
        fit(mlp(), nn.softmax_cross_entropy, (X, y), optim.adam(1e-3), epochs=2,
            batch_size=32, workers=2, callbacks=[_Interrupt()])
    # the autouse fixture checks that no worker and no shared block is left


def _not_at_top_level(out, y):
    return nn.softmax_cross_entropy(out, y)


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"workers": 0}, ValueError, "workers must be an integer >= 1"),
    ({"workers": 2.0}, ValueError, "workers must be an integer >= 1"),
    ({"workers": 2, "backend": "mpi"}, ValueError, "'local' or 'ray'"),
    ({"workers": 2, "synchronous": "no"}, TypeError, "synchronous must be True or False"),
    ({"workers": 2, "address": "10.0.0.1:6379"}, ValueError, "backend='ray'"),
    ({"workers": 2, "synchronous": False,
      "optimizer": optim.nesterov_lookahead(0.1)}, ValueError, "lookahead point"),
    ({"workers": 2, "loss": lambda out, y: nn.softmax_cross_entropy(out, y)}, TypeError,
     "the loss cannot be sent to the worker processes"),
    ({"workers": 2, "model": nn.Sequential(nn.Linear(64, 8, rng=0), nn.Dropout(0.5, rng=0),
                                           nn.Linear(8, 10, rng=1))},
     ValueError, r"layer layers\.1 \(Dropout\) holds a random generator"),
    ({"workers": 2, "model": nn.Sequential(nn.Linear(64, 8, rng=0), nn.BatchNorm(8),
                                           nn.Linear(8, 10, rng=1))},
     ValueError, r"layer layers\.1 \(BatchNorm\) holds buffers"),
])
def test_refusals(kwargs, error, match):
    X, y, _, _ = digits()
    args = {"model": mlp(), "loss": nn.softmax_cross_entropy, "optimizer": optim.adam(1e-3)}
    args.update(kwargs)
    with pytest.raises(error, match=match):
        fit(args.pop("model"), args.pop("loss"), (X[:64], y[:64]), args.pop("optimizer"),
            epochs=1, batch_size=32, **args)


def test_ray_backend_without_ray_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray fails as if not installed
    X, y, _, _ = digits()
    with pytest.raises(ImportError, match=re.escape("pip install 'chainrule[ray]'")):
        fit(mlp(), nn.softmax_cross_entropy, (X[:64], y[:64]), optim.adam(1e-3), epochs=1,
            workers=2, backend="ray")


def test_a_script_without_a_main_guard_is_told_why_its_workers_died(tmp_path):
    import subprocess

    script = tmp_path / "unguarded.py"
    script.write_text(
        "import numpy as np\nfrom chainrule import nn, optim\nfrom chainrule.train import fit\n"
        "X = np.ones((8, 2)); y = np.zeros(8, dtype=int)\n"
        "fit(nn.Linear(2, 2, rng=0), nn.softmax_cross_entropy, (X, y), optim.sgd(0.1), "
        "epochs=1, workers=2)\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1
    assert "exited while starting" in done.stderr
    assert 'if __name__ == "__main__":' in done.stderr.splitlines()[-1]
