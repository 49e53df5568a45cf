"""Pictures of seed 003, section 3.4, drawn with matplotlib's object-oriented API on an Agg
canvas (no pyplot, no window): the vanishing-gradient figure (gradient norm per layer of deep
sigmoid, tanh and ReLU networks at initialization), histograms of each layer's activations, and
the gradient norm of every layer over the epochs of a ``Diagnostics`` history. matplotlib is
optional (``pip install chainrule[plots]``); every function writes its picture atomically to
``path`` (PNG, or SVG/PDF when the name ends so) and returns the path.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from chainrule.diagnose.activations import activation_kind, activation_stats
from chainrule.diagnose.depth import STANDARD_INIT, gradient_profiles
from chainrule.diagnose.layers import layer_outputs
from chainrule.pictures import new_figure, picture_format, save_figure

WHO = "chainrule.diagnose.plots"


def _figure(width: float, height: float) -> Any:
    return new_figure(width, height, WHO)


def _format(path: str | os.PathLike) -> str:
    return picture_format(path, WHO)


def _save(fig: Any, path: str | os.PathLike) -> str:
    return save_figure(fig, path, WHO)


def plot_vanishing_gradients(path: str | os.PathLike,
                             activations: Sequence[str] = ("sigmoid", "tanh", "relu"),
                             depth: int = 10, width: int = 32, n_samples: int = 64,
                             seed: int = 0, title: str = "") -> str:
    """Gradient norm of each linear layer (log scale), input side on the left, of a deep
    network of each activation at initialization, on one synthetic batch (see
    ``chainrule.diagnose.depth``): the sigmoid curve falls about 0.25 per layer towards the
    input (seed 003, section 3.4, eq. 3.38), tanh and ReLU stay level.

    Example:
        >>> import os, tempfile
        >>> from chainrule.diagnose.plots import plot_vanishing_gradients
        >>> f = os.path.join(tempfile.mkdtemp(), "vanishing.png")
        >>> plot_vanishing_gradients(f, depth=4, width=8) == f
        True
    """
    _format(path)
    profiles = gradient_profiles(activations, depth, width, n_samples, seed)
    fig = _figure(7, 4.5)
    ax = fig.subplots()
    for name, report in profiles.items():
        norms = np.array(report.norms)
        r = report.first_to_last
        label = f"{name} ({STANDARD_INIT.get(name, 'default')} init), first/last " + \
            (f"{r:.1e}" if r is not None else "undefined")
        ax.semilogy(np.arange(1, len(norms) + 1), np.where(norms > 0, norms, np.nan), "o-",
                    label=label)
    ax.set_xlabel("layer (1 = next to the input)")
    ax.set_ylabel("gradient norm of the layer's parameters")
    ax.set_xticks(np.arange(1, depth + 1))
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize="small")
    ax.set_title(title or f"Vanishing gradients at initialization ({depth} layers, width "
                 f"{width})")
    fig.tight_layout()
    return _save(fig, path)


def plot_activation_histograms(model: Any, X: Any, path: str | os.PathLike, bins: int = 40,
                               title: str = "") -> str:
    """One panel per activation layer of the ``Sequential`` ``model`` (every layer when it has
    none) with histograms (as densities, so that the narrow output range and the wide input
    range both show) of the layer's input (pre-activation) and output values on the batch
    ``X``; panel titles give the dead or saturated share of the units.

    Example:
        >>> import os, tempfile
        >>> import numpy as np
        >>> from chainrule import nn
        >>> from chainrule.diagnose.plots import plot_activation_histograms
        >>> net = nn.Sequential(nn.Linear(2, 8, rng=0), nn.Tanh(), nn.Linear(8, 1, rng=1))
        >>> f = os.path.join(tempfile.mkdtemp(), "histograms.png")
        >>> plot_activation_histograms(net, np.ones((10, 2)), f) == f
        True
    """
    _format(path)
    outputs = layer_outputs(model, X)
    stats = {s.path: s for s in activation_stats(model, X)}
    shown = [o for o in outputs if activation_kind(o.module) is not None] or outputs
    cols = min(4, len(shown))
    rows = -(-len(shown) // cols)
    fig = _figure(max(3.2 * cols, 6.4), 2.8 * rows + 0.6)  # wide enough for the title
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, out in zip(axes, shown, strict=False):
        pre = np.asarray(out.inputs, dtype=np.float64).ravel()
        post = np.asarray(out.outputs, dtype=np.float64).ravel()
        if pre.shape == post.shape:
            ax.hist(pre[np.isfinite(pre)], bins=bins, density=True, alpha=0.5,
                    label="input (pre-activation)")
        ax.hist(post[np.isfinite(post)], bins=bins, density=True, alpha=0.6, label="output")
        s = stats[out.path]
        note = "" if s.dead is None else f"\n{100 * s.dead:.0f} % dead"
        note += "" if s.saturated is None else f"\n{100 * s.saturated:.0f} % saturated"
        ax.set_title(out.name + note, fontsize="small")
        ax.set_xlabel("value")
        ax.set_ylabel("density")
        ax.legend(fontsize="x-small")
    for ax in axes[len(shown):]:
        ax.set_visible(False)
    fig.suptitle(title or f"Activations per layer on a batch of {len(np.asarray(X))} samples")
    fig.tight_layout()
    return _save(fig, path)


def plot_gradient_history(history: Any, path: str | os.PathLike, title: str = "") -> str:
    """Gradient norm of every parametrised layer (log scale) against the epoch, from a
    ``Diagnostics`` callback or its ``history`` (a list of ``Diagnosis.to_dict()`` records).

    Example:
        >>> import os, tempfile
        >>> import numpy as np
        >>> from chainrule import nn
        >>> from chainrule.diagnose import diagnose
        >>> from chainrule.diagnose.plots import plot_gradient_history
        >>> net = nn.Sequential(nn.Linear(2, 4, rng=0), nn.ReLU(), nn.Linear(4, 1, rng=1))
        >>> X, y = np.random.default_rng(0).normal(size=(8, 2)), np.ones((8, 1))
        >>> records = []
        >>> for epoch in (0, 1):
        ...     d = diagnose(net, nn.mean_squared_error, X, y); d.epoch = epoch
        ...     records.append(d.to_dict())
        >>> f = os.path.join(tempfile.mkdtemp(), "gradients.png")
        >>> plot_gradient_history(records, f) == f
        True
    """
    _format(path)
    records = list(getattr(history, "history", history))
    if not records:
        raise ValueError("plot_gradient_history: the history has no records; train with the "
                         "Diagnostics callback first")
    epochs = [r.get("epoch") if r.get("epoch") is not None else i for i, r in enumerate(records)]
    names = [g["name"] for g in records[-1]["gradients"]["layers"]]
    fig = _figure(7, 4.5)
    ax = fig.subplots()
    for k, name in enumerate(names):
        values = []
        for r in records:
            layers = r["gradients"]["layers"]
            v = layers[k]["norm"] if k < len(layers) and layers[k]["name"] == name else None
            values.append(np.nan if v is None or v <= 0 else v)
        ax.semilogy(epochs, values, "o-" if len(records) < 30 else "-", label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel("gradient norm (probe batch)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize="small", title="layer")
    ax.set_title(title or "Gradient norm per layer during training")
    fig.tight_layout()
    return _save(fig, path)
