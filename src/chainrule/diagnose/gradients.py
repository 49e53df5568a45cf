"""Gradient norms per layer and their ratios across depth (seed 003, section 3.4).

Backpropagation multiplies the gradient by one layer's Jacobian per layer it passes (eq. 3.38,
``dL/dh_t = Phi'(h_{t+1}) w_{t+1} dL/dh_{t+1}``), so in a deep network the gradients of the
early layers can be orders of magnitude smaller (vanishing) or larger (exploding) than those of
the late layers (Observation 3.4.1). One reverse pass (``cr.value_and_grad``) gives every
parameter's gradient; they are grouped by the layer that owns them and summarized by the
Euclidean (Frobenius) norm of all of the layer's gradient entries together.

Verdict, from the ratio r = (first layer's norm) / (last layer's norm):
``"vanishing"`` when r < ``VANISHING`` (1e-2: the gradient reaching the input side is a hundred
times smaller than at the output side), ``"exploding"`` when r > ``EXPLODING`` (1e2),
``"healthy"`` in between, ``"non-finite"`` when a norm is NaN or infinite, and
``"undefined"`` when the last layer's gradient is exactly zero.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from chainrule.diagnose.layers import inference_copy, parameter_groups
from chainrule.tracer import primal
from chainrule.transforms import value_and_grad

VANISHING = 1e-2
EXPLODING = 1e2


def _float(value: Any) -> float | None:
    """A JSON-ready float: None for NaN and infinities."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def ratio(a: float | None, b: float | None) -> float | None:
    """a / b, or None when either is missing or not finite, or b is zero.

    Example:
        >>> from chainrule.diagnose.gradients import ratio
        >>> ratio(1.0, 4.0), ratio(1.0, 0.0)
        (0.25, None)
    """
    if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)) or b == 0:
        return None
    return a / b


@dataclass
class LayerGradient:
    """One parametrised layer: ``norm`` (of all its gradient entries), ``rms`` (norm /
    sqrt(size)), ``size`` (number of parameters), ``weight_norm`` (of its parameters) and,
    when known, ``update_ratio``: how far its parameters moved since the previous diagnosis,
    relative to their norm then (set by the ``Diagnostics`` callback)."""

    path: str
    name: str
    norm: float
    rms: float
    size: int
    weight_norm: float
    update_ratio: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values (NaN and infinities become None)."""
        return {"path": self.path, "name": self.name, "norm": _float(self.norm),
                "rms": _float(self.rms), "size": self.size,
                "weight_norm": _float(self.weight_norm),
                "update_ratio": _float(self.update_ratio)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LayerGradient:
        """Rebuild from ``to_dict`` output (None norms read back as NaN)."""
        return cls(d["path"], d["name"], _nan(d["norm"]), _nan(d["rms"]), int(d["size"]),
                   _nan(d["weight_norm"]), d.get("update_ratio"))


@dataclass
class GradientReport:
    """The loss on the batch and the gradient of each parametrised layer, input side first;
    ``vanishing``/``exploding`` are the verdict's thresholds on ``first_to_last``.

    Example:
        >>> from chainrule.diagnose import GradientReport, LayerGradient
        >>> layers = [LayerGradient("a", "a", 1e-4, 1e-5, 100, 1.0),
        ...           LayerGradient("b", "b", 1.0, 0.1, 100, 1.0)]
        >>> r = GradientReport(0.5, layers)
        >>> r.first_to_last, r.verdict
        (0.0001, 'vanishing')
    """

    loss: float
    layers: list[LayerGradient] = field(default_factory=list)
    vanishing: float = VANISHING
    exploding: float = EXPLODING

    @property
    def norms(self) -> list[float]:
        """The gradient norm of each layer."""
        return [layer.norm for layer in self.layers]

    @property
    def first_to_last(self) -> float | None:
        """First layer's gradient norm / last layer's (None when undefined)."""
        if not self.layers:
            return None
        return ratio(self.layers[0].norm, self.layers[-1].norm)

    @property
    def step_ratios(self) -> list[float | None]:
        """norm[i] / norm[i + 1] for consecutive layers: how much the gradient shrinks (< 1) or
        grows (> 1) on its way back through one layer."""
        n = self.norms
        return [ratio(a, b) for a, b in zip(n[:-1], n[1:], strict=True)]

    @property
    def verdict(self) -> str:
        """``"vanishing"``, ``"exploding"``, ``"healthy"``, ``"non-finite"`` or
        ``"undefined"`` (see the module docstring)."""
        if any(not math.isfinite(v) for v in self.norms):
            return "non-finite"
        r = self.first_to_last
        if r is None:
            return "undefined"
        if r < self.vanishing:
            return "vanishing"
        if r > self.exploding:
            return "exploding"
        return "healthy"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: loss, layers, ratios, verdict and thresholds."""
        return {"loss": _float(self.loss), "layers": [g.to_dict() for g in self.layers],
                "first_to_last": _float(self.first_to_last),
                "step_ratios": [_float(r) for r in self.step_ratios],
                "verdict": self.verdict, "vanishing": self.vanishing,
                "exploding": self.exploding}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> GradientReport:
        """Rebuild from ``to_dict`` output."""
        loss = math.nan if d.get("loss") is None else float(d["loss"])
        return cls(loss, [LayerGradient.from_dict(g) for g in d["layers"]],
                   float(d.get("vanishing", VANISHING)), float(d.get("exploding", EXPLODING)))


def _norm(arrays: list[Any]) -> float:
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.sqrt(sum(float(np.sum(np.square(np.asarray(primal(a),
                                                                     dtype=np.float64))))
                                 for a in arrays if a is not None)))


def _thresholds(vanishing: float, exploding: float) -> None:
    if not (0 < vanishing <= 1 <= exploding < math.inf):
        raise ValueError(f"gradient_norms: thresholds must satisfy 0 < vanishing <= 1 <= "
                         f"exploding < inf, got vanishing={vanishing!r}, "
                         f"exploding={exploding!r}")


def gradient_norms(model: Any, loss: Callable[[Any, Any], Any], X: Any, y: Any, *,
                   vanishing: float = VANISHING,
                   exploding: float = EXPLODING) -> GradientReport:
    """Gradient of ``loss(model(X), y)`` with respect to every parameter, in one reverse pass,
    summarized per parametrised layer (see the module docstring); the model is evaluated in
    inference mode (dropout off; see ``chainrule.diagnose.layers``).

    Example (a deep sigmoid network: the first layer gets a far smaller gradient):
        >>> import numpy as np
        >>> from chainrule import nn
        >>> from chainrule.diagnose import gradient_norms
        >>> from chainrule.train.mlp import build_mlp
        >>> net = build_mlp(8, [8] * 7, 1, activation="sigmoid", init="xavier_normal")
        >>> X, y = np.random.default_rng(0).normal(size=(32, 8)), np.ones((32, 1))
        >>> report = gradient_norms(net, nn.mean_squared_error, X, y)
        >>> report.verdict, report.layers[0].name
        ('vanishing', '0 Linear(8 -> 8)')
    """
    _thresholds(vanishing, exploding)
    if not callable(loss):
        raise TypeError(f"gradient_norms: loss must be a function loss(output, y), got "
                        f"{type(loss).__name__}")
    m = inference_copy(model)
    value, grads = value_and_grad(lambda net: loss(net(X), y))(m)
    grad_of = dict(grads.named_parameters())
    param_of = dict(m.named_parameters())
    layers = []
    for group in parameter_groups(m):
        g = [grad_of.get(name) for name in group.parameters]
        size = int(sum(np.size(param_of[name]) for name in group.parameters))
        norm = _norm(g)
        rms = norm / math.sqrt(max(size, 1))
        layers.append(LayerGradient(group.path, group.name, norm, rms, size,
                                    _norm([param_of[name] for name in group.parameters])))
    return GradientReport(float(value), layers, float(vanishing), float(exploding))
