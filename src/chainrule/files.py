"""Writing files atomically, so an interrupted save never leaves a half-written file behind
(used by every save in the package: models, checkpoints, datasets)."""

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

    ``os.replace`` is atomic on POSIX and Windows when both names are in one directory, so
    readers see either the old file or the complete new one.

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
