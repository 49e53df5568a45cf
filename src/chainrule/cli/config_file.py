"""``chainrule train --config FILE``: the run's settings from a file, under the command line.

FILE is the ``best.json`` that ``chainrule tune`` writes (its ``train`` table holds every
setting of the best trial), or a JSON or TOML table of ``train`` options named as on the
command line with ``_`` for ``-`` (``batch_size = 32``, ``hidden = [64, 32]``). An option given
on the command line wins over the file. Unknown names, values of the wrong type and unreadable
files are refused, naming the file and the key.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import tomllib
from typing import Any

from chainrule.cli.data import UsageError

# the train options a config file may set, and the Python types each accepts
KEYS: dict[str, tuple[type, ...]] = {
    "data": (str,), "target": (str, int), "features": (str, list), "preprocess": (str,),
    "val": (float, int), "test": (float, int), "hidden": (int, str, list),
    "activation": (str,), "init": (str,), "batchnorm": (bool,), "dropout": (float, int),
    "loss": (str,), "optimizer": (str,), "lr": (float, int), "l2": (float, int),
    "epochs": (int,), "batch_size": (int,), "seed": (int,),
}


def read_config(path: str) -> dict[str, Any]:
    """The options in ``path`` (JSON, or TOML by its ``.toml`` suffix), checked."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as error:
        raise UsageError(f"--config: cannot read {path!r}: {error.strerror}") from None
    try:
        table = tomllib.loads(raw.decode()) if path.endswith(".toml") else json.loads(raw)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, UnicodeDecodeError) as error:
        kind = "TOML" if path.endswith(".toml") else "JSON"
        raise UsageError(f"--config {path!r}: not valid {kind}: {error}") from None
    if isinstance(table, dict) and isinstance(table.get("train"), dict):
        table = table["train"]  # the best.json of 'chainrule tune'
    if not isinstance(table, dict):
        raise UsageError(f"--config {path!r}: expected a table of train options, e.g. "
                         '{"lr": 0.01, "hidden": [64]}')
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise UsageError(f"--config {path!r}: unknown option {unknown[0]!r}; a config file sets "
                         f"{', '.join(KEYS)}")
    for key, value in table.items():
        _check(path, key, value)
    return table


def _check(path: str, key: str, value: Any) -> None:
    kinds = KEYS[key]
    ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
    if ok and isinstance(value, float):
        ok = math.isfinite(value)
    if ok and isinstance(value, list):
        ok = all(isinstance(v, int if key == "hidden" else str | int) and
                 not isinstance(v, bool) for v in value)
    if not ok:
        names = " or ".join("list" if k is list else k.__name__ for k in kinds)
        raise UsageError(f"--config {path!r}: {key} = {value!r} is not a {names}")


def apply_config(args: argparse.Namespace, path: str) -> argparse.Namespace:
    """``args`` with every option the command line left unset taken from the file ``path``.

    Example:
        >>> import argparse, json, os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "best.json")
        >>> with open(path, "w") as f:
        ...     json.dump({"train": {"lr": 0.05, "hidden": [32], "data": "digits"}}, f)
        >>> args = apply_config(argparse.Namespace(lr=None, hidden=None, data="iris"), path)
        >>> args.lr, args.hidden, args.data
        (0.05, [32], 'iris')
    """
    for key, value in read_config(os.fspath(path)).items():
        if getattr(args, key, None) is not None:
            continue  # given on the command line
        if key == "hidden":
            value = [value] if isinstance(value, int) else _sizes(path, value)
        elif key == "features" and isinstance(value, list):
            value = ",".join(str(v) for v in value)
        elif key == "target":
            value = str(value)
        elif key in ("val", "test", "dropout", "lr", "l2"):
            value = float(value)
        setattr(args, key, value)
    return args


def _sizes(path: str, value: str | list) -> list[int]:
    from chainrule.cli.arguments import hidden_sizes

    if isinstance(value, list):
        return [int(v) for v in value]
    try:
        return hidden_sizes(value)
    except argparse.ArgumentTypeError as error:
        raise UsageError(f"--config {path!r}: hidden: {error}") from None
