"""The standard's creation functions with ``dtype=`` and ``device=`` of any library.

Code written against the standard creates its constants where its inputs are:
``xp.zeros(n, dtype=x.dtype, device=x.device)``. For a traced value ``xp`` is
``chainrule.array_api``, and ``x.device`` / ``x.dtype`` are those of the value inside, which may
be another library's (a CuPy GPU, ``array-api-strict``'s ``Device("device1")``). These functions
create the array in that library, on that device; without a device, or with ``"cpu"``, they are
NumPy's (the constants carry no derivative either way).

Example:
    >>> import numpy as np
    >>> zeros(2, dtype=np.float32, device="cpu").tolist(), eye(2, k=1).tolist()
    ([0.0, 0.0], [[0.0, 1.0], [0.0, 0.0]])
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import numpy as np

from chainrule import numpy as cnp
from chainrule.backend import BackendError, any_foreign


def library_of(device: Any) -> ModuleType | None:
    """The Array API namespace whose device ``device`` is; None for NumPy's (None, ``"cpu"``)."""
    if device is None or (isinstance(device, str) and device == "cpu"):
        return None
    root = type(device).__module__.split(".")[0]
    if root == "cupy":
        import array_api_compat.cupy as xp

        return xp
    try:
        module = importlib.import_module(root)
    except ImportError:
        module = None
    if module is None or not hasattr(module, "__array_namespace_info__"):
        raise BackendError(f"device {device!r}: not a device of NumPy or of an Array API library "
                           "chainrule knows; pass device=x.device of an array of that library")
    return module


def _dtype_name(dtype: Any) -> str:
    try:
        return np.dtype(dtype).name
    except TypeError:  # another library's dtype: the standard names them alike
        return str(dtype).rsplit(".", 1)[-1]


def _in(xp: ModuleType | None, dtype: Any) -> Any:
    """``dtype`` (NumPy's or another library's, or None) as a dtype of ``xp`` (None: NumPy)."""
    if dtype is None:
        return None
    name = _dtype_name(dtype)
    return np.dtype(name) if xp is None else getattr(xp, name)


def zeros(shape: Any, *, dtype: Any = None, device: Any = None) -> Any:
    """Zeros of ``shape``."""
    xp = library_of(device)
    if xp is None:
        return np.zeros(shape, dtype=_in(None, dtype))
    return xp.zeros(shape, dtype=_in(xp, dtype), device=device)


def ones(shape: Any, *, dtype: Any = None, device: Any = None) -> Any:
    """Ones of ``shape``."""
    xp = library_of(device)
    if xp is None:
        return np.ones(shape, dtype=_in(None, dtype))
    return xp.ones(shape, dtype=_in(xp, dtype), device=device)


def empty(shape: Any, *, dtype: Any = None, device: Any = None) -> Any:
    """An uninitialised array of ``shape``."""
    xp = library_of(device)
    if xp is None:
        return np.empty(shape, dtype=_in(None, dtype))
    return xp.empty(shape, dtype=_in(xp, dtype), device=device)


def full(shape: Any, fill_value: Any, *, dtype: Any = None, device: Any = None) -> Any:
    """``fill_value`` everywhere in ``shape`` (a traced fill value keeps its derivative)."""
    xp = library_of(device)
    if xp is None or any_foreign(fill_value):
        return cnp.full(shape, fill_value, dtype=_in(xp, dtype))
    return xp.full(shape, fill_value, dtype=_in(xp, dtype), device=device)


def arange(start: Any, /, stop: Any = None, step: Any = 1, *, dtype: Any = None,
           device: Any = None) -> Any:
    """Evenly spaced values in ``[start, stop)``."""
    xp = library_of(device)
    if xp is None:
        return np.arange(start, stop, step, dtype=_in(None, dtype))
    return xp.arange(start, stop, step, dtype=_in(xp, dtype), device=device)


def eye(n_rows: int, n_cols: int | None = None, /, *, k: int = 0, dtype: Any = None,
        device: Any = None) -> Any:
    """Ones on the ``k``-th diagonal."""
    xp = library_of(device)
    if xp is None:
        return np.eye(n_rows, n_cols, k=k, dtype=_in(None, dtype))
    return xp.eye(n_rows, n_cols, k=k, dtype=_in(xp, dtype), device=device)


def linspace(start: Any, stop: Any, /, num: int, *, dtype: Any = None, device: Any = None,
             endpoint: bool = True) -> Any:
    """``num`` evenly spaced values from ``start`` to ``stop`` (traced ends differentiate)."""
    xp = library_of(device)
    if xp is None or any_foreign(start, stop):
        return cnp.linspace(start, stop, num, endpoint=endpoint, dtype=_in(None, dtype))
    return xp.linspace(start, stop, num, dtype=_in(xp, dtype), device=device, endpoint=endpoint)


def asarray(obj: Any, /, *, dtype: Any = None, device: Any = None, copy: Any = None) -> Any:
    """``obj`` as an array: a traced value or an array stays where it is (``device`` must be
    its own); Python data and NumPy arrays are copied to ``device`` when one is given."""
    xp = library_of(device)
    if xp is None or any_foreign(obj) or hasattr(type(obj), "_trace"):
        return cnp.asarray(obj, dtype=_in(None, dtype) if xp is None else dtype)
    return xp.asarray(np.asarray(obj), dtype=_in(xp, dtype), device=device, copy=copy)


def _like(name: str):
    numpy_like = getattr(cnp, name)

    def like(x: Any, /, *args: Any, dtype: Any = None, device: Any = None) -> Any:
        xp = library_of(device)
        if xp is None or any_foreign(x):  # where x is (another device would need a move)
            return numpy_like(x, *args, dtype=_in(None, dtype) if xp is None else dtype)
        dt = _in(xp, dtype if dtype is not None else x.dtype)
        fill = {"zeros_like": 0, "ones_like": 1}.get(name)
        value = args[0] if name == "full_like" else fill
        if value is None:
            return xp.empty(tuple(x.shape), dtype=dt, device=device)
        return xp.full(tuple(x.shape), value, dtype=dt, device=device)

    like.__name__ = name
    like.__doc__ = f"``{name}`` with the standard's ``device=``."
    return like


zeros_like, ones_like, empty_like, full_like = (
    _like(n) for n in ("zeros_like", "ones_like", "empty_like", "full_like"))
