"""Functions whose result carries no derivative: comparisons, rounding, arg-functions, predicates
and array creation. They take traced values too, returning plain NumPy constants.

Rounding-type functions (``floor``, ``ceil``, ``round``, ``rint``, ``sign``, ...) are piecewise
constant, so their derivative is zero wherever it exists: returning a constant is exact there.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from chainrule.tracer import Tracer, primal

_NONDIFFERENTIABLE = [
    # comparisons and logic
    "less", "less_equal", "greater", "greater_equal", "equal", "not_equal",
    "logical_and", "logical_or", "logical_not", "logical_xor",
    "isfinite", "isnan", "isinf", "isposinf", "isneginf", "signbit", "isclose", "allclose",
    "iscomplex", "isreal",
    "array_equal", "array_equiv", "any", "all", "count_nonzero",
    # piecewise constant (zero derivative)
    "floor", "ceil", "round", "around", "rint", "trunc", "fix", "floor_divide",
    "heaviside",
    # indices and structure
    "argmax", "argmin", "argsort", "argwhere", "nonzero", "flatnonzero", "searchsorted",
    "digitize", "unique", "shape", "ndim", "size", "result_type", "iscomplexobj", "isrealobj",
    "histogram", "bincount",
    # creation from a template (the values are constants)
    "zeros_like", "ones_like", "empty_like", "full_like",
]

_CREATION = [
    "zeros", "ones", "empty", "full", "arange", "linspace", "logspace", "eye", "identity",
    "meshgrid", "indices", "tri",
]

_CONSTANTS = [
    "pi", "e", "inf", "nan", "newaxis", "float16", "float32", "float64", "int8", "int16",
    "int32", "int64", "uint8", "bool_", "ndarray", "dtype", "finfo", "iinfo", "random",
    "errstate", "set_printoptions",
]


def _strip(x: Any) -> Any:
    """Replace traced values by their plain values inside (nested) lists and tuples."""
    if isinstance(x, Tracer):
        return primal(x)
    if isinstance(x, list | tuple):
        return type(x)(_strip(v) for v in x)
    return x


def _constant(f: Any) -> Any:
    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return f(*_strip(args), **{k: _strip(v) for k, v in kwargs.items()})

    wrapper.__doc__ = f"``numpy.{f.__name__}``: no derivative flows through the result."
    return wrapper


for _name in _NONDIFFERENTIABLE:
    globals()[_name] = _constant(getattr(np, _name))
for _name in _CREATION + _CONSTANTS:
    globals()[_name] = getattr(np, _name)


def _contains_tracer(obj: Any) -> bool:
    if isinstance(obj, Tracer):
        return True
    if isinstance(obj, list | tuple):
        return any(_contains_tracer(v) for v in obj)
    return False


def array(obj: Any, dtype: Any = None, copy: bool = True, **kwargs: Any) -> Any:
    """``numpy.array`` that also builds arrays from traced scalars and arrays.

    Example:
        >>> import chainrule as cr
        >>> import chainrule.numpy as cnp
        >>> float(cr.grad(lambda a: cnp.array([a, 2 * a, 3.0]).sum())(1.0))
        3.0
    """
    if isinstance(obj, Tracer):
        if dtype is not None:
            return obj.astype(dtype)
        return obj._alias() if copy else obj
    if not _contains_tracer(obj):
        return np.array(obj, dtype=dtype, copy=copy, **kwargs)
    from chainrule.ops.shape import stack

    out = stack([array(v) for v in obj])
    return out if dtype is None else out.astype(dtype)


def asarray(obj: Any, dtype: Any = None, **kwargs: Any) -> Any:
    """``numpy.asarray`` keeping traced values traced (see ``array``)."""
    if isinstance(obj, Tracer) or _contains_tracer(obj):
        return array(obj, dtype=dtype)
    return np.asarray(obj, dtype=dtype, **kwargs)


__all__ = [*_NONDIFFERENTIABLE, *_CREATION, *_CONSTANTS, "array", "asarray"]
