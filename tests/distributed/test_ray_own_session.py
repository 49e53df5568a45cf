"""fit(backend="ray") without a running Ray starts a local one for its workers and stops it."""

from __future__ import annotations

import pytest

from chainrule import nn, optim
from chainrule.train import fit
from tests.distributed.helpers import digits, mlp

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'chainrule[ray]')")


def test_fit_starts_and_stops_its_own_local_ray():
    if ray.is_initialized():
        pytest.skip("another test left a Ray session running")
    X, y, Xv, yv = digits()
    h = fit(mlp(), nn.softmax_cross_entropy, (X[:300], y[:300]), optim.adam(1e-2), epochs=2,
            batch_size=50, validation=(Xv, yv), workers=2, backend="ray")
    assert len(h) == 2 and h.last["val_accuracy"] > 0.7
    assert not ray.is_initialized()
