"""The picture checks themselves reject blank and mis-sized images."""

import pytest

from tests.picture_checks import assert_png, assert_svg


def test_png_checks(tmp_path):
    plt = pytest.importorskip("matplotlib.pyplot", reason="matplotlib writes the pictures")
    empty = plt.figure(figsize=(4, 3), dpi=50)
    empty.savefig(tmp_path / "blank.png")
    plt.close(empty)
    fig, ax = plt.subplots(figsize=(4, 3), dpi=50)
    ax.plot([0, 1, 2], [0, 2, 1], lw=8)
    ax.set_title("a line")
    fig.savefig(tmp_path / "line.png")
    fig.savefig(tmp_path / "line.svg")
    plt.close(fig)
    assert assert_png(tmp_path / "line.png", size=(200, 150)) == (200, 150)
    with pytest.raises(AssertionError, match="expected"):
        assert_png(tmp_path / "line.png", size=(201, 150))
    with pytest.raises(AssertionError, match="blank|background"):
        assert_png(tmp_path / "blank.png")
    assert assert_svg(tmp_path / "line.svg") == (288.0, 216.0)
    (tmp_path / "empty.svg").write_text('<svg width="10pt" height="10pt"></svg>')
    with pytest.raises(AssertionError, match="blank"):
        assert_svg(tmp_path / "empty.svg")
