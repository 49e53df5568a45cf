"""The test record of a primitive: how to call it, on what inputs, and its NumPy reference.

``tests/test_ops.py`` runs every ``Spec`` listed in the ``SPECS`` of each module of this package:
forward value against NumPy (float64 and float32, dtype kept), VJP and JVP against central finite
differences (``cr.check_grad``, to second order), VJP/JVP consistency, float32 gradients staying
float32; and it fails if a registered primitive is covered by no spec.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Shapes = tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class Spec:
    """One differentiable function under test.

    name:    test id, e.g. "exp" or "maximum-broadcast".
    fn:      the function as a user would write it (``np.*`` or ``chainrule.numpy``), taking
             only the differentiable array arguments (bind constants with a lambda).
    ref:     the plain NumPy reference taking the same arguments.
    shapes:  the cases: one tuple of argument shapes per case (scalar (), vector, matrix,
             broadcast shapes...).
    prims:   names of the registered primitives this spec exercises (registry coverage).
    domain:  interval the inputs are sampled from (uniform), away from singularities.
    sample:  optional ``sample(rng, shapes) -> list of float64 arrays`` replacing ``domain``
             (SPD matrices, inputs with distinct values for max/sort, ...).
    order:   highest derivative order checked (2 normally; 1 where the second derivative is
             identically zero almost everywhere and FD is meaningless, e.g. abs, max).
    kink:    the function has kinks: use the seed's looser ratio 1e-3 (section 3.2.10).
    modes:   derivative modes to check.
    covers:  the public functions this spec checks, for the README's coverage table
             (``tests/coverage_table.py``); by default the first word of ``name`` (after a
             leading "complex-"); a dotted word names its namespace ("stats.gamma").
    complex: sample every input complex (real and imaginary parts from ``domain``); the
             checks then differentiate along real and imaginary directions, and the float32
             case runs in complex64.
    """

    name: str
    fn: Callable[..., Any]
    ref: Callable[..., Any]
    shapes: tuple[Shapes, ...]
    prims: tuple[str, ...]
    domain: tuple[float, float] = (-2.0, 2.0)
    sample: Callable[[np.random.Generator, Shapes], list[np.ndarray]] | None = None
    order: int = 2
    kink: bool = False
    modes: tuple[str, ...] = field(default=("fwd", "rev"))
    complex: bool = False
    covers: tuple[str, ...] = ()

    def covered(self) -> tuple[str, ...]:
        """The function names this spec checks (see ``covers``)."""
        if self.covers:
            return self.covers
        words = self.name.split("-")
        return (words[1] if words[0] == "complex" and len(words) > 1 else words[0],)

    def inputs(self, case: int, seed: int = 0) -> list[np.ndarray]:
        """Float64 (complex128 with ``complex``) inputs for case ``case``."""
        rng = np.random.default_rng(seed)
        shapes = self.shapes[case]
        dtype = np.complex128 if self.complex else np.float64
        if self.sample is not None:
            return [np.asarray(a, dtype=dtype) for a in self.sample(rng, shapes)]
        lo, hi = self.domain
        if self.complex:
            return [rng.uniform(lo, hi, size=s) + 1j * rng.uniform(lo, hi, size=s)
                    for s in shapes]
        return [rng.uniform(lo, hi, size=s) for s in shapes]
