"""Writing files atomically, so an interrupted save never leaves a half-written file behind
(used by every file the package writes: models, checkpoints, datasets, run folders, figures,
predictions, graphs and tables)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from typing import IO

# The process umask, read once, so saved files get the usual permissions (mkstemp uses 0600).
_UMASK = os.umask(0)
os.umask(_UMASK)


def write_atomically(path: str | os.PathLike, write: Callable[[IO], None], binary: bool) -> None:
    """Call ``write(file)`` on a temporary file beside ``path``, then rename it onto ``path``.

    The file's bytes are flushed to disk (``fsync``) before the rename, and the folder after
    it where the operating system allows (POSIX), so a crash leaves either the old file or the
    complete new one. ``os.replace`` is atomic on POSIX and Windows when both names are in one
    directory, so readers also see one or the other. If ``write`` raises, the temporary file is
    removed and ``path`` is untouched. Text is written as UTF-8 without newline translation.

    Example:
        >>> import os, tempfile
        >>> from chainrule.files import write_atomically
        >>> target = os.path.join(tempfile.mkdtemp(), "note.txt")
        >>> write_atomically(target, lambda f: f.write("hello"), binary=False)
        >>> open(target).read()
        'hello'
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    handle, temp = tempfile.mkstemp(prefix=".tmp-", suffix=os.path.basename(path), dir=folder)
    try:
        mode = {"mode": "wb"} if binary else {"mode": "w", "newline": "", "encoding": "utf-8"}
        with os.fdopen(handle, **mode) as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())  # the bytes are on disk before the new name points at them
        os.chmod(temp, 0o666 & ~_UMASK)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise
    _sync_folder(folder)


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write the string ``text`` to ``path`` atomically (UTF-8, newlines as given).

    Example:
        >>> import os, tempfile
        >>> from chainrule.files import write_text
        >>> target = os.path.join(tempfile.mkdtemp(), "a.csv")
        >>> write_text(target, "x,y\\n1,2\\n")
        >>> open(target).read()
        'x,y\\n1,2\\n'
    """
    write_atomically(path, lambda f: f.write(text), binary=False)


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically.

    Example:
        >>> import os, tempfile
        >>> from chainrule.files import write_bytes
        >>> target = os.path.join(tempfile.mkdtemp(), "a.bin")
        >>> write_bytes(target, b"\\x00\\x01")
        >>> open(target, "rb").read()
        b'\\x00\\x01'
    """
    write_atomically(path, lambda f: f.write(data), binary=True)


def _sync_folder(folder: str) -> None:
    """fsync the folder, so the rename itself survives a crash. Windows cannot open a folder
    this way and some file systems refuse to sync one; the file is written all the same."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
