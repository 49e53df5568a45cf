"""Writing a trace table out: an aligned terminal table, Markdown, and a LaTeX tabular.

The columns follow the seeds' tables: the forward primal trace (value), the forward-mode
tangent (seed 000's dot a_i) and the reverse adjoint trace (seed 004's nabla, seed 000's
bar a_i).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chainrule.explain import formatting

if TYPE_CHECKING:
    from chainrule.explain.trace_table import TraceTable


def _cells(table: TraceTable, digits: int) -> tuple[list[str], list[list[str]]]:
    header = ["v", "expression", "value", f"tangent d/d{table.wrt}", "adjoint", "output"]
    marks = {}
    for label, name in table.outputs:
        if name is not None:
            marks.setdefault(name, []).append(label)
    body = []
    for r in table.rows:
        body.append([
            r.name,
            r.expression,
            formatting.value(r.value, digits),
            formatting.value(r.tangent, digits),
            formatting.value(r.adjoint, digits),
            ", ".join(marks.get(r.name, [])),
        ])
    return header, body


def text(table: TraceTable, digits: int = 4) -> str:
    """An aligned plain-text table (numbers right-aligned).

    Example:
        >>> import chainrule as cr
        >>> print(text(cr.explain.trace(lambda x: x * x, 3.0)).splitlines()[-2])
        v1  v0 * v0         9             6        1  out
    """
    header, body = _cells(table, digits)
    widths = [max(len(row[k]) for row in [header, *body]) for k in range(len(header))]
    lines = []
    for n, row in enumerate([header, *body]):
        cells = [
            c.ljust(w) if k < 2 or k == 5 else c.rjust(w)
            for k, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append(_footer(table, digits))
    return "\n".join(lines)


def markdown(table: TraceTable, digits: int = 4) -> str:
    """A GitHub-flavoured Markdown table.

    Example:
        >>> import chainrule as cr
        >>> print(markdown(cr.explain.trace(lambda x: x * x, 3.0)).splitlines()[-1])
        | v1 | v0 * v0 | 9 | 6 | 1 | out |
    """
    header, body = _cells(table, digits)

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    align = "| --- | --- | ---: | ---: | ---: | --- |"
    return "\n".join([line(header), align, *(line(r) for r in body)]) + "\n"


def latex(table: TraceTable, digits: int = 4) -> str:
    """A LaTeX ``tabular`` (needs no package beyond LaTeX itself).

    Example:
        >>> import chainrule as cr
        >>> print(latex(cr.explain.trace(lambda x: x * x, 3.0)).splitlines()[-3])
        $v_{1}$ & $v_{0} \\cdot v_{0}$ & $9$ & $6$ & $1$ \\\\
    """
    wrt = formatting.latex_name(table.wrt)
    lines = [
        r"\begin{tabular}{llrrr}",
        r"\hline",
        rf"$v_i$ & expression & $v_i$ & $\partial v_i / \partial {wrt}$ & $\bar v_i$ \\",
        r"\hline",
    ]
    for r in table.rows:
        cells = [
            f"${formatting.latex_name(r.name)}$",
            f"${r.latex}$",
            _tex_value(r.value, digits),
            _tex_value(r.tangent, digits),
            _tex_value(r.adjoint, digits),
        ]
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\hline", r"\end{tabular}"]
    return "\n".join(lines) + "\n"


def _tex_value(x, digits: int) -> str:
    s = formatting.value(x, digits)
    return "$-$" if s == "-" else f"${s}$" if " " not in s else rf"\texttt{{{s}}}"


def _footer(table: TraceTable, digits: int) -> str:
    outs = ", ".join(
        f"{label} = {name}" if name is not None else f"{label} = {formatting.value(v, digits)}"
        for (label, name), v in zip(table.outputs, table.output_values, strict=True)
    )
    return f"outputs: {outs}; adjoints seeded with {table.seed_text}"
