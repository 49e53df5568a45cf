"""``chainrule figures``: write the seeds' figures and tables (``chainrule.figures``) into a
folder, with an ``index.md`` listing every file with its title and seed reference.

Bad input (an unknown figure name, no ``-o``, matplotlib missing for a picture) is reported in
one line on stderr with exit status 2.
"""

from __future__ import annotations

import argparse
import sys

EPILOG = """examples:
  chainrule figures -o figures                  everything, pictures as PNG, and index.md
  chainrule figures -o figures --format svg
  chainrule figures -o figures --only fig3_9_bowls,seed004_trace
  chainrule figures --list                      the names, titles and seed references
"""


def add_parser(sub) -> None:
    """Register the ``figures`` subcommand on argparse subparsers ``sub``.

    Example:
        >>> from chainrule.cli import build_parser
        >>> args = build_parser().parse_args(["figures", "-o", "out", "--format", "svg"])
        >>> args.output, args.format, args.only, args.list
        ('out', 'svg', None, False)
    """
    p = sub.add_parser("figures", help="write the seeds' figures and tables into a folder",
                       description="Reproduce the seeds' figures (optimizer paths on contour "
                       "plots, activation derivatives, the computational graph of Figure 3.4) "
                       "and tables (trace tables, path sums, forward/reverse cost) with "
                       "chainrule, and write an index.md listing them. Pictures need "
                       "matplotlib (pip install 'chainrule[plots]'); tables do not.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-o", "--output", metavar="DIR",
                   help="the folder to write into (created if missing)")
    p.add_argument("--only", metavar="NAME[,NAME]",
                   help="write only these figures (names from --list, separated by commas)")
    p.add_argument("--list", action="store_true",
                   help="list the figure names with their titles and seed references, and exit")
    p.add_argument("--format", choices=("png", "svg"), default="png",
                   help="picture format (default: png)")


def _error(message: str) -> int:
    print(f"chainrule figures: error: {message}", file=sys.stderr)
    return 2


def list_text() -> str:
    """The ``--list`` output: one line per figure, name, title and seed reference.

    Example:
        >>> list_text().splitlines()[0].split()[0]
        'seed004_trace'
    """
    from chainrule.figures import FIGURES

    width = max(len(n) for n in FIGURES)
    return "\n".join(f"{name.ljust(width)}  {e.title} ({e.seed})" for name, e in FIGURES.items())


def run_figures(args: argparse.Namespace) -> int:
    """``chainrule figures``: list the figures, or write them and print each path written;
    returns the exit status (2 for bad input, with a one-line message on stderr)."""
    from chainrule.figures import select, write_figures

    if args.list:
        print(list_text())
        return 0
    if not args.output:
        return _error("give the folder to write into with -o DIR (or --list to see the names)")
    try:
        names = select(args.only)
    except ValueError as error:
        return _error(str(error))
    try:
        paths = write_figures(args.output, only=names, fmt=args.format)
    except ImportError as error:
        return _error(str(error))
    except OSError as error:
        where = error.filename if error.filename is not None else args.output
        return _error(f"cannot write into {args.output!r}: {error.strerror or error} "
                      f"({where})")
    for path in paths:
        print(path)
    return 0
