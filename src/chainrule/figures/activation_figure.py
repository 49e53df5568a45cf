"""Seed 003, Figure 3.10 (section 3.4.2): the derivatives of sigmoid, tanh, ReLU and hard tanh.
The curves are ``cr.elementwise_grad`` of chainrule's own activations (``chainrule.nn``), not
hand-written formulas: sigmoid' never exceeds 0.25, tanh' reaches 1 only at 0, the piecewise
linear ones are exactly 1 on an interval and 0 elsewhere.
"""

from __future__ import annotations

import os

import numpy as np

from chainrule import nn
from chainrule.figures import canvas
from chainrule.transforms import elementwise_grad

ACTIVATIONS = {"sigmoid": nn.sigmoid, "tanh": nn.tanh, "ReLU": nn.relu,
               "hard tanh": nn.hard_tanh}


def activation_derivatives(x: np.ndarray | None = None
                           ) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """For each activation, ``(x, phi(x), phi'(x))`` with ``phi'`` from
    ``cr.elementwise_grad``; ``x`` defaults to 1201 points from -6 to 6 (0 included).

    Example:
        >>> d = activation_derivatives(np.array([-2.0, 0.0, 0.5, 2.0]))
        >>> d["sigmoid"][2][1], d["tanh"][2][1], d["ReLU"][2].tolist()
        (np.float64(0.25), np.float64(1.0), [0.0, 0.0, 1.0, 1.0])
        >>> d["hard tanh"][2].tolist()
        [0.0, 1.0, 1.0, 0.0]
    """
    if x is None:
        x = np.round(np.linspace(-6.0, 6.0, 1201), 12)
    x = np.asarray(x, dtype=np.float64)
    return {name: (x, np.asarray(phi(x)), np.asarray(elementwise_grad(phi)(x)))
            for name, phi in ACTIVATIONS.items()}


def make_fig3_10(out_dir: str | os.PathLike, fmt: str = "png") -> list[str]:
    """Write ``fig3_10_activation_derivatives.<fmt>`` (1000 x 750 pixels): one panel per
    activation, its derivative (solid) over the function itself (dashed).

    Example (draws with matplotlib; the tests check the picture):
        >>> import tempfile
        >>> make_fig3_10(tempfile.mkdtemp())  # doctest: +SKIP
        ['/tmp/.../fig3_10_activation_derivatives.png']
    """
    curves = activation_derivatives()
    fig = canvas.new_figure(10, 7.5)
    axes = fig.subplots(2, 2).ravel()
    for ax, (letter, (name, (x, y, dy))) in zip(axes, zip("abcd", curves.items(), strict=True),
                                                strict=True):
        ax.plot(x, dy, color="tab:blue", linewidth=2, label=f"derivative (max {dy.max():.3g})")
        ax.plot(x, y, "--", color="0.5", linewidth=1, label=name)
        ax.axhline(0, color="k", linewidth=0.5)
        ax.set_title(f"({letter}) {name}", fontsize=10)
        ax.set_xlabel("v")
        ax.set_ylabel("Φ'(v)")
        ax.set_ylim(-1.15, 1.25)
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", fontsize=8)
    fig.suptitle("Figure 3.10: derivatives of activation functions (by cr.elementwise_grad)")
    fig.tight_layout()
    return [canvas.save(fig, out_dir, "fig3_10_activation_derivatives", fmt)]
