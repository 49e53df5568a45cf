"""Int8 quantization of a trained network (seed 003, 3.7.3: fewer bits per connection).

* ``quantize(model, calibration=None, per_channel=True, layers=None)``: post-training. Each
  ``Linear`` becomes an ``nn.QuantizedLinear`` (int8 affine weights, float bias). With a
  calibration set (inputs of the network, e.g. a few hundred training rows) the float model
  is run on it once and each quantized layer records the min and max of its input, so
  inference also quantizes activations (uint8) and runs the integer product; without one the
  layer is weight-only (dequantized on the fly).
* Quantization-aware fine-tuning: ``prepare_qat(model)`` swaps each ``Linear`` for an
  ``nn.QATLinear`` (float weights trained through ``fake_quantize``, the clipped
  straight-through estimator); train it with ``chainrule.train.fit``; ``convert(qat_model,
  calibration)`` then gives the ``QuantizedLinear`` network, whose int8 weights are exactly
  the grid values the fine-tuned layer computed with.

Every function returns a new network and leaves its input unchanged. The choices (affine
zero points, min/max ranges, the exact integer product) are documented in
``chainrule.nn.quantized``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from chainrule import nn
from chainrule.nn.fakequant import fake_quantize
from chainrule.nn.quantized import QATLinear, QuantizedLinear

__all__ = ["convert", "fake_quantize", "prepare_qat", "quantize"]


def _chosen(where: str, model: Any, kind: type, layers: Sequence[int] | None) -> list[int]:
    """The indices of the ``kind`` layers of ``model`` to replace (all for ``layers=None``),
    after checking the model is a ``Sequential`` holding such layers."""
    if not isinstance(model, nn.Sequential):
        raise ValueError(f"{where}: expected an nn.Sequential of {kind.__name__} and activation "
                         f"layers, got {type(model).__name__}")
    found = [i for i, layer in enumerate(model.layers) if type(layer) is kind]
    if not found:
        raise ValueError(f"{where}: the model has no {kind.__name__} layer to quantize "
                         f"(its layers: {', '.join(type(m).__name__ for m in model.layers)})")
    if layers is None:
        return found
    for i in layers:
        if i not in found:
            what = (type(model.layers[i]).__name__
                    if isinstance(i, int) and 0 <= i < len(model.layers) else "no layer")
            raise ValueError(f"{where}: layer {i!r} is {what}, not a {kind.__name__}; "
                             f"choose among {found}")
    return sorted(set(layers))


def _finite_weights(where: str, model: nn.Sequential, indices: list[int]) -> None:
    for i in indices:
        layer = model.layers[i]
        for name in ("W", "b"):
            value = getattr(layer, name)
            if value is not None and not np.all(np.isfinite(value)):
                bad = int(np.size(value) - np.count_nonzero(np.isfinite(value)))
                raise ValueError(f"{where}: layer {i} ({layer!r}) has {bad} non-finite "
                                 f"entries (NaN or inf) in {name}; quantization needs finite "
                                 "weights: retrain or load an intact checkpoint")


def _input_ranges(where: str, model: nn.Sequential, calibration: Any,
                  indices: list[int]) -> dict[int, tuple[float, float]]:
    """(min, max) of the input of each layer in ``indices`` over ``calibration`` run through
    ``model`` in inference mode."""
    x = np.asarray(calibration)
    if x.ndim != 2 or x.shape[0] == 0 or x.dtype.kind not in "fiu":
        raise ValueError(f"{where}: calibration must be a non-empty 2-D array of numbers "
                         f"(rows of network inputs), got shape {x.shape} of {x.dtype}")
    if not np.all(np.isfinite(x)):
        rows = np.flatnonzero(~np.all(np.isfinite(x), axis=1))
        raise ValueError(f"{where}: calibration has NaN or inf in {rows.size} rows (first: "
                         f"row {int(rows[0])}); drop or repair those rows")
    width = model.layers[0].in_features if hasattr(model.layers[0], "in_features") else None
    if width is not None and x.shape[1] != width:
        raise ValueError(f"{where}: calibration has {x.shape[1]} features per row, but layer 0 "
                         f"({model.layers[0]!r}) takes {width}")
    ranges = {}
    float_model = model.clone().eval()
    x = x.astype(np.float64)
    for i, layer in enumerate(float_model.layers):
        if i in indices:
            ranges[i] = (float(x.min()), float(x.max()))
        x = layer(x)
    return ranges


def _replaced(model: nn.Sequential, new: dict[int, nn.Module]) -> nn.Sequential:
    """A new ``Sequential``: clones of ``model``'s layers, with ``new[i]`` at index i."""
    copy = model.clone()
    return nn.Sequential(*(new.get(i, layer) for i, layer in enumerate(copy.layers)))


def quantize(model: nn.Sequential, calibration: Any = None, per_channel: bool = True,
             layers: Sequence[int] | None = None) -> nn.Sequential:
    """Post-training int8 quantization: a new network with each chosen ``Linear`` (all for
    ``layers=None``, else those indices) replaced by an ``nn.QuantizedLinear`` with scales per
    output channel (``per_channel``) or per tensor. ``calibration`` (rows of inputs) adds
    activation quantization from the ranges the float model's layers saw on it.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> net = nn.Sequential(nn.Linear(4, 8, rng=0), nn.ReLU(), nn.Linear(8, 2, rng=1))
        >>> X = np.random.default_rng(0).normal(size=(50, 4))
        >>> q = quantize(net, calibration=X)
        >>> [type(m).__name__ for m in q], bool(np.abs(q(X) - net(X)).max() < 0.05)
        (['QuantizedLinear', 'ReLU', 'QuantizedLinear'], True)
    """
    indices = _chosen("quantize", model, nn.Linear, layers)
    _finite_weights("quantize", model, indices)
    ranges = ({} if calibration is None
              else _input_ranges("quantize", model, calibration, indices))
    return _replaced(model, {
        i: QuantizedLinear.from_weights(model.layers[i].W, model.layers[i].b, per_channel,
                                        ranges.get(i)) for i in indices})


def prepare_qat(model: nn.Sequential, per_channel: bool = True,
                layers: Sequence[int] | None = None) -> nn.Sequential:
    """A new network for quantization-aware fine-tuning: each chosen ``Linear`` replaced by an
    ``nn.QATLinear`` holding copies of its weights (train it with ``fit``, then ``convert``).

    Example:
        >>> from chainrule import nn
        >>> net = nn.Sequential(nn.Linear(4, 8, rng=0), nn.ReLU(), nn.Linear(8, 2, rng=1))
        >>> [type(m).__name__ for m in prepare_qat(net, layers=[2])]
        ['Linear', 'ReLU', 'QATLinear']
    """
    indices = _chosen("prepare_qat", model, nn.Linear, layers)
    _finite_weights("prepare_qat", model, indices)
    return _replaced(model, {
        i: QATLinear(model.layers[i].W, _bias(model.layers[i]), per_channel) for i in indices})


def _bias(layer: nn.Linear) -> np.ndarray:
    return layer.b if layer.b is not None else np.zeros(layer.out_features, layer.W.dtype)


def convert(qat_model: nn.Sequential, calibration: Any = None) -> nn.Sequential:
    """The int8 network of a fine-tuned ``prepare_qat`` network: each ``QATLinear`` becomes an
    ``nn.QuantizedLinear`` with the same grid (so weight-only, it computes what the QAT
    network computed, to rounding); ``calibration`` as in ``quantize``, run through
    ``qat_model``.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> net = nn.Sequential(nn.Linear(4, 8, rng=0), nn.ReLU(), nn.Linear(8, 2, rng=1))
        >>> qat = prepare_qat(net); X = np.ones((3, 4))
        >>> bool(np.allclose(convert(qat)(X), qat(X), rtol=0, atol=1e-12))
        True
    """
    indices = _chosen("convert", qat_model, QATLinear, None)
    _finite_weights("convert", qat_model, indices)
    ranges = ({} if calibration is None
              else _input_ranges("convert", qat_model, calibration, indices))
    return _replaced(qat_model, {
        i: QuantizedLinear.from_weights(qat_model.layers[i].W, qat_model.layers[i].b,
                                        qat_model.layers[i].per_channel, ranges.get(i))
        for i in indices})
