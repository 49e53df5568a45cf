"""The ``chainrule`` command line (also ``python -m chainrule``), one module per purpose:
``parser`` (the options), ``arguments`` (their types), ``entry`` (``main``: dispatch and exit
status), ``data`` (data sets, columns, split), ``train``, ``use`` (``evaluate``, ``predict``),
``explain`` (``trace``, ``graph``), ``figures`` and ``check``."""

from chainrule.cli.entry import main
from chainrule.cli.parser import build_parser

__all__ = ["build_parser", "main"]
