"""How trace tables write numbers, arrays and operations (as text and as LaTeX).

Every operation is shown the way the seeds write their traces: ``v1 = v0 + v-1``,
``v3 = 1.5 * v-2``, ``v5 = sin(v4)`` (seed 004, "Forward and Reverse Trace"; seed 000,
"Forward mode").
"""

from __future__ import annotations

from typing import Any

import numpy as np

_INFIX = {"add": "+", "subtract": "-", "multiply": "*", "divide": "/", "matmul": "@",
          "power": "**"}
_INFIX_LATEX = {"add": "+", "subtract": "-", "multiply": r"\cdot", "divide": "/",
                "matmul": r"\,"}
_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "eta", "theta", "kappa", "lambda", "mu",
          "nu", "xi", "pi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega"}


def number(x: Any, digits: int = 4) -> str:
    """A real number rounded to ``digits`` decimals, trailing zeros dropped; numbers too small
    or too large for that are written in scientific notation rather than shown as 0.

    A complex number is written ``re+imj`` from its parts (``re`` omitted when 0).

    Example:
        >>> number(0.1024, 2), number(-1.0), number(1.25), number(-0.0001, 2)
        ('0.1', '-1', '1.25', '-1.0e-04')
        >>> number(1.5 - 2j), number(2j), number(np.complex128(3))
        ('1.5-2j', '2j', '3+0j')
    """
    if np.iscomplexobj(x):
        re, im = number(np.real(x), digits), number(np.imag(x), digits)
        if re == "0" and im != "0":
            return f"{im}j"
        return f"{re}{'' if im.startswith('-') else '+'}{im}j"
    x = float(x)
    if not np.isfinite(x):
        return str(x)
    if x != 0 and (abs(x) >= 1e7 or abs(x) < 0.5 * 10.0 ** -digits):
        return f"{x:.{max(digits - 1, 1)}e}"
    text = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def value(x: Any, digits: int = 4, max_items: int = 6) -> str:
    """A scalar as a number; a small array as its rounded entries; a large one abbreviated.

    Example:
        >>> import numpy as np
        >>> value(np.array([0.5, 1.0])), value(np.arange(12.0).reshape(3, 4), 1)
        ('[0.5 1]', '(3, 4) [0 1 2 ... 11]')
    """
    if x is None:
        return "-"
    a = np.asarray(x)
    if a.ndim == 0:
        return number(a, digits)
    flat = a.ravel()
    if flat.size <= max_items:
        body = " ".join(number(v, digits) for v in flat)
        if a.ndim > 1:
            return f"{a.shape} [{body}]"
        return f"[{body}]"
    head = " ".join(number(v, digits) for v in flat[:3])
    return f"{a.shape} [{head} ... {number(flat[-1], digits)}]"


def constant(x: Any, digits: int = 4) -> str:
    """An operand that is not a recorded value (a literal such as 1.5, or an array constant).

    Example:
        >>> constant(1.5), constant(-1), constant(True)
        ('1.5', '(-1)', 'True')
    """
    if isinstance(x, bool | str | type(None)):
        return repr(x) if isinstance(x, str) else str(x)
    if isinstance(x, int | float | complex | np.generic | np.ndarray):
        a = np.asarray(x)
        if a.dtype.kind in "iufc":
            text = value(a, digits)
            bracket = a.ndim == 0 and (text.startswith("-") or a.dtype.kind == "c")
            return f"({text})" if bracket else text
        if a.dtype.kind == "b" and a.ndim == 0:
            return str(bool(a))
        return f"{a.dtype} array {a.shape}"
    if isinstance(x, slice | tuple | type(Ellipsis)):
        return index(x)
    return type(x).__name__


def index(ix: Any) -> str:
    """The text of an index expression, e.g. ``1``, ``:, 0``, ``1:3``.

    Example:
        >>> index((slice(None), 0)), index(slice(1, 3)), index(Ellipsis)
        (':, 0', '1:3', '...')
    """
    if isinstance(ix, tuple):
        return ", ".join(index(i) for i in ix) if ix else "()"
    if isinstance(ix, slice):
        parts = ["" if p is None else str(p) for p in (ix.start, ix.stop, ix.step)]
        return ":".join(parts[:2] if ix.step is None else parts)
    if ix is Ellipsis:
        return "..."
    if ix is None:
        return "None"
    if isinstance(ix, np.ndarray) and ix.size > 6:
        return f"<{ix.dtype} index {ix.shape}>"
    return str(np.asarray(ix).tolist()) if isinstance(ix, np.ndarray) else str(ix)


def latex_name(name: str) -> str:
    """``v-1`` -> ``v_{-1}``, ``w0`` -> ``w_{0}``, ``sigma`` -> ``\\sigma``.

    Example:
        >>> latex_name("v-1"), latex_name("w0"), latex_name("sigma"), latex_name("lin1")
        ('v_{-1}', 'w_{0}', '\\\\sigma', '\\\\mathrm{lin1}')
    """
    if name in _GREEK:
        return "\\" + name
    if len(name) == 1 and name.isalpha():
        return name
    stem = name.rstrip("0123456789-")
    sub = name[len(stem):]
    if stem and sub and len(stem) <= 2 and stem.isalpha():
        return f"{stem}_{{{sub}}}"
    return rf"\mathrm{{{latex_escape(name)}}}"


def latex_escape(text: str) -> str:
    """Text with LaTeX's special characters escaped (for names inside ``\\mathrm{...}``).

    Example:
        >>> print(latex_escape("p_W & 5%"))
        p\\_W \\& 5\\%
    """
    out = text.replace("\\", r"\backslash ")
    for ch in "_&%#${}":
        out = out.replace(ch, "\\" + ch)
    return out


def expression(prim: str, params: dict, operands: list[str], latex: bool = False) -> str:
    """One operation applied to already-written operands, e.g. ``v0 + v-1`` or ``sin(v4)``.

    Example:
        >>> expression("multiply", {}, ["1.5", "v-2"]), expression("sin", {}, ["v4"])
        ('1.5 * v-2', 'sin(v4)')
        >>> expression("power", {}, ["v_{5}", "2"], latex=True)
        'v_{5}^{2}'
    """
    if prim == "negative" and len(operands) == 1:
        return f"-{operands[0]}"
    if prim == "square" and len(operands) == 1:
        return f"{operands[0]}^{{2}}" if latex else f"{operands[0]} ** 2"
    if prim == "getitem" and "index" in params and len(operands) == 1:
        return f"{operands[0]}[{index(params['index'])}]"
    if len(operands) == 2:
        if latex and prim == "power":
            return f"{operands[0]}^{{{operands[1]}}}"
        table = _INFIX_LATEX if latex else _INFIX
        if prim in table:
            return f"{operands[0]} {table[prim]} {operands[1]}"
    shown = [f"{k}={_param(v)}" for k, v in params.items() if not _hidden_param(prim, k, v)]
    name = (r"\mathrm{" + latex_escape(prim) + "}") if latex else prim
    if latex and prim in _GREEK:
        name = "\\" + prim
    return f"{name}({', '.join([*operands, *shown])})"


def _hidden_param(prim: str, key: str, val: Any) -> bool:
    if val is None or val is False:
        return True
    return prim in ("getitem", "index_update", "scatter_add") and key in ("shape", "unique")


def _param(v: Any) -> str:
    if isinstance(v, np.ndarray):
        return constant(v)
    if isinstance(v, tuple) and len(v) == 1:
        return str(v[0])
    return str(v)
