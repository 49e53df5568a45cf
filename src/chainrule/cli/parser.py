"""The argument parser of the ``chainrule`` command: ``train``, ``evaluate`` and ``predict``
here; ``trace``/``graph``, ``figures`` and ``check`` register their own subcommands."""

from __future__ import annotations

import argparse

from chainrule.cli.arguments import Parser, positive_int
from chainrule.cli.training_options import add_training_options

DESCRIPTION_TRAIN = """\
Train a multilayer perceptron with mini-batch gradient descent; print accuracy and
loss; write runs/<name>/ with the checkpoint, metrics.json, history.json and figures.

A regression (a numeric target) learns its targets standardized with the training
part's mean and spread, and sgd/momentum/nesterov default to a quarter of their
classification learning rate (see --lr), so the targets' units do not change the
training; history.json's loss and mse are in standardized units, the scores in
metrics.json, 'evaluate' and 'predict' in the data's units (R^2 is the same in both).

A run that diverges (a NaN or infinite loss) exits with status 1 and keeps its
folder: metrics.json (stop_reason "diverged", where, the message, the settings),
history.json up to the divergence and the last checkpoint written before it."""
EPILOG_TRAIN = """examples:
  chainrule train                      the seeds' Iris network: petal length and width,
                                       16 sigmoid units, softmax outputs, gradient descent
  chainrule train --data digits --hidden 128 --activation relu --optimizer adam \\
      --lr 0.001 --batch-size 32 --epochs 30
  chainrule train --data digits --hidden 128 --activation relu --optimizer adam \\
      --batch-size 256 --workers 2       each batch split between 2 worker processes
  chainrule train --data moons --hidden 16,16 --activation tanh --epochs 300
  chainrule train --data sine          a regression: mean squared error, sgd lr 0.25
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
  chainrule tune --data digits --space space.toml --trials 40 --strategy bayes --workers 2
  chainrule compress runs/NAME/checkpoint.npz --method prune --sparsity 0.9 --iterative 3
run 'chainrule train --help' for the training options.
"""


def _train_parser(sub) -> None:
    p = sub.add_parser("train", help="train a network and write a run folder",
                       description=DESCRIPTION_TRAIN,
                       epilog=EPILOG_TRAIN, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", metavar="FILE", help="take the settings from FILE: the "
                   "best.json of 'chainrule tune', or a JSON or TOML table of these options "
                   "(names as below with - written _, e.g. batch_size = 32); options given on "
                   "the command line override it")
    add_training_options(p)
    g = p.add_argument_group("where to train")
    g.add_argument("--no-jit", action="store_true", help="train eagerly instead of compiling "
                   "the step with cr.jit (the same parameters either way)")
    g.add_argument("--device", default="cpu", help="where to train: cpu (NumPy, the default), "
                   "gpu or cuda:N (CuPy; the gpu extra). Checkpoints are host files either way")
    g = p.add_argument_group("data-parallel training (seed 3.7.2)")
    g.add_argument("--workers", type=positive_int, default=1, help="split each batch among N "
                   "workers and average their gradients (default 1: no workers)")
    g.add_argument("--backend", choices=["local", "ray"], default="local", help="workers as "
                   "processes of this machine (default) or Ray actors (the ray extra)")
    g.add_argument("--async", dest="asynchronous", action="store_true", help="asynchronous "
                   "parameter server: apply each worker's gradient as it arrives")
    g.add_argument("--address", help="the Ray cluster to use with --backend ray (default: a "
                   "local Ray with one CPU per worker)")
    g = p.add_argument_group("output")
    g.add_argument("--out", help="folder holding run folders (default: runs)")
    g.add_argument("--name", help="run folder name (default: the date and time); an existing "
                   "run folder is refused unless --overwrite is given")
    g.add_argument("--overwrite", action="store_true", help="let --name replace an existing "
                   "run: the files an earlier run wrote there are deleted first")
    g.add_argument("--resume", metavar="CHECKPOINT", help="continue a run from its checkpoint "
                   "(settings come from the checkpoint; --epochs is the new total, so it must "
                   "exceed the epochs already trained)")
    g.add_argument("--checkpoint-every", type=positive_int, metavar="N",
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
    from chainrule.cli.explain import add_parsers

    add_parsers(sub)
    from chainrule.cli.figures import add_parser as add_figures_parser

    add_figures_parser(sub)
    from chainrule.cli.check import add_parser as add_check_parser

    add_check_parser(sub)
    from chainrule.cli.tune import add_parser as add_tune_parser

    add_tune_parser(sub)
    from chainrule.cli.compress import add_parser as add_compress_parser

    add_compress_parser(sub)
    return parser
