"""Activation statistics per layer from one forward pass over a batch: dead ReLU units,
saturated sigmoid/tanh units, and the mean and spread of every layer's output.

Definitions (unit = one feature of the layer's output; samples = the rows of the batch):

* **dead** (``ReLU``, ``LeakyReLU``; seed 003, section 3.4.3): the unit's pre-activation is
  <= 0 for *every* sample of the batch. A dead ReLU outputs 0 and passes back no gradient, so
  its incoming weights stop learning; a leaky ReLU in that state is stuck on its alpha slope.
* **saturated** (``Sigmoid``, ``Tanh``, ``HardTanh``, ``Softplus``; section 3.4.2, Figure 3.10):
  the local derivative Phi'(a) is below ``SATURATION`` (1 %) of its largest value for at least
  ``SHARE`` (99 %) of the samples. For the sigmoid, 4 s(a)(1 - s(a)) < 0.01 means |a| > 5.99;
  for tanh, 1 - tanh(a)^2 < 0.01 means |a| > 2.99; hard tanh has derivative 0 outside
  [-1, 1]; softplus has derivative s(a), below 0.01 for a < -4.6.

``dead`` and ``saturated`` are fractions of the layer's units (None where they do not apply);
``mean`` and ``std`` are over all entries of the layer's output.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from chainrule import nn
from chainrule.diagnose.layers import layer_outputs

SATURATION = 0.01
SHARE = 0.99

_CLASSES: dict[type, str] = {
    nn.ReLU: "relu", nn.LeakyReLU: "leaky_relu", nn.Sigmoid: "sigmoid", nn.Tanh: "tanh",
    nn.HardTanh: "hard_tanh", nn.Softplus: "softplus",
}
_FUNCTIONS = {nn.relu: "relu", nn.leaky_relu: "leaky_relu", nn.sigmoid: "sigmoid",
              nn.tanh: "tanh", np.tanh: "tanh", nn.hard_tanh: "hard_tanh",
              nn.softplus: "softplus"}
DYING = ("relu", "leaky_relu")
SATURATING = ("sigmoid", "tanh", "hard_tanh", "softplus")


def activation_kind(module: Any) -> str | None:
    """``"relu"``, ``"leaky_relu"``, ``"sigmoid"``, ``"tanh"``, ``"hard_tanh"``,
    ``"softplus"`` for those activation layers (also a ``Lambda`` of the plain function), else
    None.

    Example:
        >>> from chainrule import nn
        >>> from chainrule.diagnose import activation_kind
        >>> [activation_kind(m) for m in (nn.Tanh(), nn.Lambda(nn.relu), nn.Linear(1, 1))]
        ['tanh', 'relu', None]
    """
    for cls, kind in _CLASSES.items():
        if isinstance(module, cls):
            return kind
    if isinstance(module, nn.Lambda):
        for fn, kind in _FUNCTIONS.items():
            if module.fn is fn:
                return kind
    return None


def relative_derivative(kind: str, a: Any) -> np.ndarray:
    """Phi'(a) divided by the largest value Phi' takes, for a saturating activation ``kind``.

    Example:
        >>> import numpy as np
        >>> from chainrule.diagnose import relative_derivative
        >>> relative_derivative("sigmoid", np.array([0.0, 7.0])).round(4).tolist()
        [1.0, 0.0036]
    """
    a = np.asarray(a, dtype=np.float64)
    if kind == "sigmoid":
        s = nn.sigmoid(a)
        return 4.0 * s * (1.0 - s)
    if kind == "tanh":
        return 1.0 - np.tanh(a) ** 2
    if kind == "hard_tanh":
        return (np.abs(a) <= 1.0).astype(np.float64)
    if kind == "softplus":
        return nn.sigmoid(a)
    raise ValueError(f"relative_derivative: unknown saturating activation {kind!r}; choose "
                     f"one of {list(SATURATING)}")


@dataclass
class LayerActivation:
    """Statistics of one layer's output on a batch (see the module docstring)."""

    path: str
    name: str
    kind: str | None
    units: int
    mean: float
    std: float
    dead: float | None = None
    saturated: float | None = None
    dead_units: list[int] = field(default_factory=list)
    saturated_units: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values (NaN and infinities become None)."""
        return {"path": self.path, "name": self.name, "kind": self.kind, "units": self.units,
                "mean": _finite(self.mean), "std": _finite(self.std), "dead": self.dead,
                "saturated": self.saturated, "dead_units": list(self.dead_units),
                "saturated_units": list(self.saturated_units)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LayerActivation:
        """Rebuild from ``to_dict`` output."""
        return cls(d["path"], d["name"], d.get("kind"), int(d["units"]), _nan(d["mean"]),
                   _nan(d["std"]), d.get("dead"), d.get("saturated"),
                   [int(i) for i in d.get("dead_units", [])],
                   [int(i) for i in d.get("saturated_units", [])])


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _check(saturation: float, share: float) -> None:
    if not 0.0 < saturation < 1.0:
        raise ValueError(f"activation_stats: saturation is a fraction of the largest "
                         f"derivative and must be in (0, 1), got {saturation!r}")
    if not 0.0 < share <= 1.0:
        raise ValueError(f"activation_stats: share is a fraction of the samples and must be in "
                         f"(0, 1], got {share!r}")


def activation_stats(model: nn.Sequential, X: Any, *, saturation: float = SATURATION,
                     share: float = SHARE) -> list[LayerActivation]:
    """Statistics of every layer of the ``Sequential`` ``model`` on the batch ``X`` (rows are
    samples), from one forward pass in inference mode; see the module docstring.

    Example (unit 1 of the ReLU layer has a negative pre-activation for every input):
        >>> import numpy as np
        >>> from chainrule import nn
        >>> from chainrule.diagnose import activation_stats
        >>> lin = nn.Linear(1, 2, rng=0)
        >>> lin.W[...] = [[1.0, -1.0]]; lin.b[...] = [0.0, -1.0]
        >>> stats = activation_stats(nn.Sequential(lin, nn.ReLU()), np.array([[0.5], [2.0]]))
        >>> stats[1].name, stats[1].dead, stats[1].dead_units
        ('1 ReLU()', 0.5, [1])
    """
    _check(float(saturation), float(share))
    out = []
    for layer in layer_outputs(model, X):
        y = np.asarray(layer.outputs, dtype=np.float64)
        units = int(y.shape[-1]) if y.ndim else 1
        with np.errstate(over="ignore", invalid="ignore"):
            stats = LayerActivation(layer.path, layer.name, activation_kind(layer.module), units,
                                    float(np.mean(y)), float(np.std(y)))
        a = np.asarray(layer.inputs, dtype=np.float64)
        if stats.kind is not None and a.shape == y.shape and a.ndim >= 1:
            a = a.reshape(-1, units)
            if stats.kind in DYING:
                flags = np.all(a <= 0.0, axis=0)
                stats.dead, stats.dead_units = _fraction(flags)
            else:
                below = relative_derivative(stats.kind, a) < saturation
                stats.saturated, stats.saturated_units = _fraction(np.mean(below, axis=0) >= share)
        out.append(stats)
    return out


def _fraction(flags: np.ndarray) -> tuple[float, list[int]]:
    return float(np.mean(flags)), [int(i) for i in np.flatnonzero(flags)]
