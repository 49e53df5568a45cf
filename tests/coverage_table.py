"""The README's coverage table, generated from the public namespaces and the registry specs.

A function counts as covered in a mode when some ``Spec`` (``tests/specs/``) exercises it there:
``Spec.covered()`` names the functions a spec checks (its ``covers``, or the first word of its
name). A plain name is a function of the namespaces its spec module belongs to; a dotted one
names its namespace ("signal.convolve", "stats.gamma"). Aliases (``abs`` and ``absolute``)
share their coverage. Each spec is checked against finite differences by ``tests/test_ops.py``,
so the table states
what is tested, not what is hoped for. NumPy's own functions re-exported unchanged (creation
functions, ``fftfreq``) are listed with the constants.

    python -m tests.coverage_table          # print the table
    python -m tests.coverage_table --write  # rewrite the README section between the markers
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tests import specs
from tests.specs.base import Spec

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- coverage:start -->", "<!-- coverage:end -->"

# namespace -> the spec modules (file name prefixes) that test it; "" matches any other module
NAMESPACES = {
    "chainrule.numpy": ("",),
    "chainrule.numpy.linalg": ("",),
    "chainrule.numpy.fft": ("fft",),
    "chainrule.scipy.special": ("special", "scipy_special"),
    "chainrule.scipy.stats": ("stats", "scipy_stats"),
    "chainrule.scipy.signal": ("signal", "scipy_signal"),
    "chainrule.scipy.linalg": ("scipy_linalg",),
    "chainrule.scipy.integrate": ("integrate", "odeint"),
}
_CLAIMED = {p for prefixes in NAMESPACES.values() for p in prefixes if p}


@dataclass
class Row:
    name: str
    rev: int = 0  # highest order checked, 0: not covered
    fwd: int = 0
    complex: bool = False
    specs: list[str] = field(default_factory=list)


def _specs_by_module() -> dict[str, list[Spec]]:
    found: dict[str, list[Spec]] = {}
    for info in pkgutil.iter_modules(specs.__path__):
        if info.name != "base":
            found[info.name] = importlib.import_module(f"tests.specs.{info.name}").SPECS
    return found


def _public_functions(namespace: str) -> dict[str, object] | None:
    """Name -> function of a namespace, without NumPy's own functions passed through."""
    try:
        module = importlib.import_module(namespace)
    except ImportError:  # an optional extra that is not installed
        return None
    names = getattr(module, "__all__", [n for n in dir(module) if not n.startswith("_")])
    numpy_twin = importlib.import_module(namespace.replace("chainrule.", "", 1)) if (
        namespace.startswith("chainrule.numpy")) else None
    out = {}
    for n in names:
        obj = getattr(module, n, None)
        if not callable(obj) or isinstance(obj, type) or n.startswith("_"):
            continue
        if numpy_twin is not None and getattr(numpy_twin, n, None) is obj:
            continue  # NumPy's own function: a constant
        out[n] = obj
    return out


def _module_matches(module: str, prefixes: tuple[str, ...]) -> bool:
    if "" in prefixes:
        return not any(module.startswith(p) for p in _CLAIMED)
    return any(module.startswith(p) for p in prefixes)


def _constant_names() -> set[str]:
    from chainrule.ops import constant

    return {n for n in constant.__all__ if callable(getattr(constant, n, None))
            and not isinstance(getattr(constant, n), type)} - {
        "array", "asarray", "set_printoptions"}


def _covered_words(spec: Spec, module: str, namespace: str) -> set[str]:
    words = set()
    for word in spec.covered():
        if "." in word:
            where, _, name = word.rpartition(".")
            if ("." + namespace).endswith("." + where):
                words.add(name)
        elif _module_matches(module, NAMESPACES[namespace]):
            words.add(word)
    return words


def _namespace_constants(namespace: str) -> set[str]:
    """Functions of a namespace with no derivative to carry (``CONSTANTS`` of its module;
    ``chainrule.numpy``'s constant lists)."""
    if namespace == "chainrule.numpy":
        return _constant_names()
    return set(getattr(importlib.import_module(namespace), "CONSTANTS", ()))


def rows(namespace: str) -> list[Row] | None:
    functions = _public_functions(namespace)
    if functions is None:
        return None
    constants = _namespace_constants(namespace)
    table = {n: Row(n) for n in functions if n not in constants}
    for module, module_specs in _specs_by_module().items():
        for spec in module_specs:
            for word in _covered_words(spec, module, namespace):
                row = table.get(word)
                if row is None:
                    continue
                row.specs.append(spec.name)
                if "rev" in spec.modes:
                    row.rev = max(row.rev, spec.order)
                if "fwd" in spec.modes:
                    row.fwd = max(row.fwd, spec.order)
                row.complex |= spec.complex
    _share_between_aliases(table, functions)
    return sorted(table.values(), key=lambda r: r.name)


def _share_between_aliases(table: dict[str, Row], functions: dict[str, object]) -> None:
    groups: dict[int, list[Row]] = {}
    for name, row in table.items():
        groups.setdefault(id(functions[name]), []).append(row)
    for group in groups.values():
        rev, fwd = max(r.rev for r in group), max(r.fwd for r in group)
        cplx = any(r.complex for r in group)
        for r in group:
            r.rev, r.fwd, r.complex = rev, fwd, cplx


def _mark(order: int) -> str:
    return "yes" if order else "-"


def _second(r: Row) -> str:
    """Order 1 specs are those whose second derivative is zero almost everywhere (Spec)."""
    top = max(r.rev, r.fwd)
    return "yes" if top >= 2 else "zero a.e." if top == 1 else "-"


def markdown() -> str:
    lines = [
        "Generated by `python -m tests.coverage_table --write` from the registry specs: a "
        "\"yes\" means a spec checks it against finite differences (`tests/test_ops.py`). "
        "Backend: NumPy (GPU arrays are issue 12).",
        "",
    ]
    for namespace in NAMESPACES:
        table = rows(namespace)
        if table is None:
            continue
        if not table:
            continue
        lines += [f"**`{namespace}`**", "",
                  "| function | reverse | forward | 2nd order | complex |",
                  "|---|---|---|---|---|"]
        for r in table:
            lines.append(f"| `{r.name}` | {_mark(r.rev)} | {_mark(r.fwd)} | {_second(r)} | "
                         f"{'yes' if r.complex else '-'} |")
        lines.append("")
    constants = sorted(_constant_names())
    lines += ["Constants in `chainrule.numpy` (piecewise constant, predicates, indices and "
              "creation: no derivative to carry): " + ", ".join(f"`{n}`" for n in constants)
              + ".", ""]
    for namespace in NAMESPACES:
        if namespace != "chainrule.numpy" and _public_functions(namespace) is not None:
            names = sorted(_namespace_constants(namespace))
            if names:
                lines += [f"Constants in `{namespace}`: "
                          + ", ".join(f"`{n}`" for n in names) + ".", ""]
    return "\n".join(lines)


def readme_section(text: str) -> str:
    start, end = text.index(START) + len(START), text.index(END)
    return text[start:end].strip("\n")


def write() -> None:
    text = README.read_text()
    start, end = text.index(START) + len(START), text.index(END)
    new = text[:start] + "\n" + markdown().strip("\n") + "\n" + text[end:]
    tmp = README.with_suffix(".md.tmp")
    tmp.write_text(new)
    tmp.replace(README)  # atomic: the README is never half written


if __name__ == "__main__":
    np.seterr(all="ignore")
    if "--write" in sys.argv:
        write()
    else:
        print(markdown())
