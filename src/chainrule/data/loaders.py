"""Loading your own data: CSV files with a header row (here), and NumPy ``.npz`` archives
(``chainrule.data.npz``, re-exported here).

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

from chainrule.data.csv_errors import (
    BadCell,
    CSVError,
    bad_cell,
    check_header,
    guarded,
    refuse_cells,
)
from chainrule.data.datasets import Dataset
from chainrule.data.nonfinite import SHOWN, check_choice
from chainrule.data.npz import as_table, load_npz, save_npz
from chainrule.files import write_atomically

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
    """Field ``i`` of ``row``: a float (feature) or stripped text (target), or a ``BadCell``
    for a missing or non-finite value; text in a feature column raises ``CSVError``."""
    text = row[i].strip()
    bad = bad_cell(text, line, header[i])
    if bad is not None:
        return bad
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
    nonfinite: str = "raise",
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

    Missing values and non-finite numbers (``inf``, ``1e999``) in the chosen columns would
    only surface later as a NaN loss, so with ``nonfinite="raise"`` (default) they raise one
    ValueError naming the line (1 = the header) and column of the first, how many cells and
    rows hold them, and the first few; ``nonfinite="drop"`` skips those rows instead and
    lists their line numbers in ``Dataset.dropped``.

    Raises ValueError naming the file, line and column for a row with the wrong number of
    fields, missing or non-finite values, a non-numeric feature or an unknown class name, and
    for a first line of numbers only (a file without a header row, which would lose its first
    row).

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
    check_choice("load_csv", nonfinite)
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
        bad: list[BadCell] = []  # the first SHOWN of them
        cells_bad = 0
        dropped: list[int] = []
        for row in rows_of:
            if not row:
                continue
            line = reader.line_num
            if len(row) != len(header):
                raise ValueError(_field_count_message(where, line, row, header))
            cells = {i: _cell(row, i, header, where, line, i != t) for i in sorted([*cols, t])}
            values, label = [cells[i] for i in cols], cells[t]
            problems = [v for v in cells.values() if isinstance(v, BadCell)]
            if problems:
                bad, cells_bad = (bad + problems)[:SHOWN], cells_bad + len(problems)
                dropped.append(line)
                continue
            rows.append(values)
            raw_targets.append(label)
            lines.append(line)
    if bad and nonfinite == "raise":
        raise refuse_cells(where, bad, cells_bad, len(dropped))
    if not rows:
        more = f" ({len(dropped)} rows dropped for missing or non-finite values)" * bool(dropped)
        raise ValueError(f"{where}: no data rows after the header{more}")
    X = np.array(rows, dtype=np.float64).reshape(len(rows), len(cols))
    y, names = _targets(raw_targets, lines, where, header[t], classification, class_names)
    return Dataset(X, y, tuple(header[i] for i in cols), header[t], names, name, tuple(dropped))


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
    X, y = as_table(where, X, y)
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


__all__ = ["load_csv", "load_npz", "save_csv", "save_npz"]
