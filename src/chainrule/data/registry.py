"""Every data set by name (``load_dataset("iris")``, ``load_dataset("moons", noise=0.2)``),
plus files by path (``load_dataset("my.csv", target="label")``), for the command line."""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np

from chainrule.data.datasets import (
    DIGITS_CLASSES,
    DIGITS_FEATURES,
    IRIS_CLASSES,
    IRIS_FEATURES,
    Dataset,
    load_digits,
    load_iris,
)
from chainrule.data.generators import make_blobs, make_moons, make_sine, make_spirals, make_xor
from chainrule.data.loaders import load_csv, load_npz
from chainrule.data.seeding import Seed

_BUNDLED: dict[str, tuple[Callable, tuple[str, ...], str, tuple[str, ...]]] = {
    "iris": (load_iris, IRIS_FEATURES, "species", IRIS_CLASSES),
    "digits": (load_digits, DIGITS_FEATURES, "digit", DIGITS_CLASSES),
}
_GENERATED: dict[str, Callable] = {
    "spirals": make_spirals,
    "moons": make_moons,
    "xor": make_xor,
    "sine": make_sine,
    "blobs": make_blobs,
}


def dataset_names() -> tuple[str, ...]:
    """Names ``load_dataset`` accepts: the bundled sets, then the generators.

    Example:
        >>> from chainrule.data import dataset_names
        >>> dataset_names()
        ('iris', 'digits', 'spirals', 'moons', 'xor', 'sine', 'blobs')
    """
    return (*_BUNDLED, *_GENERATED)


def load_dataset(name: str | os.PathLike, *, seed: Seed = None, **options) -> Dataset:
    """Load a data set as a ``Dataset`` (``X``, ``y``, names; unpacks as ``X, y``).

    ``name`` is one of ``dataset_names()`` or a path ending in ``.csv`` or ``.npz``.
    Bundled sets (``iris``, ``digits``) take no options and ignore ``seed``. Generated sets
    pass ``seed`` and ``options`` (``n_samples``, ``noise``, ...) to ``make_<name>``; their
    class names are ``"0", "1", ...`` (``sine`` is a regression). Files pass ``options`` to
    ``load_csv`` or ``load_npz``, e.g. ``nonfinite="drop"`` to skip rows holding missing
    values, NaN or inf, which by default raise ValueError naming the row and column.

    Example:
        >>> from chainrule.data import load_dataset
        >>> data = load_dataset("moons", n_samples=50, noise=0.1, seed=0)
        >>> data.X.shape, data.class_names
        ((50, 2), ('0', '1'))
        >>> load_dataset("sine", n_samples=20, seed=0).task
        'regression'
    """
    text = os.fspath(name)
    lowered = text.lower()
    if lowered.endswith(".csv"):
        return load_csv(text, **options)
    if lowered.endswith(".npz"):
        return load_npz(text, **options)
    if lowered in _BUNDLED:
        if options:
            raise TypeError(
                f"load_dataset: the bundled data set {lowered!r} takes no options, got "
                f"{sorted(options)}"
            )
        loader, features, target, classes = _BUNDLED[lowered]
        X, y = loader()
        return Dataset(X, y, features, target, classes, lowered)
    if lowered in _GENERATED:
        X, y = _GENERATED[lowered](seed=seed, **options)
        features = tuple(f"x{j}" for j in range(X.shape[1]))
        if y.dtype.kind == "f":
            return Dataset(X, y, features, "y", None, lowered)
        classes = tuple(str(c) for c in range(int(np.max(y)) + 1))
        return Dataset(X, y, features, "class", classes, lowered)
    raise ValueError(
        f"load_dataset: unknown data set {text!r}; choose one of {list(dataset_names())} or "
        "give a path ending in .csv or .npz"
    )
