"""Checks that a written picture is a real image: it exists, decodes, has the stated size and is
not blank (issue 5: "every picture produced in tests: the file exists, opens as an image of the
stated size, is not blank")."""

from __future__ import annotations

import os
import re

import numpy as np


def assert_png(path: str | os.PathLike, size: tuple[int, int] | None = None,
               min_colours: int = 3) -> tuple[int, int]:
    """Decode the PNG at ``path`` with matplotlib and check it; returns ``(width, height)``.

    ``size`` is the exact ``(width, height)`` in pixels when given. Not blank means at least
    ``min_colours`` distinct colours and at least 1 % of the pixels differ from the most common
    (background) colour.
    """
    import matplotlib.image

    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG file"
    pixels = matplotlib.image.imread(os.fspath(path))
    height, width = pixels.shape[:2]
    if size is not None:
        assert (width, height) == tuple(size), f"{path}: {width}x{height}, expected {size}"
    flat = np.round(pixels.reshape(height * width, -1) * 255).astype(np.int64)
    colours, counts = np.unique(flat, axis=0, return_counts=True)
    assert len(colours) >= min_colours, f"{path}: only {len(colours)} colour(s): blank"
    assert 1.0 - counts.max() / counts.sum() >= 0.01, f"{path}: almost all background"
    return width, height


def assert_svg(path: str | os.PathLike, min_paths: int = 5) -> tuple[float, float]:
    """Check that ``path`` is an SVG document with a size and at least ``min_paths`` drawn
    elements; returns its ``(width, height)`` in points."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert "<svg" in text, f"{path} is not an SVG document"
    head = text[text.index("<svg"):]
    head = head[:head.index(">")]
    width = re.search(r'width="([\d.]+)', head)
    height = re.search(r'height="([\d.]+)', head)
    assert width and height, f"{path}: the <svg> element states no width/height"
    drawn = len(re.findall(r"<(path|polygon|polyline|ellipse|circle|rect|text|use)\b", text))
    assert drawn >= min_paths, f"{path}: only {drawn} drawn elements: blank"
    return float(width.group(1)), float(height.group(1))
