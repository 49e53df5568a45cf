"""The loss-and-gradient of a training step, compiled with ``cr.jit`` where the model allows.

``fit`` compiles its step by default (issue 13): the first batch of each shape traces the
forward and backward pass once into a straight-line program, and later batches run that program.
A model that cannot be compiled (dropout drawing random numbers inside, batch normalization
updating its running statistics, a layer reading its data in Python) trains eagerly instead,
after one ``CompileFallbackWarning`` naming the reason; the random generators the failed trace
drew from are put back first, so the run is the one an eager run would have been. While
``cr.detect_anomaly`` is on, the step runs eagerly (its checks run while operations execute).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule import anomaly
from chainrule.jit import JitError, jit


class CompileFallbackWarning(UserWarning):
    """fit could not compile the training step and trains eagerly (the message says why)."""


def _generators(model: Any) -> list[np.random.Generator]:
    """The random generators the model's modules hold (dropout's)."""
    found: dict[int, np.random.Generator] = {}
    for m in model.modules():
        for value in vars(m).values():
            if isinstance(value, np.random.Generator):
                found[id(value)] = value
    return list(found.values())


class CompiledStep:
    """``value_and_grad(point, xb, yb)``, compiled unless ``enabled`` is False or the model
    cannot be compiled. ``compiled`` says which ran last (None before the first call)."""

    def __init__(self, value_and_grad: Callable, model: Any, enabled: bool) -> None:
        self.eager, self.model = value_and_grad, model
        self.program = jit(value_and_grad) if enabled else None
        self.compiled: bool | None = None

    def __call__(self, point: Any, xb: Any, yb: Any) -> Any:
        if self.program is None or anomaly.active():
            self.compiled = False
            return self.eager(point, xb, yb)
        states = [g.bit_generator.state for g in _generators(self.model)]
        try:
            result = self.program(point, xb, yb)
        except JitError as error:
            for g, state in zip(_generators(self.model), states, strict=True):
                g.bit_generator.state = state
            self.program = None
            warnings.warn(f"fit: the training step cannot be compiled, so it runs eagerly "
                          f"(pass jit=False to say so and skip this warning): {error}",
                          CompileFallbackWarning, stacklevel=4)
            self.compiled = False
            return self.eager(point, xb, yb)
        self.compiled = True
        return result
