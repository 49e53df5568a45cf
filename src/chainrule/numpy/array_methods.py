"""Traced values as NumPy arrays: Python operators, ndarray methods and properties, indexing
and in-place updates, and NumPy's dispatch protocols (``__array_ufunc__``,
``__array_function__``), each routed to ``chainrule.numpy``. (``__array_namespace__`` is
installed by ``chainrule.array_api``.)

The core ``Tracer`` (``chainrule.tracer``) knows nothing of them: ``install()``, called once when
``chainrule.numpy`` has loaded, puts every attribute of ``ArrayMethods`` on it. The core thus
imports nothing of the NumPy face, which registers itself on top (DESIGN.md principle 2).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule import numpy as cnp
from chainrule.backend import dtype_kind as kind
from chainrule.backend import library as plain_namespace
from chainrule.numpy import dispatch, views
from chainrule.numpy.dispatch import FUNCS, UFUNCS, VIEW_FUNCS
from chainrule.primitive import Primitive
from chainrule.tracer import Tracer, primal


class ArrayMethods:
    """The NumPy face of a traced value (its attributes are installed on ``Tracer``)."""

    __array_priority__ = 1000.0

    # --- NumPy protocols --------------------------------------------------------------------
    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if method == "__call__" and not kwargs:  # np.exp(x), X @ W: one frame less
            f = UFUNCS.get(ufunc)
            if f is not None:
                if f.__class__ is Primitive and len(inputs) <= 2:  # as for operators
                    return _operator(f, self, inputs[-1] if inputs[0] is self else inputs[0],
                                     *inputs)
                return f(*inputs)
        return dispatch.array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        f = FUNCS.get(func)
        if f is None:
            raise dispatch.unsupported_function(func, args)
        if func in VIEW_FUNCS and args and args[0] is self:
            return views.link_if_view(self, f(*args, **kwargs))
        return f(*args, **kwargs)

    # --- operators: each routes to its chainrule.numpy function -----------------------
    def __neg__(self):
        trace = self._trace
        if trace.alive:
            return trace.process(cnp.negative, (self,), _NO_PARAMS, False)
        return cnp.negative(self)

    def __pos__(self):
        return self._alias()

    def __abs__(self):
        return cnp.absolute(self)

    def __add__(self, o):
        return _operator(cnp.add, self, o, self, o)

    def __radd__(self, o):
        return _operator(cnp.add, self, o, o, self)

    def __sub__(self, o):
        return _operator(cnp.subtract, self, o, self, o)

    def __rsub__(self, o):
        return _operator(cnp.subtract, self, o, o, self)

    def __mul__(self, o):
        return _operator(cnp.multiply, self, o, self, o)

    def __rmul__(self, o):
        return _operator(cnp.multiply, self, o, o, self)

    def __truediv__(self, o):
        return _operator(cnp.divide, self, o, self, o)

    def __rtruediv__(self, o):
        return _operator(cnp.divide, self, o, o, self)

    def __pow__(self, o):
        return _operator(cnp.power, self, o, self, o)

    def __rpow__(self, o):
        return _operator(cnp.power, self, o, o, self)

    def __matmul__(self, o):
        return _operator(cnp.matmul, self, o, self, o)

    def __rmatmul__(self, o):
        return _operator(cnp.matmul, self, o, o, self)

    def __mod__(self, o):
        return cnp.mod(self, o)

    def __rmod__(self, o):
        return cnp.mod(o, self)

    def __floordiv__(self, o):
        return cnp.floor_divide(self, o)

    def __rfloordiv__(self, o):
        return cnp.floor_divide(o, self)

    def __lt__(self, o):
        return cnp.less(self, o)

    def __le__(self, o):
        return cnp.less_equal(self, o)

    def __gt__(self, o):
        return cnp.greater(self, o)

    def __ge__(self, o):
        return cnp.greater_equal(self, o)

    def __eq__(self, o):
        return cnp.equal(self, o)  # type: ignore[override]

    def __ne__(self, o):
        return cnp.not_equal(self, o)  # type: ignore[override]

    # --- indexing ---------------------------------------------------------------------------
    def __getitem__(self, index: Any) -> Any:
        out = cnp.getitem(self, index)
        if out.__class__ is self.__class__ and views.is_view_index(index, self.ndim):
            views.link(self, out, index)
        return out

    def __setitem__(self, index: Any, value: Any) -> None:
        """``x[i] = v`` on a traced array: a functional index update rebinding this tracer.

        As in NumPy, views of ``x`` (``y = x[0:2]``) show the update and, if ``x`` is itself a
        view, the array it views is updated too (``views.py``).
        """
        new = cnp.index_update(self, index, value)
        if type(new) is not type(self) or new._trace is not self._trace:
            raise TypeError(
                f"x[...] = v: v is traced by an inner transformation but x ({self._describe()}) "
                "belongs to an outer one, so x cannot be updated in place. Build a new array "
                "instead: x = cr.numpy.index_update(x, index, v)."
            )
        views.assign(self, new, "x[...] = v")

    # In-place operators update this tracer object (and its views), as NumPy updates the array.
    def __iadd__(self, o):
        return views.in_place(self, cnp.add(self, o), "+=")

    def __isub__(self, o):
        return views.in_place(self, cnp.subtract(self, o), "-=")

    def __imul__(self, o):
        return views.in_place(self, cnp.multiply(self, o), "*=")

    def __itruediv__(self, o):
        return views.in_place(self, cnp.divide(self, o), "/=")

    def __ipow__(self, o):
        return views.in_place(self, cnp.power(self, o), "**=")

    def __imatmul__(self, o):
        return views.in_place(self, cnp.matmul(self, o), "@=")

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError(f"iteration over a {self._describe()} (0-d)")
        return (self[i] for i in range(self.shape[0]))


    # --- ndarray methods --------------------------------------------------------------------
    @property
    def T(self):
        return views.link_if_view(self, cnp.transpose(self))

    @property
    def mT(self):
        return views.link_if_view(self, cnp.swapaxes(self, -1, -2))

    @property
    def real(self):
        if kind(self) != "c":  # NumPy: x.real is x itself for real x
            return self
        return views.link_if_view(self, cnp.real(self))

    @property
    def imag(self):
        return views.link_if_view(self, cnp.imag(self))

    @property
    def flat(self):
        return cnp.ravel(self)

    def sum(self, axis=None, dtype=None, keepdims=False):
        return cnp.sum(self, axis, dtype, keepdims=keepdims)

    def mean(self, axis=None, dtype=None, keepdims=False):
        return cnp.mean(self, axis, dtype, keepdims=keepdims)

    def prod(self, axis=None, dtype=None, keepdims=False):
        return cnp.prod(self, axis, dtype, keepdims=keepdims)

    def max(self, axis=None, keepdims=False):
        return cnp.max(self, axis, keepdims=keepdims)

    def min(self, axis=None, keepdims=False):
        return cnp.min(self, axis, keepdims=keepdims)

    def var(self, axis=None, dtype=None, ddof=0, keepdims=False):
        return cnp.var(self, axis, dtype, ddof=ddof, keepdims=keepdims)

    def std(self, axis=None, dtype=None, ddof=0, keepdims=False):
        return cnp.std(self, axis, dtype, ddof=ddof, keepdims=keepdims)

    def cumsum(self, axis=None):
        return cnp.cumsum(self, axis)

    def cumprod(self, axis=None):
        return cnp.cumprod(self, axis)

    def dot(self, o):
        return cnp.dot(self, o)

    def reshape(self, *shape, order="C"):
        out = cnp.reshape(self, shape[0] if len(shape) == 1 else shape, order=order)
        return views.link_if_view(self, out)

    def transpose(self, *axes):
        return views.link_if_view(
            self, cnp.transpose(self, axes[0] if len(axes) == 1 else (axes or None)))

    def swapaxes(self, a, b):
        return views.link_if_view(self, cnp.swapaxes(self, a, b))

    def ravel(self, order="C"):
        return views.link_if_view(self, cnp.ravel(self, order=order))

    def flatten(self, order="C"):
        return cnp.ravel(self, order=order)

    def squeeze(self, axis=None):
        return views.link_if_view(self, cnp.squeeze(self, axis))

    def clip(self, min=None, max=None):
        return cnp.clip(self, min, max)

    def repeat(self, repeats, axis=None):
        return cnp.repeat(self, repeats, axis)

    def take(self, indices, axis=None):
        return cnp.take(self, indices, axis)

    def diagonal(self, offset=0, axis1=0, axis2=1):
        return views.link_if_view(self, cnp.diagonal(self, offset, axis1, axis2))

    def trace(self, offset=0, axis1=0, axis2=1):
        return cnp.trace(self, offset, axis1, axis2)

    def astype(self, dtype, copy=True):
        return cnp.astype(self, dtype)

    def copy(self):
        return self._alias()

    def conj(self):
        return cnp.conj(self)

    def conjugate(self):
        return cnp.conj(self)

    # Constants read from the plain value, by its own namespace (the Array API standard's
    # functions for another library's array: argmax/argmin flatten first for axis=None).
    def argmax(self, axis=None):
        return _constant(self, "argmax", axis)

    def argmin(self, axis=None):
        return _constant(self, "argmin", axis)

    def argsort(self, axis=-1):
        return _constant(self, "argsort", axis)

    def any(self, axis=None):
        return _constant(self, "any", axis)

    def all(self, axis=None):
        return _constant(self, "all", axis)

    def nonzero(self):
        p = primal(self)
        return plain_namespace(p).nonzero(p)


_NO_PARAMS: dict[str, Any] = {}


def _constant(tracer: Tracer, name: str, axis: Any) -> Any:
    """``numpy.<name>(x, axis)`` of the plain value under ``tracer``, in its namespace."""
    p = primal(tracer)
    xp = plain_namespace(p)
    if xp is np:
        return getattr(np, name)(p, axis)
    if axis is None and name in ("argmax", "argmin"):
        p = xp.reshape(p, (-1,))
    return getattr(xp, name)(p, axis=axis)


def _operator(prim: Any, tracer: Tracer, other: Any, *operands: Any) -> Any:
    """``prim(*operands)`` for a Python operator. The common cases, a traced value of a live
    trace combined with a constant or with another value of the same trace, go straight to that
    trace (one call less, and no scan of the operands); anything else takes the general route
    of ``Primitive.__call__``."""
    trace = tracer._trace
    if trace.alive and (not isinstance(other, Tracer) or (
            other.__class__ is tracer.__class__ and other._trace is trace)):
        return trace.process(prim, operands, _NO_PARAMS, False)
    return prim(*operands)


_NOT_INSTALLED = {"__module__", "__qualname__", "__doc__", "__dict__", "__weakref__"}


def install(cls: type = Tracer) -> None:
    """Give ``cls`` (the core ``Tracer``) the NumPy face: every attribute of ``ArrayMethods``.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> cr.grad(lambda x: (x * x).sum())(np.array([1.0, 2.0])).tolist()
        [2.0, 4.0]
    """
    for name, value in vars(ArrayMethods).items():
        if name not in _NOT_INSTALLED:
            setattr(cls, name, value)
