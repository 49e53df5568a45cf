"""One rule for turning a ``seed`` argument into a NumPy random generator.

Every function in ``chainrule.data`` that draws random numbers takes ``seed``: an ``int`` (same
numbers every run), a ``numpy.random.Generator`` (used as is, so several calls can share one
stream), or ``None`` (fresh entropy from the operating system, as ``numpy.random.default_rng``).
"""

from __future__ import annotations

import numbers

import numpy as np

Seed = int | np.random.Generator | None


def as_generator(seed: Seed, where: str) -> np.random.Generator:
    """Return a ``numpy.random.Generator`` for ``seed`` (see the module docstring).

    ``where`` names the calling operation in the error raised for any other type.

    Example:
        >>> from chainrule.data.seeding import as_generator
        >>> a = as_generator(3, "demo").integers(100, size=3)
        >>> b = as_generator(3, "demo").integers(100, size=3)
        >>> bool((a == b).all())
        True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        if seed < 0:
            raise ValueError(f"{where}: seed must be a non-negative integer, got {seed}")
        return np.random.default_rng(int(seed))
    raise TypeError(
        f"{where}: seed must be an int, a numpy.random.Generator or None, "
        f"got {type(seed).__name__}"
    )
