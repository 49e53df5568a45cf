"""NumPy's dispatch protocols for traced values: route ``np.*`` calls to ``chainrule.numpy``.

``np.exp(x)`` on a traced ``x`` arrives here through ``__array_ufunc__``; ``np.sum``, ``np.dot`` and
the other array functions through ``__array_function__``. Anything chainrule has no derivative for
raises an error naming the function, never a silently wrong derivative.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import numpy as np

from chainrule.primitive import NoDerivativeError
from chainrule.tracer import Tracer

UFUNCS: dict[Any, Any] = {}
FUNCS: dict[Any, Any] = {}
# NumPy functions whose result may be a view of their first argument (views.py follows them).
VIEW_FUNCS = frozenset(
    getattr(np, name) for name in (
        "reshape", "transpose", "swapaxes", "moveaxis", "rollaxis", "ravel", "squeeze",
        "expand_dims", "diagonal", "real", "imag", "atleast_1d", "atleast_2d", "atleast_3d",
        "broadcast_to", "flip", "fliplr", "flipud", "split", "array_split", "hsplit",
        "vsplit", "dsplit", "matrix_transpose", "unstack",
    ) if hasattr(np, name)
)

# ufunc.reduce / ufunc.accumulate methods with a differentiable equivalent.
_UFUNC_METHODS = {
    ("add", "reduce"): "sum",
    ("multiply", "reduce"): "prod",
    ("maximum", "reduce"): "max",
    ("minimum", "reduce"): "min",
    ("add", "accumulate"): "cumsum",
    ("multiply", "accumulate"): "cumprod",
}


def build_tables() -> None:
    """Map every NumPy callable that ``chainrule.numpy`` implements under the same name
    (called once, at the end of ``chainrule.numpy``'s import)."""
    from chainrule import numpy as cnp

    for module, namespace in ((np, cnp), (np.linalg, cnp.linalg), (np.fft, cnp.fft)):
        for name in namespace.__all__:
            target = getattr(module, name, None)
            if target is None:
                continue
            table = UFUNCS if isinstance(target, np.ufunc) else FUNCS
            table[target] = getattr(namespace, name)


def _traced_args(args: Any) -> str:
    found = []
    stack = list(args)
    while stack:
        a = stack.pop(0)
        if isinstance(a, Tracer):
            found.append(a._describe())
        elif isinstance(a, list | tuple):
            stack[:0] = list(a)
    return ", ".join(found) or "traced values"


def no_derivative(name: str, args: Any) -> NoDerivativeError:
    return NoDerivativeError(
        f"{name} has no derivative rule in chainrule (called on {_traced_args(args)}). "
        f"If you do not need the derivative through it, apply it to cr.stop_gradient(x); "
        f"otherwise define it as a primitive with its own rule: "
        f"p = cr.primitive(impl); p.defvjp(...); p.defjvp(...)."
    )


def array_ufunc(ufunc: Any, method: str, inputs: tuple, kwargs: dict) -> Any:
    """A ufunc call other than the common ``np.exp(x)`` (which ``Tracer.__array_ufunc__``
    dispatches itself): keywords, ``reduce``/``accumulate``, or a ufunc with no rule."""
    if kwargs.get("out") is not None:
        raise TypeError(
            f"numpy.{ufunc.__name__}(..., out=...) on {_traced_args(inputs)}: writing into an "
            "existing array would lose the derivative. Use the returned value instead."
        )
    kwargs.pop("out", None)
    if method != "__call__":
        name = _UFUNC_METHODS.get((ufunc.__name__, method))
        if name is None:
            raise no_derivative(f"numpy.{ufunc.__name__}.{method}", inputs)
        from chainrule import numpy as cnp

        kwargs.setdefault("axis", 0)  # NumPy's default for ufunc.reduce / accumulate
        return getattr(cnp, name)(*inputs, **kwargs)
    f = UFUNCS.get(ufunc)
    if f is None and _scipy_ufunc(ufunc):
        # The SciPy face sits on top of this one and registers SciPy's ufuncs in UFUNCS when it
        # loads; it is loaded on demand, by name, the first time one meets a traced value.
        importlib.import_module("chainrule.scipy.special")
        f = UFUNCS.get(ufunc)
    if f is None:
        raise no_derivative(_ufunc_name(ufunc), inputs)
    if kwargs:
        dtype = kwargs.pop("dtype", None)
        if kwargs:
            raise TypeError(
                f"numpy.{ufunc.__name__}: the keyword arguments {sorted(kwargs)} are not "
                f"supported on {_traced_args(inputs)}; compute without them (e.g. use "
                "np.where for a mask)."
            )
        out = f(*inputs)
        return out.astype(dtype) if dtype is not None else out
    return f(*inputs)


def _scipy_ufunc(ufunc: Any) -> bool:
    """Whether ``ufunc`` is one of ``scipy.special``'s (SciPy is never imported from here:
    only an already imported ``scipy.special`` is looked at, so ``import chainrule`` stays
    cheap)."""
    for module in ("scipy.special", "scipy.special._ufuncs"):  # zeta's ufunc is _ufuncs._zeta
        found = sys.modules.get(module)
        if found is not None and getattr(found, ufunc.__name__, None) is ufunc:
            return True
    return False


def _ufunc_name(ufunc: Any) -> str:
    name = ufunc.__name__
    return f"scipy.special.{name.lstrip('_')}" if _scipy_ufunc(ufunc) else f"numpy.{name}"


def unsupported_function(func: Any, args: tuple) -> NoDerivativeError:
    """The error for a NumPy function with no chainrule equivalent (``Tracer.__array_function__``
    dispatches the others through ``FUNCS``)."""
    return no_derivative(f"{_public_module(func)}.{func.__name__}", args)


def _public_module(func: Any) -> str:
    """'numpy._core.fromnumeric' -> 'numpy', 'numpy.fft' -> 'numpy.fft'."""
    parts = []
    for part in (func.__module__ or "numpy").split("."):
        if part.startswith("_"):
            break
        parts.append(part)
    return ".".join(parts)

