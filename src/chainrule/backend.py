"""Array namespaces: the module whose functions a primitive's implementation calls.

DESIGN.md principle 5: an implementation runs in the namespace of its operands, so that NumPy
arrays are computed by NumPy and an Array API array (CuPy on a GPU, ``array-api-strict``) by its
own library, never copied to the host. Python scalars and NumPy arrays give ``numpy``.

The namespace of another library's array comes from ``array-api-compat`` when it is installed
(the well-kept adapter that gives CuPy, PyTorch and Dask arrays a standard namespace; the
``gpu`` and ``dev`` extras install it), else from the array's own ``__array_namespace__``.
A primitive whose implementation has not been written for other namespaces yet refuses their
arrays with a ``BackendError`` (``refuse_foreign``), so nothing is ever converted behind the
user's back.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from chainrule.describe import describe

_NUMPY_TYPES = (np.ndarray, np.generic, float, int, complex, bool)
# The classes that are never another library's arrays: checked by identity on the hot path.
PLAIN_TYPES = frozenset({np.ndarray, float, int, complex, bool, type(None), str, slice,
                         type(Ellipsis)} | {np.dtype(c).type for c in np.typecodes["All"]})


class BackendError(TypeError):
    """Arrays of different libraries mixed in one operation, or an operation that does not yet
    run on another library's arrays: either would need a silent copy, which chainrule never
    makes."""


def foreign(x: Any) -> bool:
    """Whether ``x`` is an array of a library other than NumPy (CuPy, array-api-strict, ...).

    Example:
        >>> import numpy as np
        >>> foreign(np.ones(2)), foreign(2.0)
        (False, False)
    """
    cls = x.__class__
    while cls not in PLAIN_TYPES and hasattr(cls, "_trace"):  # traced: the value inside
        x = x._value
        cls = x.__class__
    if cls in PLAIN_TYPES or isinstance(x, _NUMPY_TYPES):
        return False
    if getattr(x, "_jit_value", False):  # a value staged by cr.jit: the array inside
        return foreign(x.array)
    if _deferred(x):  # a forward-mode output not computed yet: its operands tell
        return foreign(x.value) if x.value is not None else any(foreign(a) for a in x.args)
    return hasattr(x, "__array_namespace__") or _compat_namespace(x) is not None


def _deferred(x: Any) -> bool:
    """Whether ``x`` is a ``chainrule.deferred.Deferred`` (told without importing it)."""
    return hasattr(type(x), "force") and hasattr(x, "prim")


def _traced(x: Any) -> bool:
    """Whether ``x`` is a traced value (``chainrule.tracer.Tracer``: its slots ``_value`` and
    ``_trace``), told without importing the tracer, which builds on this module."""
    return hasattr(type(x), "_trace")


def namespace(*arrays: Any) -> ModuleType:
    """The array namespace shared by ``arrays`` (``numpy`` unless they are another library's).

    Python scalars mix with any namespace; a NumPy array mixed with another library's arrays
    raises ``BackendError`` (computing it would copy one side silently), as do arrays of two
    other libraries. A traced value gives the namespace of its face (``chainrule.array_api``),
    whose operations dispatch on the values inside.

    Example:
        >>> import numpy as np
        >>> namespace(np.ones(2), 3.0) is np
        True
    """
    found: ModuleType | None = None
    numpy_seen = None
    for a in arrays:
        if a is None or a.__class__ in PLAIN_TYPES or isinstance(a, _NUMPY_TYPES):
            if isinstance(a, np.ndarray):
                numpy_seen = a
            continue
        if _traced(a):  # traced values: the face, which dispatches on their values
            return a.__array_namespace__()
        if getattr(a, "_jit_value", False):  # a value inside cr.jit: a namespace that stages
            return a.namespace(arrays)
        xp = _namespace_of(a)
        if found is None:
            found = xp
        elif xp is not found:
            raise BackendError(f"arrays of two libraries in one operation ({found.__name__} and "
                               f"{xp.__name__}): move them to one library first")
    if found is None:
        return np
    if numpy_seen is not None:
        raise BackendError(
            f"a NumPy array (shape {numpy_seen.shape}) mixed with {found.__name__} arrays: "
            f"computing it would copy one of them silently; convert the NumPy array with "
            f"{found.__name__}.asarray(...) first")
    return found


def _namespace_of(a: Any) -> ModuleType:
    compat = _compat_namespace(a)
    if compat is not None:
        return compat
    get = getattr(a, "__array_namespace__", None)
    if get is None:
        raise BackendError(f"{type(a).__module__}.{type(a).__name__} is not an array of any "
                           "known library (it has no __array_namespace__)")
    return get()


def _compat_namespace(a: Any) -> ModuleType | None:
    """``array_api_compat.array_namespace(a)`` when array-api-compat is installed and knows the
    array's library, else None."""
    try:
        import array_api_compat
    except ImportError:
        return None
    try:
        return array_api_compat.array_namespace(a)
    except TypeError:
        return None


def refuse_foreign(name: str, args: Any) -> BackendError:
    """The error for an operation that runs on NumPy arrays only so far, given ``args`` that
    hold another library's array."""
    arr = next(a for a in args if foreign(a))
    xp = _namespace_of(arr._value if _traced(arr) else arr)
    return BackendError(
        f"{name}: runs on NumPy arrays only so far, and got a {describe(arr)} of "
        f"{xp.__name__}. Nothing is copied behind your back: convert explicitly with "
        f"np.asarray(...) (a copy to the host) if you want it computed by NumPy.")


def dtype_kind(x: Any) -> str:
    """NumPy's one-letter kind of ``x``'s dtype ('f', 'c', 'i', 'u', 'b', ...) for an array of
    any library.

    Example:
        >>> import numpy as np
        >>> dtype_kind(np.ones(2)), dtype_kind(1j)
        ('f', 'c')
    """
    dtype = getattr(x, "dtype", None)
    if isinstance(dtype, np.dtype):  # NumPy's, also a traced NumPy value's: no dispatch
        return dtype.kind
    while _traced(x):  # the value under every level of tracing
        x = x._value
    if not foreign(x):
        return np.result_type(x).kind
    xp, dt = namespace(x), x.dtype
    for kind, name in (("b", "bool"), ("i", "signed integer"), ("u", "unsigned integer"),
                       ("f", "real floating"), ("c", "complex floating")):
        if xp.isdtype(dt, name):
            return kind
    return "O"


def zeros_like(x: Any) -> Any:
    """Zeros of ``x``'s shape and dtype, in ``x``'s library (a new NumPy array for NumPy values
    and Python scalars).

    Example:
        >>> import numpy as np
        >>> zeros_like(np.float32(2.0)).dtype, zeros_like(np.ones((2, 1))).shape
        (dtype('float32'), (2, 1))
    """
    if not foreign(x):
        return np.zeros(np.shape(x), dtype=np.result_type(x))
    return library(x).zeros(tuple(x.shape), dtype=x.dtype, device=device(x))


def ones_like(x: Any) -> Any:
    """Ones of ``x``'s shape and dtype, in ``x``'s library (see ``zeros_like``).

    Example:
        >>> import numpy as np
        >>> ones_like(np.zeros(2)).tolist()
        [1.0, 1.0]
    """
    if not foreign(x):
        return np.ones(np.shape(x), dtype=np.result_type(x))
    return library(x).ones(tuple(x.shape), dtype=x.dtype, device=device(x))


def device(x: Any) -> Any:
    """The device of another library's array ``x``, under every level of tracing: where the
    constants it is computed with must be created (its library's default device may be another,
    and arrays of two devices do not combine).

    Example:
        >>> import numpy as np
        >>> device(np.ones(2))
        'cpu'
    """
    while _traced(x):
        x = x._value
    if _deferred(x):  # not computed yet: its own operands tell
        return device(x.value if x.value is not None else next(a for a in x.args if foreign(a)))
    return x.device


def library(*xs: Any) -> ModuleType:
    """The namespace of the library that holds the values of ``xs``, under every level of
    tracing (``namespace`` gives a traced value's face instead); ``numpy`` for NumPy values and
    Python scalars.

    Example:
        >>> import numpy as np
        >>> library(np.ones(2), 1.0) is np
        True
    """
    plain = []
    for x in xs:
        while _traced(x):
            x = x._value
        if _deferred(x):
            plain.extend(x.args if x.value is None else (x.value,))
        else:
            plain.append(x)
    return namespace(*plain)


def any_foreign(*xs: Any) -> bool:
    """Whether one of ``xs`` is (or traces) another library's array; NumPy values and Python
    scalars are told by one class test.

    Example:
        >>> import numpy as np
        >>> any_foreign(np.ones(2), 2.0, None)
        False
    """
    for x in xs:
        if x.__class__ in PLAIN_TYPES:  # NumPy arrays and scalars, Python numbers, None
            continue
        if foreign(x):
            return True
    return False


# The Array API standard's elementwise functions (2023.12), by NumPy's name where it differs.
STANDARD_NAMES = {
    "absolute": "abs", "arccos": "acos", "arccosh": "acosh", "arcsin": "asin",
    "arcsinh": "asinh", "arctan": "atan", "arctan2": "atan2", "arctanh": "atanh",
    "power": "pow", "true_divide": "divide", "conjugate": "conj",
}
_STANDARD_ELEMENTWISE = frozenset({
    "abs", "acos", "acosh", "add", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "conj",
    "copysign", "cos", "cosh", "divide", "equal", "exp", "expm1", "floor", "floor_divide",
    "greater", "greater_equal", "hypot", "imag", "isfinite", "isinf", "isnan", "less",
    "less_equal", "log", "log1p", "log2", "log10", "logaddexp", "maximum", "minimum", "multiply",
    "negative", "not_equal", "positive", "pow", "real", "remainder", "round", "sign", "signbit",
    "sin", "sinh", "square", "sqrt", "subtract", "tan", "tanh", "trunc",
    "matmul",  # a generalized ufunc in NumPy, a function of the same call in the standard
})


# The standard's functions defined for floating-point inputs only (NumPy promotes integers).
_FLOATING_ONLY = frozenset({
    "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "cos", "cosh", "divide", "exp",
    "expm1", "hypot", "log", "log1p", "log2", "log10", "logaddexp", "sin", "sinh", "sqrt",
    "tan", "tanh",
})


def standard(ufunc: np.ufunc) -> Any:
    """The implementation of NumPy's ``ufunc`` for other libraries' arrays: the Array API
    standard's function of the same meaning, taken from the operands' namespace (Python
    scalars become arrays of the array operand's dtype, as NumPy's weak scalars do); None when
    the standard has no such function.

    Example:
        >>> import numpy as np
        >>> standard(np.arcsin).__name__, standard(np.cbrt)
        ('asin', None)
    """
    name = STANDARD_NAMES.get(ufunc.__name__, ufunc.__name__)
    if name not in _STANDARD_ELEMENTWISE:
        return None

    floating_only = name in _FLOATING_ONLY

    def impl(*args: Any) -> Any:
        xp = namespace(*args)
        arrays = as_arrays(xp, args)
        if floating_only:  # NumPy computes integers and booleans in the default float
            arrays = [xp.astype(a, xp.float64) if hasattr(a, "dtype") and not xp.isdtype(
                a.dtype, ("real floating", "complex floating")) else a for a in arrays]
        return getattr(xp, name)(*arrays)

    impl.__name__ = name
    return impl


def as_arrays(xp: ModuleType, args: Any) -> list[Any]:
    """``args`` with Python scalars made arrays of ``xp`` the way NumPy treats them (weak
    scalars, NEP 50): of the array operand's dtype (``float32 array * 2.0`` stays float32),
    promoted where the scalar's kind is wider (a float with an integer array gives the default
    float, a complex with a real array the complex dtype of its precision), on the array
    operand's device."""
    like = next((a for a in args if not isinstance(a, bool | int | float | complex)), None)
    if like is None:
        return list(args)
    return [_scalar(xp, a, like.dtype, device(like))
            if isinstance(a, bool | int | float | complex) else a for a in args]


def _scalar(xp: ModuleType, s: bool | int | float | complex, dtype: Any, where: Any) -> Any:
    if isinstance(s, complex) and not xp.isdtype(dtype, "complex floating"):
        dtype = xp.complex64 if dtype == xp.float32 else xp.complex128
    elif isinstance(s, float) and not xp.isdtype(dtype, ("real floating", "complex floating")):
        dtype = None  # the default floating dtype
    elif isinstance(s, int) and not isinstance(s, bool) and xp.isdtype(dtype, "bool"):
        dtype = None
    return xp.asarray(s, dtype=dtype, device=where)


def to_host(x: Any) -> np.ndarray:
    """An explicit NumPy copy of ``x`` (a NumPy array, or another library's: CuPy's ``get``,
    else DLPack): what a checkpoint stores. Nothing else in chainrule copies to the host.

    Example:
        >>> import numpy as np
        >>> a = np.ones(2); b = to_host(a)
        >>> b is a, b.tolist()
        (False, [1.0, 1.0])
    """
    while _traced(x):
        x = x._value
    if not foreign(x):
        return np.array(x)
    get = getattr(x, "get", None)
    if callable(get) and type(x).__module__.split(".")[0] == "cupy":  # device -> host
        return get()
    return np.array(np.from_dlpack(x))


def to_library(a: np.ndarray, like: Any) -> Any:
    """The NumPy array ``a`` copied into the library of ``like``, onto its device, with
    ``like``'s dtype; a NumPy copy of that dtype when ``like`` is NumPy's. The explicit way in,
    used when a checkpoint is loaded into a module whose arrays live elsewhere.

    Example:
        >>> import numpy as np
        >>> to_library(np.arange(3), np.zeros(3, np.float32)).dtype
        dtype('float32')
    """
    if not foreign(like):
        return np.asarray(a).astype(np.result_type(like), copy=True)
    xp = library(like)
    while _traced(like):
        like = like._value
    dtype = like.dtype
    return xp.asarray(np.asarray(a).astype(str(dtype).rsplit(".", 1)[-1]), dtype=dtype,
                      device=like.device)
