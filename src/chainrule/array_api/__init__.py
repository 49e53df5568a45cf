"""``chainrule.array_api``: the Array API standard's names over ``chainrule.numpy``.

It is the namespace a traced value gives (``x.__array_namespace__()``), so that functions
written against the standard, ``xp = x.__array_namespace__(); xp.exp(x)``, differentiate as
NumPy code does; the values inside may be NumPy arrays or another library's (CuPy on a GPU),
each operation running in their own namespace (DESIGN.md principle 5; issue 12). Names that the
standard and NumPy share are ``chainrule.numpy``'s functions; the others (``asin``, ``pow``,
``permute_dims``, ``concat``, ``matrix_transpose``, ``astype``, ``std(correction=)``...) are
defined here with the standard's signatures.

Example:
    >>> import numpy as np
    >>> import chainrule as cr
    >>> def softplus_sum(x):
    ...     xp = x.__array_namespace__()
    ...     return xp.sum(xp.log1p(xp.exp(x)))
    >>> np.round(cr.grad(softplus_sum)(np.zeros(2)), 3).tolist()
    [0.5, 0.5]
"""

from __future__ import annotations

import builtins
import sys
from typing import Any

import numpy as np

from chainrule import numpy as cnp
from chainrule.array_api import fft, linalg
from chainrule.array_api.creation import (
    arange,
    asarray,
    empty,
    empty_like,
    eye,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    zeros,
    zeros_like,
)
from chainrule.backend import BackendError
from chainrule.tracer import Tracer

__array_api_version__ = "2023.12"

_SHARED = (
    "abs add ceil clip conj cos cosh divide equal exp expm1 floor floor_divide greater "
    "greater_equal hypot imag isfinite isinf isnan less less_equal log log1p log2 log10 "
    "logaddexp logical_and logical_or logical_not logical_xor maximum minimum multiply negative "
    "not_equal real remainder round sign signbit sin sinh square sqrt subtract tan tanh trunc "
    "meshgrid tril triu broadcast_to expand_dims flip moveaxis repeat reshape roll squeeze "
    "stack tile argmax argmin nonzero searchsorted where argsort sort cumulative_sum "
    "cumulative_prod max mean min prod sum all any diff matmul tensordot take take_along_axis "
    "result_type finfo iinfo"
).split()
for _name in _SHARED:
    globals()[_name] = getattr(cnp, _name)
_RENAMED = {"acos": "arccos", "acosh": "arccosh", "asin": "arcsin", "asinh": "arcsinh",
            "atan": "arctan", "atan2": "arctan2", "atanh": "arctanh", "pow": "power",
            "concat": "concatenate", "permute_dims": "transpose"}
for _name, _numpy_name in _RENAMED.items():
    globals()[_name] = getattr(cnp, _numpy_name)

bool = np.bool_  # noqa: A001  (the standard's dtype names)
int8, int16, int32, int64 = np.int8, np.int16, np.int32, np.int64
uint8, uint16, uint32, uint64 = np.uint8, np.uint16, np.uint32, np.uint64
float32, float64, complex64, complex128 = np.float32, np.float64, np.complex64, np.complex128
e, inf, nan, pi, newaxis = np.e, np.inf, np.nan, np.pi, None


def positive(x: Any, /) -> Any:
    """``+x``."""
    return +x


def astype(x: Any, dtype: Any, /, *, copy: bool = True, device: Any = None) -> Any:
    """``x`` cast to ``dtype`` (the standard's function form of ``x.astype``)."""
    return cnp.astype(x, dtype)


def std(x: Any, /, *, axis: Any = None, correction: float = 0.0,
        keepdims: bool = False) -> Any:
    """Standard deviation; ``correction`` is NumPy's ``ddof``."""
    return cnp.std(x, axis=axis, ddof=correction, keepdims=keepdims)


def var(x: Any, /, *, axis: Any = None, correction: float = 0.0,
        keepdims: bool = False) -> Any:
    """Variance; ``correction`` is NumPy's ``ddof``."""
    return cnp.var(x, axis=axis, ddof=correction, keepdims=keepdims)


def matrix_transpose(x: Any, /) -> Any:
    """The last two axes swapped."""
    return cnp.swapaxes(x, -1, -2)


def vecdot(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    """``sum(conj(x1) * x2, axis)``."""
    return cnp.linalg.vecdot(x1, x2, axis=axis)


def unstack(x: Any, /, *, axis: int = 0) -> tuple[Any, ...]:
    """The slices of ``x`` along ``axis``."""
    moved = cnp.moveaxis(x, axis, 0)
    return tuple(moved[i] for i in range(moved.shape[0]))


def broadcast_arrays(*arrays: Any) -> list[Any]:
    """Every array broadcast to their common shape."""
    shape = np.broadcast_shapes(*(np.shape(a) for a in arrays))
    return [cnp.broadcast_to(a, shape) for a in arrays]


def isdtype(dtype: Any, kind: Any) -> builtins.bool:
    """Whether ``dtype`` (NumPy's, or another library's of the standard's names) is of
    ``kind``: a dtype, a kind name such as ``"real floating"``, or a tuple of them."""
    if isinstance(kind, tuple):
        return any(isdtype(dtype, k) for k in kind)
    name = _dtype_name(dtype)
    if not isinstance(kind, str):
        return name == _dtype_name(kind)
    letters = {"bool": "b", "signed integer": "i", "unsigned integer": "u",
               "integral": "iu", "real floating": "f", "complex floating": "c",
               "numeric": "iufc"}[kind]
    return np.dtype(name).kind in letters


def _dtype_name(dtype: Any) -> str:
    """'float32', 'complex128', 'bool', ... for NumPy's dtypes and for other libraries' (whose
    dtypes the standard names the same)."""
    try:
        return np.dtype(dtype).name
    except TypeError:
        return str(dtype).rsplit(".", 1)[-1]


def can_cast(from_: Any, to: Any, /) -> builtins.bool:
    """NumPy's safe-casting rule."""
    return np.can_cast(from_, to)



__all__ = [*_SHARED, *_RENAMED, "arange", "asarray", "empty", "empty_like", "eye", "full",
           "full_like", "linspace", "ones", "ones_like", "zeros", "zeros_like", "positive",
           "astype", "std", "var", "matrix_transpose",
           "vecdot", "unstack", "broadcast_arrays", "isdtype", "can_cast", "linalg", "fft",
           "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
           "float32", "float64", "complex64", "complex128", "e", "inf", "nan", "pi", "newaxis"]


def _namespace(self: Any, api_version: str | None = None) -> Any:
    """``x.__array_namespace__()`` of a traced value: this module."""
    return sys.modules[__name__]


def _device(self: Any) -> Any:
    """The device of the value inside (``"cpu"`` for NumPy)."""
    return getattr(self._value, "device", "cpu")


def _to_device(self: Any, device: Any, /, *, stream: Any = None) -> Any:
    if device != _device(self):
        raise BackendError(f"to_device: the traced value is on {_device(self)!r}; moving it to "
                           f"{device!r} inside a differentiated function is not supported: "
                           "move the inputs before calling the transformation")
    return self


# Traced values name this face as their namespace, with the standard's device attributes.
Tracer.__array_namespace__ = _namespace
Tracer.device = property(_device)
Tracer.to_device = _to_device
