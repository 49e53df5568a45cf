"""Reading NumPy ``.npy`` / ``.npz`` files safely: the one place where chainrule opens them.

A file cut off while it was copied, a byte changed on disk, or a file of another kind under a
``.npz`` name would otherwise surface as whatever NumPy or ``zipfile`` happens to raise
(``BadZipFile``, ``EOFError``, or "This file contains pickled data" for random bytes). Here
every such file gives one ``DamagedFileError`` (a ``ValueError``) whose one-line message names
the file, says what is wrong with it and what to do. Every array is read into memory and its
zip checksum (CRC-32) verified, so damage is found at load time, never later; pickled Python
objects are never loaded. Used by checkpoints (``chainrule.train.load_checkpoint``), module
files (``chainrule.nn.load``), ``chainrule.data.load_npz`` and ``chainrule check --at @file``.
"""

from __future__ import annotations

import io
import os
import zipfile

import numpy as np

NPY_MAGIC = b"\x93NUMPY"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip archive with entries / an empty one
SIGNATURES = (
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"), (b"\x1f\x8b", "gzip-compressed data"),
    (b"\x89HDF", "an HDF5 file"), (b"PK\x03\x04", "a zip archive (a .npz file?)"),
    (b"PK", "a damaged zip archive"),
)


class DamagedFileError(ValueError):
    """A file that is truncated, damaged, or not the kind of file expected.

    Example:
        >>> from chainrule.arrayfiles import DamagedFileError
        >>> issubclass(DamagedFileError, ValueError)
        True
    """


def describe_bytes(data: bytes) -> str:
    """What the start of ``data`` looks like, in words (for error messages).

    Example:
        >>> from chainrule.arrayfiles import describe_bytes
        >>> describe_bytes(b"\\x89PNG\\r\\n\\x1a\\n..."), describe_bytes(b'{"a": 1}')
        ('a PNG image', 'JSON text')
        >>> describe_bytes(b"\\x80\\x04\\x95..."), describe_bytes(b"hello world\\n")
        ('a Python pickle', "text (first line 'hello world')")
    """
    for magic, kind in SIGNATURES:
        if data.startswith(magic):
            return kind
    if len(data) > 1 and data[0] == 0x80 and 2 <= data[1] <= 5:
        return "a Python pickle"
    head, encoding = data[:2048], ""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:  # a character cut at the end of the sample is fine
        text = head[:error.start].decode("utf-8") if error.start > len(head) - 4 else None
        if text is None:
            text, encoding = head.decode("latin-1"), " in an encoding other than UTF-8"
    if text.strip() and all(c.isprintable() or c in "\t\n\r\f" for c in text):
        stripped = text.lstrip()
        if encoding:
            return f"text{encoding} (first line {stripped.splitlines()[0][:40]!r})"
        if stripped[0] in "{[":
            return "JSON text"
        if stripped[0] == "<":
            return "XML or HTML text"
        first = stripped.splitlines()[0]
        return f"text (first line {first[:40] + ('...' if len(first) > 40 else '')!r})"
    return f"other binary data (it starts with {data[:8]!r})"


def _reason(error: BaseException) -> str:
    text = " ".join(str(error).split())
    if "CRC" in text:
        return "its checksum does not match its bytes (they were changed)"
    if text.startswith("EOF"):
        return f"it ends too early (truncated): {text}"
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def read_arrays(path: str | os.PathLike, *, npy: bool = False, where: str = "",
                advice: str = "") -> dict[str, np.ndarray] | np.ndarray:
    """Every array of the ``.npz`` file ``path`` as ``{name: array}`` (with ``npy=True`` a
    ``.npy`` file is accepted too and gives its one array), checked and read into memory.

    Raises ``DamagedFileError`` with one line ``"{where}'path' <what is wrong>; {advice}"`` for
    an empty, truncated or damaged file, a file of another kind, or one holding pickled Python
    objects. A missing or unreadable file raises the usual ``OSError``.

    Example:
        >>> import os, tempfile
        >>> import numpy as np
        >>> from chainrule.arrayfiles import read_arrays
        >>> path = os.path.join(tempfile.mkdtemp(), "a.npz")
        >>> np.savez(path, x=np.arange(3))
        >>> read_arrays(path)["x"].tolist()
        [0, 1, 2]
        >>> data = open(path, "rb").read()
        >>> _ = open(path, "wb").write(data[:100])  # cut off
        >>> read_arrays(path, advice="save it again")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        chainrule.arrayfiles.DamagedFileError: '...a.npz' is truncated or damaged (100 bytes): ...
    """
    name = os.fspath(path)
    kind = "NumPy .npy/.npz file" if npy else "NumPy .npz file"

    def fail(problem: str) -> DamagedFileError:
        return DamagedFileError(f"{where}{name!r} {problem}" + (f"; {advice}" if advice else ""))

    with open(name, "rb") as f:
        data = f.read()
    if not data:
        raise fail(f"is empty (0 bytes), not a {kind}; it was probably cut off while it was "
                   "written or copied")
    if data.startswith(NPY_MAGIC):
        if not npy:
            raise fail("is a .npy file (a single array), not a .npz archive")
        return _read_npy(io.BytesIO(data), "its array", fail)
    if not data.startswith(ZIP_MAGIC):
        raise fail(f"is not a {kind}: it looks like {describe_bytes(data)}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as error:  # any failure to parse these bytes means damage
        detail = "" if isinstance(error, zipfile.BadZipFile) else f" ({_reason(error)})"
        raise fail(f"is truncated or damaged ({len(data)} bytes): it starts like a .npz (zip) "
                   f"archive but its table of contents at the end is missing or broken"
                   f"{detail}") from None
    arrays: dict[str, np.ndarray] = {}
    with archive:
        try:
            infos = archive.infolist()
        except Exception as error:
            raise fail(f"is damaged: {_reason(error)}") from None
        for info in infos:
            key = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            try:
                raw = archive.read(info)  # checks the CRC-32 at the end
            except Exception as error:
                raise fail(f"is damaged: its entry {key!r} cannot be read: "
                           f"{_reason(error)}") from None
            if not raw.startswith(NPY_MAGIC):
                raise fail(f"is a zip archive but not a {kind}: its entry {info.filename!r} "
                           "is not a NumPy array")
            arrays[key] = _read_npy(io.BytesIO(raw), f"its array {key!r}", fail)
    return arrays


def _read_npy(stream: io.BytesIO, what: str, fail) -> np.ndarray:
    try:
        return np.lib.format.read_array(stream, allow_pickle=False)
    except ValueError as error:
        if "allow_pickle" in str(error):
            raise fail(f"holds pickled Python objects ({what} has object arrays), which "
                       "chainrule never loads") from None
        raise fail(f"is damaged: {what} cannot be read: {_reason(error)}") from None
    except Exception as error:  # e.g. MemoryError for an absurd shape
        raise fail(f"is damaged: {what} cannot be read: {_reason(error)}") from None
