"""Collection settings for the whole tree: without SciPy (the optional ``scipy`` extra) the
modules that need it are left out of doctest collection; their tests skip with the reason."""

import importlib.util


def _have_scipy() -> bool:
    try:
        return importlib.util.find_spec("scipy") is not None
    except ImportError:
        return False


collect_ignore_glob = [] if _have_scipy() else [
    "src/chainrule/scipy/*.py",
    "src/chainrule/ops/special*.py",
]
