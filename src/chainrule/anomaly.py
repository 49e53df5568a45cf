"""``detect_anomaly``: find the operation, and the line of your code, that first made a NaN or Inf.

A NaN in a loss is usually born far from where it is noticed: one ``log`` of a zero or one
``exp`` that overflowed, then every value downstream is NaN too (seed 003, section 3.2.10, on
checking what backpropagation computes). Inside ``with cr.detect_anomaly():`` every recorded
operation checks its result as it runs: in the forward pass the output of each primitive (and in
forward mode its tangent), in the backward pass the cotangent each VJP rule returns. The first
non-finite one raises ``AnomalyError`` naming the primitive, the phase, the line of the user's
code that called it (for the backward pass: the line that recorded the operation in the forward
pass) and a summary of its inputs. Outside the context nothing is checked and nothing costs.

The mode is per thread (another thread's differentiation is not checked) and nests.

Example:
    >>> import numpy as np
    >>> import chainrule as cr
    >>> f = lambda x: np.sum(np.sqrt(x))
    >>> with cr.detect_anomaly(), np.errstate(divide="ignore"):
    ...     try:
    ...         cr.grad(f)(np.array([4.0, 0.0]))
    ...     except cr.AnomalyError as e:
    ...         print(e.primitive, e.phase)
    sqrt backward
"""

from __future__ import annotations

import contextlib
import linecache
import os
import sys
import threading
from typing import Any

import numpy as np

from chainrule.backend import dtype_kind, foreign, library, to_host
from chainrule.describe import describe
from chainrule.forward import ForwardTrace
from chainrule.reverse import ReverseTrace
from chainrule.tracer import Tracer, primal

_STATE = threading.local()
_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep
_NUMPY = os.path.dirname(os.path.abspath(np.__file__)) + os.sep


class AnomalyError(FloatingPointError):
    """A primitive produced NaN or Inf under ``detect_anomaly``.

    Attributes: ``primitive`` (its name), ``phase`` (``"forward"``, ``"forward-mode tangent"``
    or ``"backward"``), ``filename``, ``lineno`` and ``source`` (the user's line; ``None`` when
    no frame outside chainrule and NumPy was found).
    """

    def __init__(self, message: str, primitive: str, phase: str,
                 origin: tuple[str, int, str] | None) -> None:
        super().__init__(message)
        self.primitive, self.phase = primitive, phase
        self.filename, self.lineno, self.source = origin or (None, None, None)


class detect_anomaly(contextlib.ContextDecorator):  # noqa: N801 (used like a function)
    """Context manager (or decorator) that checks every recorded operation for NaN/Inf.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> with cr.detect_anomaly():
        ...     float(cr.grad(lambda x: np.sum(np.log(x)))(np.array([1.0, 2.0])).sum())
        1.5
    """

    def __enter__(self) -> detect_anomaly:
        global _OPEN
        with _OPEN_LOCK:
            _OPEN += 1
        _STATE.depth = getattr(_STATE, "depth", 0) + 1
        return self

    def __exit__(self, *exc: Any) -> None:
        global _OPEN
        _STATE.depth -= 1
        with _OPEN_LOCK:
            _OPEN -= 1


# How many detect_anomaly blocks are open in all threads: while none is (the usual case), each
# transformation call is spared the ~1 us lookup of the thread-local depth.
_OPEN = 0
_OPEN_LOCK = threading.Lock()


def active() -> bool:
    """Whether ``detect_anomaly`` is on in this thread."""
    return _OPEN > 0 and getattr(_STATE, "depth", 0) > 0


def reverse_trace() -> ReverseTrace:
    """A new reverse-mode trace: one that checks every operation when the mode is on."""
    return CheckedReverseTrace() if active() else ReverseTrace()


def forward_trace() -> ForwardTrace:
    """A new forward-mode trace: one that checks every operation when the mode is on."""
    return CheckedForwardTrace() if active() else ForwardTrace()


class CheckedReverseTrace(ReverseTrace):
    """A reverse trace that checks each output and remembers the user's line of each node."""

    __slots__ = ("origins",)

    def __init__(self) -> None:
        super().__init__()
        self.origins: dict[int, tuple[str, int, str] | None] = {}

    def process(self, prim, args, params, nested):
        out = super().process(prim, args, params, nested)
        origin = user_line()
        self.origins[out._node] = origin
        _check_output(prim.name, out._value, args, "forward", origin)
        return out

    def check_vjp(self, node: int, prim: Any, pos: int, g: Any, c: Any, args: tuple,
                  ans: Any) -> None:
        """Called by the backward sweep after each VJP rule (see ``chainrule.sweeps.backward``)."""
        if _finite(c) or not _finite(g):
            return
        origin = self.origins.get(node)
        where = _where(origin, "recorded at")
        raise AnomalyError(
            f"detect_anomaly: the backward pass of {prim.name}{where} produced "
            f"{_what(c)} in the cotangent of its argument {pos} from a finite cotangent. "
            f"Its inputs: {_summaries(args)}; its output: {_summaries((ans,))}. The derivative "
            f"of {prim.name} is not finite there: keep its inputs inside its domain (e.g. add "
            "a small epsilon, clip, or use a stable formulation such as logsumexp or log1p).",
            prim.name, "backward", origin,
        )


class CheckedForwardTrace(ForwardTrace):
    """A forward-mode trace that checks each output and its tangent."""

    __slots__ = ()

    def process(self, prim, args, params, nested):
        out = super().process(prim, args, params, nested)
        origin = user_line()
        _check_output(prim.name, out._value, args, "forward", origin)
        _check_output(prim.name, out._tangent, args, "forward-mode tangent", origin)
        return out


def _check_output(name: str, value: Any, args: tuple, phase: str, origin) -> None:
    if _finite(value):
        return
    bad_inputs = [a for a in args if not _finite(a)]
    cause = (
        f"its input is already non-finite ({_summaries(bad_inputs)}), and it is a constant: "
        "clean the data or the constant before differentiating"
        if bad_inputs else f"from finite inputs: {_summaries(args)}"
    )
    raise AnomalyError(
        f"detect_anomaly: {name} produced {_what(value)} in the {phase} pass"
        f"{_where(origin, 'at')}; {cause}. Keep the inputs of {name} inside its domain "
        "(e.g. add a small epsilon, clip, subtract the max before exp, or use logsumexp).",
        name, phase, origin,
    )


def _finite(x: Any) -> bool:
    x = primal(x)
    if isinstance(x, np.ndarray | np.generic) and x.dtype.kind not in "fc":
        return True
    if foreign(x):  # checked where the array is, never copied for it
        xp = library(x)
        return dtype_kind(x) not in "fc" or bool(xp.all(xp.isfinite(x)))
    return bool(np.isfinite(x).all()) if np.size(x) else True


def _what(x: Any) -> str:
    x = to_host(primal(x))  # reporting an anomaly found: a copy is fine here
    kinds = [k for k, m in (("nan", np.isnan(x)), ("inf", np.isposinf(x)),
                            ("-inf", np.isneginf(x))) if m.any()]
    bad = int(np.count_nonzero(~np.isfinite(x)))
    return f"{'/'.join(kinds)} ({bad} of {x.size} entries)"


def _summaries(args) -> str:
    parts = []
    for a in args:
        if a is None:  # an input the tape does not keep (its rule needs only the output)
            continue
        x = primal(a)
        values = to_host(x)  # reporting an anomaly found: a copy is fine here
        text = ("traced " if isinstance(a, Tracer) else "") + describe(x)
        if values.size and values.dtype.kind in "fiu":
            with np.errstate(invalid="ignore"):
                text += f" [min {np.nanmin(values):.4g}, max {np.nanmax(values):.4g}]" \
                    if not np.isnan(values).all() else " [all nan]"
        parts.append(text)
    return "; ".join(parts) or "not kept by the tape"


def _where(origin: tuple[str, int, str] | None, prefix: str) -> str:
    if origin is None:
        return ""
    filename, lineno, source = origin
    return f" ({prefix} {filename}:{lineno}: {source})" if source else \
        f" ({prefix} {filename}:{lineno})"


def user_line() -> tuple[str, int, str] | None:
    """(file, line number, source text) of the innermost frame outside chainrule and NumPy."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not (filename.startswith(_PACKAGE) or filename.startswith(_NUMPY)
                or filename.startswith("<frozen")):
            return filename, frame.f_lineno, linecache.getline(filename, frame.f_lineno).strip()
        frame = frame.f_back
    return None
