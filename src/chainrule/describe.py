"""Short human descriptions of values, used in every error message."""

from __future__ import annotations

from typing import Any

import numpy as np


def describe(x: Any) -> str:
    """``'float32 array of shape (3, 2)'``, ``'Python float'``, ... for error messages."""
    if hasattr(type(x), "_describe"):  # a traced value (chainrule.tracer.Tracer)
        return x._describe()
    if isinstance(x, np.ndarray):
        if x.ndim == 0:
            return f"{x.dtype} scalar array"
        return f"{x.dtype} array of shape {x.shape}"
    if isinstance(x, np.generic):
        return f"NumPy {x.dtype} scalar"
    if isinstance(x, bool | int | float | complex):
        return f"Python {type(x).__name__}"
    if hasattr(x, "shape") and hasattr(x, "dtype"):  # another library's array
        dtype = str(x.dtype).rsplit(".", 1)[-1]
        return f"{type(x).__module__.split('.')[0]} {dtype} array of shape {tuple(x.shape)}"
    return f"{type(x).__name__} object"
