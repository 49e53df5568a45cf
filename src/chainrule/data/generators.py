"""Synthetic data sets for trying networks in two dimensions and one-dimensional regression.

Every generator takes ``n_samples``, a ``noise`` level (standard deviation of Gaussian jitter
added to the coordinates, or to the target for ``make_sine``) and ``seed`` (int, Generator or
None; see ``chainrule.data.seeding``). Rows come in random order (drawn from the same seed), so
taking the first rows never gives a single class.

Conventions shared with the rest of ``chainrule.data``: features are float64 of shape
``(n_samples, n_features)``; class labels are int64 of shape ``(n_samples,)`` in ``0..k-1``;
regression targets are float64 of shape ``(n_samples, 1)``, so that ``prediction - target``
with a prediction of shape ``(n, 1)`` does not broadcast to ``(n, n)``.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from chainrule.data.seeding import Seed, as_generator


def _check_count(where: str, n_samples: object, minimum: int) -> int:
    if not isinstance(n_samples, numbers.Integral) or isinstance(n_samples, bool):
        raise TypeError(f"{where}: n_samples must be an int, got {type(n_samples).__name__}")
    if n_samples < minimum:
        raise ValueError(f"{where}: n_samples must be at least {minimum}, got {n_samples}")
    return int(n_samples)


def _check_noise(where: str, noise: float) -> float:
    noise = float(noise)
    if not math.isfinite(noise) or noise < 0:
        raise ValueError(f"{where}: noise must be a finite number >= 0, got {noise}")
    return noise


def _counts(n_samples: int, n_groups: int) -> list[int]:
    """Split ``n_samples`` into ``n_groups`` sizes differing by at most one (first ones larger)."""
    base, extra = divmod(n_samples, n_groups)
    return [base + (g < extra) for g in range(n_groups)]


def _finish(rng: np.random.Generator, X: np.ndarray, y: np.ndarray, noise: float):
    """Add the Gaussian jitter to ``X`` and shuffle the rows of ``X`` and ``y`` together."""
    X = X + noise * rng.standard_normal(X.shape)
    order = rng.permutation(X.shape[0])
    return X[order], y[order]


def make_spirals(
    n_samples: int = 200, *, noise: float = 0.0, turns: float = 1.5, seed: Seed = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals (the classic two-spirals benchmark), not linearly separable.

    A point of class ``c`` (0 or 1) at radius ``r`` (uniform in [0.1, 1]) sits at angle
    ``2 pi turns r + c pi``; then ``noise`` jitter is added. Returns ``X`` (n_samples, 2)
    float64 and ``y`` (n_samples,) int64; class 0 gets the extra point when ``n_samples`` is odd.

    Example:
        >>> from chainrule.data import make_spirals
        >>> X, y = make_spirals(100, noise=0.02, seed=0)
        >>> X.shape, y.dtype.name, int(y.sum())
        ((100, 2), 'int64', 50)
    """
    n_samples = _check_count("make_spirals", n_samples, 2)
    noise = _check_noise("make_spirals", noise)
    if not math.isfinite(float(turns)) or float(turns) <= 0:
        raise ValueError(f"make_spirals: turns must be a finite number > 0, got {turns}")
    rng = as_generator(seed, "make_spirals")
    parts, labels = [], []
    for c, m in enumerate(_counts(n_samples, 2)):
        r = rng.uniform(0.1, 1.0, m)
        angle = 2.0 * np.pi * float(turns) * r + c * np.pi
        parts.append(np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1))
        labels.append(np.full(m, c, dtype=np.int64))
    return _finish(rng, np.concatenate(parts), np.concatenate(labels), noise)


def make_moons(
    n_samples: int = 200, *, noise: float = 0.1, seed: Seed = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles of radius 1.

    Class 0 lies on ``(cos a, sin a)`` and class 1 on ``(1 - cos a, 0.5 - sin a)`` for angles
    ``a`` uniform in [0, pi], plus ``noise`` jitter. Returns ``X`` (n_samples, 2) float64 and
    ``y`` (n_samples,) int64.

    Example:
        >>> from chainrule.data import make_moons
        >>> X, y = make_moons(7, noise=0.0, seed=1)
        >>> X.shape, sorted(set(y.tolist()))
        ((7, 2), [0, 1])
    """
    n_samples = _check_count("make_moons", n_samples, 2)
    noise = _check_noise("make_moons", noise)
    rng = as_generator(seed, "make_moons")
    m0, m1 = _counts(n_samples, 2)
    a0, a1 = rng.uniform(0.0, np.pi, m0), rng.uniform(0.0, np.pi, m1)
    upper = np.stack([np.cos(a0), np.sin(a0)], axis=1)
    lower = np.stack([1.0 - np.cos(a1), 0.5 - np.sin(a1)], axis=1)
    y = np.concatenate([np.zeros(m0, np.int64), np.ones(m1, np.int64)])
    return _finish(rng, np.concatenate([upper, lower]), y, noise)


def make_xor(
    n_samples: int = 200, *, noise: float = 0.0, seed: Seed = None
) -> tuple[np.ndarray, np.ndarray]:
    """The XOR problem: points in the square [-1, 1]^2, class 1 where the two signs differ.

    Each quadrant gets a quarter of the points (uniform inside it); quadrants (+, +) and (-, -)
    are class 0, (+, -) and (-, +) class 1. ``noise`` jitter is added after labelling, so
    points near the axes may cross into another quadrant. Returns ``X`` (n_samples, 2) float64
    and ``y`` (n_samples,) int64.

    Example:
        >>> import numpy as np
        >>> from chainrule.data import make_xor
        >>> X, y = make_xor(8, seed=0)
        >>> bool(np.all(y == (np.sign(X[:, 0]) != np.sign(X[:, 1]))))
        True
    """
    n_samples = _check_count("make_xor", n_samples, 4)
    noise = _check_noise("make_xor", noise)
    rng = as_generator(seed, "make_xor")
    signs = ((1.0, 1.0), (-1.0, -1.0), (1.0, -1.0), (-1.0, 1.0))
    parts, labels = [], []
    for q, m in enumerate(_counts(n_samples, 4)):
        parts.append(rng.uniform(0.0, 1.0, (m, 2)) * np.array(signs[q]))
        labels.append(np.full(m, q // 2, dtype=np.int64))
    return _finish(rng, np.concatenate(parts), np.concatenate(labels), noise)


def make_sine(
    n_samples: int = 200,
    *,
    noise: float = 0.1,
    frequency: float = 1.0,
    interval: tuple[float, float] = (-np.pi, np.pi),
    seed: Seed = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Noisy sine regression: ``y = sin(frequency x) + noise * N(0, 1)``.

    ``x`` is uniform in ``interval``. Returns ``X`` (n_samples, 1) float64 and targets ``y``
    (n_samples, 1) float64 (a column, like the output of a network with one output unit).

    Example:
        >>> import numpy as np
        >>> from chainrule.data import make_sine
        >>> X, y = make_sine(5, noise=0.0, seed=0)
        >>> X.shape, y.shape, bool(np.allclose(y, np.sin(X)))
        ((5, 1), (5, 1), True)
    """
    n_samples = _check_count("make_sine", n_samples, 1)
    noise = _check_noise("make_sine", noise)
    low, high = (float(v) for v in interval)
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(f"make_sine: interval must be (low, high) with low < high, got {interval}")
    rng = as_generator(seed, "make_sine")
    X = rng.uniform(low, high, (n_samples, 1))
    y = np.sin(float(frequency) * X) + noise * rng.standard_normal((n_samples, 1))
    return X, y


def make_blobs(
    n_samples: int = 300,
    *,
    centers: int | np.ndarray = 3,
    n_features: int = 2,
    noise: float = 1.0,
    box: tuple[float, float] = (-5.0, 5.0),
    seed: Seed = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs: class ``k`` is ``centers[k] + noise * N(0, I)``.

    ``centers`` is either a count (centres drawn uniformly in ``box`` in each of ``n_features``
    dimensions) or an array (k, d) of centres (then ``n_features`` is ignored). Classes get
    equal shares of ``n_samples`` (the first ones one more when it does not divide). Returns
    ``X`` (n_samples, d) float64 and ``y`` (n_samples,) int64 in ``0..k-1``.

    Example:
        >>> import numpy as np
        >>> from chainrule.data import make_blobs
        >>> X, y = make_blobs(6, centers=np.array([[0.0, 0.0], [10.0, 10.0]]), noise=0.0, seed=0)
        >>> bool(np.all(X == 10.0 * y[:, None]))
        True
    """
    noise = _check_noise("make_blobs", noise)
    rng = as_generator(seed, "make_blobs")
    if isinstance(centers, numbers.Integral) and not isinstance(centers, bool):
        if centers < 1 or n_features < 1:
            raise ValueError(
                f"make_blobs: centers and n_features must be >= 1, got {centers}, {n_features}"
            )
        low, high = (float(v) for v in box)
        points = rng.uniform(low, high, (int(centers), int(n_features)))
    else:
        points = np.asarray(centers, dtype=np.float64)
        if points.ndim != 2 or points.shape[0] < 1 or points.shape[1] < 1:
            raise ValueError(
                f"make_blobs: centers must be an int or an array (k, d), got shape {points.shape}"
            )
    n_samples = _check_count("make_blobs", n_samples, points.shape[0])
    sizes = _counts(n_samples, points.shape[0])
    X = np.repeat(points, sizes, axis=0)
    y = np.repeat(np.arange(points.shape[0], dtype=np.int64), sizes)
    return _finish(rng, X, y, noise)
