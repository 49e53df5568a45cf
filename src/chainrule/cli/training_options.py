"""The data, network and optimization options of ``chainrule train``, which ``chainrule tune``
shares (it searches some of them and fixes the rest with these)."""

from __future__ import annotations

import argparse

from chainrule.cli.arguments import (
    fraction,
    hidden_sizes,
    nonnegative_float,
    positive_float,
    positive_int,
    seed,
)


def add_training_options(p: argparse.ArgumentParser) -> None:
    """The data, network and optimization options of ``train`` (``tune`` fixes with them what
    it does not search)."""
    from chainrule.cli.config import OPTIMIZERS
    from chainrule.cli.data import PREPROCESS
    from chainrule.train.mlp import ACTIVATIONS, LOSSES

    g = p.add_argument_group("data")
    g.add_argument("--data", help="iris, digits, spirals, moons, xor, blobs, sine (a "
                   "regression), FILE.csv with a header row, or FILE.npz with arrays X and y "
                   "(y may have several columns) (default: iris with petal length and width)")
    g.add_argument("--target", help="target column of a CSV file: name or index (default: last)")
    g.add_argument("--features", help="feature columns, names or 0-based indices separated by "
                   "commas (default: all)")
    g.add_argument("--preprocess", choices=[*PREPROCESS, "none"],
                   help="fitted on the training part (default: standardize)")
    g.add_argument("--val", type=fraction, help="validation fraction (default: 0.2)")
    g.add_argument("--test", type=fraction, help="test fraction (default: 0.2)")
    g = p.add_argument_group("network")
    g.add_argument("--hidden", type=hidden_sizes,
                   help="hidden layer sizes, e.g. 16,16 (default: 16)")
    g.add_argument("--activation", choices=sorted(ACTIVATIONS), help="default: sigmoid")
    g.add_argument("--init", help="weight initializer from chainrule.nn.init, e.g. he_normal, "
                   "xavier_uniform (default: fan_in_uniform)")
    g.add_argument("--batchnorm", action="store_true", default=None,
                   help="batch normalization after each hidden linear layer")
    g.add_argument("--dropout", type=fraction, help="dropout after each hidden layer")
    g.add_argument("--loss", choices=LOSSES,
                   help="default: cross_entropy (classification) or mse (regression)")
    g = p.add_argument_group("optimization")
    g.add_argument("--optimizer", choices=list(OPTIMIZERS), help="default: sgd")
    g.add_argument("--lr", type=positive_float, help="learning rate (default per optimizer: "
                   + ", ".join(f"{k} {v[1]:g}" for k, v in OPTIMIZERS.items()) + "; for a "
                   "regression a quarter of that for sgd, momentum and nesterov, whose step "
                   "grows with the curvature, 4 times larger for mean squared error than for "
                   "softmax cross-entropy)")
    g.add_argument("--l2", type=nonnegative_float, metavar="LAMBDA", help="L2 weight "
                   "penalty: adds LAMBDA/n times the sum of the squared weights (not biases) to "
                   "the training loss, n the training samples (default: 0)")
    g.add_argument("--epochs", type=positive_int, help="default: 500")
    g.add_argument("--batch-size", type=positive_int,
                   help="1 = stochastic gradient descent (default: the whole training set)")
    g.add_argument("--seed", type=seed, help="seeds the split, weights and batches (default 0)")
