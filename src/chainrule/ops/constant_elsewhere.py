"""NumPy's constant functions (``ops/constant.py``: comparisons, rounding, arg-functions,
predicates, templates) on another library's arrays (issue 12): the Array API standard's
function of the same meaning in their namespace, with NumPy's positional parameters passed as
the standard's keywords, a few compositions where the standard names the function otherwise
(``fix`` is ``trunc``, ``isposinf`` is ``isinf & (x > 0)``), and a ``BackendError`` for the
rest (never a silent copy to NumPy).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.backend import STANDARD_NAMES, BackendError, as_arrays, dtype_kind, namespace
from chainrule.ops.portable_a import xp_dtype

# NumPy's parameters after the array, in order, by the standard's keyword names (None: a
# positional operand the standard takes positionally too).
_POSITIONAL = {
    "argmax": ("axis",), "argmin": ("axis",), "any": ("axis",), "all": ("axis",),
    "count_nonzero": ("axis",), "argsort": ("axis",), "searchsorted": (None, "side"),
    "zeros_like": ("dtype",), "ones_like": ("dtype",), "empty_like": ("dtype",),
    "round": ("decimals",), "around": ("decimals",),
}
# The keywords the standard's functions take as NumPy's do (others are refused).
_KEYWORDS = frozenset({"axis", "keepdims", "side", "dtype"})
_RENAMED = {"fix": "trunc", "rint": "round", "around": "round"}


def _refusal(name: str, xp: Any, why: str = "has no Array API equivalent") -> BackendError:
    return BackendError(f"numpy.{name}: {why} for {xp.__name__} arrays; nothing is copied "
                        "behind your back: convert explicitly with np.asarray(...) to compute "
                        "it on the host")


def _composed(name: str, xp: Any, x: Any) -> Any:
    """The functions answered from the array's attributes or composed of standard ones."""
    if name == "shape":
        return tuple(x.shape)
    if name == "ndim":
        return x.ndim
    if name == "iscomplexobj":
        return dtype_kind(x) == "c"
    if name == "isrealobj":
        return dtype_kind(x) != "c"
    if name == "isposinf":
        return xp.isinf(x) & (x > 0)
    if name == "isneginf":
        return xp.isinf(x) & (x < 0)
    complex_imag = xp.imag(x) != 0 if dtype_kind(x) == "c" else None
    if complex_imag is None:
        fill = xp.zeros if name == "iscomplex" else xp.ones
        return fill(x.shape, dtype=xp.bool, device=x.device)
    return complex_imag if name == "iscomplex" else ~complex_imag


def elsewhere(name: str, args: tuple, kwargs: dict) -> Any:
    """``numpy.<name>(*args, **kwargs)`` for arguments holding another library's arrays."""
    xp = namespace(*(a for a in args if not isinstance(a, type | str | np.dtype)))
    if name in ("shape", "ndim", "iscomplexobj", "isrealobj", "isposinf", "isneginf",
                "iscomplex", "isreal") and len(args) == 1 and not kwargs:
        return _composed(name, xp, args[0])
    if name == "size" and len(args) == 1 and set(kwargs) <= {"axis"}:
        axis = kwargs.get("axis")
        return args[0].size if axis is None else args[0].shape[axis]
    names = _POSITIONAL.get(name, ())
    operands, extra = list(args[:1]), args[1:]
    if len(extra) > len(names) and name not in _POSITIONAL:
        operands, extra = list(args), ()
    if len(extra) > len(names):
        raise _refusal(name, xp, "takes more operands than its Array API equivalent")
    params = dict(kwargs)
    for key, value in zip(names, extra, strict=False):
        if key is None:
            operands.append(value)
        elif key in params:
            raise TypeError(f"{name}() got multiple values for argument {key!r}")
        else:
            params[key] = value
    if params.pop("decimals", 0) != 0:
        raise _refusal(name, xp, "rounds to whole numbers only in the Array API standard "
                                 "(decimals=0)")
    std = getattr(xp, STANDARD_NAMES.get(name, _RENAMED.get(name, name)), None)
    if std is None or not set(params) <= _KEYWORDS:
        raise _refusal(name, xp)
    if params.get("dtype") is not None:
        params["dtype"] = xp_dtype(xp, params["dtype"])
    if name == "argsort":  # NumPy's stable order of ties (its default sort is no stable one)
        params["stable"] = True
    return std(*as_arrays(xp, operands), **params)
