"""``logsumexp``, ``softmax`` and ``log_softmax`` of ``scipy.special``, composed from
chainrule's differentiable functions (they need no rule of their own).

SciPy's functions are not ufuncs (they convert their input with ``np.asarray``), so traced
values must call these ones. Each follows SciPy's arithmetic step by step so that the values are
SciPy's to the last bit: the shift by the maximum is a constant taken from the plain values
(the result does not depend on it mathematically, so no derivative is lost), and logsumexp keeps
the maximal terms out of the sum, log(S) = log1p(s / m) + log(m) + max, as SciPy does since 1.15
(Blanchard, Higham and Higham 2021, "Accurately computing the log-sum-exp and softmax
functions").

Complex inputs follow SciPy's complex semantics: logsumexp shifts by the element of largest real
part, gives log(m) + log1p(s) + shift with its imaginary part wrapped to (-pi, pi] (the wrap adds
a constant multiple of 2 pi i: the derivative is the holomorphic one, softmax times b), and with
``return_sign`` returns log|sum| and the phase sum / |sum|, both differentiable (the phase is no
constant for complex sums). softmax and log_softmax are holomorphic and shift-invariant, so the
real code serves them unchanged (NumPy's max of complex numbers is SciPy's shift too).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.special as sc

from chainrule import numpy as cnp
from chainrule.backend import any_foreign, namespace
from chainrule.backend import library as xp_of
from chainrule.ops.portable_c import refuse
from chainrule.ops.special_common import traced
from chainrule.tracer import primal

__all__ = ["logsumexp", "softmax", "log_softmax"]


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    return tuple(a % ndim for a in ((axis,) if np.ndim(axis) == 0 else axis))


def logsumexp(a: Any, axis: Any = None, b: Any = None, keepdims: bool = False,
              return_sign: bool = False) -> Any:
    """``scipy.special.logsumexp``: log(sum(b * exp(a))) over ``axis``, differentiable in ``a``
    and ``b``; with ``return_sign`` it returns (log|sum|, sign of the sum), the sign a constant.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> cr.grad(special.logsumexp)(np.log(np.array([1.0, 3.0])))  # softmax: the weights
        array([0.25, 0.75])
    """
    refuse("scipy.special.logsumexp", a, b)  # SciPy's exact steps: written for NumPy arrays
    if not traced(a, b):
        return sc.logsumexp(a, axis=axis, b=b, keepdims=keepdims, return_sign=return_sign)
    if not traced(a):
        a = np.asarray(a)
        a = a if a.dtype.kind in "fc" else a.astype(np.float64)
    if b is not None and np.iscomplexobj(primal(b)) and not np.iscomplexobj(primal(a)):
        a = a + 0j  # SciPy promotes a and b to one (complex) dtype
    if b is not None:
        shape = np.broadcast_shapes(np.shape(a), np.shape(b))
        a, b = cnp.broadcast_to(a, shape), cnp.broadcast_to(b, shape)
    if np.ndim(a) == 0:
        a = cnp.reshape(a, (1,))
        b = None if b is None else cnp.reshape(b, (1,))
    axes = _axes(axis, np.ndim(a))
    out, sign = _logsumexp(a, b, axes, return_sign)
    if not keepdims:
        out = cnp.squeeze(out, axis=axes)
        sign = (cnp.squeeze if traced(sign) else np.squeeze)(sign, axis=axes)
    return (out, sign) if return_sign else out


def _logsumexp(a, b, axes, return_sign):
    """SciPy's steps on traced values, keeping the reduced axes (see the module docstring)."""
    pa = primal(a)
    ignored = None if b is None else primal(b) == 0  # SciPy: a term with weight 0 adds nothing
    pa_live = pa if ignored is None else np.where(ignored, -np.inf, pa)
    is_complex = np.iscomplexobj(pa)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        shift, at_max = (_complex_shift if is_complex else _real_shift)(pa_live, axes)
        terms = cnp.exp(a - shift)
        if b is not None:
            terms = b * terms
            lost = ignored & ~np.isfinite(primal(terms))  # 0 * inf: still nothing added
            if lost.any():
                terms = cnp.where(lost, 0.0, terms)
        m = cnp.sum(cnp.where(at_max, terms, 0.0), axis=axes, keepdims=True)  # b at the max
        s = cnp.sum(cnp.where(at_max, 0.0, terms), axis=axes, keepdims=True)
        pm = primal(m)
        s = s / cnp.where((pm == 0) | ~np.isfinite(pm), 1.0, m)
        if is_complex:
            out, sign = _complex_parts(m, s, shift, return_sign)
        else:
            ps = primal(s)
            sign = np.sign(ps + 1) * np.sign(pm)
            # log|m (1 + s)| = log1p(s') + log|m| with s' = -s - 2 where 1 + s < 0.
            s = cnp.where(ps < -1, -s - 2.0, s)
            out = cnp.log1p(s) + cnp.log(cnp.abs(m)) + shift
            if not return_sign and (sign < 0).any():
                out = cnp.where(sign < 0, np.nan, out)
        finite = np.isfinite(primal(out))
        if not finite.all():
            # As SciPy: where the shifted form is not finite (infinite inputs, all -inf),
            # the direct log(sum(b exp(a))), whose value there carries no derivative.
            plain = np.exp(pa) if b is None else primal(b) * np.exp(pa)
            total = np.sum(plain, axis=axes, keepdims=True)
            direct = np.log(np.abs(total) if return_sign else total)
            out = cnp.where(finite, out, direct)
            sign = cnp.where(finite, sign, np.sign(total))
        if is_complex and not return_sign:
            out = out + 1j * _wrap_shift(np.imag(primal(out)))
    return out, sign


def _real_shift(pa, axes):
    """The maximum of each slot, and where it is reached."""
    shift = np.max(pa, axis=axes, keepdims=True)
    return shift, pa == shift


def _complex_shift(pa, axes):
    """SciPy's complex shift: the element of largest real part (the last one of equal ones)."""
    re = np.real(pa)
    index = np.reshape(np.arange(pa.size), pa.shape)
    index = np.where(re == np.max(re, axis=axes, keepdims=True), index, -1)
    at_max = index == np.max(index, axis=axes, keepdims=True)
    return np.sum(np.where(at_max, pa, 0), axis=axes, keepdims=True), at_max


def _complex_parts(m, s, shift, return_sign):
    """log(m) + log1p(s) + shift and the phase of the sum, as SciPy computes them for complex
    values (the phase with chainrule functions: it carries a derivative)."""
    one_plus_s = 1.0 + s
    sign = one_plus_s / cnp.abs(one_plus_s) * (m / cnp.abs(m)) * np.exp(1j * np.imag(shift))
    out = cnp.log1p(s) + cnp.log(m) + shift
    return (cnp.real(out) if return_sign else out), sign


def _wrap_shift(imag):
    """The constant taking ``imag`` into (-pi, pi], as SciPy wraps its complex results (0
    where |imag| < pi)."""
    wrapped = -((-imag + np.pi) % (2 * np.pi) - np.pi)
    return np.where(np.abs(imag) < np.pi, 0.0, wrapped - imag)


def _shift_xp(p: Any, axis: Any) -> Any:
    """NumPy's ``max(p, axis, keepdims=True)`` of another library's array ``p``; for complex
    values NumPy's order (by real part, then imaginary part), which the standard lacks."""
    xp = namespace(p)
    axis = tuple(axis) if isinstance(axis, list) else axis
    if not xp.isdtype(p.dtype, "complex floating"):
        return xp.max(p, axis=axis, keepdims=True)
    re = xp.real(p)
    top = xp.max(re, axis=axis, keepdims=True)
    im = xp.max(xp.where(re == top, xp.imag(p), -xp.inf), axis=axis, keepdims=True)
    return xp.astype(top, p.dtype) + xp.astype(im, p.dtype) * 1j


def softmax(x: Any, axis: Any = None) -> Any:
    """``scipy.special.softmax``: exp(x) / sum(exp(x)) over ``axis`` (shifted by the maximum).

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> cr.jacobian(special.softmax)(np.zeros(2))
        array([[ 0.25, -0.25],
               [-0.25,  0.25]])
    """
    if not traced(x) and not any_foreign(x):
        return sc.softmax(x, axis=axis)
    shift = np.max(primal(x), axis=axis, keepdims=True) if not any_foreign(x) else \
        _shift_xp(primal(x), axis)
    e = cnp.exp(x - shift)
    return e / cnp.sum(e, axis=axis, keepdims=True)


def log_softmax(x: Any, axis: Any = None) -> Any:
    """``scipy.special.log_softmax``: x - logsumexp(x) over ``axis``, accurate for large x.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> cr.grad(lambda x: special.log_softmax(x)[0])(np.zeros(2))
        array([ 0.5, -0.5])
    """
    if not traced(x) and not any_foreign(x):
        return sc.log_softmax(x, axis=axis)
    if any_foreign(x):
        xp, shift = xp_of(x), _shift_xp(primal(x), axis)
        shift = xp.where(xp.isfinite(shift), shift, xp.zeros_like(shift))
    else:
        shift = np.max(primal(x), axis=axis, keepdims=True)
        shift = np.where(np.isfinite(shift), shift, 0)
    shifted = x - shift
    with np.errstate(divide="ignore"):
        return shifted - cnp.log(cnp.sum(cnp.exp(shifted), axis=axis, keepdims=True))
