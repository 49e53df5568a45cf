"""The ``chainrule`` command (also ``python -m chainrule``): train, evaluate, predict, demo.

Bad input (an unreadable, damaged or foreign file, an unknown column, labels the model has no
output for, an option value out of range, an existing run folder without ``--overwrite``) is
reported in one line on stderr with exit status 2; training that diverges (a non-finite loss)
exits with status 1.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence

from chainrule import cli_data

EPILOG_TRAIN = """examples:
  chainrule train                      the seeds' Iris network: petal length and width,
                                       16 sigmoid units, softmax outputs, gradient descent
  chainrule train --data digits --hidden 128 --activation relu --optimizer adam \\
      --lr 0.001 --batch-size 32 --epochs 30
  chainrule train --data moons --hidden 16,16 --activation tanh --epochs 300
  chainrule train --data my.csv --target label --features width,height --quiet
  chainrule train --name iris --overwrite
                                       replace the run folder runs/iris/
  chainrule train --resume runs/NAME/checkpoint.npz --epochs 1000
                                       train on to 1000 epochs in all (the new total)
"""
EPILOG = """examples:
  chainrule train                      train the seeds' Iris network, write runs/<time>/
  chainrule evaluate runs/NAME/checkpoint.npz
  chainrule predict runs/NAME/checkpoint.npz flowers.csv --output predictions.csv
  chainrule demo                       the seed examples, differentiated
  chainrule trace "cos(w1*x + w0)" --at w0=0.5,w1=2,x=1.5    its trace table
  chainrule graph "cos(w1*x + w0)" --at w0=0.5,w1=2,x=1.5 -o graph.svg
  chainrule figures -o figures         the seeds' figures and tables, with index.md
  chainrule check mymodel.py:loss --at "w=[0.5,-1]"    gradient-check your function
run 'chainrule train --help' for the training options.
"""


class Parser(argparse.ArgumentParser):
    """argparse with a one-line error message (no usage dump) and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a finite number > 0, got {text!r}")
    return value


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a fraction in [0, 1), got {text!r}")
    return value


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(t) for t in text.split(",") if t.strip()]
    except ValueError:
        sizes = []
    if not sizes or any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError(
            f"expected hidden layer sizes like 16 or 64,32 (positive integers), got {text!r}")
    return sizes


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    return value


def _train_parser(sub) -> None:
    from chainrule.cli_data import PREPROCESS
    from chainrule.cli_train import OPTIMIZERS
    from chainrule.train.mlp import ACTIVATIONS, LOSSES

    p = sub.add_parser("train", help="train a network and write a run folder",
                       description="Train a multilayer perceptron with mini-batch gradient "
                       "descent; print accuracy and loss; write runs/<name>/ with the "
                       "checkpoint, metrics.json, history.json and figures.",
                       epilog=EPILOG_TRAIN, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = p.add_argument_group("data")
    g.add_argument("--data", help="iris, digits, spirals, moons, xor, blobs or FILE.csv "
                   "with a header row (default: iris with petal length and width)")
    g.add_argument("--target", help="target column of a CSV file: name or index (default: last)")
    g.add_argument("--features", help="feature columns, names or 0-based indices separated by "
                   "commas (default: all)")
    g.add_argument("--preprocess", choices=[*PREPROCESS, "none"],
                   help="fitted on the training part (default: standardize)")
    g.add_argument("--val", type=_fraction, help="validation fraction (default: 0.2)")
    g.add_argument("--test", type=_fraction, help="test fraction (default: 0.2)")
    g = p.add_argument_group("network")
    g.add_argument("--hidden", type=_sizes, help="hidden layer sizes, e.g. 16,16 (default: 16)")
    g.add_argument("--activation", choices=sorted(ACTIVATIONS), help="default: sigmoid")
    g.add_argument("--init", help="weight initializer from chainrule.nn.init, e.g. he_normal, "
                   "xavier_uniform (default: fan_in_uniform)")
    g.add_argument("--batchnorm", action="store_true", default=None,
                   help="batch normalization after each hidden linear layer")
    g.add_argument("--dropout", type=_fraction, help="dropout after each hidden layer")
    g.add_argument("--loss", choices=LOSSES,
                   help="default: cross_entropy (classification) or mse (regression)")
    g = p.add_argument_group("optimization")
    g.add_argument("--optimizer", choices=list(OPTIMIZERS), help="default: sgd")
    g.add_argument("--lr", type=_positive_float, help="learning rate (default per optimizer: "
                   + ", ".join(f"{k} {v[1]:g}" for k, v in OPTIMIZERS.items()) + ")")
    g.add_argument("--epochs", type=_positive_int, help="default: 500")
    g.add_argument("--batch-size", type=_positive_int,
                   help="1 = stochastic gradient descent (default: the whole training set)")
    g.add_argument("--seed", type=_seed, help="seeds the split, weights and batches (default 0)")
    g = p.add_argument_group("output")
    g.add_argument("--out", help="folder holding run folders (default: runs)")
    g.add_argument("--name", help="run folder name (default: the date and time); an existing "
                   "run folder is refused unless --overwrite is given")
    g.add_argument("--overwrite", action="store_true", help="let --name replace an existing "
                   "run: the files an earlier run wrote there are deleted first")
    g.add_argument("--resume", metavar="CHECKPOINT", help="continue a run from its checkpoint "
                   "(settings come from the checkpoint; --epochs is the new total, so it must "
                   "exceed the epochs already trained)")
    g.add_argument("--checkpoint-every", type=_positive_int, metavar="N",
                   help="epochs between checkpoints (default: a tenth of the epochs)")
    g.add_argument("--diagnose", action="store_true", help="record gradient norms per layer, "
                   "dead and saturated units (seed 3.4); report them, write diagnostics.json")
    g.add_argument("--quiet", action="store_true", help="print nothing (for scripts)")
    g.add_argument("--progress", action="store_true",
                   help="draw the progress bar even when stderr is not a terminal")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``chainrule`` command."""
    parser = Parser(prog="chainrule", description="Automatic differentiation of NumPy code, "
                    "and training neural networks with it.", epilog=EPILOG,
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _train_parser(sub)
    p = sub.add_parser("evaluate", help="accuracy/loss of a checkpoint on data",
                       description="Evaluate a checkpoint written by 'chainrule train': on "
                       "the train/validation/test split it was trained with, or on --data.")
    p.add_argument("checkpoint")
    p.add_argument("--data", help="a data set name or FILE.csv (default: the run's data)")
    p.add_argument("--target", help="target column of a CSV file (default: last)")
    p.add_argument("--json", action="store_true", help="also print the results as JSON")
    p = sub.add_parser("predict", help="predictions of a checkpoint for a CSV file",
                       description="Predict the class (and class probabilities) of every row "
                       "of a CSV file holding the feature columns the run was trained on.")
    p.add_argument("checkpoint")
    p.add_argument("file", help="CSV file with a header row")
    p.add_argument("--output", help="write the predictions to this CSV file (default: stdout)")
    sub.add_parser("demo", help="the seed examples, differentiated by both modes",
                   description="Differentiate the seed examples in forward and reverse mode.")
    from chainrule.cli_explain import add_parsers

    add_parsers(sub)
    from chainrule.cli_figures import add_parser as add_figures_parser

    add_figures_parser(sub)
    from chainrule.cli_check import add_parser as add_check_parser

    add_check_parser(sub)
    return parser


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
            from chainrule.cli_train import run_train

            return run_train(args)
        if command == "evaluate":
            from chainrule.cli_use import run_evaluate

            return run_evaluate(args)
        if command == "predict":
            from chainrule.cli_use import run_predict

            return run_predict(args)
        if command in ("trace", "graph"):
            from chainrule import cli_explain

            return cli_explain.run_trace(args) if command == "trace" else \
                cli_explain.run_graph(args)
        if command == "check":
            from chainrule.cli_check import run_check

            return run_check(args)
        if command == "figures":
            from chainrule.cli_figures import run_figures

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
    except (cli_data.UsageError, ValueError, TypeError, OSError, KeyError) as error:
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
