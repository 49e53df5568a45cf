"""The seeds' tables, written as Markdown (``.md``) and as the terminal text (``.txt``): seed
004's forward primal / reverse adjoint trace, seed 000's forward- and reverse-mode trace of
y1 = sin(w1 x + w0), y2 = cos(w1 x + w0), seed 003 Figure 3.4's 32 path products against the
backward sweep, what a Jacobian costs in forward and in reverse mode, and Figure 3.4's
computational graph as a picture. Everything comes from ``chainrule.explain``.
"""

from __future__ import annotations

import io
import os

import numpy as np

from chainrule.examples.seed_examples import (
    SEED004_W,
    product_layers,
    seed000_outputs,
    seed004_loss,
)
from chainrule.explain import (
    CostTable,
    PathSumReport,
    TraceTable,
    cost_table,
    graph,
    path_sums,
    trace,
)
from chainrule.explain import step as explain_step
from chainrule.files import write_atomically

SEED000_POINT = {"w0": 0.5, "w1": 1.2, "x": 2.0}
FIGURE_3_4_W = 2.0
COST_SIZES = (1, 4, 16, 64)
_TWICE = ("Each path appears twice from w: the first layer's units are w itself and "
          "v1 = w * w, v2 = w * w use it twice (two edges each).")

# Seed 004's own layout: sigma is one step whose derivative "is already known", and each
# inner product w . x (x1 = (1, 1, 1.5), x2 = (1, 1.5, -1), a leading 1 for the bias) is a row.
_sigma = explain_step("sigma")(lambda z: 1 / (1 + np.exp(-z)))
_dot_x1 = explain_step("dot_x1")(lambda w0, w1, w2: w0 + w1 + 1.5 * w2)
_dot_x2 = explain_step("dot_x2")(lambda w0, w1, w2: w0 + 1.5 * w1 - w2)


def seed004_rows(w0, w1, w2):
    """Seed 004's loss written row by row as its table is: v1 = w . x1, v2 = w . x2,
    v3, v4 = sigma(v1), sigma(v2), v5 = 0 - v3, v6 = 1 - v4, v7 = v5^2, v8 = v6^2, v9 = v7 + v8.

    Example:
        >>> round(float(seed004_rows(-1.0, 1.5, 0.5)), 4)
        0.7071
    """
    v1, v2 = _dot_x1(w0, w1, w2), _dot_x2(w0, w1, w2)
    v3, v4 = _sigma(v1), _sigma(v2)
    v5, v6 = 0 - v3, 1 - v4
    return v5 ** 2 + v6 ** 2


def seed004_tables() -> dict[str, TraceTable]:
    """``"seed"``: the trace of ``seed004_rows`` (the seed's rows v0 ... v9); ``"numpy"``: the
    trace of the vectorised ``examples.seed_examples.seed004_loss`` (atomic NumPy operations).

    Example:
        >>> t = seed004_tables()
        >>> [round(float(g), 2) for g in t["seed"].gradient], round(float(t["numpy"].value), 2)
        ([0.13, 0.06, 0.54], 0.71)
    """
    return {"seed": trace(seed004_rows, *SEED004_W), "numpy": trace(seed004_loss, SEED004_W)}


def _table(t: TraceTable, markdown: bool, digits: int = 4) -> str:
    if markdown:
        return t.to_markdown(digits).rstrip("\n")
    out = io.StringIO()
    t.show(digits, file=out)
    return out.getvalue().rstrip("\n")


def _document(title: str, parts: list[tuple[str, str]], markdown: bool) -> str:
    """``title`` then each (heading, body); Markdown headings, or underlined text headings."""
    if markdown:
        lines = [f"# {title}", ""]
        for heading, body in parts:
            lines += ([f"## {heading}", ""] if heading else []) + [body, ""]
    else:
        lines = [title, "=" * len(title), ""]
        for heading, body in parts:
            lines += ([heading, "-" * len(heading)] if heading else []) + [body, ""]
    return "\n".join(lines)


def seed004_report(markdown: bool = True) -> str:
    """Seed 004's trace tables with the values the seed prints (two decimals) beside ours.

    Example:
        >>> "L = 0.71, gradient (0.13, 0.06, 0.54)" in seed004_report()
        True
    """
    t = seed004_tables()
    g = [float(v) for v in t["numpy"].gradient]
    summary = (f"chainrule: L = {float(t['numpy'].value):.2f}, gradient "
               f"({g[0]:.2f}, {g[1]:.2f}, {g[2]:.2f}); exactly L = {float(t['numpy'].value):.4f},"
               f" gradient ({g[0]:.4f}, {g[1]:.4f}, {g[2]:.4f}).\n"
               "Seed 004 (\"Forward and Reverse Trace\"): L = 0.71, gradient (0.13, 0.06, 0.54).")
    return _document("Seed 004: forward primal and reverse adjoint trace", [
        ("", "L(w) = sum over D of (c - sigmoid(w . x))^2 at w = (-1, 1.5, 0.5), "
             "D = {((1, 1.5), 0), ((1.5, -1), 1)}.\n" + summary),
        ("As the seed lays it out (sigma one step; adjoints seeded with dL/dv9 = 1)",
         _table(t["seed"], markdown)),
        ("As chainrule records seed004_loss (vectorised NumPy: every atomic operation)",
         _table(t["numpy"], markdown)),
    ], markdown)


def seed000_table() -> TraceTable:
    """The trace of seed 000's y1, y2 at w0 = 0.5, w1 = 1.2, x = 2: tangents along w1
    (forward mode, seed's dot a_i) and adjoints of y2 (reverse mode, a7 bar = 1, a6 bar = 0).

    Example:
        >>> t = seed000_table()
        >>> [r.name for r in t.rows], t.wrt
        (['v0', 'v-1', 'v-2', 'v1', 'v2', 'v3', 'v4'], 'w1')
    """
    return trace(seed000_outputs, *SEED000_POINT.values(), wrt="w1", cotangent=(0.0, 1.0))


def seed000_report(markdown: bool = True) -> str:
    """Seed 000's forward- and reverse-mode traces, checked against the closed forms.

    Example:
        >>> "(x cos(a5) = " in seed000_report(markdown=False)
        True
    """
    t = seed000_table()
    w0, w1, x = SEED000_POINT.values()
    a5 = w1 * x + w0
    dw0, dw1, dx = (float(v) for v in t.gradient)
    checks = "\n".join([
        f"forward mode (tangent along w1): dy1/dw1 = {float(t.row('v3').tangent):.6f} "
        f"(x cos(a5) = {x * np.cos(a5):.6f}), dy2/dw1 = {float(t.row('v4').tangent):.6f} "
        f"(-x sin(a5) = {-x * np.sin(a5):.6f})",
        f"reverse mode (a7 bar = 1, a6 bar = 0): dy2/dw0 = {dw0:.6f} (-sin(a5) = "
        f"{-np.sin(a5):.6f}), dy2/dw1 = {dw1:.6f} (-x sin(a5) = {-x * np.sin(a5):.6f}), "
        f"dy2/dx = {dx:.6f} (-w1 sin(a5) = {-w1 * np.sin(a5):.6f})",
    ])
    names = ("seed's names: a1 = w0 (v0), a2 = w1 (v-1), a3 = x (v-2), a4 = a2 a3 (v1), "
             "a5 = a4 + a1 (v2), y1 = a6 = sin(a5) (v3), y2 = a7 = cos(a5) (v4)")
    return _document("Seed 000: forward-mode and reverse-mode trace of y1 = sin(w1 x + w0), "
                     "y2 = cos(w1 x + w0)", [
        ("", f"at w0 = {w0}, w1 = {w1}, x = {x}; {names}."),
        ("Trace (tangent column: forward mode; adjoint column: reverse mode)",
         _table(t, markdown, digits=6)),
        ("Against the seed's closed forms", checks),
    ], markdown)


def path_sum_report() -> PathSumReport:
    """``explain.path_sums`` on seed 003's Figure 3.4 network (``product_layers``) at w = 2.

    Example:
        >>> r = path_sum_report()
        >>> r.n_paths, r.path_sum == r.dp_derivative == 32 * 2.0 ** 31
        (32, True)
    """
    return path_sums(product_layers, FIGURE_3_4_W)


def path_sum_markdown(r: PathSumReport, w: float = FIGURE_3_4_W) -> str:
    """The report as Markdown: a summary table and every path with its product.

    Example:
        >>> path_sum_markdown(path_sum_report()).count("| w -> ")
        32
    """
    lines = [
        f"o = w^32 at w = {w:g}; d o / d w = 32 w^31 = {32 * w ** 31:.17g}", "",
        "| method | d o / d w | multiplications | additions |", "| --- | ---: | ---: | ---: |",
        f"| path sum over {r.n_paths} paths (Lemma 3.2.1) | {r.path_sum:.17g} | "
        f"{r.path_sum_multiplications} | {r.path_sum_additions} |",
        f"| dynamic programming (backward sweep) | {r.dp_derivative:.17g} | "
        f"{r.dp_multiplications} | |",
        "", f"The two agree: {'yes' if r.agree else 'NO'}. {_TWICE}", "",
        "| # | path | product of local derivatives |", "| ---: | --- | ---: |",
    ]
    lines += [f"| {k} | {' -> '.join(p)} | {v:.17g} |" for k, (p, v) in enumerate(r.paths, 1)]
    return "\n".join(lines)


def path_sum_text(r: PathSumReport, w: float = FIGURE_3_4_W) -> str:
    """The report as the terminal text of ``PathSumReport.text``, every path listed.

    Example:
        >>> path_sum_text(path_sum_report()).splitlines()[0]
        'o = w^32 at w = 2; d o / d w = 32 w^31 = 68719476736'
    """
    return (f"o = w^32 at w = {w:g}; d o / d w = 32 w^31 = {32 * w ** 31:.17g}\n{_TWICE}\n"
            + r.text(max_paths=r.n_paths))


def costs(sizes: tuple[int, ...] = COST_SIZES, repeats: int = 3) -> CostTable:
    """``explain.cost_table`` on small sizes (n, m in ``sizes``), so that it is quick.

    Example:
        >>> [(r.n, r.m, r.fwd_passes, r.rev_sweeps) for r in costs((1, 2), 1).rows][:2]
        [(1, 1, 1, 1), (1, 2, 1, 2)]
    """
    return cost_table(ns=sizes, ms=sizes, repeats=repeats)


def cost_markdown(t: CostTable) -> str:
    """A ``CostTable`` as a Markdown table (times in milliseconds).

    Example:
        >>> cost_markdown(costs((1,), 1)).splitlines()[2].startswith("| 1 | 1 | 1 | 1 |")
        True
    """
    lines = ["| n | m | fwd passes | rev sweeps | fwd ms | rev ms | faster | auto mode |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    lines += [f"| {r.n} | {r.m} | {r.fwd_passes} | {r.rev_sweeps} | {1e3 * r.fwd_seconds:.3f} | "
              f"{1e3 * r.rev_seconds:.3f} | {r.faster} | {r.auto_mode} |" for r in t.rows]
    lines += ["", f"f(x) = tanh(A x), A of shape (m, n); median of {t.repeats} run(s). Forward "
              "mode makes n passes, reverse mode m sweeps (seed 000: forward mode suits m >= n, "
              "reverse mode n > m)."]
    return "\n".join(lines)


def _write(out_dir: str | os.PathLike, name: str, text: str) -> str:
    path = os.path.join(os.fspath(out_dir), name)
    write_atomically(path, lambda f: f.write(text if text.endswith("\n") else text + "\n"),
                     binary=False)
    return path


def make_seed004(out_dir: str | os.PathLike, fmt: str = "png") -> list[str]:
    """Write ``seed004_trace.md`` and ``seed004_trace.txt`` (``fmt`` unused).

    Example:
        >>> import tempfile
        >>> [os.path.basename(p) for p in make_seed004(tempfile.mkdtemp())]
        ['seed004_trace.md', 'seed004_trace.txt']
    """
    return [_write(out_dir, "seed004_trace.md", seed004_report(True)),
            _write(out_dir, "seed004_trace.txt", seed004_report(False))]


def make_seed000(out_dir: str | os.PathLike, fmt: str = "png") -> list[str]:
    """Write ``seed000_traces.md`` and ``seed000_traces.txt`` (``fmt`` unused).

    Example:
        >>> import tempfile
        >>> [os.path.basename(p) for p in make_seed000(tempfile.mkdtemp())]
        ['seed000_traces.md', 'seed000_traces.txt']
    """
    return [_write(out_dir, "seed000_traces.md", seed000_report(True)),
            _write(out_dir, "seed000_traces.txt", seed000_report(False))]


def make_path_sums(out_dir: str | os.PathLike, fmt: str = "png") -> list[str]:
    """Write ``fig3_4_path_sums.md`` and ``.txt`` (``fmt`` unused).

    Example:
        >>> import tempfile
        >>> [os.path.basename(p) for p in make_path_sums(tempfile.mkdtemp())]
        ['fig3_4_path_sums.md', 'fig3_4_path_sums.txt']
    """
    r = path_sum_report()
    title = "Seed 003, Figure 3.4: the chain rule summed over 32 paths, and by dynamic programming"
    return [_write(out_dir, "fig3_4_path_sums.md", f"# {title}\n\n{path_sum_markdown(r)}"),
            _write(out_dir, "fig3_4_path_sums.txt", f"{title}\n\n{path_sum_text(r)}")]


def make_costs(out_dir: str | os.PathLike, fmt: str = "png") -> list[str]:
    """Write ``forward_reverse_cost.md`` and ``.txt`` (``fmt`` unused; times vary by machine).

    Example:
        >>> import tempfile
        >>> len(make_costs(tempfile.mkdtemp()))
        2
    """
    t = costs()
    title = "Forward against reverse mode: the passes and time a full Jacobian takes"
    return [_write(out_dir, "forward_reverse_cost.md", f"# {title}\n\n{cost_markdown(t)}"),
            _write(out_dir, "forward_reverse_cost.txt", f"{title}\n\n{t.text()}")]


def make_graph(out_dir: str | os.PathLike, fmt: str = "png") -> list[str]:
    """Write Figure 3.4's computational graph at w = 2 as ``fig3_4_graph.dot`` and as a
    ``.png``/``.svg`` picture (Graphviz when installed, otherwise matplotlib).

    Example (the picture needs Graphviz or matplotlib; the tests check it):
        >>> import tempfile
        >>> make_graph(tempfile.mkdtemp(), "svg")  # doctest: +SKIP
        ['/tmp/.../fig3_4_graph.dot', '/tmp/.../fig3_4_graph.svg']
    """
    g = graph(product_layers, FIGURE_3_4_W)
    folder = os.fspath(out_dir)
    return [g.save(os.path.join(folder, "fig3_4_graph.dot")),
            g.save(os.path.join(folder, f"fig3_4_graph.{fmt}"))]
