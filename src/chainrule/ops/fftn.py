"""The n-d ``numpy.fft`` transforms and the frequency shifts, composed from ``ops/fft.py``.

``fftn`` / ``ifftn`` (and ``fft2`` / ``ifft2``, which only change the default axes) pad or crop
each axis to ``s`` and then make ONE call of the n-d ``fftn`` primitive. ``rfftn`` is ``rfft``
over the last axis followed by the complex transform over the others, ``irfftn`` the complex
inverse over all axes but the last followed by ``irfft``: NumPy's own definitions, so values
and derivatives follow from the primitives' rules. ``fftshift`` / ``ifftshift`` are rolls.
``s`` and ``axes`` are read as NumPy 2 reads them (``_cook_nd_args``: ``s[i] == -1`` keeps the
length; ``s`` without ``axes`` means the last ``len(s)`` axes, deprecated by NumPy 2.0).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from chainrule.ops import fft as _fft1
from chainrule.ops.fft import (
    _fftn,
    axis_index,
    check_norm,
    length,
    no_out,
    resize,
    routed,
)
from chainrule.ops.padding import roll
from chainrule.ops.portable_c import operand

__all__ = [
    "fft2", "ifft2", "fftn", "ifftn", "rfft2", "irfft2", "rfftn", "irfftn", "fftshift",
    "ifftshift",
]


def _cook(a, s, axes, op: str, invreal: bool = False) -> tuple[list, list[int]]:
    """NumPy's reading of ``s`` and ``axes`` (axes normalised to non-negative)."""
    shapeless = s is None
    if axes is not None:
        axes = [axis_index(ax, a.ndim, op) for ax in axes]
    if s is None:
        s = list(a.shape) if axes is None else [a.shape[ax] for ax in axes]
    s = list(s)
    if axes is None:
        if not shapeless:
            warnings.warn(f"numpy.fft.{op}: `axes` should not be `None` if `s` is not `None` "
                          "(deprecated in NumPy 2.0); pass the axes explicitly.",
                          DeprecationWarning, stacklevel=3)
        axes = [axis_index(ax, a.ndim, op) for ax in range(-len(s), 0)]
    if len(s) != len(axes):
        raise ValueError(f"{op}: shape and axes have different lengths ({s} and {axes}).")
    if invreal and shapeless and axes:
        s[-1] = (a.shape[axes[-1]] - 1) * 2
    s = [a.shape[ax] if n == -1 else n for n, ax in zip(s, axes, strict=True)]
    return s, axes


def _complex_nd(a, s: Sequence, axes: Sequence[int], norm, inverse: bool, reverse: bool):
    """Pad/crop each axis to ``s`` and transform over all ``axes`` at once; axes named twice
    are transformed one after another in NumPy's order (``reverse``: last axis first)."""
    if not axes:
        return a
    if len(set(axes)) == len(axes):
        for n, ax in zip(s, axes, strict=True):
            a = resize(a, ax, a.shape[ax] if n is None else length(n, "fftn"))
        return _fftn(a, axes=tuple(axes), norm=norm, inverse=inverse)
    one = _fft1.ifft if inverse else _fft1.fft
    order = range(len(axes) - 1, -1, -1) if reverse else range(len(axes))
    for i in order:
        a = one(a, s[i], axes[i], norm)
    return a


def _complex(a, s, axes, norm, out, op: str, inverse: bool):
    check_norm(norm, op)
    no_out(out, op)
    a = operand(a)
    s, axes = _cook(a, s, axes, op)
    return _complex_nd(a, s, axes, norm, inverse, reverse=True)


def fftn(a: Any, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
         norm: str | None = None, out: Any = None) -> Any:
    """``numpy.fft.fftn``: the n-d discrete Fourier transform (all axes by default).

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda x: np.fft.fftn(x)[0, 0].real)(np.zeros((2, 2))).tolist()
        [[1.0, 1.0], [1.0, 1.0]]
    """
    if not routed(a):
        return np.fft.fftn(a, s, axes, norm, out)
    return _complex(a, s, axes, norm, out, "fftn", inverse=False)


def ifftn(a: Any, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
          norm: str | None = None, out: Any = None) -> Any:
    """``numpy.fft.ifftn``: the n-d inverse discrete Fourier transform.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda x: np.fft.ifftn(x)[0, 0].real)(np.zeros((2, 2))).tolist()
        [[0.25, 0.25], [0.25, 0.25]]
    """
    if not routed(a):
        return np.fft.ifftn(a, s, axes, norm, out)
    return _complex(a, s, axes, norm, out, "ifftn", inverse=True)


def fft2(a: Any, s: Sequence[int] | None = None, axes: Sequence[int] | None = (-2, -1),
         norm: str | None = None, out: Any = None) -> Any:
    """``numpy.fft.fft2``: ``fftn`` over the last two axes by default.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda x: np.fft.fft2(x)[0, 1].real)(np.zeros((2, 2))).tolist()
        [[1.0, -1.0], [1.0, -1.0]]
    """
    if not routed(a):
        return np.fft.fft2(a, s, axes, norm, out)
    return _complex(a, s, axes, norm, out, "fft2", inverse=False)


def ifft2(a: Any, s: Sequence[int] | None = None, axes: Sequence[int] | None = (-2, -1),
          norm: str | None = None, out: Any = None) -> Any:
    """``numpy.fft.ifft2``: ``ifftn`` over the last two axes by default.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda x: np.fft.ifft2(x, norm="forward")[0, 0].real)(np.zeros((2, 2)))
        array([[1., 1.],
               [1., 1.]])
    """
    if not routed(a):
        return np.fft.ifft2(a, s, axes, norm, out)
    return _complex(a, s, axes, norm, out, "ifft2", inverse=True)


def _real_nd(a, s, axes, norm, out, op: str):
    check_norm(norm, op)
    no_out(out, op)
    a = operand(a)
    s, axes = _cook(a, s, axes, op)
    if not axes:
        raise ValueError(f"{op}: at least one axis must be transformed")
    a = _fft1.rfft(a, s[-1], axes[-1], norm)
    return _complex_nd(a, s[:-1], axes[:-1], norm, inverse=False, reverse=True)


def _inverse_real_nd(a, s, axes, norm, out, op: str):
    check_norm(norm, op)
    no_out(out, op)
    a = operand(a)
    s, axes = _cook(a, s, axes, op, invreal=True)
    if not axes:
        raise ValueError(f"{op}: at least one axis must be transformed")
    a = _complex_nd(a, s[:-1], axes[:-1], norm, inverse=True, reverse=False)
    return _fft1.irfft(a, s[-1], axes[-1], norm)


def rfftn(a: Any, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
          norm: str | None = None, out: Any = None) -> Any:
    """``numpy.fft.rfftn``: ``rfft`` over the last axis, then ``fft`` over the others.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda x: np.fft.rfftn(x)[1, 0].real)(np.zeros((2, 3))).tolist()
        [[1.0, 1.0, 1.0], [-1.0, -1.0, -1.0]]
    """
    if not routed(a):
        return np.fft.rfftn(a, s, axes, norm, out)
    return _real_nd(a, s, axes, norm, out, "rfftn")


def rfft2(a: Any, s: Sequence[int] | None = None, axes: Sequence[int] | None = (-2, -1),
          norm: str | None = None, out: Any = None) -> Any:
    """``numpy.fft.rfft2``: ``rfftn`` over the last two axes by default.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda x: np.fft.rfft2(x)[0, 0].real)(np.zeros((2, 2))).tolist()
        [[1.0, 1.0], [1.0, 1.0]]
    """
    if not routed(a):
        return np.fft.rfft2(a, s, axes, norm, out)
    return _real_nd(a, s, axes, norm, out, "rfft2")


def irfftn(a: Any, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
           norm: str | None = None, out: Any = None) -> Any:
    """``numpy.fft.irfftn``: the inverse of ``rfftn`` (last axis of length ``s[-1]``,
    by default ``2 (m - 1)``).

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda h: np.fft.irfftn(h)[0, 0])(np.zeros((2, 2))).tolist()
        [[0.25, 0.25], [0.25, 0.25]]
    """
    if not routed(a):
        return np.fft.irfftn(a, s, axes, norm, out)
    return _inverse_real_nd(a, s, axes, norm, out, "irfftn")


def irfft2(a: Any, s: Sequence[int] | None = None, axes: Sequence[int] | None = (-2, -1),
           norm: str | None = None, out: Any = None) -> Any:
    """``numpy.fft.irfft2``: ``irfftn`` over the last two axes by default.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda h: np.fft.irfft2(h, s=(2, 2))[0, 0])(np.zeros((2, 2))).tolist()
        [[0.25, 0.25], [0.25, 0.25]]
    """
    if not routed(a):
        return np.fft.irfft2(a, s, axes, norm, out)
    return _inverse_real_nd(a, s, axes, norm, out, "irfft2")


def _shift(x, axes, sign: int):
    x = operand(x)
    if axes is None:
        axes = tuple(range(x.ndim))
        shift = [sign * (dim // 2) for dim in x.shape]
    elif isinstance(axes, int | np.integer):
        shift = sign * (x.shape[axes] // 2)
    else:
        shift = [sign * (x.shape[ax] // 2) for ax in axes]
    return roll(x, shift, axes)


def fftshift(x: Any, axes: int | Sequence[int] | None = None) -> Any:
    """``numpy.fft.fftshift``: the zero frequency moved to the centre (a roll by ``n // 2``).

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda x: np.fft.fftshift(x)[0])(np.zeros(5)).tolist()
        [0.0, 0.0, 0.0, 1.0, 0.0]
    """
    if not routed(x):
        return np.fft.fftshift(x, axes)
    return _shift(x, axes, 1)


def ifftshift(x: Any, axes: int | Sequence[int] | None = None) -> Any:
    """``numpy.fft.ifftshift``: the inverse of ``fftshift`` (a roll by ``-(n // 2)``).

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda x: np.fft.ifftshift(x)[0])(np.zeros(5)).tolist()
        [0.0, 0.0, 1.0, 0.0, 0.0]
    """
    if not routed(x):
        return np.fft.ifftshift(x, axes)
    return _shift(x, axes, -1)
