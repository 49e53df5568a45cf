"""Shared pieces of the special-function primitives (``ops/special_*.py``).

SciPy's special functions are NumPy ufuncs. Each public function here runs the SciPy ufunc
itself on plain values (every ufunc keyword allowed) and its chainrule primitive on traced ones.
Arguments that are constants by nature (a Bessel order, the ``n`` of ``polygamma``) refuse
traced values with an error naming them, instead of silently treating them as constants.

Complex arguments: where SciPy defines a function for complex numbers and it is holomorphic
there (erf, gamma, psi, the Bessel functions J, Y, I, K of complex argument ...), its rule
``g * f'(z)`` is the real one under chainrule's convention (no conjugate), so the same primitive
serves both (``complex_ok=True``). Every other function refuses complex traced values.
"""

from __future__ import annotations

from typing import Any

from chainrule.backend import PLAIN_TYPES
from chainrule.describe import describe
from chainrule.ops.portable_c import refuse
from chainrule.primitive import Primitive
from chainrule.tracer import Tracer


def traced(*xs: Any) -> bool:
    """Whether any of ``xs`` is a traced value."""
    return any(isinstance(x, Tracer) for x in xs)


def no_options(name: str, kwargs: dict) -> None:
    """Refuse ufunc keywords (``out=``, ``where=`` ...) on traced values."""
    if kwargs:
        raise TypeError(
            f"scipy.special.{name}: the keyword arguments {sorted(kwargs)} are not supported on "
            "traced values; use the returned array (and np.where for masks) instead."
        )


def real_only(name: str, *args: Any) -> None:
    """Refuse complex traced values: these rules are derived for real arguments. ``name``
    without a dot is a ``scipy.special`` function. (Callers refuse another library's arrays
    first, with ``refuse``: the Array API standard has no special functions.)"""
    name = name if "." in name else f"scipy.special.{name}"
    for a in args:
        if isinstance(a, Tracer) and a.dtype.kind == "c":
            raise TypeError(
                f"{name}: chainrule differentiates it for real arguments only "
                f"(given a {describe(a)}). Differentiate the real and imaginary parts "
                "separately, or apply cr.stop_gradient if no derivative is needed."
            )


def apply(name: str, prim: Primitive, ufunc: Any, args: tuple, kwargs: dict,
          complex_ok: bool = False) -> Any:
    """``ufunc(*args, **kwargs)`` on plain values, ``prim(*args)`` when one is traced; complex
    traced values are refused unless ``complex_ok`` (the rule holds for complex arguments).
    Another library's arrays raise ``BackendError`` (SciPy computes these on NumPy arrays)."""
    for a in args:
        if a.__class__ not in PLAIN_TYPES:
            break
    else:  # NumPy arrays and Python numbers only: SciPy itself
        return ufunc(*args, **kwargs)
    refuse(f"scipy.special.{name}", *args)
    if not traced(*args):
        return ufunc(*args, **kwargs)
    no_options(name, kwargs)
    if not complex_ok:
        real_only(name, *args)
    return prim(*args)


def constant_argument(name: str, argument: str, value: Any, why: str) -> None:
    """Raise if ``value`` (the argument called ``argument`` of ``name``) is traced.

    ``why`` says why chainrule does not differentiate it (a discrete order, no closed form).
    """
    if isinstance(value, Tracer):
        raise TypeError(
            f"scipy.special.{name}: no derivative with respect to {argument} (given a "
            f"{describe(value)}): {why}. Pass {argument} as a constant, e.g. "
            f"cr.stop_gradient({argument.split()[-1]}), if you do not need its derivative."
        )
