"""Traced (boxed) values: the core of what flows through a function under differentiation.

A ``Tracer`` wraps a primal value (an array, or a tracer of an outer transformation) and belongs
to one trace. This module gives it what every face shares: its shape and dtype, and the refusal
of conversions that would silently drop its derivative. The array face above the core installs
the rest when it loads (``chainrule.numpy.array_methods``): Python operators, ndarray methods,
indexing and NumPy's dispatch protocols, so that unmodified NumPy code such as ``np.exp(x)`` or
``np.max(U, axis=1)[:, None]`` is differentiable.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.backend import BackendError, foreign
from chainrule.deferred import Deferred


class Tracer:
    """Base class of the values flowing through a function under differentiation."""

    # _views / _base: NumPy view relations between tracers (chainrule/numpy/views.py), set
    # only where made.
    __slots__ = ("_value", "_trace", "_views", "_base", "__weakref__")
    # Whether this trace stages a program (cr.jit) rather than differentiates: stop_gradient
    # keeps such values, which carry no derivative.
    _staging = False

    # --- what it is -------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self._value.shape

    @property
    def dtype(self) -> np.dtype:
        return self._value.dtype

    @property
    def ndim(self) -> int:
        return self._value.ndim

    @property
    def size(self) -> int:
        return self._value.size

    def __len__(self) -> int:
        if not self._value.shape:
            raise TypeError(f"len() of a {self._describe()} (0-d)")
        return self._value.shape[0]

    def _describe(self) -> str:
        if self.ndim == 0:
            return f"traced {self.dtype} scalar"
        return f"traced {self.dtype} array of shape {self.shape}"

    def __repr__(self) -> str:
        return f"Traced<{self._trace.kind}, level {self._trace.level}>({primal(self)!r})"

    # --- conversions that would silently drop the derivative --------------------------------
    def _refuse(self, what: str, instead: str) -> Any:
        raise TypeError(
            f"{what} on a {self._describe()} would silently drop its derivative. {instead} "
            "If you really want the plain value, use cr.stop_gradient(x) first."
        )

    def __float__(self) -> float:
        return self._refuse("float(x)", "Keep computing with x as an array (e.g. x.sum()).")

    def __int__(self) -> int:
        return self._refuse("int(x)", "Use x.astype(...) or keep it as an array.")

    def __complex__(self) -> complex:
        return self._refuse("complex(x)", "Keep computing with x as an array.")

    def __index__(self) -> int:
        return self._refuse("Using it as an index", "Index with integer NumPy arrays instead.")

    def item(self, *args: Any) -> Any:
        return self._refuse("x.item()", "Index it (x[()] or x[i]) to keep a traced scalar.")

    def tolist(self) -> Any:
        return self._refuse("x.tolist()", "Keep it as an array.")

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        if dtype is not None and np.dtype(dtype).kind in "iub":
            if foreign(primal(self)):
                raise BackendError(
                    f"converting a {self._describe()} of another library to a NumPy integer "
                    "array would copy it to the host: use x.astype(...) in its own library")
            # np.int64(x), np.intp(x), np.asarray(x, dtype=int), np.bool_(x): a cast to integers
            # or booleans is piecewise constant, so the plain value is exact (as x.astype(int)).
            # float(x), int(x) and floating dtypes still raise.
            return np.asarray(primal(self)).astype(dtype)
        return self._refuse(
            "Converting it to a plain NumPy array (np.asarray, np.array, or assigning it into "
            "an ndarray)",
            "Build arrays from traced values with cr.numpy.array([...]) or np.stack([...]) "
            "(np.r_[...], np.c_[...]: cr.numpy.r_[...], cr.numpy.c_[...]). "
            "SciPy functions that are not ufuncs convert their input this way: call their "
            "chainrule.scipy twins instead (chainrule.scipy.special.logsumexp, "
            "chainrule.scipy.stats.norm.logpdf, chainrule.scipy.linalg.expm, ...).",
        )

    def __bool__(self) -> bool:
        # Data-dependent control flow is fine: a branch has no derivative to lose.
        return bool(primal(self))

    __hash__ = object.__hash__

    def _alias(self) -> Tracer:
        """A new tracer object for the same recorded value: an independent "copy" that a later
        ``x[i] = v`` on either object does not affect (the recorded value itself is immutable)."""
        new = object.__new__(type(self))
        new._rebind(self)
        return new

def primal(x: Any) -> Any:
    """The plain value under every level of tracing (no derivative flows through it)."""
    while isinstance(x, Tracer):
        x = x._value
    if x.__class__ is Deferred:
        x = x.force()
    return x


def plain_array(x: Any) -> Any:
    """``np.asarray(primal(x))``: the plain NumPy value, which a derivative rule computes masks
    and factors from; inside ``cr.jit`` the staged value instead (its data cannot be read then,
    and NumPy's functions on it are recorded into the program).

    Example:
        >>> import numpy as np
        >>> plain_array([1.0, 2.0]).tolist()
        [1.0, 2.0]
    """
    v = primal(x)
    if v.__class__ is np.ndarray or not getattr(v, "_jit_value", False):
        return np.asarray(v)
    return v
