"""NumPy ``.npz`` archives of features and targets: ``load_npz`` and ``save_npz``.

The archive holds arrays only (no pickled objects): ``X`` (n, d), ``y`` (n,) or (n, m), and
optionally ``class_names`` and ``feature_names`` as string arrays. Problems name the archive,
the array, and for NaN/inf the 0-based sample and the column.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from chainrule.arrayfiles import read_arrays
from chainrule.data.datasets import Dataset
from chainrule.data.nonfinite import bad_samples, check_choice, describe
from chainrule.files import write_atomically


def as_table(where: str, X, y) -> tuple[np.ndarray, np.ndarray]:
    """``X`` (2-D) and ``y`` (1-D or 2-D, as many rows) as arrays, or ValueError naming
    ``where`` and the shapes."""
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"{where}: X must be 2-D (n_samples, n_features), got shape {X.shape}")
    if y.ndim not in (1, 2) or y.shape[0] != X.shape[0]:
        raise ValueError(
            f"{where}: y must have shape ({X.shape[0]},) or ({X.shape[0]}, m) to match X "
            f"{X.shape}, got {y.shape}"
        )
    return X, y


def load_npz(
    path: str | os.PathLike, *, x_key: str = "X", y_key: str = "y",
    classification: bool | None = None, nonfinite: str = "raise",
) -> Dataset:
    """Read features and targets from a ``.npz`` archive (no pickled objects allowed).

    ``x_key``/``y_key`` name the arrays (default ``"X"``/``"y"``). Optional string arrays
    ``"class_names"`` and ``"feature_names"`` are used when present. Integer (or bool) ``y``
    means class labels, float ``y`` a regression target (returned with shape (n, 1) when 1-D);
    ``classification`` overrides that guess (float labels must then be whole numbers).
    NaN or inf in ``X`` or a float ``y`` raises one ValueError naming the sample (0-based) and
    column of the first, how many there are and the first few (``nonfinite="raise"``, the
    default); ``nonfinite="drop"`` skips those samples and lists them in ``Dataset.dropped``.

    Example:
        >>> import os, tempfile
        >>> import numpy as np
        >>> from chainrule.data import load_npz, save_npz
        >>> path = os.path.join(tempfile.mkdtemp(), "d.npz")
        >>> save_npz(path, np.eye(3), np.array([0, 2, 1]), class_names=["a", "b", "c"])
        >>> data = load_npz(path)
        >>> data.y.tolist(), data.class_names
        ([0, 2, 1], ('a', 'b', 'c'))
    """
    name = os.fspath(path)
    where = f"load_npz: {name}"
    stored = read_arrays(name, where=f"{where}: ", advice="save the data with save_npz or "
                         "numpy.savez (numeric arrays, no object arrays)")
    keys = list(stored)
    for key in (x_key, y_key):
        if key not in keys:
            raise ValueError(f"{where}: no array named {key!r}; the archive has {keys}")
    X, y = as_table(where, stored[x_key], stored[y_key])
    if not (np.issubdtype(X.dtype, np.integer) or np.issubdtype(X.dtype, np.floating)):
        raise ValueError(f"{where}: array {x_key!r} must be numeric, got dtype {X.dtype}")
    X = X.astype(np.float64)
    features = stored.get("feature_names", [f"x{j}" for j in range(X.shape[1])])
    if len(features) != X.shape[1]:
        raise ValueError(f"{where}: {len(features)} feature_names for {X.shape[1]} columns")
    features = tuple(map(str, features))
    check_choice("load_npz", nonfinite)
    bad = bad_samples(X, y)
    if bad.any() and nonfinite == "raise":
        found = describe([(x_key, X, features), (y_key, y, None)])
        raise ValueError(f"{where}: {found}; drop those samples or impute the values, or pass "
                         "nonfinite='drop' to skip them")
    dropped = tuple(int(i) for i in np.flatnonzero(bad))
    if dropped:
        X, y = X[~bad], y[~bad]
        if not len(X):
            raise ValueError(f"{where}: every sample holds NaN or inf; nothing is left to load")
    names = stored.get("class_names")
    integer = np.issubdtype(y.dtype, np.integer) or y.dtype == np.bool_
    if classification is None:
        classification = integer or names is not None
    if not classification:
        y = y.astype(np.float64)
        return Dataset(X, y.reshape(-1, 1) if y.ndim == 1 else y, features, y_key, None, name,
                       dropped)
    if y.ndim != 1 or not (integer or np.all(np.mod(y, 1) == 0)) or (y.size and y.min() < 0):
        raise ValueError(f"{where}: class labels {y_key!r} must be whole numbers >= 0 in a 1-D "
                         f"array, got dtype {y.dtype} shape {y.shape}")
    y = y.astype(np.int64)
    k = int(y.max()) + 1 if y.size else 0
    names = tuple(str(v) for v in names) if names is not None else tuple(map(str, range(k)))
    if k > len(names):
        raise ValueError(f"{where}: label {k - 1} but only {len(names)} class_names {names}")
    return Dataset(X, y, features, y_key, names, name, dropped)


def save_npz(
    path: str | os.PathLike, X: np.ndarray, y: np.ndarray, *,
    class_names: Sequence[str] | None = None, feature_names: Sequence[str] | None = None,
) -> None:
    """Write ``X``, ``y`` (and the names, when given) to an uncompressed ``.npz``, atomically.

    The file is written exactly at ``path`` (no ``.npz`` is appended).

    Example:
        >>> import os, tempfile
        >>> import numpy as np
        >>> from chainrule.data import load_npz, save_npz
        >>> path = os.path.join(tempfile.mkdtemp(), "r.npz")
        >>> save_npz(path, np.ones((2, 3)), np.array([0.5, 1.5]))
        >>> load_npz(path).y.shape
        (2, 1)
    """
    X, y = as_table(f"save_npz: {os.fspath(path)}", X, y)
    arrays = {"X": X, "y": y}
    if class_names is not None:
        arrays["class_names"] = np.array([str(c) for c in class_names], dtype=np.str_)
    if feature_names is not None:
        arrays["feature_names"] = np.array([str(c) for c in feature_names], dtype=np.str_)
    write_atomically(path, lambda f: np.savez(f, **arrays), binary=True)
