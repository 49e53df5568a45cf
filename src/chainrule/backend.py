"""Array namespaces: the module whose functions a primitive's implementation calls.

DESIGN.md principle 5: an implementation runs in the namespace of its operands, so that NumPy
arrays are computed by NumPy and an Array API array (CuPy on a GPU, ``array-api-strict``) by its
own library, never copied to the host. Python scalars and NumPy arrays give ``numpy``.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

_NUMPY_TYPES = (np.ndarray, np.generic, float, int, complex, bool)


def namespace(*arrays: Any) -> ModuleType:
    """The array namespace shared by ``arrays`` (``numpy`` unless one of them brings its own).

    Example:
        >>> import numpy as np
        >>> namespace(np.ones(2), 3.0) is np
        True
    """
    for a in arrays:
        if a is None or isinstance(a, _NUMPY_TYPES):
            continue
        get = getattr(a, "__array_namespace__", None)
        if get is not None:
            return get()
    return np
