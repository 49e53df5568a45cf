"""Errors raised inside a primitive's implementation, re-raised once naming the operation and
describing its inputs, so that a shape mismatch deep inside a traced function reads
``matmul failed on (float64 array of shape (3, 2), ...)`` rather than NumPy's bare message."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chainrule.backend import BackendError, device, foreign
from chainrule.describe import describe

if TYPE_CHECKING:
    from chainrule.primitive import Primitive


class OperationError(Exception):
    """An error raised inside a primitive, re-raised once with the operation and its inputs."""


class OperationValueError(OperationError, ValueError):
    pass


class OperationTypeError(OperationError, TypeError):
    pass


class OperationIndexError(OperationError, IndexError):
    pass


_ANNOTATED = {ValueError: OperationValueError, TypeError: OperationTypeError,
              IndexError: OperationIndexError}


def annotated(e: Exception, prim: Primitive, args, params) -> Exception:
    """The error ``e`` of a primitive's implementation, re-raised naming the operation (and,
    where its operands sit on different devices of their library, those devices)."""
    if isinstance(e, OperationError | BackendError) or getattr(e, "final", False):
        return e  # already names what went wrong
    inputs = ", ".join(describe(a) for a in args)
    shown = {k: v for k, v in params.items() if not hasattr(v, "shape")}
    where = f" with {shown}" if shown else ""
    cls = next(c for base, c in _ANNOTATED.items() if isinstance(e, base))
    devices = _devices(args)
    if len(devices) > 1:
        return cls(
            f"{prim.name} failed on ({inputs}){where}: its operands are on different devices "
            f"({' and '.join(map(str, devices))}): {str(e).rstrip('.')}. Move them to one "
            f"device first (x.to_device(...)); nothing is copied between devices behind your "
            f"back."
        )
    return cls(
        f"{prim.name} failed on ({inputs}){where}: {e}. Check the shapes and dtypes of "
        f"the operands (NumPy broadcasting rules apply)."
    )


def _devices(args) -> list:
    """The distinct devices of the operands that are other libraries' arrays (NumPy's have
    one device: none are listed for them)."""
    found: list = []
    for a in args:
        if foreign(a) and (d := device(a)) not in found:
            found.append(d)
    return found
