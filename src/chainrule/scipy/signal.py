"""``chainrule.scipy.signal``: differentiable ``scipy.signal.convolve`` and ``correlate``.

Both are windows of one primitive, the full n-d convolution (``ops/convolve.py``, where its
derivative rule lives); the values come from SciPy itself with the ``method`` asked for
('direct', 'fft' or 'auto'), and so do the convolutions inside the derivative rules.
"""

from __future__ import annotations

from typing import Any

try:
    from scipy import signal as _signal
except ImportError as e:  # pragma: no cover - exercised only without SciPy
    raise ImportError(
        "chainrule.scipy.signal needs SciPy: pip install chainrule[scipy]"
    ) from e

from chainrule.backend import any_foreign
from chainrule.ops.arithmetic import multiply
from chainrule.ops.convolve import METHODS, convolve_full, reversed_conj, scipy_window
from chainrule.ops.portable_c import operand
from chainrule.tracer import Tracer

__all__ = ["convolve", "correlate"]

_SCIPY_MODES = ("full", "same", "valid")


def _operands(in1, in2, mode, method, op: str):
    if mode not in _SCIPY_MODES:
        raise ValueError(f"{op}: acceptable mode flags are 'valid', 'same', or 'full' "
                         f"(got {mode!r})")
    if method not in METHODS:
        raise ValueError(f"{op}: acceptable method flags are 'auto', 'direct', or 'fft' "
                         f"(got {method!r})")
    in1, in2 = operand(in1), operand(in2)
    if in1.ndim != in2.ndim:
        raise ValueError(f"{op}: in1 and in2 should have the same dimensionality "
                         f"(shapes {in1.shape} and {in2.shape})")
    if 0 in in1.shape or 0 in in2.shape:
        raise ValueError(f"{op}: empty operands (shapes {in1.shape}, {in2.shape}) give an "
                         "empty result with nothing to differentiate; skip the call instead")
    return in1, in2


def convolve(in1: Any, in2: Any, mode: str = "full", method: str = "auto") -> Any:
    """``scipy.signal.convolve``: the n-d convolution of two arrays of equal rank.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> from chainrule.scipy import signal
        >>> f = lambda x: signal.convolve(x, np.ones((2, 2)), mode="valid").sum()
        >>> cr.grad(f)(np.ones((3, 3))).tolist()
        [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]
    """
    if not (isinstance(in1, Tracer) or isinstance(in2, Tracer) or any_foreign(in1, in2)):
        return _signal.convolve(in1, in2, mode=mode, method=method)
    in1, in2 = _operands(in1, in2, mode, method, "convolve")
    if in1.ndim == 0:
        return multiply(in1, in2)
    full = convolve_full(in1, in2, method=method)
    return scipy_window(full, in1.shape, in2.shape, mode, "convolve")


def correlate(in1: Any, in2: Any, mode: str = "full", method: str = "auto") -> Any:
    """``scipy.signal.correlate``:  ``z[k] = sum_l in1[l] conj(in2[l - k])``  (n-d), the
    convolution of ``in1`` with ``in2`` reversed along every axis and conjugated.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> from chainrule.scipy import signal
        >>> f = lambda v: signal.correlate(np.array([1.0, 2.0, 3.0]), v, mode="valid").sum()
        >>> cr.grad(f)(np.ones(2)).tolist()
        [3.0, 5.0]
    """
    if not (isinstance(in1, Tracer) or isinstance(in2, Tracer) or any_foreign(in1, in2)):
        return _signal.correlate(in1, in2, mode=mode, method=method)
    in1, in2 = _operands(in1, in2, mode, method, "correlate")
    if in1.ndim == 0:
        return multiply(in1, reversed_conj(in2))
    full = convolve_full(in1, reversed_conj(in2), method=method)
    return scipy_window(full, in1.shape, in2.shape, mode, "correlate")
