"""Pictures: a matplotlib ``Figure`` on an Agg canvas (no pyplot, no window, no change of the
global backend), saved atomically in the format its file name ends with. Used by the training
plots, the diagnostics and the seed figures. matplotlib is optional (``pip install
'chainrule[plots]'``) and imported only inside these functions.
"""

from __future__ import annotations

import io
import os
from typing import Any

from chainrule.files import write_atomically

FORMATS = ("png", "svg", "pdf")
PLOTS_HINT = "pip install 'chainrule[plots]'"


def available() -> bool:
    """Whether matplotlib can be imported.

    Example:
        >>> from chainrule.pictures import available
        >>> isinstance(available(), bool)
        True
    """
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def new_figure(width: float, height: float, who: str = "chainrule") -> Any:
    """A ``width`` x ``height`` inch figure at 100 dpi (``100 * width`` pixels wide); ``who``
    names the caller in the error raised when matplotlib is missing.

    Example (needs matplotlib):
        >>> from chainrule.pictures import new_figure
        >>> [int(v) for v in new_figure(3, 2).get_size_inches() * 100]  # doctest: +SKIP
        [300, 200]
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(f"{who} needs matplotlib to draw: {PLOTS_HINT}") from None
    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def picture_format(path: str | os.PathLike, who: str = "chainrule") -> str:
    """The format named by the file name's extension (none: PNG), or a ValueError.

    Example:
        >>> from chainrule.pictures import picture_format
        >>> picture_format("runs/loss.SVG"), picture_format("plot")
        ('svg', 'png')
    """
    ext = os.path.splitext(os.fspath(path))[1].lower().lstrip(".") or "png"
    if ext not in FORMATS:
        raise ValueError(f"{who}: cannot write {os.fspath(path)!r}; use a file name ending in "
                         f"one of {['.' + f for f in FORMATS]}")
    return ext


def save_figure(fig: Any, path: str | os.PathLike, who: str = "chainrule") -> str:
    """Render ``fig`` in memory and write it to ``path`` atomically (a temporary file in the
    same folder, then ``os.replace``: a reader never sees half a picture); returns the path.
    The figure keeps its stated pixel size (no tight bounding box).

    Example (needs matplotlib):
        >>> import os, tempfile
        >>> from chainrule.pictures import new_figure, save_figure
        >>> fig = new_figure(2, 1); _ = fig.subplots().plot([0, 1], [1, 0])  # doctest: +SKIP
        >>> path = os.path.join(tempfile.mkdtemp(), "line.svg")
        >>> save_figure(fig, path) == path  # doctest: +SKIP
        True
    """
    path = os.fspath(path)
    fmt = picture_format(path, who)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt)
    data = buffer.getvalue()
    write_atomically(path, lambda f: f.write(data), binary=True)
    return path
