"""The figures of seed 003, section 3.4 that ``chainrule.diagnose`` draws: gradient norm per
layer of deep sigmoid, tanh and ReLU networks (the vanishing-gradient problem, Figure 3.8's
chain of eq. 3.38 in practice) and the histograms of each layer's activations."""

from __future__ import annotations

from chainrule.diagnose.depth import deep_network, synthetic_batch
from chainrule.diagnose.plots import plot_activation_histograms, plot_vanishing_gradients

HISTOGRAM_DEPTH = 4  # three sigmoid layers: one panel each


def draw_vanishing_gradients(path: str) -> str:
    """10 layers of 32 units at initialization, on one batch of 64 samples."""
    return plot_vanishing_gradients(path)


def draw_activation_histograms(path: str) -> str:
    """A 4-layer sigmoid network (Xavier initialization) on 256 standard-normal inputs.

    Example:
        >>> import os, tempfile
        >>> from chainrule.figures.diagnose_figures import draw_activation_histograms
        >>> f = os.path.join(tempfile.mkdtemp(), "h.png")
        >>> draw_activation_histograms(f) == f  # doctest: +SKIP
        True
    """
    net = deep_network("sigmoid", depth=HISTOGRAM_DEPTH, width=32)
    X, _ = synthetic_batch(256, 32)
    return plot_activation_histograms(
        net, X, path, title="Activations per layer of a 4-layer sigmoid network at "
        "initialization (256 samples)")
