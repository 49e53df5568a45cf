"""Discrete Fourier transforms (``numpy.fft``): three primitives and the 1-D functions.

The primitives transform at the input's own length (``n`` padding or truncation is composed in
front of them from slices and ``pad``, whose rules are each other's transposes):

* ``fftn``: the complex n-d DFT (forward or inverse) over a tuple of axes. Its matrix
  ``F[j, k] = c w^(jk)`` is symmetric, so under chainrule's convention (the VJP of a linear map
  ``y = A z`` is ``A^T g``, no conjugate) the VJP is the same transform of the cotangent, with
  the same direction and ``norm``; the JVP is the transform of the tangent.
* ``rfft``: real input, the first ``n // 2 + 1`` DFT coefficients  ``y = P F x``  (P keeps
  those rows). A real-linear map: the cotangent is  ``Re(F^T P^T g)``  = the real part of the
  DFT of ``g`` zero-padded back to length n.
* ``irfft``: the real signal of a Hermitian half spectrum ``h`` (m = n // 2 + 1 bins):
  ``y_k = c Re(sum_j d_j h_j e^(2 pi i jk / n))``  with  ``d_j = 2``  except  ``d_0 = 1`` and,
  for even n,  ``d_(n/2) = 1``  (the imaginary parts of those two bins are ignored, as
  pocketfft does). Writing  ``y = Re(B h)``, the cotangent is  ``h_bar = B^T g = d * ifft(g)``
  (first m bins, same ``norm``): real at the DC and Nyquist bins, so no derivative flows into
  their ignored imaginary parts.

``hfft`` and ``ihfft`` are compositions (NumPy defines them as ``irfft(conj(a))`` and
``conj(rfft(a))`` with the normalisation direction swapped). Every rule calls these primitives
again, so derivatives of every order work. Implementations take their functions from the
operands' array namespace (``xp.fft``, the Array API FFT extension). Reference for the DFT
conventions: NumPy's ``numpy.fft`` documentation (normalisation modes).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.backend import dtype_kind as kind
from chainrule.backend import foreign, namespace
from chainrule.ops.complex import conj as _conj
from chainrule.ops.complex import real as _real
from chainrule.ops.padding import pad
from chainrule.ops.portable_c import complex_dtype, operand, real_dtype
from chainrule.primitive import Primitive
from chainrule.tracer import Tracer, primal

__all__ = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"]

_NORMS = (None, "backward", "ortho", "forward")
_SWAP = {None: "forward", "backward": "forward", "ortho": "ortho", "forward": "backward"}


# --- primitives -----------------------------------------------------------------------------
def _fftn_impl(x, axes, norm, inverse):
    xp = namespace(x)
    return (xp.fft.ifftn if inverse else xp.fft.fftn)(x, axes=axes, norm=norm)


def _fftn_rule(g, ans, x, axes, norm, inverse):
    return _fftn(g, axes=axes, norm=norm, inverse=inverse)


def _fftn_xp(x, axes, norm, inverse):
    """``_fftn_impl`` for another library's arrays: the Array API's fftn takes complex input
    only, so a real one is made complex of its precision first (NumPy does the same)."""
    xp = namespace(x)
    x = xp.astype(x, complex_dtype(xp, x.dtype))
    return (xp.fft.ifftn if inverse else xp.fft.fftn)(x, axes=axes, norm=norm)


_fftn = Primitive("fftn", _fftn_impl, save_args=False, save_ans=False, register=True,
                  xp_impl=_fftn_xp)
_fftn.defvjp(_fftn_rule)
_fftn.defjvp(_fftn_rule)


def _rfft_impl(x, axis, n, norm):
    xp = namespace(x)
    return xp.fft.rfft(x, n=n, axis=axis, norm=norm)


def _rfft_vjp(g, ans, x, axis, n, norm):
    return _real(_fftn(resize(g, axis, n), axes=(axis,), norm=norm, inverse=False))


_rfft = Primitive("rfft", _rfft_impl, save_args=False, save_ans=False, register=True, portable=True)
_rfft.defvjp(_rfft_vjp)
_rfft.defjvp(lambda t, ans, x, axis, n, norm: _rfft(t, axis=axis, n=n, norm=norm))


def _irfft_impl(h, axis, n, norm):
    xp = namespace(h)
    return xp.fft.irfft(h, n=n, axis=axis, norm=norm)


def _hermitian_weights(n: int, axis: int, like):
    """``d_j`` of the module docstring (1 at DC and, for even n, Nyquist; 2 elsewhere), in
    ``like``'s namespace and real dtype, shaped to broadcast along ``axis``."""
    xp = namespace(primal(like))
    if xp is np:
        dtype, where = np.result_type(like.dtype, np.float32), {}
    else:  # the constants on the value's device
        dtype, where = real_dtype(xp, like.dtype), {"device": primal(like).device}
    k = xp.arange(n // 2 + 1, **where)
    d = 2 * xp.ones(k.shape, dtype=dtype, **where) - xp.astype(k == 0, dtype) - xp.astype(
        2 * k == n, dtype)
    return xp.reshape(d, k.shape + (1,) * (like.ndim - 1 - axis))


def _irfft_vjp(g, ans, h, axis, n, norm):
    half = resize(_fftn(g, axes=(axis,), norm=norm, inverse=True), axis, n // 2 + 1)
    return half * _hermitian_weights(n, axis, g)  # the traced factor first (chainrule.lift)


def _irfft_xp(h, axis, n, norm):
    """``_irfft_impl`` for another library's arrays (a real half spectrum made complex)."""
    xp = namespace(h)
    return xp.fft.irfft(xp.astype(h, complex_dtype(xp, h.dtype)), n=n, axis=axis, norm=norm)


_irfft = Primitive("irfft", _irfft_impl, save_args=False, save_ans=False, register=True,
                   xp_impl=_irfft_xp)
_irfft.defvjp(_irfft_vjp)
_irfft.defjvp(lambda t, ans, h, axis, n, norm: _irfft(t, axis=axis, n=n, norm=norm))


# --- argument handling ----------------------------------------------------------------------
def resize(x, axis: int, n: int):
    """``x`` truncated or zero-padded to length ``n`` along ``axis`` (as ``numpy.fft`` does)."""
    size = x.shape[axis]
    if n == size:
        return x
    if n < size:  # the standard asks every axis to be indexed: a trailing ... for the rest
        tail = (Ellipsis,) if foreign(x) else ()
        return x[(slice(None),) * axis + (slice(0, n), *tail)]
    widths = [(0, 0)] * x.ndim
    widths[axis] = (0, n - size)
    return pad(x, widths)


def check_norm(norm: Any, op: str) -> None:
    if norm not in _NORMS:
        raise ValueError(f'{op}: invalid norm value {norm!r}; should be "backward", "ortho" '
                         'or "forward"')


def no_out(out: Any, op: str) -> None:
    if out is not None:
        raise TypeError(f"numpy.fft.{op}(..., out=...) is not supported on traced values: "
                        "writing into an existing array would lose the derivative. Use the "
                        "returned array instead.")


def axis_index(axis: Any, ndim: int, op: str) -> int:
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(f"{op}: axis {axis} is out of bounds for an array of "
                                      f"dimension {ndim}")
    return axis % ndim


def length(n: Any, op: str) -> int:
    n = int(n)
    if n < 1:
        raise ValueError(f"{op}: invalid number of FFT data points ({n}) specified.")
    return n


def _real_only(a, op: str) -> None:
    if kind(a) == "c":
        raise TypeError(f"numpy.fft.{op} takes real input, got a {a.dtype} array of "
                        f"shape {a.shape}; use numpy.fft.fft for complex input")


def routed(a) -> bool:
    """Whether ``a`` goes through the primitives: a traced value, or another library's array
    (computed in its own namespace, never handed to ``numpy.fft``)."""
    return isinstance(a, Tracer) or foreign(a)


def _prepare(a, n, axis, norm, out, op, default_n=None):
    """The operand as an array, its axis normalised, and the transform length."""
    check_norm(norm, op)
    no_out(out, op)
    a = operand(a)
    axis = axis_index(axis, a.ndim, op)
    if n is None:
        n = a.shape[axis] if default_n is None else default_n(a.shape[axis])
    return a, axis, length(n, op)


# --- the 1-D transforms ---------------------------------------------------------------------
def fft(a: Any, n: int | None = None, axis: int = -1, norm: str | None = None,
        out: Any = None) -> Any:
    """``numpy.fft.fft``: the 1-D discrete Fourier transform (``n`` pads or crops).

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda x: np.fft.fft(x)[1].real)(np.zeros(4)).round(12).tolist()
        [1.0, 0.0, -1.0, 0.0]
    """
    if not routed(a):
        return np.fft.fft(a, n, axis, norm, out)
    a, axis, n = _prepare(a, n, axis, norm, out, "fft")
    return _fftn(resize(a, axis, n), axes=(axis,), norm=norm, inverse=False)


def ifft(a: Any, n: int | None = None, axis: int = -1, norm: str | None = None,
         out: Any = None) -> Any:
    """``numpy.fft.ifft``: the 1-D inverse discrete Fourier transform.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda x: np.fft.ifft(x)[0].real)(np.zeros(4)).tolist()
        [0.25, 0.25, 0.25, 0.25]
    """
    if not routed(a):
        return np.fft.ifft(a, n, axis, norm, out)
    a, axis, n = _prepare(a, n, axis, norm, out, "ifft")
    return _fftn(resize(a, axis, n), axes=(axis,), norm=norm, inverse=True)


def rfft(a: Any, n: int | None = None, axis: int = -1, norm: str | None = None,
         out: Any = None) -> Any:
    """``numpy.fft.rfft``: the non-negative-frequency half of the DFT of a real input.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda x: np.fft.rfft(x)[0].real)(np.zeros(3)).tolist()
        [1.0, 1.0, 1.0]
    """
    if not routed(a):
        return np.fft.rfft(a, n, axis, norm, out)
    a, axis, n = _prepare(a, n, axis, norm, out, "rfft")
    _real_only(a, "rfft")
    return _rfft(resize(a, axis, n), axis=axis, n=n, norm=norm)


def irfft(a: Any, n: int | None = None, axis: int = -1, norm: str | None = None,
          out: Any = None) -> Any:
    """``numpy.fft.irfft``: the real signal of length ``n`` (default ``2 (m - 1)``) whose
    ``rfft`` is ``a``; only the first ``n // 2 + 1`` bins are read.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda h: np.fft.irfft(h).sum())(np.zeros(3)).tolist()
        [1.0, 0.0, 0.0]
    """
    if not routed(a):
        return np.fft.irfft(a, n, axis, norm, out)
    a, axis, n = _prepare(a, n, axis, norm, out, "irfft", lambda m: 2 * (m - 1))
    return _irfft(resize(a, axis, n // 2 + 1), axis=axis, n=n, norm=norm)


def hfft(a: Any, n: int | None = None, axis: int = -1, norm: str | None = None,
         out: Any = None) -> Any:
    """``numpy.fft.hfft``: the real spectrum of a Hermitian-symmetric signal, given its first
    half; ``irfft(conj(a))`` with the normalisation direction swapped, as NumPy defines it.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda a: np.fft.hfft(a)[0])(np.zeros(3)).tolist()
        [1.0, 2.0, 1.0]
    """
    if not routed(a):
        return np.fft.hfft(a, n, axis, norm, out)
    a, axis, n = _prepare(a, n, axis, norm, out, "hfft", lambda m: 2 * (m - 1))
    return irfft(_conj(a), n, axis, _SWAP[norm])


def ihfft(a: Any, n: int | None = None, axis: int = -1, norm: str | None = None,
          out: Any = None) -> Any:
    """``numpy.fft.ihfft``: the inverse of ``hfft``, ``conj(rfft(a))`` with the normalisation
    direction swapped.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda a: np.fft.ihfft(a)[0].real)(np.zeros(4)).tolist()
        [0.25, 0.25, 0.25, 0.25]
    """
    if not routed(a):
        return np.fft.ihfft(a, n, axis, norm, out)
    a, axis, n = _prepare(a, n, axis, norm, out, "ihfft")
    _real_only(a, "ihfft")
    return _conj(rfft(a, n, axis, _SWAP[norm]))
