"""The tracer of a function being compiled by ``cr.jit``: one slot of the program. Every
Python read of its data (``float``, ``int``, ``np.asarray``, ``.item()``...) is refused by its
``Staged`` value, naming the line (``chainrule.jit.staging``)."""

from __future__ import annotations

from typing import Any

from chainrule.tracer import Tracer


class JitTracer(Tracer):
    """A value of a function being compiled: one slot of the program."""

    __slots__ = ("_slot",)
    _staging = True

    def __float__(self) -> float:
        return self._value._read("float(x)")

    def __int__(self) -> int:
        return self._value._read("int(x)")

    def __complex__(self) -> complex:
        return self._value._read("complex(x)")

    def __index__(self) -> int:
        return self._value._read("using it as an index")

    def item(self, *args: Any) -> Any:
        return self._value._read("x.item()")

    def tolist(self) -> Any:
        return self._value._read("x.tolist()")

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        return self._value._read("converting it to a NumPy array")

    def _rebind(self, new: JitTracer) -> None:
        self._value, self._trace, self._slot = new._value, new._trace, new._slot
