"""``diagnose``: gradient norms and activation statistics of a model on one batch, with a short
text report and warnings that name the seed's explanation and the usual remedies.

Warnings are given for vanishing or exploding gradients (``chainrule.diagnose.gradients``),
for an activation layer with at least ``DEAD_WARN`` (half) of its units dead, and for one with at
least ``SATURATED_WARN`` (half) of its units saturated (``chainrule.diagnose.activations``). A
few dead units are no alarm: seed 003, section 3.4.3.1, sees them as a kind of pruning; "if a
very large fraction of the neurons in the network are dead, that can be a problem".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from chainrule.diagnose.activations import SATURATION, SHARE, LayerActivation, activation_stats
from chainrule.diagnose.gradients import EXPLODING, VANISHING, GradientReport, gradient_norms
from chainrule.nn import Sequential

DEAD_WARN = 0.5
SATURATED_WARN = 0.5


@dataclass
class Diagnosis:
    """What ``diagnose`` found: ``gradients`` (a ``GradientReport``), ``activations`` (one
    ``LayerActivation`` per layer; empty for a model that is not a ``Sequential``), the number
    of ``samples`` in the batch and, when the ``Diagnostics`` callback made it, the ``epoch``."""

    gradients: GradientReport
    activations: list[LayerActivation] = field(default_factory=list)
    samples: int = 0
    epoch: int | None = None
    model_type: str = "Sequential"

    @property
    def verdict(self) -> str:
        """The gradient verdict: vanishing, exploding, healthy, non-finite or undefined."""
        return self.gradients.verdict

    def warnings(self) -> list[str]:
        """One line per problem found, each naming the seed section and a remedy."""
        return _gradient_warnings(self.gradients) + _activation_warnings(self.activations)

    def report(self) -> str:
        """The text report: a header, a table of layers, the gradient verdict, the warnings.

        Example:
            >>> import numpy as np
            >>> from chainrule import nn
            >>> from chainrule.diagnose import diagnose
            >>> net = nn.Sequential(nn.Linear(2, 4, rng=0), nn.ReLU(), nn.Linear(4, 1, rng=1))
            >>> d = diagnose(net, nn.mean_squared_error, np.ones((3, 2)), np.ones((3, 1)))
            >>> d.report().splitlines()[1].split()[:4]
            ['layer', 'grad', 'norm', '/']
        """
        return format_report(self)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (``json.dumps`` works on it; NaN and infinities are None)."""
        return {"epoch": self.epoch, "samples": self.samples, "model_type": self.model_type,
                "verdict": self.verdict, "gradients": self.gradients.to_dict(),
                "activations": [a.to_dict() for a in self.activations],
                "warnings": self.warnings()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Diagnosis:
        """Rebuild from ``to_dict`` output (e.g. a record of ``Diagnostics.history``)."""
        return cls(GradientReport.from_dict(d["gradients"]),
                   [LayerActivation.from_dict(a) for a in d.get("activations", [])],
                   int(d.get("samples", 0)), d.get("epoch"), d.get("model_type", "Sequential"))


def diagnose(model: Any, loss: Callable[[Any, Any], Any], X: Any, y: Any, *,
             vanishing: float = VANISHING, exploding: float = EXPLODING,
             saturation: float = SATURATION, share: float = SHARE) -> Diagnosis:
    """Gradient norms per layer (one reverse pass) and, for an ``nn.Sequential``, activation
    statistics per layer (one forward pass) of ``model`` on the batch ``(X, y)``.

    Example (a sigmoid layer fed huge pre-activations is saturated):
        >>> import numpy as np
        >>> from chainrule import nn
        >>> from chainrule.diagnose import diagnose
        >>> net = nn.Sequential(nn.Linear(2, 3, rng=0), nn.Sigmoid(), nn.Linear(3, 1, rng=1))
        >>> net.layers[0].W[...] = 1000.0
        >>> X = np.random.default_rng(0).uniform(1.0, 2.0, size=(50, 2))
        >>> d = diagnose(net, nn.mean_squared_error, X, np.zeros((50, 1)))
        >>> d.activations[1].saturated, "saturated" in d.warnings()[-1]
        (1.0, True)
    """
    grads = gradient_norms(model, loss, X, y, vanishing=vanishing, exploding=exploding)
    acts = []
    if isinstance(model, Sequential):
        acts = activation_stats(model, X, saturation=saturation, share=share)
    return Diagnosis(grads, acts, int(np.shape(X)[0]), None, type(model).__name__)


def _gradient_warnings(g: GradientReport) -> list[str]:
    verdict, r = g.verdict, g.first_to_last
    if verdict == "non-finite":
        return ["some gradients are NaN or infinite: training has diverged (seed 003, section "
                "3.4, exploding gradients); lower the learning rate or clip the gradients "
                "(optim.clip_global_norm)"]
    if verdict == "undefined":
        return [f"the gradient of the last layer ({g.layers[-1].name}) is exactly zero, so the "
                "ratio across depth is undefined"] if g.layers else []
    if verdict not in ("vanishing", "exploding") or r is None:
        return []
    first, last = g.layers[0].name, g.layers[-1].name
    if verdict == "vanishing":
        times = math.inf if r == 0 else 1 / r
        return [f"layer {first} gradient {times:.1e} times smaller than layer {last}: vanishing "
                "gradients (seed 003, section 3.4); try ReLU, batch normalization or a careful "
                "initialization (Xavier/He, section 3.3.3)"]
    return [f"layer {first} gradient {r:.1e} times larger than layer {last}: exploding "
            "gradients (seed 003, section 3.4); lower the learning rate, clip the gradients "
            "(optim.clip_global_norm) or start from smaller weights"]


def _activation_warnings(acts: list[LayerActivation]) -> list[str]:
    out = []
    for a in acts:
        if a.dead is not None and a.dead >= DEAD_WARN:
            state = "dead" if a.kind == "relu" else "stuck on the negative slope"
            out.append(f"layer {a.name}: {len(a.dead_units)} of {a.units} units "
                       f"({100 * a.dead:.1f} %) {state} on the whole batch (seed 003, section "
                       "3.4.3); use a smaller learning rate or a leaky ReLU")
        if a.saturated is not None and a.saturated >= SATURATED_WARN:
            out.append(f"layer {a.name}: {len(a.saturated_units)} of {a.units} units "
                       f"({100 * a.saturated:.1f} %) saturated (derivative below "
                       f"{100 * SATURATION:g} % of its maximum on {100 * SHARE:g} % of the "
                       "samples; seed 003, section 3.4.2); standardize the inputs, start from "
                       "smaller weights or use ReLU")
    return out


def _num(value: float | None, spec: str) -> str:
    if value is None or not math.isfinite(value):
        return "-" if value is None else str(value)
    return format(value, spec)


def _pct(value: float | None) -> str:
    return _num(None if value is None else 100 * value, ".1f")


def _row(r: list[str], width: int) -> str:
    return (f"{r[0]:<{width}}  {r[1]:>9}  {r[2]:>7}  {r[3]:>7}  {r[4]:>6}  {r[5]:>6}  "
            f"{r[6]:>8}  {r[7]:>8}")


def format_report(d: Diagnosis) -> str:
    """The text of ``Diagnosis.report`` (see there)."""
    g = d.gradients
    where = f" at epoch {d.epoch}" if d.epoch is not None else ""
    loss = _num(g.loss if math.isfinite(g.loss) else None, ".4g")
    lines = [f"diagnostics{where}: batch of {d.samples} samples, loss {loss}"]
    by_path = {layer.path: layer for layer in g.layers}
    last = g.layers[-1].norm if g.layers else None
    rows = []
    names = [(a.path, a.name) for a in d.activations]
    names += [(x.path, x.name) for x in g.layers if x.path not in {p for p, _ in names}]
    acts = {a.path: a for a in d.activations}
    for path, name in names:
        gl, al = by_path.get(path), acts.get(path)
        rows.append([
            name, _num(gl.norm if gl else None, ".2e"),
            _num(None if gl is None or last is None else (gl.norm / last if last else None),
                 ".1e"),
            _num(gl.update_ratio if gl else None, ".1e"),
            _pct(al.dead if al else None), _pct(al.saturated if al else None),
            _num(al.mean if al else None, ".3g"), _num(al.std if al else None, ".3g")])
    head = ["layer", "grad norm", "/ last", "update", "dead %", "sat. %", "mean", "std"]
    width = max([len(head[0])] + [len(r[0]) for r in rows])
    lines += [_row(head, width)] + [_row(r, width) for r in rows]
    r = g.first_to_last
    lines.append(f"gradients: {d.verdict} (first/last layer norm ratio {_num(r, '.1e')}; "
                 f"vanishing below {g.vanishing:g}, exploding above {g.exploding:g})")
    if not d.activations and d.model_type != "Sequential":
        lines.append(f"activations: not measured for a {d.model_type} (hidden activations are "
                     "read from the layers of an nn.Sequential)")
    lines += [f"warning: {w}" for w in d.warnings()]
    return "\n".join(lines)
