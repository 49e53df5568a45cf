"""Shape errors that name the layer, where it sits in the model, and both shapes."""

from __future__ import annotations

from typing import Any

import numpy as np


class ShapeError(ValueError):
    """An input whose shape does not fit a layer. ``path`` is filled in by the containers
    (``Sequential``, ``Residual``) the error passes through, outermost first.

    Example:
        >>> from chainrule import nn
        >>> import numpy as np
        >>> try:
        ...     nn.Sequential(nn.Linear(4, 16, rng=0))(np.zeros((32, 3)))
        ... except nn.ShapeError as e:
        ...     print(e)
        at layers.0: Linear(4 -> 16) expects inputs of shape (..., 4), but was given an input \
of shape (32, 3)
    """

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail
        self.path: list[str] = []

    def within(self, step: str) -> ShapeError:
        """Record that the error passed through the container entry ``step``; returns self."""
        self.path.insert(0, step)
        return self

    def __str__(self) -> str:
        if not self.path:
            return self.detail
        return f"at {'.'.join(self.path)}: {self.detail}"


def check_features(layer: Any, x: Any, features: int) -> None:
    """Raise ``ShapeError`` unless ``x`` has at least one axis and its last axis is ``features``.

    Example:
        >>> from chainrule import nn
        >>> import numpy as np
        >>> nn.shapes.check_features(nn.Linear(3, 2, rng=0), np.zeros((5, 3)), 3)
    """
    shape = np.shape(x)
    if len(shape) == 0 or shape[-1] != features:
        raise ShapeError(
            f"{layer!r} expects inputs of shape (..., {features}), but was given an input of "
            f"shape {tuple(shape)}"
        )
