"""Non-finite values (NaN, inf) in data, found before they reach training.

A NaN in one feature makes the first loss NaN, and a training loop that only watches the loss
would call the run diverged and advise a lower learning rate: the wrong fix. The loaders
(``load_csv``, ``load_npz``) and ``fit`` therefore look at the data first and say where the
bad values are (the sample or file line, and the column), how many there are in all, and what
to do: drop or impute those rows. ``nonfinite="drop"`` in the loaders skips such rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

CHOICES = ("raise", "drop")
SHOWN = 5  # cells listed in a message; the count says how many there are in all


def check_choice(where: str, nonfinite: str) -> None:
    """Raise ValueError unless ``nonfinite`` is one of ``CHOICES``.

    Example:
        >>> from chainrule.data.nonfinite import check_choice
        >>> check_choice("load_csv", "drop")
        >>> check_choice("load_csv", "skip")
        Traceback (most recent call last):
        ...
        ValueError: load_csv: nonfinite='skip'; use 'raise' (an error naming the cells) or \
'drop' (skip the rows holding them)
    """
    if nonfinite not in CHOICES:
        raise ValueError(f"{where}: nonfinite={nonfinite!r}; use 'raise' (an error naming the "
                         "cells) or 'drop' (skip the rows holding them)")


def listing(first: str, places: Sequence[str], cells: int, rows: int, unit: str,
            kind: str = "non-finite") -> str:
    """``first`` (the first bad cell, described) and, when there are more, the count of
    ``kind`` cells and of ``unit``s holding them, with the first ``SHOWN`` ``places``.

    Example:
        >>> from chainrule.data.nonfinite import listing
        >>> listing("line 2: 'nan'", ["line 2", "line 5", "line 5"], 3, 2, "row")
        "line 2: 'nan'; 3 non-finite cells in 2 rows in all: line 2, line 5, line 5"
        >>> listing("line 2: 'nan'", ["line 2"], 1, 1, "row")
        "line 2: 'nan' (the only such cell)"
    """
    if cells == 1:
        return f"{first} (the only such cell)"
    shown = ", ".join(places[:SHOWN]) + (", ..." if cells > SHOWN else "")
    plural = "" if rows == 1 else "s"
    return f"{first}; {cells} {kind} cells in {rows} {unit}{plural} in all: {shown}"


def _table(a: np.ndarray) -> np.ndarray | None:
    """The entries of ``a`` as (samples, columns), or None when its dtype cannot hold NaN."""
    if a.dtype.kind not in "fc":  # integers, booleans and strings are always finite
        return None
    return a.reshape(a.shape[0], -1) if a.ndim else a.reshape(1, 1)


def bad_samples(*arrays: np.ndarray) -> np.ndarray:
    """Boolean mask over the samples (axis 0): True where any of ``arrays`` holds NaN or inf.

    Example:
        >>> import numpy as np
        >>> from chainrule.data.nonfinite import bad_samples
        >>> bad_samples(np.array([[1.0, np.nan], [2.0, 3.0]]), np.array([np.inf, 0.0])).tolist()
        [True, False]
    """
    mask = np.zeros(len(arrays[0]), dtype=bool)
    for a in arrays:
        table = _table(np.asarray(a))
        if table is not None:
            mask |= ~np.isfinite(table).all(axis=1)
    return mask


def find(arrays: Sequence[tuple[str, np.ndarray, Sequence[str] | None]]
         ) -> tuple[list[tuple[int, str, int, float]], int, int]:
    """The non-finite entries of the ``(name, array, column_names)`` triples (arrays sharing
    axis 0): the first ``SHOWN`` as ``(sample, name, column, value)`` in sample order, the
    number of entries and the number of samples holding any.

    Example:
        >>> import numpy as np
        >>> from chainrule.data.nonfinite import find
        >>> X, y = np.array([[0.0, np.inf], [np.nan, np.nan]]), np.array([np.nan, 1.0])
        >>> find([("X", X, None), ("y", y, None)])
        ([(0, 'X', 1, inf), (0, 'y', 0, nan), (1, 'X', 0, nan), (1, 'X', 1, nan)], 4, 2)
    """
    entries, count = [], 0
    for name, a, _ in arrays:
        table = _table(np.asarray(a))
        if table is None:
            continue
        where = np.argwhere(~np.isfinite(table))
        count += len(where)
        entries += [(int(r), name, int(c), float(table[r, c])) for r, c in where[:SHOWN]]
    entries.sort(key=lambda e: e[0])  # stable: within a sample, the arrays' order
    rows = int(bad_samples(*(a for _, a, _ in arrays)).sum()) if count else 0
    return entries[:SHOWN], count, rows


def cell_name(name: str, array: np.ndarray, sample: int, column: int,
              columns: Sequence[str] | None) -> str:
    """``X[4, 1] ('width')``: the entry as it is indexed, with its column name when known."""
    a = np.asarray(array)
    index = f"{name}[{sample}]" if a.ndim == 1 else f"{name}[{sample}, {column}]"
    known = columns is not None and a.ndim == 2 and column < len(columns)
    return f"{index} ({columns[column]!r})" if known else index


def describe(arrays: Sequence[tuple[str, np.ndarray, Sequence[str] | None]]) -> str:
    """Where the NaN/inf entries of the ``(name, array, column_names)`` arrays are (the first
    is the features, the others targets): the first entry's sample (0-based) and column, and
    with ``listing`` the count and the first few. Empty when all entries are finite.

    Example:
        >>> import numpy as np
        >>> from chainrule.data.nonfinite import describe
        >>> X, y = np.array([[1.0, np.inf], [3.0, np.nan]]), np.array([0.5, np.nan])
        >>> describe([("X", X, ["a", "b"]), ("y", y, None)])  # doctest: +NORMALIZE_WHITESPACE
        "X[0, 1] ('b') is inf: sample 0 (0-based), feature column 1; 3 non-finite cells in 2
        samples in all: X[0, 1] ('b') = inf, X[1, 1] ('b') = nan, y[1] = nan"
    """
    entries, count, rows = find(arrays)
    if not count:
        return ""
    columns = {name: (np.asarray(a), cols) for name, a, cols in arrays}

    def named(entry: tuple[int, str, int, float]) -> str:
        sample, name, column, _ = entry
        return cell_name(name, columns[name][0], sample, column, columns[name][1])

    sample, name, column, value = entries[0]
    role = "feature column" if name == arrays[0][0] else "target column"
    where = f"sample {sample} (0-based)"
    if columns[name][0].ndim == 2:
        where += f", {role} {column}"
    places = [f"{named(e)} = {e[3]}" for e in entries]
    return listing(f"{named(entries[0])} is {value}: {where}", places, count, rows, "sample")


def require_finite(op: str, arrays: Sequence[tuple[str, np.ndarray, Sequence[str] | None]],
                   advice: str) -> None:
    """Raise ValueError when the ``(name, array, column_names)`` arrays hold NaN or inf, with
    ``describe``'s account of where and ``advice``.

    Example:
        >>> import numpy as np
        >>> from chainrule.data.nonfinite import require_finite
        >>> X = np.array([[1.0, 2.0], [3.0, np.nan]])
        >>> require_finite("fit", [("X", X, ["a", "b"])], "drop those samples")
        Traceback (most recent call last):
        ...
        ValueError: fit: X[1, 1] ('b') is nan: sample 1 (0-based), feature column 1 (the only \
such cell); drop those samples
    """
    text = describe(arrays)
    if text:
        raise ValueError(f"{op}: {text}; {advice}")
