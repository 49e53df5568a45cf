"""Convolution and correlation: ``numpy.convolve``, ``numpy.correlate`` and the n-d
``chainrule.scipy.signal`` pair, all carried by one primitive, the *full* n-d convolution.

Every mode is a window of the full result, and a correlation is a convolution with the second
operand reversed (and conjugated). The rule is written once: for  c = a * v  (full, per axis
lengths N + M - 1) the map a -> c is linear with matrix  T[i, j] = v[i - j]; its transpose sends a
cotangent g to  a_bar[j] = sum_i g[i] v[i - j],  the 'valid' window of  g * flip(v)  starting at
M - 1 (and symmetrically v_bar is the window of  g * flip(a)  starting at N - 1). Forward mode is
bilinearity:  dc = da * v + a * dv. Both rules call the primitive itself, so every order works.
Under chainrule's complex convention (a linear map's VJP is the plain transpose, no conjugate)
the same formulas hold for complex operands.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.backend import any_foreign, namespace
from chainrule.ops.complex import conj as _conj
from chainrule.ops.portable_c import complex_dtype, operand
from chainrule.ops.shape import flip
from chainrule.primitive import Primitive
from chainrule.tracer import Tracer

__all__ = ["convolve", "correlate"]

METHODS = ("direct", "fft", "auto")


def _full_impl(a, v, method):
    """The full convolution. ``method=None``: ``numpy.convolve`` (1-D; NumPy-only, no Array
    API equivalent); otherwise ``scipy.signal.convolve`` with that method (n-d)."""
    if method is None:
        return np.convolve(a, v, "full")
    from scipy import signal

    return signal.convolve(a, v, mode="full", method=method)


def _full_xp(a, v, method):
    """The full convolution of another library's arrays, through its FFT extension (the Array
    API standard has no convolution): the product of the transforms zero-padded to the full
    shape, so every ``method`` gives the same values to rounding."""
    xp = namespace(a, v)
    axes = tuple(range(a.ndim))
    shape = tuple(n + m - 1 for n, m in zip(a.shape, v.shape, strict=True))
    if not (xp.isdtype(a.dtype, "complex floating") or xp.isdtype(v.dtype, "complex floating")):
        spectrum = xp.fft.rfftn(a, s=shape, axes=axes) * xp.fft.rfftn(v, s=shape, axes=axes)
        return xp.fft.irfftn(spectrum, s=shape, axes=axes)
    dtype = complex_dtype(xp, xp.result_type(a, v))
    a, v = xp.astype(a, dtype), xp.astype(v, dtype)
    return xp.fft.ifftn(xp.fft.fftn(a, s=shape, axes=axes) * xp.fft.fftn(v, s=shape, axes=axes),
                        s=shape, axes=axes)


def _window(x, starts, lengths):
    """``x[s0:s0 + l0, s1:s1 + l1, ...]`` (traced or plain)."""
    return x[tuple(slice(s, s + n) for s, n in zip(starts, lengths, strict=True))]


def _transpose_rule(g, other, n_self, method):
    """Cotangent of one operand of a full convolution whose other operand is ``other``."""
    starts = [m - 1 for m in other.shape]
    return _window(_convolve(g, flip(other), method=method), starts, n_self)


_convolve = Primitive("convolve", _full_impl, save_ans=False, register=True, xp_impl=_full_xp)
_convolve.defvjp(
    lambda g, ans, a, v, method: _transpose_rule(g, v, a.shape, method),
    lambda g, ans, a, v, method: _transpose_rule(g, a, v.shape, method),
)
_convolve.defjvp(
    lambda t, ans, a, v, method: _convolve(t, v, method=method),
    lambda t, ans, a, v, method: _convolve(a, t, method=method),
)


def convolve_full(a: Any, v: Any, method: str | None = None) -> Any:
    """The full n-d convolution of two arrays of equal rank (``method=None``: 1-D, NumPy)."""
    return _convolve(a, v, method=method)


def reversed_conj(v):
    """``flip(conj(v))`` over every axis: correlating with ``v`` is convolving with this."""
    return flip(_conj(v))


# --- numpy.convolve / numpy.correlate ------------------------------------------------------
_MODES = {"valid": "valid", "same": "same", "full": "full", 0: "valid", 1: "same", 2: "full"}


def _numpy_mode(mode: Any, op: str) -> str:
    """NumPy 2's mode spellings: the three names, or 0, 1, 2."""
    try:
        return _MODES[mode]
    except (KeyError, TypeError):
        raise ValueError(f"{op}: use one of 'valid', 'same', or 'full' for the mode "
                         f"(or 0, 1, 2), got {mode!r}") from None


def _vectors(a, v, op: str):
    a, v = operand(a), operand(v)
    if a.ndim == 0:
        a = a.reshape((1,))
    if v.ndim == 0:
        v = v.reshape((1,))
    if a.ndim > 1 or v.ndim > 1:
        raise ValueError(f"{op}: both operands must be 1-D (got shapes {a.shape} and "
                         f"{v.shape}); use chainrule.scipy.signal.{op} for n-d arrays")
    if a.shape[0] == 0 or v.shape[0] == 0:
        raise ValueError(f"{op}: the operands must not be empty (shapes {a.shape}, {v.shape})")
    return a, v


def _numpy_window(full, n: int, m: int, mode: str, correlate: bool):
    """NumPy's window of the full result (found against ``numpy`` for all lengths 1..6)."""
    if mode == "full":
        return full
    if mode == "valid":
        return _window(full, [min(n, m) - 1], [abs(n - m) + 1])
    # 'same': length max(n, m), centred; numpy.correlate with a longer v reverses a swapped
    # correlation, which moves the centre of an even-length window by one.
    start = n // 2 if (correlate and m > n) else (min(n, m) - 1) // 2
    return _window(full, [start], [max(n, m)])


def convolve(a: Any, v: Any, mode: Any = "full") -> Any:
    """``numpy.convolve``: the discrete linear convolution of two 1-D sequences.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda a: np.convolve(a, [1.0, 2.0]).sum())(np.array([1.0, 1.0])).tolist()
        [3.0, 3.0]
    """
    mode = _numpy_mode(mode, "convolve")
    if not (isinstance(a, Tracer) or isinstance(v, Tracer) or any_foreign(a, v)):
        return np.convolve(a, v, mode)
    a, v = _vectors(a, v, "convolve")
    full = _convolve(a, v, method=None)
    return _numpy_window(full, a.shape[0], v.shape[0], mode, correlate=False)


def correlate(a: Any, v: Any, mode: Any = "valid") -> Any:
    """``numpy.correlate``:  ``c[k] = sum_n a[n + k] conj(v[n])``  over 1-D sequences.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda v: np.correlate([1.0, 2.0, 3.0], v).sum())(np.ones(2)).tolist()
        [3.0, 5.0]
    """
    mode = _numpy_mode(mode, "correlate")
    if not (isinstance(a, Tracer) or isinstance(v, Tracer) or any_foreign(a, v)):
        return np.correlate(a, v, mode)
    a, v = _vectors(a, v, "correlate")
    full = _convolve(a, reversed_conj(v), method=None)
    return _numpy_window(full, a.shape[0], v.shape[0], mode, correlate=True)


# --- scipy.signal's windows (n-d) ----------------------------------------------------------
def scipy_window(full, s1: tuple[int, ...], s2: tuple[int, ...], mode: str, op: str):
    """``scipy.signal``'s window of the full n-d result: 'same' is centred with ``in1``'s
    shape, 'valid' keeps the entries computed without zero padding."""
    if mode == "full":
        return full
    if mode == "same":
        return _window(full, [(m - 1) // 2 for m in s2], s1)
    if not (all(n >= m for n, m in zip(s1, s2, strict=True))
            or all(m >= n for n, m in zip(s1, s2, strict=True))):
        raise ValueError(f"{op}: for 'valid' mode, one must be at least as large as the other "
                         f"in every dimension (shapes {s1} and {s2})")
    starts = [min(n, m) - 1 for n, m in zip(s1, s2, strict=True)]
    return _window(full, starts, [abs(n - m) + 1 for n, m in zip(s1, s2, strict=True)])

