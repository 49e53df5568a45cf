"""``write_figures`` and ``chainrule figures``: every picture is a real image of the stated size,
index.md lists every file with its title and seed reference, and bad input exits with 2."""

from __future__ import annotations

import os

import pytest

pytest.importorskip("matplotlib", reason="the figures are drawn with matplotlib")

from chainrule import figures  # noqa: E402
from chainrule.cli import main  # noqa: E402
from chainrule.figures import canvas  # noqa: E402
from tests.picture_checks import assert_png, assert_svg  # noqa: E402


@pytest.fixture(scope="module")
def everything(tmp_path_factory):
    """The full run, as SVG (decoding every PNG would take seconds; PNGs are checked below)."""
    out = tmp_path_factory.mktemp("figures") / "new_folder"
    return out, figures.write_figures(out, fmt="svg")


def test_every_entry_writes_its_files_and_pictures_are_real(everything):
    out, paths = everything
    assert paths[-1] == os.path.join(out, "index.md")
    assert sorted(os.listdir(out)) == sorted(os.path.basename(p) for p in paths)  # no temp files
    assert len([p for p in paths if p.endswith(".svg")]) == 9
    for name, entry in figures.FIGURES.items():
        mine = [p for p in paths if os.path.basename(p).startswith(name + ".")]
        assert mine, name
        for p in mine:
            if p.endswith(".svg"):
                size = assert_svg(p, min_paths=20)
                if entry.size is not None:  # 100 pixels per inch in PNG, 72 points in SVG
                    assert size == pytest.approx((0.72 * entry.size[0], 0.72 * entry.size[1]))
            else:
                assert os.path.getsize(p) > 100, p


def test_png_pictures_have_the_stated_size(tmp_path):
    names = ["fig3_9_bowls", "fig3_4_graph"]
    paths = figures.write_figures(tmp_path, only=names)
    pngs = [p for p in paths if p.endswith(".png")]
    assert [os.path.basename(p) for p in pngs] == ["fig3_9_bowls.png", "fig3_4_graph.png"]
    assert assert_png(pngs[0], size=figures.FIGURES["fig3_9_bowls"].size) == (1100, 460)
    width, height = assert_png(pngs[1])  # Graphviz or matplotlib: the size depends on which
    assert width > 2 * height


def test_index_lists_every_file_with_title_and_seed(everything):
    out, paths = everything
    index = (out / "index.md").read_text()
    for p in paths[:-1]:
        base = os.path.basename(p)
        name = base.split(".")[0]
        entry = figures.FIGURES[name]
        assert f"| [{base}]({base}) | {name} | {entry.title} | {entry.seed} |" in index


def test_tables_written_hold_the_seed_values(everything):
    out, _ = everything
    assert "L = 0.71, gradient (0.13, 0.06, 0.54)" in (out / "seed004_trace.md").read_text()
    assert "32 w^31 = 68719476736" in (out / "fig3_4_path_sums.txt").read_text()
    assert (out / "fig3_4_graph.dot").read_text().startswith("digraph chainrule")


def test_cli_writes_svg_and_the_index(tmp_path, capsys):
    out = tmp_path / "svg"
    code = main(["figures", "-o", str(out), "--only", "fig3_17_saddle_newton,seed004_trace",
                 "--format", "svg"])
    assert code == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(out / n) for n in ("fig3_17_saddle_newton.svg", "seed004_trace.md",
                                              "seed004_trace.txt", "index.md")]
    width, height = assert_svg(out / "fig3_17_saddle_newton.svg", min_paths=50)
    assert (width, height) == (864.0, 374.4)  # 12 x 5.2 inches at 72 points per inch
    assert "fig3_17_saddle_newton.svg" in (out / "index.md").read_text()


def test_cli_list(capsys):
    assert main(["figures", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(figures.FIGURES)
    assert "(seed 003, section 3.4.1, Figure 3.9)" in lines[list(figures.FIGURES).index(
        "fig3_9_bowls")]


@pytest.mark.parametrize("argv, message", [
    (["--only", "fig3_9_bowls,nope"], "unknown figure name(s) ['nope']; valid names: "
     "seed004_trace, seed000_traces"),
    ([], "give the folder to write into with -o DIR"),
])
def test_cli_errors_exit_2(tmp_path, capsys, argv, message):
    out = ["-o", str(tmp_path / "x")] if argv else []
    assert main(["figures", *out, *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("chainrule figures: error: ") and message in err
    assert not (tmp_path / "x").exists()


def test_cli_output_that_is_a_file_exits_2(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    assert main(["figures", "-o", str(tmp_path / "file"), "--only", "seed000_traces"]) == 2
    assert "cannot write into" in capsys.readouterr().err


def test_cli_bad_format_exits_2(capsys):
    assert main(["figures", "-o", "unused", "--format", "gif"]) == 2
    assert "invalid choice: 'gif'" in capsys.readouterr().err


def test_cli_without_matplotlib_names_the_plots_extra(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(canvas, "matplotlib_available", lambda: False)
    assert main(["figures", "-o", str(tmp_path / "x"), "--only", "fig3_10_activation_derivatives"
                 ]) == 2
    err = capsys.readouterr().err
    assert "need matplotlib" in err and "pip install 'chainrule[plots]'" in err
    assert main(["figures", "-o", str(tmp_path / "y"), "--only", "seed000_traces"]) == 0


def test_one_picture_adds_an_entry_that_write_figures_runs(tmp_path, monkeypatch):
    from chainrule.figures.canvas import new_figure, save

    def plot(path):
        fig = new_figure(3, 2)
        ax = fig.subplots()
        ax.plot([0, 1, 2], [2, 0, 1], label="a line")
        ax.set_title("extra")
        ax.legend()
        folder, base = os.path.split(path)
        return save(fig, folder, base.rsplit(".", 1)[0], base.rsplit(".", 1)[1])

    entry = figures.FigureEntry("An added picture", "seed 003, section 3.4",
                                figures.one_picture("extra_figure", plot), size=(300, 200))
    monkeypatch.setitem(figures.FIGURES, "extra_figure", entry)
    paths = figures.write_figures(tmp_path, only="extra_figure")
    assert paths == [str(tmp_path / "extra_figure.png"), str(tmp_path / "index.md")]
    assert_png(paths[0], size=entry.size)
    assert "| [extra_figure.png](extra_figure.png) | extra_figure | An added picture | seed 003, " \
        "section 3.4 |" in (tmp_path / "index.md").read_text()


def test_diagnose_figures_through_the_registry(tmp_path):
    pytest.importorskip("matplotlib", reason="the pictures are drawn with matplotlib")
    names = ["vanishing_gradients", "activation_histograms"]
    paths = figures.write_figures(tmp_path, only=names)
    for name, path in zip(names, paths, strict=False):
        assert path.endswith(f"{name}.png")
        assert_png(path, size=figures.FIGURES[name].size)
    assert "Figure 3.8" in (tmp_path / "index.md").read_text()
