"""Small helpers for running group-A operations (elementwise, reductions, statistics) on other
libraries' arrays (issue 12, DESIGN.md principle 5).

A traced value's ``dtype`` is its value's dtype, which for another library's array is that
library's dtype object, not NumPy's; these helpers compare and convert dtypes by the Array API
standard's names, and read plain values under any number of tracing levels. NumPy values never
take these routes: the callers keep NumPy's code as it was and branch on ``foreign`` beside it.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from chainrule.backend import BackendError, dtype_kind, foreign, namespace
from chainrule.tracer import primal

# The dtypes every Array API namespace has, by their common name.
_NAMES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float32", "float64", "complex64", "complex128")








def numpy_dtype(dtype: Any) -> np.dtype:
    """NumPy's dtype of the same name as ``dtype`` (a NumPy dtype, a type such as
    ``np.float32``, a string, or another library's dtype object).

    Example:
        >>> import numpy as np
        >>> numpy_dtype(np.float32), numpy_dtype("complex128")
        (dtype('float32'), dtype('complex128'))
    """
    try:
        return np.dtype(dtype)
    except TypeError:
        name = str(dtype).rsplit(".", 1)[-1]
        if name not in _NAMES:
            raise
        return np.dtype(name)


def xp_dtype(xp: ModuleType, dtype: Any) -> Any:
    """``xp``'s dtype of the same name as ``dtype`` (see ``numpy_dtype``).

    Example:
        >>> import numpy as np
        >>> xp_dtype(np, "float32")
        <class 'numpy.float32'>
    """
    name = numpy_dtype(dtype).name
    found = getattr(xp, name, None)
    if found is None:
        raise BackendError(f"the dtype {name} is not one of {xp.__name__}'s (the Array API "
                           f"standard's dtypes are {', '.join(_NAMES)}); pick one of those")
    return found


def xp_result_dtype(xp: ModuleType, *xs: Any) -> Any:
    """The dtype of a result computed from ``xs`` in ``xp``, with Python scalars weak (they take
    the dtype of the arrays, NumPy's rule NEP 50); ``xs`` must hold at least one array."""
    arrays = [primal(x) for x in xs if not isinstance(x, bool | int | float | complex)]
    return xp.result_type(*arrays)


def any_true(mask: Any) -> bool:
    """Whether a plain boolean array (of any library) has a true entry.

    Example:
        >>> import numpy as np
        >>> any_true(np.array([False, True]))
        True
    """
    mask = primal(mask)
    if foreign(mask):
        return bool(namespace(mask).any(mask))
    return bool(np.any(mask))


def maybe_true(mask: Any) -> bool:
    """``any_true(mask)`` for a shortcut whose general form is exact where no entry is true:
    inside ``cr.jit`` the mask is staged (known only at each call of the program), so True,
    and the general form runs. Never for a check that raises: that is a ``guard``.

    Example:
        >>> import numpy as np
        >>> maybe_true(np.array([False, False]))
        False
    """
    if getattr(primal(mask), "_jit_value", False):
        return True
    return any_true(mask)


def numpy_result_type(*xs: Any) -> np.dtype:
    """NumPy's ``result_type`` of ``xs``, whose arrays may be another library's (their dtypes
    are taken by name) and whose Python numbers stay weak.

    Example:
        >>> import numpy as np
        >>> numpy_result_type(np.ones(2, dtype=np.float32), 1.0)
        dtype('float32')
    """
    return np.result_type(*(x if isinstance(x, bool | int | float | complex)
                            else numpy_dtype(x) if not hasattr(x, "dtype")
                            else numpy_dtype(primal(x).dtype) for x in xs))


def counted(xp: ModuleType, x: Any) -> Any:
    """``x`` ready for a sum or product: booleans as int64 (NumPy counts them in its default
    integer; the standard's sums and products take numbers only).

    Example:
        >>> import numpy as np
        >>> counted(np, np.array([True, False])).dtype
        dtype('int64')
    """
    return xp.astype(x, xp.int64) if dtype_kind(x) == "b" else x  # any library, traced or not
