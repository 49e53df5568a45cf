"""Trace levels: every transformation invocation gets a fresh, strictly increasing level.

A newer (inner) transformation always has a higher level than the transformations enclosing it,
so a primitive call can tell whose turn it is; values of outer levels are constants to inner ones.
``itertools.count`` is atomic under the GIL, so threads never share a level.
"""

from __future__ import annotations

import itertools

_counter = itertools.count(1)


def new_level() -> int:
    return next(_counter)
