"""Functions whose result carries no derivative: comparisons, rounding, arg-functions, predicates
and array creation. They take traced values too, returning plain NumPy constants.

Rounding-type functions (``floor``, ``ceil``, ``round``, ``rint``, ``sign``, ...) are piecewise
constant, so their derivative is zero wherever it exists: returning a constant is exact there.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from chainrule.backend import foreign
from chainrule.jit.staging import METADATA, Staged, stage
from chainrule.ops.constant_elsewhere import elsewhere
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
    "digitize", "shape", "ndim", "size", "result_type", "iscomplexobj", "isrealobj",
    "argpartition", "nanargmax", "nanargmin",
    # creation from a template (the values are constants)
    "zeros_like", "ones_like", "empty_like",
]

_CREATION = [
    "zeros", "ones", "empty", "arange", "eye", "identity", "indices", "tri",
]

_CONSTANTS = [
    "pi", "e", "inf", "nan", "newaxis", "float16", "float32", "float64", "int8", "int16",
    "int32", "int64", "uint8", "bool_", "ndarray", "dtype", "finfo", "iinfo",
    "errstate", "set_printoptions",
]


def _strip(x: Any) -> Any:
    """Replace traced values by their plain values inside (nested) lists and tuples."""
    if isinstance(x, Tracer):
        return primal(x)
    if isinstance(x, list | tuple):
        return type(x)(_strip(v) for v in x)
    return x


def _elsewhere(name: str) -> Any:
    """``numpy.<name>`` for another library's arrays (what a staged instruction of them runs)."""
    def compute(*args: Any, **kwargs: Any) -> Any:
        return elsewhere(name, args, kwargs)

    compute.__name__ = name
    return compute


def _constant(f: Any) -> Any:
    far = _elsewhere(f.__name__)

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        args, kwargs = _strip(args), {k: _strip(v) for k, v in kwargs.items()}
        if f.__name__ in METADATA:  # shapes and dtypes: fixed by a cr.jit signature
            args = tuple(a.array if a.__class__ is Staged else a for a in args)
        else:
            staged = stage(f, args, kwargs, far=far)  # inside cr.jit: a program instruction
            if staged is not None:
                return staged
        for a in args:  # (this module's own ``any`` is numpy.any's constant wrapper)
            if foreign(a):
                return elsewhere(f.__name__, args, kwargs)
        return f(*args, **kwargs)

    wrapper.__doc__ = f"``numpy.{f.__name__}``: no derivative flows through the result."
    return wrapper


for _name in _NONDIFFERENTIABLE:
    globals()[_name] = _constant(getattr(np, _name))
for _name in _CREATION + _CONSTANTS:
    globals()[_name] = getattr(np, _name)


__all__ = [*_NONDIFFERENTIABLE, *_CREATION, *_CONSTANTS]
