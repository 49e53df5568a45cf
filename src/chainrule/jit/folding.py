"""Constant folding: instructions whose operands are all constants run once, when the program
is built, and their results become constants of the program.

Values that do not depend on the inputs are mostly never recorded (they are computed while
tracing and enter the program as constants). Those that are recorded come from another
library's constants lifted into a trace (``JitTrace.constant``, for higher order on CuPy or
array-api-strict arrays) and what is computed from them; without folding, every call would
recompute them. Checks and random draws (``trace.checks``) are never folded, nor anything
computed from them: they must run, or draw, on every call.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def fold_constants(instructions: Sequence[tuple], constants: list[Any],
                   checks: set[int]) -> tuple[list[tuple], dict[int, int]]:
    """The instructions with every foldable one's result appended to ``constants`` and the
    references to it turned into constant references (the folded instructions are left to
    dead-code removal), and ``{folded slot: constant index}`` for the outputs."""
    folded: dict[int, int] = {}  # slot -> constant index
    out = []
    for name, impl, params, refs, slot, op in instructions:
        refs = [("const", folded[k]) if kind == "slot" and k in folded else (kind, k)
                for kind, k in refs]
        if slot not in checks and all(kind == "const" for kind, _ in refs):
            constants.append(impl(*[constants[k] for _, k in refs], **params))
            folded[slot] = len(constants) - 1
        out.append((name, impl, params, refs, slot, op))
    return out, folded
