"""``chainrule trace`` and ``chainrule graph`` end to end through ``main``."""

from __future__ import annotations

import re

import numpy as np
import pytest

from chainrule.cli import main
from tests.picture_checks import assert_png

SEED_000 = ["cos(w1*x + w0)", "--at", "w0=0.5,w1=2,x=1.5"]


def _row(out: str, label: str) -> list[str]:
    for line in out.splitlines():
        cells = line.split()
        if len(cells) > 1 and cells[1] == label:
            return cells
    raise AssertionError(f"no row {label!r} in\n{out}")


def test_trace_prints_the_seed_000_table(capsys):
    """Seed 000: y = cos(w1 x + w0); adjoints -sin(a), -x sin(a), -w1 sin(a), a = w1 x + w0."""
    assert main(["trace", *SEED_000, "--wrt", "w1", "--digits", "4"]) == 0
    out = capsys.readouterr().out
    s = np.sin(3.5)
    assert out.splitlines()[0].split() == ["v", "expression", "value", "tangent", "d/dw1",
                                           "adjoint", "output"]
    # inputs in --at order: label, value, tangent along w1, adjoint
    assert _row(out, "w0")[2:] == ["0.5", "0", f"{-s:.4f}"]
    assert _row(out, "w1")[2:] == ["2", "1", f"{-1.5 * s:.4f}"]
    assert _row(out, "x")[2:] == ["1.5", "0", f"{-2 * s:.4f}"]
    assert _row(out, "cos(v2)")[2:] == [f"{np.cos(3.5):.4f}", f"{-1.5 * s:.4f}", "1", "out"]
    assert f"{-1.5 * s:.4f}" == "0.5262"  # the seed's dy/dw1 at this point


def test_trace_defaults_to_the_first_variable_and_other_formats(capsys):
    assert main(["trace", *SEED_000, "--digits", "2"]) == 0
    out = capsys.readouterr().out
    assert "tangent d/dw0" in out and _row(out, "w0")[2:] == ["0.5", "1", "0.35"]
    assert main(["trace", *SEED_000, "--format", "markdown"]) == 0
    md = capsys.readouterr().out
    assert md.splitlines()[0].startswith("| v | expression |")
    assert md.splitlines()[-1] == "| v3 | cos(v2) | -0.9365 | 0.3508 | 1 | out |"  # -sin(3.5)
    assert main(["trace", *SEED_000, "--format", "latex"]) == 0
    assert "\\begin{tabular}" in capsys.readouterr().out


def test_graph_writes_dot_and_png(tmp_path, capsys):
    target = tmp_path / "g.dot"
    assert main(["graph", *SEED_000, "-o", str(target), "--highlight", "w1"]) == 0
    assert capsys.readouterr().out.strip() == str(target)
    dot = target.read_text()
    assert dot.startswith("digraph chainrule {")
    assert '"v3" [label="v3 = cos(v2)\\nscalar\\nvalue -0.936\\nadjoint 1"' in dot
    marked = re.findall(r"^  \"(\S+)\" -> \"(\S+)\" \[color=\"#c0392b\"", dot, flags=re.M)
    assert marked == [("v-1", "v1"), ("v1", "v2"), ("v2", "v3")]  # w1 -> v1 -> v2 -> v3
    pytest.importorskip("matplotlib", reason="PNG pictures need Graphviz or matplotlib")
    picture = tmp_path / "g.png"
    assert main(["graph", *SEED_000, "-o", str(picture)]) == 0
    width, height = assert_png(picture)
    assert width > 100 and height > 50


@pytest.mark.parametrize(("argv", "message"), [
    (["trace", "__import__('os')", "--at", "x=1"], "double underscores"),
    (["trace", "q*x", "--at", "x=1"], r"unknown name\(s\) \['q'\]"),
    (["trace", "x*y", "--at", "x=1"], r"unknown name\(s\) \['y'\]"),
    (["trace", "x", "--at", "x=1,y=2"], r"--at names \['y'\] that the expression does not use"),
    (["trace", "x", "--at", "x=abc"], "argument --at: x='abc' is not a finite number"),
    (["trace", "x", "--at", "x=inf"], "not a finite number"),
    (["trace", "x", "--at", "x"], "expected NAME=VALUE pairs"),
    (["trace", "x", "--at", "x=1,x=2"], "x is given twice"),
    (["trace", "2+3", "--at", "x=1"], "has no variables, so there is nothing to differentiate"),
    (["trace", "x", "--at", "x=1", "--wrt", "y"], "--wrt 'y' is not a variable"),
    (["trace", "x", "--at", "x=1", "--digits", "0"], "argument --digits"),
    (["trace", "x", "--at", "x=1", "--format", "html"], "argument --format"),
    (["trace", "x"], "--at"),
    (["graph", "x", "--at", "x=1", "-o", "g.txt"], "use a .dot, .gv, .svg or .png"),
    (["graph", "x*y", "--at", "x=1,y=2", "-o", "g.dot", "--highlight", "z"],
     "--highlight 'z' is not a variable"),
])
def test_bad_input_is_one_line_on_stderr_with_status_2(argv, message, capsys, tmp_path,
                                                       monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("chainrule ")
    assert re.search(message, lines[0])
    assert list(tmp_path.iterdir()) == []

