"""Data for the ``chainrule`` command: load a data set by name or CSV file, pick feature
columns, split it into train / validation / test parts and fit the preprocessing on the
training part. A run's ``RunConfig`` (stored in its checkpoint) names the data, columns, split
and seed, so ``evaluate``, ``predict`` and ``--resume`` rebuild the same data exactly.
"""

from __future__ import annotations

import csv
import math
import os
import re
from typing import TYPE_CHECKING

import numpy as np

from chainrule.data import (
    Dataset,
    MinMaxScaler,
    PCAWhitener,
    Standardizer,
    dataset_names,
    load_csv,
    load_dataset,
    load_npz,
    stratified_split,
)
from chainrule.data.csv_errors import CSVError, check_header, guarded
from chainrule.data.preprocessing import Preprocessor

if TYPE_CHECKING:
    from chainrule.cli.config import RunConfig

PREPROCESS = {"standardize": Standardizer, "minmax": MinMaxScaler, "whiten": PCAWhitener}
DEMO_FEATURES = ["petal length (cm)", "petal width (cm)"]


class UsageError(ValueError):
    """A problem with the command line or its inputs (reported in one line, exit status 2)."""


def normalized(name: str) -> str:
    """A column name without units in parentheses, lower case, words joined by ``_``
    (``"petal length (cm)"`` -> ``"petal_length"``), so either spelling selects it.

    Example:
        >>> from chainrule.cli.data import normalized
        >>> normalized("Petal Length (cm)")
        'petal_length'
    """
    bare = re.sub(r"\([^)]*\)", "", name).strip().lower()
    return re.sub(r"[^0-9a-z]+", "_", bare).strip("_")


def parse_columns(text: str | None) -> list[str | int] | None:
    """``"2,3"`` -> ``[2, 3]``; ``"width,height"`` -> names; None stays None."""
    if text is None:
        return None
    items = [t.strip() for t in text.split(",") if t.strip()]
    if not items:
        raise UsageError("--features: give column names or 0-based indices separated by commas")
    return [int(t) if re.fullmatch(r"-?\d+", t) else t for t in items]


def pick(names: list[str], spec: str | int, what: str) -> int:
    """Index of the column ``spec`` (an index, an exact name or a normalized name)."""
    if isinstance(spec, int):
        if not -len(names) <= spec < len(names):
            raise UsageError(f"{what}: column index {spec} is out of range for the "
                             f"{len(names)} columns {names}")
        return spec % len(names)
    hits = [i for i, n in enumerate(names) if n == spec]
    if not hits:
        hits = [i for i, n in enumerate(names) if normalized(n) == normalized(spec)]
    if len(hits) != 1:
        raise UsageError(f"{what}: no single column named {spec!r}; the columns are {names}")
    return hits[0]


def load(source: str, target: str | None = None, features: list[str | int] | None = None,
         class_names: list[str] | tuple[str, ...] | None = None, seed: int = 0) -> Dataset:
    """The data set ``source`` (a name or a CSV file with target column ``target``) with only
    the columns ``features`` (names or indices; all by default). ``class_names`` (a trained
    run's) fixes the label order of a CSV file; ``seed`` draws the generated data sets."""
    if source.lower().endswith(".csv"):
        if not os.path.isfile(source):
            raise UsageError(f"--data: cannot read {source!r}: no such file")
        column = -1 if target is None else (int(target) if re.fullmatch(r"-?\d+", str(target))
                                            else target)
        try:
            return load_csv(source, target=column, features=features,
                            class_names=None if class_names is None else list(class_names))
        except CSVError as error:  # the command line's hint instead of load_csv's keyword
            raise UsageError(error.for_command_line().removeprefix("load_csv: ")) from None
    if source.lower().endswith(".npz"):
        return _load_npz(source, target, features)
    if source.lower() not in dataset_names():
        raise UsageError(f"--data: unknown data set {source!r}; choose one of "
                         f"{list(dataset_names())} or give a FILE.csv")
    options = {} if source.lower() in ("iris", "digits") else {"seed": seed}
    return _columns(load_dataset(source, **options), features)


def _load_npz(source: str, target: str | None, features: list[str | int] | None) -> Dataset:
    """A ``.npz`` archive with arrays ``X`` and ``y`` (as ``chainrule.data.save_npz`` writes;
    ``y`` may have several columns: a multi-output regression)."""
    if not os.path.isfile(source):
        raise UsageError(f"--data: cannot read {source!r}: no such file")
    if target is not None:
        raise UsageError(f"--target: {source!r} is a .npz archive, whose targets are its array "
                         "'y'; leave out --target")
    return _columns(load_npz(source), features)


def _columns(data: Dataset, features: list[str | int] | None) -> Dataset:
    """``data`` with only the feature columns ``features`` (names or indices; None: all)."""
    if features is None:
        return data
    cols = [pick(list(data.feature_names), f, "--features") for f in features]
    return Dataset(data.X[:, cols], data.y, tuple(data.feature_names[i] for i in cols),
                   data.target_name, data.class_names, data.source)


def load_run_data(config: RunConfig) -> Dataset:
    """The data set of the trained run ``config``, its columns and label order as trained."""
    return load(config.data, config.target, list(config.features), config.class_names,
                config.seed)


def split(data: Dataset, config: RunConfig):
    """``(train, validation, test)`` pairs of ``data``, stratified by class, in the fractions
    of ``config`` and seeded by its seed."""
    try:
        return stratified_split(data.X, data.y, val=config.val, test=config.test,
                                seed=config.seed)
    except ValueError as error:
        raise UsageError(f"cannot split {config.data!r}: {error}") from None


def prepared(config: RunConfig, data: Dataset, preprocessing: Preprocessor | None = None):
    """``(raw parts, transformed parts, preprocessing)``: ``data`` split as ``config`` says,
    the preprocessing (a trained run's, or a new one fitted on the training part) applied."""
    raw = split(data, config)
    if preprocessing is None:
        preprocessing = make_preprocessor(config.preprocess)
        if preprocessing is not None:
            preprocessing.fit(raw[0][0])
    t = (lambda X: X) if preprocessing is None else preprocessing.transform
    parts = tuple((t(X), y) for X, y in raw)
    return raw, parts, preprocessing


def make_preprocessor(name: str | None) -> Preprocessor | None:
    """A fresh preprocessor called ``name`` (``standardize``, ``minmax``, ``whiten``) or None
    for ``none``."""
    if name in (None, "none"):
        return None
    return PREPROCESS[name]()


def read_feature_rows(path: str, features: list[str]) -> np.ndarray:
    """The columns ``features`` (names as in the checkpoint, or their normalized spelling) of
    the CSV file ``path`` as a float64 matrix; other columns (such as the target) are
    ignored. Errors name the line and column."""
    if not os.path.isfile(path):
        raise UsageError(f"cannot read {path!r}: no such file")
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        rows_of = guarded(reader, path, path)
        header = [h.strip() for h in next(rows_of, [])]
        if not header:
            raise UsageError(f"{path}: the file is empty; expected a header row naming columns")
        check_header(header, path, example=",".join(features))
        cols = [pick(header, name, path) for name in features]
        rows = []
        for row in rows_of:
            if not row:
                continue
            if len(row) != len(header):
                raise UsageError(f"{path}, line {reader.line_num}: {len(row)} fields but the "
                                 f"header has {len(header)} columns")
            values = []
            for c in cols:
                try:
                    v = float(row[c])
                except ValueError:
                    v = math.nan
                if not math.isfinite(v):
                    raise UsageError(f"{path}, line {reader.line_num}, column {header[c]!r}: "
                                     f"{row[c]!r} is not a finite number")
                values.append(v)
            rows.append(values)
    if not rows:
        raise UsageError(f"{path}: no data rows after the header")
    return np.array(rows, dtype=np.float64)
