"""The ``chainrule`` command (also ``python -m chainrule``): train, evaluate, predict, demo.

Bad input (an unreadable, damaged or foreign file, an unknown column, labels the model has no
output for, an option value out of range, an existing run folder without ``--overwrite``) is
reported in one line on stderr with exit status 2; training that diverges (a non-finite loss)
exits with status 1 and keeps its run folder with what happened (``cli.diverged``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from chainrule.cli.data import UsageError
from chainrule.cli.parser import build_parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); returns the exit status.

    Example:
        >>> from chainrule.cli import main
        >>> main(["train", "--epochs", "0"])
        2
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    command = args.command or "train"
    if args.command is None:
        args = parser.parse_args(["train"])
    try:
        if command == "train":
            from chainrule.cli.train import run_train

            return run_train(args)
        if command == "evaluate":
            from chainrule.cli.use import run_evaluate

            return run_evaluate(args)
        if command == "predict":
            from chainrule.cli.use import run_predict

            return run_predict(args)
        if command in ("trace", "graph"):
            from chainrule.cli import explain as cli_explain

            return cli_explain.run_trace(args) if command == "trace" else \
                cli_explain.run_graph(args)
        if command == "check":
            from chainrule.cli.check import run_check

            return run_check(args)
        if command == "compress":
            from chainrule.cli.compress import run_compress

            return run_compress(args)
        if command == "tune":
            from chainrule.cli.tune import run_tune

            return run_tune(args)
        if command == "figures":
            from chainrule.cli.figures import run_figures

            return run_figures(args)
        from chainrule.demo import main as demo

        demo()
        return 0
    except BrokenPipeError:  # e.g. `chainrule demo | head`: the reader has gone
        sys.stderr.close()
        return 0
    except FloatingPointError as error:
        _fail(command, error)
        return 1
    except (UsageError, ValueError, TypeError, OSError, KeyError) as error:
        _fail(command, error)
        return 2
    except KeyboardInterrupt:
        print(f"chainrule {command}: interrupted", file=sys.stderr)
        return 130


def _fail(command: str, error: BaseException) -> None:
    text = " ".join(str(error).split()) or type(error).__name__
    if isinstance(error, OSError) and error.filename is not None and error.strerror:
        text = f"cannot read {error.filename!r}: {error.strerror}"
    print(f"chainrule {command}: error: {text}", file=sys.stderr)
