"""``chainrule trace`` and ``chainrule graph``: explain the derivatives of a typed-in formula.

The formula is read by ``chainrule.explain.expression.parse`` (a restricted language, never
evaluated as Python); ``--at w0=0.5,w1=2,x=1.5`` gives every variable its value. ``trace``
prints the table of primal values, tangents along ``--wrt`` and adjoints (seed 000, "Forward
mode" / "Reverse mode"); ``graph`` writes the computational graph (DOT, SVG or PNG).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import Any

import numpy as np

import chainrule as cr
from chainrule import explain
from chainrule.cli.data import UsageError
from chainrule.explain.expression import Expression, parse

EPILOG_TRACE = """examples:
  chainrule trace "cos(w1*x + w0)" --at w0=0.5,w1=2,x=1.5 --wrt w1
  chainrule trace "sigmoid(w*x + b)" --at w=-1,x=1.5,b=0.5 --format markdown
  chainrule trace "cos(w1*x + w0)" --at w0=0.5,w1=2,x=1.5 --compiled
"""
EPILOG_GRAPH = """examples:
  chainrule graph "cos(w1*x + w0)" --at w0=0.5,w1=2,x=1.5 -o graph.svg --highlight w1
  chainrule graph "x*y + sin(x)" --at x=1,y=2 -o graph.dot
"""


def add_parsers(sub) -> None:
    """Register the ``trace`` and ``graph`` subcommands on argparse subparsers ``sub``.

    Example:
        >>> from chainrule.cli import build_parser
        >>> build_parser().parse_args(["trace", "x*x", "--at", "x=3"]).digits
        4
    """
    formatter = argparse.RawDescriptionHelpFormatter
    p = sub.add_parser("trace", help="the forward and reverse trace table of a formula",
                       description="Print every intermediate value of a formula with its "
                       "tangent along one variable (forward mode) and its adjoint (reverse "
                       "mode). Formulas use numbers, variables, + - * / **, parentheses and "
                       "sin cos tan exp log sqrt tanh sigmoid abs relu softplus.",
                       epilog=EPILOG_TRACE, formatter_class=formatter)
    _common(p)
    p.add_argument("--wrt", metavar="NAME",
                   help="the variable whose tangent is shown (default: the first one in --at)")
    p.add_argument("--digits", type=_digits, default=4,
                   help="significant digits shown (default: 4)")
    p.add_argument("--format", choices=("text", "markdown", "latex"), default="text",
                   help="default: text")
    p.add_argument("--compiled", action="store_true",
                   help="print instead the straight-line program cr.jit compiles for the value "
                        "and the gradient: the forward pass, then backpropagation, one "
                        "operation per line")
    p = sub.add_parser("graph", help="the computational graph of a formula",
                       description="Write the computational graph of a formula: nodes hold "
                       "each operation's value and adjoint; .dot/.gv text, or an .svg/.png "
                       "picture (Graphviz if installed, otherwise matplotlib).",
                       epilog=EPILOG_GRAPH, formatter_class=formatter)
    _common(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="FILE.dot, FILE.gv, FILE.svg or FILE.png")
    p.add_argument("--highlight", metavar="NAME",
                   help="draw the paths from this variable to the output in red")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("expression", help='the formula, e.g. "sin(w1*x + w0)" (quote it)')
    p.add_argument("--at", required=True, type=parse_values, metavar="NAME=VALUE,...",
                   help="the value of every variable, e.g. w0=0.5,w1=2,x=1.5")


def _digits(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 17:
        raise argparse.ArgumentTypeError(f"expected an integer from 1 to 17, got {text!r}")
    return value


def parse_values(text: str) -> dict[str, float]:
    """``"w0=0.5,w1=2"`` as ``{"w0": 0.5, "w1": 2.0}``; finite numbers, each name once.

    Example:
        >>> parse_values("w0=0.5, w1=2")
        {'w0': 0.5, 'w1': 2.0}
    """
    values: dict[str, float] = {}
    for part in text.split(","):
        name, sep, number = (s.strip() for s in part.partition("="))
        if not sep or not name.isidentifier():
            raise argparse.ArgumentTypeError(
                f"expected NAME=VALUE pairs separated by commas, like w0=0.5,x=2; got {part!r}")
        try:
            value = float(number)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(
                f"{name}={number!r} is not a finite number; give e.g. {name}=1.5")
        if name in values:
            raise argparse.ArgumentTypeError(f"{name} is given twice in --at {text!r}")
        values[name] = value
    return values


def _prepare(args: argparse.Namespace) -> tuple[Expression, Callable[..., Any], list[float]]:
    """The parsed formula, its function of the variables in ``--at`` order, their values."""
    expr = parse(args.expression, names=args.at)
    if not expr.variables:
        raise UsageError(f"the expression {args.expression!r} has no variables, so there is "
                         "nothing to differentiate; use a name such as x and give --at x=...")
    extra = [n for n in args.at if n not in expr.variables]
    if extra:
        raise UsageError(f"--at names {extra} that the expression does not use; its variables "
                         f"are {list(expr.variables)}")
    return expr, expr.function(order=list(args.at)), list(args.at.values())


def _variable(expr: Expression, name: str, option: str) -> str:
    if name not in expr.variables:
        raise UsageError(f"{option} {name!r} is not a variable of the expression; its variables "
                         f"are {list(expr.variables)}")
    return name


def run_trace(args: argparse.Namespace) -> int:
    """``chainrule trace``: print the trace table of the formula at the ``--at`` point."""
    expr, f, values = _prepare(args)
    if args.compiled:
        return _print_program(f, list(args.at), values)
    wrt = next(iter(args.at)) if args.wrt is None else _variable(expr, args.wrt, "--wrt")
    with np.errstate(all="ignore"):  # log(-1) and the like show as nan in the table
        table = explain.trace(f, *values, wrt=wrt)
    if args.format == "markdown":
        print(table.to_markdown(args.digits).rstrip("\n"))
    elif args.format == "latex":
        print(table.to_latex(args.digits).rstrip("\n"))
    else:
        table.show(args.digits)
    return 0


def _print_program(f: Callable[..., Any], names: list[str], values: list[float]) -> int:
    """The program of the value and gradient of ``f`` w.r.t. every variable (issue 13)."""
    value_and_grad = cr.value_and_grad(f, argnums=tuple(range(len(names))))
    with np.errstate(all="ignore"):
        program = cr.jit(value_and_grad).lower(*(np.asarray(v) for v in values))
    print("inputs: " + ", ".join(f"s{k} = {name}" for k, name in enumerate(names)))
    print("returns: the value, then the gradient in the order of the inputs")
    print(program.show().split("\n", 1)[1])
    return 0


def run_graph(args: argparse.Namespace) -> int:
    """``chainrule graph``: write the graph of the formula to ``--output``, print the path."""
    expr, f, values = _prepare(args)
    highlight = None if args.highlight is None else _variable(expr, args.highlight,
                                                              "--highlight")
    with np.errstate(all="ignore"):
        g = explain.graph(f, *values)
    try:
        path = g.save(args.output, highlight=highlight)
    except ImportError as error:
        raise UsageError(f"cannot draw {args.output!r}: {error}; install Graphviz or "
                         "matplotlib, or write a .dot file") from None
    except RuntimeError as error:
        raise UsageError(str(error)) from None
    print(path)
    return 0
