"""``JitError`` and where it happened: the user's line and the chainrule function that read a
traced value's data (shared by the staging modules of ``cr.jit``)."""

from __future__ import annotations

import os
import sys

from chainrule.anomaly import user_line


class JitError(TypeError):
    """A function that ``cr.jit`` cannot compile without risking a stale result."""

    final = True  # passed on as it is, not re-worded as an operation's error


def where_read() -> str:
    """Where a read happened: the user's line, and the chainrule function that made it."""
    origin, inner = user_line(), _library_frame()
    text = "" if origin is None else f" at {origin[0]}:{origin[1]} ({origin[2]})"
    return text + ("" if inner is None else f", inside chainrule's {inner}")


def _library_frame() -> str | None:
    """``module.py:line (function)`` of the innermost chainrule frame outside cr.jit itself."""
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if _PACKAGE in name and _JIT not in name:
            return (f"{name.split(_PACKAGE, 1)[1].lstrip(os.sep)}:{frame.f_lineno} "
                    f"({frame.f_code.co_name})")
        frame = frame.f_back
    return None


_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_JIT = os.path.dirname(os.path.abspath(__file__))
