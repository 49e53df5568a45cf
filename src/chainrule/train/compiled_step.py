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
from chainrule.jit.effects import guard
from chainrule.optim import apply_updates


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
    """``fn(*args)``, compiled unless ``enabled`` is False or it cannot be compiled (then it
    runs eagerly from there on, after a ``CompileFallbackWarning`` unless ``quiet``: the
    optimizer's update, which some optimizers cannot compile yet, falls back quietly).
    ``compiled`` says which ran last (None before the first call)."""

    def __init__(self, fn: Callable, model: Any, enabled: bool, quiet: bool = False,
                 static_argnums: tuple[int, ...] = ()) -> None:
        self.eager, self.quiet = fn, quiet
        self.generators = _generators(model)  # the modules are fixed for the run
        self.buffers = buffer_slots(model)
        self.program = jit(fn, static_argnums) if enabled else None
        self.compiled: bool | None = None

    def __call__(self, *args: Any) -> Any:
        if self.program is None or anomaly.active():
            self.compiled = False
            return self.eager(*args)
        states = [g.bit_generator.state for g in self.generators]
        kept = [(where, name, where[name]) for where, name in self.buffers]
        try:
            result = self.program(*args)
        except JitError as error:
            for g, state in zip(self.generators, states, strict=True):
                g.bit_generator.state = state
            for where, name, value in kept:  # a failed trace may have left its values there
                where[name] = value
            self.program = None
            if not self.quiet:
                warnings.warn(f"fit: the training step cannot be compiled, so it runs eagerly "
                              f"(pass jit=False to say so and skip this warning): {error}",
                              CompileFallbackWarning, stacklevel=4)
            self.compiled = False
            return self.eager(*args)
        self.compiled = True
        return result


class LossNotFinite(FloatingPointError):
    """The loss of a step was NaN or infinite (``value`` says which); raised inside the step,
    before the optimizer runs, as the eager step checks."""

    def __init__(self, value: float) -> None:
        super().__init__(f"the loss became {value}")
        self.value = value


class ParametersNotFinite(FloatingPointError):
    """An update made a parameter NaN or infinite; raised inside the step, as the eager step
    checks after the update."""


def _finite_loss(value: Any) -> Any:
    if not np.isfinite(value):
        raise LossNotFinite(float(value))
    return value


def _finite_parameters(first: Any, *rest: Any) -> Any:
    if not all(np.isfinite(p).all() for p in (first, *rest)):
        raise ParametersNotFinite("an update made a parameter NaN or infinite")
    return first


def update_parameters(tx: Any, grads: Any, state: Any, params: list) -> tuple[list, Any]:
    """The optimizer's step: the new parameters and the new optimizer state."""
    updates, state = tx.update(grads, state, params)
    return apply_updates(params, updates), state


def buffer_slots(model: Any) -> list[tuple[dict, str]]:
    """(buffer dict, name) of every buffer of ``model`` (shared with every copy of it)."""
    return [(m.__dict__["_buffers"], k) for m in model.modules()
            for k in m.__dict__.get("_buffers", {})]


def whole_step(value_and_grad: Callable, slots: list[tuple[dict, str]], tx: Any, params: list,
               state: Any, buffers: list, xb: Any, yb: Any) -> tuple[Any, Any, list, Any, list]:
    """Loss, model output, new parameters, new optimizer state and new buffers of one step, as
    one function (one program when compiled). The buffers (batch normalization's running
    statistics) go in and come out as values, so a compiled step reads and updates them on
    every call. The loss is checked first (``LossNotFinite``), then the optimizer checks its
    gradient (``NonFiniteGradientError``), then the new parameters (``ParametersNotFinite``),
    as the eager step does."""
    for (where, name), value in zip(slots, buffers, strict=True):
        where[name] = value
    (value, out), grads = value_and_grad(params, xb, yb)
    value = guard(_finite_loss, value)
    new, state = update_parameters(tx, grads, state, params)
    if new:  # one check instruction for all of them
        new = [guard(_finite_parameters, new[0], *new[1:]), *new[1:]]
    return value, out, new, state, [where[name] for where, name in slots]
