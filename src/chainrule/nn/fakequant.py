"""Affine quantization arithmetic (seed 003, 3.7.3: fewer bits per connection) and
``fake_quantize``, the rounding a quantization-aware network trains through.

Affine quantization maps a real range [lo, hi] onto the integers [qmin, qmax] by a *scale*
(real step per integer) and an integer *zero point* (the integer that stands for 0.0):
``q = clip(round(x / scale) + zero, qmin, qmax)`` and back ``x' = (q - zero) * scale``. The
range is widened to hold 0, so 0.0 (ReLU outputs, zero padding) is exact, and then every x in
[lo, hi] comes back within scale / 2. Rounding is NumPy's, half to even.

``fake_quantize(x, scale, zero, qmin=-128, qmax=127)`` is that round trip as a primitive with
its own derivative rules: the *clipped straight-through estimator*. The round trip is piecewise
constant, so its true derivative is 0 between grid points (and undefined on them); the STE
deliberately passes the incoming gradient unchanged where ``round(x / scale) + zero`` lies in
[qmin, qmax] and gives 0 where the value was clipped (PyTorch's rule too). It is the exact
derivative of the surrogate ``clip(x, (qmin - zero - 1/2) * scale, (qmax - zero + 1/2) *
scale)``, the inputs that round onto the grid. ``scale`` and ``zero`` get no gradient (they
are constants of the rounding).

Example:
    >>> import numpy as np
    >>> import chainrule as cr
    >>> x = np.array([0.26, 0.74, 2.0])
    >>> fake_quantize(x, 0.5, 0, qmin=-2, qmax=2).tolist()
    [0.5, 0.5, 1.0]
    >>> cr.grad(lambda x: np.sum(fake_quantize(x, 0.5, 0, qmin=-2, qmax=2)))(x).tolist()
    [1.0, 1.0, 0.0]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule import numpy as cnp
from chainrule.primitive import primitive

INT8 = (-128, 127)
UINT8 = (0, 255)


def affine_params(lo: Any, hi: Any, qmin: int, qmax: int) -> tuple[Any, Any]:
    """The ``(scale, zero)`` mapping [min(lo, 0), max(hi, 0)] onto [qmin, qmax]; elementwise,
    so per-channel ranges give per-channel scales. The zero point is a float holding an
    integer in [qmin, qmax]; an empty range (all zeros) gets scale 1.

    Example:
        >>> scale, zero = affine_params(np.array([-1.0, 0.0]), np.array([1.0, 2.55]), 0, 255)
        >>> scale.round(6).tolist(), zero.tolist()
        ([0.007843, 0.01], [128.0, 0.0])
    """
    lo, hi = cnp.minimum(lo, 0.0), cnp.maximum(hi, 0.0)
    span = hi - lo
    scale = cnp.where(span > 0, span / (qmax - qmin), 1.0)
    zero = cnp.clip(cnp.round(qmin - lo / scale), qmin, qmax)
    return scale, zero


def quantize_affine(x: np.ndarray, scale: Any, zero: Any, qmin: int, qmax: int,
                    dtype: Any) -> np.ndarray:
    """``clip(round(x / scale) + zero, qmin, qmax)`` as an integer array of ``dtype``.

    Example:
        >>> quantize_affine(np.array([-1.0, 0.0, 0.3, 9.0]), 0.1, 10, 0, 255, np.uint8).tolist()
        [0, 10, 13, 100]
    """
    return np.clip(np.round(x / scale) + zero, qmin, qmax).astype(dtype)


def _inside(x: Any, scale: Any, zero: Any, qmin: int, qmax: int) -> Any:
    """Where ``x`` was not clipped: the straight-through estimator's mask."""
    q = cnp.round(x / scale) + zero
    return (q >= qmin) & (q <= qmax)


@primitive
def fake_quantize(x: np.ndarray, scale: Any, zero: Any, qmin: int = INT8[0],
                  qmax: int = INT8[1]) -> np.ndarray:
    """``x`` rounded to the affine grid of ``scale`` and ``zero`` on [qmin, qmax] (see the
    module docstring; a primitive whose derivative is the clipped straight-through estimator)."""
    return (np.clip(np.round(x / scale) + zero, qmin, qmax) - zero) * scale


fake_quantize.save_ans = False
fake_quantize.defvjp(
    lambda g, ans, x, scale, zero, qmin=INT8[0], qmax=INT8[1]:
        cnp.where(_inside(x, scale, zero, qmin, qmax), g, 0.0),
    None, None)
fake_quantize.defjvp(
    lambda t, ans, x, scale, zero, qmin=INT8[0], qmax=INT8[1]:
        cnp.where(_inside(x, scale, zero, qmin, qmax), t, 0.0),
    None, None)
