"""Loading your own data: CSV files with a header row, and NumPy ``.npz`` archives.

Both return a ``Dataset`` (``X`` float64 (n, d), ``y`` int64 class labels (n,) or float64
regression targets (n, 1), and the names). Every problem in a file is reported with the file
name, the line number (1 = the header) and the column name, so it can be fixed at once.
``save_csv``/``save_npz`` write the same formats (atomically), so data round-trips exactly.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Sequence

import numpy as np

from chainrule.arrayfiles import read_arrays
from chainrule.data.csv_errors import CSVError, check_header, guarded
from chainrule.data.datasets import Dataset
from chainrule.files import write_atomically

MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})
Column = int | str


def _column(spec: Column, header: list[str], where: str, role: str) -> int:
    """Index of the column named or numbered by ``spec`` (negative indices count from the end)."""
    if isinstance(spec, bool) or not isinstance(spec, int | str):
        raise TypeError(f"{where}: {role} column must be a name or an index, got {spec!r}")
    if isinstance(spec, int):
        if not -len(header) <= spec < len(header):
            raise ValueError(
                f"{where}: {role} column index {spec} is out of range for {len(header)} columns "
                f"{header}"
            )
        return spec % len(header)
    hits = [i for i, name in enumerate(header) if name == spec]
    if not hits:
        raise ValueError(f"{where}: no {role} column named {spec!r}; the columns are {header}")
    if len(hits) > 1:
        raise ValueError(
            f"{where}: the header has {len(hits)} columns named {spec!r} (indices {hits}); "
            "select the column by index instead"
        )
    return hits[0]


def _number(text: str) -> float | None:
    """The finite float spelled by ``text``, or None when it is not one."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _field_count_message(where: str, line: int, row: list[str], header: list[str]) -> str:
    if len(row) < len(header):
        detail = f"column {header[len(row)]!r} has no value"
    else:
        detail = f"field {len(header) + 1} ({row[len(header)]!r}) has no column name"
    return (
        f"{where}, line {line}: {len(row)} fields but the header has {len(header)} columns "
        f"{header}; {detail}"
    )


def _cell(row: list[str], i: int, header: list[str], where: str, line: int, numeric: bool):
    """Field ``i`` of ``row``: a float (feature) or stripped text (target); errors if missing."""
    text = row[i].strip()
    if text.lower() in MISSING:
        raise ValueError(
            f"{where}, line {line}, column {header[i]!r}: missing value ({text!r}); fill it in "
            "or remove the row"
        )
    if not numeric:
        return text
    value = _number(text)
    if value is None:
        raise CSVError(
            f"{where}, line {line}, column {header[i]!r}: {text!r} is not a finite number; "
            "feature columns must be numeric", " (choose others with features=)",
            " (choose others with --features)"
        )
    return value


def _label_name(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def load_csv(
    path: str | os.PathLike,
    target: Column = -1,
    *,
    features: Sequence[Column] | None = None,
    delimiter: str = ",",
    classification: bool | None = None,
    class_names: Sequence[str] | None = None,
) -> Dataset:
    """Read a CSV file whose first line names the columns (parsed with the ``csv`` module).

    ``target`` picks the target column by name or index (default: the last column);
    ``features`` picks feature columns (default: all the others), which must be numeric.
    A target column holding text is a class label: the labels become int64 ``0..k-1`` in
    sorted order and ``Dataset.class_names`` records the names. ``classification=True`` treats
    a numeric target as labels too (sorted numerically); ``classification=False`` requires a
    numeric target (float64, shape (n, 1)). Pass the ``class_names`` of the training file when
    loading a validation/test file, so the same label means the same class. Empty lines are
    skipped; empty fields and NA, N/A, NaN, null, none, ? count as missing values.

    Raises ValueError naming the file, line and column for a row with the wrong number of
    fields, a missing value, a non-numeric feature or an unknown class name, and for a first
    line of numbers only (a file without a header row, which would lose its first row).

    Example:
        >>> import os, tempfile
        >>> from chainrule.data import load_csv
        >>> path = os.path.join(tempfile.mkdtemp(), "flowers.csv")
        >>> _ = open(path, "w").write("width,height,kind\\n1.5,2,rose\\n0.5,1,tulip\\n2,3,rose\\n")
        >>> data = load_csv(path, target="kind")
        >>> data.X.tolist(), data.y.tolist(), data.class_names
        ([[1.5, 2.0], [0.5, 1.0], [2.0, 3.0]], [0, 1, 0], ('rose', 'tulip'))
    """
    name = os.fspath(path)
    where = f"load_csv: {name}"
    if class_names is not None:
        if classification is False:
            raise ValueError(f"{where}: class_names was given with classification=False")
        classification = True
    with open(name, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f, delimiter=delimiter)
        rows_of = guarded(reader, name, where)
        header = next(rows_of, None)
        if header is None:
            raise ValueError(f"{where}: the file is empty; expected a header row naming columns")
        header = [h.strip() for h in header]
        check_header(header, where)
        t = _column(target, header, where, "target")
        if features is None:
            cols = [i for i in range(len(header)) if i != t]
        else:
            cols = [_column(c, header, where, "feature") for c in features]
            if len(set(cols)) != len(cols) or t in cols:
                chosen = [header[i] for i in cols]
                raise ValueError(
                    f"{where}: feature columns {chosen} repeat a column or include the target "
                    f"column {header[t]!r}"
                )
        rows: list[list[float]] = []
        raw_targets: list[str] = []
        lines: list[int] = []
        for row in rows_of:
            if not row:
                continue
            line = reader.line_num
            if len(row) != len(header):
                raise ValueError(_field_count_message(where, line, row, header))
            rows.append([_cell(row, i, header, where, line, numeric=True) for i in cols])
            raw_targets.append(_cell(row, t, header, where, line, numeric=False))
            lines.append(line)
    if not rows:
        raise ValueError(f"{where}: no data rows after the header")
    X = np.array(rows, dtype=np.float64).reshape(len(rows), len(cols))
    y, names = _targets(raw_targets, lines, where, header[t], classification, class_names)
    return Dataset(X, y, tuple(header[i] for i in cols), header[t], names, name)


def _targets(raw, lines, where, column, classification, class_names):
    """Turn the target strings into labels (+ class names) or a float64 column."""
    numbers = [_number(text) for text in raw]
    first_text = next((i for i, v in enumerate(numbers) if v is None), None)
    if classification is None:
        classification = first_text is not None
    if class_names is not None:
        names = tuple(str(c) for c in class_names)
        index = {c: i for i, c in enumerate(names)}
        bad = next((i for i, text in enumerate(raw) if text not in index), None)
        if bad is not None:
            raise CSVError(
                f"{where}, line {lines[bad]}, column {column!r}: class {raw[bad]!r} is not one "
                f"of the classes {list(names)}", " (the given class_names)",
                " (those the model was trained on)"
            )
        return np.array([index[text] for text in raw], dtype=np.int64), names
    if not classification:
        if first_text is not None:
            raise ValueError(
                f"{where}, line {lines[first_text]}, column {column!r}: {raw[first_text]!r} is "
                "not a finite number; a regression target must be numeric "
                "(pass classification=True for class labels)"
            )
        return np.array(numbers, dtype=np.float64).reshape(-1, 1), None
    if first_text is None:
        values = sorted(set(numbers))
        index = {v: i for i, v in enumerate(values)}
        labels = np.array([index[v] for v in numbers], dtype=np.int64)
        return labels, tuple(_label_name(v) for v in values)
    names = tuple(sorted(set(raw)))
    index = {c: i for i, c in enumerate(names)}
    return np.array([index[text] for text in raw], dtype=np.int64), names


def _as_table(where: str, X, y) -> tuple[np.ndarray, np.ndarray]:
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"{where}: X must be 2-D (n_samples, n_features), got shape {X.shape}")
    if y.ndim not in (1, 2) or y.shape[0] != X.shape[0]:
        raise ValueError(
            f"{where}: y must have shape ({X.shape[0]},) or ({X.shape[0]}, m) to match X "
            f"{X.shape}, got {y.shape}"
        )
    return X, y


def save_csv(
    path: str | os.PathLike, X: np.ndarray, y: np.ndarray, *,
    feature_names: Sequence[str] | None = None, target_name: str = "target",
    class_names: Sequence[str] | None = None, delimiter: str = ",",
) -> None:
    """Write ``X`` and one target column as CSV with a header row, atomically.

    Floats are written with ``repr`` so ``load_csv`` reads back the identical values. With
    ``class_names`` the int labels ``y`` are written as those names. Default feature names are
    ``x0, x1, ...``.

    Example:
        >>> import os, tempfile
        >>> import numpy as np
        >>> from chainrule.data import load_csv, save_csv
        >>> path = os.path.join(tempfile.mkdtemp(), "two.csv")
        >>> save_csv(path, np.array([[0.1], [0.2]]), np.array([1, 0]), class_names=["no", "yes"])
        >>> open(path).read().splitlines()
        ['x0,target', '0.1,yes', '0.2,no']
        >>> load_csv(path, class_names=["no", "yes"]).y.tolist()
        [1, 0]
    """
    where = f"save_csv: {os.fspath(path)}"
    X, y = _as_table(where, X, y)
    if y.ndim == 2 and y.shape[1] != 1:
        raise ValueError(f"{where}: save_csv writes one target column, got y of shape {y.shape}")
    y = y.reshape(-1)
    names = [f"x{j}" for j in range(X.shape[1])] if feature_names is None else list(feature_names)
    if len(names) != X.shape[1]:
        raise ValueError(f"{where}: {len(names)} feature_names for X with {X.shape[1]} columns")
    if class_names is not None:
        labels = list(class_names)
        if not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= len(labels):
            raise ValueError(
                f"{where}: with class_names, y must hold int labels in 0..{len(labels) - 1}"
            )
        column = [labels[int(v)] for v in y]
    elif np.issubdtype(y.dtype, np.integer):
        column = [str(int(v)) for v in y]
    else:
        column = [repr(float(v)) for v in y]

    def write(f) -> None:
        out = csv.writer(f, delimiter=delimiter, lineterminator="\n")
        out.writerow([*names, target_name])
        for row, label in zip(X.tolist(), column, strict=True):
            out.writerow([*(repr(float(v)) for v in row), label])

    write_atomically(path, write, binary=False)


def load_npz(
    path: str | os.PathLike, *, x_key: str = "X", y_key: str = "y",
    classification: bool | None = None,
) -> Dataset:
    """Read features and targets from a ``.npz`` archive (no pickled objects allowed).

    ``x_key``/``y_key`` name the arrays (default ``"X"``/``"y"``). Optional string arrays
    ``"class_names"`` and ``"feature_names"`` are used when present. Integer (or bool) ``y``
    means class labels, float ``y`` a regression target (returned with shape (n, 1) when 1-D);
    ``classification`` overrides that guess (float labels must then be whole numbers).

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
    X, y = _as_table(where, stored[x_key], stored[y_key])
    if not (np.issubdtype(X.dtype, np.integer) or np.issubdtype(X.dtype, np.floating)):
        raise ValueError(f"{where}: array {x_key!r} must be numeric, got dtype {X.dtype}")
    X = X.astype(np.float64)
    bad = np.argwhere(~np.isfinite(X))
    if bad.size:
        r, c = (int(v) for v in bad[0])
        raise ValueError(f"{where}: array {x_key!r} row {r}, column {c} is {X[r, c]} (missing)")
    features = stored.get("feature_names", [f"x{j}" for j in range(X.shape[1])])
    if len(features) != X.shape[1]:
        raise ValueError(f"{where}: {len(features)} feature_names for {X.shape[1]} columns")
    names = stored.get("class_names")
    integer = np.issubdtype(y.dtype, np.integer) or y.dtype == np.bool_
    if classification is None:
        classification = integer or names is not None
    if not classification:
        y = y.astype(np.float64)
        return Dataset(X, y.reshape(-1, 1) if y.ndim == 1 else y, tuple(map(str, features)),
                       y_key, None, name)
    if y.ndim != 1 or not (integer or np.all(np.mod(y, 1) == 0)) or (y.size and y.min() < 0):
        raise ValueError(f"{where}: class labels {y_key!r} must be whole numbers >= 0 in a 1-D "
                         f"array, got dtype {y.dtype} shape {y.shape}")
    y = y.astype(np.int64)
    k = int(y.max()) + 1 if y.size else 0
    names = tuple(str(v) for v in names) if names is not None else tuple(map(str, range(k)))
    if k > len(names):
        raise ValueError(f"{where}: label {k - 1} but only {len(names)} class_names {names}")
    return Dataset(X, y, tuple(map(str, features)), y_key, names, name)


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
    X, y = _as_table(f"save_npz: {os.fspath(path)}", X, y)
    arrays = {"X": X, "y": y}
    if class_names is not None:
        arrays["class_names"] = np.array([str(c) for c in class_names], dtype=np.str_)
    if feature_names is not None:
        arrays["feature_names"] = np.array([str(c) for c in feature_names], dtype=np.str_)
    write_atomically(path, lambda f: np.savez(f, **arrays), binary=True)
