"""Skip the GPU tests cleanly, naming what is missing: CuPy (the ``gpu`` extra) or a GPU."""

import pytest


def _missing() -> str | None:
    try:
        import cupy
    except ImportError:
        return "CuPy is not installed (the gpu extra): GPU tests skipped"
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            return "CuPy finds no CUDA GPU: GPU tests skipped"
    except Exception as error:  # CUDARuntimeError without a driver or device
        return f"CuPy finds no usable CUDA GPU ({error}): GPU tests skipped"
    return None


MISSING = _missing()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/gpu/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.gpu)
            if MISSING is not None:
                item.add_marker(pytest.mark.skip(reason=MISSING))
