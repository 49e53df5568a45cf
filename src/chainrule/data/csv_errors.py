"""Problems found in CSV files, told the way each kind of user can act on them.

A hint such as "choose other columns with ``features=``" helps a Python caller of ``load_csv``
but not someone at the command line, where the same choice is ``--features``. ``CSVError``
carries both: ``str(error)`` has the Python hint and ``error.for_command_line()`` the command
line's. ``check_header`` catches a file without a header row, whose first data row would
otherwise be taken for column names and silently lost; ``guarded`` reports a file that is not
CSV text at all (an image, a checkpoint) in one line naming it. ``bad_cell`` and
``refuse_cells`` report missing and non-finite values, all of them in one error.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from chainrule.arrayfiles import describe_bytes
from chainrule.data.nonfinite import listing

MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})


class CSVError(ValueError):
    """A problem in a CSV file: ``problem`` (file, line, column and what is wrong) followed by
    ``hint`` for Python callers or ``cli_hint`` (default: the same) on the command line.

    Example:
        >>> from chainrule.data.csv_errors import CSVError
        >>> e = CSVError("f.csv: 'x' is not a number", " (choose with features=)",
        ...              " (choose with --features)")
        >>> str(e)
        "f.csv: 'x' is not a number (choose with features=)"
        >>> e.for_command_line()
        "f.csv: 'x' is not a number (choose with --features)"
    """

    def __init__(self, problem: str, hint: str = "", cli_hint: str | None = None) -> None:
        super().__init__(problem + hint)
        self.problem, self.hint = problem, hint
        self.cli_hint = hint if cli_hint is None else cli_hint

    def for_command_line(self) -> str:
        """The message with the command line's hint instead of the Python one."""
        return self.problem + self.cli_hint


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class BadCell(NamedTuple):
    """A missing or non-finite cell: its line (1 = the header), column name, text, and what is
    wrong with it."""

    line: int
    column: str
    text: str
    problem: str


def bad_cell(text: str, line: int, column: str) -> BadCell | None:
    """A ``BadCell`` when the stripped field ``text`` is a missing value (empty, NA, N/A, NaN,
    null, none, ?) or a number that is not finite (``inf``, ``1e999``), else None.

    Example:
        >>> from chainrule.data.csv_errors import bad_cell
        >>> bad_cell("NA", 3, "b").problem, bad_cell("-inf", 4, "b").problem
        ("missing value ('NA')", "'-inf' is not a finite number")
        >>> bad_cell("2.5", 5, "b") is None, bad_cell("rose", 5, "b") is None
        (True, True)
    """
    if text.lower() in MISSING:
        return BadCell(line, column, text, f"missing value ({text!r})")
    if _is_number(text) and not math.isfinite(float(text)):
        return BadCell(line, column, text, f"{text!r} is not a finite number")
    return None


def refuse_cells(where: str, shown: Sequence[BadCell], cells: int, rows: int) -> CSVError:
    """One error for ``cells`` missing or non-finite cells in ``rows`` rows, naming the first
    of ``shown`` and listing them, with what to do in Python and on the command line.

    Example:
        >>> from chainrule.data.csv_errors import bad_cell, refuse_cells
        >>> e = refuse_cells("f.csv", [bad_cell("", 2, "b"), bad_cell("inf", 4, "a")], 2, 2)
        >>> print(e)  # doctest: +NORMALIZE_WHITESPACE
        f.csv, line 2, column 'b': missing value (''); 2 missing or non-finite cells in 2 rows
        in all: line 2 column 'b' (''), line 4 column 'a' ('inf'); drop those rows or fill in
        (impute) the values, or pass nonfinite='drop' to skip them
    """
    first = f"{where}, line {shown[0].line}, column {shown[0].column!r}: {shown[0].problem}"
    places = [f"line {b.line} column {b.column!r} ({b.text!r})" for b in shown]
    found = listing(first, places, cells, rows, "row", "missing or non-finite")
    return CSVError(found + "; drop those rows or fill in (impute) the values",
                    ", or pass nonfinite='drop' to skip them", " in the file")


def looks_like_data(header: list[str]) -> bool:
    """Whether a first line ``header`` holds data rather than column names: every field is a
    number (or empty), and they are not simply the column positions ``0..n-1`` or ``1..n``
    (the names a table without names gets, e.g. from pandas).

    Example:
        >>> from chainrule.data.csv_errors import looks_like_data
        >>> looks_like_data(["5.1", "3.5", "0"]), looks_like_data(["width", "3.5", "0"])
        (True, False)
        >>> looks_like_data(["0", "1", "2"]), looks_like_data(["1", "2", "3"])
        (False, False)
    """
    fields = [h.strip() for h in header]
    numbers = [f for f in fields if f]
    if not numbers or not all(_is_number(f) for f in numbers):
        return False
    values = [float(f) for f in fields] if len(numbers) == len(fields) else []
    positions = [v - values[0] for v in values] == list(range(len(values))) and \
        values[:1] in ([0.0], [1.0]) and all(math.isfinite(v) for v in values)
    return not positions


def check_header(header: list[str], where: str, example: str | None = None) -> None:
    """Raise ``CSVError`` when the first line ``header`` looks like data (``looks_like_data``):
    a file without a header row would otherwise lose its first row. ``example`` is the header
    line to suggest (default: ``x0,x1,...,target``).

    Example:
        >>> from chainrule.data.csv_errors import check_header
        >>> check_header(["5.1", "3.5", "0"], "my.csv")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        chainrule.data.csv_errors.CSVError: my.csv, line 1: the first line ... 'x0,x1,target'
    """
    if not looks_like_data(header):
        return
    if example is None:
        n = len(header)
        names = [f"x{j}" for j in range(n - 1)] + ["target"]
        example = ",".join(names) if n <= 5 else ",".join([*names[:2], "...", *names[-2:]])
    shown = ",".join(header) if len(",".join(header)) <= 40 else ",".join(header)[:40] + "..."
    raise CSVError(f"{where}, line 1: the first line {shown!r} holds only numbers, so it is "
                   "data, not a header row naming the columns (which chainrule needs to choose "
                   f"and match columns by name); add a header line such as {example!r}")


def guarded(reader, path: str, where: str) -> Iterator[list[str]]:
    """The rows of the ``csv.reader`` ``reader`` of the file ``path``; bytes that are not
    UTF-8 text, or that the csv module cannot split (a field over its size limit), raise
    ``CSVError`` naming the file and line instead of ``UnicodeDecodeError`` / ``csv.Error``.

    Example:
        >>> import csv, io
        >>> from chainrule.data.csv_errors import guarded
        >>> list(guarded(csv.reader(io.StringIO("a,b\\n1,2\\n")), "t.csv", "t.csv"))
        [['a', 'b'], ['1', '2']]
    """
    try:
        yield from reader
    except UnicodeDecodeError as error:
        with open(path, "rb") as f:
            kind = describe_bytes(f.read(2048))
        raise CSVError(f"{where}: the file is not UTF-8 text ({error.reason}); it looks like "
                       f"{kind}; give a CSV text file (save it as UTF-8)") from None
    except csv.Error as error:
        raise CSVError(f"{where}, line {reader.line_num}: {error}; is it a CSV file?") from None
