"""The array namespace of a staged value of another library (CuPy, array-api-strict) inside
``cr.jit``.

Derivative rules compute masks and factors from plain values in their own namespace
(``backend.namespace(x).where(...)``, ``xp.astype``, ``xp.sum``). Inside ``cr.jit`` such a value
is a ``Staged`` box, whose data cannot be read; the namespace it gives is this proxy of its
library's namespace: each function called with staged values is recorded as one instruction of
the program (by the recorder ``staging`` passes in) and runs in that library, so the program
recomputes it for new inputs. Called without staged values (creating a constant, ``isdtype``,
``finfo``) the library's function runs at once. NumPy's staged values keep the NumPy path (their
ufuncs and functions are recorded through ``__array_ufunc__`` and ``__array_function__``).
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

_PROXIES: dict[int, StagedNamespace] = {}


class StagedNamespace:
    """``xp`` whose functions record themselves when given staged values."""

    def __init__(self, xp: ModuleType, record: Callable) -> None:
        self._xp, self._record = xp, record

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._xp, name)
        if isinstance(found, ModuleType):  # linalg, fft: staged the same way
            return staged_namespace(found, self._record)
        if not callable(found) or isinstance(found, type):
            return found  # dtypes, constants, classes
        if name in _METADATA:
            return _unstaged(found)
        return _staging(found, f"{self._xp.__name__}.{name}", self._record)

    def __repr__(self) -> str:
        return f"StagedNamespace({self._xp.__name__})"


# Functions that read only shapes, dtypes and devices, which a cr.jit signature fixes: answered
# at once (their results are constants of the program).
_METADATA = frozenset({"result_type", "can_cast", "isdtype", "finfo", "iinfo", "zeros_like",
                       "ones_like"})


def _unstaged(f: Any) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        return f(*[a.array if getattr(a, "_jit_value", False) else a for a in args], **kwargs)

    call.__name__ = getattr(f, "__name__", "metadata")
    return call


def _staging(f: Any, name: str, record: Callable) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        return record(f, name, args, kwargs)

    call.__name__ = getattr(f, "__name__", name)
    return call


def staged_namespace(xp: ModuleType, record: Callable) -> StagedNamespace:
    """The staging proxy of ``xp`` (one per namespace), whose functions given staged values
    call ``record(f, name, args, kwargs)``."""
    proxy = _PROXIES.get(id(xp))
    if proxy is None:
        proxy = _PROXIES[id(xp)] = StagedNamespace(xp, record)
    return proxy
