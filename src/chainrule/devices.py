"""Devices: where a model's arrays live and where its batches are sent (issue 12).

A ``Device`` is an array library's namespace with one device of it: ``"cpu"`` is NumPy,
``"gpu"``, ``"cuda"`` or ``"cuda:N"`` a CUDA GPU through CuPy (the ``gpu`` extra), and any
Array API namespace with one of its devices names another library (``array-api-strict``'s
``Device("device1")`` is how the tests play a second device without a GPU). Arrays cross
between devices only through ``Device.put`` and ``Device.get``, the explicit copies ``fit``
makes once per batch; every other operation refuses to mix devices.

Example:
    >>> import numpy as np
    >>> cpu = device("cpu")
    >>> cpu, cpu.put(np.ones(2)).tolist(), device_of(np.ones(3)) == cpu
    (Device('cpu'), [1.0, 1.0], True)
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from chainrule.backend import foreign, library, to_host

_HOST_NAMES = ("cpu", "numpy", "host")
_GPU_NAMES = ("gpu", "cuda")


class DeviceError(RuntimeError):
    """The device asked for is not available here (no CuPy, no GPU, no such GPU)."""


class Device:
    """An array library (``xp``, its Array API namespace) and one of its devices (``handle``,
    the library's own device object; None for NumPy). Two devices are equal when they name the
    same library and device."""

    __slots__ = ("name", "xp", "handle")

    def __init__(self, name: str, xp: ModuleType, handle: Any = None) -> None:
        self.name, self.xp, self.handle = name, xp, handle

    @property
    def is_host(self) -> bool:
        """Whether this is NumPy's (main memory)."""
        return self.xp is np

    def put(self, a: Any) -> Any:
        """``a`` on this device: unchanged when it is there already, else copied (NumPy arrays
        and arrays of another device or library alike); its dtype is kept."""
        if self.is_host:
            return to_host(a) if foreign(a) else np.asarray(a)
        if foreign(a):
            if device_of(a) == self:
                return a
            if library(a) is self.xp:
                from array_api_compat import to_device

                return to_device(a, self.handle)
            a = to_host(a)
        a = np.asarray(a)
        return self.xp.asarray(a, dtype=_dtype(self.xp, a.dtype), device=self.handle)

    def get(self, a: Any) -> np.ndarray:
        """A NumPy copy of ``a`` (from any device): what metrics and checkpoints read."""
        return to_host(a) if foreign(a) else np.asarray(a)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Device) and other.xp is self.xp
                and other.handle == self.handle)

    def __hash__(self) -> int:
        return hash((id(self.xp), self.name))

    def __repr__(self) -> str:
        return f"Device({self.name!r})"


CPU = Device("cpu", np)


def _dtype(xp: ModuleType, dtype: np.dtype) -> Any:
    """The namespace's dtype of NumPy's ``dtype`` (same name: float32, int64, bool, ...)."""
    name = "bool" if dtype == np.bool_ else dtype.name
    found = getattr(xp, name, None)
    if found is None:
        raise DeviceError(f"{xp.__name__} has no dtype {dtype.name}: convert the data to a dtype "
                          "the Array API standard has (float32, float64, int64, bool, ...) first")
    return found


def device(spec: Any) -> Device:
    """The ``Device`` that ``spec`` names: a ``Device``; ``"cpu"`` (NumPy); ``"gpu"``,
    ``"cuda"`` or ``"cuda:N"`` (GPU N through CuPy); an Array API namespace (its default
    device); or a pair ``(namespace, device)``.

    Raises ``DeviceError`` when the device is not available here (CuPy missing, no GPU, a GPU
    number past the last), naming what to install or choose instead.

    Example:
        >>> device("cpu").is_host
        True
    """
    if isinstance(spec, Device):
        return spec
    if isinstance(spec, str):
        name = spec.strip().lower()
        if name in _HOST_NAMES:
            return CPU
        kind, _, number = name.partition(":")
        if kind in _GPU_NAMES and (not number or number.isdigit()):
            return _cuda(int(number or 0))
        raise ValueError(f"device {spec!r}: expected 'cpu', 'gpu', 'cuda' or 'cuda:N' (N the "
                         "GPU's number), an Array API namespace or a (namespace, device) pair")
    if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], ModuleType):
        xp, handle = spec
        return CPU if xp is np else Device(_name(xp, handle), xp, handle)
    if isinstance(spec, ModuleType) and hasattr(spec, "__array_namespace_info__"):
        if spec is np:
            return CPU
        handle = spec.__array_namespace_info__().default_device()
        return Device(_name(spec, handle), spec, handle)
    raise TypeError(f"device: expected 'cpu', 'gpu', 'cuda:N', a Device, an Array API namespace "
                    f"or a (namespace, device) pair, got {type(spec).__name__} {spec!r}")


def _cuda(number: int) -> Device:
    """GPU ``number`` through CuPy (with array-api-compat's namespace for it)."""
    try:
        import cupy
    except ImportError:
        raise DeviceError("device 'gpu': CuPy is not installed; install the GPU extra "
                          "(pip install 'chainrule[gpu]', CUDA 12) or use device 'cpu'") from None
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as error:  # CUDARuntimeError: no driver, no device
        raise DeviceError(f"device 'gpu': CuPy finds no usable CUDA GPU here ({error}); use "
                          "device 'cpu'") from None
    if not 0 <= number < count:
        raise DeviceError(f"device 'cuda:{number}': this machine has {count} CUDA GPU(s), "
                          f"numbered 0 to {count - 1}")
    try:
        import array_api_compat.cupy as xp
    except ImportError:
        raise DeviceError("device 'gpu': array-api-compat is not installed; install the GPU "
                          "extra (pip install 'chainrule[gpu]')") from None
    return Device(f"cuda:{number}", xp, cupy.cuda.Device(number))


def device_of(x: Any) -> Device:
    """The device that holds ``x`` (the value under every level of tracing).

    Example:
        >>> import numpy as np
        >>> device_of(np.float32(1.0))
        Device('cpu')
    """
    while hasattr(type(x), "_trace"):
        x = x._value
    if not foreign(x):
        return CPU
    xp = library(x)
    try:
        from array_api_compat import device as handle_of

        handle = handle_of(x)
    except ImportError:
        handle = x.device
    return Device(_name(xp, handle), xp, handle)


def _name(xp: ModuleType, handle: Any) -> str:
    """A device's name: ``cuda:N`` for CuPy's, else the library's own text for it."""
    if xp.__name__.endswith("cupy"):
        return f"cuda:{getattr(handle, 'id', handle)}"
    text = str(handle)
    return text if xp.__name__.split(".")[-1] in text else f"{xp.__name__}:{text}"
