"""Errors raised inside a primitive's implementation, re-raised once naming the operation and
describing its inputs, so that a shape mismatch deep inside a traced function reads
``matmul failed on (float64 array of shape (3, 2), ...)`` rather than NumPy's bare message."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chainrule.backend import BackendError
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
    """The error ``e`` of a primitive's implementation, re-raised naming the operation."""
    if isinstance(e, OperationError | BackendError):  # already names what went wrong
        return e
    inputs = ", ".join(describe(a) for a in args)
    shown = {k: v for k, v in params.items() if not hasattr(v, "shape")}
    where = f" with {shown}" if shown else ""
    cls = next(c for base, c in _ANNOTATED.items() if isinstance(e, base))
    return cls(
        f"{prim.name} failed on ({inputs}){where}: {e}. Check the shapes and dtypes of "
        f"the operands (NumPy broadcasting rules apply)."
    )
