"""Weight initializers (seed 003, section 3.3.3), each ``f(shape, rng=None, dtype=float64)``.

For a weight array of shape ``(..., r_in, r_out)`` (``Linear`` stores W as (in, out), so
``y = x @ W``), the fan-in is ``r_in = shape[-2]`` and the fan-out ``r_out = shape[-1]``; a
vector has fan-in = fan-out = its length. Numbers are drawn in float64 from ``rng`` (a
``numpy.random.Generator`` or an int seed) and then cast, so the same seed gives the same
weights in float32 and float64. Use ``functools.partial`` to fix a hyperparameter, e.g.
``Linear(3, 4, init=partial(init.normal, std=0.1))``; layers also accept the names below.

| name | distribution |
|---|---|
| ``zeros``, ``constant(value)`` | all equal: no symmetry breaking (layers warn) |
| ``normal(std=0.01)`` | N(0, std^2), the seed's "small standard deviation such as 10^-2" |
| ``uniform(a=0.05)`` | U[-a, a] |
| ``fan_in_normal`` | N(0, 1/r_in)  (seed: standard deviation sqrt(1/r)) |
| ``fan_in_uniform`` | U[-1/sqrt(r_in), 1/sqrt(r_in)]  (seed; PyTorch's Linear default) |
| ``xavier_normal`` / ``glorot_normal`` | N(0, 2/(r_in + r_out))  (seed) |
| ``xavier_uniform`` / ``glorot_uniform`` | U[-a, a], a = sqrt(6/(r_in + r_out)) |
| ``he_normal`` / ``kaiming_normal`` | N(0, 2/r_in)  (for ReLU) |
| ``he_uniform`` / ``kaiming_uniform`` | U[-a, a], a = sqrt(6/r_in) |
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

Shape = tuple[int, ...]
RNG = np.random.Generator | int | None
Initializer = Callable[..., np.ndarray]


class SymmetryWarning(UserWarning):
    """A layer's weights are all equal, so its units would stay identical during training."""


def as_rng(rng: RNG) -> np.random.Generator:
    """A ``numpy.random.Generator`` from a generator (returned as is), an int seed, or None
    (a fresh, unseeded generator).

    Example:
        >>> from chainrule.nn import init
        >>> float(init.as_rng(0).random()) == float(init.as_rng(0).random())
        True
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, int | np.integer) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a numpy.random.Generator, an int seed or None, not "
                    f"{type(rng).__name__}; e.g. rng=np.random.default_rng(0) or rng=0")


def fans(shape: Shape) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight shape: (shape[-2], shape[-1]) for 2 or more axes.

    Example:
        >>> from chainrule.nn import init
        >>> init.fans((784, 256)), init.fans((3, 4, 5)), init.fans((7,))
        ((784, 256), (4, 5), (7, 7))
    """
    shape = tuple(int(s) for s in shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    return shape[-2], shape[-1]


def _normal(shape: Shape, rng: RNG, dtype: Any, std: float) -> np.ndarray:
    return (std * as_rng(rng).standard_normal(tuple(shape))).astype(dtype)


def _uniform(shape: Shape, rng: RNG, dtype: Any, a: float) -> np.ndarray:
    return as_rng(rng).uniform(-a, a, size=tuple(shape)).astype(dtype)


def zeros(shape: Shape, rng: RNG = None, dtype: Any = np.float64) -> np.ndarray:
    """All zeros (the seed's choice for biases).

    Example:
        >>> from chainrule.nn import init
        >>> init.zeros((2,)).tolist()
        [0.0, 0.0]
    """
    return np.zeros(tuple(shape), dtype=dtype)


def constant(shape: Shape, rng: RNG = None, dtype: Any = np.float64,
             value: float = 0.0) -> np.ndarray:
    """Every entry ``value``.

    Example:
        >>> from chainrule.nn import init
        >>> init.constant((2,), value=0.5).tolist()
        [0.5, 0.5]
    """
    return np.full(tuple(shape), value, dtype=dtype)


def normal(shape: Shape, rng: RNG = None, dtype: Any = np.float64,
           std: float = 0.01) -> np.ndarray:
    """N(0, std^2); the seed's default std is 10^-2 (section 3.3.3).

    Example:
        >>> from chainrule.nn import init
        >>> w = init.normal((1000,), rng=0, std=0.5); bool(0.45 < w.std() < 0.55)
        True
    """
    return _normal(shape, rng, dtype, std)


def uniform(shape: Shape, rng: RNG = None, dtype: Any = np.float64,
            a: float = 0.05) -> np.ndarray:
    """U[-a, a].

    Example:
        >>> from chainrule.nn import init
        >>> w = init.uniform((1000,), rng=0, a=2.0); bool(w.min() >= -2 and w.max() <= 2)
        True
    """
    return _uniform(shape, rng, dtype, a)


def fan_in_normal(shape: Shape, rng: RNG = None, dtype: Any = np.float64) -> np.ndarray:
    """N(0, 1/r_in): standard deviation sqrt(1/r), r the number of inputs (seed 3.3.3).

    Example:
        >>> from chainrule.nn import init
        >>> w = init.fan_in_normal((400, 300), rng=0); round(float(w.std()), 2)
        0.05
    """
    return _normal(shape, rng, dtype, math.sqrt(1.0 / fans(shape)[0]))


def fan_in_uniform(shape: Shape, rng: RNG = None, dtype: Any = np.float64) -> np.ndarray:
    """U[-1/sqrt(r_in), 1/sqrt(r_in)] (seed 3.3.3; PyTorch's default for Linear weights).

    Example:
        >>> from chainrule.nn import init
        >>> w = init.fan_in_uniform((4, 300), rng=0); bool(abs(w).max() <= 0.5)
        True
    """
    return _uniform(shape, rng, dtype, 1.0 / math.sqrt(fans(shape)[0]))


def xavier_normal(shape: Shape, rng: RNG = None, dtype: Any = np.float64) -> np.ndarray:
    """Xavier/Glorot normal: N(0, 2/(r_in + r_out)) (seed 3.3.3).

    Example:
        >>> from chainrule.nn import init
        >>> w = init.xavier_normal((300, 500), rng=0); round(float(w.std()), 3)
        0.05
    """
    r_in, r_out = fans(shape)
    return _normal(shape, rng, dtype, math.sqrt(2.0 / (r_in + r_out)))


def xavier_uniform(shape: Shape, rng: RNG = None, dtype: Any = np.float64) -> np.ndarray:
    """Xavier/Glorot uniform: U[-a, a] with a = sqrt(6/(r_in + r_out)) (same variance).

    Example:
        >>> from chainrule.nn import init
        >>> w = init.xavier_uniform((10, 14), rng=0); bool(abs(w).max() <= 0.5)
        True
    """
    r_in, r_out = fans(shape)
    return _uniform(shape, rng, dtype, math.sqrt(6.0 / (r_in + r_out)))


def he_normal(shape: Shape, rng: RNG = None, dtype: Any = np.float64) -> np.ndarray:
    """He/Kaiming normal: N(0, 2/r_in), which keeps the variance through ReLU layers.

    Example:
        >>> from chainrule.nn import init
        >>> w = init.he_normal((800, 400), rng=0); round(float(w.std()), 2)
        0.05
    """
    return _normal(shape, rng, dtype, math.sqrt(2.0 / fans(shape)[0]))


def he_uniform(shape: Shape, rng: RNG = None, dtype: Any = np.float64) -> np.ndarray:
    """He/Kaiming uniform: U[-a, a] with a = sqrt(6/r_in) (same variance as ``he_normal``).

    Example:
        >>> from chainrule.nn import init
        >>> w = init.he_uniform((24, 10), rng=0); bool(abs(w).max() <= 0.5)
        True
    """
    return _uniform(shape, rng, dtype, math.sqrt(6.0 / fans(shape)[0]))


glorot_normal, glorot_uniform = xavier_normal, xavier_uniform
kaiming_normal, kaiming_uniform = he_normal, he_uniform

BY_NAME: dict[str, Initializer] = {
    f.__name__: f
    for f in (zeros, normal, uniform, fan_in_normal, fan_in_uniform, xavier_normal,
              xavier_uniform, he_normal, he_uniform)
}
BY_NAME.update(glorot_normal=xavier_normal, glorot_uniform=xavier_uniform,
               kaiming_normal=he_normal, kaiming_uniform=he_uniform)


def get(init: str | Initializer) -> Initializer:
    """An initializer from its name (see the table above) or a callable, returned as is.

    Example:
        >>> from chainrule.nn import init
        >>> init.get("glorot_uniform") is init.xavier_uniform
        True
    """
    if callable(init):
        return init
    if isinstance(init, str) and init in BY_NAME:
        return BY_NAME[init]
    raise ValueError(f"unknown initializer {init!r}; use one of {sorted(BY_NAME)} or a callable "
                     "f(shape, rng, dtype=...) -> array")


def warn_if_symmetric(weights: np.ndarray, layer: str, units: int, stacklevel: int = 3) -> None:
    """Warn (``SymmetryWarning``) when a layer with more than one unit starts with all weights
    equal: every unit then computes the same function and gets the same update (seed 3.3.3,
    symmetry breaking).

    Example:
        >>> import warnings
        >>> import numpy as np
        >>> from chainrule.nn import init
        >>> with warnings.catch_warnings(record=True) as w:
        ...     warnings.simplefilter("always")
        ...     init.warn_if_symmetric(np.zeros((3, 4)), "Linear(3 -> 4)", units=4)
        >>> "Linear(3 -> 4)" in str(w[0].message)
        True
    """
    w = np.asarray(weights)
    if units > 1 and w.size > 1 and bool(np.all(w == w.flat[0])):
        warnings.warn(
            f"{layer}: all {w.size} weights are equal ({w.flat[0]!r}), so its {units} units "
            "compute the same function and receive the same updates (no symmetry breaking, "
            "seed 003 section 3.3.3). Use a random initializer such as 'fan_in_uniform' or "
            "'he_normal'.",
            SymmetryWarning,
            stacklevel=stacklevel,
        )


def initialize(init: str | Initializer, shape: Shape, rng: RNG, dtype: Any, layer: str,
               units: int) -> np.ndarray:
    """Weights for ``layer`` from ``init`` (a name or a callable), checked for shape and
    floating dtype, with a ``SymmetryWarning`` when they are all equal (see above).

    Example:
        >>> from chainrule.nn import init
        >>> init.initialize("he_normal", (3, 2), 0, "float32", "Linear(3 -> 2)", 2).dtype
        dtype('float32')
    """
    w = np.asarray(get(init)(tuple(shape), as_rng(rng), dtype=dtype))
    if w.shape != tuple(shape) or w.dtype.kind != "f":
        raise ValueError(f"{layer}: the initializer {init!r} returned a {w.dtype} array of shape "
                         f"{w.shape}; expected a floating-point array of shape {tuple(shape)}")
    warn_if_symmetric(w, layer, units, stacklevel=4)
    return w
