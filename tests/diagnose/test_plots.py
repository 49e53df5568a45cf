"""Pictures of chainrule.diagnose.plots: written, decodable, of the stated size, not blank."""

import numpy as np
import pytest

from chainrule import nn, optim
from chainrule.diagnose import Diagnostics, deep_network, synthetic_batch
from chainrule.train import fit

pytest.importorskip("matplotlib", reason="the diagnose pictures need matplotlib")

from chainrule.diagnose import plots  # noqa: E402
from tests.picture_checks import assert_png, assert_svg  # noqa: E402


def test_vanishing_gradient_figure(tmp_path):
    path = tmp_path / "vanishing.png"
    assert plots.plot_vanishing_gradients(path, depth=10, width=16, n_samples=32) == str(path)
    assert_png(path, size=(700, 450))


def test_activation_histograms(tmp_path):
    net = deep_network("sigmoid", depth=3, width=8)
    net.layers[0].W *= 10.0  # the first sigmoid layer saturates
    X, _ = synthetic_batch(50, 8)
    path = plots.plot_activation_histograms(net, X, tmp_path / "hist.png", title="sigmoid")
    assert_png(path, size=(640, 340))
    plain = nn.Sequential(nn.Linear(8, 3, rng=0))  # no activation layer: every layer shown
    assert_png(plots.plot_activation_histograms(plain, X, tmp_path / "plain.png"),
               size=(640, 340))  # one panel, widened to fit the title


def test_gradient_history_from_a_training_run(tmp_path):
    X = np.random.default_rng(0).normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)
    net = nn.Sequential(nn.Linear(2, 8, rng=0), nn.Tanh(), nn.Linear(8, 2, rng=1))
    diag = Diagnostics(nn.softmax_cross_entropy)
    fit(net, nn.softmax_cross_entropy, (X, y), optim.sgd(0.5), epochs=6, callbacks=[diag])
    assert_png(plots.plot_gradient_history(diag, tmp_path / "a.png"), size=(700, 450))
    assert_png(plots.plot_gradient_history(diag.history, tmp_path / "b.png", title="t"),
               size=(700, 450))
    assert_svg(plots.plot_gradient_history(diag, tmp_path / "a.svg"), min_paths=20)
    with pytest.raises(ValueError, match="no records"):
        plots.plot_gradient_history([], tmp_path / "c.png")
    with pytest.raises(ValueError, match=r"ending in one of \['.png', '.svg', '.pdf'\]"):
        plots.plot_gradient_history(diag, tmp_path / "c.gif")
    assert not (tmp_path / "c.png").exists() and not (tmp_path / "c.gif").exists()
