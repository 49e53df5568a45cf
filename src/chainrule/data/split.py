"""Train / validation / test splits, stratified by class so every part keeps the class mix.

Hyperparameters are tuned on the validation part and the test part is used once at the end
(seed 003, section 3.3.1: tuning must not use the data of gradient descent).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from chainrule.data.seeding import Seed, as_generator


class Split(NamedTuple):
    """Three ``(X, y)`` pairs: ``train, val, test = stratified_split(X, y, ...)``."""

    train: tuple[np.ndarray, np.ndarray]
    val: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]


def _check_fractions(val: float, test: float) -> tuple[float, float]:
    val, test = float(val), float(test)
    if not (0.0 <= val < 1.0 and 0.0 <= test < 1.0 and val + test < 1.0):
        raise ValueError(
            f"split: val={val} and test={test} must each be in [0, 1) with val + test < 1, "
            "leaving a training part"
        )
    return val, test


def _allocate(counts: np.ndarray, fraction: float) -> np.ndarray:
    """Per-class sizes summing to ``round(fraction * n)``, at least 1 each when fraction > 0.

    Each class gets ``floor(fraction * n_c)``; the remainder goes to the classes with the
    largest fractional parts (largest-remainder rounding), so the total is as requested.
    """
    if fraction == 0.0:
        return np.zeros_like(counts)
    ideal = fraction * counts
    sizes = np.maximum(np.floor(ideal).astype(np.int64), 1)
    short = int(round(fraction * counts.sum())) - int(sizes.sum())
    if short > 0:
        order = np.argsort(-(ideal - np.floor(ideal)), kind="stable")
        sizes[order[:short]] += 1
    return sizes


def split_indices(
    y: ArrayLike, *, val: float = 0.15, test: float = 0.15, stratify: bool | None = None,
    seed: Seed = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row indices ``(train, val, test)`` for a random split of ``len(y)`` samples.

    Stratified (the default for integer class labels ``y``): each class is split on its own
    in the proportions ``1 - val - test``, ``val``, ``test``, with at least one sample of every
    class in each part whose fraction is > 0; a class with too few samples for that raises
    ValueError. Part sizes are ``round(val * n)`` and ``round(test * n)`` overall (a part can
    be slightly larger when many small classes each need one sample). Without stratification
    (regression targets, or ``stratify=False``) the rows are shuffled and cut. Each part lists
    its indices in random order; the same ``seed`` gives the same split.

    Example:
        >>> import numpy as np
        >>> from chainrule.data import split_indices
        >>> y = np.repeat([0, 1], 10)
        >>> train, val, test = split_indices(y, val=0.2, test=0.2, seed=0)
        >>> [np.bincount(y[part]).tolist() for part in (train, val, test)]
        [[6, 6], [2, 2], [2, 2]]
    """
    val, test = _check_fractions(val, test)
    y = np.asarray(y)
    labels = y.ndim == 1 and (np.issubdtype(y.dtype, np.integer) or y.dtype == np.bool_)
    if stratify is None:
        stratify = labels
    if stratify and not labels:
        raise ValueError(
            f"split: stratify=True needs 1-D integer class labels, got dtype {y.dtype} shape "
            f"{y.shape}; use stratify=False for regression targets"
        )
    rng = as_generator(seed, "split")
    n = y.shape[0] if y.ndim else 0
    if n == 0:
        raise ValueError(f"split: y must hold at least one sample, got shape {y.shape}")
    if not stratify:
        order = rng.permutation(n)
        n_val, n_test = round(val * n), round(test * n)
        if n - n_val - n_test < 1:
            raise ValueError(f"split: {n} samples leave no training part with val={val}, "
                             f"test={test}")
        return order[n_val + n_test:], order[:n_val], order[n_val: n_val + n_test]
    classes, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
    parts_needed = 1 + (val > 0) + (test > 0)
    small = np.flatnonzero(counts < parts_needed)
    if small.size:
        c = small[0]
        raise ValueError(
            f"split: class {classes[c].item()!r} has {counts[c]} sample(s) but a stratified split "
            f"into {parts_needed} parts needs at least {parts_needed} per class; collect more "
            "data, set val=0 or test=0, or pass stratify=False"
        )
    n_val, n_test = _allocate(counts, val), _allocate(counts, test)
    # Largest-remainder rounding may leave a class without a training sample; move one back.
    for sizes in (n_val, n_test):
        starved = counts - n_val - n_test < 1
        sizes[starved & (sizes > 1)] -= 1
    if np.any(counts - n_val - n_test < 1):
        c = int(np.flatnonzero(counts - n_val - n_test < 1)[0])
        raise ValueError(f"split: class {classes[c].item()!r} with {counts[c]} samples leaves no "
                         "training sample; lower val/test or pass stratify=False")
    train_idx, val_idx, test_idx = [], [], []
    for c in range(classes.size):
        members = rng.permutation(np.flatnonzero(inverse == c))
        a, b = n_val[c], n_val[c] + n_test[c]
        val_idx.append(members[:a])
        test_idx.append(members[a:b])
        train_idx.append(members[b:])
    return tuple(rng.permutation(np.concatenate(p)) for p in (train_idx, val_idx, test_idx))


def stratified_split(
    X: ArrayLike, y: ArrayLike, *, val: float = 0.15, test: float = 0.15,
    stratify: bool | None = None, seed: Seed = None,
) -> Split:
    """Split ``X`` and ``y`` into ``Split(train=(X, y), val=(X, y), test=(X, y))``.

    Uses ``split_indices`` (stratified by class for integer labels; see there). ``X`` is any
    array with ``len(y)`` rows.

    Example:
        >>> import numpy as np
        >>> from chainrule.data import load_iris, stratified_split
        >>> X, y = load_iris()
        >>> train, val, test = stratified_split(X, y, val=0.2, test=0.2, seed=0)
        >>> train[0].shape, np.bincount(val[1]).tolist()
        ((90, 4), [10, 10, 10])
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.shape[:1] != y.shape[:1]:
        raise ValueError(f"stratified_split: X has {X.shape[0]} rows but y has {y.shape[0]}")
    parts = split_indices(y, val=val, test=test, stratify=stratify, seed=seed)
    train, val_part, test_part = ((X[i], y[i]) for i in parts)
    return Split(train, val_part, test_part)
