"""Computational-graph export: DOT text, highlighted paths, and pictures drawn by matplotlib."""

from __future__ import annotations

import os
import re
import shutil
import sys

import numpy as np
import pytest

from chainrule import explain
from tests.explain.test_trace_table import product_network, seed000, seed004_loss
from tests.picture_checks import assert_png, assert_svg


def test_dot_has_every_node_and_edge():
    g = explain.graph(seed004_loss, -1.0, 1.5, 0.5)
    dot = g.to_dot()
    assert dot.startswith("digraph chainrule {") and dot.rstrip().endswith("}")
    names = ["v0", "v-1", "v-2"] + [f"v{k}" for k in range(1, 10)]
    assert g.nodes == names
    declared = re.findall(r'^  "([^"]+)" \[label=', dot, flags=re.M)
    assert declared == names
    edges = re.findall(r'^  "([^"]+)" -> "([^"]+)"', dot, flags=re.M)
    assert edges == g.edges
    assert len(edges) == 3 + 3 + 1 + 1 + 1 + 1 + 1 + 1 + 2
    assert ("v3", "v5") in edges and ("v8", "v9") in edges
    # labels: operation, shape, value, adjoint; inputs blue, the output orange with two borders
    assert '"v3" [label="v3 = sigma(v1)\\nscalar\\nvalue 0.777\\nadjoint 1.555"' in dot
    assert re.search(r'"v0" \[[^\n]*fillcolor="#dbe9f6"', dot)
    assert re.search(r'"v9" \[[^\n]*fillcolor="#fde2c8", peripheries=2', dot)
    assert "penwidth" not in dot  # nothing highlighted unless asked


def test_highlight_marks_the_paths_from_one_input():
    g = explain.graph(seed000, 0.3, 0.7, 2.0, cotangent=(0.0, 1.0))
    assert g.on_paths("w1") == {"v-1", "v1", "v2", "v3", "v4"}
    assert g.on_paths("v0") == {"v0", "v2", "v3", "v4"}
    dot = g.to_dot(highlight="w1")
    assert '"v-1" -> "v1" [color="#c0392b", penwidth=2.5];' in dot
    assert '"v0" -> "v2";' in dot  # w0's edge is not on a path from w1
    assert re.search(r'"v-2" \[(?![^\n]*penwidth)', dot)
    with pytest.raises(ValueError, match="not an input"):
        g.to_dot(highlight="v7")


def test_product_network_has_32_paths():
    """Seed 003, Figure 3.4: 2^5 = 32 paths from w to the output."""
    g = explain.graph(product_network, 1.1)
    assert len(g.nodes) == 12 and len(g.edges) == 2 + 4 * 4 + 2
    paths = {"v0": 1}
    for parent, child in g.edges:  # edges come in topological order of their child
        paths[child] = paths.get(child, 0) + paths[parent]
    assert paths[g.outputs[0]] == 32
    label = g.label(g.outputs[0])
    assert label[0] == "v11 = v9 * v10" and label[2] == f"value {1.1 ** 32:.3f}".rstrip("0")


def test_png_with_matplotlib(tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib draws the graph when dot is absent")
    g = explain.graph(seed004_loss, -1.0, 1.5, 0.5)
    path = g.save(tmp_path / "loss.png", highlight="w2", engine="matplotlib")
    data = (tmp_path / "loss.png").read_bytes()
    assert path == str(tmp_path / "loss.png") and len(data) > 5000
    width, height = assert_png(path)
    assert 600 <= width <= 3000 and 150 <= height <= 1500 and width > height
    assert [p.name for p in tmp_path.iterdir()] == ["loss.png"]  # no temporary left behind


def test_svg_with_matplotlib_and_dot_text(tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib draws the graph when dot is absent")
    g = explain.graph(lambda W, x: np.sum(np.tanh(W @ x)), np.ones((2, 3)), np.ones(3))
    g.save(tmp_path / "g.svg", engine="matplotlib")
    assert_svg(tmp_path / "g.svg", min_paths=10)
    g.save(tmp_path / "g.dot")
    assert (tmp_path / "g.dot").read_text() == g.to_dot()
    assert "shape (2,)" in g.to_dot()


def test_save_errors(tmp_path):
    g = explain.graph(np.sin, 1.0)
    with pytest.raises(ValueError, match=r"\.dot, \.gv, \.svg or \.png"):
        g.save(tmp_path / "g.pdf")
    with pytest.raises(ValueError, match="engine"):
        g.save(tmp_path / "g.png", engine="cairo")
    if shutil.which("dot") is None:
        with pytest.raises(RuntimeError, match="Graphviz"):
            g.save(tmp_path / "g.png", engine="dot")
    assert list(tmp_path.iterdir()) == []


def test_no_dot_and_no_matplotlib_names_both(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # import now fails
    g = explain.graph(np.sin, 1.0)
    with pytest.raises(RuntimeError, match="Graphviz.*matplotlib"):
        g.save(tmp_path / "g.png")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(sys.platform == "win32", reason="uses a POSIX shell script as fake dot")
def test_dot_program_is_used_when_installed(tmp_path, monkeypatch):
    fake = tmp_path / "bin" / "dot"
    fake.parent.mkdir()
    # A stand-in for Graphviz: echoes its format flag and the size of the DOT text it read.
    fake.write_text('#!/bin/sh\nprintf "%s " "$1"; wc -c\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(fake.parent) + os.pathsep + os.environ.get("PATH", ""))
    g = explain.graph(np.sin, 1.0)
    g.save(tmp_path / "g.svg")
    fmt, size = (tmp_path / "g.svg").read_text().split()
    assert fmt == "-Tsvg" and int(size) == len(g.to_dot().encode())
    fake.write_text("#!/bin/sh\necho 'syntax error in line 1' >&2; exit 1\n")
    with pytest.raises(RuntimeError, match="syntax error in line 1"):
        g.save(tmp_path / "h.png")
