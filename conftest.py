"""Collection rule for the whole suite: SciPy is an optional extra. Without it, the modules of
``src/`` that need it (those importing ``scipy`` at the top, and the ``chainrule.scipy``
submodules) are not imported for their doctests; their tests skip themselves with
``pytest.importorskip("scipy")`` and their specs are empty."""

from __future__ import annotations

import re
from pathlib import Path

try:
    import scipy  # noqa: F401

    HAVE_SCIPY = True
except ImportError:
    HAVE_SCIPY = False

_IMPORTS_SCIPY = re.compile(r"^(import scipy|from scipy)\b", re.MULTILINE)


def pytest_ignore_collect(collection_path: Path, config) -> bool | None:
    if HAVE_SCIPY or collection_path.suffix != ".py" or "src" not in collection_path.parts:
        return None
    parts = collection_path.parts
    if "scipy" in parts[:-1] and collection_path.name != "__init__.py":
        return True
    try:
        text = collection_path.read_text(encoding="utf-8")
    except OSError:
        return None
    return True if _IMPORTS_SCIPY.search(text) else None
