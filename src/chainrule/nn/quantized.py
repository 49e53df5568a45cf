"""Int8 layers (seed 003, 3.7.3: fewer bits per connection): ``QuantizedLinear`` for inference
on quantized weights and ``QATLinear`` for quantization-aware fine-tuning.

Choices (``chainrule.nn.fakequant`` has the arithmetic):

* Weights are int8 on [-128, 127], affine: a float64 scale and an int8 zero point, per output
  channel (one per column of W, shapes (out,)) or per tensor (shapes ()), from the weights'
  min and max (widened to hold 0). Each weight comes back within scale / 2.
* The bias stays float64 (not int32 at the accumulator's scale): it is added after rescaling.
* Activations (with a calibration set): the layer's input is uint8 on [0, 255], affine per
  tensor, from the min and max the calibration inputs reached (no percentile clipping: inputs
  beyond the range saturate at 0 or 255).
* Inference with activations quantizes the input, multiplies the centered integers
  ``(x_q - x_zero) @ (W_q - w_zero)`` exactly, and rescales the accumulator by
  ``x_scale * w_scale``. The accumulator holds integers of at most in * 255 * 255 (an int32
  up to 33 025 inputs); NumPy's integer matmul has no BLAS (measured 4x slower than float64 at
  1797 x 64 x 128, 400x at 256 x 1024 x 1024), so the centered integers are held in float64
  and multiplied by BLAS, where every partial sum is an integer below 2**53 and hence exact:
  the same numbers as an int32 or int64 matmul, at BLAS speed. Without calibration
  (weight-only) the layer multiplies by the weights dequantized on the fly.

Every array of a ``QuantizedLinear`` is a buffer (the bias too): the layer has no trainable
parameters. A weight-only layer is differentiable in its input (float layers before it can
still be trained); the integer product is a primitive without a derivative (it compiles in
``cr.jit``, so ``fit`` still trains float layers after it). Fine-tune with ``QATLinear``
(float W and b, trained through fake-quantized weights) and convert afterwards
(``chainrule.compress.quantize``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule import numpy as cnp
from chainrule.nn.fakequant import INT8, UINT8, affine_params, fake_quantize, quantize_affine
from chainrule.nn.module import Module
from chainrule.nn.shapes import check_features
from chainrule.nn.specs import register_layer
from chainrule.primitive import NoDerivativeError, primitive
from chainrule.transforms import stop_gradient


@primitive
def uint8_accumulate(x: np.ndarray, W_q: np.ndarray, w_zero: np.ndarray, x_scale: Any,
                     x_zero: Any) -> np.ndarray:
    """``(x_q - x_zero) @ (W_q - w_zero)`` with ``x_q`` the uint8 quantization of ``x``,
    exactly, as float64 integers (BLAS runs it: every partial sum is an integer of magnitude
    at most in * 255**2, far below 2**53)."""
    x_c = np.divide(x, x_scale, dtype=np.float64)  # x_q - x_zero, the integers themselves
    np.round(x_c, out=x_c)
    np.clip(x_c, -float(x_zero), UINT8[1] - float(x_zero), out=x_c)
    return np.matmul(x_c, np.subtract(W_q, w_zero, dtype=np.float64))


def _no_derivative(*args: Any, **params: Any) -> None:
    raise NoDerivativeError(
        "uint8_accumulate: a QuantizedLinear with uint8 inputs rounds its input, so it has no "
        "derivative; fine-tune before converting (chainrule.compress.quantize.prepare_qat), "
        "quantize without a calibration set (weight-only layers are differentiable in their "
        "input), or wrap the input in cr.stop_gradient")


uint8_accumulate.defvjp(_no_derivative, None, None, None, None)
uint8_accumulate.defjvp(_no_derivative, None, None, None, None)


def _weight_params(W: np.ndarray, per_channel: bool) -> tuple[np.ndarray, np.ndarray]:
    """Int8 affine ``(scale, zero)`` of ``W`` per output column (or per tensor)."""
    axis = 0 if per_channel else None
    return affine_params(np.min(W, axis=axis), np.max(W, axis=axis), *INT8)


@register_layer("int8")
class QuantizedLinear(Module):
    """``y = x @ W + b`` with W stored as int8 (buffers ``W_q`` (in, out), ``w_scale`` and
    ``w_zero`` of shape (out,) per channel or () per tensor, float ``b``) and, when
    ``activations``, the input's uint8 ``x_scale`` and ``x_zero`` (shape ()): inference runs
    the integer product (see the module docstring). Build one with ``from_weights``.

    Example:
        >>> import numpy as np
        >>> W = np.array([[0.5, -1.0], [0.25, 2.0]])
        >>> layer = QuantizedLinear.from_weights(W, np.zeros(2), x_range=(0.0, 1.0))
        >>> layer.W_q.dtype, layer.w_scale.shape, layer.nbytes()
        (dtype('int8'), (2,), 47)
        >>> bool(np.abs(layer(np.array([[1.0, 1.0]])) - [[0.75, 1.0]]).max() < 0.01)
        True
    """

    def __init__(self, in_features: int, out_features: int, per_channel: bool = True,
                 activations: bool = False) -> None:
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.per_channel, self.activations = bool(per_channel), bool(activations)
        shape = (self.out_features,) if self.per_channel else ()
        self.register_buffer("W_q", np.zeros((self.in_features, self.out_features), np.int8))
        self.register_buffer("w_scale", np.ones(shape))
        self.register_buffer("w_zero", np.zeros(shape, np.int8))
        self.register_buffer("b", np.zeros(self.out_features))
        if self.activations:
            self.register_buffer("x_scale", np.ones(()))
            self.register_buffer("x_zero", np.zeros((), np.uint8))

    @classmethod
    def from_weights(cls, W: np.ndarray, b: np.ndarray | None, per_channel: bool = True,
                     x_range: tuple[float, float] | None = None) -> QuantizedLinear:
        """The layer quantizing float ``W`` (in, out) and keeping ``b`` (None: zeros);
        ``x_range`` = (min, max) of the calibration inputs turns on activation quantization."""
        W = np.asarray(W, dtype=np.float64)
        layer = cls(W.shape[0], W.shape[1], per_channel, activations=x_range is not None)
        scale, zero = _weight_params(W, per_channel)
        layer.W_q = quantize_affine(W, scale, zero, *INT8, np.int8)
        layer.w_scale, layer.w_zero = scale, zero
        if b is not None:
            layer.b = b
        if x_range is not None:
            layer.x_scale, layer.x_zero = affine_params(float(x_range[0]), float(x_range[1]),
                                                        *UINT8)
        return layer

    def spec(self) -> dict[str, Any]:
        """Kind, sizes, per-channel scales and whether activations are quantized."""
        return {"kind": self.kind, "in_features": self.in_features,
                "out_features": self.out_features, "per_channel": self.per_channel,
                "activations": self.activations}

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> QuantizedLinear:
        """A layer of ``spec``'s shapes; its arrays come from a checkpoint."""
        return cls(spec["in_features"], spec["out_features"], spec["per_channel"],
                   spec["activations"])

    def dequantized_weight(self) -> np.ndarray:
        """The float64 weights the int8 ones stand for, ``(W_q - w_zero) * w_scale``."""
        w = np.subtract(self.W_q, self.w_zero, dtype=np.float64)
        w *= self.w_scale
        return w

    def forward(self, x: Any) -> Any:
        check_features(self, x, self.in_features)
        if not self.activations:
            return cnp.matmul(x, self.dequantized_weight()) + self.b
        return self.accumulate(x) * (self.x_scale * self.w_scale) + self.b

    def accumulate(self, x: Any) -> Any:
        """The integer accumulator ``(x_q - x_zero) @ (W_q - w_zero)`` of input ``x``
        quantized to uint8 (the primitive ``uint8_accumulate``: compiles in ``cr.jit``, has
        no derivative)."""
        return uint8_accumulate(x, self.W_q, self.w_zero, self.x_scale, self.x_zero)

    def num_stored(self) -> int:
        """How many numbers the layer stores (int8 weights, scales, zero points, bias)."""
        return int(sum(v.size for _, v in self.named_buffers()))

    def nbytes(self) -> int:
        """Bytes of the layer's arrays as stored."""
        return int(sum(v.nbytes for _, v in self.named_buffers()))

    def __repr__(self) -> str:
        mode = "per channel" if self.per_channel else "per tensor"
        acts = ", uint8 inputs" if self.activations else ""
        return f"QuantizedLinear({self.in_features} -> {self.out_features}, int8 {mode}{acts})"


def _float_copy(a: Any) -> np.ndarray:
    """A copy of ``a`` keeping a float dtype (float64 for other numbers)."""
    a = np.array(a)
    return a if a.dtype.kind == "f" else a.astype(np.float64)


@register_layer("int8_qat")
class QATLinear(Module):
    """``y = x @ fake_quantize(W) + b`` with trainable float ``W`` (in, out) and ``b``: the
    int8 affine scales and zero points (per output channel, or per tensor) are recomputed
    from the current W at every call and held constant (``stop_gradient``), and the rounding
    passes gradients by the clipped straight-through estimator (``nn.fakequant``). Train it
    with ``fit``; ``chainrule.compress.quantize.convert`` makes it a ``QuantizedLinear`` whose
    weights are exactly the ones this layer computes with.

    Example:
        >>> import numpy as np
        >>> layer = QATLinear(np.array([[0.5, -1.0], [0.25, 2.0]]), np.zeros(2))
        >>> layer(np.ones((1, 2))).round(2).tolist(), layer.num_parameters()
        ([[0.75, 1.0]], 6)
    """

    def __init__(self, W: np.ndarray, b: np.ndarray, per_channel: bool = True) -> None:
        self.W, self.b = _float_copy(W), _float_copy(b)
        self.in_features, self.out_features = self.W.shape
        self.per_channel = bool(per_channel)

    def quantization(self) -> tuple[Any, Any]:
        """The int8 ``(scale, zero)`` of the current weights (constants: no gradient)."""
        w = stop_gradient(self.W)
        axis = 0 if self.per_channel else None
        return affine_params(cnp.min(w, axis=axis), cnp.max(w, axis=axis), *INT8)

    def forward(self, x: Any) -> Any:
        check_features(self, x, self.in_features)
        scale, zero = self.quantization()
        return cnp.matmul(x, fake_quantize(self.W, scale, zero, qmin=INT8[0],
                                           qmax=INT8[1])) + self.b

    def spec(self) -> dict[str, Any]:
        """Kind, sizes and per-channel scales."""
        return {"kind": self.kind, "in_features": int(self.in_features),
                "out_features": int(self.out_features), "per_channel": self.per_channel}

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> QATLinear:
        """A layer of ``spec``'s shapes; its weights come from a checkpoint."""
        return cls(np.zeros((spec["in_features"], spec["out_features"])),
                   np.zeros(spec["out_features"]), spec["per_channel"])

    def num_stored(self) -> int:
        """Numbers stored (float W and b, as a ``Linear``)."""
        return int(self.W.size + self.b.size)

    def nbytes(self) -> int:
        """Bytes of W and b."""
        return int(self.W.nbytes + self.b.nbytes)

    def __repr__(self) -> str:
        mode = "per channel" if self.per_channel else "per tensor"
        return f"QATLinear({self.in_features} -> {self.out_features}, int8 {mode})"
